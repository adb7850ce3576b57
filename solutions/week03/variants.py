"""Week 3 variants: wrong answers that must lose points, right ones written differently that must not.

Variants that replace a function other functions call (softmax_loss_vectorized,
iterate_minibatches, train_softmax) also change those functions' results; the
``breaks`` lists say which items each wrong variant must fail.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, logsumexp

from autograder.spec import Variant


def _one_hot(y, c):
    out = np.zeros((len(y), c))
    out[np.arange(len(y)), y] = 1.0
    return out


def _grad_of(W, X, y):
    probs = np.exp(log_softmax(X @ W, axis=1))
    return X.T @ (probs - _one_hot(y, W.shape[1])) / len(y)


# ----------------------------------------------------------------------------- mse
def mse_with_einsum(w, X, y):
    """Right: einsum and an explicit sum."""
    r = np.einsum("nd,d->n", X, w) - y
    return float(np.sum(r * r) / len(y)), np.einsum("nd,n->d", X, r) * 2.0 / len(y)


def mse_without_factor_two(w, X, y):
    """Wrong: gradient of the half-MSE, loss of the MSE."""
    r = X @ w - y
    return float(np.mean(r**2)), X.T @ r / len(y)


def mse_summed(w, X, y):
    """Wrong: sum instead of mean."""
    r = X @ w - y
    return float(np.sum(r**2)), 2.0 * X.T @ r


# ----------------------------------------------------------------------------- softmax
def softmax_naive_with_logsumexp(W, X, y):
    """Right: scipy's logsumexp per sample, outer products."""
    loss, dW = 0.0, np.zeros(W.shape)
    for x_i, y_i in zip(X, y, strict=True):
        scores = x_i @ W
        log_p = scores - logsumexp(scores)
        loss -= log_p[y_i]
        target = np.zeros(W.shape[1])
        target[y_i] = 1.0
        dW += np.outer(x_i, np.exp(log_p) - target)
    return loss / len(y), dW / len(y)


def softmax_naive_unstable(W, X, y):
    """Wrong: exp of the raw scores (overflows for large scores)."""
    loss, dW = 0.0, np.zeros(W.shape)
    with np.errstate(all="ignore"):
        for x_i, y_i in zip(X, y, strict=True):
            e = np.exp(x_i @ W)
            p = e / e.sum()
            loss -= np.log(p[y_i])
            p[y_i] -= 1.0
            dW += np.outer(x_i, p)
    return float(loss / len(y)), dW / len(y)


def softmax_naive_not_averaged(W, X, y):
    """Wrong: the gradient is summed, not averaged."""
    loss, dW = softmax_naive_with_logsumexp(W, X, y)
    return loss, dW * len(y)


def softmax_vectorized_with_scipy(W, X, y):
    """Right: scipy.special.log_softmax."""
    log_p = log_softmax(X @ W, axis=1)
    return float(-np.mean(log_p[np.arange(len(y)), y])), _grad_of(W, X, y)


def softmax_vectorized_unstable(W, X, y):
    """Wrong: no max subtraction."""
    with np.errstate(all="ignore"):
        e = np.exp(X @ W)
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.mean(np.log(p[np.arange(len(y)), y])))
        p[np.arange(len(y)), y] -= 1.0
        return loss, X.T @ p / len(y)


def softmax_vectorized_no_minus_one(W, X, y):
    """Wrong: forgets the -1 at the true class in the gradient."""
    log_p = log_softmax(X @ W, axis=1)
    return float(-np.mean(log_p[np.arange(len(y)), y])), X.T @ np.exp(log_p) / len(y)


# ----------------------------------------------------------------------------- initial loss
def initial_loss_standard_normal(X, y, n_classes, seed, scale=1e-3):
    """Right: standard_normal times scale (the same numbers), scipy's logsumexp."""
    W = np.random.default_rng(seed).standard_normal((X.shape[1], n_classes)) * scale
    scores = X @ W
    return float(np.mean(logsumexp(scores, axis=1) - scores[np.arange(len(y)), y]))


