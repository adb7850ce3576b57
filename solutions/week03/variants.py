"""Week 3 variants: wrong answers that must lose points, right ones written differently that must not.

A wrong variant must lose points on the items that *test* its target
(``breaks``), never on an item that only *uses* it (``Item.uses``): an official
run probes such an item with the reference implementation of the used name. Each graded
function has a ``fake_*`` variant that returns made-up results of the right
shape and type without doing the work: every item must resist it. Which
stated rule each variant breaks is in ``rules.py``.
"""

from __future__ import annotations

import math

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


def mse_with_loops(w, X, y):
    """Right: a loop over the samples; the loss a NumPy float64, not a Python float."""
    loss, grad = np.float64(0.0), np.zeros(len(w))
    for x_i, y_i in zip(X, y, strict=True):
        r = x_i @ w - y_i
        loss += r * r
        grad += 2.0 * r * x_i
    return loss / len(y), grad / len(y)


def mse_without_factor_two(w, X, y):
    """Wrong: gradient of the half-MSE, loss of the MSE."""
    r = X @ w - y
    return float(np.mean(r**2)), X.T @ r / len(y)


def mse_summed(w, X, y):
    """Wrong: sum instead of mean."""
    r = X @ w - y
    return float(np.sum(r**2)), 2.0 * X.T @ r


def mse_half(w, X, y):
    """Wrong: the half-MSE (loss with a factor 1/2, and its own consistent gradient)."""
    r = X @ w - y
    return float(np.mean(r**2) / 2), X.T @ r / len(y)


def mse_loss_in_array(w, X, y):
    """Wrong: the loss as an array of shape (1,) (keepdims), not a number."""
    r = X @ w - y
    return np.mean(r**2, keepdims=True), 2.0 * X.T @ r / len(y)


def mse_column_gradient(w, X, y):
    """Wrong: the gradient as a column (d, 1), not shaped like w."""
    r = X @ w - y
    return float(np.mean(r**2)), (2.0 * X.T @ r / len(y))[:, None]


def mse_float32(w, X, y):
    """Wrong: computed in float32."""
    X32, w32, y32 = X.astype(np.float32), w.astype(np.float32), y.astype(np.float32)
    r = X32 @ w32 - y32
    return np.float32(np.mean(r**2)), np.float32(2.0) * X32.T @ r / np.float32(len(y))


def fake_mse(w, X, y):
    """Wrong (fake): a loss-like number and a zero gradient, no residuals computed."""
    return float(np.mean(y**2)), np.zeros_like(w)


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


def softmax_naive_python_math(W, X, y):
    """Right: Python floats with math.exp / math.log / math.fsum, a loop over the classes too."""
    n, c = X.shape[0], W.shape[1]
    losses, dW = [], np.zeros(W.shape)
    for i in range(n):
        scores = [float(v) for v in X[i] @ W]
        top = max(scores)
        norm = math.fsum(math.exp(s - top) for s in scores)
        losses.append(math.log(norm) - (scores[y[i]] - top))
        for k in range(c):
            dW[:, k] += (math.exp(scores[k] - top) / norm - (k == y[i])) * X[i]
    return math.fsum(losses) / n, dW / n


def softmax_log_of_probabilities(W, X, y):
    """Right: the loss is the log of the (stable) probabilities, less precise than log-sum-exp, with
    the scores used only where a probability is too small for a normal float; a NumPy float64 loss."""
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    p_y = p[rows, y]
    with np.errstate(divide="ignore"):
        log_p_y = np.where(
            p_y > np.finfo(np.float64).tiny, np.log(p_y), s[rows, y] - np.log(e.sum(axis=1))
        )
    p[rows, y] -= 1.0
    return -np.mean(log_p_y), X.T @ p / len(y)


def softmax_log_of_underflowing_probability(W, X, y):
    """Wrong: -log(p_y) even where p_y underflows to 0 (an infinite loss for scores in the thousands).
    Where no p_y reaches 0 it is right (the review's case: on softmax_loss_vectorized.hidden the log of
    a subnormal p_y makes finite differences of this loss miss its correct gradient by 2.4e-7, which the
    old check refused)."""
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    with np.errstate(divide="ignore"):
        loss = float(-np.mean(np.log(p[rows, y])))
    p[rows, y] -= 1.0
    return loss, X.T @ p / len(y)


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


def softmax_summed_loss(W, X, y):
    """Wrong: the loss summed over the samples, not averaged (the gradient averaged)."""
    loss, dW = softmax_vectorized_with_scipy(W, X, y)
    return loss * len(y), dW


