"""Week 3 rules: every rule the notebook states for a graded function, the items whose inputs
exercise it, and the wrong variants that break it (the gate proves each loses points there).

What the text *allows* is proved by right variants instead (a rule needs a variant that breaks
it): "a Python float or a NumPy float64" (mse_with_loops, softmax_log_of_probabilities,
initial_loss_keywords), "or a subclass of it; when the generator starts is fine"
(minibatches_np_split raises a ValueError subclass, eagerly), "other keys are ignored"
(gd_vs_sgd_extra_keys, accuracy_vs_loss_extra_keys). Instructions about *how* to compute
("with explicit Python loops", "no Python loops", "No loops needed") are not graded: the text
says the grader checks the values, not how they are computed.
"""

from __future__ import annotations

from autograder.spec import Rule

MSE = ("mse_loss_and_grad", "mse_loss_and_grad.hidden")
NAIVE = ("softmax_loss_naive", "softmax_loss_naive.stable", "softmax_loss_naive.hidden")
NAIVE_EXTREME = ("softmax_loss_naive.stable", "softmax_loss_naive.hidden")
VECTORIZED = (
    "softmax_loss_vectorized",
    "softmax_loss_vectorized.stable",
    "softmax_loss_vectorized.hidden",
    "softmax_loss_vectorized.shapes.hidden",
)
VECTORIZED_EXTREME = ("softmax_loss_vectorized.stable", "softmax_loss_vectorized.hidden")
INITIAL = ("initial_loss", "initial_loss.hidden")
MINIBATCHES = ("iterate_minibatches", "iterate_minibatches.hidden")
AVERAGE = ("average_minibatch_gradient", "average_minibatch_gradient.hidden")
TRAIN = ("train_softmax", "train_softmax.hidden")
GD_REAL = ("gd_vs_sgd", "gd_vs_sgd.hidden")
GD_COUNTING = ("gd_vs_sgd.counting", "gd_vs_sgd.edge_cases")
ACCURACY = ("accuracy_vs_loss", "accuracy_vs_loss.hidden")

FLOAT64 = "Work in **float64** throughout."
SOFTMAX_MEAN = "The loss of a batch is the **mean** over its `N` samples (no regularisation)."
SOFTMAX_GRADIENT = r"\nabla_W L = \frac{1}{N} X^\top (P - Y)"
ROW_MAXIMUM = "subtract each row's **maximum** first"
LOG_FROM_SCORES = (
    "also when the true class's probability is too small for a float (below about `1e-308`): "
    "that is why `log p_y` is computed from the scores, never as the log of a probability."
)
SOFTMAX_RETURNS = "with the loss a float (as in section 1) and `dW` a float64 array shaped like `W`"


def softmax_rules(
    target: str,
    items: tuple[str, ...],
    extreme: tuple[str, ...],
    gradient: tuple[str, ...],
    row_maximum: tuple[str, ...],
) -> list[Rule]:
    """The contract both softmax functions share; ``gradient`` and ``row_maximum`` name the
    variants of ``target`` (by label) that break those two rules."""

    def keys(*labels: str) -> tuple[str, ...]:
        return tuple(f"{target}:{label}" for label in labels)

    return [
        Rule(target, SOFTMAX_MEAN, items, keys("softmax_summed_loss", "softmax_regularised")),
        Rule(target, SOFTMAX_GRADIENT, items, keys(*gradient, "fake_softmax")),
        Rule(target, ROW_MAXIMUM, extreme, keys(*row_maximum)),
        Rule(target, LOG_FROM_SCORES, extreme, keys("softmax_log_of_underflowing_probability")),
        Rule(
            target,
            SOFTMAX_RETURNS,
            items,
            keys("softmax_transposed_gradient", "softmax_loss_in_array", "softmax_float32"),
        ),
        Rule(target, FLOAT64, items, keys("softmax_float32")),
    ]


