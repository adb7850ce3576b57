"""Week 6 grading spec (public items): the recipe for training, as checks.

Probes build the models and data themselves (seeded), call the student's
function and return what it returned, converted to numpy/plain Python: loss
values, gradient matrices, logged rows, parameters before and after. Every
property (the zero pattern of a dependence matrix, a threshold on a loss, the
steps a logger saw) is computed by the checks, in the trusted process. torch is
imported inside the probes only, so the trusted process never needs it.

The hidden spec reuses these helpers (``from grading import ...``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.spec import Check, Item, Outcome, checks
from autograder.spec.messages import describe, expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 6: the recipe - debugging and visualising training"}


# ----------------------------------------------------------------------------- models and data (sandbox side)
def mlp(
    seed: int,
    sizes: tuple[int, ...],
    *,
    dropout: float = 0.0,
    batchnorm: bool = False,
    relu: bool = False,
) -> Any:
    """Linear, [BatchNorm,] Tanh (or ReLU), [Dropout,] ..., Linear; weights from ``seed``."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    layers: list[Any] = []
    for index, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(n_in, n_out))
        if index < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(n_out))
            layers.append(nn.ReLU() if relu else nn.Tanh())
            if dropout:
                layers.append(seeded_dropout(dropout, seed))
    return nn.Sequential(*layers)