def softmax_regularised(W, X, y):
    """Wrong: adds an L2 penalty 0.5 * 1e-2 * ||W||^2 (the text says no regularisation)."""
    loss, dW = softmax_vectorized_with_scipy(W, X, y)
    return loss + 0.5e-2 * float(np.sum(W * W)), dW + 1e-2 * W


def softmax_transposed_gradient(W, X, y):
    """Wrong: dW shaped (C, D), the transpose of W's shape."""
    loss, dW = softmax_vectorized_with_scipy(W, X, y)
    return loss, dW.T.copy()


def softmax_loss_in_array(W, X, y):
    """Wrong: the loss as an array of shape (1,), not a number."""
    loss, dW = softmax_vectorized_with_scipy(W, X, y)
    return np.array([loss]), dW


def softmax_float32(W, X, y):
    """Wrong: computed in float32."""
    s = X.astype(np.float32) @ W.astype(np.float32)
    log_p = s - logsumexp(s, axis=1, keepdims=True)
    p = np.exp(log_p)
    rows = np.arange(len(y))
    p[rows, y] -= 1.0
    return np.float32(-log_p[rows, y].mean()), X.astype(np.float32).T @ p / np.float32(len(y))


def fake_softmax(W, X, y):
    """Wrong (fake): ln(C), the loss of uniform probabilities, and a zero gradient, for any W."""
    return math.log(W.shape[1]), np.zeros_like(W)


def softmax_vectorized_with_scipy(W, X, y):
    """Right: scipy.special.log_softmax."""
    log_p = log_softmax(X @ W, axis=1)
    return float(-np.mean(log_p[np.arange(len(y)), y])), _grad_of(W, X, y)


def softmax_vectorized_longdouble(W, X, y):
    """Right: the loss in extended precision (np.longdouble), the gradient from exp(s - log-norm)."""
    s = (X @ W).astype(np.longdouble)
    s -= s.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(s).sum(axis=1))
    rows = np.arange(len(y))
    loss = float(np.mean(log_norm - s[rows, y]))
    p = np.exp(s - log_norm[:, None]).astype(np.float64)
    p[rows, y] -= 1.0
    return loss, X.T @ p / len(y)


def softmax_vectorized_unstable(W, X, y):
    """Wrong: no max subtraction."""
    with np.errstate(all="ignore"):
        e = np.exp(X @ W)
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.mean(np.log(p[np.arange(len(y)), y])))
        p[np.arange(len(y)), y] -= 1.0
        return loss, X.T @ p / len(y)


