"""Week 6 rules: every rule the notebook states for a graded name, the items whose inputs exercise
it and the wrong variants that break it (the release gate proves each; see docs/writing-a-week.md).

Week 6's dropout masks come from the probe model's own generator (grading.seeded_dropout): the
notebook fixes the batch order and the initial weights but not torch's global random state, so no
rule may depend on it (a correct loop that starts a DataLoader draws from it).
"""

from __future__ import annotations

from autograder.spec import Rule


def both(name: str) -> tuple[str, str]:
    return (name, f"{name}.hidden")


INITIAL = both("initial_loss_check")
BIAS = both("init_output_bias")
OVERFIT = both("overfit_single_batch")
DEPENDENCE = both("batch_gradient_dependence")
HISTORY = both("train_with_history")
ACTIVATIONS = both("collect_activations")
GRADIENTS = both("collect_gradients")
RATIOS = both("update_to_data_ratios")
SWEEP = both("learning_rate_sweep")
CHOOSE = both("choose_learning_rate")

RULES = [
    # ------------------------------------------------------------------ initial_loss_check
    Rule(
        "initial_loss_check",
        '`"expected"`: `ln(n_classes)` (natural logarithm), a float',
        INITIAL,
        ("initial_loss_check:initial_loss_log10",),
    ),
    Rule(
        "initial_loss_check",
        "the mean cross-entropy of `model` on `(X, y)`, a float",
        INITIAL,
        ("initial_loss_check:initial_loss_tensors",),
    ),
    Rule(
        "initial_loss_check",
        "measured **in evaluation mode** (`model.eval()`: dropout off)",
        INITIAL,
        ("initial_loss_check:initial_loss_in_train_mode",),
    ),
    Rule(
        "initial_loss_check",
        "**without building a graph** (`torch.no_grad()`)",
        INITIAL,
        ("initial_loss_check:initial_loss_with_graph",),
    ),
    Rule(
        "initial_loss_check",
        "Afterwards the model must be back in the mode it was in",
        INITIAL,
        ("initial_loss_check:initial_loss_left_in_eval",),
    ),
    # ------------------------------------------------------------------ init_output_bias
    Rule(
        "init_output_bias",
        "`layer.bias[c] = ln(count_c / n)`",
        BIAS,
        ("init_output_bias:bias_frequencies",),
    ),
    Rule(
        "init_output_bias",
        "Set, in place and without recording gradients",
        BIAS,
        ("init_output_bias:bias_new_parameter",),
    ),
    Rule(
        "init_output_bias",
        "Leave `layer.weight` alone",
        BIAS,
        ("init_output_bias:bias_and_zero_weights",),
    ),
    Rule(
        "init_output_bias",
        "and return the layer",
        BIAS,
        ("init_output_bias:bias_returns_none",),
    ),
    # ------------------------------------------------------------------ overfit_single_batch
    Rule(
        "overfit_single_batch",
        "`torch.optim.Adam(model.parameters(), lr=lr)` for `steps` steps",
        OVERFIT,
        ("overfit_single_batch:overfit_sgd", "overfit_single_batch:overfit_default_lr"),
    ),
    Rule(
        "overfit_single_batch",
        "each step: zero the gradients",
        OVERFIT,
        ("overfit_single_batch:overfit_no_zero_grad",),
    ),
    Rule(
        "overfit_single_batch",
        "compute the mean cross-entropy on the whole batch",
        OVERFIT,
        ("overfit_single_batch:overfit_half_batches",),
    ),
    Rule(
        "overfit_single_batch",
        "Return the list of the `steps` losses (floats)",
        OVERFIT,
        ("overfit_single_batch:overfit_tensor_losses",),
    ),
    Rule(
        "overfit_single_batch",
        "each taken **before** its step's update",
        OVERFIT,
        ("overfit_single_batch:overfit_loss_after_update",),
    ),
    Rule(
        "overfit_single_batch",
        "it computes the loss of `model` on the batch, which must be below `0.01`",
        OVERFIT,
        ("overfit_single_batch:overfit_fake_losses",),
    ),
    # ------------------------------------------------------------------ batch_gradient_dependence
    Rule(
        "batch_gradient_dependence",
        "returning an `(n, n)` float64 numpy array `D`",
        DEPENDENCE,
        ("batch_gradient_dependence:dependence_float32_tensor",),
    ),
    Rule(
        "batch_gradient_dependence",
        "`D[i, j] = sum of |∂ (sum of model(X)[i]) / ∂ X[j]|`",
        DEPENDENCE,
        (
            "batch_gradient_dependence:dependence_signed",
            "batch_gradient_dependence:dependence_whole_batch",
        ),
    ),
    Rule(
        "batch_gradient_dependence",
        "a fresh copy of `X` that requires gradients",
        DEPENDENCE,
        ("batch_gradient_dependence:dependence_on_callers_X",),
    ),
    Rule(
        "batch_gradient_dependence",
        "Call the model in **training mode** (`model.train()`)",
        DEPENDENCE,
        ("batch_gradient_dependence:dependence_in_given_mode",),
    ),
    Rule(
        "batch_gradient_dependence",
        "do not update any parameter",
        DEPENDENCE,
        ("batch_gradient_dependence:dependence_then_step",),
    ),
    # ------------------------------------------------------------------ train_with_history
    Rule(
        "train_with_history",
        "one optimiser for the whole run: `torch.optim.Adam(model.parameters(), lr=lr)`",
        HISTORY,
        ("train_with_history:history_fresh_optimizer",),
    ),
    Rule(
        "train_with_history",
        "visits the training samples in the order `torch.randperm(n_train,"
        " generator=torch.Generator().manual_seed(seed + e))`",
        HISTORY,
        ("train_with_history:history_no_shuffle",),
    ),
    Rule(
        "train_with_history",
        "in consecutive batches of `batch_size` (the last batch may be smaller)",
        HISTORY,
        ("train_with_history:history_drops_last_batch",),
    ),
    Rule(
        "train_with_history",
        "each batch: zero the gradients, mean cross-entropy, backward, step",
        HISTORY,
        ("train_with_history:history_no_zero_grad",),
    ),
    Rule(
        "train_with_history",
        "the model is in **training mode** while it learns",
        HISTORY,
        (
            "train_with_history:history_stays_in_eval",
            "train_with_history:history_trusts_given_mode",
        ),
    ),
    Rule(
        "train_with_history",
        "in **evaluation mode** and under `torch.no_grad()`",
        HISTORY,
        (
            "train_with_history:history_eval_in_train_mode",
            "train_with_history:history_metrics_with_graph",
        ),
    ),
    Rule(
        "train_with_history",
        "compute on the **whole** training set and the whole validation set the mean cross-entropy",
        HISTORY,
        ("train_with_history:history_val_on_train",),
    ),
    Rule(
        "train_with_history",
        "fraction of samples whose largest logit is the true class",
        HISTORY,
        ("train_with_history:history_percent",),
    ),
    Rule(
        "train_with_history",
        "append the four floats to the history",
        HISTORY,
        ("train_with_history:history_tensors",),
    ),
    Rule(
        "train_with_history",
        "call `logger.log(metrics, step=e)` with the dict of the four metrics",
        HISTORY,
        (
            "train_with_history:history_steps_from_one",
            "train_with_history:history_logs_losses_only",
        ),
    ),
    Rule(
        "train_with_history",
        "call `on_epoch_end(e, model)`; then switch back to training mode",
        HISTORY,
        ("train_with_history:history_callback_in_train_mode",),
    ),
    # ------------------------------------------------------------------ collect_activations
    Rule(
        "collect_activations",
        "register a **forward hook** on every `nn.Tanh` module of `model`",
        ACTIVATIONS,
        ("collect_activations:activations_of_linear_layers",),
    ),
    Rule(
        "collect_activations",
        "run **one** forward pass on `X` under `torch.no_grad()`",
        ACTIVATIONS,
        ("collect_activations:activations_two_passes", "collect_activations:activations_with_grad"),
    ),
    Rule(
        "collect_activations",
        "No hook may be left on the model afterwards.",
        ACTIVATIONS,
        ("collect_activations:activations_hooks_left_on",),
    ),
    Rule(
        "collect_activations",
        "to its output as a numpy array",
        ACTIVATIONS,
        (
            "collect_activations:activations_tanh_inputs",
            "collect_activations:activations_as_tensors",
        ),
    ),
    # ------------------------------------------------------------------ collect_gradients
    Rule(
        "collect_gradients",
        "zero the model's gradients",
        GRADIENTS,
        ("collect_gradients:gradients_not_zeroed",),
    ),
    Rule(
        "collect_gradients",
        "compute the mean cross-entropy on `(X, y)`",
        GRADIENTS,
        ("collect_gradients:gradients_of_summed_loss",),
    ),
    Rule(
        "collect_gradients",
        "Biases are left out.",
        GRADIENTS,
        ("collect_gradients:gradients_with_biases",),
    ),
    Rule(
        "collect_gradients",
        "to a numpy copy of its gradient",
        GRADIENTS,
        ("collect_gradients:gradients_without_copy", "collect_gradients:gradients_as_tensors"),
    ),
    Rule(
        "collect_gradients",
        "Do not update the parameters.",
        GRADIENTS,
        ("collect_gradients:gradients_then_step",),
    ),
    # ------------------------------------------------------------------ update_to_data_ratios
    Rule(
        "update_to_data_ratios",
        "perform **one** training step with the given optimiser (zero the gradients",
        RATIOS,  # two and three calls in a row: gradients not zeroed accumulate from the second
        ("update_to_data_ratios:ratios_no_zero_grad",),
    ),
    Rule(
        "update_to_data_ratios",
        "the name of every parameter with 2 or more dimensions",
        RATIOS,
        ("update_to_data_ratios:ratios_with_biases",),
    ),
    Rule(
        "update_to_data_ratios",
        "`log10(std(W_after - W_before) / std(W_before))`",
        RATIOS,
        ("update_to_data_ratios:ratios_without_log", "update_to_data_ratios:ratios_fake"),
    ),
    Rule(
        "update_to_data_ratios",
        "as a float",
        RATIOS,
        ("update_to_data_ratios:ratios_tensors",),
    ),
    Rule(
        "update_to_data_ratios",
        "Measure the update **actually applied** by the optimiser",
        RATIOS,
        ("update_to_data_ratios:ratios_lr_times_grad",),
    ),
    # ------------------------------------------------------------------ learning_rate_sweep
    Rule(
        "learning_rate_sweep",
        "for each learning rate, in order",
        SWEEP,
        ("learning_rate_sweep:sweep_sorted_rates",),
    ),
    Rule(
        "learning_rate_sweep",
        "build a fresh model with `make_model()`",
        SWEEP,
        ("learning_rate_sweep:sweep_one_model",),
    ),
    Rule(
        "learning_rate_sweep",
        "keep the **last** epoch's training and validation loss",
        ("learning_rate_sweep.hidden",),  # one of its runs is best before its last epoch
        ("learning_rate_sweep:sweep_best_epoch",),
    ),
    Rule(
        "learning_rate_sweep",
        "(lists of floats, one value per rate)",
        SWEEP,
        ("learning_rate_sweep:sweep_numpy_arrays",),
    ),
    # ------------------------------------------------------------------ choose_learning_rate
    Rule(
        "choose_learning_rate",
        "Return the learning rate (a float) with the **lowest validation loss**",
        CHOOSE,
        ("choose_learning_rate:choose_by_test", "choose_learning_rate:choose_by_train"),
    ),
    Rule(
        "choose_learning_rate",
        "on a tie the **smaller** learning rate wins",
        CHOOSE,  # public: one tie with the smaller rate listed last, one with it listed first
        (
            "choose_learning_rate:choose_first_listed_on_tie",
            "choose_learning_rate:choose_last_listed_on_tie",
        ),
    ),
    Rule(
        "choose_learning_rate",
        'and possibly `"test_loss"`',
        CHOOSE,  # cases without the key
        ("choose_learning_rate:choose_ties_by_test_loss",),
    ),
    Rule(
        "choose_learning_rate",
        "a rate whose validation loss is NaN or infinite (training diverged) is never chosen",
        CHOOSE,
        (
            "choose_learning_rate:choose_keeping_nan",
            "choose_learning_rate:choose_with_plain_argmin",
        ),
    ),
    Rule(
        "choose_learning_rate",
        "If every rate diverged, raise `ValueError`.",
        ("choose_learning_rate.hidden",),
        ("choose_learning_rate:choose_keeping_nan",),
    ),
]
