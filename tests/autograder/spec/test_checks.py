"""The scoring primitives on their own: closeness, dtypes, NaN/inf, type confusion, the reveal rule."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from autograder.spec import Outcome, checks
from autograder.spec.probes import attempt

CLOSE = checks.close(rtol=1e-6, atol=1e-9)
# values these tests use, so that a hidden message can be searched for any of them
SECRET_FLOATS = [3.14159265, 2.71828182, -0.577215, 1234.5678]


def verdict(check: Any, got: Any, ref: Any) -> Outcome:
    return check(got, ref, True)


# --------------------------------------------------------------------------- close
@pytest.mark.parametrize(
    ("got", "ref"),
    [
        (1.0, 1.0),
        (1.0 + 1e-8, 1.0),
        (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7])),
        ([1.0, 2.0], np.array([1.0, 2.0])),
        (np.float32(1.5) * np.ones(3, dtype=np.float32), np.full(3, 1.5)),
        ({"a": 1.0, "b": [2.0, "x"]}, {"a": 1.0, "b": [2.0, "x"]}),
        ({"a": 1.0, "extra": 5}, {"a": 1.0}),  # extra keys are allowed
        (np.array([np.nan, 1.0]), np.array([np.nan, 1.0])),
        (np.array([np.inf, -np.inf]), np.array([np.inf, -np.inf])),
        (np.array([1, 2], dtype=np.int32), np.array([1, 2], dtype=np.int64)),
        (np.array([True, False]), np.array([1, 0])),  # booleans stand for integers
    ],
)
def test_close_accepts_equal_data(got: Any, ref: Any) -> None:
    outcome = verdict(CLOSE, got, ref)
    assert outcome.passed, outcome.text(True)


@pytest.mark.parametrize(
    ("got", "ref", "words"),
    [
        (1.1, 1.0, "values differ"),
        (np.array([1.0, 2.0]), np.array([1.0, 2.5]), "1 of 2 entries"),
        (np.array([1.0, np.nan]), np.array([1.0, 2.0]), "NaN"),
        (np.array([1.0, np.inf]), np.array([1.0, 2.0]), "infinite"),
        (np.array([1.0, 2.0]), np.array([1.0, np.nan]), "values differ"),
        (np.ones(3), np.ones(4), "shape"),
        (np.ones((2, 2)), np.ones(4), "shape"),
        ("1.0", 1.0, "expected numbers"),
        (None, 1.0, "expected numbers"),
        ({"a": 1.0}, 1.0, "expected numbers"),
        (np.array([1.5, 2.0]), np.array([1, 2]), "expected integers"),
        (np.array([1, 2]), np.array([1.0, 2.0]), "floating-point"),
        (np.array([1.0], dtype=np.float16), np.array([1.0]), "float32 precision"),
        (np.array([1, 0]), np.array([True, False]), "booleans"),
        ({"b": 1.0}, {"a": 1.0}, "missing"),
        ([1.0], {"a": 1.0}, "expected a dict"),
        ("x", "y", "different"),
        (3, "y", "expected a str"),
        ([1.0, "x"], [1.0, "x", 2.0], "list of 3"),
    ],
)
def test_close_refuses_different_data_and_says_why(got: Any, ref: Any, words: str) -> None:
    outcome = verdict(CLOSE, got, ref)
    assert not outcome.passed
    assert words in outcome.text(True), outcome.text(True)


def test_close_tolerances_are_relative_and_absolute() -> None:
    assert verdict(checks.close(rtol=1e-3, atol=0.0), 1000.5, 1000.0).passed
    assert not verdict(checks.close(rtol=1e-3, atol=0.0), 1.5, 1.0).passed
    assert verdict(checks.close(rtol=0.0, atol=0.1), 0.05, 0.0).passed


def test_float32_is_refused_where_the_spec_asks_for_float64() -> None:
    strict = checks.close(allow_float32=False)
    outcome = verdict(strict, np.ones(2, dtype=np.float32), np.ones(2))
    assert not outcome.passed and "float64" in outcome.message


def test_equal_is_exact() -> None:
    assert verdict(checks.equal(), [1, "a", np.array([1, 2])], [1, "a", np.array([1, 2])]).passed
    assert not verdict(checks.equal(), 1.0 + 1e-15, 1.0).passed
    assert not verdict(checks.equal(), np.array([1.0]), np.array([1])).passed


# --------------------------------------------------------------------------- the reveal rule
HIDDEN_CASES = [
    (CLOSE, 2.0, SECRET_FLOATS[0]),
    (CLOSE, np.array([1.0, 2.0, 3.0]), np.array(SECRET_FLOATS[:3])),
    (CLOSE, {"w": np.array([0.0])}, {"w": np.array([SECRET_FLOATS[1]])}),
    (CLOSE, [0.0, 0.0], [SECRET_FLOATS[2], SECRET_FLOATS[3]]),
    (checks.equal(), "some label", "secret label"),
    (checks.every_part({"a": CLOSE}), {"a": 0.0}, {"a": SECRET_FLOATS[3]}),
]


def _numbers_in(text: str) -> list[float]:
    return [float(m) for m in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)]


@pytest.mark.parametrize(("check", "got", "ref"), HIDDEN_CASES)
def test_a_hidden_message_never_shows_a_value(check: Any, got: Any, ref: Any) -> None:
    outcome = check(got, ref, False)
    assert not outcome.passed
    hidden = outcome.text(reveal=False)
    public = outcome.text(reveal=True)
    assert hidden == outcome.message and outcome.detail, "the values belong in the detail"
    assert "secret" not in hidden
    for number in _numbers_in(hidden):
        assert not any(math.isclose(number, s, rel_tol=1e-3) for s in SECRET_FLOATS), hidden
    assert public.startswith(hidden) and len(public) > len(hidden)


def test_a_public_message_says_expected_and_got() -> None:
    text = CLOSE(2.0, 3.0, True).text(True)
    assert "expected 3" in text and "got 2" in text


# --------------------------------------------------------------------------- thresholds
def test_at_least_reads_a_number_or_a_key() -> None:
    assert verdict(checks.at_least(0.9, what="accuracy"), 0.95, None).passed
    assert verdict(checks.at_least(0.9, key="acc"), {"acc": np.float64(0.95)}, None).passed
    assert not verdict(checks.at_least(0.9), 0.85, None).passed
    low = checks.at_least(0.9, what="accuracy")(0.8512, None, False)
    assert "0.8512" not in low.message and "0.8512" in low.text(True)
    for bad in (float("nan"), float("inf"), "0.95", None, [0.95], True):
        assert not verdict(checks.at_least(0.9), bad, None).passed


# --------------------------------------------------------------------------- raising
class NotFittedError(RuntimeError):
    pass


def _raise(error: BaseException) -> Any:
    raise error


def test_attempt_records_a_value_or_the_builtin_classes_of_a_raise() -> None:
    assert attempt(lambda: 3) == {"value": 3}
    record = attempt(_raise, NotFittedError("call fit first"), mentions=("fit", "predict"))
    assert record["raised"] == "RuntimeError"  # never the student's own class name
    assert record["raised_types"] == ["RuntimeError", "Exception", "BaseException"]
    assert record["mentions"] == {"fit": True, "predict": False}
    assert "call fit first" not in repr(record)  # the message itself stays in the sandbox
    assert attempt(lambda: object(), keep_value=False) == {"value": None}
    with pytest.raises(NotImplementedError):
        attempt(_raise, NotImplementedError())


def test_raises_accepts_subclasses_like_isinstance() -> None:
    check = checks.raises("RuntimeError", mentions="fit")
    assert verdict(check, attempt(_raise, NotFittedError("Fit me"), mentions=("fit",)), None).passed
    assert not verdict(check, attempt(_raise, RuntimeError("no"), mentions=("fit",)), None).passed
    assert not verdict(check, attempt(_raise, ValueError("fit"), mentions=("fit",)), None).passed
    outcome = verdict(check, attempt(lambda: 1), None)
    assert not outcome.passed and "returned a value" in outcome.message
    assert verdict(checks.raises("LookupError"), attempt(_raise, KeyError("k")), None).passed


def test_a_forged_raise_record_is_not_trusted_beyond_its_names() -> None:
    check = checks.raises("ValueError")
    for forged in (
        {"raised": "ValueError"},  # no class list
        {"raised": "ValueError", "raised_types": "ValueError"},
        {"value": 1, "raised_types": ["ValueError"]},
        ["ValueError"],
        None,
    ):
        assert not verdict(check, forged, None).passed


def test_value_or_raise_follows_the_reference() -> None:
    check = checks.value_or_raise(CLOSE)
    raised = attempt(_raise, ValueError("no positives"))
    assert verdict(check, attempt(_raise, ValueError("x")), raised).passed
    assert not verdict(check, attempt(lambda: 0.5), raised).passed
    assert verdict(check, attempt(lambda: 0.5), attempt(lambda: 0.5)).passed
    assert not verdict(check, attempt(_raise, ValueError("x")), attempt(lambda: 0.5)).passed
    assert not verdict(check, attempt(lambda: 0.7), attempt(lambda: 0.5)).passed


# --------------------------------------------------------------------------- parts
def test_every_part_names_the_first_failing_part_and_keeps_its_detail() -> None:
    check = checks.every_part({"mean": CLOSE, "std": CLOSE})
    assert verdict(check, {"mean": 1.0, "std": 2.0}, {"mean": 1.0, "std": 2.0}).passed
    outcome = verdict(check, {"mean": 1.0, "std": 9.0}, {"mean": 1.0, "std": 2.0})
    assert not outcome.passed and outcome.message.startswith("std: ")
    assert "expected 2" in outcome.text(True)
    assert not verdict(check, [1.0, 2.0], {"mean": 1.0, "std": 2.0}).passed
    assert not verdict(check, {"mean": 1.0}, {"mean": 1.0, "std": 2.0}).passed


def test_first_failing_part_is_none_when_all_parts_pass() -> None:
    parts = [("a", CLOSE, "the a part"), ("b", checks.equal(), "the b part")]
    assert (
        checks.first_failing_part({"a": 1.0, "b": "x"}, {"a": 1.0, "b": "x"}, True, parts) is None
    )
    failing = checks.first_failing_part({"a": 1.0, "b": "y"}, {"a": 1.0, "b": "x"}, True, parts)
    assert (
        failing is not None and failing.fraction == 0.0 and failing.message.startswith("the b part")
    )


def test_an_outcome_fraction_outside_zero_one_is_refused() -> None:
    for fraction in (-0.1, 1.5):
        with pytest.raises(ValueError):
            Outcome(fraction)
