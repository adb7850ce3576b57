"""Week 5 rules: every rule the notebook states for a graded name, the items whose inputs exercise
it and the wrong variants that break it (the release gate proves each; see docs/writing-a-week.md).

Not listed, because no input can exercise them on the grader's CPU: "moved to `device`" and
"moved to `pick_device()`" (there is only the CPU), and the parts written for the student
(``__init__`` and ``prepare_data`` of DigitsDataModule).
"""

from __future__ import annotations

from autograder.spec import Rule

DATASET = ("ArrayDataset", "ArrayDataset.hidden")
TRANSFORMS = ("build_transforms", "build_transforms.hidden")
COLLATE = ("pad_collate", "pad_collate.hidden")
DATAMODULE = ("DigitsDataModule", "DigitsDataModule.hidden")
MLP = ("build_mlp", "build_mlp.hidden")
CLASSIFIER = ("DigitsClassifier", "DigitsClassifier.hidden")
EPOCH = ("train_one_epoch", "train_one_epoch.hidden")
EVALUATE = ("evaluate", "evaluate.hidden")

RULES = [
    # ------------------------------------------------------------------ ArrayDataset
    Rule(
        "ArrayDataset",
        "`features` (a NumPy array or a tensor, first axis = samples) become a **float32** tensor",
        DATASET,
        ("ArrayDataset:dataset_float64",),
    ),
    Rule(
        "ArrayDataset",
        "**int64** when the targets are integers or booleans (class labels), **float32** when they"
        " are floating point (regression)",
        DATASET,
        ("ArrayDataset:dataset_bools_as_float",),
    ),
    Rule(
        "ArrayDataset",
        "if `features` and `targets` do not have the same number of samples, raise `ValueError`",
        DATASET,
        ("ArrayDataset:dataset_without_length_check",),
    ),
    Rule(
        "ArrayDataset",
        "`len(dataset)` is the number of samples",
        DATASET,
        ("ArrayDataset:dataset_length_of_values",),
    ),
    Rule(
        "ArrayDataset",
        "The transform touches only the features",
        DATASET,
        ("ArrayDataset:dataset_transforms_targets",),
    ),
    Rule(
        "ArrayDataset",
        "it is applied **every time** an item is read, never once in `__init__`",
        DATASET,
        ("ArrayDataset:dataset_transform_in_init",),
    ),
    # ------------------------------------------------------------------ build_transforms
    Rule(
        "build_transforms",
        "Write `build_transforms(mean, std)` returning a dict with two transforms",
        TRANSFORMS,
        ("build_transforms:transforms_other_keys",),
    ),
    Rule(
        "build_transforms",
        '`"eval"`: normalisation only, `(x - mean) / std`',
        TRANSFORMS,
        ("build_transforms:transforms_swapped",),
    ),
    Rule(
        "build_transforms",
        '`"train"`: a random **shift by at most one pixel** in each direction',
        TRANSFORMS,
        (
            "build_transforms:transforms_two_pixel_shift",
            "build_transforms:transforms_without_augmentation",
        ),
    ),
    Rule(
        "build_transforms",
        "The shift must come **before** the normalisation",
        TRANSFORMS,
        ("build_transforms:transforms_normalise_first",),
    ),
    Rule(
        "build_transforms",
        "Both return float32 tensors of shape `(1, 8, 8)`",
        TRANSFORMS,
        ("build_transforms:transforms_float64",),
    ),
    Rule(
        "build_transforms",
        "which is why we do not flip",
        TRANSFORMS,
        ("build_transforms:transforms_with_flip",),
    ),
    # ------------------------------------------------------------------ pad_collate
    Rule(
        "pad_collate",
        "`padded`: float32, shape `(B, L_max)` with `L_max` the longest length **in this batch**",
        COLLATE,
        ("pad_collate:collate_to_fixed_length",),
    ),
    Rule(
        "pad_collate",
        "row `i` holds sequence `i` followed by zeros (padding at the **end**)",
        COLLATE,
        ("pad_collate:collate_padding_in_front",),
    ),
    Rule(
        "pad_collate",
        "`lengths`: int64, shape `(B,)`, the original lengths",
        ("pad_collate.hidden",),  # its sequences hold real zeros, one at the end of a sequence
        ("pad_collate:collate_lengths_from_nonzero",),
    ),
    Rule(
        "pad_collate",
        "`labels`: int64, shape `(B,)`",
        COLLATE,
        ("pad_collate:collate_int32_labels",),
    ),
    Rule(
        "pad_collate",
        "of length `L_i` (possibly 0)",
        ("pad_collate.hidden",),
        ("pad_collate:collate_skips_empty",),
    ),
    Rule(
        "pad_collate",
        "Keep the samples in the order they came in.",
        COLLATE,
        ("pad_collate:collate_sorted_by_length",),
    ),
    # ------------------------------------------------------------------ DigitsDataModule
    Rule(
        "DigitsDataModule",
        "may be called more than once, with any `stage`) builds all three splits",
        DATAMODULE,  # public: setup("fit") then setup("test"); hidden: setup("validate") only
        ("DigitsDataModule:datamodule_rng_in_init", "DigitsDataModule:datamodule_by_stage"),
    ),
    Rule(
        "DigitsDataModule",
        "`n_val = floor(val_fraction * n)`, `n_test = floor(test_fraction * n)`",
        ("DigitsDataModule.hidden",),  # 0.1 * 1797 = 179.7
        ("DigitsDataModule:datamodule_rounded_sizes",),
    ),
    Rule(
        "DigitsDataModule",
        "validation gets `order[:n_val]`, test `order[n_val:n_val + n_test]`, training the rest",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_train_first",),
    ),
    Rule(
        "DigitsDataModule",
        "`self.mean_` and `self.std_` (Python floats)",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_tensor_statistics",),
    ),
    Rule(
        "DigitsDataModule",
        "the population standard deviation (`ddof=0`)",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_unbiased_std",),
    ),
    Rule(
        "DigitsDataModule",
        "**all pixels of the training images only**",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_leaky_statistics",),
    ),
    Rule(
        "DigitsDataModule",
        'the training set with the `"train"` transform of `build_transforms(self.mean_, self.std_)`,'
        ' the other two with `"eval"`',
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_augments_validation",),
    ),
    Rule(
        "DigitsDataModule",
        "`train_dataloader()`: batches of `batch_size`, **shuffled** at every epoch",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_unshuffled", "DigitsDataModule:datamodule_fixed_batch_size"),
    ),
    Rule(
        "DigitsDataModule",
        "a loader iterated twice gives two different orders, and the same two orders on every run",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_unseeded_shuffle",),
    ),
    Rule(
        "DigitsDataModule",
        "`val_dataloader()` and `test_dataloader()`: batches of `batch_size`, **not** shuffled",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_shuffles_validation",),
    ),
    Rule(
        "DigitsDataModule",
        "Keep the last, smaller batch (`drop_last=False`, the default)",
        ("DigitsDataModule",),
        ("DigitsDataModule:datamodule_drop_last",),
    ),
    # ------------------------------------------------------------------ build_mlp
    Rule(
        "build_mlp",
        "in this order, `nn.Flatten()`, `nn.Linear(64, hidden)`, `nn.ReLU()`, `nn.Linear(hidden,"
        " n_classes)`",
        MLP,
        ("build_mlp:mlp_sigmoid", "build_mlp:mlp_ten_classes"),
    ),
    Rule(
        "build_mlp",
        "to **logits** `(B, n_classes)` (no softmax",
        MLP,
        ("build_mlp:mlp_softmax_output",),
    ),
    # ------------------------------------------------------------------ DigitsClassifier
    Rule(
        "DigitsClassifier",
        "`self.net = build_mlp(hidden)`",
        CLASSIFIER,
        ("DigitsClassifier:classifier_fixed_hidden",),
    ),
    Rule(
        "DigitsClassifier",
        "and keep `lr`",
        CLASSIFIER,
        ("DigitsClassifier:classifier_default_lr",),
    ),
    Rule(
        "DigitsClassifier",
        "`forward(x)`: the logits `self.net(x)`",
        CLASSIFIER,
        ("DigitsClassifier:classifier_softmax_forward",),
    ),
    Rule(
        "DigitsClassifier",
        "compute the mean cross-entropy of the logits",
        CLASSIFIER,
        ("DigitsClassifier:classifier_summed_loss",),
    ),
    Rule(
        "DigitsClassifier",
        '`self.log("train_loss", loss)`',
        CLASSIFIER,
        ("DigitsClassifier:classifier_no_train_log",),
    ),
    Rule(
        "DigitsClassifier",
        "**return** the loss (the tensor itself, with its graph",
        CLASSIFIER,
        ("DigitsClassifier:classifier_returns_float",),
    ),
    Rule(
        "DigitsClassifier",
        "log the mean cross-entropy and the accuracy (fraction of `argmax(logits) == y`)",
        CLASSIFIER,
        ("DigitsClassifier:classifier_accuracy_percent",),
    ),
    Rule(
        "DigitsClassifier",
        "`configure_optimizers()`: return `torch.optim.Adam(self.parameters(), lr=lr)`",
        CLASSIFIER,
        ("DigitsClassifier:classifier_sgd",),
    ),
    # ------------------------------------------------------------------ train_one_epoch
    Rule(
        "train_one_epoch",
        "returns the **mean loss per sample** of that epoch (a Python float)",
        EPOCH,
        ("train_one_epoch:train_epoch_returns_tensor",),
    ),
    Rule(
        "train_one_epoch",
        "put the model in training mode (`model.train()`) before the first batch",
        EPOCH,
        ("train_one_epoch:train_epoch_no_train_mode",),
    ),
    Rule(
        "train_one_epoch",
        "for **every** batch",
        EPOCH,
        ("train_one_epoch:train_epoch_skips_last_batch",),
    ),
    Rule(
        "train_one_epoch",
        "`zero_grad` must come before `backward` in every batch",
        EPOCH,
        ("train_one_epoch:train_epoch_no_zero_grad",),
    ),
    Rule(
        "train_one_epoch",
        "then `loss.backward()`, then `optimizer.step()`",
        EPOCH,
        ("train_one_epoch:train_epoch_step_before_backward",),
    ),
    Rule(
        "train_one_epoch",
        "weight each batch's loss by its number of samples and divide by the total",
        EPOCH,
        ("train_one_epoch:train_epoch_mean_of_means",),
    ),
    # ------------------------------------------------------------------ evaluate
    Rule(
        "evaluate",
        '`{"loss": ..., "accuracy": ...}` (Python floats)',
        EVALUATE,
        ("evaluate:evaluate_returns_tensors",),
    ),
    Rule(
        "evaluate",
        "without changing the model",
        EVALUATE,
        ("evaluate:evaluate_with_backward",),
    ),
    Rule(
        "evaluate",
        "`model.eval()` before the first batch",
        EVALUATE,
        ("evaluate:evaluate_without_eval_mode",),
    ),
    Rule(
        "evaluate",
        "every forward pass inside `torch.no_grad()`",
        EVALUATE,
        ("evaluate:evaluate_with_gradients",),
    ),
    Rule(
        "evaluate",
        '`"loss"`: the mean loss per sample, weighted as above',
        EVALUATE,
        ("evaluate:evaluate_mean_of_means",),
    ),
    Rule(
        "evaluate",
        '`"accuracy"`: the fraction of samples with `argmax(logits) == y`',
        EVALUATE,
        ("evaluate:evaluate_accuracy_percent",),
    ),
    # ------------------------------------------------------------------ train_digits_classifier
    Rule(
        "train_digits_classifier",
        "`seed_everything(seed)`",
        ("train_digits_classifier.arguments",),  # two runs of one seed from other global states
        ("train_digits_classifier:train_unseeded",),
    ),
    Rule(
        "train_digits_classifier",
        "a `DigitsDataModule(batch_size=batch_size, seed=seed)`, set up",
        ("train_digits_classifier.arguments",),
        (
            "train_digits_classifier:train_ignores_batch_size",
            "train_digits_classifier:train_ignores_seed_in_split",
        ),
    ),
    Rule(
        "train_digits_classifier",
        "`model = build_mlp(hidden)`",
        ("train_digits_classifier.arguments",),
        ("train_digits_classifier:train_ignores_hidden",),
    ),
    Rule(
        "train_digits_classifier",
        "`torch.optim.Adam(model.parameters(), lr=lr)`",
        ("train_digits_classifier.arguments",),  # lr=1e-6: nothing can be learned
        ("train_digits_classifier:train_ignores_lr",),
    ),
    Rule(
        "train_digits_classifier",
        "make the two loaders **once** (a new training loader each epoch would replay the same"
        " shuffled order)",
        ("train_digits_classifier.arguments",),
        ("train_digits_classifier:train_new_loader_each_epoch",),
    ),
    Rule(
        "train_digits_classifier",
        "`evaluate` on the validation loader",
        ("train_digits_classifier.arguments",),
        ("train_digits_classifier:train_validates_on_training_data",),
    ),
    Rule(
        "train_digits_classifier",
        "a dict of three lists with one number per epoch",
        ("train_digits_classifier.arguments",),  # epochs=2
        ("train_digits_classifier:train_ignores_epochs",),
    ),
    Rule(
        "train_digits_classifier",
        'the last `"val_loss"` and `"val_accuracy"` of your history must agree with what it measures',
        ("train_digits_classifier.arguments",),
        (
            "train_digits_classifier:train_accuracy_percent",
            "train_digits_classifier:train_fake_history",
        ),
    ),
    Rule(
        "train_digits_classifier",
        "needs at least **0.80**",
        ("train_digits_classifier",),
        (
            "train_digits_classifier:train_without_step",
            "train_digits_classifier:train_fake_history",
        ),
    ),
    # ------------------------------------------------------------------ train_with_lightning
    Rule(
        "train_with_lightning",
        "`seed_everything(seed)`; `data = DigitsDataModule(seed=seed)`",
        ("train_with_lightning.arguments",),
        (
            "train_with_lightning:lightning_unseeded",
            "train_with_lightning:lightning_ignores_seed_in_split",
        ),
    ),
    Rule(
        "train_with_lightning",
        "`trainer = L.Trainer(max_epochs=max_epochs",
        ("train_with_lightning",),
        ("train_with_lightning:lightning_one_epoch", "train_with_lightning:lightning_no_training"),
    ),
    Rule(
        "train_with_lightning",
        "your function must not write files: no logger, no checkpoints",
        ("train_with_lightning.arguments",),
        ("train_with_lightning:lightning_writes_files",),
    ),
    Rule(
        "train_with_lightning",
        "read **before** `trainer.test`",
        ("train_with_lightning.arguments",),
        ("train_with_lightning:lightning_test_as_val",),
    ),
    Rule(
        "train_with_lightning",
        "as Python numbers",
        ("train_with_lightning.arguments",),
        ("train_with_lightning:lightning_tensor_scores",),
    ),
    Rule(
        "train_with_lightning",
        "(at least **0.80** each), checks that `scores` agree with it",
        ("train_with_lightning",),
        (
            "train_with_lightning:lightning_fake_scores",
            "train_with_lightning:lightning_no_training",
        ),
    ),
]
