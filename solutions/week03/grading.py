"""Week 3 grading spec (public items): losses and gradients, mini-batches, GD vs SGD, accuracy vs loss.

Probes run in the sandbox and only call the student's code and return what it
returned; every verdict is computed by the checks in the trusted process, and
every graded number is compared with a number the reference computed (a
gradient with the reference gradient, never with finite differences of the
student's own loss, which amplify its rounding). The hidden spec reuses the
helpers here; the rules each item exercises are listed in ``rules.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.messages import describe, expected_got
from course_lib.gradcheck import relative_error

SETTINGS = {"title": "Week 3: gradient descent, batch vs mini-batch"}

# Loss within 1e-9 relative of the reference; gradient entries within 1e-7 relative (1e-10 absolute).
# Correct codes differ by 1e-16 .. 1e-14 relative (log-sum-exp, log of probabilities, longdouble,
# Python loops, scipy), also where scores reach 1,500. A float32 computation is ~1e-7 off; a gradient
# off by a factor of 2 or N, or missing the -1 at the true class, by > 1e-2.
LOSS_RTOL, GRAD_RTOL = 1e-9, 1e-7


def keep_dtype(value: Any) -> Any:
    """(sandbox) A NumPy scalar as a 0-d array, so that its dtype survives the export."""
    return np.asarray(value) if isinstance(value, np.generic) else value


# ----------------------------------------------------------------------------- (loss, grad) functions
def probe_loss_and_grad(
    ns: dict[str, Any], name: str, w: np.ndarray, X: np.ndarray, y: np.ndarray
) -> dict[str, Any]:
    """The student's (loss, grad) at w: raw material, nothing else."""
    out = ns[name](w.copy(), X.copy(), y.copy())
    if not isinstance(out, tuple | list) or len(out) != 2:
        return {"pair": False, "n": len(y)}
    return {"pair": True, "n": len(y), "loss": keep_dtype(out[0]), "grad": out[1]}