def seeded_dropout(p: float, seed: int) -> Any:
    """Dropout whose masks come from its own generator, not from torch's global one.

    The notebook fixes the batch order and the initial weights, but not the global random state:
    a correct loop that draws from it (a DataLoader does, once per epoch) must get the same dropout
    masks as one that does not. The masks depend only on how many training forward passes ran.
    """
    import torch
    from torch import nn

    class Dropout(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.p = p
            self.generator = torch.Generator().manual_seed(seed)

        def forward(self, x: Any) -> Any:
            if not self.training:
                return x
            keep = torch.rand(x.shape, generator=self.generator) >= self.p
            return x * keep / (1.0 - self.p)

    return Dropout()


def transposed_with_view(seed: int, n_features: int, n_out: int) -> Any:
    """The planted bug: a feature-major (features, batch) matrix "transposed" with view."""
    from torch import nn

    class TransposedWithView(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = mlp(seed, (n_features, 12, n_out))

        def forward(self, x: Any) -> Any:
            feature_major = x.t().contiguous()
            return self.net(feature_major.view(x.shape[0], n_features))  # BUG: should be .t()

    return TransposedWithView()


def dataset(name: str, n: int, seed: int, **options: Any) -> tuple[Any, Any]:
    """(X float32, y int64) tensors of a course_lib data set, rows shuffled with ``seed``."""
    import torch

    from course_lib import load_dataset

    data = load_dataset(name, n_samples=n, seed=seed, **options)
    order = np.random.default_rng(seed).permutation(len(data.y))
    return torch.tensor(data.X[order], dtype=torch.float32), torch.tensor(
        data.y[order], dtype=torch.int64
    )


def gaussian_batch(
    seed: int, n: int, d: int, n_classes: int, scale: float = 1.0
) -> tuple[Any, Any]:
    import torch

    generator = torch.Generator().manual_seed(seed)
    X = scale * torch.randn(n, d, generator=generator)
    return X, torch.randint(0, n_classes, (n,), generator=generator)


def to_numpy(value: Any) -> Any:
    """Tensors to float64/int64 arrays, recursively through dicts and lists (values kept as they are)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return value.astype(np.float64) if value.dtype.kind == "f" else value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): to_numpy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_numpy(v) for v in value]
    return value


def kind(value: Any) -> str:
    """``"numpy.ndarray"``, ``"torch.Tensor"``, ``"float"``...: what a function returned, where the
    text says which (the exchange turns tensors into arrays, so the probe records it)."""
    if isinstance(value, float):  # a numpy float64 is a float too
        return "float"
    module = type(value).__module__.split(".")[0]
    return type(value).__name__ if module == "builtins" else f"{module}.{type(value).__name__}"


def watch_forwards(model: Any) -> list[dict[str, Any]]:
    """Record every forward pass of ``model``: its rows, the first input column (which rows they
    are), the mode and whether a graph was built. The record is what the checks read."""
    forwards: list[dict[str, Any]] = []

    def hook(module: Any, inputs: Any, output: Any) -> None:
        x = inputs[0]
        forwards.append(
            {
                "rows": int(x.shape[0]),
                "first": x[:, 0].detach().clone(),
                "training": bool(module.training),
                "graph": bool(getattr(output, "requires_grad", False)),
            }
        )

    model.register_forward_hook(hook)
    return forwards


class RecordingLogger:
    """A logger that remembers every ``log`` call (the probe returns what it saw)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def log(self, metrics: Any, step: Any = None) -> None:
        self.calls.append(
            {"step": step if type(step) is int else repr(step), "metrics": to_numpy(dict(metrics))}
        )

    def finish(self) -> None:
        pass


def flat_parameters(model: Any) -> np.ndarray:
    """Every parameter of ``model``, copied into one float64 vector (the check compares before/after)."""
    return np.concatenate(
        [p.detach().cpu().numpy().astype(np.float64).ravel() for p in model.parameters()]
    )


# ----------------------------------------------------------------------------- shared check helpers
def _parameters_changed(got: dict[str, Any]) -> bool:
    """True unless the probe saw identical parameter vectors before and after the call."""
    pair = got.get("parameters")
    if not isinstance(pair, list) or len(pair) != 2:
        return True
    before, after = pair
    return not (
        isinstance(before, np.ndarray)
        and isinstance(after, np.ndarray)
        and np.array_equal(before, after)
    )


def _numbers_problem(got: Any, ref: Any, rtol: float, atol: float, reveal: bool) -> Outcome | None:
    outcome = checks.close(rtol=rtol, atol=atol)(got, ref, reveal)
    return None if outcome.passed else outcome


# ----------------------------------------------------------------------------- 1. initial loss
def probe_initial_loss(
    ns: dict[str, Any], *, seed: int, sizes: tuple[int, ...], scale: float, dropout: float
) -> list[Any]:
    """Two calls: the model in training mode (dropout active if not switched off), then in eval
    mode; what was returned, the mode afterwards, and the forward passes the model saw."""
    X, y = gaussian_batch(seed, 96, sizes[0], sizes[-1], scale)
    answers = []
    for training in (True, False):
        model = mlp(seed, sizes, dropout=dropout)
        model.train(training)
        forwards = watch_forwards(model)
        report = ns["initial_loss_check"](model, X, y, sizes[-1])
        answers.append(
            {
                "expected": report.get("expected") if isinstance(report, dict) else None,
                "measured": report.get("measured") if isinstance(report, dict) else None,
                "training_after": bool(model.training),
                "forwards": [[f["training"], f["graph"]] for f in forwards],
            }
        )
    return answers


def check_initial_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref):
        return Outcome(0.0, 'initial_loss_check must return a dict with "expected" and "measured"')
    for answer, expected in zip(got, ref, strict=True):
        if not isinstance(answer, dict) or not all(
            type(answer.get(key)) is float for key in ("expected", "measured")
        ):
            return Outcome(
                0.0,
                'initial_loss_check must return a dict with "expected" and "measured" as Python'
                " floats (math.log(...), loss.item())",
            )
        # both are deterministic: 1e-5 relative accepts float64 or another reduction order
        # (solution vs the float64 right variant: 7e-8 relative at most)
        problem = _numbers_problem(answer["expected"], expected["expected"], 1e-5, 1e-7, reveal)
        if problem:
            return Outcome(
                0.0,
                f'"expected": {problem.message} (the natural log of the number of classes)',
                problem.detail,
            )
        problem = _numbers_problem(answer["measured"], expected["measured"], 1e-5, 1e-7, reveal)
        if problem:
            return Outcome(
                0.0,
                f'"measured": {problem.message} (measure in eval mode, dropout off, mean cross-entropy on logits)',
                problem.detail,
            )
        if any(graph for _, graph in answer.get("forwards") or []):
            return Outcome(
                0.5,
                "the numbers are right, but the forward pass built a graph: measure under torch.no_grad()",
            )
        if answer.get("training_after") != expected["training_after"]:
            mode = "training" if expected["training_after"] else "evaluation"
            return Outcome(
                0.5, f"the numbers are right, but the model must be back in {mode} mode afterwards"
            )
    return Outcome(1.0, "expected and measured initial loss match")


# ----------------------------------------------------------------------------- 2. output bias
def probe_output_bias(
    ns: dict[str, Any], *, seed: int, counts: list[int], n_in: int
) -> dict[str, Any]:
    import torch
    from torch import nn

    torch.manual_seed(seed)
    layer = nn.Linear(n_in, len(counts))
    labels = np.repeat(np.arange(len(counts)), counts)
    y = torch.tensor(np.random.default_rng(seed).permutation(labels), dtype=torch.int64)
    weight_before = layer.weight.detach().clone()
    original_bias = layer.bias
    returned = ns["init_output_bias"](layer, y, len(counts))
    bias = getattr(layer, "bias", None)
    return {
        "bias": to_numpy(bias) if hasattr(bias, "detach") else None,
        "bias_is_parameter": isinstance(bias, nn.Parameter),
        # in place: the same Parameter object (an optimizer made earlier still holds it), still a
        # leaf that requires gradients (no gradient was recorded while setting it)
        "same_parameter": bias is original_bias,
        "leaf_requiring_grad": bool(getattr(bias, "is_leaf", False))
        and bool(getattr(bias, "requires_grad", False)),
        "weight_before": to_numpy(weight_before),
        "weight_after": to_numpy(layer.weight),
        "returns_layer": returned is layer,
    }


def check_output_bias(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("bias"), np.ndarray):
        return Outcome(0.0, "layer.bias must still be a tensor after init_output_bias")
    bias, expected = got["bias"], ref["bias"]
    if bias.shape != expected.shape:
        return Outcome(0.0, f"expected a bias of shape {expected.shape}, got {bias.shape}")
    if not np.all(np.isfinite(bias)):
        return Outcome(
            0.0, "the bias holds NaN or infinite values: take the log of frequencies, not of zero"
        )
    # softmax ignores a constant shift, so compare the centred biases; float32 storage: atol 1e-5
    problem = _numbers_problem(bias - bias.mean(), expected - expected.mean(), 0.0, 1e-5, reveal)
    if problem:
        return Outcome(
            0.0,
            f"bias (up to a constant): {problem.message}; set bias[c] = ln(count_c / n)",
            problem.detail,
        )
    if not np.array_equal(got["weight_after"], got["weight_before"]):
        return Outcome(0.0, "the bias is right, but layer.weight changed: leave the weights alone")
    if not (
        got.get("bias_is_parameter") is True
        and got.get("same_parameter") is True
        and got.get("leaf_requiring_grad") is True
    ):
        return Outcome(
            0.5,
            "the values are right, but layer.bias must stay the same nn.Parameter, changed in place"
            " under torch.no_grad() (bias.copy_(...)), not replaced",
        )
    if got.get("returns_layer") is not True:
        return Outcome(0.5, "the bias is right, but the function must return the layer")
    return Outcome(1.0, "log-prior bias set")


# ----------------------------------------------------------------------------- 3. overfit one batch
def probe_overfit(
    ns: dict[str, Any],
    *,
    data: str,
    n: int,
    seed: int,
    sizes: tuple[int, ...],
    steps: int,
    lr: float,
    **options: Any,
) -> dict[str, Any]:
    """The losses the function reported, and the raw material to check them: the model's logits
    on the batch before the call and after it (the trusted side computes both losses itself)."""
    import torch

    X, y = dataset(data, 400, seed, **options)
    X, y = X[:n], y[:n]
    model = mlp(seed, sizes)
    with torch.no_grad():
        before = model(X)
    losses = ns["overfit_single_batch"](model, X, y, steps, lr)
    with torch.no_grad():
        after = model(X)
    reported = list(losses) if isinstance(losses, list | tuple) else None
    return {
        "labels": y,
        "logits_before": before,
        "logits_after": after,
        "count": len(reported) if reported is not None else None,
        # every reported loss must be a float; the first one is checked against the initial loss
        "kinds": sorted({kind(v) for v in reported}) if reported is not None else [kind(losses)],
        "first": reported[0] if reported else None,
        "finite": bool(all(isinstance(v, float) and math.isfinite(v) for v in reported))
        if reported is not None
        else False,
    }


def _mean_cross_entropy(logits: Any, labels: Any) -> float | None:
    """The mean cross-entropy, computed here in float64 from logits (the trusted side's number)."""
    if not isinstance(logits, np.ndarray) or logits.ndim != 2 or len(logits) != len(labels):
        return None
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_softmax[np.arange(len(labels)), labels].mean())


