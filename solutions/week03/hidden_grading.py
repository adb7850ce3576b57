"""Week 3 hidden items: the same functions on other shapes, extreme scores and edge cases."""

from __future__ import annotations

import numpy as np
from grading import (
    SOFTMAX,
    check_accuracy_vs_loss,
    check_average_gradient,
    check_gd_counting,
    check_gd_vs_sgd,
    check_initial_loss,
    check_loss_and_grad,
    check_minibatches,
    check_train,
    classification_data,
    probe_accuracy_vs_loss,
    probe_average_gradient,
    probe_gd_counting,
    probe_gd_vs_sgd,
    probe_initial_loss,
    probe_loss_and_grad,
    probe_minibatches,
    probe_train,
    regression_data,
)

from autograder.spec import Item, Outcome, checks
from autograder.spec.probes import attempt


def mixed_extremes(seed):
    """Six samples, two classes, scores up to +-1,500 in both signs (exp overflows above 709)."""
    W, X, y = classification_data(seed, 6, 3, 2, scale=300.0)
    return W, X, y


def probe_iris_initial_loss(ns):
    from course_lib import load_dataset

    iris = load_dataset("iris")
    X = np.hstack(
        [(iris.X - iris.X.mean(axis=0)) / iris.X.std(axis=0), np.ones((iris.n_samples, 1))]
    )
    return probe_initial_loss(ns, X, iris.y, n_classes=3, seed=11, scales=(None, 0.05))


BAD_BATCH_SIZES = {"zero": 0, "negative": -3, "fraction": 2.5}


def probe_minibatch_edges(ns):
    X = np.zeros((5, 2))
    y = np.arange(5)
    out = {
        case: attempt(
            lambda size=size: list(ns["iterate_minibatches"](X, y, size, 0)), keep_value=False
        )
        for case, size in BAD_BATCH_SIZES.items()
    }
    out["single_samples"] = [[xb, yb] for xb, yb in ns["iterate_minibatches"](X, y, 1, 0)]
    out["one_batch"] = [[xb, yb] for xb, yb in ns["iterate_minibatches"](X, y, 5, 0)]
    out["too_big"] = [[xb, yb] for xb, yb in ns["iterate_minibatches"](X, y, 8, 0)]
    return out


def check_minibatch_edges(got, ref, reveal):
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    for case in BAD_BATCH_SIZES:
        if not checks.is_raise(got.get(case), "ValueError"):
            return Outcome(
                0.0,
                "a batch_size that is not a positive integer (0, negative, or not whole) must raise "
                f"ValueError, but it {checks.what_happened(got.get(case))}",
            )
    singles = got.get("single_samples")
    if (
        not isinstance(singles, list)
        or len(singles) != 5
        or any(not isinstance(b, list) or len(b) != 2 or len(b[1]) != 1 for b in singles)
        or sorted(int(b[1][0]) for b in singles) != list(range(5))
    ):
        return Outcome(
            0.0, "batch_size=1 is a positive integer: the epoch is n batches of one sample each"
        )
    for case in ("one_batch", "too_big"):
        batches = got.get(case)
        if (
            not isinstance(batches, list)
            or len(batches) != 1
            or len(batches[0]) != 2
            or len(batches[0][1]) != 5
        ):
            return Outcome(
                0.0, "with batch_size >= n the epoch is a single batch holding every sample"
            )
    return Outcome(1.0, "edge cases handled")


# a tie at the start of one curve and at the end of the other, and a curve that never gets there
HIDDEN_GD_CASES = {
    "never": {
        "target": 0.1,
        "full_batch": [2.0, 1.5, 1.25, 1.125, 1.0625],
        "mini_batch": [2.0, 0.75, 0.375, 0.25, 0.1],
    },
    "tie_at_start": {
        "target": 2.0,
        "full_batch": [2.0, 1.0, 0.5, 0.25, 0.125],
        "mini_batch": [2.0, 0.5, 0.25, 0.125, 0.0625],
    },
}