RULES = [
    # ------------------------------------------------------------------ mse_loss_and_grad
    Rule(
        "mse_loss_and_grad",
        "the loss as a float (a Python float or a NumPy float64 number, not an array;",
        MSE,
        ("mse_loss_and_grad:mse_loss_in_array",),
    ),
    Rule(
        "mse_loss_and_grad",
        "the **mean**, no factor 1/2",
        MSE,
        ("mse_loss_and_grad:mse_summed", "mse_loss_and_grad:mse_half"),
    ),
    Rule(
        "mse_loss_and_grad",
        r"\nabla_w L = \frac{2}{n} X^\top (Xw - y)",
        MSE,
        ("mse_loss_and_grad:mse_without_factor_two", "mse_loss_and_grad:fake_mse"),
    ),
    Rule(
        "mse_loss_and_grad",
        "the gradient, a float64 array shaped like `w`",
        MSE,
        ("mse_loss_and_grad:mse_column_gradient", "mse_loss_and_grad:mse_float32"),
    ),
    Rule("mse_loss_and_grad", FLOAT64, MSE, ("mse_loss_and_grad:mse_float32",)),
    # ------------------------------------------------------------------ softmax losses
    *softmax_rules(
        "softmax_loss_naive",
        NAIVE,
        NAIVE_EXTREME,
        gradient=("softmax_naive_not_averaged",),
        row_maximum=("softmax_naive_unstable",),
    ),
    *softmax_rules(
        "softmax_loss_vectorized",
        VECTORIZED,
        VECTORIZED_EXTREME,
        gradient=("softmax_vectorized_no_minus_one",),
        row_maximum=("softmax_vectorized_unstable", "softmax_vectorized_global_max"),
    ),
    # ------------------------------------------------------------------ initial_loss
    Rule(
        "initial_loss",
        "draw `W = np.random.default_rng(seed).normal(0.0, scale, size=(X.shape[1], n_classes))`",
        INITIAL,
        (
            "initial_loss:initial_loss_unit_weights",
            "initial_loss:initial_loss_uniform",
            "initial_loss:initial_loss_global_rng",
            "initial_loss:initial_loss_transposed_draw",
        ),
    ),
    Rule(
        "initial_loss",
        "`initial_loss(X, y, n_classes, seed, scale=1e-3)`",
        INITIAL,
        ("initial_loss:initial_loss_other_default",),
    ),
    Rule(
        "initial_loss",
        "for whatever `scale` the caller passes",
        INITIAL,
        ("initial_loss:initial_loss_fixed_scale",),
    ),
    Rule(
        "initial_loss",
        "return `softmax_loss_vectorized(W, X, y)`'s loss (a float)",
        INITIAL,
        ("initial_loss:initial_loss_returns_pair",),
    ),
    Rule(
        "initial_loss",
        "The grader compares it with the loss of exactly these weights: ln(C) is only what it should "
        "be close to, not what it must equal.",
        INITIAL,
        ("initial_loss:fake_initial_loss", "initial_loss:initial_loss_transposed_draw"),
    ),
    # ------------------------------------------------------------------ iterate_minibatches
    Rule(
        "iterate_minibatches",
        "shuffle with `order = np.random.default_rng(seed).permutation(n)`",
        MINIBATCHES,
        (
            "iterate_minibatches:minibatches_unshuffled",
            "iterate_minibatches:minibatches_global_rng",
        ),
    ),
    Rule(
        "iterate_minibatches",
        "(so every epoch gets its own order when the caller passes a different seed per epoch)",
        MINIBATCHES,
        ("iterate_minibatches:minibatches_fixed_seed",),
    ),
    Rule(
        "iterate_minibatches",
        "the batches are consecutive slices of that order",
        MINIBATCHES,
        ("iterate_minibatches:minibatches_reversed_order",),
    ),
    Rule(
        "iterate_minibatches",
        "yields `(X_batch, y_batch)` for **one epoch**",
        MINIBATCHES,
        ("iterate_minibatches:minibatches_mismatched_rows", "iterate_minibatches:fake_minibatches"),
    ),
    Rule(
        "iterate_minibatches",
        "every sample appears in exactly one batch",
        MINIBATCHES,
        ("iterate_minibatches:minibatches_with_replacement",),
    ),
    Rule(
        "iterate_minibatches",
        "the **last batch is kept even if it is smaller**",
        MINIBATCHES,
        ("iterate_minibatches:minibatches_drop_last",),
    ),
    Rule(
        "iterate_minibatches",
        "`batch_size` must be a positive integer, otherwise raise `ValueError`",
        ("iterate_minibatches.edge_cases",),
        ("iterate_minibatches:minibatches_unvalidated",),
    ),
    Rule(
        "iterate_minibatches",
        "0, a negative number and a fraction such as 2.5 all raise.",
        ("iterate_minibatches.edge_cases",),
        ("iterate_minibatches:minibatches_only_zero_refused",),
    ),
    Rule(
        "iterate_minibatches",
        "`batch_size` must be a positive integer",  # so 1 is accepted: n batches of one sample
        ("iterate_minibatches.edge_cases",),
        ("iterate_minibatches:minibatches_refuses_one",),
    ),
    # ------------------------------------------------------------------ average_minibatch_gradient
    Rule(
        "average_minibatch_gradient",
        "each weighted by its batch's size (the weights matter when the last batch is smaller)",
        AVERAGE,
        ("average_minibatch_gradient:average_unweighted",),
    ),
    Rule(
        "average_minibatch_gradient",
        "go through one epoch of `iterate_minibatches(X, y, batch_size, seed)`",
        AVERAGE,
        (
            "average_minibatch_gradient:average_first_batch",
            "average_minibatch_gradient:fake_average",
        ),
    ),
    Rule(
        "average_minibatch_gradient",
        "**at the same `W`** (no updates)",
        AVERAGE,
        ("average_minibatch_gradient:average_with_updates",),
    ),
    # ------------------------------------------------------------------ train_softmax
    Rule(
        "train_softmax",
        "start from `W = np.random.default_rng(seed).normal(0.0, 1e-3, size=(X.shape[1], n_classes))`",
        TRAIN,
        ("train_softmax:train_from_zeros",),
    ),
    Rule(
        "train_softmax",
        "one step `W ← W - lr · ∇L(W)` per epoch, on all of `X`",
        TRAIN,
        ("train_softmax:train_ignores_lr", "train_softmax:fake_train"),
    ),
    Rule(
        "train_softmax",
        "in epoch `e` (counting from 0) take one step per batch of "
        "`iterate_minibatches(X, y, batch_size, seed + 1 + e)`",
        TRAIN,
        ("train_softmax:train_same_order_every_epoch", "train_softmax:train_epoch_seed_off_by_one"),
    ),
    Rule(
        "train_softmax",
        "`losses` is a float64 NumPy array (not a list) of `epochs + 1` values",
        TRAIN,
        (
            "train_softmax:train_losses_as_list",
            "train_softmax:train_float32_losses",
            "train_softmax:train_without_initial_loss",
        ),
    ),
    Rule(
        "train_softmax",
        "the loss on **all** of `X` at the start, then after each epoch",
        TRAIN,
        ("train_softmax:train_batch_mean_losses",),
    ),
    # ------------------------------------------------------------------ gd_vs_sgd
    Rule(
        "gd_vs_sgd",
        "the **same** `lr`, `epochs` and `seed`",
        GD_COUNTING,
        ("gd_vs_sgd:gd_vs_sgd_other_seed",),
    ),
    Rule(
        "gd_vs_sgd",
        'Return a dict `{"full_batch": s_full, "mini_batch": s_mini}`',
        (*GD_REAL, *GD_COUNTING),
        ("gd_vs_sgd:gd_vs_sgd_swapped", "gd_vs_sgd:fake_gd_vs_sgd"),
    ),
    Rule(
        "gd_vs_sgd",
        "the number of sample passes `k · n` (an int)",
        (*GD_REAL, *GD_COUNTING),
        ("gd_vs_sgd:gd_vs_sgd_counts_epochs", "gd_vs_sgd:gd_vs_sgd_float_passes"),
    ),
    Rule(
        "gd_vs_sgd", "is **at most** `target`", GD_COUNTING, ("gd_vs_sgd:gd_vs_sgd_strictly_below",)
    ),
    Rule(
        "gd_vs_sgd", "`k = 0` being the start", GD_COUNTING, ("gd_vs_sgd:gd_vs_sgd_zero_is_none",)
    ),
    Rule(
        "gd_vs_sgd",
        "or `None` if the loss never gets there within `epochs`",
        ("gd_vs_sgd.hidden", "gd_vs_sgd.edge_cases"),
        ("gd_vs_sgd:gd_vs_sgd_never_as_all_epochs",),
    ),
    # ------------------------------------------------------------------ accuracy_vs_loss
    Rule(
        "accuracy_vs_loss",
        "returns these numbers as a dict",
        ACCURACY,
        ("accuracy_vs_loss:accuracy_vs_loss_renamed_keys",),
    ),
    Rule(
        "accuracy_vs_loss",
        '`"loss"`: float64 NumPy array, `softmax_loss_vectorized(W + a * direction, X, y)` loss for each '
        "`a` in `alphas`",
        ACCURACY,
        (
            "accuracy_vs_loss:accuracy_vs_loss_ignores_alpha",
            "accuracy_vs_loss:accuracy_vs_loss_lists",
        ),
    ),
    Rule(
        "accuracy_vs_loss",
        "the fraction of samples whose predicted class `np.argmax(X @ W', axis=1)` equals `y`",
        ACCURACY,
        ("accuracy_vs_loss:accuracy_vs_loss_counts", "accuracy_vs_loss:fake_accuracy_vs_loss"),
    ),
    Rule(
        "accuracy_vs_loss",
        "(ties go to the smallest class index, as `np.argmax` does)",
        ("accuracy_vs_loss",),
        ("accuracy_vs_loss:accuracy_vs_loss_ties_to_largest",),
    ),
    Rule(
        "accuracy_vs_loss",
        "the **numerical** gradients at `W` itself of the loss and of the accuracy",
        ACCURACY,
        ("accuracy_vs_loss:accuracy_vs_loss_gradients_off_w",),
    ),
    Rule(
        "accuracy_vs_loss",
        "each from `numerical_gradient(f, W.copy(), eps=1e-5)`",
        ACCURACY,
        ("accuracy_vs_loss:accuracy_vs_loss_big_step",),
    ),
]