def check_overfit(threshold: float) -> Check:
    """The model itself must have memorised the batch: its loss after the call, computed here from
    its logits, below ``threshold``; the reported losses: one float per step, the first one the
    loss at initialisation (also computed here)."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, "the probe returned something unexpected")
        if got.get("count") is None or got.get("kinds") != ["float"]:
            return Outcome(
                0.0,
                "overfit_single_batch must return a list of Python floats (loss.item()),"
                f" got {got.get('kinds')}",
            )
        if got["count"] != ref["count"]:
            return Outcome(
                0.0, f"expected one loss per step ({ref['count']} values), got {got.get('count')}"
            )
        if not got.get("finite"):
            return Outcome(0.0, "some losses are NaN or infinite")
        labels = ref["labels"]
        initial = _mean_cross_entropy(ref["logits_before"], labels)
        final = _mean_cross_entropy(got.get("logits_after"), labels)
        if final is None:
            return Outcome(0.0, "the model no longer maps the batch to (n, C) logits")
        if not math.isfinite(final) or final > threshold:
            return Outcome(
                0.0,
                f"the model did not memorise the batch: its loss after the call is above {threshold:g}"
                " (Adam at the given lr, gradients zeroed every step, the whole batch each step)",
                f"loss measured on the returned model = {final:.3g}",
            )
        # the first loss is the loss at initialisation: deterministic (right variant: 1.9e-7 relative)
        problem = _numbers_problem(got["first"], initial, 1e-4, 1e-6, reveal)
        if problem:
            return Outcome(
                0.0,
                f"first reported loss: {problem.message}; record each loss before its update,"
                " starting at initialisation",
                problem.detail,
            )
        return Outcome(1.0, f"the batch was memorised (loss measured below {threshold:g})")

    return check


# ----------------------------------------------------------------------------- 4. batch independence
def probe_dependence(
    ns: dict[str, Any], *, seed: int, n: int, d: int, n_out: int
) -> dict[str, Any]:
    """The function on three models: clean, BatchNorm (handed over in eval mode!), view bug; the
    type and dtype of what came back, and whether the caller's X was left as it was."""
    import torch

    X = torch.randn(n, d, generator=torch.Generator().manual_seed(seed))
    batchnorm = mlp(seed, (d, 12, n_out), batchnorm=True)
    batchnorm.eval()  # the student must switch to training mode, where batch statistics mix samples
    models = {
        "MLP": mlp(seed, (d, 12, 12, n_out)),
        "BatchNorm": batchnorm,
        "view bug": transposed_with_view(seed, d, n_out),
    }
    answers = {}
    for name, model in models.items():
        before = flat_parameters(model)
        D = ns["batch_gradient_dependence"](model, X)
        answers[name] = {
            "D": to_numpy(D),
            "kind": kind(D),
            "dtype": str(getattr(D, "dtype", "")),
            "parameters": [before, flat_parameters(model)],
        }
    answers["X untouched"] = not X.requires_grad and X.grad is None
    return answers