ITEMS = [
    Item(
        "mse_loss_and_grad.hidden",
        1,
        probe=lambda ns: probe_loss_and_grad(ns, "mse_loss_and_grad", *regression_data(7, 37, 6)),
        check=check_loss_and_grad("mse_loss_and_grad"),
        requires=("mse_loss_and_grad",),
        hint="mean over samples, factor 2 in the gradient, a float loss and a gradient shaped like w.",
    ),
    Item(
        "softmax_loss_naive.hidden",
        1,
        probe=lambda ns: probe_loss_and_grad(ns, "softmax_loss_naive", *mixed_extremes(8)),
        check=check_loss_and_grad("softmax_loss_naive", softmax=True),
        requires=("softmax_loss_naive",),
        hint="subtract each sample's maximum score; log p_y from the scores; divide loss and gradient by N.",
    ),
    Item(
        "softmax_loss_vectorized.hidden",
        1,
        probe=lambda ns: probe_loss_and_grad(ns, "softmax_loss_vectorized", *mixed_extremes(21)),
        check=check_loss_and_grad("softmax_loss_vectorized", softmax=True),
        requires=("softmax_loss_vectorized",),
        hint="subtract the row maximum before exp; index the true-class log-probability with np.arange(N), y.",
    ),
    Item(
        "softmax_loss_vectorized.shapes.hidden",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_vectorized", *classification_data(10, 1, 7, 6)
        ),
        check=check_loss_and_grad("softmax_loss_vectorized", softmax=True),
        requires=("softmax_loss_vectorized",),
        hint="a batch of one sample must work too (keepdims=True keeps the shapes right).",
    ),
    Item(
        "initial_loss.hidden",
        1,
        probe=probe_iris_initial_loss,
        check=check_initial_loss,
        requires=("initial_loss", *SOFTMAX),
        uses=SOFTMAX,
        hint="draw W with normal(0.0, scale) from np.random.default_rng(seed), using the scale argument.",
    ),
    Item(
        "iterate_minibatches.hidden",
        1,
        probe=lambda ns: probe_minibatches(ns, 101, 10, seed=9),
        check=check_minibatches,
        requires=("iterate_minibatches",),
        hint="keep the last batch even when it holds fewer samples.",
    ),
    Item(
        "iterate_minibatches.edge_cases",
        1,
        probe=probe_minibatch_edges,
        check=check_minibatch_edges,
        requires=("iterate_minibatches",),
        hint="raise ValueError unless batch_size is a positive integer; a batch_size >= n gives one batch.",
    ),
    Item(
        "average_minibatch_gradient.hidden",
        1,
        probe=lambda ns: probe_average_gradient(ns, 12, 23, 4, 5, [5, 23, 100]),
        check=check_average_gradient,
        requires=("average_minibatch_gradient", "iterate_minibatches", *SOFTMAX),
        uses=("iterate_minibatches", *SOFTMAX),
        hint="weight each batch gradient by len(batch) / n, all at the same W.",
    ),
    Item(
        "train_softmax.hidden",
        1,
        probe=lambda ns: probe_train(ns, seed=13, n=77, epochs=3, lr=0.8, batch_size=10),
        check=check_train,
        requires=("train_softmax", "iterate_minibatches", *SOFTMAX),
        uses=("iterate_minibatches", *SOFTMAX),
        hint="one step per batch, a new seed (seed + 1 + epoch) each epoch, losses on all of X.",
    ),
    # seeds 0..9: full-batch GD never gets below 0.6 + 0.93 within 10 epochs (None); mini-batch crosses at epoch 3
    # for every seed, 0.054 to 0.068 below the target
    Item(
        "gd_vs_sgd.hidden",
        1,
        probe=lambda ns: probe_gd_vs_sgd(
            ns, target=0.6, epochs=10, lr=0.5, batch_size=50, seed=4, rows=1000
        ),
        check=check_gd_vs_sgd,
        requires=("gd_vs_sgd", "train_softmax"),
        uses=("train_softmax",),
        hint="None when the loss never gets to the target within the epochs.",
    ),
    Item(
        "gd_vs_sgd.edge_cases",
        1,
        probe=lambda ns: probe_gd_counting(ns, HIDDEN_GD_CASES),
        check=check_gd_counting(HIDDEN_GD_CASES),
        requires=("gd_vs_sgd",),
        hint="None when no loss is at most the target; equality counts, also at k = 0.",
    ),
    Item(
        "accuracy_vs_loss.hidden",
        1,
        probe=lambda ns: probe_accuracy_vs_loss(ns, seed=14, n=90, d=3, c=4, points=33),
        check=check_accuracy_vs_loss,
        requires=("accuracy_vs_loss", *SOFTMAX),
        uses=SOFTMAX,
        hint="evaluate at W + a * direction for every a; numerical gradients at W itself.",
    ),
]
