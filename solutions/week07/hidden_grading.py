"""Week 7 hidden items: scikit-learn is the oracle.

Each probe runs the student's function on a few named cases (see
``grading.run_cases``) and also returns scikit-learn's value on the same
inputs. At release time both are recorded from the solution run (the release
gate then proves the solution agrees with scikit-learn); when a submission is
graded, the check compares the submission's values with the oracle values from
those recorded references. Whatever the sandbox computes for "oracle" while
grading a submission is ignored, so patching scikit-learn gains nothing.

Every hidden item has a case with Python lists as inputs: the notebook says
every function takes NumPy arrays *or lists*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from grading import (
    EXACT,
    check_cases,
    check_confusion,
    check_fraction,
    check_roc,
    check_threshold,
    run_cases,
)

from autograder.spec import Item

LISTS = "with Python lists as inputs (convert them with np.asarray)"


def as_lists(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(a.tolist() if isinstance(a, np.ndarray) else a for a in args)


def with_lists(cases: Mapping[str, tuple[Any, ...]], of: str) -> dict[str, tuple[Any, ...]]:
    """The cases, plus a ``"lists"`` case: case ``of`` with every array turned into a list."""
    return {**cases, "lists": as_lists(cases[of])}


def oracle_probe(
    ns: dict[str, Any],
    name: str,
    cases: Mapping[str, tuple[Any, ...]],
    oracle: Callable[..., Any],
) -> dict[str, Any]:
    """The student's record on every case, and scikit-learn's value on the same inputs."""
    return {
        "value": run_cases(ns[name], cases),
        "oracle": {case: {"value": oracle(*args)} for case, args in cases.items()},
    }


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# ----------------------------------------------------------------------------- inputs
def binary_with_ties(
    seed: int, n: int = 300, prevalence: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """Scores rounded to one decimal: many ties, some across the two classes."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(np.int64)
    scores = np.clip(np.round(0.5 * y + rng.normal(0.25, 0.25, n), 1), 0.0, 1.0)
    return y, scores