def check_dependence(got: Any, ref: Any, reveal: bool) -> Outcome:
    names = [name for name in ref if name != "X untouched"]
    if not isinstance(got, dict) or not all(isinstance(got.get(name), dict) for name in names):
        return Outcome(0.0, "unexpected result")
    for name in names:
        D, expected = got[name].get("D"), ref[name]["D"]
        if not isinstance(D, np.ndarray) or D.shape != expected.shape:
            return Outcome(
                0.0,
                f"{name}: expected an array of shape {expected.shape}, got {describe(D)}",
            )
        if got[name].get("kind") != "numpy.ndarray" or got[name].get("dtype") != "float64":
            return Outcome(
                0.0,
                f"{name}: D must be a float64 numpy array, got a {got[name].get('kind')}"
                f" of dtype {got[name].get('dtype')}",
            )
        off = ~np.eye(len(expected), dtype=bool)
        if (D < 0).any():
            return Outcome(
                0.0,
                f"{name}: D has negative entries: sum the absolute values of the input gradient",
            )
        pattern, expected_pattern = D > 1e-12, expected > 1e-12
        if not np.array_equal(pattern, expected_pattern):
            if not expected_pattern[off].any():
                return Outcome(
                    0.0,
                    f"{name}: this model is batch-independent, but your matrix has non-zero off-diagonal entries "
                    "(backprop from sample i's output only, one backward per sample)",
                )
            if not pattern[off].any():
                return Outcome(
                    0.0,
                    f"{name}: samples do depend on each other here, but your matrix is diagonal (call model.train() first)",
                )
            return Outcome(
                0.0,
                f"{name}: {int((pattern != expected_pattern).sum())} entries are zero where they should not be, or the reverse",
            )
        # deterministic gradients: the Jacobian right variant differs by 2.4e-7 absolute at most,
        # 1e-3 relative on entries near zero; tolerance 1e-4 relative + 1e-6 absolute
        problem = _numbers_problem(D, expected, 1e-4, 1e-6, reveal)
        if problem:
            return Outcome(
                0.5,
                f"{name}: the zero pattern is right, values differ ({problem.message}); sum |gradient| over each input row",
                problem.detail,
            )
        if _parameters_changed(got[name]):
            return Outcome(
                0.5,
                f"{name}: the matrix is right, but the model's parameters changed: do not take an optimiser step",
            )
    if got.get("X untouched") is not True:
        return Outcome(
            0.5,
            "the matrices are right, but the caller's X now requires gradients (or holds one):"
            " work on a fresh copy, X.detach().clone().requires_grad_(True)",
        )
    return Outcome(
        1.0, "dependence matrices match (clean model diagonal, BatchNorm and view bug caught)"
    )


# ----------------------------------------------------------------------------- 5. training loop with history
HISTORY_KEYS = ("train_loss", "val_loss", "train_acc", "val_acc")