def _factor(got: np.ndarray, ref: np.ndarray, n: int) -> str | None:
    """How ``got`` relates to ``ref`` when it is an exact multiple of it (a factor 2 or N), else None."""
    g, r = np.asarray(got, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    norm = float(np.vdot(r, r))
    if norm == 0.0 or not np.isfinite(g).all():
        return None
    scale = float(np.vdot(g, r)) / norm
    if relative_error(g, scale * r) > 1e-9:
        return None
    for factor, words in (
        (2.0, "twice what it should be"),
        (0.5, "half what it should be"),
        (
            float(n),
            "N times what it should be: summed over the samples, not averaged (divide by N)",
        ),
        (1.0 / n, "what it should be divided by N once more (divide by N once)"),
        (-1.0, "what it should be with the opposite sign"),
    ):
        if abs(scale - factor) <= 1e-9 * abs(factor) and factor != 1.0:
            return words
    return None


def loss_problem(
    loss: Any, ref_loss: float, *, n: int, grad_finite: bool | None = None
) -> Outcome | None:
    """Why ``loss`` is not the reference loss (a float64 number within LOSS_RTOL), or None.

    ``grad_finite`` (softmax losses) tells an overflowing exp (NaN or inf in the gradient too) from
    the log of a probability that underflowed to 0 (infinite loss, finite gradient).
    """
    if isinstance(loss, np.ndarray):
        if loss.shape != ():
            return Outcome(
                0.0,
                f"the loss must be a single number (a float), got {describe(loss)}: return float(loss)",
            )
        if loss.dtype != np.float64:
            return Outcome(
                0.0, f"the loss must be a float64 number, got {loss.dtype}: work in float64"
            )
        loss = float(loss)
    if type(loss) is not float:
        return Outcome(0.0, f"the loss must be a float, got {describe(loss)}")
    if not math.isfinite(loss):
        if grad_finite is None:
            return Outcome(0.0, "the loss is not a finite number")
        if not grad_finite:
            return Outcome(
                0.0,
                "the loss is not finite and the gradient holds NaN or inf: exp overflowed, or every exp "
                "of a row underflowed to 0; subtract each sample's own maximum score before exp",
            )
        return Outcome(
            0.0,
            "the loss is not finite although the gradient is: the log of a probability that underflowed "
            "to 0; compute log p_y from the scores, s_y - max - log(sum(exp(s - max)))",
        )
    if checks.close(rtol=LOSS_RTOL, atol=1e-12)(loss, ref_loss, False).passed:
        return None
    factor = _factor(np.asarray(loss), np.asarray(ref_loss), n)
    return Outcome(
        0.0,
        f"the loss is {factor}" if factor else "the loss differs from the reference loss",
        expected_got(ref_loss, loss),
    )


def gradient_problem(grad: Any, ref_grad: np.ndarray, *, n: int, softmax: bool) -> Outcome | None:
    """Why ``grad`` is not the reference gradient (float64, entries within GRAD_RTOL), or None."""
    if not isinstance(grad, np.ndarray) or grad.shape != ref_grad.shape:
        return Outcome(
            0.0,
            f"the gradient must be an array of shape {ref_grad.shape} (shaped like the weights), "
            f"got {describe(grad)}",
        )
    if grad.dtype != np.float64:
        return Outcome(0.0, f"the gradient must be float64, got {grad.dtype}: work in float64")
    if not np.isfinite(grad).all():
        return Outcome(
            0.0,
            "the gradient holds NaN or inf"
            + (": subtract each sample's own maximum score before exp" if softmax else ""),
        )
    if checks.close(rtol=GRAD_RTOL, atol=1e-10, allow_float32=False)(grad, ref_grad, False).passed:
        return None
    factor = _factor(grad, ref_grad, n)
    error = relative_error(grad, ref_grad)
    return Outcome(
        0.0,
        f"the gradient is {factor}"
        if factor
        else "the gradient differs from the reference gradient",
        f"relative error {error:.1e} (needs every entry within {GRAD_RTOL:g} relative)",
    )


def check_loss_and_grad(what: str, *, softmax: bool = False) -> Any:
    """Half for the loss (the reference loss), half for the gradient (the reference gradient)."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or got.get("pair") is not True:
            return Outcome(0.0, f"{what} must return a pair (loss, gradient)")
        n = ref["n"]
        grad = got.get("grad")
        finite = bool(np.isfinite(grad).all()) if isinstance(grad, np.ndarray) else None
        problems = [
            loss_problem(
                got.get("loss"), ref["loss"], n=n, grad_finite=finite if softmax else None
            ),
            gradient_problem(grad, ref["grad"], n=n, softmax=softmax),
        ]
        loss = got.get("loss")
        loss_infinite = (
            type(loss) is float or (isinstance(loss, np.ndarray) and loss.shape == ())
        ) and not np.isfinite(loss)
        if finite is False and softmax and loss_infinite:
            problems[1] = Outcome(
                0.0, ""
            )  # the loss's message already says why the gradient is not finite
        failed = [p for p in problems if p is not None]
        if not failed:
            return Outcome(1.0, "loss and gradient match the reference")
        return Outcome(
            0.5 * (2 - len(failed)),
            "; ".join(p.message for p in failed if p.message),
            "; ".join(p.detail for p in failed if p.detail),
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
    ns: dict[str, Any],
    X: np.ndarray,
    y: np.ndarray,
    n_classes: int,
    seed: int,
    scales: tuple[float | None, ...],
) -> dict[str, Any]:
    """The student's initial loss for each scale (None: the default, the argument left out)."""
    fn = ns["initial_loss"]
    losses = [
        fn(X, y, n_classes, seed) if scale is None else fn(X, y, n_classes, seed, scale=scale)
        for scale in scales
    ]
    return {
        "n_classes": n_classes,
        "scales": list(scales),
        "losses": [keep_dtype(v) for v in losses],
    }


USES_SOFTMAX = "(this uses softmax_loss_vectorized: if that fails its own items, fix it first)"
INIT_NEAR_LN_C = (
    0.01  # |loss - ln C| of the reference at scale 1e-3: digits 4.8e-4, iris 2.1e-3 at most
)


def check_initial_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Equal to the reference loss of the stated weights, for each scale; ln(C) only names causes."""
    losses = got.get("losses") if isinstance(got, dict) else None
    if not isinstance(losses, list) or len(losses) != len(ref["losses"]):
        return Outcome(0.0, "initial_loss returned something unexpected")
    c = ref["n_classes"]
    messages, details, earned = [], [], 0.0
    for scale, value, expected in zip(ref["scales"], losses, ref["losses"], strict=True):
        which = "with the default scale" if scale is None else "with the scale argument given"
        problem = loss_problem(value, expected, n=1)
        if problem is None:
            earned += 1.0 / len(losses)
            continue
        number = checks.as_number(value)
        if number is not None and scale is None and abs(number - math.log(c)) <= INIT_NEAR_LN_C:
            cause = (
                f"about ln({c}) but not the loss of the stated weights: draw W = np.random.default_rng(seed)"
                ".normal(0.0, scale, size=(X.shape[1], n_classes)) and return its loss (ln(C) is only "
                "approximate)"
            )
        elif number is not None and scale is None:
            cause = f"far from ln({c}) with the default scale=1e-3: draw the weights with normal(0.0, scale)"
        elif number is not None:
            cause = "not the loss of the stated weights: use the scale argument, not a fixed 1e-3"
        else:
            cause = problem.message
        messages.append(f"{which}: {cause}")
        details.append(problem.detail)
    if not messages:
        return Outcome(1.0, "the loss of the stated weights, for every scale")
    messages.append(USES_SOFTMAX)
    return Outcome(earned, "; ".join(messages), "; ".join(d for d in details if d))


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


# The size-weighted average of one epoch's batch gradients is the full gradient whatever the order of
# the samples, so this item does not depend on iterate_minibatches' shuffling, only on its batches
# holding every sample once.
check_average_gradient = checks.close(rtol=1e-9, atol=1e-12, allow_float32=False)


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
    """Half for each run (full batch, mini-batch): W and losses as the reference, float64 arrays."""
    numbers = checks.close(rtol=1e-8, atol=1e-10, allow_float32=False)
    if not isinstance(got, dict):
        return Outcome(0.0, "train_softmax must return (W, losses)")
    earned, messages = 0.0, []
    for name in ("full_batch", "mini_batch"):
        part, ref_part = got.get(name), ref[name]
        if not isinstance(part, dict):
            messages.append(f"{name}: train_softmax must return (W, losses)")
            continue
        losses, ref_losses = part.get("losses"), ref_part["losses"]
        if not isinstance(losses, np.ndarray):
            messages.append(
                f"{name}: losses must be a float64 NumPy array, got {describe(losses)} "
                "(np.asarray(losses, dtype=np.float64))"
            )
            continue
        if losses.ndim == 1 and len(losses) == len(ref_losses) - 1:
            messages.append(
                f"{name}: losses needs epochs + 1 values (the loss at the start comes first)"
            )
            continue
        losses_ok = numbers(losses, ref_losses, reveal)
        weights_ok = numbers(part.get("W"), ref_part["W"], reveal)
        if losses_ok.passed and weights_ok.passed:
            earned += 0.5
        elif weights_ok.passed:
            messages.append(
                f"{name}: W matches but losses do not ({losses_ok.message}): losses[0] is the loss on all "
                f"of X at the initial W, losses[e + 1] the loss on all of X after epoch e {USES_SOFTMAX}"
            )
        else:
            messages.append(f"{name} W: {weights_ok.message}")
    if earned == 1.0:
        return Outcome(1.0, "full-batch and mini-batch runs match")
    if earned == 0.5 and messages[0].startswith("mini_batch W"):
        messages.append(
            "the full-batch run matches, so the steps are right: epoch e takes one step per batch of "
            "iterate_minibatches(X, y, batch_size, seed + 1 + e) (and iterate_minibatches must pass its own items)"
        )
    return Outcome(earned, "; ".join(messages))


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


PASSES_KEYS = ("full_batch", "mini_batch")


def passes_problem(
    passes: Any,
    expected: dict[str, Any],
    n: int,
    losses: dict[str, list[float]] | None,
    target: float | None,
) -> Outcome | None:
    """Why ``passes`` is not the expected dict of sample passes (None: it is); ``losses`` and ``target``,
    where the check knows the curves, name the cause (strict comparison, k = 0, None)."""
    if not isinstance(passes, dict) or any(key not in passes for key in PASSES_KEYS):
        return Outcome(
            0.0, 'gd_vs_sgd must return a dict with the keys "full_batch" and "mini_batch"'
        )
    for name in PASSES_KEYS:
        value, wanted = passes[name], expected[name]
        if value is not None and type(value) is not int:
            return Outcome(
                0.0,
                f"{name}: expected an int number of sample passes or None, got {describe(value)}",
            )
        if value == wanted:
            continue
        if value is not None and value % n:
            cause = "sample passes come in whole epochs (multiples of n): count k * n, not k"
        elif wanted is None:
            cause = "the loss never gets to the target within the epochs: return None"
        elif value is None and wanted == 0:
            cause = "the loss at the start (k = 0) is already at most the target: 0 sample passes, not None"
        elif (
            losses is not None
            and target is not None
            and value == _first_below(losses[name], target, n)
        ):
            cause = "stops at the first loss strictly below the target: 'at most' includes equality"
        else:
            cause = "a different number of sample passes (k = 0 is the loss before training; the first k with loss <= target)"
        return Outcome(0.0, f"{name}: {cause}", expected_got(wanted, value))
    return None


def _first_below(losses: list[float], target: float, n: int) -> int | None:
    return next((k * n for k, loss in enumerate(losses) if loss < target), None)


def check_gd_vs_sgd(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Each count equal to the reference (where mini-batch SGD needs fewer sample passes)."""
    passes = got.get("passes") if isinstance(got, dict) else None
    problem = passes_problem(passes, ref["passes"], ref["n"], None, None)
    return problem or Outcome(
        1.0, "mini-batch SGD reaches the target in fewer sample passes, as in the reference"
    )


# gd_vs_sgd on its own: train_softmax is replaced (for the call only) by a scripted stand-in whose loss
# curves the check knows, so the counting rules (k * n, "at most", k = 0, None) are exercised with exact
# ties, and a mistake in train_softmax cannot cost this item. The stand-in answers as the real one would:
# the full-batch curve for batch_size=None (or >= n), the mini-batch curve for the given batch_size, and
# a curve that never reaches the target for any other lr, epochs, seed or n_classes.
GD_CASES = {
    "ties": {
        "target": 0.5,
        "full_batch": [2.0, 1.0, 0.5, 0.25, 0.2],
        "mini_batch": [2.0, 0.5, 0.3, 0.2, 0.1],
    },
    "at_start": {
        "target": 3.0,
        "full_batch": [2.0, 1.5, 1.0, 0.75, 0.5],
        "mini_batch": [2.0, 1.0, 0.5, 0.25, 0.125],
    },
}
GD_CALL = {"n_classes": 3, "lr": 0.25, "epochs": 4, "batch_size": 4, "seed": 7}


def probe_gd_counting(ns: dict[str, Any], cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    n, call = 10, GD_CALL
    X, y = np.zeros((n, 2)), np.arange(n) % call["n_classes"]
    out: dict[str, Any] = {"n": n, "passes": {}, "calls": {}}
    fn = ns["gd_vs_sgd"]
    # replace train_softmax where gd_vs_sgd looks it up (the notebook's namespace), and put it back after
    scopes = list({id(scope): scope for scope in (ns, getattr(fn, "__globals__", ns))}.values())
    saved = [(scope, scope.get("train_softmax"), "train_softmax" in scope) for scope in scopes]
    try:
        for label, case in cases.items():
            calls: list[list[Any]] = []

            def scripted(X, y, n_classes, lr, epochs, batch_size, seed, case=case, calls=calls):
                calls.append(
                    [
                        v if v is None or type(v) in (int, float) else math.nan
                        for v in (batch_size, lr, epochs, seed, n_classes)
                    ]
                )
                same = (n_classes, lr, epochs, seed) == tuple(
                    call[k] for k in ("n_classes", "lr", "epochs", "seed")
                )
                if same and (batch_size is None or batch_size >= len(y)):
                    curve = case["full_batch"]
                elif same and batch_size == call["batch_size"]:
                    curve = case["mini_batch"]
                else:
                    curve = [case["target"] + 1.0] * (epochs + 1)
                return np.zeros((X.shape[1], n_classes)), np.asarray(curve, dtype=np.float64)

            for scope in scopes:
                scope["train_softmax"] = scripted
            out["passes"][label] = fn(
                X,
                y,
                call["n_classes"],
                case["target"],
                call["epochs"],
                call["lr"],
                call["batch_size"],
                call["seed"],
            )
            out["calls"][label] = calls
    finally:
        for scope, original, had in saved:
            if had:
                scope["train_softmax"] = original
            else:
                scope.pop("train_softmax", None)
    return out


def check_gd_counting(cases: dict[str, dict[str, Any]]) -> Any:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or not isinstance(got.get("passes"), dict):
            return Outcome(0.0, "gd_vs_sgd returned something unexpected")
        n = ref["n"]
        for label, case in cases.items():
            curves = {name: case[name] for name in PASSES_KEYS}
            problem = passes_problem(
                got["passes"].get(label), ref["passes"][label], n, curves, case["target"]
            )
            if problem is None:
                continue
            calls = got.get("calls", {}).get(label)
            stated = [GD_CALL[k] for k in ("lr", "epochs", "seed", "n_classes")]
            expected = sorted([[size, *stated] for size in (None, GD_CALL["batch_size"])], key=str)
            if isinstance(calls, list) and sorted(calls, key=str) != expected:
                return Outcome(
                    0.0,
                    "call train_softmax twice with the same lr, epochs and seed: once with batch_size=None, "
                    "once with the given batch_size",
                )
            return problem
        return Outcome(
            1.0, "sample passes counted as stated (k * n, at most the target, k = 0, None)"
        )

    return check


# ----------------------------------------------------------------------------- accuracy vs loss
def probe_accuracy_vs_loss(
    ns: dict[str, Any], seed: int, n: int, d: int, c: int, points: int
) -> dict[str, Any]:
    W, X, y = classification_data(seed, n, d, c, scale=1.0)
    direction = np.random.default_rng(seed + 100).normal(size=W.shape)
    alphas = np.linspace(-1.0, 1.0, points)
    return ns["accuracy_vs_loss"](W.copy(), direction, X, y, alphas)


def tied_line(seed: int, n: int, d: int, c: int) -> tuple[np.ndarray, ...]:
    """A line W + a * direction on which the scores of classes 0 and 1 tie exactly at a = 0.5.

    X holds nonzero integers and W, the direction and the steps a are dyadic, so every score is
    exact whatever the order of summation, and the tie rule alone decides at a = 0.5. The two
    columns differ by delta = (1, 8, 64, ...) / 256, so x . delta != 0 for every sample: there is
    no tie between classes 0 and 1 anywhere else on the line, nor at W.
    """
    rng = np.random.default_rng(seed)
    X = rng.choice([-2.0, -1.0, 1.0, 2.0], size=(n, d))
    direction = rng.integers(-64, 65, size=(d, c)) / 64.0
    delta = 8.0 ** np.arange(d) / 256.0
    direction[:, 1] = direction[:, 0] - delta
    W = rng.integers(-1024, 1025, size=(d, c)) / 512.0
    W[:, 1] = W[:, 0] + 0.5 * delta
    y = rng.integers(0, c, size=n)
    return W, direction, X, y, np.arange(-16, 17) / 16.0


def probe_accuracy_ties(ns: dict[str, Any], seed: int, n: int, d: int, c: int) -> dict[str, Any]:
    W, direction, X, y, alphas = tied_line(seed, n, d, c)
    return ns["accuracy_vs_loss"](W.copy(), direction, X, y, alphas)


ACCURACY_PARTS = {
    # (check, hint): both gradients are finite differences; the loss's may also be the analytic one
    # (it agrees to ~1e-10), the accuracy's is 0 or (k / n) / (2 eps) wherever a step flips a prediction
    "loss": (
        checks.close(rtol=1e-9, atol=1e-12, allow_float32=False),
        "the loss at W + a * direction, for each a",
    ),
    "loss_gradient": (
        checks.close(rtol=1e-5, atol=1e-8, allow_float32=False),
        "numerical_gradient of the loss at W, eps=1e-5",
    ),
    "accuracy": (
        checks.close(rtol=0.0, atol=1e-12, allow_float32=False),
        "the fraction of samples whose argmax score equals the label; ties go to the smallest class index",
    ),
    "accuracy_gradient": (
        checks.close(rtol=1e-9, atol=1e-12, allow_float32=False),
        "numerical_gradient of the accuracy at W, eps=1e-5: zero where no step of 1e-5 flips a prediction",
    ),
}


def check_accuracy_vs_loss(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Half for the loss and its gradient, half for the accuracy and its gradient (it does not use the loss)."""
    if not isinstance(got, dict):
        return Outcome(0.0, f"accuracy_vs_loss must return a dict, got {describe(got)}")
    missing = [key for key in ACCURACY_PARTS if key not in got]
    if missing:
        return Outcome(
            0.0,
            f"accuracy_vs_loss must return a dict with the keys {sorted(ACCURACY_PARTS)}",
            f"missing {missing}",
        )
    earned, messages, details = 0.0, [], []
    for half in (("loss", "loss_gradient"), ("accuracy", "accuracy_gradient")):
        for key in half:
            value, (part_check, hint) = got[key], ACCURACY_PARTS[key]
            outcome = (
                Outcome(0.0, f"expected a float64 NumPy array, got {describe(value)}")
                if not isinstance(value, np.ndarray)
                else part_check(value, ref[key], reveal)
            )
            if not outcome.passed:
                messages.append(f"{key}: {outcome.message} ({hint})")
                details.append(outcome.detail)
                break
        else:
            earned += 0.5
    if messages:
        return Outcome(earned, "; ".join(messages), "; ".join(d for d in details if d))
    accuracy_steps = int(np.count_nonzero(np.diff(got["accuracy"])))
    loss_steps = int(np.count_nonzero(np.diff(got["loss"])))
    return Outcome(
        1.0,
        f"accuracy changes on {accuracy_steps} of {len(got['loss']) - 1} steps along the line, "
        f"the loss on {loss_steps}",
    )


# ----------------------------------------------------------------------------- items
SOFTMAX = ("softmax_loss_vectorized",)

ITEMS = [
    Item(
        "mse_loss_and_grad",
        1,
        probe=lambda ns: probe_loss_and_grad(ns, "mse_loss_and_grad", *regression_data(0, 20, 3)),
        check=check_loss_and_grad("mse_loss_and_grad"),
        requires=("mse_loss_and_grad",),
        hint="loss = mean((X @ w - y)**2) as a float; gradient = 2 / n * X.T @ (X @ w - y), shaped like w.",
    ),
    Item(
        "softmax_loss_naive",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_naive", *classification_data(1, 15, 5, 4)
        ),
        check=check_loss_and_grad("softmax_loss_naive", softmax=True),
        requires=("softmax_loss_naive",),
        hint="the loss is the mean of -log p_y; dW accumulates (p_c - [c == y_i]) * x_i, divided by N at the end.",
    ),
    # scores of -1,500 .. 1,500: exp overflows without the max subtraction, and some true-class
    # probabilities underflow to 0 (their log is -inf), so both stability rules are exercised
    Item(
        "softmax_loss_naive.stable",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_naive", *classification_data(2, 10, 5, 4, scale=300.0)
        ),
        check=check_loss_and_grad("softmax_loss_naive", softmax=True),
        requires=("softmax_loss_naive",),
        hint="subtract each sample's maximum score before exp, and compute log p_y as s_y - max - log(sum(exp(s - max))).",
    ),
    Item(
        "softmax_loss_vectorized",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_vectorized", *classification_data(1, 15, 5, 4)
        ),
        check=check_loss_and_grad("softmax_loss_vectorized", softmax=True),
        requires=("softmax_loss_vectorized",),
        hint="dW = X.T @ (P - Y) / N, with P the softmax probabilities and Y the one-hot labels.",
    ),
    Item(
        "softmax_loss_vectorized.stable",
        1,
        probe=lambda ns: probe_loss_and_grad(
            ns, "softmax_loss_vectorized", *classification_data(2, 10, 5, 4, scale=300.0)
        ),
        check=check_loss_and_grad("softmax_loss_vectorized", softmax=True),
        requires=("softmax_loss_vectorized",),
        hint="subtract the row maximum (scores.max(axis=1, keepdims=True)) before exp; log p_y from the scores, not log(p).",
    ),
    Item(
        "initial_loss",
        1,
        probe=lambda ns: probe_initial_loss(
            ns, *classification_data(3, 200, 8, 10)[1:], n_classes=10, seed=0, scales=(None, 0.5)
        ),
        check=check_initial_loss,
        requires=("initial_loss", *SOFTMAX),
        uses=SOFTMAX,
        hint="W = np.random.default_rng(seed).normal(0.0, scale, size=(X.shape[1], n_classes)); return the loss at W.",
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
        check=check_average_gradient,
        requires=("average_minibatch_gradient", "iterate_minibatches", *SOFTMAX),
        uses=("iterate_minibatches", *SOFTMAX),
        hint="the gradient of each batch at the same W, weighted by len(batch) / n (if iterate_minibatches and softmax_loss_vectorized pass their own items).",
    ),
    Item(
        "train_softmax",
        2,
        probe=lambda ns: probe_train(ns, seed=5, n=90, epochs=4, lr=0.5, batch_size=16),
        check=check_train,
        requires=("train_softmax", "iterate_minibatches", *SOFTMAX),
        uses=("iterate_minibatches", *SOFTMAX),
        hint="start from normal(0.0, 1e-3); mini-batch epoch e uses iterate_minibatches(X, y, batch_size, seed + 1 + e); losses starts with the loss at the initial W.",
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
        uses=("train_softmax",),
        hint="train both with the same lr, epochs and seed; report k * n for the first k with losses[k] <= target (if train_softmax passes its own items).",
    ),
    Item(
        "gd_vs_sgd.counting",
        1,
        probe=lambda ns: probe_gd_counting(ns, GD_CASES),
        check=check_gd_counting(GD_CASES),
        requires=("gd_vs_sgd",),
        hint="the first k with losses[k] <= target (equality counts, k = 0 counts), reported as k * n; None if there is none.",
    ),
    Item(
        "accuracy_vs_loss",
        2,
        probe=lambda ns: probe_accuracy_ties(ns, seed=6, n=60, d=4, c=3),
        check=check_accuracy_vs_loss,
        requires=("accuracy_vs_loss", *SOFTMAX),
        uses=SOFTMAX,
        hint="accuracy is the mean of (np.argmax(X @ W', axis=1) == y); take both gradients with numerical_gradient(f, W.copy(), eps=1e-5).",
    ),
]
