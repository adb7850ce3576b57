"""Week 4 grading spec (public items): a scalar autograd engine, layers, a two-layer network.

Probes only call the student's code and return what it returned; every graded number
is computed in the trusted process: gradients are compared with the reference's (never
with finite differences of the student's own loss), and the trained network's accuracy
is computed by the check from the returned weights, on validation digits it loads
itself. The rules each item exercises are listed in ``rules.py``.

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

SETTINGS = {"title": "Week 4: backpropagation"}

# Arrays are compared with the reference in float64: layers and the network's loss to 1e-9 relative,
# the network's gradients entry by entry to 1e-7 relative, with the *reference* gradients, never with
# finite differences of the student's own loss (they amplify its rounding). A missing ReLU mask or a
# gradient not divided by N is > 1e-2 off; correct codes (inline, einsum, scipy) agree to ~1e-15.
LAYER_TOL = {"rtol": 1e-9, "atol": 1e-12}
GRAD_TOL = {"rtol": 1e-7, "atol": 1e-10}
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
def keep_dtype(value: Any) -> Any:
    """(sandbox) A NumPy scalar as a 0-d array, so that its dtype survives the export."""
    return np.asarray(value) if isinstance(value, np.generic) else value


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
    """The cache comes from the student's own affine_forward (its format is the student's choice)."""
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


layer_check = checks.close(**LAYER_TOL, allow_float32=False)


def check_triple(names: tuple[str, ...]) -> Any:
    """Each returned array as the reference (float64, shaped like the reference)."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, list) or len(got) != len(names):
            return Outcome(
                0.0, f"expected {len(names)} results ({', '.join(names)}), got {describe(got)}"
            )
        for name, g, r in zip(names, got, ref, strict=True):
            outcome = layer_check(g, r, reveal)
            if not outcome.passed:
                return Outcome(0.0, f"{name}: {outcome.message}", outcome.detail)
        return Outcome(1.0, f"{', '.join(names)} match")

    return check


def probe_softmax_ce(ns: dict[str, Any], seed: int, n: int, c: int, scale: float) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    out = ns["softmax_cross_entropy"](scale * rng.normal(size=(n, c)), rng.integers(0, c, size=n))
    if not isinstance(out, tuple | list) or len(out) != 2:
        return {"pair": False, "n": n}
    return {"pair": True, "n": n, "loss": keep_dtype(out[0]), "dscores": out[1]}