def probe_history(
    ns: dict[str, Any],
    *,
    data: str,
    seed: int,
    sizes: tuple[int, ...],
    n_train: int,
    n_val: int,
    epochs: int,
    lr: float,
    batch_size: int,
    dropout: float,
    given_in_eval: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """The history, what the logger and the callback saw, and every forward pass of the model
    (rows, first input column, mode, graph). The model's dropout draws from its own generator, so
    the numbers do not depend on torch's global random state, which the notebook does not fix.
    ``given_in_eval`` hands the model over in evaluation mode: "the model is in training mode
    while it learns" holds from the first batch only if the loop switches to it itself."""
    import torch

    X, y = dataset(data, n_train + n_val, seed, **options)
    model = mlp(seed, sizes, dropout=dropout)
    if given_in_eval:
        model.eval()
    forwards = watch_forwards(model)
    logger = RecordingLogger()
    callbacks: list[Any] = []

    def on_epoch_end(epoch: Any, m: Any) -> None:
        callbacks.append([epoch if type(epoch) is int else repr(epoch), m is model, m.training])

    history = ns["train_with_history"](
        model, X[:n_train], y[:n_train], X[n_train:], y[n_train:],
        epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, logger=logger,
        on_epoch_end=on_epoch_end,
    )  # fmt: skip
    return {
        "history": to_numpy(dict(history)) if isinstance(history, dict) else None,
        "logged": logger.calls,
        "callbacks": callbacks,
        "batch_size": batch_size,
        "forwards": [[f["rows"], f["training"], f["graph"]] for f in forwards],
        "firsts": torch.cat([f["first"] for f in forwards]) if forwards else [],
    }


def _training_passes(got: dict[str, Any]) -> list[tuple[int, Any]]:
    """(rows, first-column values) of each forward pass on a training batch (at most batch_size rows)."""
    forwards, firsts = got.get("forwards") or [], got.get("firsts")
    if not isinstance(firsts, np.ndarray):
        return []
    passes, start = [], 0
    for rows, _, _ in forwards:
        if rows <= got["batch_size"]:
            passes.append((rows, firsts[start : start + rows]))
        start += rows
    return passes


def _batch_order_problem(got: dict[str, Any], ref: dict[str, Any]) -> str | None:
    """The first training batch that is not the one the batch-order rule gives, named."""
    expected, seen = _training_passes(ref), _training_passes(got)
    per_epoch = len(expected) // max(len(ref["history"]["train_loss"]), 1)
    for index, (want, have) in enumerate(zip(expected, seen, strict=False)):
        if want[0] != have[0] or not np.array_equal(want[1], have[1]):
            epoch, batch = divmod(index, max(per_epoch, 1))
            return (
                f"epoch {epoch} (from 0), batch {batch + 1}: not the rows the batch-order rule gives"
                " (torch.randperm(n_train, generator=torch.Generator().manual_seed(seed + e)),"
                " consecutive slices of batch_size, the last one smaller)"
            )
    if len(seen) != len(expected):
        return f"expected {len(expected)} training batches in all, the model saw {len(seen)}"
    return None


def check_history(rtol: float, atol: float) -> Check:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        history = got.get("history") if isinstance(got, dict) else None
        if not isinstance(history, dict) or not set(HISTORY_KEYS) <= set(history):
            return Outcome(0.0, f"expected a dict with the keys {list(HISTORY_KEYS)}")
        epochs = len(ref["history"]["train_loss"])
        for key in HISTORY_KEYS:
            values = history[key]
            if (
                not isinstance(values, list)
                or len(values) != epochs
                or not all(type(v) is float for v in values)
            ):
                return Outcome(0.0, f"{key}: expected a list of {epochs} floats, one per epoch")
        forwards = got.get("forwards") or []
        learning = [f for f in forwards if f[0] <= got.get("batch_size", 0)]
        measuring = [f for f in forwards if f[0] > got.get("batch_size", 0)]
        if any(not training for _, training, _ in learning):
            return Outcome(
                0.0,
                "some training batches ran in evaluation mode: the model is in training mode while"
                " it learns (switch back with model.train() after each epoch's metrics)",
            )
        if any(training for _, training, _ in measuring):
            return Outcome(
                0.0,
                "the metrics were computed in training mode (dropout on): model.eval() after each"
                " epoch's updates",
            )
        for key in HISTORY_KEYS:
            problem = _numbers_problem(history[key], ref["history"][key], rtol, atol, reveal)
            if problem:
                cause = _batch_order_problem(got, ref) or (
                    "the batches are right: check the metrics (mean cross-entropy, fraction of"
                    " correct samples, on the whole training and validation sets) and that one"
                    " Adam optimizer serves the whole run"
                )
                return Outcome(0.0, f"{key}: {problem.message}; {cause}", problem.detail)
        if any(graph for _, _, graph in measuring):
            return Outcome(
                0.5,
                "the history is right, but the metrics built a graph: compute them under torch.no_grad()",
            )
        logged = got.get("logged")
        if not isinstance(logged, list) or len(logged) != epochs:
            return Outcome(
                0.5,
                f"the history is right, but logger.log should be called once per epoch ({epochs} times), got {len(logged) if isinstance(logged, list) else 0}",
            )
        for epoch, call in enumerate(logged):
            if call.get("step") != epoch:
                return Outcome(
                    0.5,
                    f"the history is right, but call {epoch} of logger.log used step={call.get('step')!r}; expected step={epoch}",
                )
            metrics = call.get("metrics")
            if not isinstance(metrics, dict) or not set(HISTORY_KEYS) <= set(metrics):
                return Outcome(
                    0.5,
                    f"the history is right, but logger.log should receive the four metrics {list(HISTORY_KEYS)}",
                )
            if any(
                _numbers_problem(metrics[k], history[k][epoch], 1e-9, 1e-12, reveal)
                for k in HISTORY_KEYS
            ):
                return Outcome(
                    0.5,
                    f"the history is right, but the metrics logged at step {epoch} differ from the history",
                )
        callbacks = got.get("callbacks")
        if not isinstance(callbacks, list) or [c[:2] for c in callbacks] != [
            [e, True] for e in range(epochs)
        ]:
            return Outcome(
                0.75,
                "history and logging are right, but on_epoch_end(epoch, model) must be called once per epoch with the model",
            )
        if any(training for _, _, training in callbacks):
            return Outcome(
                0.75,
                "history and logging are right, but on_epoch_end must run before the switch back"
                " to training mode (the model is still in evaluation mode then)",
            )
        return Outcome(1.0, "history, logging and callbacks match")

    return check


# ----------------------------------------------------------------------------- 6. activations and gradients
def probe_activations(
    ns: dict[str, Any], *, seed: int, sizes: tuple[int, ...], scale: float, relu_block: bool
) -> dict[str, Any]:
    """A nested model (names like "body.1") with tanh layers and, optionally, a ReLU that must be
    ignored; how many forward passes it ran (with or without gradients) and the hooks left on it."""
    import torch
    from torch import nn

    passes: list[bool] = []

    class Watched(nn.Sequential):
        def forward(self, x: Any) -> Any:
            passes.append(torch.is_grad_enabled())
            return super().forward(x)

    body = mlp(seed, sizes)
    with torch.no_grad():
        for parameter in body.parameters():
            if parameter.ndim == 2:
                parameter.mul_(scale)
    modules: dict[str, Any] = {"body": body}
    if relu_block:
        modules["head"] = nn.Sequential(nn.ReLU(), nn.Linear(sizes[-1], 2), nn.Tanh())
    model = Watched()
    for name, module in modules.items():
        model.add_module(name, module)
    X = torch.randn(40, sizes[0], generator=torch.Generator().manual_seed(seed + 1))
    global_hooks = len(torch.nn.modules.module._global_forward_hooks)
    result = ns["collect_activations"](model, X)
    hooks_left = sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())
    hooks_left += len(torch.nn.modules.module._global_forward_hooks) - global_hooks
    names = list(result) if isinstance(result, dict) else None
    return {
        "names": names,
        "values": to_numpy(dict(result)) if isinstance(result, dict) else None,
        "kinds": sorted({kind(v) for v in result.values()}) if isinstance(result, dict) else None,
        "passes": passes,
        "hooks_left": hooks_left,
    }


