"""Week 7 grading spec (public items): measuring the performance of a classifier.

Public items compare the student's numbers with the reference solution's on
small hand-made inputs with ties. The hidden items (``hidden_grading.py``) use
scikit-learn as the oracle: their probes also return scikit-learn's value on
the same inputs, and the checks compare the student's value with the oracle
value *recorded at release time* (the reference), never with anything the
sandbox computed while grading. The trusted checks never import scikit-learn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.spec import Check, Item, Outcome, checks

SETTINGS = {"title": "Week 7: measuring performance"}


# Deterministic metrics: 1e-6 relative accepts float32 arithmetic (a float32 log loss is off by
# about 1e-7) and summing in another order; every wrong variant is off by more than 1e-3.
EXACT = checks.close(rtol=1e-6, atol=1e-9)


# ----------------------------------------------------------------------------- probe helpers
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


def check_instructor_example(got: Any, ref: Any, reveal: bool) -> Outcome:
    """The numbers must match the reference; the messages state the facts the example teaches."""
    shape = EXACT(got, ref, reveal)
    if shape.passed:
        return Outcome(1.0, "same accuracy, different AUROC and loss, as the reference")
    if not isinstance(got, dict) or not all(
        isinstance(got.get(m), dict) for m in ("hesitant", "confident")
    ):
        return Outcome(0.0, f"metric_report: {shape.message}", shape.detail)
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
    except (KeyError, TypeError):
        return Outcome(
            0.0, "metric_report must return a dict with keys accuracy, macro_auroc and log_loss"
        )
    return Outcome(0.0, f"the facts hold but the numbers differ: {shape.message}", shape.detail)


ITEMS = [
    Item(
        "accuracy",
        1,
        probe=lambda ns: ns["accuracy"](Y_MULTI, Y_PRED_MULTI),
        check=EXACT,
        requires=("accuracy",),
        hint="accuracy is the *fraction* of samples where the prediction equals the label, a float in [0, 1].",
    ),
    Item(
        "confusion_matrix",
        1,
        probe=lambda ns: ns["confusion_matrix"](Y_MULTI, Y_PRED_MULTI, 3),
        check=checks.equal(),
        requires=("confusion_matrix",),
        hint="rows are the true class and columns the predicted class: C[true, predicted] += 1.",
    ),
    Item(
        "precision_recall_f1",
        1,
        probe=lambda ns: ns["precision_recall_f1"](Y_BINARY, (S_BINARY >= 0.5).astype(int)),
        check=EXACT,
        requires=("precision_recall_f1",),
        hint="precision = TP / (TP + FP) (of the predicted positives), recall = TP / (TP + FN) (of the actual positives).",
    ),
    Item(
        "roc_curve",
        2,
        probe=lambda ns: ns["roc_curve"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("roc_curve",),
        hint="one point per *distinct* score (tied samples cross the threshold together), starting at threshold +inf with (0, 0).",
    ),
    Item(
        "auroc",
        2,
        probe=lambda ns: ns["auroc"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("auroc",),
        hint="a positive and a negative with the same score count as half a correctly ordered pair.",
    ),
    Item(
        "average_precision",
        2,
        probe=lambda ns: ns["average_precision"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("average_precision",),
        hint="AP is a step sum, sum_n (R_n - R_{n-1}) * P_n over the distinct thresholds, not the trapezoid area under the PR curve.",
    ),
    Item(
        "macro_auroc_ovr",
        1,
        probe=lambda ns: ns["macro_auroc_ovr"](Y_MULTI, P_MULTI),
        check=EXACT,
        requires=("macro_auroc_ovr",),
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
        probe=lambda ns: ns["choose_threshold"](Y_BINARY, S_BINARY),
        check=EXACT,
        requires=("choose_threshold",),
        hint="try every distinct validation score t (predict positive when score >= t), keep the best F1, the largest t on a tie.",
    ),
    Item(
        "metric_report",
        2,
        probe=lambda ns: probe_report(ns, *instructor_example()),
        check=check_instructor_example,
        requires=("metric_report",),
        hint="accuracy uses argmax decisions; macro AUROC and log loss use the probabilities themselves (this uses your accuracy, macro_auroc_ovr and log_loss).",
    ),
]
