"""Week 7 grading spec (public items): measuring the performance of a classifier.

Public items compare the student's numbers with the reference solution's on
small hand-made inputs with ties. The hidden items (``hidden_grading.py``) use
scikit-learn as the oracle: their probes also return scikit-learn's value on
the same inputs, and the checks compare the student's value with the oracle
value *recorded at release time* (the reference), never with anything the
sandbox computed while grading. The trusted checks never import scikit-learn.

Several items run one function on a few named *cases* (see :func:`run_cases`
and :func:`check_cases`): the first case that fails names itself and the rule
it exercises, so a hidden item's message says what went wrong without a value.
Every rule the notebook states, and the items and wrong variants that prove it
is graded, is listed in the private ``rules.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from autograder.spec import Check, Item, Outcome, checks
from autograder.spec.messages import describe, expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 7: measuring performance"}


# Deterministic metrics: 1e-6 relative accepts float32 arithmetic (a float32 log loss is off by
# about 1e-7) and summing in another order; every wrong variant is off by more than 1e-3.
EXACT = checks.close(rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------- public inputs
# Binary labels and scores with ties across the classes (0.6 and 0.35 are shared by a
# positive and a negative), so a curve that gives every sample its own threshold is wrong.
Y_BINARY = np.array([1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0])
S_BINARY = np.array([0.9, 0.6, 0.6, 0.8, 0.1, 0.35, 0.35, 0.2, 0.7, 0.5, 0.35, 0.05])

# Three classes with unequal counts (5, 3, 2) so macro and prevalence-weighted averages differ.
Y_MULTI = np.array([0, 0, 0, 0, 0, 1, 1, 1, 2, 2])
P_MULTI = np.array(
    [
        [0.7, 0.2, 0.1],
        [0.5, 0.4, 0.1],
        [0.3, 0.4, 0.3],
        [0.6, 0.1, 0.3],
        [0.2, 0.2, 0.6],
        [0.1, 0.8, 0.1],
        [0.4, 0.5, 0.1],
        [0.5, 0.3, 0.2],
        [0.2, 0.3, 0.5],
        [0.1, 0.1, 0.8],
    ]
)
Y_PRED_MULTI = np.array([0, 1, 0, 2, 0, 1, 1, 0, 2, 1])

# An F1 tie: the candidates 0.82 and 0.19 both reach the best F1 (2/3, also as the harmonic
# mean of precision and recall in floating point); the tie rule picks 0.82.
Y_TIE = np.array([1, 0, 1, 0, 0, 1, 0, 1])
S_TIE = np.array([0.85, 0.51, 0.19, 0.25, 0.46, 0.82, 0.64, 0.3])


# ----------------------------------------------------------------------------- cases
def run_cases(function: Callable[..., Any], cases: Mapping[str, tuple[Any, ...]]) -> dict[str, Any]:
    """(sandbox) ``function(*args)`` on every case, each recorded as a value or a raise."""
    return {name: attempt(function, *args) for name, args in cases.items()}


def check_cases(
    labels: Mapping[str, str],
    value_check: Check | Mapping[str, Check] = EXACT,
    *,
    against: str = "value",
) -> Check:
    """Every case of a :func:`run_cases` probe (``got["value"][case]``) against the reference.

    ``against`` names the part of the reference holding the expected record of
    each case: ``"value"`` (the solution's) or ``"oracle"`` (scikit-learn's,
    recorded at release). Where the expected record is a raise, the submission
    must raise the same built-in class (or a subclass); otherwise its value is
    compared with ``value_check`` (one check, or one per case). The first
    failing case names itself with its label (the rule it exercises).
    """

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or not isinstance(got.get("value"), dict):
            return Outcome(0.0, f"unexpected result ({describe(got)})")
        expected = ref[against]
        for case, label in labels.items():
            part = value_check[case] if isinstance(value_check, Mapping) else value_check
            outcome = checks.value_or_raise(part)(got["value"].get(case), expected[case], reveal)
            if not outcome.passed:
                return outcome.within(label, fraction=0.0)
        source = "scikit-learn" if against == "oracle" else "the reference"
        return Outcome(1.0, f"matches {source} on every case")

    return check


# ----------------------------------------------------------------------------- value checks
def check_fraction(what: str) -> Check:
    """A rate in [0, 1] (a count or a percentage says so), then the exact value."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        number = checks.as_number(got)
        if number is not None and not 0.0 <= number <= 1.0:
            return Outcome(
                0.0,
                f"{what} must be a fraction in [0, 1], not a count or a percentage",
                expected_got(ref, got),
            )
        return EXACT(got, ref, reveal)

    return check