def multiclass(seed: int, n: int = 120, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Unequal class counts, softmax probabilities of noisy logits."""
    rng = np.random.default_rng(seed)
    y = rng.choice(k, size=n, p=np.linspace(1.0, 0.3, k) / np.linspace(1.0, 0.3, k).sum())
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), y] += 1.0
    return y.astype(np.int64), softmax(logits)


def decisions(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    y, probs = multiclass(seed, n=n, k=k)
    return y, probs.argmax(axis=1)


def absent_classes() -> tuple[np.ndarray, np.ndarray, int]:
    """Six classes of which 2 (in the middle) and 5 (the last) never occur, as truth or prediction."""
    y, y_pred = decisions(15, 60, 4)
    relabel = np.array([0, 1, 3, 4])
    return relabel[y], relabel[y_pred], 6


# An F1 tie among three candidates (0.5, 0.2 and 0.1 all reach F1 = 2/3), with scores shared
# across the classes; the tie rule picks 0.5.
Y_TIE = np.array([0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1])
S_TIE = np.array([0.1, 0.7, 0.9, 0.1, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.6, 0.3, 0.1, 0.1])

# Tied maxima: on rows 0-2 the true class is the first of the tied ones, so the argmax rule
# ("the first class on a tie") gets them right and "the last class" gets them wrong.
Y_ARGMAX_TIE = np.array([0, 1, 0, 2, 1, 2, 0, 1, 2])
P_ARGMAX_TIE = np.array(
    [
        [0.4, 0.4, 0.2],
        [0.2, 0.4, 0.4],
        [0.4, 0.2, 0.4],
        [0.1, 0.2, 0.7],
        [0.3, 0.5, 0.2],
        [0.3, 0.3, 0.4],
        [0.6, 0.2, 0.2],
        [0.5, 0.25, 0.25],
        [0.2, 0.1, 0.7],
    ]
)


# ----------------------------------------------------------------------------- oracles
def sk_accuracy(y: Any, y_pred: Any) -> float:
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y, y_pred))


def sk_confusion(y: Any, y_pred: Any, n_classes: int) -> np.ndarray:
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(y, y_pred, labels=range(n_classes)).astype(np.int64)


def sk_prf(y: Any, y_pred: Any) -> dict[str, float]:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y, y_pred, average="binary", zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def sk_roc(y: Any, s: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.metrics import roc_curve

    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
    return fpr, tpr, thresholds


def sk_auroc(y: Any, s: Any) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))


def sk_ap(y: Any, s: Any) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(y, s))


def sk_macro(y: Any, probs: Any) -> float:
    from sklearn.metrics import roc_auc_score

    k = np.shape(probs)[1]
    return float(roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=range(k)))


def sk_log_loss(y: Any, probs: Any) -> float:
    from sklearn.metrics import log_loss

    return float(log_loss(y, probs, labels=range(np.shape(probs)[1])))


def best_f1_threshold(y: Any, s: Any) -> float:
    """The oracle's threshold: scikit-learn's precision-recall curve, best F1, largest threshold on a tie."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y, s)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = np.flatnonzero(np.isclose(f1, f1.max(), rtol=1e-12, atol=0.0))
    return float(thresholds[best].max())


def sk_report(y: Any, probs: Any) -> dict[str, float]:
    return {
        "accuracy": sk_accuracy(y, np.asarray(probs).argmax(axis=1)),
        "macro_auroc": sk_macro(y, probs),
        "log_loss": sk_log_loss(y, probs),
    }


# ----------------------------------------------------------------------------- cases
ACCURACY_CASES = with_lists({"multi": decisions(1, 120, 4)}, of="multi")
CONFUSION_CASES = with_lists(
    {"absent_last": (*decisions(2, 60, 4), 5), "absent_middle": absent_classes()},
    of="absent_last",
)
_Y3, _S3 = binary_with_ties(3)
PRF_CASES = with_lists({"binary": (_Y3, (_S3 >= 0.4).astype(np.int64))}, of="binary")
PRF_EDGE_CASES = {
    "nothing_predicted": (np.array([0, 1, 0, 1, 0]), np.zeros(5, dtype=np.int64)),
    "no_positives": (np.zeros(5, dtype=np.int64), np.array([1, 0, 1, 0, 0])),
    "neither": (np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64)),
    "no_hits": (np.array([1, 0, 1, 0, 0]), np.array([0, 1, 0, 1, 0])),
    # TP = 1, FP = FN = 0: denominators of 1 (and 2), which are not 0
    "one_hit": (np.array([0, 1, 0, 0, 0]), np.array([0, 1, 0, 0, 0])),
}
# P = 1 and N = 1: the rates are divided by a count of one (a guard against 0 / 0 must not
# change them)
ROC_CASES = with_lists(
    {
        "ties": binary_with_ties(4),
        "one_positive": (np.array([0, 0, 1, 0, 0, 0]), np.array([0.2, 0.7, 0.5, 0.5, 0.1, 0.9])),
        "one_negative": (np.array([1, 1, 0, 1, 1]), np.array([0.8, 0.3, 0.6, 0.6, 0.9])),
    },
    of="ties",
)
AUROC_CASES = with_lists({"ties": binary_with_ties(5, n=400, prevalence=0.2)}, of="ties")
# Only one class: the notebook's rule is ValueError (recent scikit-learn returns NaN with a
# warning instead, so this item is graded against the reference solution, not the oracle).
AUROC_EDGE_CASES = {
    "no_positives": (np.zeros(6, dtype=np.int64), np.linspace(0.1, 0.6, 6)),
    "all_positives": (np.ones(6, dtype=np.int64), np.linspace(0.1, 0.6, 6)),
}
AP_CASES = with_lists({"ties": binary_with_ties(9)}, of="ties")
# A majority-class predictor on 5 % positives: one constant score for every sample.
# Its accuracy is 0.95, its AP is the prevalence, exactly what random guessing gets.
_Y_RARE = np.zeros(200, dtype=np.int64)
_Y_RARE[::20] = 1
AP_MAJORITY_CASES = {"constant": (_Y_RARE, np.full(200, 0.05))}
MACRO_CASES = with_lists({"softmax": multiclass(6)}, of="softmax")
LOG_LOSS_CASES = with_lists({"softmax": multiclass(10, n=150, k=5)}, of="softmax")
# a probability of exactly 0 (and exactly 1) for the true class: clipped, so the loss stays finite
LOG_LOSS_EDGE_CASES = {
    "zero_and_one": (
        np.array([0, 1, 2, 1]),
        np.array([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]]),
    )
}
THRESHOLD_CASES = with_lists(
    {"rare": binary_with_ties(7, n=500, prevalence=0.08), "tie": (Y_TIE, S_TIE)}, of="rare"
)
REPORT_CASES = with_lists(
    {"softmax": multiclass(8, n=90, k=3), "argmax_tie": (Y_ARGMAX_TIE, P_ARGMAX_TIE)},
    of="softmax",
)


