"""Checks: trusted comparisons of exported data with reference data.

A check is a callable ``check(got, ref, reveal) -> Outcome``. The factories
here cover what ML exercises need: numeric closeness with tolerances (NaN
and inf handled, shapes and dtypes checked, type confusion refused), exact
equality, thresholds for stochastic results, "raises this error" (as
``isinstance`` does it), a value-or-raise answer, and all-of-these-parts.

Every message says what is wrong without showing a value; the values go
in the Outcome's ``detail``, which the scorer shows for public items only.

Inputs are whatever :func:`autograder.wire.exchange.decode` produced: plain
built-ins and base-class ``numpy.ndarray``; nothing here trusts them further.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from autograder.spec.items import Check, Outcome
from autograder.spec.messages import describe, expected_got

_NUMERIC = (int, float)
PASSED_MESSAGE = "matches the reference"


def as_array(value: Any) -> np.ndarray | None:
    """Numeric data as a float/int/bool array, or None if it is not numeric data."""
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


def as_number(value: Any) -> float | None:
    """A finite int/float (or a 0-d numeric array) as a float; None for anything else."""
    if (
        isinstance(value, np.ndarray | np.generic)
        and np.shape(value) == ()
        and value.dtype.kind in "iuf"
    ):
        value = value.item()
    if type(value) in _NUMERIC and math.isfinite(value):
        return float(value)
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

    Works on scalars, arrays and nested lists/dicts of them (``got`` must
    hold every key of a reference dict; extra keys are allowed). NaN matches
    NaN only where the reference has NaN. With ``check_dtype_kind`` an
    integer reference needs integer (or bool) data and a float reference
    needs float data; ``allow_float32`` accepts a float32 answer where the
    reference is float64 (tolerances permitting).
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problem = _compare(got, ref, "", rtol, atol, allow_float32, check_dtype_kind)
        return Outcome(1.0, PASSED_MESSAGE) if problem is None else problem

    return check


def equal() -> Check:
    """Exactly the reference: same structure, same types of numbers, same values."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        problem = _compare(got, ref, "", 0.0, 0.0, False, True)
        return Outcome(1.0, PASSED_MESSAGE) if problem is None else problem

    return check


def _where(path: str) -> str:
    return f" at {path}" if path else ""


def _compare(
    got: Any,
    ref: Any,
    path: str,
    rtol: float,
    atol: float,
    allow_float32: bool,
    check_kind: bool,
) -> Outcome | None:
    """The first difference between ``got`` and ``ref`` as a failing Outcome, or None."""
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            return Outcome(0.0, f"expected a dict{_where(path)}, got {describe(got)}")
        missing = sorted(set(ref) - set(got))
        if missing:
            return Outcome(
                0.0, f"{len(missing)} expected key(s) missing{_where(path)}", f"missing {missing}"
            )
        for key in ref:
            problem = _compare(
                got[key], ref[key], f"{path}[{key!r}]", rtol, atol, allow_float32, check_kind
            )
            if problem:
                return problem
        return None
    if ref is None or type(ref) is str:
        if got != ref or type(got) is not type(ref):
            return Outcome(
                0.0,
                f"expected a {describe(ref)}{_where(path)}, got {describe(got)}"
                if type(got) is not type(ref)
                else f"a different {describe(ref)}{_where(path)}",
                expected_got(ref, got),
            )
        return None
    if isinstance(ref, list) and as_array(ref) is None:
        if not isinstance(got, list) or len(got) != len(ref):
            length = f" of length {len(got)}" if isinstance(got, list) else ""
            return Outcome(
                0.0,
                f"expected a list of {len(ref)} values{_where(path)}, got {describe(got)}{length}",
            )
        for index, (g, r) in enumerate(zip(got, ref, strict=True)):
            problem = _compare(g, r, f"{path}[{index}]", rtol, atol, allow_float32, check_kind)
            if problem:
                return problem
        return None
    return _compare_numbers(got, ref, path, rtol, atol, allow_float32, check_kind)


def _compare_numbers(
    got: Any,
    ref: Any,
    path: str,
    rtol: float,
    atol: float,
    allow_float32: bool,
    check_kind: bool,
) -> Outcome | None:
    where = _where(path)
    ref_array, got_array = as_array(ref), as_array(got)
    if ref_array is None:
        return Outcome(0.0, f"the reference{where} is not numeric data (grading spec error)")
    if got_array is None:
        return Outcome(0.0, f"expected numbers{where}, got {describe(got)}")
    if got_array.shape != ref_array.shape:
        return Outcome(0.0, f"expected shape {ref_array.shape}{where}, got shape {got_array.shape}")
    if check_kind:
        problem = dtype_problem(got_array, ref_array, allow_float32)
        if problem:
            return Outcome(0.0, problem + where)
    g = got_array.astype(np.float64)
    r = ref_array.astype(np.float64)
    nan_mismatch = np.isnan(g) != np.isnan(r)
    with np.errstate(invalid="ignore"):
        same_inf = np.isinf(r) & (g == r)
        bad = ~(np.isclose(g, r, rtol=rtol, atol=atol, equal_nan=True) | same_inf) | nan_mismatch
    if not bad.any():
        return None
    if np.isnan(g[bad]).any() and not np.isnan(r[bad]).any():
        cause = "NaN where a number was expected"
    elif np.isinf(g[bad]).any():
        cause = "infinite values"
    else:
        cause = "values differ"
    if g.ndim == 0:
        return Outcome(0.0, f"{cause}{where}", expected_got(float(r), float(g)))
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return Outcome(
        0.0,
        f"{cause}{where}: {int(bad.sum())} of {g.size} entries outside tolerance",
        f"first at index {first}: {expected_got(float(r[first]), float(g[first]))}",
    )


