"""Week 4 grading spec (public items): a scalar autograd engine, layers, a two-layer network.

``Value`` is graded on random expression graphs built from a seed. The probe
builds each graph twice in the sandbox, with the student's ``Value`` and with
PyTorch in float64; the check compares the student's values and gradients with
the *reference's* PyTorch numbers, which were computed when the week was
released from the solution. The trusted process never imports torch and never
trusts the PyTorch numbers of a submission's own run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.messages import describe, expected_got
from course_lib.gradcheck import relative_error

SETTINGS = {"title": "Week 4: backpropagation"}

EPS = 1e-5
# ||analytic - numeric|| / (||analytic|| + ||numeric||) of the network's gradients on sampled coordinates:
# measured on the reference 1.8e-11 .. 1.4e-10 (public and hidden inputs); a missing ReLU mask or a gradient
# not divided by N gives > 1e-2.
GRADCHECK_TOL = 1e-7
VALUE_TOL = {"rtol": 1e-6, "atol": 1e-6}  # the 1e-6
# measured |reference Value - torch float64| over the 600 random graphs: values <= 7.1e-15, gradients <= 5.7e-14


# ----------------------------------------------------------------------------- random expression graphs
BINARY = ("add", "mul", "sub", "div")
UNARY = ("neg", "exp", "tanh", "relu", "pow", "radd", "rmul", "rsub", "rdiv")
OPS = BINARY + UNARY
SYMBOL = {"add": "+", "mul": "*", "sub": "-", "div": "/"}


def _simulate(kind: str, a: float, b: float, c: float, k: float) -> float | None:
    """The op on plain floats, or None where it would be ill-conditioned (the generator skips it)."""
    if kind == "add":
        return a + b
    if kind == "mul":
        return a * b
    if kind == "sub":
        return a - b
    if kind == "div":
        return a / b if abs(b) > 0.3 else None
    if kind == "neg":
        return -a
    if kind == "exp":
        return math.exp(a) if a < 3.0 else None
    if kind == "tanh":
        return math.tanh(a)
    if kind == "relu":
        return (
            max(a, 0.0) if abs(a) > 1e-3 or a == 0.0 else None
        )  # no kink within rounding distance
    if kind == "pow":
        if k in (0.5, 1.5) and a <= 0.1:
            return None
        if k == -1 and abs(a) <= 0.3:
            return None
        return a**k
    if kind == "radd":
        return c + a
    if kind == "rmul":
        return c * a
    if kind == "rsub":
        return c - a
    if kind == "rdiv":
        return c / a if abs(a) > 0.3 else None
    raise ValueError(kind)


def random_program(seed: int, n_inputs: int = 3, n_ops: int = 9) -> dict[str, Any]:
    """A random expression DAG: operands are drawn from *all* earlier nodes, so nodes get shared."""
    rng = random.Random(seed)
    inputs = [round(rng.uniform(-2.0, 2.0), 3) for _ in range(n_inputs)]
    values = list(inputs)
    ops: list[tuple[str, int, int, float, float]] = []
    while len(ops) < n_ops:
        kind = rng.choice(OPS)
        i, j = rng.randrange(len(values)), rng.randrange(len(values))
        c = round(rng.uniform(-2.0, 2.0), 2)
        k = rng.choice([2, 3, -1, 0.5, 1.5])
        value = _simulate(kind, values[i], values[j], c, k)
        if value is None or not math.isfinite(value) or abs(value) > 50.0:
            continue
        ops.append((kind, i, j, c, k))
        values.append(value)
    return {"inputs": inputs, "ops": ops}


def _apply(kind: str, a: Any, b: Any, c: float, k: float) -> Any:
    """The same code builds the graph from student Values and from torch tensors."""
    if kind == "add":
        return a + b
    if kind == "mul":
        return a * b
    if kind == "sub":
        return a - b
    if kind == "div":
        return a / b
    if kind == "neg":
        return -a
    if kind == "exp":
        return a.exp()
    if kind == "tanh":
        return a.tanh()
    if kind == "relu":
        return a.relu()
    if kind == "pow":
        return a**k
    if kind == "radd":
        return c + a
    if kind == "rmul":
        return c * a
    if kind == "rsub":
        return c - a
    return c / a  # rdiv


def _uses(op: tuple[str, int, int, float, float]) -> tuple[int, ...]:
    return (op[1], op[2]) if op[0] in BINARY else (op[1],)


def run_program(
    program: dict[str, Any], leaf: Any, data: Any, grad: Any
) -> tuple[list[float], list[float]]:
    """Build the graph with ``leaf`` (a Value or tensor factory), sum its sinks, backprop.

    Returns every node's value (the sum last) and every input's gradient.
    """
    inputs, ops = program["inputs"], program["ops"]
    nodes = [leaf(x) for x in inputs]
    for kind, i, j, c, k in ops:
        nodes.append(_apply(kind, nodes[i], nodes[j], c, k))
    used = {u for op in ops for u in _uses(op)}
    sinks = [nodes[t] for t in range(len(inputs), len(nodes)) if t not in used]
    out = sinks[0]
    for sink in sinks[1:]:
        out = out + sink
    out.backward()
    return [data(n) for n in [*nodes[len(inputs) :], out]], [grad(n) for n in nodes[: len(inputs)]]


def _torch_oracle(programs: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    import torch

    def leaf(x: float) -> Any:
        return torch.tensor(x, dtype=torch.float64, requires_grad=True)

    values, grads = [], []
    for program in programs:
        v, g = run_program(
            program, leaf, lambda n: n.item(), lambda n: 0.0 if n.grad is None else n.grad.item()
        )
        values += v
        grads += g
    return {"values": np.array(values), "grads": np.array(grads)}


def probe_value(ns: dict[str, Any], programs: list[dict[str, Any]]) -> dict[str, Any]:
    Value = ns["Value"]
    values: list[Any] = []
    grads: list[Any] = []
    for program in programs:
        v, g = run_program(program, Value, lambda n: n.data, lambda n: n.grad)
        values += v
        grads += g
    # the oracle is only *read* from the reference (the solution's release run), never from a submission
    return {
        "values": np.asarray(values, dtype=np.float64),
        "grads": np.asarray(grads, dtype=np.float64),
        "torch": _torch_oracle(programs),
    }


def _node_owners(programs: list[dict[str, Any]]) -> tuple[list[tuple[int, str]], list[int]]:
    """For each exported value: (graph, op that made it); for each gradient: its graph."""
    owners, grad_owners = [], []
    for g, program in enumerate(programs):
        owners += [(g, op[0]) for op in program["ops"]] + [(g, "sum of the sinks")]
        grad_owners += [g] * len(program["inputs"])
    return owners, grad_owners


def describe_program(program: dict[str, Any]) -> Iterator[str]:
    names = [f"x{i}" for i in range(len(program["inputs"]))]
    for kind, i, j, c, k in program["ops"]:
        a, b = names[i], names[j]
        text = {
            "neg": f"-{a}",
            "exp": f"{a}.exp()",
            "tanh": f"{a}.tanh()",
            "relu": f"{a}.relu()",
            "pow": f"{a}**{k}",
            "radd": f"{c} + {a}",
            "rmul": f"{c} * {a}",
            "rsub": f"{c} - {a}",
            "rdiv": f"{c} / {a}",
        }.get(kind, f"{a} {SYMBOL.get(kind, '?')} {b}")
        names.append(f"n{len(names)}")
        yield f"{names[-1]} = {text}"


def check_value(programs: list[dict[str, Any]]) -> Any:
    """Half for the forward values, half for the input gradients, both against PyTorch (float64)."""
    owners, grad_owners = _node_owners(programs)

    def first_bad(got: Any, expected: np.ndarray) -> int | str | None:
        if not isinstance(got, np.ndarray) or got.shape != expected.shape:
            return "shape"
        bad = ~np.isclose(got, expected, **VALUE_TOL)
        return int(np.argmax(bad)) if bad.any() else None

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, "unexpected result")
        oracle, n_graphs = ref["torch"], len(programs)
        messages, details, earned = [], [], 0.0
        bad = first_bad(got.get("values"), oracle["values"])
        if bad == "shape":
            messages.append("values: not one number per node")
        elif bad is not None:
            graph, op = owners[bad]
            count = len(
                {
                    owners[i][0]
                    for i in np.flatnonzero(
                        ~np.isclose(got["values"], oracle["values"], **VALUE_TOL)
                    )
                }
            )
            messages.append(
                f"forward values wrong in {count} of {n_graphs} graphs; first at a node made by {op!r}"
            )
            details.append(
                f"{expected_got(float(oracle['values'][bad]), float(got['values'][bad]))} for "
                + "; ".join(describe_program(programs[graph]))
            )
        else:
            earned += 0.5
        bad = first_bad(got.get("grads"), oracle["grads"])
        if bad == "shape":
            messages.append("gradients: not one number per input")
        elif bad is not None:
            graph = grad_owners[bad]
            wrong = np.flatnonzero(~np.isclose(got["grads"], oracle["grads"], **VALUE_TOL))
            count = len({grad_owners[i] for i in wrong})
            ops = sorted({op[0] for op in programs[graph]["ops"]})
            messages.append(
                f"input gradients wrong in {count} of {n_graphs} graphs (the first uses {', '.join(ops)})"
            )
            details.append(
                f"{expected_got(float(oracle['grads'][bad]), float(got['grads'][bad]))} in "
                + "; ".join(describe_program(programs[graph]))
            )
        else:
            earned += 0.5
        if earned == 1.0:
            return Outcome(1.0, f"values and gradients match PyTorch on all {n_graphs} graphs")
        return Outcome(earned, " | ".join(messages), " | ".join(details))

    return check


PUBLIC_PROGRAMS = [random_program(seed) for seed in range(300)]


def shared_programs() -> list[dict[str, Any]]:
    """Hand-made graphs where order and accumulation matter."""
    chain = [("tanh", 2, 2, 0.0, 0.0)] + [
        (("mul", "add", "tanh")[t % 3], 2 + t, 2 + t if t % 3 != 1 else 1, 0.0, 0.0)
        for t in range(1, 60)
    ]
    return [
        {"inputs": [1.3], "ops": [("mul", 0, 0, 0.0, 0.0)]},  # a * a
        {
            "inputs": [0.8, -0.4],
            "ops": [("add", 0, 1, 0, 0), ("sub", 0, 1, 0, 0), ("mul", 2, 3, 0, 0)],
        },
        {
            "inputs": [0.5],
            "ops": [
                ("tanh", 0, 0, 0, 0),
                ("mul", 1, 1, 0, 0),
                ("exp", 1, 1, 0, 0),
                ("add", 2, 3, 0, 0),
            ],
        },
        {"inputs": [0.9, -1.1, 0.3], "ops": chain},
    ]


SHARED_PROGRAMS = shared_programs()


# ----------------------------------------------------------------------------- layers
def layer_data(seed: int, n: int, d: int, m: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(n, d)),
        "w": rng.normal(size=(d, m)),
        "b": rng.normal(size=m),
        "dout": rng.normal(size=(n, m)),
    }


def probe_affine_forward(ns: dict[str, Any], seed: int, n: int, d: int, m: int) -> Any:
    data = layer_data(seed, n, d, m)
    return ns["affine_forward"](data["x"], data["w"], data["b"])[0]


def probe_affine_backward(ns: dict[str, Any], seed: int, n: int, d: int, m: int) -> list[Any]:
    data = layer_data(seed, n, d, m)
    _, cache = ns["affine_forward"](data["x"], data["w"], data["b"])
    return list(ns["affine_backward"](data["dout"], cache))


def relu_input(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=shape)
    x.flat[::5] = 0.0  # exact zeros: ReLU passes no gradient there
    return x


def probe_relu_forward(ns: dict[str, Any], seed: int, shape: tuple[int, ...]) -> Any:
    return ns["relu_forward"](relu_input(seed, shape))[0]


def probe_relu_backward(ns: dict[str, Any], seed: int, shape: tuple[int, ...]) -> Any:
    x = relu_input(seed, shape)
    dout = np.random.default_rng(seed + 1).normal(size=shape)
    return ns["relu_backward"](dout, ns["relu_forward"](x)[1])


def probe_softmax_ce(ns: dict[str, Any], seed: int, n: int, c: int, scale: float) -> list[Any]:
    rng = np.random.default_rng(seed)
    return list(
        ns["softmax_cross_entropy"](scale * rng.normal(size=(n, c)), rng.integers(0, c, size=n))
    )


def check_triple(names: tuple[str, ...], rtol: float = 1e-9, atol: float = 1e-12) -> Any:
    numbers = checks.close(rtol=rtol, atol=atol)

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, list) or len(got) != len(names):
            return Outcome(
                0.0, f"expected {len(names)} results ({', '.join(names)}), got {describe(got)}"
            )
        for name, g, r in zip(names, got, ref, strict=True):
            outcome = numbers(g, r, reveal)
            if not outcome.passed:
                return Outcome(0.0, f"{name}: {outcome.message}", outcome.detail)
        return Outcome(1.0, f"{', '.join(names)} match")

    return check


# ----------------------------------------------------------------------------- two-layer network
PARAMS = ("W1", "b1", "W2", "b2")


def probe_net_init(
    ns: dict[str, Any], n_in: int, n_hidden: int, n_out: int, scale: float, seed: int
) -> Any:
    net = ns["TwoLayerNet"](n_in, n_hidden, n_out, weight_scale=scale, seed=seed)
    return {name: net.params[name] for name in PARAMS}


def net_case(
    seed: int, n: int, d: int, h: int, c: int
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(0, 0.5, (d, h)),
        "b1": rng.normal(0, 0.1, h),
        "W2": rng.normal(0, 0.5, (h, c)),
        "b2": rng.normal(0, 0.1, c),
    }
    return params, rng.normal(size=(n, d)), rng.integers(0, c, size=n)


def probe_net_loss(
    ns: dict[str, Any], seed: int, n: int, d: int, h: int, c: int, coords: int = 6
) -> Any:
    """The student's loss and gradients at given weights, and the student's loss at weights moved by +-EPS."""
    params, X, y = net_case(seed, n, d, h, c)
    net = ns["TwoLayerNet"](d, h, c, weight_scale=0.5, seed=seed)
    for name in PARAMS:
        net.params[name] = params[name].copy()
    loss, grads = net.loss(X, y)
    rng = np.random.default_rng(seed + 1)
    out: dict[str, Any] = {"loss": loss, "grads": {name: grads[name] for name in PARAMS}, "fd": {}}
    for name in PARAMS:
        picked = rng.choice(params[name].size, size=min(coords, params[name].size), replace=False)
        plus, minus = [], []
        for index in picked:
            for sign, into in ((1.0, plus), (-1.0, minus)):
                net.params[name] = params[name].copy()
                net.params[name].flat[index] += sign * EPS
                into.append(net.loss(X, y)[0])
        net.params[name] = params[name].copy()
        out["fd"][name] = {"coords": picked, "plus": plus, "minus": minus}
    return out


def check_net_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("grads"), dict):
        return Outcome(
            0.0, "loss(X, y) must return (loss, grads) with grads a dict keyed like params"
        )
    outcome = checks.close(rtol=1e-9, atol=1e-12)(got.get("loss"), ref["loss"], reveal)
    if not outcome.passed:
        return Outcome(
            0.0,
            f"loss: {outcome.message} (check the forward pass: your layers, and the weights read from self.params)",
            outcome.detail,
        )
    numbers = checks.close(rtol=1e-7, atol=1e-10, allow_float32=False)
    for name in PARAMS:
        grad = got["grads"].get(name)
        if not isinstance(grad, np.ndarray) or grad.shape != ref["grads"][name].shape:
            return Outcome(
                0.0,
                f"grads[{name!r}] must be an array shaped like params[{name!r}], got {describe(grad)}",
            )
        fd, ref_fd = got["fd"].get(name, {}), ref["fd"][name]
        try:
            numeric = (
                np.array(fd["plus"], dtype=np.float64) - np.array(fd["minus"], dtype=np.float64)
            ) / (2 * EPS)
        except (KeyError, TypeError, ValueError):
            return Outcome(0.0, f"the loss at perturbed {name} is not a number")
        error = relative_error(grad.astype(np.float64).reshape(-1)[ref_fd["coords"]], numeric)
        if not math.isfinite(error) or error >= GRADCHECK_TOL:
            return Outcome(
                0.0,
                f"grads[{name!r}] does not match finite differences of your own loss: relative error "
                f"{error:.1e}, needs < {GRADCHECK_TOL:g}",
            )
        outcome = numbers(grad, ref["grads"][name], reveal)
        if not outcome.passed:
            return Outcome(0.0, f"grads[{name!r}]: {outcome.message}", outcome.detail)
    return Outcome(1.0, "loss matches; every gradient passes the finite-difference check")


def probe_train(
    ns: dict[str, Any], split_seed: int, seed: int, n_train: int = 1300
) -> dict[str, Any]:
    from course_lib import load_dataset

    digits = load_dataset("digits")
    order = np.random.default_rng(split_seed).permutation(digits.n_samples)
    train_rows, val_rows = order[:n_train], order[n_train:]
    X = digits.X / 16.0
    result = ns["train_two_layer"](X[train_rows], digits.y[train_rows], seed)
    net = result[0] if isinstance(result, tuple | list) else result
    return {"predictions": net.predict(X[val_rows]), "labels": digits.y[val_rows]}


def check_accuracy(threshold: float) -> Any:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        predictions = got.get("predictions") if isinstance(got, dict) else None
        labels = ref["labels"]  # the trusted copy of the validation labels
        if not isinstance(predictions, np.ndarray) or predictions.shape != labels.shape:
            return Outcome(
                0.0,
                f"predict must return one class per validation sample, shape {labels.shape}, "
                f"got {describe(predictions)}",
            )
        accuracy = float(np.mean(predictions == labels))
        if accuracy >= threshold:
            return Outcome(1.0, f"validation accuracy {accuracy:.3f} (>= {threshold})")
        return Outcome(
            0.0,
            f"validation accuracy {accuracy:.3f}, needs >= {threshold}: does every step update "
            "self.params in place, with the right sign?",
        )

    return check


# Validation accuracy of the reference recipe, 10 seeds each: split 0 (public) 0.956 .. 0.986 (mean 0.977),
# split 1 (hidden) 0.968 .. 0.980. A net that is never updated scores about 0.1.
ACCURACY_THRESHOLD = 0.94


# ----------------------------------------------------------------------------- items
ITEMS = [
    Item(
        "Value",
        2,
        probe=lambda ns: probe_value(ns, PUBLIC_PROGRAMS),
        check=check_value(PUBLIC_PROGRAMS),
        requires=("Value",),
        timeout=60.0,
        hint="each _backward adds (+=) local derivative times out.grad; backward runs them in reverse topological order.",
    ),
    Item(
        "Value.shared_nodes",
        1,
        probe=lambda ns: probe_value(ns, SHARED_PROGRAMS),
        check=check_value(SHARED_PROGRAMS),
        requires=("Value",),
        timeout=60.0,
        hint="a node used twice gets two contributions (+=), and its _backward runs only after every user's.",
    ),
    Item(
        "affine_forward",
        1,
        probe=lambda ns: probe_affine_forward(ns, 0, 4, 5, 3),
        check=checks.close(rtol=1e-9, atol=1e-12),
        requires=("affine_forward",),
        hint="out = x @ w + b: (N, D) @ (D, M) + (M,).",
    ),
    Item(
        "affine_backward",
        1,
        probe=lambda ns: probe_affine_backward(ns, 1, 4, 5, 3),
        check=check_triple(("dx", "dw", "db")),
        requires=("affine_backward", "affine_forward"),
        hint="dx = dout @ w.T, dw = x.T @ dout, db = dout summed over the batch (axis 0).",
    ),
    Item(
        "relu_forward",
        1,
        probe=lambda ns: probe_relu_forward(ns, 2, (4, 5)),
        check=checks.close(rtol=1e-12, atol=0.0),
        requires=("relu_forward",),
        hint="np.maximum(x, 0), elementwise, same shape.",
    ),
    Item(
        "relu_backward",
        1,
        probe=lambda ns: probe_relu_backward(ns, 3, (4, 5)),
        check=checks.close(rtol=1e-12, atol=0.0),
        requires=("relu_backward", "relu_forward"),
        hint="dx = dout where x > 0, and 0 where x <= 0 (also at exactly 0).",
    ),
    Item(
        "softmax_cross_entropy",
        1,
        probe=lambda ns: probe_softmax_ce(ns, 4, 6, 4, 1.0),
        check=check_triple(("loss", "dscores")),
        requires=("softmax_cross_entropy",),
        hint="loss = mean(-log p_y); dscores = (P - one_hot(y)) / N.",
    ),
    Item(
        "softmax_cross_entropy.stable",
        1,
        probe=lambda ns: probe_softmax_ce(ns, 5, 6, 4, 800.0),
        check=check_triple(("loss", "dscores")),
        requires=("softmax_cross_entropy",),
        hint="subtract each row's maximum score before exp.",
    ),
    Item(
        "TwoLayerNet.init",
        1,
        probe=lambda ns: probe_net_init(ns, 5, 7, 3, 0.1, 3),
        check=checks.close(rtol=1e-12, atol=0.0, allow_float32=False),
        requires=("TwoLayerNet",),
        hint="rng = np.random.default_rng(seed); draw W1 first, then W2, with rng.normal(0.0, weight_scale, size); zero biases.",
    ),
    Item(
        "TwoLayerNet",
        2,
        probe=lambda ns: probe_net_loss(ns, 6, 7, 5, 6, 3),
        check=check_net_loss,
        requires=(
            "TwoLayerNet",
            "affine_forward",
            "affine_backward",
            "relu_forward",
            "relu_backward",
            "softmax_cross_entropy",
        ),
        hint="forward: affine, relu, affine, loss; backward: the loss's dscores, then the layers in reverse order.",
    ),
    Item(
        "train_two_layer",
        2,
        probe=lambda ns: probe_train(ns, split_seed=0, seed=0),
        check=check_accuracy(ACCURACY_THRESHOLD),
        timeout=60.0,
        requires=(
            "train_two_layer",
            "TwoLayerNet",
            "affine_forward",
            "affine_backward",
            "relu_forward",
            "relu_backward",
            "softmax_cross_entropy",
        ),
        hint="update every parameter in place: net.params[name] -= lr * grads[name].",
    ),
]
