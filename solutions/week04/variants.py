"""Week 4 variants: wrong answers that must lose points, right ones written differently that must not.

A variant replaces one name in the solution's namespace. The network's items
call the layer functions by name, so a wrong layer also breaks the network's
items; ``breaks`` lists the items each wrong variant must fail.
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


# ----------------------------------------------------------------------------- layers
def affine_forward_einsum(x, w, b):
    """Right: einsum, the cache as a dict."""
    return np.einsum("nd,dm->nm", x, w) + b[None, :], (x, w)


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


def relu_forward_leaky(x):
    """Wrong: a leaky ReLU."""
    return np.where(x > 0, x, 0.01 * x), x


def relu_backward_where(dout, cache):
    """Right: np.where."""
    return np.where(cache > 0, dout, 0.0)


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
VALUE_RANDOM = ("Value", "Value.hidden")

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
        "affine_forward",
        affine_forward_no_bias,
        "no bias",
        breaks=("affine_forward", "affine_forward.hidden", *NET_ITEMS),
    ),
    Variant(
        "affine_backward",
        affine_backward_mean_bias,
        "db averaged",
        breaks=("affine_backward", "affine_backward.hidden", *NET_ITEMS),
    ),
    Variant(
        "affine_backward",
        affine_backward_scaled_dw,
        "dw divided by N",
        breaks=("affine_backward", "affine_backward.hidden", *NET_ITEMS),
    ),
    Variant(
        "relu_forward",
        relu_forward_leaky,
        "leaky",
        breaks=("relu_forward", "relu_forward.hidden", *NET_ITEMS),
    ),
    Variant(
        "relu_backward",
        relu_backward_at_zero,
        "gradient at 0",
        breaks=("relu_backward", "relu_backward.hidden"),
    ),
    Variant(
        "relu_backward",
        relu_backward_no_mask,
        "no mask",
        breaks=("relu_backward", "relu_backward.hidden", *NET_ITEMS),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_unstable,
        "no max subtraction",
        breaks=("softmax_cross_entropy.stable", "softmax_cross_entropy.hidden"),
    ),
    Variant(
        "softmax_cross_entropy",
        softmax_ce_summed_gradient,
        "gradient not divided by N",
        breaks=(
            "softmax_cross_entropy",
            "softmax_cross_entropy.stable",
            *NET_ITEMS,
        ),
    ),
    Variant(
        "TwoLayerNet",
        NetW2First,
        "W2 drawn first",
        breaks=("TwoLayerNet.init", "TwoLayerNet.init.hidden"),
    ),
    Variant("TwoLayerNet", NetNoReluGradient, "no ReLU in the backward pass", breaks=NET_ITEMS),
    Variant("train_two_layer", train_updates_a_copy, "never updates the network"),
    Variant("train_two_layer", train_gradient_ascent, "gradient ascent"),
]

RIGHT = [
    Variant("Value", ValueKahn, "Kahn's algorithm, tanh from exp"),
    Variant("affine_forward", affine_forward_einsum, "einsum"),
    Variant("affine_backward", affine_backward_einsum, "einsum"),
    Variant("relu_forward", relu_forward_mask, "mask multiply"),
    Variant("relu_backward", relu_backward_where, "np.where"),
    Variant("softmax_cross_entropy", softmax_ce_scipy, "scipy log_softmax"),
    Variant("TwoLayerNet", NetInline, "inline gradients, standard_normal * scale"),
    Variant("train_two_layer", train_other_recipe, "another recipe, returns the net alone"),
]
