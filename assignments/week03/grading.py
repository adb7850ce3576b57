"""Week 3 grading spec (public items): losses and gradients, mini-batches, GD vs SGD, accuracy vs loss.

Probes run in the sandbox and only call the student's code and return what it
returned (including the student's own loss at perturbed weights); every
verdict, the finite-difference gradient check included, is computed by the
checks in the trusted process. The hidden spec reuses the helpers here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.messages import describe, expected_got
from course_lib.gradcheck import relative_error

SETTINGS = {"title": "Week 3: gradient descent, batch vs mini-batch"}

EPS = 1e-5  # central-difference step, float64
# Gradient check: ||analytic - numeric|| / (||analytic|| + ||numeric||) on sampled coordinates.
# Measured on the reference over the public and hidden inputs: 1e-11 .. 1e-8, the largest where scores
# reach 1e3 (rounding in a loss of that size, divided by 2 * EPS); scores of 1e4 would reach 1e-7, so the
# "large logits" inputs keep them between 710 (exp overflows) and ~1,500. A gradient off by a factor of 2,
# or missing the -1 at the true class, gives > 1e-2.
GRADCHECK_TOL = 1e-7


def softmax_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Trusted mean softmax cross-entropy (used by checks to state facts, never shown as a value)."""
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


# ----------------------------------------------------------------------------- (loss, grad) functions
def probe_loss_and_grad(
    ns: dict[str, Any],
    name: str,
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    coords: int = 12,
    seed: int = 0,
) -> dict[str, Any]:
    """The student's (loss, grad) at w, and the student's own loss at w +- EPS on a few coordinates."""
    fn = ns[name]
    loss, grad = fn(w.copy(), X, y)
    picked = np.random.default_rng(seed).choice(w.size, size=min(coords, w.size), replace=False)
    plus, minus = [], []
    for index in picked:
        for sign, out in ((1.0, plus), (-1.0, minus)):
            moved = w.copy()
            moved.flat[index] += sign * EPS
            out.append(fn(moved, X, y)[0])
    return {"loss": loss, "grad": grad, "coords": picked, "plus": plus, "minus": minus}


def check_loss_and_grad(what: str) -> Any:
    """Loss as the reference; gradient of the right shape that passes a finite-difference check of the
    student's own loss, and matches the reference gradient."""
    loss_close = checks.close(rtol=1e-9, atol=1e-12)
    grad_close = checks.close(rtol=1e-7, atol=1e-10, allow_float32=False)

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, f"{what} must return a pair (loss, gradient)")
        loss = got.get("loss")
        if type(loss) is float and not math.isfinite(loss):
            return Outcome(
                0.0,
                f"the loss is {loss}: exp overflowed? subtract each sample's maximum score before exp",
            )
        number = checks.as_number(loss)
        if number is None:
            return Outcome(0.0, f"the loss must be a finite number, got {describe(loss)}")
        outcome = loss_close(number, ref["loss"], reveal)
        if not outcome.passed:
            return Outcome(0.0, f"loss: {outcome.message}", outcome.detail)
        grad, ref_grad = got.get("grad"), ref["grad"]
        if not isinstance(grad, np.ndarray) or grad.shape != ref_grad.shape:
            return Outcome(
                0.0,
                f"the gradient must be an array of shape {ref_grad.shape} (shaped like the weights), "
                f"got {describe(grad)}",
            )
        try:
            plus = np.asarray(got["plus"], dtype=np.float64)
            minus = np.asarray(got["minus"], dtype=np.float64)
            if plus.shape != minus.shape or plus.shape != (len(ref["coords"]),):
                raise ValueError("one loss per perturbed weight")
        except (TypeError, ValueError, KeyError):
            return Outcome(0.0, "the loss at perturbed weights is not a number")
        numeric = (plus - minus) / (2 * EPS)
        analytic = grad.astype(np.float64).reshape(-1)[ref["coords"]]
        error = relative_error(analytic, numeric)
        if not math.isfinite(error) or error >= GRADCHECK_TOL:
            return Outcome(
                0.0,
                f"your gradient does not match finite differences of your own loss: relative error "
                f"{error:.1e}, needs < {GRADCHECK_TOL:g}",
            )
        outcome = grad_close(grad, ref_grad, reveal)
        if not outcome.passed:
            return Outcome(0.0, f"gradient: {outcome.message}", outcome.detail)
        return Outcome(
            1.0,
            f"loss matches; gradient passes the finite-difference check (relative error {error:.1e})",
        )

    return check


