"""Checks: trusted comparisons of exported data with reference data.

A check is a callable ``check(got, ref, reveal) -> Outcome``. The factories
here cover what ML exercises need: numeric closeness with tolerances (NaN
and inf handled, shapes and dtypes checked, type confusion refused), exact
equality, thresholds for stochastic results, and per-part partial credit.
Messages say what was expected and what came back; with ``reveal=False``
(hidden items) they name shapes, dtypes and counts, never values.

Inputs are whatever :func:`autograder.wire.exchange.decode` produced: plain
built-ins and base-class ``numpy.ndarray``; nothing here trusts them further.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.spec import Check, Outcome

_NUMERIC = (int, float)


def _fmt(value: Any, limit: int = 60) -> str:
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=8, edgeitems=2, suppress=True):
            text = np.array2string(value, separator=", ")
    elif type(value) is float:
        text = f"{value:.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    return type(value).__name__


def _as_array(value: Any) -> np.ndarray | None:
    """Numeric data as a float/int array, or None if it is not numeric data."""
    if isinstance(value, np.ndarray):
        return value
    if type(value) is bool or type(value) in _NUMERIC:
        return np.asarray(value)
    if type(value) is list:
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
        if array.dtype.kind in "biuf":
            return array
    return None


# --------------------------------------------------------------------------- close
def close(
    rtol: float = 1e-6,
    atol: float = 1e-9,
    *,
    allow_float32: bool = True,
    check_dtype_kind: bool = True,
) -> Check:
    """Numeric data equal to the reference within ``|got - ref| <= atol + rtol * |ref|``.

    Works on scalars, arrays and nested lists/dicts of them (dict keys must
    match). NaN matches NaN only where the reference has NaN. With
    ``check_dtype_kind`` an integer reference needs integer (or bool) data
    and a float reference needs float data; ``allow_float32`` accepts a
    float32 answer where the reference is float64 (tolerances permitting).
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problem = _compare_close(got, ref, "", rtol, atol, allow_float32, check_dtype_kind, reveal)
        return Outcome(1.0, "matches the reference") if problem is None else Outcome(0.0, problem)

    return check


def _where(path: str) -> str:
    return f" at {path}" if path else ""


def _compare_close(
    got: Any,
    ref: Any,
    path: str,
    rtol: float,
    atol: float,
    allow_float32: bool,
    check_kind: bool,
    reveal: bool,
) -> str | None:
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            return f"expected a dict{_where(path)}, got {_describe(got)}"
        missing = sorted(set(ref) - set(got))
        extra = sorted(set(got) - set(ref))
        if missing or extra:
            return f"expected keys {sorted(ref)}{_where(path)}, got {sorted(got)}"
        for key in ref:
            problem = _compare_close(
                got[key],
                ref[key],
                f"{path}[{key!r}]",
                rtol,
                atol,
                allow_float32,
                check_kind,
                reveal,
            )
            if problem:
                return problem
        return None
    if ref is None or type(ref) is str:
        if got != ref or type(got) is not type(ref):
            shown = (
                f"{ref!r}, got {_fmt(got)}"
                if reveal
                else f"a {_describe(ref)}, got {_describe(got)}"
            )
            return f"expected {shown}{_where(path)}"
        return None
    if isinstance(ref, list) and _as_array(ref) is None:
        if not isinstance(got, list) or len(got) != len(ref):
            return f"expected a list of {len(ref)} values{_where(path)}, got {_describe(got)}" + (
                f" of length {len(got)}" if isinstance(got, list) else ""
            )
        for index, (g, r) in enumerate(zip(got, ref, strict=True)):
            problem = _compare_close(
                g, r, f"{path}[{index}]", rtol, atol, allow_float32, check_kind, reveal
            )
            if problem:
                return problem
        return None
    ref_array = _as_array(ref)
    got_array = _as_array(got)
    if ref_array is None:
        return f"the reference{_where(path)} is not numeric data (grading spec error)"
    if got_array is None:
        return f"expected numbers{_where(path)}, got {_describe(got)}"
    if got_array.shape != ref_array.shape:
        return f"expected shape {ref_array.shape}{_where(path)}, got shape {got_array.shape}"
    if check_kind:
        problem = _dtype_problem(got_array, ref_array, allow_float32)
        if problem:
            return problem + _where(path)
    g = got_array.astype(np.float64)
    r = ref_array.astype(np.float64)
    nan_mismatch = np.isnan(g) != np.isnan(r)
    with np.errstate(invalid="ignore"):
        same_inf = np.isinf(r) & (g == r)
        bad = ~(np.isclose(g, r, rtol=rtol, atol=atol, equal_nan=True) | same_inf) | nan_mismatch
    if not bad.any():
        return None
    count = int(bad.sum())
    if np.isnan(g[bad]).any() and not np.isnan(r[bad]).any():
        cause = "NaN where a number was expected"
    elif np.isinf(g[bad]).any():
        cause = "infinite values"
    else:
        cause = "values differ"
    where = _where(path)
    if not reveal:
        return f"{cause}{where}: {count} of {g.size} entries outside tolerance"
    if g.ndim == 0:
        return f"expected {_fmt(float(r))}{where}, got {_fmt(float(g))}"
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (
        f"{cause}{where}: {count} of {g.size} entries outside tolerance; "
        f"first at index {first}: expected {_fmt(float(r[first]))}, got {_fmt(float(g[first]))}"
    )


