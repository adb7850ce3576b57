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
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


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


def number(value: Any) -> Any:
    """A returned scalar as a Python float when it is one (a 0-d tensor or numpy scalar included)."""
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    return float(value) if type(value) in (int, float) else to_numpy(value)


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
    """Two calls: the model in training mode (dropout active if not switched off), then in eval mode."""
    X, y = gaussian_batch(seed, 96, sizes[0], sizes[-1], scale)
    answers = []
    for training in (True, False):
        model = mlp(seed, sizes, dropout=dropout)
        model.train(training)
        report = ns["initial_loss_check"](model, X, y, sizes[-1])
        answers.append(
            {
                "expected": number(report["expected"])
                if isinstance(report, dict) and "expected" in report
                else None,
                "measured": number(report["measured"])
                if isinstance(report, dict) and "measured" in report
                else None,
                "training_after": bool(model.training),
            }
        )
    return answers


def check_initial_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref):
        return Outcome(0.0, 'initial_loss_check must return a dict with "expected" and "measured"')
    for answer, expected in zip(got, ref, strict=True):
        if (
            not isinstance(answer, dict)
            or answer.get("expected") is None
            or answer.get("measured") is None
        ):
            return Outcome(
                0.0, 'initial_loss_check must return a dict with "expected" and "measured" floats'
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
    returned = ns["init_output_bias"](layer, y, len(counts))
    bias = getattr(layer, "bias", None)
    return {
        "bias": to_numpy(bias) if hasattr(bias, "detach") else None,
        "bias_is_parameter": isinstance(bias, nn.Parameter),
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
    if got.get("bias_is_parameter") is not True:
        return Outcome(
            0.5,
            "the values are right, but layer.bias is no longer an nn.Parameter: copy into it in place under torch.no_grad()",
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
    X, y = dataset(data, 400, seed, **options)
    model = mlp(seed, sizes)
    losses = ns["overfit_single_batch"](model, X[:n], y[:n], steps, lr)
    if not isinstance(losses, list | tuple):
        return {"count": None, "sampled": to_numpy(losses)}
    # every 30th loss and the last one: enough to check, few numbers in the published references
    return {"count": len(losses), "sampled": [number(v) for v in [*losses[::30], *losses[-1:]]]}


def check_overfit(threshold: float) -> Check:
    """Same first loss as the reference (the loss at initialisation), final loss below ``threshold``."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        losses = got.get("sampled") if isinstance(got, dict) else None
        expected = ref["sampled"]
        if not isinstance(losses, list) or not all(type(v) is float for v in losses):
            return Outcome(
                0.0, "overfit_single_batch must return a list of floats (use loss.item())"
            )
        if got.get("count") != ref["count"]:
            return Outcome(
                0.0, f"expected one loss per step ({ref['count']} values), got {got.get('count')}"
            )
        if not all(math.isfinite(v) for v in losses):
            return Outcome(0.0, "some losses are NaN or infinite")
        # the first loss is the loss at initialisation: deterministic (right variant: 1.9e-7 relative)
        problem = _numbers_problem(losses[0], expected[0], 1e-4, 1e-6, reveal)
        if problem:
            return Outcome(
                0.0,
                f"first loss: {problem.message}; record each loss before its update, starting at initialisation",
                problem.detail,
            )
        if losses[-1] > threshold:
            return Outcome(
                0.0,
                f"the final loss is above {threshold:g}: the batch was not memorised (Adam, zero_grad every step)",
                f"final loss = {losses[-1]:.3g}",
            )
        return Outcome(1.0, f"the batch was memorised (final loss below {threshold:g})")

    return check


# ----------------------------------------------------------------------------- 4. batch independence
def probe_dependence(
    ns: dict[str, Any], *, seed: int, n: int, d: int, n_out: int
) -> dict[str, Any]:
    """The function on three models: clean, BatchNorm (handed over in eval mode!), view bug."""
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
        D = to_numpy(ns["batch_gradient_dependence"](model, X))
        answers[name] = {"D": D, "parameters": [before, flat_parameters(model)]}
    return answers


def check_dependence(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or set(got) != set(ref):
        return Outcome(0.0, "unexpected result")
    for name in ref:
        D, expected = got[name].get("D"), ref[name]["D"]
        if not isinstance(D, np.ndarray) or D.shape != expected.shape:
            return Outcome(
                0.0,
                f"{name}: expected an array of shape {expected.shape}, got {describe(D)}",
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
    **options: Any,
) -> dict[str, Any]:
    X, y = dataset(data, n_train + n_val, seed, **options)
    model = mlp(seed, sizes, dropout=dropout)
    logger = RecordingLogger()
    callbacks: list[Any] = []
    history = ns["train_with_history"](
        model, X[:n_train], y[:n_train], X[n_train:], y[n_train:],
        epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, logger=logger,
        on_epoch_end=lambda epoch, m: callbacks.append([epoch if type(epoch) is int else repr(epoch), m is model]),
    )  # fmt: skip
    return {
        "history": to_numpy(dict(history)) if isinstance(history, dict) else None,
        "logged": logger.calls,
        "callbacks": callbacks,
    }


def check_history(rtol: float, atol: float) -> Check:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        history = got.get("history") if isinstance(got, dict) else None
        if not isinstance(history, dict) or set(history) != set(HISTORY_KEYS):
            return Outcome(0.0, f"expected a dict with keys {list(HISTORY_KEYS)}")
        epochs = len(ref["history"]["train_loss"])
        for key in HISTORY_KEYS:
            values = history[key]
            if (
                not isinstance(values, list)
                or len(values) != epochs
                or not all(type(v) is float for v in values)
            ):
                return Outcome(0.0, f"{key}: expected a list of {epochs} floats, one per epoch")
        for key in HISTORY_KEYS:
            problem = _numbers_problem(history[key], ref["history"][key], rtol, atol, reveal)
            if problem:
                return Outcome(
                    0.0,
                    f"{key}: {problem.message}; check the batch order (randperm seeded with seed + epoch, consecutive batches) "
                    "and that the metrics are computed after the epoch in eval mode (dropout off)",
                    problem.detail,
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
            if not isinstance(metrics, dict) or set(metrics) != set(HISTORY_KEYS):
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
        if got.get("callbacks") != [[e, True] for e in range(epochs)]:
            return Outcome(
                0.75,
                "history and logging are right, but on_epoch_end(epoch, model) must be called once per epoch with the model",
            )
        return Outcome(1.0, "history, logging and callbacks match")

    return check


# ----------------------------------------------------------------------------- 6. activations and gradients
def probe_activations(
    ns: dict[str, Any], *, seed: int, sizes: tuple[int, ...], scale: float, relu_block: bool
) -> dict[str, Any]:
    """A nested model (names like "body.1") with tanh layers and, optionally, a ReLU that must be ignored."""
    import torch
    from torch import nn

    body = mlp(seed, sizes)
    with torch.no_grad():
        for parameter in body.parameters():
            if parameter.ndim == 2:
                parameter.mul_(scale)
    modules: dict[str, Any] = {"body": body}
    if relu_block:
        modules["head"] = nn.Sequential(nn.ReLU(), nn.Linear(sizes[-1], 2), nn.Tanh())
    model = nn.Sequential()
    for name, module in modules.items():
        model.add_module(name, module)
    X = torch.randn(40, sizes[0], generator=torch.Generator().manual_seed(seed + 1))
    result = ns["collect_activations"](model, X)
    hooks_left = sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())
    names = list(result) if isinstance(result, dict) else None
    return {
        "names": names,
        "values": to_numpy(dict(result)) if isinstance(result, dict) else None,
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
    # one deterministic forward pass in float32: 1e-5 relative (global-hook right variant: identical)
    problem = _numbers_problem(got["values"], ref["values"], 1e-5, 1e-7, reveal)
    if problem:
        return Outcome(
            0.0,
            f"{problem.message}; record each tanh's output (forward hook), not its input",
            problem.detail,
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
    """Gradients hold leftovers from an earlier backward: the student must zero them first."""
    import torch

    model = mlp(seed, sizes)
    X, y = gaussian_batch(seed, n, sizes[0], sizes[-1])
    for parameter in model.parameters():
        parameter.grad = torch.ones_like(parameter)
    before = flat_parameters(model)
    result = ns["collect_gradients"](model, X, y)
    names = list(result) if isinstance(result, dict) else None
    return {
        "names": names,
        "values": to_numpy(dict(result)) if isinstance(result, dict) else None,
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
    # deterministic backward pass: 1e-4 relative (autograd.grad right variant: identical; float64
    # recomputation differs by about 1e-7)
    problem = _numbers_problem(got["values"], ref["values"], 1e-4, 1e-8, reveal)
    if problem:
        return Outcome(
            0.0,
            f"{problem.message}; zero the gradients first and use the mean cross-entropy",
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
            {str(k): number(v) for k, v in ratios.items()}
            if isinstance(ratios, dict)
            else to_numpy(ratios)
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
            return Outcome(0.0, "each ratio must be a float (log10 of the ratio)")
        # log10 units; the update is a difference of float32 weights: 1e-3 absolute
        # (float64 numpy right variant: 3e-8 at most; the wrong variants are off by 0.1 or more)
        problem = _numbers_problem(answer, expected, 0.0, 1e-3, reveal)
        if problem:
            return Outcome(
                0.0,
                f"step {step + 1}: {problem.message}; measure W_after - W_before around optimizer.step(), then log10(std ratio)",
                problem.detail,
            )
    return Outcome(1.0, "update-to-data ratios match")


# ----------------------------------------------------------------------------- 8. learning-rate sweep
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
    return to_numpy(dict(results)) if isinstance(results, dict) else to_numpy(results)


# ----------------------------------------------------------------------------- 9. choosing the rate
def sweep_results(
    rates: list[float], train: list[float], val: list[float], test: list[float]
) -> dict[str, list[float]]:
    return {"learning_rates": rates, "train_loss": train, "val_loss": val, "test_loss": test}


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
    # a diverged run (NaN, listed first) must never be chosen
    sweep_results(
        [10.0, 0.01, 0.1], [math.nan, 0.5, 0.3], [math.nan, 0.6, 0.45], [math.nan, 0.6, 0.5]
    ),
]


def probe_choices(ns: dict[str, Any], cases: list[dict[str, list[float]]]) -> list[Any]:
    chosen = []
    for case in cases:
        lists = {k: list(v) for k, v in case.items()}
        chosen.append(attempt(lambda lists=lists: number(ns["choose_learning_rate"](lists))))
    return chosen


def check_choices(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref):
        return Outcome(0.0, "unexpected result")
    for index, (answer, expected) in enumerate(zip(got, ref, strict=True)):
        if "value" not in expected:
            if not checks.is_raise(answer, expected["raised"]):
                return Outcome(
                    0.0, f"case {index + 1}: every rate diverged, expected {expected['raised']}"
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
                f"case {index + 1}: a different learning rate was chosen "
                "(lowest finite validation loss; ties: smaller rate; never the test loss)",
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
        check=checks.close(rtol=1e-4, atol=1e-6),
        requires=("learning_rate_sweep", "train_with_history"),
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