def check_confusion(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Exact integer counts; a transposed matrix is named as such."""
    outcome = checks.equal()(got, ref, reveal)
    if outcome.passed:
        return outcome
    array = checks.as_array(got)
    reference = np.asarray(ref)
    if (
        array is not None
        and array.shape == reference.shape
        and array.dtype.kind in "iub"
        and np.array_equal(array.T, reference)
    ):
        return Outcome(
            0.0,
            "the matrix is transposed: rows are the true class, columns the predicted class",
        )
    return outcome


def _rates(values: np.ndarray) -> bool:
    return bool(np.all((values >= 0) & (values <= 1)))


def check_roc(got: Any, ref: Any, reveal: bool) -> Outcome:
    """``(fpr, tpr, thresholds)`` exactly, with the likely cause named when the curve differs."""
    if not isinstance(got, list) or len(got) != 3:
        return Outcome(
            0.0, f"roc_curve must return three arrays (fpr, tpr, thresholds), got {describe(got)}"
        )
    fpr, tpr, thresholds = (checks.as_array(part) for part in got)
    ref_fpr, ref_tpr, ref_thresholds = (np.asarray(part) for part in ref)
    if fpr is None or tpr is None or thresholds is None:
        return Outcome(0.0, "fpr, tpr and thresholds must each be an array of numbers")
    if thresholds.ndim != 1 or thresholds.size == 0 or thresholds[0] != np.inf:
        return Outcome(
            0.0, "thresholds must start with +inf (nothing predicted positive: the point (0, 0))"
        )
    steps = np.diff(thresholds)
    if np.any(steps == 0):
        return Outcome(
            0.0,
            "a threshold repeats: thresholds are the *distinct* scores, tied samples cross the "
            "threshold together (one point for all of them)",
        )
    if np.any(steps > 0):
        return Outcome(
            0.0, "thresholds must be the distinct scores in decreasing order, after +inf"
        )
    if thresholds.shape != ref_thresholds.shape:
        return Outcome(
            0.0,
            "expected one point per distinct score, plus the first at +inf: tied samples cross the "
            "threshold together, and no point is dropped or added",
            f"expected {ref_thresholds.size} points, got {thresholds.size}",
        )
    if fpr.shape == tpr.shape == ref_fpr.shape and not (_rates(fpr) and _rates(tpr)):
        return Outcome(
            0.0, "fpr and tpr must be rates in [0, 1]: FP / N (negatives) and TP / P (positives)"
        )
    if (
        fpr.shape == ref_tpr.shape
        and np.allclose(fpr, ref_tpr, rtol=1e-6, atol=1e-9)
        and not np.allclose(fpr, ref_fpr, rtol=1e-6, atol=1e-9)
    ):
        return Outcome(0.0, "fpr and tpr are swapped: return (fpr, tpr, thresholds) in that order")
    for name, part, expected in (("thresholds", got[2], ref[2]), ("fpr", got[0], ref[0])):
        outcome = EXACT(part, expected, reveal)
        if not outcome.passed:
            return outcome.within(name)
    outcome = EXACT(got[1], ref[1], reveal)
    if not outcome.passed:
        return outcome.within("tpr (the rates when predicting positive for score >= thresholds[i])")
    return Outcome(1.0, "the curve matches")


def f1_at(y: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    """(trusted) F1 = 2 TP / (2 TP + FP + FN) when predicting positive for ``score >= threshold``."""
    positive, predicted = np.asarray(y) == 1, np.asarray(scores, dtype=np.float64) >= threshold
    tp = int(np.sum(positive & predicted))
    wrong = int(np.sum(positive != predicted))
    return 2 * tp / (2 * tp + wrong) if tp + wrong else 0.0


def check_threshold(y: Any, scores: Any) -> Check:
    """The chosen threshold for one validation set; the trusted side computes the F1 it reaches."""
    y, scores = np.asarray(y), np.asarray(scores, dtype=np.float64)
    candidates = np.unique(scores)

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        threshold = checks.as_number(got)
        if threshold is None:
            return Outcome(
                0.0, f"choose_threshold must return one Python float, got {describe(got)}"
            )
        if math.isclose(threshold, ref, rel_tol=1e-9, abs_tol=1e-12):
            return Outcome(1.0, "the best threshold")
        detail = expected_got(ref, threshold)
        if not np.any(np.isclose(candidates, threshold, rtol=1e-9, atol=1e-12)):
            return Outcome(
                0.0, "the threshold must be one of the distinct validation scores", detail
            )
        reached, best = f1_at(y, scores, threshold), f1_at(y, scores, ref)
        if math.isclose(reached, best, rel_tol=1e-9):
            return Outcome(
                0.0,
                "several candidates reach the best F1; the tie rule says return the largest of them",
                detail,
            )
        return Outcome(
            0.0,
            "another candidate reaches a higher F1 = 2 TP / (2 TP + FP + FN), predicting positive "
            "for score >= t",
            detail,
        )

    return check


PUBLIC_THRESHOLD_CASES = {"scores": (Y_BINARY, S_BINARY), "tie": (Y_TIE, S_TIE)}


# ----------------------------------------------------------------------------- the instructor's example
def instructor_example() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The instructor's note, made concrete: 10 samples, class 1 is the majority (8 of 10).

    ``hesitant`` always answers ``[0.3, 0.4, 0.3]``; ``confident`` answers
    ``[0.1, 0.8, 0.1]`` on the majority class and, on the two minority samples,
    still predicts class 1 but ranks the true class second. Both are right on
    8 of 10 samples; only the confident one ranks the samples.
    """
    y = np.array([1, 1, 0, 1, 1, 1, 2, 1, 1, 1])
    hesitant = np.tile([0.3, 0.4, 0.3], (10, 1))
    confident = np.tile([0.1, 0.8, 0.1], (10, 1))
    confident[2] = [0.3, 0.6, 0.1]
    confident[6] = [0.1, 0.6, 0.3]
    return y, {"hesitant": hesitant, "confident": confident}


def probe_report(
    ns: dict[str, Any], y: np.ndarray, models: dict[str, np.ndarray]
) -> dict[str, Any]:
    return {name: ns["metric_report"](y, probs) for name, probs in models.items()}


REPORT_KEYS = ("accuracy", "macro_auroc", "log_loss")


def check_instructor_example(got: Any, ref: Any, reveal: bool) -> Outcome:
    """The numbers must match the reference; the messages state the facts the example teaches."""
    shape = EXACT(got, ref, reveal)
    if shape.passed:
        return Outcome(1.0, "same accuracy, different AUROC and loss, as the reference")
    if not isinstance(got, dict) or not all(
        isinstance(got.get(m), dict) and all(k in got[m] for k in REPORT_KEYS)
        for m in ("hesitant", "confident")
    ):
        return Outcome(
            0.0,
            "metric_report must return a dict with the keys accuracy, macro_auroc and log_loss",
            shape.detail,
        )
    h, c = got["hesitant"], got["confident"]
    try:
        if h["accuracy"] != c["accuracy"]:
            return Outcome(
                0.0,
                "both predictors take the same argmax decisions, so their accuracy must be equal",
            )
        if not h["macro_auroc"] < c["macro_auroc"]:
            return Outcome(
                0.0,
                "the hesitant predictor gives every sample the same scores, so its AUROC must be 0.5, below the confident one's",
            )
        if not c["log_loss"] < h["log_loss"]:
            return Outcome(
                0.0,
                "the confident predictor gives the true class more probability, so its log loss must be lower",
            )
    except TypeError:
        return Outcome(0.0, "accuracy, macro_auroc and log_loss must be numbers", shape.detail)
    return Outcome(0.0, f"the facts hold but the numbers differ: {shape.message}", shape.detail)


ITEMS = [
    Item(
        "accuracy",
        1,
        probe=lambda ns: ns["accuracy"](Y_MULTI, Y_PRED_MULTI),
        check=check_fraction("accuracy"),
        requires=("accuracy",),
        hint="accuracy is the *fraction* of samples where the prediction equals the label, one Python float in [0, 1].",
    ),
    Item(
        "confusion_matrix",
        1,
        probe=lambda ns: ns["confusion_matrix"](Y_MULTI, Y_PRED_MULTI, 3),
        check=check_confusion,
        requires=("confusion_matrix",),
        hint="an integer array where C[true, predicted] counts the samples: rows are the truth, columns the prediction.",
    ),
    Item(
        "precision_recall_f1",
        1,
        probe=lambda ns: ns["precision_recall_f1"](Y_BINARY, (S_BINARY >= 0.5).astype(int)),
        check=EXACT,
        requires=("precision_recall_f1",),
        hint="a dict with precision = TP / (TP + FP) (of the predicted positives), recall = TP / (TP + FN) (of the actual positives) and F1 = 2 TP / (2 TP + FP + FN).",
    ),
    Item(
        "roc_curve",
        2,
        probe=lambda ns: ns["roc_curve"](Y_BINARY, S_BINARY),
        check=check_roc,
        requires=("roc_curve",),
        hint="one point per *distinct* score (tied samples cross the threshold together), starting at threshold +inf with (0, 0), predicting positive for score >= threshold.",
    ),
    Item(
        "auroc",
        2,
        probe=lambda ns: ns["auroc"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("auroc", "roc_curve"),
        uses=("roc_curve",),
        hint="a positive and a negative with the same score count as half a correctly ordered pair.",
    ),
    Item(
        "average_precision",
        2,
        probe=lambda ns: ns["average_precision"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("average_precision", "roc_curve"),
        uses=("roc_curve",),
        hint="AP is a step sum, sum_n (R_n - R_{n-1}) * P_n over the distinct thresholds (R_0 = 0), not the trapezoid area under the PR curve.",
    ),
    Item(
        "macro_auroc_ovr",
        1,
        probe=lambda ns: ns["macro_auroc_ovr"](Y_MULTI, P_MULTI),
        check=EXACT,
        requires=("macro_auroc_ovr", "auroc", "roc_curve"),
        uses=("auroc", "roc_curve"),
        hint="one AUROC per class k (labels y == k, scores probs[:, k]), then the plain (unweighted) mean (this uses your auroc: fix it first).",
    ),
    Item(
        "log_loss",
        1,
        probe=lambda ns: ns["log_loss"](Y_MULTI, P_MULTI),
        check=EXACT,
        requires=("log_loss",),
        hint="the mean over samples of -ln(probability given to the true class), natural logarithm.",
    ),
    Item(
        "choose_threshold",
        1,
        probe=lambda ns: {
            "value": run_cases(ns["choose_threshold"], PUBLIC_THRESHOLD_CASES),
        },
        check=check_cases(
            {
                "scores": "on the 12 public scores",
                "tie": "on scores where two candidates reach the same best F1",
            },
            {name: check_threshold(*case) for name, case in PUBLIC_THRESHOLD_CASES.items()},
        ),
        requires=("choose_threshold", "precision_recall_f1"),
        uses=("precision_recall_f1",),
        hint="try every distinct validation score t (predict positive when score >= t), keep the best F1, the largest t on a tie.",
    ),
    Item(
        "metric_report",
        2,
        probe=lambda ns: probe_report(ns, *instructor_example()),
        check=check_instructor_example,
        requires=("metric_report", "accuracy", "macro_auroc_ovr", "log_loss", "auroc", "roc_curve"),
        uses=("accuracy", "macro_auroc_ovr", "log_loss", "auroc", "roc_curve"),
        hint="accuracy uses the argmax decisions; macro AUROC and log loss use the probabilities themselves (this uses your accuracy, macro_auroc_ovr and log_loss).",
    ),
]