def check_activations(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or got.get("names") is None:
        return Outcome(0.0, "collect_activations must return a dict {module name: activations}")
    if got["names"] != ref["names"]:
        return Outcome(
            0.0,
            f"expected the nn.Tanh modules' names from named_modules(), in order "
            f"({len(ref['names'])} names, got {len(got['names'])})",
            expected_got(ref["names"], got["names"]),
        )
    if got.get("kinds") != ["numpy.ndarray"]:
        return Outcome(
            0.0, f"each activation must be a numpy array (.numpy()), got {got.get('kinds')}"
        )
    # one deterministic forward pass in float32: 1e-5 relative (global-hook right variant: identical)
    problem = _numbers_problem(got["values"], ref["values"], 1e-5, 1e-7, reveal)
    if problem:
        return Outcome(
            0.0,
            f"{problem.message}; record each tanh's output (forward hook), not its input",
            problem.detail,
        )
    if got.get("passes") != [False]:
        passes = got.get("passes") or []
        return Outcome(
            0.5,
            "the activations are right, but run exactly one forward pass, under torch.no_grad()"
            f" ({len(passes)} pass(es), {sum(bool(p) for p in passes)} with gradients)",
        )
    if got.get("hooks_left"):
        return Outcome(
            0.5,
            f"the activations are right, but {got['hooks_left']} hook(s) are left on the model: remove them",
        )
    return Outcome(1.0, "activations of every tanh layer match, hooks removed")


def probe_gradients(
    ns: dict[str, Any], *, seed: int, sizes: tuple[int, ...], n: int
) -> dict[str, Any]:
    """Gradients hold leftovers from an earlier backward: the student must zero them first. After
    the call the probe changes every .grad in place: a returned copy must not change with it."""
    import torch

    model = mlp(seed, sizes)
    X, y = gaussian_batch(seed, n, sizes[0], sizes[-1])
    for parameter in model.parameters():
        parameter.grad = torch.ones_like(parameter)
    before = flat_parameters(model)
    result = ns["collect_gradients"](model, X, y)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.grad is not None:
                parameter.grad.add_(1.0)
    names = list(result) if isinstance(result, dict) else None
    return {
        "names": names,
        "values": to_numpy(dict(result)) if isinstance(result, dict) else None,
        "kinds": sorted({kind(v) for v in result.values()}) if isinstance(result, dict) else None,
        "parameters": [before, flat_parameters(model)],
    }


def check_gradients(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or got.get("names") is None:
        return Outcome(0.0, "collect_gradients must return a dict {parameter name: gradient}")
    if sorted(got["names"]) != sorted(ref["names"]):
        return Outcome(
            0.0,
            "expected the weight matrices only (parameters with 2+ dimensions): "
            f"{len(ref['names'])} names, got {len(got['names'])}",
            expected_got(ref["names"], got["names"]),
        )
    if got.get("kinds") != ["numpy.ndarray"]:
        return Outcome(0.0, f"each gradient must be a numpy array, got {got.get('kinds')}")
    # deterministic backward pass: 1e-4 relative (autograd.grad right variant: identical; float64
    # recomputation differs by about 1e-7)
    problem = _numbers_problem(got["values"], ref["values"], 1e-4, 1e-8, reveal)
    if problem:
        return Outcome(
            0.0,
            f"{problem.message}; zero the gradients first, use the mean cross-entropy, and return"
            " copies (.numpy().copy()): .grad.numpy() shares memory with .grad and changes with it",
            problem.detail,
        )
    if _parameters_changed(got):
        return Outcome(
            0.5, "the gradients are right, but the parameters changed: do not take a step"
        )
    return Outcome(1.0, "weight gradients match")


# ----------------------------------------------------------------------------- 7. update-to-data ratio
def probe_update_ratios(
    ns: dict[str, Any], *, seed: int, sizes: tuple[int, ...], optimizer: str, lr: float, steps: int
) -> list[Any]:
    import torch

    model = mlp(seed, sizes)
    X, y = dataset("moons", 128, seed, noise=0.2)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    out = []
    for _ in range(steps):
        ratios = ns["update_to_data_ratios"](model, opt, X, y)
        out.append(
            {str(k): v for k, v in ratios.items()} if isinstance(ratios, dict) else kind(ratios)
        )
    return out


def check_update_ratios(got: Any, ref: Any, reveal: bool) -> Outcome:
    if (
        not isinstance(got, list)
        or len(got) != len(ref)
        or not all(isinstance(g, dict) for g in got)
    ):
        return Outcome(0.0, "update_to_data_ratios must return a dict {parameter name: float}")
    for step, (answer, expected) in enumerate(zip(got, ref, strict=True)):
        if sorted(answer) != sorted(expected):
            return Outcome(
                0.0,
                f"expected the weight matrices only (2+ dimensions): {len(expected)} names, got {len(answer)}",
                expected_got(sorted(expected), sorted(answer)),
            )
        if not all(type(v) is float for v in answer.values()):
            return Outcome(
                0.0,
                "each ratio must be a Python float (math.log10(... .item())), got"
                f" {sorted({describe(v) for v in answer.values()})}",
            )
        # log10 units; the update is a difference of float32 weights: 1e-3 absolute
        # (float64 numpy right variant: 3e-8 at most; the wrong variants are off by 0.1 or more)
        problem = _numbers_problem(answer, expected, 0.0, 1e-3, reveal)
        if problem:
            return Outcome(
                0.0,
                f"step {step + 1}: {problem.message}; zero the gradients, measure W_after - W_before"
                " around optimizer.step(), then log10(std ratio)",
                problem.detail,
            )
    return Outcome(1.0, "update-to-data ratios match")


# ----------------------------------------------------------------------------- 8. learning-rate sweep
SWEEP_KEYS = ("learning_rates", "train_loss", "val_loss")


def probe_sweep(
    ns: dict[str, Any],
    *,
    seed: int,
    sizes: tuple[int, ...],
    rates: list[float],
    epochs: int,
    batch_size: int,
) -> Any:
    X, y = dataset("moons", 150, seed, noise=0.25)
    results = ns["learning_rate_sweep"](
        lambda: mlp(seed, sizes), X[:100], y[:100], X[100:], y[100:], list(rates),
        epochs=epochs, batch_size=batch_size, seed=seed,
    )  # fmt: skip
    return to_numpy(dict(results)) if isinstance(results, dict) else kind(results)


def check_sweep(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Lists of floats, one per rate, in the order given (extra keys allowed), as the reference."""
    if not isinstance(got, dict) or not set(SWEEP_KEYS) <= set(got):
        return Outcome(
            0.0, f"learning_rate_sweep must return a dict with the keys {list(SWEEP_KEYS)}"
        )
    for key in SWEEP_KEYS:
        values = got[key]
        if not isinstance(values, list) or not all(type(v) is float for v in values):
            return Outcome(0.0, f"{key!r} must be a list of Python floats, one per rate")
    # deterministic (fresh seeded model per rate, the batch-order rule): 1e-4 relative as for
    # train_with_history
    outcome = checks.close(rtol=1e-4, atol=1e-6)({k: got[k] for k in SWEEP_KEYS}, ref, reveal)
    if not outcome.passed:
        return Outcome(
            0.0,
            f"{outcome.message} (a fresh make_model() per rate, the rates in the order given,"
            " the last epoch's losses)",
            outcome.detail,
        )
    return Outcome(1.0, "one fresh run per rate, last epoch's losses, in order")


# ----------------------------------------------------------------------------- 9. choosing the rate
def sweep_results(
    rates: list[float], train: list[float], val: list[float], test: list[float] | None = None
) -> dict[str, list[float]]:
    """A sweep's results; without ``test`` there is no "test_loss" key (it is optional)."""
    results = {"learning_rates": rates, "train_loss": train, "val_loss": val}
    return results if test is None else {**results, "test_loss": test}


PUBLIC_CHOICES = [
    # validation (0.01), test (0.1) and training (1.0) minima disagree: only the validation one is right
    sweep_results(
        [0.001, 0.01, 0.1, 1.0],
        [0.90, 0.40, 0.35, 0.05],
        [0.95, 0.42, 0.47, 0.80],
        [0.96, 0.50, 0.41, 0.85],
    ),
    # a tie on validation between 0.03 and 0.003 (listed in that order): the smaller rate wins
    sweep_results([0.03, 0.3, 0.003], [0.2, 0.1, 0.5], [0.35, 0.9, 0.35], [0.30, 0.9, 0.40]),
    # a tie between 0.001 and 0.01 listed the other way round (smaller first), and no test_loss:
    # with the case above, "first listed" and "last listed" each choose wrong once
    sweep_results([0.001, 0.1, 0.01], [0.6, 0.2, 0.3], [0.5, 0.7, 0.5]),
    # a diverged run (NaN, listed first) must never be chosen
    sweep_results(
        [10.0, 0.01, 0.1], [math.nan, 0.5, 0.3], [math.nan, 0.6, 0.45], [math.nan, 0.6, 0.5]
    ),
]


def probe_choices(ns: dict[str, Any], cases: list[dict[str, list[float]]]) -> list[Any]:
    chosen = []
    for case in cases:
        lists = {k: list(v) for k, v in case.items()}
        chosen.append(attempt(ns["choose_learning_rate"], lists))
    return chosen


def check_choices(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref):
        return Outcome(0.0, "unexpected result")
    for index, (answer, expected) in enumerate(zip(got, ref, strict=True)):
        if "value" not in expected:
            if not checks.is_raise(answer, expected["raised"]):
                return Outcome(
                    0.0,
                    f"case {index + 1}: every rate diverged: expected a {expected['raised']},"
                    f" but it {checks.what_happened(answer)}",
                )
            continue
        if "value" not in answer:
            return Outcome(
                0.0,
                f"case {index + 1}: {checks.what_happened(answer)} instead of returning a learning rate",
            )
        value = answer.get("value")
        if type(value) is not float:
            return Outcome(
                0.0,
                f"case {index + 1}: expected a float learning rate, got {describe(value)}",
            )
        if value != expected["value"]:
            return Outcome(
                0.0,
                f"case {index + 1}: a different learning rate was chosen (the lowest finite"
                " validation loss; on a tie the smaller rate, wherever it is listed; never the"
                " training or test loss)",
                expected_got(expected["value"], value),
            )
    return Outcome(1.0, "chosen on validation, ties and diverged runs handled")


# ----------------------------------------------------------------------------- public items
SPIRALS = {"noise": 0.2}

ITEMS = [
    Item(
        "initial_loss_check",
        1,
        probe=lambda ns: probe_initial_loss(
            ns, seed=3, sizes=(5, 32, 32, 4), scale=1.0, dropout=0.5
        ),
        check=check_initial_loss,
        requires=("initial_loss_check",),
        hint="the natural log (not log10) of the number of classes; measure with dropout off (eval mode) and put the model back in the mode it was in.",
    ),
    Item(
        "init_output_bias",
        1,
        probe=lambda ns: probe_output_bias(ns, seed=0, counts=[50, 30, 20], n_in=8),
        check=check_output_bias,
        requires=("init_output_bias",),
        hint="the bias is the logarithm of the class frequencies (not the frequencies), changed in place; the weights stay as they are.",
    ),
    Item(
        "overfit_single_batch",
        2,
        # 16 spiral points, 300 Adam steps at 1e-2 (this probe, seeds 0-9): final loss 4.8e-4 to 1.7e-3;
        # threshold 1e-2 (6x the worst seed). Plain SGD at the same rate ends at 0.61-0.68, no zero_grad at 1.5-6.3.
        probe=lambda ns: probe_overfit(
            ns, data="spirals", n=16, seed=0, sizes=(2, 32, 32, 2), steps=300, lr=1e-2, **SPIRALS
        ),
        check=check_overfit(threshold=1e-2),
        requires=("overfit_single_batch",),
        hint="Adam on the whole batch, gradients zeroed every step, and the loss recorded before its update (the first value is the loss at initialisation).",
        timeout=40.0,
    ),
    Item(
        "batch_gradient_dependence",
        2,
        probe=lambda ns: probe_dependence(ns, seed=0, n=6, d=4, n_out=2),
        check=check_dependence,
        requires=("batch_gradient_dependence",),
        hint="switch to training mode, backpropagate from sample i's outputs only (one backward per sample, fresh input copy), and sum absolute input gradients per row.",
    ),
    Item(
        "train_with_history",
        2,
        # deterministic given the batch-order rule; 1e-4 relative covers another (correct) way of computing
        # the loss or slicing the batches (torch.split/float64 right variant: 1.5e-7 relative at most)
        probe=lambda ns: probe_history(
            ns,
            data="moons",
            seed=1,
            sizes=(2, 16, 16, 2),
            n_train=120,
            n_val=60,
            epochs=6,
            lr=1e-2,
            batch_size=16,
            dropout=0.2,
            noise=0.25,
        ),
        check=check_history(rtol=1e-4, atol=1e-6),
        requires=("train_with_history",),
        hint="batch order from the seeded randperm of each epoch; metrics after the epoch in eval mode without gradients; one log call per epoch with step=epoch.",
        timeout=40.0,
    ),
    Item(
        "collect_activations",
        1,
        probe=lambda ns: probe_activations(
            ns, seed=2, sizes=(3, 8, 8, 4), scale=1.0, relu_block=True
        ),
        check=check_activations,
        requires=("collect_activations",),
        hint="hook the nn.Tanh modules (their outputs, not inputs), named as in named_modules(), and remove every hook afterwards.",
    ),
    Item(
        "collect_gradients",
        1,
        probe=lambda ns: probe_gradients(ns, seed=4, sizes=(3, 10, 10, 3), n=32),
        check=check_gradients,
        requires=("collect_gradients",),
        hint="zero the old gradients first, use the mean (not summed) loss, and keep only parameters with 2 or more dimensions.",
    ),
    Item(
        "update_to_data_ratios",
        1,
        probe=lambda ns: probe_update_ratios(
            ns, seed=5, sizes=(2, 16, 16, 2), optimizer="adam", lr=1e-2, steps=2
        ),
        check=check_update_ratios,
        requires=("update_to_data_ratios",),
        hint="measure the change the optimiser actually applied (with Adam it is not lr * grad), relative to the weights before the step, as a log10.",
    ),
    Item(
        "learning_rate_sweep",
        1,
        # deterministic (fresh seeded model per rate, the batch-order rule): 1e-4 relative as for train_with_history
        probe=lambda ns: probe_sweep(
            ns, seed=3, sizes=(2, 8, 2), rates=[1e-2, 1e-3, 1e-1], epochs=3, batch_size=20
        ),
        check=check_sweep,
        requires=("learning_rate_sweep", "train_with_history"),
        uses=("train_with_history",),
        hint="a fresh model for every rate, the rates in the order given, and the last epoch's losses (not the best epoch).",
        timeout=40.0,
    ),
    Item(
        "choose_learning_rate",
        1,
        probe=lambda ns: probe_choices(ns, PUBLIC_CHOICES),
        check=check_choices,
        requires=("choose_learning_rate",),
        hint="lowest finite validation loss; ties go to the smaller learning rate; the test loss is never used.",
    ),
]
