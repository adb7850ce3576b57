"""Week 4 variants: wrong answers that must lose points, right ones written differently that must not.

A variant replaces one name in the solution's namespace. A wrong variant must
lose points on the items that *test* its target (``breaks``), never on an item
that only *uses* it (``Item.uses``): an official run probes such an item with
the reference implementation of the used name. Each graded
name has a ``Fake*``/``fake_*`` variant that returns made-up results of the
right shape and type without doing the work: every item must resist it. Which
stated rule each variant breaks is in ``rules.py``.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
from scipy.special import log_softmax

from autograder.spec import Variant


# ----------------------------------------------------------------------------- Value
class ValueKahn:
    """Right: iterative topological order (Kahn's algorithm), tanh from exp, an explicit neg op."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, ValueKahn) else ValueKahn(other)

    def _make(self, data, children, local):
        out = type(self)(data, children)

        def _backward():
            for child, derivative in zip(children, local, strict=True):
                child.grad += derivative * out.grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = self._wrap(other)
        return self._make(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = self._wrap(other)
        return self._make(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k):
        return self._make(self.data**k, (self,), (k * self.data ** (k - 1),))

    def __neg__(self):
        return self._make(-self.data, (self,), (-1.0,))

    def exp(self):
        e = math.exp(self.data)
        return self._make(e, (self,), (e,))

    def tanh(self):
        e2 = math.exp(2 * self.data) if self.data < 300 else math.inf
        t = 1.0 if e2 == math.inf else (e2 - 1) / (e2 + 1)
        return self._make(t, (self,), (1 - t * t,))

    def relu(self):
        return self._make(max(self.data, 0.0), (self,), (float(self.data > 0),))

    def _order(self):
        nodes, stack = {id(self): self}, [self]
        while stack:
            for child in stack.pop()._prev:
                if id(child) not in nodes:
                    nodes[id(child)] = child
                    stack.append(child)
        users = dict.fromkeys(nodes, 0)
        for node in nodes.values():
            for child in set(map(id, node._prev)):
                users[child] += 1
        ready, order = deque([self]), []
        while ready:
            node = ready.popleft()
            order.append(node)
            for child_id in set(map(id, node._prev)):
                users[child_id] -= 1
                if users[child_id] == 0:
                    ready.append(nodes[child_id])
        return order

    def backward(self):
        self.grad = 1.0
        for node in self._order():
            node._backward()

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __truediv__(self, other):
        return self * other**-1 if isinstance(other, ValueKahn) else self * (1.0 / other)

    def __rtruediv__(self, other):
        return self**-1 * other


class ValueOverwrites(ValueKahn):
    """Wrong: gradients assigned (=), not accumulated, so shared nodes lose contributions."""

    def _make(self, data, children, local):
        out = type(self)(data, children)

        def _backward():
            for child, derivative in zip(children, local, strict=True):
                child.grad = derivative * out.grad

        out._backward = _backward
        return out


class ValueDepthFirstBackward(ValueKahn):
    """Wrong: backward recurses depth-first from the output, no topological order."""

    def backward(self):
        self.grad = 1.0

        def push(node):
            node._backward()
            for child in node._prev:
                push(child)

        push(self)


class ValueTanhSlope(ValueKahn):
    """Wrong: tanh's derivative written as 1 - tanh."""

    def tanh(self):
        t = math.tanh(self.data)
        return self._make(t, (self,), (1 - t,))


class ValueReluAtZero(ValueKahn):
    """Wrong: ReLU passes the gradient at exactly 0."""

    def relu(self):
        return self._make(max(self.data, 0.0), (self,), (float(self.data >= 0),))


class ValuePowSlope(ValueKahn):
    """Wrong: d(a^k)/da = k * a^k."""

    def __pow__(self, k):
        return self._make(self.data**k, (self,), (k * self.data**k,))


class ValueIterative(ValueKahn):
    """Right: an iterative post-order depth-first search (no recursion), children kept as a list."""

    def __init__(self, data, _children=(), _op=""):
        super().__init__(data, _children, _op)
        self._prev = list(_children)

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if id(child) not in seen)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class ValueNoWrap(ValueKahn):
    """Wrong: plain numbers are not wrapped in a Value (2 * a, a + 1 fail)."""

    def __add__(self, other):
        return self._make(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        return self._make(self.data * other.data, (self, other), (other.data, self.data))


class ValueAddOneSide(ValueKahn):
    """Wrong: a + b passes the gradient to a only."""

    def __add__(self, other):
        other = self._wrap(other)
        return self._make(self.data + other.data, (self, other), (1.0, 0.0))


class ValueMulSwapped(ValueKahn):
    """Wrong: d(a * b)/da written as a instead of b."""

    def __mul__(self, other):
        other = self._wrap(other)
        return self._make(self.data * other.data, (self, other), (self.data, other.data))


class ValueNegSlope(ValueKahn):
    """Wrong: d(-a)/da = +1."""

    def __neg__(self):
        return self._make(-self.data, (self,), (1.0,))


class ValueExpSlope(ValueKahn):
    """Wrong: d(e^a)/da written as a."""

    def exp(self):
        return self._make(math.exp(self.data), (self,), (self.data,))


class ValueNoSeed(ValueKahn):
    """Wrong: backward() never sets the output's gradient to 1."""

    def backward(self):
        for node in self._order():
            node._backward()


class FakeValue(ValueKahn):
    """Wrong (fake): the forward values, but backward() just sets every gradient to 1."""

    def backward(self):
        for node in self._order():
            node.grad = 1.0


# ----------------------------------------------------------------------------- layers
def affine_forward_einsum(x, w, b):
    """Right: einsum, b broadcast explicitly."""
    return np.einsum("nd,dm->nm", x, w) + b[None, :], (x, w)


def affine_forward_tensordot(x, w, b):
    """Right: np.tensordot and np.add."""
    return np.add(np.tensordot(x, w, axes=(1, 0)), b), (x, w)


def affine_forward_float32(x, w, b):
    """Wrong: computed in float32."""
    return x.astype(np.float32) @ w.astype(np.float32) + b.astype(np.float32), (x, w)


def affine_forward_transposed(x, w, b):
    """Wrong: out shaped (M, N)."""
    return (x @ w + b).T, (x, w)


def fake_affine_forward(x, w, b):
    """Wrong (fake): zeros of the right shape."""
    return np.zeros((x.shape[0], w.shape[1])), (x, w)


def affine_forward_no_bias(x, w, b):
    """Wrong: forgets the bias."""
    return x @ w, (x, w)


def affine_backward_einsum(dout, cache):
    """Right: einsum."""
    x, w = cache
    return (
        np.einsum("nm,dm->nd", dout, w),
        np.einsum("nd,nm->dm", x, dout),
        np.einsum("nm->m", dout),
    )


def affine_backward_ones(dout, cache):
    """Right: db as a product with a vector of ones, np.dot for the rest."""
    x, w = cache
    return np.dot(dout, w.T), np.dot(x.T, dout), np.ones(len(dout)) @ dout


def affine_backward_db_keepdims(dout, cache):
    """Wrong: db of shape (1, M), not shaped like b."""
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0, keepdims=True)


def fake_affine_backward(dout, cache):
    """Wrong (fake): zeros shaped like x, w and b."""
    x, w = cache
    return np.zeros_like(x), np.zeros_like(w), np.zeros(w.shape[1])


def affine_backward_mean_bias(dout, cache):
    """Wrong: db averaged over the batch."""
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.mean(axis=0)


def affine_backward_scaled_dw(dout, cache):
    """Wrong: dw divided by the batch size."""
    x, w = cache
    return dout @ w.T, x.T @ dout / len(x), dout.sum(axis=0)


def relu_forward_mask(x):
    """Right: multiply by the mask."""
    return x * (x > 0), x


def relu_forward_clip(x):
    """Right: np.clip, the cache is the output (out > 0 exactly where x > 0)."""
    out = np.clip(x, 0.0, None)
    return out, out


def relu_forward_flattens(x):
    """Wrong: reshapes to (N, -1) as an affine layer would, so only 2-D inputs keep their shape."""
    flat = x.reshape(len(x), -1)
    return np.maximum(flat, 0.0), flat


def fake_relu_forward(x):
    """Wrong (fake): zeros of the right shape."""
    return np.zeros_like(x), x


def relu_forward_leaky(x):
    """Wrong: a leaky ReLU."""
    return np.where(x > 0, x, 0.01 * x), x


def relu_backward_where(dout, cache):
    """Right: np.where."""
    return np.where(cache > 0, dout, 0.0)


def relu_backward_heaviside(dout, cache):
    """Right: np.heaviside with 0 at exactly 0."""
    return dout * np.heaviside(cache, 0.0)


def fake_relu_backward(dout, cache):
    """Wrong (fake): zeros of the right shape."""
    return np.zeros_like(dout)


def relu_backward_at_zero(dout, cache):
    """Wrong: passes the gradient at exactly 0."""
    return dout * (cache >= 0)


def relu_backward_no_mask(dout, cache):
    """Wrong: passes every gradient."""
    return dout.copy()


def softmax_ce_scipy(scores, y):
    """Right: scipy.special.log_softmax."""
    log_p = log_softmax(scores, axis=1)
    one_hot = np.eye(scores.shape[1])[y]
    return float(-np.mean(log_p[np.arange(len(y)), y])), (np.exp(log_p) - one_hot) / len(y)


def softmax_ce_probabilities(scores, y):
    """Right: scipy's softmax, the log of the probabilities where they are representable (less precise),
    log_softmax only where they underflow; a NumPy float64 loss."""
    from scipy.special import softmax

    rows = np.arange(len(y))
    probs = softmax(scores, axis=1)
    picked = probs[rows, y]
    fallback = log_softmax(scores, axis=1)[rows, y]
    safe = picked > np.finfo(np.float64).tiny
    log_picked = np.log(picked, out=fallback.copy(), where=safe)
    probs[rows, y] -= 1.0
    return -log_picked.mean(), probs / len(y)


def softmax_ce_log_of_probability(scores, y):
    """Wrong: -log(p_y) even where p_y underflows to 0 (an infinite loss for large scores)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(len(y))
    with np.errstate(divide="ignore"):
        loss = float(-np.log(probs[rows, y]).mean())
    probs[rows, y] -= 1.0
    return loss, probs / len(y)


def softmax_ce_global_max(scores, y):
    """Wrong: subtracts the largest score of the batch, not each row's own maximum."""
    with np.errstate(all="ignore"):
        shifted = scores - scores.max()
        e = np.exp(shifted)
        probs = e / e.sum(axis=1, keepdims=True)
        rows = np.arange(len(y))
        loss = float(np.mean(np.log(e.sum(axis=1)) - shifted[rows, y]))
        probs[rows, y] -= 1.0
    return loss, probs / len(y)


def softmax_ce_summed_loss(scores, y):
    """Wrong: the loss summed over the samples, not the mean."""
    loss, d = softmax_ce_scipy(scores, y)
    return loss * len(y), d


def softmax_ce_loss_in_array(scores, y):
    """Wrong: the loss as an array of shape (1,)."""
    loss, d = softmax_ce_scipy(scores, y)
    return np.array([loss]), d


def fake_softmax_ce(scores, y):
    """Wrong (fake): ln(C) and zeros, whatever the scores."""
    return math.log(scores.shape[1]), np.zeros_like(scores)


def softmax_ce_unstable(scores, y):
    """Wrong: exp of the raw scores."""
    with np.errstate(all="ignore"):
        e = np.exp(scores)
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(-np.mean(np.log(p[np.arange(len(y)), y])))
        p[np.arange(len(y)), y] -= 1.0
    return loss, p / len(y)


def softmax_ce_summed_gradient(scores, y):
    """Wrong: gradient not divided by N."""
    loss, d = softmax_ce_scipy(scores, y)
    return loss, d * len(y)


# ----------------------------------------------------------------------------- network
class NetInline:
    """Right: the same network with its gradients written inline, no layer functions."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        rng = np.random.default_rng(seed)
        W1 = rng.standard_normal((n_in, n_hidden)) * weight_scale
        W2 = rng.standard_normal((n_hidden, n_out)) * weight_scale
        self.params = {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}

    def scores(self, X):
        p = self.params
        return np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, X, y):
        p = self.params
        pre = X @ p["W1"] + p["b1"]
        hidden = np.maximum(pre, 0)
        loss, dscores = softmax_ce_scipy(hidden @ p["W2"] + p["b2"], y)
        dpre = (dscores @ p["W2"].T) * (pre > 0)
        return loss, {
            "W1": X.T @ dpre,
            "b1": dpre.sum(0),
            "W2": hidden.T @ dscores,
            "b2": dscores.sum(0),
        }

    def predict(self, X):
        return self.scores(X).argmax(axis=1)


class NetW2First(NetInline):
    """Wrong: draws W2 before W1."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        rng = np.random.default_rng(seed)
        W2 = rng.normal(0.0, weight_scale, (n_hidden, n_out))
        W1 = rng.normal(0.0, weight_scale, (n_in, n_hidden))
        self.params = {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}


class NetNoReluGradient(NetInline):
    """Wrong: backpropagates through the ReLU as if it were the identity."""

    def loss(self, X, y):
        p = self.params
        hidden = np.maximum(X @ p["W1"] + p["b1"], 0)
        loss, dscores = softmax_ce_scipy(hidden @ p["W2"] + p["b2"], y)
        dpre = dscores @ p["W2"].T
        return loss, {
            "W1": X.T @ dpre,
            "b1": dpre.sum(0),
            "W2": hidden.T @ dscores,
            "b2": dscores.sum(0),
        }


class NetExtraGrads(NetInline):
    """Right: params built in another order, the ReLU mask from the hidden activations, and an extra
    "X" entry (the gradient with respect to the inputs) in grads."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        rng = np.random.default_rng(seed)
        W1 = rng.normal(0.0, weight_scale, size=(n_in, n_hidden))
        W2 = rng.normal(0.0, weight_scale, size=(n_hidden, n_out))
        self.params = {"b2": np.zeros(n_out), "W2": W2, "b1": np.zeros(n_hidden), "W1": W1}

    def loss(self, X, y):
        p = self.params
        hidden = np.maximum(X @ p["W1"] + p["b1"], 0)
        loss, dscores = softmax_ce_scipy(hidden @ p["W2"] + p["b2"], y)
        dpre = (dscores @ p["W2"].T) * (hidden > 0)
        grads = {
            "W2": hidden.T @ dscores,
            "b2": dscores.sum(0),
            "W1": X.T @ dpre,
            "b1": dpre.sum(0),
        }
        grads["X"] = dpre @ p["W1"].T
        return loss, grads


class NetCachedWeights(NetInline):
    """Wrong: copies the weights into attributes at init and reads those, not self.params."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        super().__init__(n_in, n_hidden, n_out, weight_scale, seed)
        self._weights = {name: value.copy() for name, value in self.params.items()}

    def _current(self):
        return self._weights

    def scores(self, X):
        p = self._current()
        return np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]

    def loss(self, X, y):
        saved = self.params
        self.params = self._current()
        try:
            return super().loss(X, y)
        finally:
            self.params = saved


