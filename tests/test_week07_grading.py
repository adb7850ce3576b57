"""Week 7's trusted checks compute what they grade: the F1 a chosen threshold reaches (so a message
can say "the tie rule" only when the F1 really ties), and the shape of a ROC curve (so a message
names the rule that is broken). The gate (tests/test_course.py) proves the items on the variants."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from tests.conftest import load_week_module


@pytest.fixture(scope="module")
def grading() -> ModuleType:
    return load_week_module("week07", "grading")


def test_trusted_f1_matches_scikit_learn(grading: ModuleType) -> None:
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(0)
    y = (rng.random(200) < 0.2).astype(int)
    scores = np.round(rng.random(200), 1)
    for t in np.unique(scores):
        assert grading.f1_at(y, scores, t) == pytest.approx(
            f1_score(y, (scores >= t).astype(int), zero_division=0), rel=1e-12
        )


def test_public_tie_input_really_ties(grading: ModuleType) -> None:
    f1 = {t: grading.f1_at(grading.Y_TIE, grading.S_TIE, t) for t in np.unique(grading.S_TIE)}
    best = max(f1.values())
    assert sorted(t for t, v in f1.items() if v == best) == [0.19, 0.82]


@pytest.mark.parametrize(
    ("got", "cause"),
    [
        (0.82, "the best threshold"),
        (0.19, "the tie rule says return the largest"),
        (0.64, "another candidate reaches a higher F1"),
        (0.83, "one of the distinct validation scores"),
        ([0.82, 0.67], "one Python float"),
    ],
)
def test_threshold_messages_name_the_cause(grading: ModuleType, got: object, cause: str) -> None:
    check = grading.check_threshold(grading.Y_TIE, grading.S_TIE)
    assert cause in check(got, 0.82, False).message


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (lambda c: [c[0], c[1], np.r_[2.0, c[2][1:]]], "start with +inf"),
        (lambda c: [c[0], c[1], c[2][::-1]], "start with +inf"),
        (lambda c: [np.r_[c[0], 1.0], np.r_[c[1], 1.0], np.r_[c[2], -np.inf]], "no point"),
        (lambda c: [c[1], c[0], c[2]], "swapped"),
        (lambda c: [c[0] * 7, c[1] * 5, c[2]], "rates in [0, 1]"),
        (lambda c: [c[0], c[1], np.r_[c[2][:2], c[2][1:]]], "repeats"),
    ],
)
def test_roc_messages_name_the_rule(grading: ModuleType, change: object, cause: str) -> None:
    from sklearn.metrics import roc_curve

    curve = list(roc_curve(grading.Y_BINARY, grading.S_BINARY, drop_intermediate=False))
    assert grading.check_roc(curve, curve, True).passed
    assert cause in grading.check_roc(change(curve), curve, True).message