def _dtype_problem(got: np.ndarray, ref: np.ndarray, allow_float32: bool) -> str | None:
    rk, gk = ref.dtype.kind, got.dtype.kind
    if rk in "iu" and gk not in "iub":
        return f"expected integers, got dtype {got.dtype}"
    if rk == "b" and gk != "b":
        return f"expected booleans, got dtype {got.dtype}"
    if rk == "f":
        if gk != "f":
            return f"expected floating-point values, got dtype {got.dtype}"
        if not allow_float32 and got.dtype.itemsize < ref.dtype.itemsize:
            return f"expected dtype {ref.dtype}, got {got.dtype}"
        if got.dtype.itemsize < 4:
            return f"expected at least float32 precision, got {got.dtype}"
    return None


# --------------------------------------------------------------------------- exact
def equal() -> Check:
    """Exactly the reference: same structure, same types of numbers, same values."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problem = _compare_close(got, ref, "", 0.0, 0.0, False, True, reveal)
        return Outcome(1.0, "matches the reference") if problem is None else Outcome(0.0, problem)

    return check


# --------------------------------------------------------------------------- thresholds
def at_least(threshold: float, *, what: str = "value", key: str | None = None) -> Check:
    """A number (or ``got[key]``) of at least ``threshold``; the reference is not used.

    For stochastic results (accuracy after training) where the threshold was
    set from several reference runs; the spec says so next to the item.
    """
    return _bound(threshold, what, key, lower=True)


def at_most(threshold: float, *, what: str = "value", key: str | None = None) -> Check:
    """A number (or ``got[key]``) of at most ``threshold`` (a loss, an error)."""
    return _bound(threshold, what, key, lower=False)


def _bound(threshold: float, what: str, key: str | None, *, lower: bool) -> Check:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        value: Any = got.get(key) if key is not None and isinstance(got, dict) else got
        if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
            value = value.item()
        if type(value) not in _NUMERIC or not math.isfinite(value):
            return Outcome(0.0, f"expected a finite number for the {what}, got {_describe(value)}")
        number = float(value)
        ok = number >= threshold if lower else number <= threshold
        sign = ">=" if lower else "<="
        if ok:
            return Outcome(1.0, f"{what} = {number:.4g} ({sign} {threshold:g})")
        return Outcome(0.0, f"{what} = {number:.4g}, needs {sign} {threshold:g}")

    return check


# --------------------------------------------------------------------------- composition
def parts(**checks: Check) -> Check:
    """Partial credit: ``got`` and ``ref`` are dicts; each named part is worth an equal share.

    ``parts(values=close(), dtype=equal())`` gives half the points for each.
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, f"expected a dict of parts, got {_describe(got)}")
        earned = 0.0
        failures: list[str] = []
        for name, part in checks.items():
            if name not in got:
                failures.append(f"{name}: missing")
                continue
            outcome = part(got[name], ref.get(name) if isinstance(ref, dict) else None, reveal)
            earned += outcome.fraction
            if not outcome.passed:
                failures.append(f"{name}: {outcome.message}")
        fraction = earned / len(checks)
        message = "all parts match" if not failures else "; ".join(failures)
        return Outcome(min(1.0, fraction), message)

    return check