class NetIgnoresScale(NetInline):
    """Wrong: weight_scale ignored (always 0.01)."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        super().__init__(n_in, n_hidden, n_out, 0.01, seed)


class NetRandomBiases(NetInline):
    """Wrong: biases drawn at random (after the weights), not zeros."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        rng = np.random.default_rng(seed)
        W1 = rng.normal(0.0, weight_scale, size=(n_in, n_hidden))
        W2 = rng.normal(0.0, weight_scale, size=(n_hidden, n_out))
        b1, b2 = rng.normal(0.0, weight_scale, n_hidden), rng.normal(0.0, weight_scale, n_out)
        self.params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


class NetScoresWithoutBias(NetInline):
    """Wrong: scores forgets b2 (the loss is right)."""

    def scores(self, X):
        p = self.params
        return np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"]


class NetFloat32(NetInline):
    """Wrong: float32 parameters."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        super().__init__(n_in, n_hidden, n_out, weight_scale, seed)
        self.params = {name: value.astype(np.float32) for name, value in self.params.items()}


class FakeNet(NetInline):
    """Wrong (fake): zero parameters, zero scores, a loss of ln(C) and zero gradients."""

    def __init__(self, n_in, n_hidden, n_out, weight_scale=0.01, seed=0):
        self.params = {
            "W1": np.zeros((n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": np.zeros((n_hidden, n_out)),
            "b2": np.zeros(n_out),
        }

    def scores(self, X):
        return np.zeros((len(X), self.params["b2"].shape[0]))

    def loss(self, X, y):
        return math.log(self.params["b2"].shape[0]), {
            k: np.zeros_like(v) for k, v in self.params.items()
        }


# ----------------------------------------------------------------------------- training
def train_other_recipe(X_train, y_train, seed):
    """Right: another recipe (100 hidden units, lr 0.3, batches of 64, 30 epochs, one generator)."""
    net = NetInline(X_train.shape[1], 100, 10, weight_scale=0.05, seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(30):
        order = rng.permutation(len(y_train))
        for start in range(0, len(order), 64):
            rows = order[start : start + 64]
            _, grads = net.loss(X_train[rows], y_train[rows])
            for name in net.params:
                net.params[name] = net.params[name] - 0.3 * grads[name]
    return net


def train_with_momentum(X_train, y_train, seed):
    """Right: SGD with momentum 0.9 (lr 0.05, batches of 50, 15 epochs); returns (net, losses, history)."""
    net = NetInline(X_train.shape[1], 48, 10, weight_scale=0.1, seed=seed)
    velocity = {name: np.zeros_like(value) for name, value in net.params.items()}
    rng, losses = np.random.default_rng(seed + 7), []
    for _ in range(15):
        order = rng.permutation(len(y_train))
        for start in range(0, len(order), 50):
            rows = order[start : start + 50]
            loss, grads = net.loss(X_train[rows], y_train[rows])
            for name in net.params:
                velocity[name] = 0.9 * velocity[name] - 0.05 * grads[name]
                net.params[name] += velocity[name]
            losses.append(loss)
    return net, losses, {"epochs": 15}


def train_under_trained(X_train, y_train, seed):
    """Wrong: one epoch at lr 0.05, far too little training to reach the stated accuracy."""
    net = NetInline(X_train.shape[1], 64, 10, weight_scale=0.1, seed=seed)
    order = np.random.default_rng(seed + 1).permutation(len(y_train))
    for start in range(0, len(order), 32):
        rows = order[start : start + 32]
        _, grads = net.loss(X_train[rows], y_train[rows])
        for name in net.params:
            net.params[name] -= 0.05 * grads[name]
    return net, []


def train_ignores_its_data(X_train, y_train, seed):
    """Wrong: trains on the digits it loads itself, ignoring X_train and y_train (a network trained
    once and reused)."""
    from course_lib import load_dataset

    digits = load_dataset("digits")
    return train_other_recipe(digits.X / 16.0, digits.y, seed)


class _NearestNeighbour(NetInline):
    """An untrained network whose predict looks up the nearest training image instead."""

    def __init__(self, X_train, y_train, seed):
        super().__init__(X_train.shape[1], 64, 10, weight_scale=0.1, seed=seed)
        self._X, self._y = X_train, y_train

    def predict(self, X):
        distances = ((X[:, None, :] - self._X[None, :, :]) ** 2).sum(axis=2)
        return self._y[np.argmin(distances, axis=1)]


def fake_train_two_layer(X_train, y_train, seed):
    """Wrong (fake): no training at all; predict answers by nearest neighbour (about 0.98 accuracy)."""
    return _NearestNeighbour(X_train, y_train, seed), []


def train_updates_a_copy(X_train, y_train, seed):
    """Wrong: updates local copies, the network never changes."""
    net = NetInline(X_train.shape[1], 64, 10, weight_scale=0.1, seed=seed)
    for epoch in range(5):
        order = np.random.default_rng(seed + 1 + epoch).permutation(len(y_train))
        for start in range(0, len(order), 32):
            rows = order[start : start + 32]
            _, grads = net.loss(X_train[rows], y_train[rows])
            for name, value in net.params.items():
                value = value - 0.5 * grads[name]
    return net, []


def train_gradient_ascent(X_train, y_train, seed):
    """Wrong: steps up the gradient."""
    net = NetInline(X_train.shape[1], 64, 10, weight_scale=0.1, seed=seed)
    for epoch in range(5):
        order = np.random.default_rng(seed + 1 + epoch).permutation(len(y_train))
        for start in range(0, len(order), 32):
            rows = order[start : start + 32]
            _, grads = net.loss(X_train[rows], y_train[rows])
            for name in net.params:
                net.params[name] += 0.5 * grads[name]
    return net, []


NET_ITEMS = ("TwoLayerNet", "TwoLayerNet.hidden")
NET_FORWARD = ("TwoLayerNet.scores", *NET_ITEMS)
INIT_ITEMS = ("TwoLayerNet.init", "TwoLayerNet.init.hidden")
VALUE_RANDOM = ("Value", "Value.hidden")
VALUE_ALL = (*VALUE_RANDOM, "Value.shared_nodes", "Value.edge_cases.hidden")
SOFTMAX_ITEMS = (
    "softmax_cross_entropy",
    "softmax_cross_entropy.stable",
    "softmax_cross_entropy.hidden",
)


def _layer(name: str) -> tuple[str, str]:
    return name, f"{name}.hidden"


WRONG = [
    Variant(
        "Value",
        ValueOverwrites,
        "gradients overwritten",
        breaks=(*VALUE_RANDOM, "Value.shared_nodes"),
    ),
    Variant(
        "Value",
        ValueDepthFirstBackward,
        "no topological order",
        breaks=(*VALUE_RANDOM, "Value.shared_nodes"),
    ),
    Variant(
        "Value",
        ValueTanhSlope,
        "tanh derivative 1 - t",
        breaks=(*VALUE_RANDOM, "Value.shared_nodes"),
    ),
    Variant("Value", ValueReluAtZero, "relu gradient at 0", breaks=("Value.edge_cases.hidden",)),
    Variant(
        "Value",
        ValuePowSlope,
        "pow derivative k a^k",
        breaks=(*VALUE_RANDOM, "Value.edge_cases.hidden"),
    ),
    Variant(
        "Value",
        ValueNoWrap,
        "numbers not wrapped",
        breaks=(*VALUE_RANDOM, "Value.edge_cases.hidden"),
    ),
    Variant("Value", ValueAddOneSide, "a + b passes the gradient to a only", breaks=VALUE_ALL),
    Variant("Value", ValueMulSwapped, "d(ab)/da = a", breaks=VALUE_ALL),
    Variant(
        "Value", ValueNegSlope, "d(-a)/da = +1", breaks=(*VALUE_RANDOM, "Value.edge_cases.hidden")
    ),
    Variant("Value", ValueExpSlope, "d(e^a)/da = a", breaks=(*VALUE_RANDOM, "Value.shared_nodes")),
    Variant("Value", ValueNoSeed, "output gradient never set to 1", breaks=VALUE_ALL),
    Variant("Value", FakeValue, "every gradient set to 1", breaks=VALUE_ALL),
    Variant(
        "affine_forward",
        affine_forward_no_bias,
        "no bias",
        breaks=_layer("affine_forward"),
    ),
    Variant("affine_forward", affine_forward_float32, "float32", breaks=_layer("affine_forward")),
    Variant(
        "affine_forward",
        affine_forward_transposed,
        "out shaped (M, N)",
        breaks=_layer("affine_forward"),
    ),
    Variant(
        "affine_forward",
        fake_affine_forward,
        "zeros",
        breaks=_layer("affine_forward"),
    ),
    Variant(
        "affine_backward",
        affine_backward_mean_bias,
        "db averaged",
        breaks=_layer("affine_backward"),
    ),
    Variant(
        "affine_backward",
        affine_backward_scaled_dw,
        "dw divided by N",
        breaks=_layer("affine_backward"),
    ),
    Variant(
        "affine_backward",
        affine_backward_db_keepdims,
        "db shaped (1, M)",
        breaks=_layer("affine_backward"),
    ),
    Variant(
        "affine_backward",
        fake_affine_backward,
        "zeros",
        breaks=_layer("affine_backward"),
    ),
    Variant("relu_forward", relu_forward_leaky, "leaky", breaks=_layer("relu_forward")),
    Variant(
        "relu_forward", relu_forward_flattens, "flattens to 2-D", breaks=("relu_forward.hidden",)
    ),
    Variant("relu_forward", fake_relu_forward, "zeros", breaks=_layer("relu_forward")),
    Variant(
        "relu_backward", relu_backward_at_zero, "gradient at 0", breaks=_layer("relu_backward")
    ),
    Variant(
        "relu_backward",
        relu_backward_no_mask,
        "no mask",
        breaks=_layer("relu_backward"),
    ),
    Variant("relu_backward", fake_relu_backward, "zeros", breaks=_layer("relu_backward")),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_unstable,
        "no max subtraction",
        breaks=("softmax_cross_entropy.stable", "softmax_cross_entropy.hidden"),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_global_max,
        "the batch's maximum, not each row's",
        breaks=("softmax_cross_entropy.stable",),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_log_of_probability,
        "log of a probability that underflows",
        breaks=("softmax_cross_entropy.stable",),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_summed_gradient,
        "gradient not divided by N",
        breaks=("softmax_cross_entropy", "softmax_cross_entropy.stable"),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_summed_loss,
        "loss summed, not averaged",
        breaks=("softmax_cross_entropy", "softmax_cross_entropy.stable"),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_loss_in_array,
        "loss as an array of shape (1,)",
        breaks=(
            "softmax_cross_entropy",
            "softmax_cross_entropy.stable",
            "softmax_cross_entropy.hidden",
        ),
    ),
    Variant("softmax_cross_entropy", fake_softmax_ce, "ln(C) and zeros", breaks=SOFTMAX_ITEMS),
    Variant("TwoLayerNet", NetW2First, "W2 drawn first", breaks=INIT_ITEMS),
    Variant("TwoLayerNet", NetIgnoresScale, "weight_scale ignored", breaks=INIT_ITEMS),
    Variant("TwoLayerNet", NetRandomBiases, "random biases", breaks=INIT_ITEMS),
    Variant("TwoLayerNet", NetFloat32, "float32 parameters", breaks=INIT_ITEMS),
    Variant("TwoLayerNet", NetNoReluGradient, "no ReLU in the backward pass", breaks=NET_ITEMS),
    Variant(
        "TwoLayerNet", NetCachedWeights, "weights not read from self.params", breaks=NET_FORWARD
    ),
    Variant(
        "TwoLayerNet", NetScoresWithoutBias, "scores without b2", breaks=("TwoLayerNet.scores",)
    ),
    Variant("TwoLayerNet", FakeNet, "zeros and ln(C)", breaks=(*INIT_ITEMS, *NET_FORWARD)),
    Variant("train_two_layer", train_updates_a_copy, "never updates the network"),
    Variant("train_two_layer", train_gradient_ascent, "gradient ascent"),
    Variant("train_two_layer", train_under_trained, "one epoch at lr 0.05"),
    Variant("train_two_layer", fake_train_two_layer, "no training, nearest-neighbour predict"),
    Variant(
        "train_two_layer",
        train_ignores_its_data,
        "trains on data of its own",
        breaks=("train_two_layer.hidden",),
    ),
]

RIGHT = [
    Variant("Value", ValueKahn, "Kahn's algorithm, tanh from exp"),
    Variant("Value", ValueIterative, "iterative depth-first search, children in a list"),
    Variant("affine_forward", affine_forward_einsum, "einsum"),
    Variant("affine_forward", affine_forward_tensordot, "tensordot"),
    Variant("affine_backward", affine_backward_einsum, "einsum"),
    Variant("affine_backward", affine_backward_ones, "np.dot, db from a vector of ones"),
    Variant("relu_forward", relu_forward_mask, "mask multiply"),
    Variant("relu_forward", relu_forward_clip, "np.clip, the output as cache"),
    Variant("relu_backward", relu_backward_where, "np.where"),
    Variant("relu_backward", relu_backward_heaviside, "np.heaviside"),
    Variant("softmax_cross_entropy", softmax_ce_scipy, "scipy log_softmax"),
    Variant(
        "softmax_cross_entropy", softmax_ce_probabilities, "log of the probabilities, NumPy float64"
    ),
    Variant("TwoLayerNet", NetInline, "inline gradients, standard_normal * scale"),
    Variant("TwoLayerNet", NetExtraGrads, "other key order, mask from the output, an extra key"),
    Variant("train_two_layer", train_other_recipe, "another recipe, returns the net alone"),
    Variant("train_two_layer", train_with_momentum, "momentum, returns three values"),
]