def oracle_item(
    name: str,
    suffix: str,
    points: float,
    cases: Mapping[str, tuple[Any, ...]],
    oracle: Callable[..., Any],
    labels: Mapping[str, str],
    value_check: Any = EXACT,
    *,
    uses: tuple[str, ...] = (),
    hint: str,
) -> Item:
    return Item(
        f"{name}.{suffix}",
        points,
        probe=lambda ns: oracle_probe(ns, name, cases, oracle),
        check=check_cases(labels, value_check, against="oracle"),
        requires=(name, *uses),
        uses=uses,
        hint=hint,
    )


ITEMS = [
    oracle_item(
        "accuracy",
        "hidden",
        1,
        ACCURACY_CASES,
        sk_accuracy,
        {"multi": "on 120 samples of 4 classes", "lists": LISTS},
        check_fraction("accuracy"),
        hint="the fraction of correct predictions, a Python float.",
    ),
    oracle_item(
        "confusion_matrix",
        "hidden",
        1,
        CONFUSION_CASES,
        sk_confusion,
        {
            "absent_last": "with n_classes = 5 where class 4 never occurs (its row and column "
            "are still there, all zeros)",
            "absent_middle": "with n_classes = 6 where classes 2 and 5 never occur (their rows "
            "and columns are still there, all zeros)",
            "lists": LISTS,
        },
        check_confusion,
        hint="an integer array of shape (n_classes, n_classes), even when a class never occurs; rows are true labels.",
    ),
    oracle_item(
        "precision_recall_f1",
        "hidden",
        1,
        PRF_CASES,
        sk_prf,
        {"binary": "on 300 binary samples", "lists": LISTS},
        hint="precision over predicted positives, recall over actual positives, both for the class 1.",
    ),
    oracle_item(
        "precision_recall_f1",
        "edge_cases",
        1,
        PRF_EDGE_CASES,
        sk_prf,
        {
            "nothing_predicted": "when nothing is predicted positive (TP + FP = 0; a ratio whose "
            "denominator is 0 is 0.0)",
            "no_positives": "when y_true holds no positive (TP + FN = 0; a ratio whose "
            "denominator is 0 is 0.0)",
            "neither": "with no positive at all and none predicted (every denominator is 0, so "
            "all three are 0.0)",
            "no_hits": "when no positive is found (TP = 0: precision, recall and F1 = 2 TP / "
            "(2 TP + FP + FN) are all 0.0)",
            "one_hit": "with one positive, predicted positive and nothing else (TP = 1: "
            "denominators of 1 are not 0, all three are 1.0)",
        },
        hint="a ratio whose denominator is 0 is defined as 0.0, not NaN and not an error.",
    ),
    oracle_item(
        "roc_curve",
        "hidden",
        2,
        ROC_CASES,
        sk_roc,
        {
            "ties": "on 300 scores with many ties",
            "one_positive": "with a single positive (TPR = TP / P with P = 1)",
            "one_negative": "with a single negative (FPR = FP / N with N = 1)",
            "lists": LISTS,
        },
        check_roc,
        hint="one point per distinct score, thresholds in decreasing order after +inf, positive when score >= threshold.",
    ),
    oracle_item(
        "auroc",
        "hidden",
        2,
        AUROC_CASES,
        sk_auroc,
        {"ties": "on 400 scores with many ties", "lists": LISTS},
        uses=("roc_curve",),
        hint="ties between a positive and a negative count one half.",
    ),
    Item(
        "auroc.edge_cases",
        1,
        probe=lambda ns: {"value": run_cases(ns["auroc"], AUROC_EDGE_CASES)},
        check=check_cases(
            {
                "no_positives": "when y_true holds only negatives (one class: the area is "
                "undefined, raise ValueError)",
                "all_positives": "when y_true holds only positives (one class: the area is "
                "undefined, raise ValueError)",
            }
        ),
        requires=("auroc", "roc_curve"),
        uses=("roc_curve",),
        hint="with only one class present (no positive, or no negative) AUROC is undefined: raise ValueError.",
    ),
    oracle_item(
        "average_precision",
        "hidden",
        2,
        AP_CASES,
        sk_ap,
        {"ties": "on 300 scores with many ties", "lists": LISTS},
        uses=("roc_curve",),
        hint="step sum over distinct thresholds, precision taken at each threshold.",
    ),
    oracle_item(
        "average_precision",
        "majority",
        1,
        AP_MAJORITY_CASES,
        sk_ap,
        {"constant": "for a constant scorer on 5 % positives (AP must be the prevalence)"},
        uses=("roc_curve",),
        hint="a constant score is a single threshold: AP equals the prevalence of the positive class.",
    ),
    oracle_item(
        "macro_auroc_ovr",
        "hidden",
        1,
        MACRO_CASES,
        sk_macro,
        {"softmax": "on 120 softmax outputs of 4 classes", "lists": LISTS},
        uses=("auroc", "roc_curve"),
        hint="an unweighted mean of one-vs-rest AUROCs, one per column of probs.",
    ),
    oracle_item(
        "log_loss",
        "hidden",
        1,
        LOG_LOSS_CASES,
        sk_log_loss,
        {"softmax": "on 150 softmax outputs of 5 classes", "lists": LISTS},
        hint="mean of -ln p(true class), natural logarithm.",
    ),
    oracle_item(
        "log_loss",
        "edge_cases",
        1,
        LOG_LOSS_EDGE_CASES,
        sk_log_loss,
        {"zero_and_one": "with probabilities of exactly 0 and 1 for the true class"},
        hint="clip probabilities into [eps, 1 - eps] with eps = np.finfo(np.float64).eps before the logarithm.",
    ),
    oracle_item(
        "choose_threshold",
        "hidden",
        1,
        THRESHOLD_CASES,
        best_f1_threshold,
        {
            "rare": "on 500 validation scores with 8 % positives",
            "tie": "on scores where three candidates reach the same best F1",
            "lists": LISTS,
        },
        {name: check_threshold(*case) for name, case in THRESHOLD_CASES.items()},
        uses=("precision_recall_f1",),
        hint="maximise F1 = 2TP / (2TP + FP + FN) over the distinct scores; largest threshold on a tie.",
    ),
    oracle_item(
        "metric_report",
        "hidden",
        2,
        REPORT_CASES,
        sk_report,
        {
            "softmax": "on 90 softmax outputs of 3 classes",
            "argmax_tie": "on rows whose largest probability is tied (the argmax takes the first "
            "of the tied classes)",
            "lists": LISTS,
        },
        uses=("accuracy", "macro_auroc_ovr", "log_loss", "auroc", "roc_curve"),
        hint="accuracy of argmax decisions, macro one-vs-rest AUROC and log loss of the probabilities.",
    ),
]
