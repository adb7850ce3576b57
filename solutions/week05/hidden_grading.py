"""Week 5 hidden items: the same functions on other inputs, other batch sizes, other seeds,
other arguments; boolean targets, sequences holding real zeros, a setup called for another stage;
the training runs with another seed and other arguments, twice (they must be reproducible).

Stays in solutions/; graded for the official grade after the deadline.
"""

from __future__ import annotations

from grading import (
    LIGHTNING_USES,
    TRAINING_USES,
    check_array_dataset,
    check_classifier,
    check_collate,
    check_datamodule,
    check_evaluate,
    check_lightning,
    check_mlp,
    check_train_one_epoch,
    check_training_runs,
    check_transforms,
    probe_array_dataset,
    probe_classifier,
    probe_collate,
    probe_datamodule,
    probe_evaluate,
    probe_lightning,
    probe_mlp,
    probe_train_one_epoch,
    probe_training_runs,
    probe_transforms,
)

from autograder.spec import Item

# other arguments than the defaults, each visible in the result: 2 epochs (the history's length),
# hidden=24 (the model's shapes), batch_size=100 (the loader's batches) and lr=1e-6, at which the
# network cannot learn anything in 22 steps (reference: validation accuracy near chance, far below 0.5;
# the default lr reaches ~0.75 in two epochs); run twice from different global random states
SMALL_RUN = {"seed": 2, "epochs": 2, "hidden": 24, "lr": 1e-6, "batch_size": 100}

ITEMS = [
    Item(
        "ArrayDataset.hidden",
        2,
        probe=lambda ns: probe_array_dataset(ns, seed=11, n=9, d=4, kinds=("float", "bool")),
        check=check_array_dataset,
        requires=("ArrayDataset",),
        hint="floating-point targets stay floating point (float32); integer and boolean targets become int64.",
    ),
    Item(
        "build_transforms.hidden",
        2,
        probe=lambda ns: probe_transforms(ns, mean=0.2, std=0.25, seed=12, n=48),
        check=check_transforms,
        requires=("build_transforms",),
        hint="use the mean and std you are given; shift (with zero padding) before normalising.",
    ),
    Item(
        "pad_collate.hidden",
        2,
        probe=lambda ns: probe_collate(
            ns, seed=13, lengths=[2, 0, 6, 6, 1, 3, 4], batch_size=3, real_zeros=True
        ),
        check=check_collate,
        requires=("pad_collate",),
        hint="an empty sequence is a row of zeros with length 0; a sequence may hold real zeros; pad to the longest sequence of each batch.",
    ),
    Item(
        "DigitsDataModule.hidden",
        3,
        probe=lambda ns: probe_datamodule(ns, 50, 0.1, 0.3, seed=7, stages=("validate",)),
        check=check_datamodule,
        requires=("DigitsDataModule", "ArrayDataset", "build_transforms"),
        uses=("ArrayDataset", "build_transforms"),
        timeout=45.0,
        hint="use val_fraction, test_fraction, batch_size and seed as given; setup builds all three splits whatever the stage.",
    ),
    Item(
        "build_mlp.hidden",
        1,
        probe=lambda ns: probe_mlp(ns, hidden=7, n_classes=4, seed=14),
        check=check_mlp,
        requires=("build_mlp",),
        hint="n_classes sets the size of the last layer.",
    ),
    Item(
        "DigitsClassifier.hidden",
        2,
        probe=lambda ns: probe_classifier(ns, hidden=9, lr=0.02, seed=15, n=33),
        check=check_classifier,
        requires=("DigitsClassifier", "build_mlp"),
        uses=("build_mlp",),
        hint="pass hidden to build_mlp and lr to Adam.",
    ),
    Item(
        "train_one_epoch.hidden",
        3,
        probe=lambda ns: probe_train_one_epoch(ns, seed=16, n=23, batch_size=5),
        check=check_train_one_epoch,
        requires=("train_one_epoch",),
        hint="clear the gradients before every backward; weight by batch size.",
    ),
    Item(
        "evaluate.hidden",
        3,
        probe=lambda ns: probe_evaluate(ns, seed=17, n=30, batch_size=7),
        check=check_evaluate,
        requires=("evaluate",),
        hint="eval mode, no gradients, per-sample averages.",
    ),
    Item(
        "train_digits_classifier.arguments",
        3,
        probe=lambda ns: probe_training_runs(ns, [SMALL_RUN, SMALL_RUN]),
        check=check_training_runs(
            epochs=SMALL_RUN["epochs"], at_most=0.5, hidden=SMALL_RUN["hidden"], same_runs=True
        ),
        requires=("train_digits_classifier", *TRAINING_USES),
        uses=TRAINING_USES,
        timeout=60.0,
        hint="use epochs, hidden, lr and batch_size as given; seed everything first, so that a run can be repeated.",
    ),
    Item(
        "train_with_lightning.arguments",
        3,
        # one epoch, twice from different global random states: the same model both times
        probe=lambda ns: probe_lightning(ns, seed=2, max_epochs=1, repeat=2),
        check=check_lightning(same_runs=True),
        requires=("train_with_lightning", *LIGHTNING_USES),
        uses=LIGHTNING_USES,
        timeout=60.0,
        hint="pass max_epochs to the Trainer; seed everything first; write no files.",
    ),
]