def dtype_problem(got: np.ndarray, ref: np.ndarray, allow_float32: bool) -> str | None:
    """Why ``got``'s dtype cannot stand for ``ref``'s (integers for integers, floats for floats)."""
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


# --------------------------------------------------------------------------- thresholds
def at_least(threshold: float, *, what: str = "value", key: str | None = None) -> Check:
    """A number (or ``got[key]``) of at least ``threshold``; the reference is not used.

    For stochastic results (accuracy after training) where the threshold was
    set from several reference runs; the spec says so next to the item.
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        value = got.get(key) if key is not None and isinstance(got, dict) else got
        number = as_number(value)
        if number is None:
            return Outcome(0.0, f"expected a finite number for the {what}, got {describe(value)}")
        if number >= threshold:
            return Outcome(1.0, f"{what} >= {threshold:g}", f"{what} = {number:.4g}")
        return Outcome(0.0, f"the {what} needs to be >= {threshold:g}", f"{what} = {number:.4g}")

    return check


# --------------------------------------------------------------------------- raising
def is_raise(record: Any, expected: str, mentions: str | None = None) -> bool:
    """Whether an :func:`autograder.spec.probes.attempt` record is a raise of ``expected``.

    ``expected`` is a built-in exception class name; a subclass counts (a
    student's ``class NotFittedError(RuntimeError)`` is a RuntimeError), as
    with ``isinstance``. ``mentions``: the message must contain that word
    (the probe must have asked ``attempt(..., mentions=(word,))``).
    """
    if not isinstance(record, dict) or "value" in record:
        return False
    names = record.get("raised_types")
    if not isinstance(names, list) or expected not in names:
        return False
    said = record.get("mentions")
    return mentions is None or (isinstance(said, dict) and said.get(mentions) is True)


def what_happened(record: Any) -> str:
    """``"returned a value"`` or ``"raised a ValueError"`` (a built-in name, never the student's)."""
    if isinstance(record, dict) and "value" in record:
        return "returned a value"
    if isinstance(record, dict) and isinstance(record.get("raised"), str):
        return f"raised {_article(record['raised'])}"
    return "returned something unexpected"


def _article(name: str) -> str:
    return f"an {name}" if name[:1] in "AEIOU" else f"a {name}"


def raises(expected: str, *, mentions: str | None = None) -> Check:
    """The probe's :func:`~autograder.spec.probes.attempt` must have raised ``expected`` (or a subclass)."""
    wanted = _article(expected) + (f" that mentions {mentions!r}" if mentions else "")

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if is_raise(got, expected, mentions):
            return Outcome(1.0, f"raises {wanted}")
        return Outcome(0.0, f"expected it to raise {wanted}, but it {what_happened(got)}")

    return check


def value_or_raise(value_check: Check) -> Check:
    """For :func:`~autograder.spec.probes.attempt` records: raise where the reference raised, else match.

    Where the reference raised, the submission must raise an instance of the
    same built-in class; where it returned, ``value_check`` compares values.
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or not isinstance(ref, dict):
            return Outcome(0.0, "the probe returned something unexpected")
        if "value" not in ref:
            expected = str(ref.get("raised"))
            if is_raise(got, expected):
                return Outcome(1.0, f"raises {_article(expected)}")
            return Outcome(
                0.0,
                f"expected {_article(expected)} for this input, but it {what_happened(got)}",
            )
        if "value" not in got:
            return Outcome(0.0, f"expected a value, but it {what_happened(got)}")
        return value_check(got["value"], ref["value"], reveal)

    return check


# --------------------------------------------------------------------------- composition
Part = tuple[str, Check, str]  # (key in got/ref, its check, how a message names it)


def first_failing_part(got: Any, ref: Any, reveal: bool, parts: Sequence[Part]) -> Outcome | None:
    """Check ``got[key]`` against ``ref[key]`` part by part; the first failure, named, or None."""
    if not isinstance(got, dict):
        return Outcome(0.0, f"expected a dict of results, got {describe(got)}")
    for key, part_check, what in parts:
        outcome = part_check(got.get(key), ref.get(key) if isinstance(ref, dict) else None, reveal)
        if not outcome.passed:
            return outcome.within(what, fraction=0.0)
    return None


def every_part(parts: Mapping[str, Check], passed: str = "all parts match") -> Check:
    """All-or-nothing over the named parts of a dict: the first part that fails names itself."""
    listed = [(key, part_check, key) for key, part_check in parts.items()]

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        return first_failing_part(got, ref, reveal, listed) or Outcome(1.0, passed)

    return check


__all__ = [
    "as_array",
    "as_number",
    "at_least",
    "close",
    "dtype_problem",
    "equal",
    "every_part",
    "first_failing_part",
    "is_raise",
    "raises",
    "value_or_raise",
    "what_happened",
]