def softmax_vectorized_global_max(W, X, y):
    """Wrong: subtracts the largest score of the whole batch, not each row's own maximum."""
    with np.errstate(all="ignore"):
        s = X @ W
        s = s - s.max()
        e = np.exp(s)
        log_p = s - np.log(e.sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        p = e / e.sum(axis=1, keepdims=True)
        p[rows, y] -= 1.0
        return float(-log_p[rows, y].mean()), X.T @ p / len(y)


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


def initial_loss_keywords(X, y, n_classes, seed, scale=1e-3):
    """Right: keyword arguments to normal, a loop over the samples, a NumPy float64 result."""
    rng = np.random.default_rng(seed=seed)
    W = rng.normal(loc=0.0, scale=scale, size=(X.shape[1], n_classes))
    return np.mean([logsumexp(x @ W) - (x @ W)[t] for x, t in zip(X, y, strict=True)])


def initial_loss_unit_weights(X, y, n_classes, seed, scale=1e-3):
    """Wrong: weights of scale 1."""
    W = np.random.default_rng(seed).normal(0.0, 1.0, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_uniform(X, y, n_classes, seed, scale=1e-3):
    """Wrong: uniform [0, 1) weights."""
    W = np.random.default_rng(seed).random((X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_fixed_scale(X, y, n_classes, seed, scale=1e-3):
    """Wrong: ignores the scale argument (always 1e-3)."""
    W = np.random.default_rng(seed).normal(0.0, 1e-3, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_other_default(X, y, n_classes, seed, scale=1e-2):
    """Wrong: a default scale of 1e-2, not 1e-3 (right whenever the scale is passed)."""
    W = np.random.default_rng(seed).normal(0.0, scale, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_global_rng(X, y, n_classes, seed, scale=1e-3):
    """Wrong: np.random.normal (the global generator), seed ignored."""
    W = np.random.normal(0.0, scale, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_transposed_draw(X, y, n_classes, seed, scale=1e-3):
    """Wrong: draws a (n_classes, D) matrix and transposes it (other numbers, a loss still near ln C)."""
    W = np.random.default_rng(seed).normal(0.0, scale, size=(n_classes, X.shape[1])).T
    return softmax_vectorized_with_scipy(W, X, y)[0]


def initial_loss_returns_pair(X, y, n_classes, seed, scale=1e-3):
    """Wrong: returns softmax_loss_vectorized's (loss, dW) pair, not the loss."""
    W = np.random.default_rng(seed).normal(0.0, scale, size=(X.shape[1], n_classes))
    return softmax_vectorized_with_scipy(W, X, y)


def fake_initial_loss(X, y, n_classes, seed, scale=1e-3):
    """Wrong (fake): returns ln(C), what the loss at init should be about, without computing it."""
    return math.log(n_classes)


# ----------------------------------------------------------------------------- mini-batches
def minibatches_with_lists(X, y, batch_size, seed):
    """Right: a list of index arrays built up front, rng.permutation of an arange."""
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError("batch_size must be a positive int")
    order = np.random.default_rng(seed).permutation(np.arange(len(y)))
    chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return iter([(np.take(X, rows, axis=0), np.take(y, rows)) for rows in chunks])


class BatchSizeError(ValueError):
    """A student's own exception class (a ValueError, as the text asks)."""


def minibatches_np_split(X, y, batch_size, seed):
    """Right: np.split at multiples of batch_size; raises a ValueError subclass, eagerly."""
    if isinstance(batch_size, bool) or not float(batch_size).is_integer() or batch_size <= 0:
        raise BatchSizeError("batch_size must be a positive integer")
    order = np.random.default_rng(seed).permutation(len(y))
    pieces = np.split(order, range(int(batch_size), len(y), int(batch_size)))
    return ((X[rows], y[rows]) for rows in pieces)


def _checked(batch_size):
    if batch_size < 1 or int(batch_size) != batch_size:
        raise ValueError("bad batch_size")


def minibatches_drop_last(X, y, batch_size, seed):
    """Wrong: drops the last partial batch."""
    _checked(batch_size)
    order = np.random.default_rng(seed).permutation(len(y))
    for i in range(len(y) // batch_size):
        rows = order[i * batch_size : (i + 1) * batch_size]
        yield X[rows], y[rows]


def minibatches_unshuffled(X, y, batch_size, seed):
    """Wrong: never shuffles."""
    _checked(batch_size)
    for i in range(0, len(y), batch_size):
        yield X[i : i + batch_size], y[i : i + batch_size]


def minibatches_global_rng(X, y, batch_size, seed):
    """Wrong: np.random.permutation (global state), seed ignored."""
    _checked(batch_size)
    order = np.random.permutation(len(y))
    for i in range(0, len(y), batch_size):
        yield X[order[i : i + batch_size]], y[order[i : i + batch_size]]


def minibatches_fixed_seed(X, y, batch_size, seed):
    """Wrong: default_rng(0) whatever the seed, so every epoch has the same order."""
    _checked(batch_size)
    order = np.random.default_rng(0).permutation(len(y))
    for i in range(0, len(y), batch_size):
        yield X[order[i : i + batch_size]], y[order[i : i + batch_size]]


def minibatches_reversed_order(X, y, batch_size, seed):
    """Wrong: consecutive slices of the permutation read backwards."""
    _checked(batch_size)
    order = np.random.default_rng(seed).permutation(len(y))[::-1]
    for i in range(0, len(y), batch_size):
        yield X[order[i : i + batch_size]], y[order[i : i + batch_size]]


def minibatches_mismatched_rows(X, y, batch_size, seed):
    """Wrong: shuffles X but slices y in its original order, so the labels belong to other rows."""
    _checked(batch_size)
    order = np.random.default_rng(seed).permutation(len(y))
    for i in range(0, len(y), batch_size):
        yield X[order[i : i + batch_size]], y[i : i + batch_size]


def minibatches_with_replacement(X, y, batch_size, seed):
    """Wrong: draws the indices with replacement (some samples twice, some never)."""
    _checked(batch_size)
    order = np.random.default_rng(seed).integers(0, len(y), size=len(y))
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


def minibatches_only_zero_refused(X, y, batch_size, seed):
    """Wrong: refuses 0 and non-integers but lets a negative batch_size through (an empty epoch)."""
    if batch_size == 0 or int(batch_size) != batch_size:
        raise ValueError("bad batch_size")
    order = np.random.default_rng(seed).permutation(len(y))
    for start in range(0, len(y), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]


def minibatches_refuses_one(X, y, batch_size, seed):
    """Wrong: takes a batch of one sample for no mini-batch and refuses batch_size=1."""
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int | np.integer)
        or batch_size <= 1
    ):
        raise ValueError("batch_size must be at least 2")
    order = np.random.default_rng(seed).permutation(len(y))
    for start in range(0, len(y), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]


def fake_minibatches(X, y, batch_size, seed):
    """Wrong (fake): batches of the right sizes, all cut from the first rows, nothing shuffled."""
    for start in range(0, len(y), batch_size):
        size = min(batch_size, len(y) - start)
        yield X[:size], y[:size]


# ----------------------------------------------------------------------------- average gradient
def average_with_np_average(W, X, y, batch_size, seed):
    """Right: collect the gradients, np.average with the batch sizes as weights."""
    grads, sizes = [], []
    for X_batch, y_batch in minibatches_with_lists(X, y, batch_size, seed):
        grads.append(_grad_of(W, X_batch, y_batch))
        sizes.append(len(y_batch))
    return np.average(np.stack(grads), axis=0, weights=sizes)


def average_running_mean(W, X, y, batch_size, seed):
    """Right: a running weighted mean, updated batch by batch."""
    mean, seen = np.zeros(W.shape), 0
    for X_batch, y_batch in minibatches_np_split(X, y, batch_size, seed):
        seen += len(y_batch)
        mean += (len(y_batch) / seen) * (_grad_of(W, X_batch, y_batch) - mean)
    return mean


def average_unweighted(W, X, y, batch_size, seed):
    """Wrong: plain mean of the batch gradients."""
    return np.mean(
        [_grad_of(W, xb, yb) for xb, yb in minibatches_with_lists(X, y, batch_size, seed)], axis=0
    )


def average_first_batch(W, X, y, batch_size, seed):
    """Wrong: the gradient of the first batch only."""
    xb, yb = next(minibatches_with_lists(X, y, batch_size, seed))
    return _grad_of(W, xb, yb)


def average_with_updates(W, X, y, batch_size, seed):
    """Wrong: takes an SGD step (lr 0.5) after each batch, so the gradients are not all at W."""
    W, total = W.copy(), np.zeros(W.shape)
    for xb, yb in minibatches_with_lists(X, y, batch_size, seed):
        grad = _grad_of(W, xb, yb)
        total += len(yb) * grad
        W -= 0.5 * grad
    return total / len(y)


def fake_average(W, X, y, batch_size, seed):
    """Wrong (fake): a zero array shaped like W."""
    return np.zeros_like(W)


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


def train_with_np_split(X, y, n_classes, lr, epochs, batch_size, seed):
    """Right: np.split batches, longdouble losses collected in a list and turned into an array."""
    W = np.random.default_rng(seed).normal(0.0, 1e-3, size=(X.shape[1], n_classes))
    losses = [softmax_vectorized_longdouble(W, X, y)[0]]
    for e in range(epochs):
        batches = (
            [(X, y)] if batch_size is None else minibatches_np_split(X, y, batch_size, seed + 1 + e)
        )
        for xb, yb in batches:
            W = W - lr * softmax_vectorized_longdouble(W, xb, yb)[1]
        losses.append(softmax_vectorized_longdouble(W, X, y)[0])
    return W, np.array(losses)


def _train(X, y, n_classes, lr, epochs, batch_size, seed, *, start=None, epoch_seed=None):
    """The recipe with one thing changed, for the wrong variants below."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0.0, 1e-3, size=(X.shape[1], n_classes)) if start is None else start.copy()
    losses, batch_means = [softmax_vectorized_with_scipy(W, X, y)[0]], []
    for e in range(epochs):
        batch_seed = seed + 1 + e if epoch_seed is None else epoch_seed(e)
        batches = (
            [(X, y)] if batch_size is None else minibatches_with_lists(X, y, batch_size, batch_seed)
        )
        seen = []
        for xb, yb in batches:
            seen.append(softmax_vectorized_with_scipy(W, xb, yb)[0])
            W = W - lr * _grad_of(W, xb, yb)
        batch_means.append(float(np.mean(seen)))
        losses.append(softmax_vectorized_with_scipy(W, X, y)[0])
    return W, np.array(losses), batch_means


def train_same_order_every_epoch(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: the same shuffle (seed) in every epoch."""
    return _train(X, y, n_classes, lr, epochs, batch_size, seed, epoch_seed=lambda e: seed)[:2]


def train_epoch_seed_off_by_one(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: epoch e shuffles with seed + e, not seed + 1 + e."""
    return _train(X, y, n_classes, lr, epochs, batch_size, seed, epoch_seed=lambda e: seed + e)[:2]


def train_from_zeros(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: starts from W = 0, not from normal(0.0, 1e-3)."""
    start = np.zeros((X.shape[1], n_classes))
    return _train(X, y, n_classes, lr, epochs, batch_size, seed, start=start)[:2]


def train_without_initial_loss(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: losses has only the per-epoch values."""
    W, losses = train_in_place(X, y, n_classes, lr, epochs, batch_size, seed)
    return W, losses[1:]


def train_batch_mean_losses(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: an epoch's loss is the mean of its batch losses (taken during the epoch), not on all of X."""
    W, losses, batch_means = _train(X, y, n_classes, lr, epochs, batch_size, seed)
    return W, np.array([losses[0], *batch_means])


def train_losses_as_list(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: losses as a Python list, not a float64 array."""
    W, losses = train_in_place(X, y, n_classes, lr, epochs, batch_size, seed)
    return W, [float(v) for v in losses]


def train_float32_losses(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: losses stored as float32."""
    W, losses = train_in_place(X, y, n_classes, lr, epochs, batch_size, seed)
    return W, losses.astype(np.float32)


def train_ignores_lr(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong: steps of lr = 1 whatever lr is passed."""
    return _train(X, y, n_classes, 1.0, epochs, batch_size, seed)[:2]


def fake_train(X, y, n_classes, lr, epochs, batch_size, seed):
    """Wrong (fake): the initial W and a made-up falling loss curve, no training."""
    W = np.random.default_rng(seed).normal(0.0, 1e-3, size=(X.shape[1], n_classes))
    start = softmax_vectorized_with_scipy(W, X, y)[0]
    return W, start * np.linspace(1.0, 0.3, epochs + 1)


# ----------------------------------------------------------------------------- experiment
# gd_vs_sgd's variants call train_softmax by that name, as the notebook's does: the counting items
# replace it (in this module too) with a scripted stand-in whose curves they know.
train_softmax = train_in_place


def gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Right: a Python scan over the losses."""
    out = {}
    for name, size in (("mini_batch", batch_size), ("full_batch", None)):
        losses = train_softmax(X, y, n_classes, lr, epochs, size, seed)[1]
        out[name] = next((k * len(y) for k, value in enumerate(losses) if value <= target), None)
    return out


def gd_vs_sgd_extra_keys(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Right: keyword calls, np.argmax over the mask, and extra diagnostic keys."""
    out = {"n": len(y), "target": target}
    for name, size in (("full_batch", None), ("mini_batch", batch_size)):
        losses = train_softmax(X, y, n_classes, lr=lr, epochs=epochs, batch_size=size, seed=seed)[1]
        reached = np.asarray(losses) <= target
        out[name] = int(np.argmax(reached)) * len(y) if reached.any() else None
        out[f"{name}_final_loss"] = float(losses[-1])
    return out


def gd_vs_sgd_counts_epochs(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: counts epochs instead of sample passes."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {k: None if v is None else v // len(y) for k, v in out.items()}


def gd_vs_sgd_swapped(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: the two results swapped."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {"full_batch": out["mini_batch"], "mini_batch": out["full_batch"]}


def gd_vs_sgd_strictly_below(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: the first loss strictly below the target (equality does not count)."""
    out = {}
    for name, size in (("full_batch", None), ("mini_batch", batch_size)):
        losses = train_softmax(X, y, n_classes, lr, epochs, size, seed)[1]
        out[name] = next((k * len(y) for k, value in enumerate(losses) if value < target), None)
    return out


def gd_vs_sgd_zero_is_none(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: `if k` turns k = 0 (already at the target at the start) into None."""
    out = {}
    for name, size in (("full_batch", None), ("mini_batch", batch_size)):
        reached = np.flatnonzero(
            train_softmax(X, y, n_classes, lr, epochs, size, seed)[1] <= target
        )
        k = int(reached[0]) if reached.size else 0
        out[name] = k * len(y) if k else None
    return out


def gd_vs_sgd_never_as_all_epochs(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: reports epochs * n instead of None when the loss never gets to the target."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {k: epochs * len(y) if v is None else v for k, v in out.items()}


def gd_vs_sgd_float_passes(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: sample passes as floats (k * float(n))."""
    out = gd_vs_sgd_with_loops(X, y, n_classes, target, epochs, lr, batch_size, seed)
    return {k: None if v is None else float(v) for k, v in out.items()}


def gd_vs_sgd_other_seed(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong: the mini-batch run with seed + 1, not the same seed."""
    out = {}
    for name, size, s in (("full_batch", None, seed), ("mini_batch", batch_size, seed + 1)):
        losses = train_softmax(X, y, n_classes, lr, epochs, size, s)[1]
        out[name] = next((k * len(y) for k, value in enumerate(losses) if value <= target), None)
    return out


def fake_gd_vs_sgd(X, y, n_classes, target, epochs, lr, batch_size, seed):
    """Wrong (fake): the expected story (SGD wins) without training: one epoch against all of them."""
    return {"full_batch": epochs * len(y), "mini_batch": len(y)}


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


def accuracy_vs_loss_extra_keys(W, direction, X, y, alphas):
    """Right: accuracy as 1 - error rate (other rounding), longdouble losses, extra diagnostic keys."""
    from course_lib.gradcheck import numerical_gradient

    def accuracy(m):
        return 1.0 - float(np.mean(np.argmax(X @ m, axis=1) != y))

    def loss(m):
        return softmax_vectorized_longdouble(m, X, y)[0]

    out = {
        "loss": np.array([loss(W + a * direction) for a in alphas], dtype=np.float64),
        "accuracy": np.array([accuracy(W + a * direction) for a in alphas], dtype=np.float64),
        "loss_gradient": numerical_gradient(loss, W.copy(), eps=1e-5),
        "accuracy_gradient": numerical_gradient(accuracy, W.copy(), eps=1e-5),
    }
    out["distinct_accuracies"] = len(np.unique(out["accuracy"]))
    out["alphas"] = np.asarray(alphas)
    return out


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


def accuracy_vs_loss_ties_to_largest(W, direction, X, y, alphas):
    """Wrong: the predicted class is the last of a stable argsort, so ties go to the largest index."""
    out = accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    out["accuracy"] = np.array(
        [
            np.mean(np.argsort(X @ (W + a * direction), axis=1, kind="stable")[:, -1] == y)
            for a in alphas
        ]
    )
    return out


def accuracy_vs_loss_gradients_off_w(W, direction, X, y, alphas):
    """Wrong: both gradients taken at W + direction, not at W itself."""
    return accuracy_vs_loss_with_loops(W + direction, direction, X, y, np.asarray(alphas) - 1.0)


def accuracy_vs_loss_lists(W, direction, X, y, alphas):
    """Wrong: Python lists of floats, not float64 arrays."""
    return {
        k: v.tolist() for k, v in accuracy_vs_loss_with_loops(W, direction, X, y, alphas).items()
    }


def accuracy_vs_loss_renamed_keys(W, direction, X, y, alphas):
    """Wrong: "acc" and "acc_gradient" instead of the stated keys."""
    out = accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    out["acc"], out["acc_gradient"] = out.pop("accuracy"), out.pop("accuracy_gradient")
    return out


def fake_accuracy_vs_loss(W, direction, X, y, alphas):
    """Wrong (fake): the expected shapes (a smooth bowl, a flat accuracy, zero gradients), nothing measured."""
    a = np.asarray(alphas, dtype=np.float64)
    return {
        "loss": math.log(W.shape[1]) + a**2,
        "accuracy": np.full(len(a), 0.5),
        "loss_gradient": np.zeros_like(W),
        "accuracy_gradient": np.zeros_like(W),
    }


TRAIN = ("train_softmax", "train_softmax.hidden")
VECTORIZED = (
    "softmax_loss_vectorized",
    "softmax_loss_vectorized.stable",
    "softmax_loss_vectorized.hidden",
    "softmax_loss_vectorized.shapes.hidden",
)
MINIBATCHES = ("iterate_minibatches", "iterate_minibatches.hidden")
COUNTING = ("gd_vs_sgd.counting", "gd_vs_sgd.edge_cases")

WRONG = [
    Variant("mse_loss_and_grad", mse_without_factor_two, "no factor 2 in the gradient"),
    Variant("mse_loss_and_grad", mse_summed, "sum, not mean"),
    Variant("mse_loss_and_grad", mse_half, "the half-MSE"),
    Variant("mse_loss_and_grad", mse_loss_in_array, "loss as an array of shape (1,)"),
    Variant("mse_loss_and_grad", mse_column_gradient, "gradient shaped (d, 1)"),
    Variant("mse_loss_and_grad", mse_float32, "float32"),
    Variant("mse_loss_and_grad", fake_mse, "made-up loss, zero gradient"),
    Variant(
        "softmax_loss_naive",
        softmax_naive_unstable,
        "no max subtraction",
        breaks=("softmax_loss_naive.stable", "softmax_loss_naive.hidden"),
    ),
    Variant(
        "softmax_loss_naive",
        softmax_log_of_underflowing_probability,
        "log of a probability that underflows",
        breaks=("softmax_loss_naive.stable", "softmax_loss_naive.hidden"),
    ),
    Variant("softmax_loss_naive", softmax_naive_not_averaged, "gradient not divided by N"),
    Variant("softmax_loss_naive", softmax_summed_loss, "loss summed, not averaged"),
    Variant("softmax_loss_naive", softmax_regularised, "an L2 penalty added"),
    Variant("softmax_loss_naive", softmax_transposed_gradient, "dW shaped (C, D)"),
    Variant("softmax_loss_naive", softmax_float32, "float32"),
    Variant("softmax_loss_naive", softmax_loss_in_array, "loss as an array of shape (1,)"),
    Variant("softmax_loss_naive", fake_softmax, "ln(C) and a zero gradient"),
    Variant(
        "softmax_loss_vectorized",
        softmax_vectorized_unstable,
        "no max subtraction",
        breaks=("softmax_loss_vectorized.stable", "softmax_loss_vectorized.hidden"),
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_vectorized_global_max,
        "the batch's maximum, not each row's",
        breaks=("softmax_loss_vectorized.stable", "softmax_loss_vectorized.hidden"),
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_log_of_underflowing_probability,
        "log of a probability that underflows",
        breaks=("softmax_loss_vectorized.stable",),
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_vectorized_no_minus_one,
        "no -1 at the true class",
        breaks=VECTORIZED,
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_summed_loss,
        "loss summed, not averaged",
        breaks=VECTORIZED[:3],  # the shapes item has N = 1
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_regularised,
        "an L2 penalty added",
        breaks=VECTORIZED,
    ),
    Variant(
        "softmax_loss_vectorized",
        softmax_transposed_gradient,
        "dW shaped (C, D)",
        breaks=VECTORIZED,
    ),
    Variant("softmax_loss_vectorized", softmax_float32, "float32", breaks=VECTORIZED),
    Variant(
        "softmax_loss_vectorized",
        softmax_loss_in_array,
        "loss as an array of shape (1,)",
        breaks=VECTORIZED,
    ),
    Variant(
        "softmax_loss_vectorized", fake_softmax, "ln(C) and a zero gradient", breaks=VECTORIZED
    ),
    Variant("initial_loss", initial_loss_unit_weights, "weights of scale 1"),
    Variant("initial_loss", initial_loss_uniform, "uniform weights"),
    Variant("initial_loss", initial_loss_fixed_scale, "scale argument ignored"),
    Variant("initial_loss", initial_loss_other_default, "default scale 1e-2"),
    Variant("initial_loss", initial_loss_global_rng, "global generator, seed ignored"),
    Variant("initial_loss", initial_loss_transposed_draw, "a (C, D) draw, transposed"),
    Variant("initial_loss", initial_loss_returns_pair, "returns (loss, dW)"),
    Variant("initial_loss", fake_initial_loss, "returns ln(C)"),
    Variant(
        "iterate_minibatches",
        minibatches_drop_last,
        "drops the last batch",
        breaks=MINIBATCHES,
    ),
    Variant("iterate_minibatches", minibatches_unshuffled, "no shuffling", breaks=MINIBATCHES),
    Variant("iterate_minibatches", minibatches_global_rng, "seed ignored", breaks=MINIBATCHES),
    Variant(
        "iterate_minibatches",
        minibatches_fixed_seed,
        "default_rng(0) for every seed",
        breaks=MINIBATCHES,
    ),
    Variant(
        "iterate_minibatches",
        minibatches_reversed_order,
        "slices of the order read backwards",
        breaks=MINIBATCHES,
    ),
    Variant(
        "iterate_minibatches",
        minibatches_with_replacement,
        "indices drawn with replacement",
        breaks=MINIBATCHES,
    ),
    Variant(
        "iterate_minibatches",
        minibatches_mismatched_rows,
        "labels of other rows",
        breaks=MINIBATCHES,
    ),
    Variant(
        "iterate_minibatches",
        minibatches_unvalidated,
        "batch_size not validated",
        breaks=("iterate_minibatches.edge_cases",),
    ),
    Variant(
        "iterate_minibatches",
        minibatches_only_zero_refused,
        "a negative batch_size accepted",
        breaks=("iterate_minibatches.edge_cases",),
    ),
    Variant(
        "iterate_minibatches",
        minibatches_refuses_one,
        "batch_size=1 refused",
        breaks=("iterate_minibatches.edge_cases",),
    ),
    Variant(
        "iterate_minibatches",
        fake_minibatches,
        "right sizes, always the first rows",
        breaks=(*MINIBATCHES, "iterate_minibatches.edge_cases"),
    ),
    Variant("average_minibatch_gradient", average_unweighted, "unweighted mean"),
    Variant("average_minibatch_gradient", average_first_batch, "first batch only"),
    Variant("average_minibatch_gradient", average_with_updates, "W updated between batches"),
    Variant("average_minibatch_gradient", fake_average, "zeros"),
    Variant(
        "train_softmax", train_same_order_every_epoch, "same shuffle every epoch", breaks=TRAIN
    ),
    Variant("train_softmax", train_epoch_seed_off_by_one, "epoch seed seed + e", breaks=TRAIN),
    Variant("train_softmax", train_from_zeros, "starts from W = 0", breaks=TRAIN),
    Variant(
        "train_softmax",
        train_without_initial_loss,
        "no initial loss",
        breaks=TRAIN,
    ),
    Variant("train_softmax", train_batch_mean_losses, "losses as batch means", breaks=TRAIN),
    Variant("train_softmax", train_losses_as_list, "losses as a list", breaks=TRAIN),
    Variant("train_softmax", train_float32_losses, "float32 losses", breaks=TRAIN),
    Variant("train_softmax", train_ignores_lr, "lr ignored", breaks=TRAIN),
    Variant("train_softmax", fake_train, "initial W, made-up curve", breaks=TRAIN),
    Variant("gd_vs_sgd", gd_vs_sgd_counts_epochs, "epochs, not sample passes"),
    Variant("gd_vs_sgd", gd_vs_sgd_swapped, "results swapped"),
    Variant("gd_vs_sgd", gd_vs_sgd_strictly_below, "strictly below the target", breaks=COUNTING),
    Variant("gd_vs_sgd", gd_vs_sgd_zero_is_none, "k = 0 taken for never", breaks=COUNTING),
    Variant(
        "gd_vs_sgd",
        gd_vs_sgd_never_as_all_epochs,
        "epochs * n for never",
        breaks=("gd_vs_sgd.hidden", "gd_vs_sgd.edge_cases"),
    ),
    Variant("gd_vs_sgd", gd_vs_sgd_other_seed, "mini-batch run with seed + 1", breaks=COUNTING),
    Variant("gd_vs_sgd", gd_vs_sgd_float_passes, "float sample passes"),
    Variant("gd_vs_sgd", fake_gd_vs_sgd, "the expected story, no training"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_counts, "accuracy as a count"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_big_step, "huge finite-difference step"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_ignores_alpha, "step size ignored"),
    Variant(
        "accuracy_vs_loss",
        accuracy_vs_loss_ties_to_largest,
        "ties to the largest index",
        breaks=("accuracy_vs_loss",),
    ),
    Variant("accuracy_vs_loss", accuracy_vs_loss_gradients_off_w, "gradients at W + direction"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_lists, "lists, not arrays"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_renamed_keys, "keys renamed"),
    Variant("accuracy_vs_loss", fake_accuracy_vs_loss, "made-up curves"),
]

RIGHT = [
    Variant("mse_loss_and_grad", mse_with_einsum, "einsum"),
    Variant("mse_loss_and_grad", mse_with_loops, "loops, a NumPy float64 loss"),
    Variant("softmax_loss_naive", softmax_naive_with_logsumexp, "scipy logsumexp, outer products"),
    Variant("softmax_loss_naive", softmax_naive_python_math, "Python floats and math.fsum"),
    Variant(
        "softmax_loss_naive",
        softmax_log_of_probabilities,
        "log of the probabilities (vectorised, less precise)",
    ),
    Variant("softmax_loss_vectorized", softmax_vectorized_with_scipy, "scipy log_softmax"),
    Variant("softmax_loss_vectorized", softmax_vectorized_longdouble, "loss in longdouble"),
    Variant(
        "softmax_loss_vectorized",
        softmax_log_of_probabilities,
        "log of the probabilities (less precise)",
    ),
    Variant("initial_loss", initial_loss_standard_normal, "standard_normal * scale, logsumexp"),
    Variant("initial_loss", initial_loss_keywords, "keywords, a loop, a NumPy float64"),
    Variant("iterate_minibatches", minibatches_with_lists, "precomputed list of batches"),
    Variant("iterate_minibatches", minibatches_np_split, "np.split, a ValueError subclass"),
    Variant("average_minibatch_gradient", average_with_np_average, "np.average with weights"),
    Variant("average_minibatch_gradient", average_running_mean, "running weighted mean"),
    Variant("train_softmax", train_in_place, "in-place updates, index loop"),
    Variant("train_softmax", train_with_np_split, "np.split batches, longdouble losses"),
    Variant("gd_vs_sgd", gd_vs_sgd_with_loops, "Python scan"),
    Variant("gd_vs_sgd", gd_vs_sgd_extra_keys, "keyword calls, extra keys"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_with_loops, "loops, analytic loss gradient"),
    Variant("accuracy_vs_loss", accuracy_vs_loss_extra_keys, "1 - error rate, extra keys"),
]