def check_softmax_ce(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Half for the loss (a float64 number), half for dscores; a non-finite result is named by its cause."""
    if not isinstance(got, dict) or got.get("pair") is not True:
        return Outcome(0.0, "softmax_cross_entropy must return a pair (loss, dscores)")
    loss, dscores = got.get("loss"), got.get("dscores")
    if isinstance(loss, np.ndarray) and loss.shape == () and loss.dtype == np.float64:
        loss = float(loss)
    d_finite = isinstance(dscores, np.ndarray) and bool(np.isfinite(dscores).all())
    failed: list[Outcome] = []
    if type(loss) is not float:
        failed.append(
            Outcome(0.0, f"the loss must be a float64 number (float(loss)), got {describe(loss)}")
        )
    elif not math.isfinite(loss):
        failed.append(
            Outcome(
                0.0,
                "the loss is not finite and neither is dscores: exp overflowed, or every exp of a row "
                "underflowed; subtract each row's own maximum score before exp"
                if not d_finite
                else "the loss is not finite although dscores is: the log of a probability that "
                "underflowed to 0; compute log p_y from the scores, s_y - max - log(sum(exp(s - max)))",
            )
        )
    elif not (outcome := layer_check(loss, ref["loss"], reveal)).passed:
        summed = ref["n"] > 1 and math.isclose(loss, ref["n"] * ref["loss"], rel_tol=1e-9)
        failed.append(
            Outcome(0.0, "the loss is N times too large: the mean over the samples, not the sum")
            if summed
            else outcome.within("loss")
        )
    if isinstance(loss, float) and not math.isfinite(loss) and not d_finite:
        failed.append(Outcome(0.0))  # dscores fails for the reason the loss's message gives
    elif not (outcome := layer_check(dscores, ref["dscores"], reveal)).passed:
        summed = (
            ref["n"] > 1
            and isinstance(dscores, np.ndarray)
            and dscores.shape == ref["dscores"].shape
            and np.allclose(dscores, ref["n"] * ref["dscores"], **LAYER_TOL)
        )
        failed.append(
            Outcome(0.0, "dscores is N times too large: divide P - Y by N")
            if summed
            else outcome.within("dscores")
        )
    if not failed:
        return Outcome(1.0, "loss and dscores match")
    return Outcome(
        0.5 * (2 - len(failed)),
        "; ".join(o.message for o in failed if o.message),
        "; ".join(o.detail for o in failed if o.detail),
    )


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


def net_with(ns: dict[str, Any], params: dict[str, np.ndarray], seed: int) -> Any:
    """A student's network whose weights the grader then sets, as the text says it will."""
    d, h = params["W1"].shape
    net = ns["TwoLayerNet"](d, h, params["W2"].shape[1], weight_scale=0.5, seed=seed)
    for name in PARAMS:
        net.params[name] = params[name].copy()
    return net


def probe_net_loss(ns: dict[str, Any], seed: int, n: int, d: int, h: int, c: int) -> Any:
    """The student's loss and gradients at given weights: raw material, nothing else."""
    params, X, y = net_case(seed, n, d, h, c)
    loss, grads = net_with(ns, params, seed).loss(X, y)
    return {"loss": keep_dtype(loss), "grads": {name: grads[name] for name in PARAMS}}


def check_net_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Half for the loss, half for the four gradients, each against the reference's."""
    if not isinstance(got, dict) or not isinstance(got.get("grads"), dict):
        return Outcome(
            0.0, "loss(X, y) must return (loss, grads) with grads a dict keyed like params"
        )
    messages, earned = [], 0.0
    loss = got.get("loss")
    if isinstance(loss, np.ndarray) and loss.shape == ():
        loss = loss.item() if loss.dtype == np.float64 else loss
    outcome = layer_check(loss, ref["loss"], reveal)
    if outcome.passed:
        earned += 0.5
    else:
        messages.append(
            f"loss: {outcome.message} (the forward pass: your layers, and the weights read from self.params)"
        )
    gradients = checks.close(**GRAD_TOL, allow_float32=False)
    for name in PARAMS:
        outcome = gradients(got["grads"].get(name), ref["grads"][name], reveal)
        if not outcome.passed:
            messages.append(
                f"grads[{name!r}]: {outcome.message} (shaped like params[{name!r}], float64; the backward "
                "pass: dscores, then the layers' backward passes in reverse order, the ReLU mask from "
                "the hidden pre-activation)"
            )
            break
    else:
        earned += 0.5
    if not messages:
        return Outcome(1.0, "loss and every gradient match the reference")
    return Outcome(earned, "; ".join(messages))


def probe_net_scores(ns: dict[str, Any], seed: int, n: int, d: int, h: int, c: int) -> Any:
    params, X, _ = net_case(seed, n, d, h, c)
    return net_with(ns, params, seed).scores(X)


# ----------------------------------------------------------------------------- training
def validation_split(
    split_seed: int, n_train: int, pixels: int | None = None, relabel: int = 0
) -> tuple[np.ndarray, ...]:
    """(X_train, y_train, X_val, y_val) of the digits scaled to [0, 1], the pixels in the order of
    ``default_rng(pixels).permutation(64)`` (if given) and class c called (c + relabel) % 10: the
    trusted side builds the same split to score the returned weights."""
    from course_lib import load_dataset

    digits = load_dataset("digits")
    order = np.random.default_rng(split_seed).permutation(digits.n_samples)
    train_rows, val_rows = order[:n_train], order[n_train:]
    X, y = digits.X / 16.0, (digits.y + relabel) % 10
    if pixels is not None:
        X = X[:, np.random.default_rng(pixels).permutation(X.shape[1])]
    return X[train_rows], y[train_rows], X[val_rows], y[val_rows]


def probe_train(
    ns: dict[str, Any],
    split_seed: int,
    seed: int,
    n_train: int = 1300,
    pixels: int | None = None,
    relabel: int = 0,
) -> dict[str, Any]:
    """Trains with the global random state fixed first (the text fixes only the seed argument) and
    exports the trained weights; the check computes the predictions and the accuracy itself."""
    from course_lib import seed_everything

    X_train, y_train, _, _ = validation_split(split_seed, n_train, pixels, relabel)
    seed_everything(0)
    result = ns["train_two_layer"](X_train, y_train, seed)
    net = result[0] if isinstance(result, tuple | list) else result
    return {"params": {name: net.params[name] for name in PARAMS}}


def trusted_accuracy(params: Any, X: np.ndarray, y: np.ndarray) -> float | str:
    """The accuracy of relu(X @ W1 + b1) @ W2 + b2 on (X, y), or why the weights cannot be used."""
    if not isinstance(params, dict) or not all(
        isinstance(params.get(k), np.ndarray) for k in PARAMS
    ):
        return "net.params must hold the arrays W1, b1, W2 and b2"
    W1, b1, W2, b2 = (params[k].astype(np.float64) for k in PARAMS)
    h = W1.shape[1] if W1.ndim == 2 else -1
    if W1.shape != (X.shape[1], h) or b1.shape != (h,) or W2.shape != (h, 10) or b2.shape != (10,):
        return f"net.params must hold W1 ({X.shape[1]}, H), b1 (H,), W2 (H, 10) and b2 (10,)"
    if not all(np.isfinite(a).all() for a in (W1, b1, W2, b2)):
        return "the trained weights hold NaN or inf: is the learning rate too large?"
    scores = np.maximum(X @ W1 + b1, 0.0) @ W2 + b2
    return float(np.mean(np.argmax(scores, axis=1) == y))


def check_accuracy(
    threshold: float,
    split_seed: int,
    n_train: int = 1300,
    pixels: int | None = None,
    relabel: int = 0,
) -> Any:
    """The accuracy the trusted side computes from the returned weights on its own validation data."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        _, _, X_val, y_val = validation_split(split_seed, n_train, pixels, relabel)
        accuracy = trusted_accuracy(
            got.get("params") if isinstance(got, dict) else None, X_val, y_val
        )
        if isinstance(accuracy, str):
            return Outcome(0.0, accuracy)
        detail = f"validation accuracy {accuracy:.3f}"
        if accuracy >= threshold:
            return Outcome(1.0, f"validation accuracy >= {threshold}", detail)
        untouched = not got["params"]["b1"].any() and not got["params"]["b2"].any()
        cause = (
            "the biases are still zero, so the network was never updated: change net.params in place "
            "(net.params[name] -= lr * grads[name])"
            if untouched
            else "the weights changed but do not classify: is the step param -= lr * grad (a minus), "
            "are there enough epochs, and does TwoLayerNet pass its own items?"
        )
        return Outcome(0.0, f"validation accuracy below the required {threshold}: {cause}", detail)

    return check


# Validation accuracy of the reference recipe, 10 seeds each: split 0 (public) 0.956 .. 0.986 (mean 0.977),
# split 1 with pixels permuted by seed 5 and classes shifted by 3 (hidden) 0.966 .. 0.980 (mean 0.975).
# A net never updated scores about 0.1, one epoch at lr 0.05 about 0.91; the public reference's trained
# weights (shipped with the assignment) score 0.16 on the hidden split, so they cannot be reused there.
ACCURACY_THRESHOLD = 0.94
TRAIN_TIMEOUT = 60.0  # seconds, stated in the notebook; the reference trains in about 1 s
LAYERS = (
    "affine_forward",
    "affine_backward",
    "relu_forward",
    "relu_backward",
    "softmax_cross_entropy",
)


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
        check=layer_check,
        requires=("affine_forward",),
        hint="out = x @ w + b: (N, D) @ (D, M) + (M,), in float64.",
    ),
    Item(
        "affine_backward",
        1,
        probe=lambda ns: probe_affine_backward(ns, 1, 4, 5, 3),
        check=check_triple(("dx", "dw", "db")),
        # not `uses`: the cache's format is the student's choice, so the backward pass is probed with
        # the student's own forward (a wrong forward value does not reach it: the cache holds x and w)
        requires=("affine_backward", "affine_forward"),
        hint="dx = dout @ w.T, dw = x.T @ dout, db = dout summed over the batch (axis 0), shaped like x, w and b.",
    ),
    Item(
        "relu_forward",
        1,
        probe=lambda ns: probe_relu_forward(ns, 2, (4, 5)),
        check=layer_check,
        requires=("relu_forward",),
        hint="np.maximum(x, 0), elementwise, same shape.",
    ),
    Item(
        "relu_backward",
        1,
        probe=lambda ns: probe_relu_backward(ns, 3, (4, 5)),
        check=layer_check,
        requires=("relu_backward", "relu_forward"),  # not `uses`: the cache is the student's format
        hint="dx = dout where x > 0, and 0 where x <= 0 (also at exactly 0).",
    ),
    Item(
        "softmax_cross_entropy",
        1,
        probe=lambda ns: probe_softmax_ce(ns, 4, 6, 4, 1.0),
        check=check_softmax_ce,
        requires=("softmax_cross_entropy",),
        hint="loss = mean(-log p_y) as a float; dscores = (P - one_hot(y)) / N.",
    ),
    # scores of about +-2,000: exp overflows without the max subtraction, and true-class probabilities
    # underflow to 0 (their log is -inf): both stability rules are exercised
    Item(
        "softmax_cross_entropy.stable",
        1,
        probe=lambda ns: probe_softmax_ce(ns, 5, 6, 4, 800.0),
        check=check_softmax_ce,
        requires=("softmax_cross_entropy",),
        hint="subtract each row's maximum score before exp; log p_y from the scores, never log(p).",
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
        "TwoLayerNet.scores",
        1,
        probe=lambda ns: probe_net_scores(ns, 16, 5, 4, 6, 3),
        check=layer_check,
        requires=("TwoLayerNet", "affine_forward", "relu_forward"),
        uses=("affine_forward", "relu_forward"),
        hint="scores = relu(X @ W1 + b1) @ W2 + b2, with the weights read from self.params when scores is called.",
    ),
    Item(
        "TwoLayerNet",
        2,
        probe=lambda ns: probe_net_loss(ns, 6, 7, 5, 6, 3),
        check=check_net_loss,
        requires=("TwoLayerNet", *LAYERS),
        uses=LAYERS,
        hint="forward: affine, relu, affine, loss; backward: the loss's dscores, then the layers in reverse order (if the layers pass their own items).",
    ),
    Item(
        "train_two_layer",
        2,
        probe=lambda ns: probe_train(ns, split_seed=0, seed=0),
        check=check_accuracy(ACCURACY_THRESHOLD, split_seed=0),
        timeout=TRAIN_TIMEOUT,
        requires=("train_two_layer", "TwoLayerNet", *LAYERS),
        uses=("TwoLayerNet", *LAYERS),
        hint="update every parameter in place, net.params[name] -= lr * grads[name] (if TwoLayerNet passes its own items).",
    ),
]