def initial_loss_unit_weights(X, y, n_classes, seed, scale=1e-3):
    """Wrong: weights of scale 1."""
    W = np.random.default_rng(seed).normal(0.0, 1.0, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_uniform(X, y, n_classes, seed, scale=1e-3):
    """Wrong: uniform [0, 1) weights."""
    W = np.random.default_rng(seed).random((X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


# ----------------------------------------------------------------------------- mini-batches
def minibatches_with_lists(X, y, batch_size, seed):
    """Right: a list of index arrays built up front, rng.permutation of an arange."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size must be a positive int")
    order = np.random.default_rng(seed).permutation(np.arange(len(y)))
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return iter([(np.take(X, rows, axis=0), np.take(y, rows)) for rows in chunks])


def minibatches_drop_last(X, y, batch_size, seed):
    """Wrong: drops the last partial batch."""
    if batch_size < 1 or int(batch_size) != batch_size:
        raise ValueError("bad batch_size")
    order = np.random.default_rng(seed).permutation(len(y))
    for i in range(len(y) // batch_size):
        rows = order[i * batch_size : (i + 1) * batch_size]
        yield X[rows], y[rows]


def minibatches_unshuffled(X, y, batch_size, seed):
    """Wrong: never shuffles."""
    if batch_size < 1 or int(batch_size) != batch_size:
        raise ValueError("bad batch_size")
    for i in range(0, len(y), batch_size):
        yield X[i : i + batch_size], y[i : i + batch_size]


def minibatches_global_rng(X, y, batch_size, seed):
    """Wrong: np.random.permutation (global state), seed ignored."""
    if batch_size < 1 or int(batch_size) != batch_size:
        raise ValueError("bad batch_size")
    order = np.random.permutation(len(y))
    for i in range(0, len(y), batch_size):
        yield X[order[i : i + batch_size]], y[order[i : i + batch_size]]


def minibatches_unvalidated(X, y, batch_size, seed):
    """Wrong: no argument check (batch_size 0 raises range()'s error, 2.5 slices oddly)."""
    order = np.random.default_rng(seed).permutation(len(y))
    start = 0
    while start < len(y):
        rows = order[int(start) : int(start + batch_size)]
        yield X[rows], y[rows]
        start += batch_size if batch_size > 0 else len(y)


# ----------------------------------------------------------------------------- average gradient
def average_with_np_average(W, X, y, batch_size, seed):
    """Right: collect the gradients, np.average with the batch sizes as weights."""
    grads, sizes = [], []
    for X_batch, y_batch in minibatches_with_lists(X, y, batch_size, seed):
        grads.append(_grad_of(W, X_batch, y_batch))
        sizes.append(len(y_batch))
    return np.average(np.stack(grads), axis=0, weights=sizes)


def average_unweighted(W, X, y, batch_size, seed):
    """Wrong: plain mean of the batch gradients."""
    return np.mean(
        [_grad_of(W, xb, yb) for xb, yb in minibatches_with_lists(X, y, batch_size, seed)], axis=0
    )


def average_first_batch(W, X, y, batch_size, seed):
    """Wrong: the gradient of the first batch only."""
    xb, yb = next(minibatches_with_lists(X, y, batch_size, seed))
    return _grad_of(W, xb, yb)


# ----------------------------------------------------------------------------- training
def train_in_place(X, y, n_classes, lr, epochs, batch_size, seed):
    """Right: in-place updates, explicit index loop, scipy-based gradients."""
    W = np.random.default_rng(seed).standard_normal((X.shape[1], n_classes)) * 1e-3
    losses = np.empty(epochs + 1)
    losses[0] = softmax_vectorized_with_scipy(W, X, y)[0]
    for e in range(epochs):
        if batch_size is None:
            W -= lr * _grad_of(W, X, y)
        else:
            order = np.random.default_rng(seed + 1 + e).permutation(len(y))
            for start in range(0, len(y), batch_size):
                rows = order[start : start + batch_size]
                W -= lr * _grad_of(W, X[rows], y[rows])
        losses[e + 1] = softmax_vectorized_with_scipy(W, X, y)[0]
    return W, losses


def train_same_order_every_epoch(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: the same shuffle (seed) in every epoch."""
    W = np.random.default_rng(seed).normal(0.0, 1e-3, size=(X.shape[1], n_classes))
    losses = [softmax_vectorized_with_scipy(W, X, y)[0]]
    for _ in range(epochs):
        batches = [(X, y)] if batch_size is None else minibatches_with_lists(X, y, batch_size, seed)
        for xb, yb in batches:
            W = W - lr * _grad_of(W, xb, yb)
        losses.append(softmax_vectorized_with_scipy(W, X, y)[0])
    return W, np.array(losses)


def train_without_initial_loss(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: losses has only the per-epoch values."""
    W, losses = train_in_place(X, y, n_classes, lr, epochs, batch_size, seed)
    return W, losses[1:]


# ----------------------------------------------------------------------------- experiment
def gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Right: a Python scan over the losses."""
    out = {}
    for name, size in (("mini_batch", batch_size), ("full_batch", None)):
        losses = train_in_place(X, y, n_classes, lr, epochs, size, seed)[1]
        out[name] = next((k * len(y) for k, value in enumerate(losses) if value <= target), None)
    return out


def gd_vs_sgd_counts_epochs(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: counts epochs instead of sample passes."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {k: None if v is None else v // len(y) for k, v in out.items()}


def gd_vs_sgd_swapped(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: the two results swapped."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {"full_batch": out["mini_batch"], "mini_batch": out["full_batch"]}


# ----------------------------------------------------------------------------- accuracy vs loss
def _numeric(f, W, eps):
    grad = np.zeros_like(W)
    for index in np.ndindex(W.shape):
        plus, minus = W.copy(), W.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def accuracy_vs_loss_with_loops(W, direction, X, y, alphas):
    """Right: explicit loops, the analytic loss gradient (it equals the numerical one to ~1e-10)."""
    loss, accuracy = [], []
    for a in alphas:
        Wa = W + a * direction
        loss.append(softmax_vectorized_with_scipy(Wa, X, y)[0])
        accuracy.append(
            sum(int(np.argmax(s) == t) for s, t in zip(X @ Wa, y, strict=True)) / len(y)
        )
    return {
        "loss": np.array(loss),
        "accuracy": np.array(accuracy),
        "loss_gradient": _grad_of(W, X, y),
        "accuracy_gradient": _numeric(lambda m: np.mean(np.argmax(X @ m, axis=1) == y), W, 1e-5),
    }


def accuracy_vs_loss_counts(W, direction, X, y, alphas):
    """Wrong: accuracy as a count of correct samples."""
    out = accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    out["accuracy"] = out["accuracy"] * len(y)
    return out


def accuracy_vs_loss_big_step(W, direction, X, y, alphas):
    """Wrong: finite differences with a huge step, so the accuracy seems to have a gradient."""
    out = accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    out["accuracy_gradient"] = _numeric(lambda m: np.mean(np.argmax(X @ m, axis=1) == y), W, 0.5)
    return out


def accuracy_vs_loss_ignores_alpha(W, direction, X, y, alphas):
    """Wrong: evaluates at W + direction for every a."""
    out = accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    out["loss"] = np.full(len(alphas), softmax_vectorized_with_scipy(W + direction, X, y)[0])
    return out


SOFTMAX_DEPENDENTS = (
    "initial_loss",
    "initial_loss.hidden",
    "average_minibatch_gradient",
    "average_minibatch_gradient.hidden",
    "train_softmax",
    "train_softmax.hidden",
    "accuracy_vs_loss",
    "accuracy_vs_loss.hidden",
)

WRONG = [
    Variant("mse_loss_and_grad", mse_without_factor_two, "no factor 2 in the gradient"),
    Variant("mse_loss_and_grad", mse_summed, "sum, not mean"),
    Variant(
        "softmax_loss_naive",
        softmax_naive_unstable,
        "no max subtraction",
        breaks=("softmax_loss_naive.stable", "softmax_loss_naive.hidden"),
    ),
    Variant("softmax_loss_naive", softmax_naive_not_averaged, "gradient not divided by N"),
    Variant(
        "softmax_loss_vectorized",
        softmax_vectorized_unstable,
        "no max subtraction",
        breaks=("softmax_loss_vectorized.stable", "softmax_loss_vectorized.hidden"),
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_vectorized_no_minus_one,
        "no -1 at the true class",
        breaks=(
            "softmax_loss_vectorized",
            "softmax_loss_vectorized.stable",
            "softmax_loss_vectorized.hidden",
            "softmax_loss_vectorized.shapes.hidden",
            *SOFTMAX_DEPENDENTS[2:4],
            "train_softmax.hidden",  # train_softmax uses it: graded with the reference officially
        ),
    ),
    Variant("initial_loss", initial_loss_unit_weights, "weights of scale 1"),
    Variant("initial_loss", initial_loss_uniform, "uniform weights"),
    Variant(
        "iterate_minibatches",
        minibatches_drop_last,
        "drops the last batch",
        breaks=(
            "iterate_minibatches",
            "iterate_minibatches.hidden",
            "average_minibatch_gradient",
            "train_softmax.hidden",
        ),
    ),
    Variant(
        "iterate_minibatches",
        minibatches_unshuffled,
        "no shuffling",
        breaks=(
            "iterate_minibatches",
            "iterate_minibatches.hidden",
            "train_softmax.hidden",
        ),
    ),
    Variant(
        "iterate_minibatches",
        minibatches_global_rng,
        "seed ignored",
        breaks=(
            "iterate_minibatches",
            "iterate_minibatches.hidden",
            "train_softmax.hidden",
        ),
    ),
    Variant(
        "iterate_minibatches",
        minibatches_unvalidated,
        "batch_size not validated",
        breaks=("iterate_minibatches.edge_cases",),
    ),
    Variant("average_minibatch_gradient", average_unweighted, "unweighted mean"),
    Variant("average_minibatch_gradient", average_first_batch, "first batch only"),
    Variant(
        "train_softmax",
        train_same_order_every_epoch,
        "same shuffle every epoch",
        breaks=("train_softmax", "train_softmax.hidden"),
    ),
    Variant(
        "train_softmax",
        train_without_initial_loss,
        "no initial loss",
        breaks=("train_softmax", "train_softmax.hidden", "gd_vs_sgd", "gd_vs_sgd.hidden"),
    ),
    Variant("gd_vs_sgd", gd_vs_sgd_counts_epochs, "epochs, not sample passes"),
    Variant("gd_vs_sgd", gd_vs_sgd_swapped, "results swapped"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_counts, "accuracy as a count"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_big_step, "huge finite-difference step"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_ignores_alpha, "step size ignored"),
]

RIGHT = [
    Variant("mse_loss_and_grad", mse_with_einsum, "einsum"),
    Variant("softmax_loss_naive", softmax_naive_with_logsumexp, "scipy logsumexp, outer products"),
    Variant("softmax_loss_vectorized", softmax_vectorized_with_scipy, "scipy log_softmax"),
    Variant("initial_loss", initial_loss_standard_normal, "standard_normal * scale, logsumexp"),
    Variant("iterate_minibatches", minibatches_with_lists, "precomputed list of batches"),
    Variant("average_minibatch_gradient", average_with_np_average, "np.average with weights"),
    Variant("train_softmax", train_in_place, "in-place updates, index loop"),
    Variant("gd_vs_sgd", gd_vs_sgd_with_loops, "Python scan"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_with_loops, "loops, analytic loss gradient"),
]