def regression_data(seed: int, n: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return rng.normal(size=d), X, X @ rng.normal(size=d) + 0.3 * rng.normal(size=n)


def classification_data(
    seed: int, n: int, d: int, c: int, scale: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.argmax(X @ rng.normal(size=(d, c)) + rng.normal(size=(n, c)), axis=1)
    return scale * rng.normal(size=(d, c)), X, y


# ----------------------------------------------------------------------------- initial loss
def probe_initial_loss(
    ns: dict[str, Any], X: np.ndarray, y: np.ndarray, n_classes: int, seed: int
) -> dict[str, Any]:
    return {"loss": ns["initial_loss"](X, y, n_classes, seed), "n_classes": n_classes}


# |initial loss - ln C| measured with scale=1e-3 over seeds 0..9: digits (C=10) at most 4.8e-4, standardised
# iris (C=3) at most 2.1e-3; weights of scale 1 give 3.2 .. 7.6 above ln(10) on digits.
INIT_TOLERANCE = 0.01


def check_initial_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    returned = got.get("loss") if isinstance(got, dict) else None
    value = checks.as_number(returned)
    if value is None:
        return Outcome(0.0, f"initial_loss must return a finite number, got {describe(returned)}")
    expected = math.log(ref["n_classes"])
    if abs(value - expected) > INIT_TOLERANCE:
        return Outcome(
            0.0,
            f"with small random weights the loss should be about ln({ref['n_classes']}) = {expected:.4f}, "
            f"got {value:.4f}: are the weights drawn with normal(0.0, scale)?",
        )
    outcome = checks.close(rtol=1e-9, atol=1e-12)(value, ref["loss"], reveal)
    if not outcome.passed:
        return Outcome(
            0.5,
            f"about ln(C) as it should be, but not the loss of the stated weights: {outcome.message}",
            outcome.detail,
        )
    return Outcome(1.0, f"loss at init is ln({ref['n_classes']}) within {INIT_TOLERANCE}")


# ----------------------------------------------------------------------------- mini-batches
def probe_minibatches(ns: dict[str, Any], n: int, batch_size: int, seed: int) -> dict[str, Any]:
    """Rows are labelled by their index (X[i] = (i, -i), y[i] = i) so the check can trace every sample."""
    X = np.column_stack([np.arange(n), -np.arange(n)]).astype(np.float64)
    y = np.arange(n)

    def epoch(s: int) -> list[Any]:
        return [[xb, yb] for xb, yb in ns["iterate_minibatches"](X, y, batch_size, s)]

    return {
        "n": n,
        "batch_size": batch_size,
        "first": epoch(seed),
        "again": epoch(seed),
        "other": epoch(seed + 1),
    }


def _epoch_problem(batches: Any, n: int, batch_size: int) -> tuple[str | None, list[np.ndarray]]:
    if not isinstance(batches, list) or not batches:
        return "iterate_minibatches yielded no batches", []
    labels = []
    for batch in batches:
        if not isinstance(batch, list) or len(batch) != 2:
            return "each batch must be a pair (X_batch, y_batch)", []
        xb, yb = batch
        if (
            not isinstance(xb, np.ndarray)
            or not isinstance(yb, np.ndarray)
            or yb.ndim != 1
            or xb.shape != (len(yb), 2)
        ):
            return (
                "each batch must hold X rows (2-D) and their labels (1-D), the same number of each",
                [],
            )
        if not np.array_equal(xb[:, 0], yb) or not np.array_equal(xb[:, 1], -yb):
            return (
                "X_batch rows and y_batch labels do not belong together: index X and y with the same rows",
                [],
            )
        labels.append(yb.astype(np.int64))
    sizes = [len(b) for b in labels]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected:
        return (
            f"expected {len(expected)} batches of sizes {expected[:3]}{'...' if len(expected) > 3 else ''} "
            f"(the last one smaller if batch_size does not divide n={n}), got {len(sizes)} batches of sizes "
            f"{sizes[:3]}{'...' if len(sizes) > 3 else ''}"
        ), []
    together = np.concatenate(labels)
    if not np.array_equal(np.sort(together), np.arange(n)):
        return "every sample must appear in exactly one batch per epoch", []
    return None, labels


def check_minibatches(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    n, batch_size = ref["n"], ref["batch_size"]
    epochs = {}
    for key in ("first", "again", "other"):
        problem, labels = _epoch_problem(got.get(key), n, batch_size)
        if problem:
            return Outcome(0.0, problem)
        epochs[key] = np.concatenate(labels)
    if not np.array_equal(epochs["first"], epochs["again"]):
        return Outcome(
            0.0, "the same seed gave two different orders: use np.random.default_rng(seed)"
        )
    if n >= 10 and np.array_equal(epochs["first"], epochs["other"]):
        return Outcome(0.0, "another seed gave the same order: is the seed used?")
    if n >= 10 and np.array_equal(epochs["first"], np.arange(n)):
        return Outcome(0.0, "the samples are not shuffled")
    reference = np.concatenate([b[1] for b in ref["first"]])
    if not np.array_equal(epochs["first"], reference):
        return Outcome(
            0.5,
            "a valid epoch, but not in the stated order: order = np.random.default_rng(seed)"
            ".permutation(n), batches are consecutive slices of it",
        )
    return Outcome(1.0, "shuffled, complete, stated order and batch sizes")


def probe_average_gradient(
    ns: dict[str, Any], seed: int, n: int, d: int, c: int, batch_sizes: list[int]
) -> list[Any]:
    W, X, y = classification_data(seed, n, d, c)
    return [ns["average_minibatch_gradient"](W.copy(), X, y, b, seed) for b in batch_sizes]


# ----------------------------------------------------------------------------- training
def probe_train(
    ns: dict[str, Any], seed: int, n: int, epochs: int, lr: float, batch_size: int
) -> dict[str, Any]:
    _, X, y = classification_data(seed, n, 6, 3)
    out = {}
    for name, size in (("full_batch", None), ("mini_batch", batch_size)):
        W, losses = ns["train_softmax"](X, y, 3, lr, epochs, size, seed)
        out[name] = {"W": W, "losses": losses}
    return out


def check_train(got: Any, ref: Any, reveal: bool) -> Outcome:
    numbers = checks.close(rtol=1e-8, atol=1e-10)
    if not isinstance(got, dict):
        return Outcome(0.0, "train_softmax must return (W, losses)")
    earned, messages = 0.0, []
    for name in ("full_batch", "mini_batch"):
        part, ref_part = got.get(name), ref[name]
        if not isinstance(part, dict):
            messages.append(f"{name}: unexpected result")
            continue
        losses, ref_losses = part.get("losses"), ref_part["losses"]
        if (
            isinstance(losses, np.ndarray)
            and losses.ndim == 1
            and len(losses) == len(ref_losses) - 1
        ):
            messages.append(
                f"{name}: losses needs epochs + 1 values (the loss at the start comes first)"
            )
            continue
        outcome = numbers(losses, ref_losses, reveal)
        if not outcome.passed:
            messages.append(f"{name} losses: {outcome.message}")
            continue
        outcome = numbers(part.get("W"), ref_part["W"], reveal)
        if not outcome.passed:
            messages.append(f"{name} W: {outcome.message}")
            continue
        earned += 0.5
    return Outcome(
        earned, "full-batch and mini-batch runs match" if earned == 1.0 else "; ".join(messages)
    )


def probe_gd_vs_sgd(
    ns: dict[str, Any],
    target: float,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    rows: int | None = None,
) -> dict[str, Any]:
    from course_lib import load_dataset

    digits = load_dataset("digits")
    X = np.hstack([digits.X / 16.0, np.ones((digits.n_samples, 1))])[:rows]
    y = digits.y[:rows]
    return {"n": len(y), "passes": ns["gd_vs_sgd"](X, y, 10, target, epochs, lr, batch_size, seed)}


def check_gd_vs_sgd(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Each count equal to the reference, and the fact: mini-batch needs fewer sample passes."""
    passes = got.get("passes") if isinstance(got, dict) else None
    if not isinstance(passes, dict) or sorted(passes) != ["full_batch", "mini_batch"]:
        return Outcome(0.0, 'gd_vs_sgd must return {"full_batch": ..., "mini_batch": ...}')
    n = ref["n"]
    for name in ("full_batch", "mini_batch"):
        value, expected = passes[name], ref["passes"][name]
        if value is not None and type(value) is not int:
            return Outcome(
                0.0,
                f"{name}: expected an int number of sample passes or None, got {describe(value)}",
            )
        if value is not None and value % n:
            return Outcome(
                0.0,
                f"{name}: sample passes come in whole epochs (multiples of n={n}); count k * n, not k",
            )
        if value != expected:
            return Outcome(
                0.0,
                f"{name}: a different number of sample passes (k = 0 is the loss before training; "
                "the first k with loss <= target)",
                expected_got(expected, value),
            )
    full, mini = passes["full_batch"], passes["mini_batch"]
    if mini is None or (full is not None and mini >= full):
        return Outcome(
            0.0,
            "mini-batch SGD should reach the target loss in fewer sample passes than full-batch GD",
        )
    return Outcome(
        1.0, "mini-batch SGD reaches the target in fewer sample passes, as in the reference"
    )


# ----------------------------------------------------------------------------- accuracy vs loss
def probe_accuracy_vs_loss(
    ns: dict[str, Any], seed: int, n: int, d: int, c: int, points: int
) -> dict[str, Any]:
    W, X, y = classification_data(seed, n, d, c, scale=1.0)
    direction = np.random.default_rng(seed + 100).normal(size=W.shape)
    alphas = np.linspace(-1.0, 1.0, points)
    return ns["accuracy_vs_loss"](W.copy(), direction, X, y, alphas)


ACCURACY_KEYS = ["accuracy", "accuracy_gradient", "loss", "loss_gradient"]


def check_accuracy_vs_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    """The numbers match the reference, and show the facts: accuracy flat almost everywhere, loss never."""
    if not isinstance(got, dict) or sorted(got) != ACCURACY_KEYS:
        return Outcome(0.0, f"accuracy_vs_loss must return a dict with keys {ACCURACY_KEYS}")
    tolerances = {
        "loss": checks.close(rtol=1e-9, atol=1e-12),
        "accuracy": checks.close(rtol=0.0, atol=1e-12),
        # finite differences: a different but correct way of computing them differs by ~1e-10
        "loss_gradient": checks.close(rtol=1e-5, atol=1e-8),
        "accuracy_gradient": checks.close(rtol=0.0, atol=1e-12),
    }
    hints = {
        "accuracy": " (the fraction of samples whose argmax score equals the label)",
        "accuracy_gradient": " (the accuracy does not change for a step of 1e-5: its numerical gradient is zero)",
        "loss": " (the loss at W + a * direction, for each a)",
        "loss_gradient": " (numerical_gradient of the loss at W, eps=1e-5)",
    }
    for key in ("loss", "accuracy", "loss_gradient", "accuracy_gradient"):
        outcome = tolerances[key](got[key], ref[key], reveal)
        if not outcome.passed:
            return Outcome(0.0, f"{key}: {outcome.message}{hints[key]}", outcome.detail)
    accuracy_steps = int(np.count_nonzero(np.diff(got["accuracy"])))
    loss_steps = int(np.count_nonzero(np.diff(got["loss"])))
    steps = len(got["loss"]) - 1
    return Outcome(
        1.0,
        f"accuracy changes on {accuracy_steps} of {steps} steps along the line, the loss on {loss_steps}; "
        "the accuracy's gradient is zero",
    )


# ----------------------------------------------------------------------------- items
ITEMS = [
    Item(
        "mse_loss_and_grad",
        1,
        probe=lambda ns: probe_loss_and_grad(ns, "mse_loss_and_grad", *regression_data(0, 20, 3)),
        check=check_loss_and_grad("mse_loss_and_grad"),
        requires=("mse_loss_and_grad",),
        hint="loss = mean((X @ w - y)**2), gradient = 2 / n * X.T @ (X @ w - y).",
    ),
    Item(
        "softmax_loss_naive",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_naive", *classification_data(1, 15, 5, 4)
        ),
        check=check_loss_and_grad("softmax_loss_naive"),
        requires=("softmax_loss_naive",),
        hint="the loss is the mean of -log p_y; dW accumulates (p_c - [c == y_i]) * x_i, divided by N at the end.",
    ),
    Item(
        "softmax_loss_naive.stable",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_naive", *classification_data(2, 10, 5, 4, scale=300.0)
        ),
        check=check_loss_and_grad("softmax_loss_naive"),
        requires=("softmax_loss_naive",),
        hint="scores in the thousands overflow exp: subtract each sample's maximum score first.",
    ),
    Item(
        "softmax_loss_vectorized",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_vectorized", *classification_data(1, 15, 5, 4)
        ),
        check=check_loss_and_grad("softmax_loss_vectorized"),
        requires=("softmax_loss_vectorized",),
        hint="dW = X.T @ (P - Y) / N, with P the softmax probabilities and Y the one-hot labels.",
    ),
    Item(
        "softmax_loss_vectorized.stable",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_vectorized", *classification_data(2, 10, 5, 4, scale=300.0)
        ),
        check=check_loss_and_grad("softmax_loss_vectorized"),
        requires=("softmax_loss_vectorized",),
        hint="subtract the row maximum (scores.max(axis=1, keepdims=True)) before exp.",
    ),
    Item(
        "initial_loss",
        1,
        probe=lambda ns: probe_initial_loss(
            ns, *classification_data(3, 200, 8, 10)[1:], n_classes=10, seed=0
        ),
        check=check_initial_loss,
        requires=("initial_loss", "softmax_loss_vectorized"),
        hint="W = np.random.default_rng(seed).normal(0.0, scale, size=(D, n_classes)); return the softmax loss at W.",
    ),
    Item(
        "iterate_minibatches",
        1,
        probe=lambda ns: probe_minibatches(ns, 50, 16, seed=3),
        check=check_minibatches,
        requires=("iterate_minibatches",),
        hint="order = np.random.default_rng(seed).permutation(n); yield X[rows], y[rows] for consecutive slices rows; keep the last, smaller batch.",
    ),
    Item(
        "average_minibatch_gradient",
        1,
        probe=lambda ns: probe_average_gradient(ns, 4, 50, 5, 3, [16]),
        check=checks.close(rtol=1e-9, atol=1e-12, allow_float32=False),
        requires=("average_minibatch_gradient", "iterate_minibatches", "softmax_loss_vectorized"),
        hint="weight each batch gradient by its batch size and divide by n: the smaller last batch counts less.",
    ),
    Item(
        "train_softmax",
        2,
        probe=lambda ns: probe_train(ns, seed=5, n=90, epochs=4, lr=0.5, batch_size=16),
        check=check_train,
        requires=("train_softmax", "iterate_minibatches", "softmax_loss_vectorized"),
        # graded on its own: officially with the solution's batches and loss, so a mistake there
        # costs iterate_minibatches' and softmax_loss_vectorized's items, not this one
        uses=("iterate_minibatches", "softmax_loss_vectorized"),
        hint="mini-batch epoch e uses iterate_minibatches(X, y, batch_size, seed + 1 + e); losses starts with the loss at the initial W.",
    ),
    # Deterministic given the stated rules, so graded exactly. Over seeds 0..9 (digits, lr=1.0, batch 32,
    # target 0.5) full batch needs 36 epochs (64,692 sample passes) for every seed, mini-batch 1 epoch (1,797)
    # for 9 seeds and 2 for seed 7: 18 to 36 times fewer. At the crossing epochs the loss is 0.004 to 0.24 away
    # from the target (seed 0: 0.0039 and 0.091), far above rounding differences between correct codes (~1e-15).
    Item(
        "gd_vs_sgd",
        1,
        probe=lambda ns: probe_gd_vs_sgd(ns, target=0.5, epochs=60, lr=1.0, batch_size=32, seed=0),
        check=check_gd_vs_sgd,
        requires=("gd_vs_sgd", "train_softmax"),
        hint="train both with the same lr, epochs and seed; report k * n for the first k with losses[k] <= target.",
    ),
    Item(
        "accuracy_vs_loss",
        2,
        probe=lambda ns: probe_accuracy_vs_loss(ns, seed=6, n=60, d=4, c=3, points=41),
        check=check_accuracy_vs_loss,
        requires=("accuracy_vs_loss", "softmax_loss_vectorized"),
        hint="accuracy is the mean of (argmax(X @ W', axis=1) == y); take both gradients with numerical_gradient(f, W.copy(), eps=1e-5).",
    ),
]
