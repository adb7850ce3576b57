"""Week 7 hidden items: scikit-learn is the oracle.

Each probe returns the student's value *and* scikit-learn's value on the same
inputs. At release time both are recorded from the solution run (the release
gate then proves the solution agrees with scikit-learn); when a submission is
graded, the check compares the submission's value with the oracle value from
those recorded references. Whatever the sandbox computes for "oracle" while
grading a submission is ignored, so patching scikit-learn gains nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from grading import EXACT

from autograder.spec import Item, Outcome, checks
from autograder.spec.probes import attempt


def check_oracle(got: Any, ref: Any, reveal: bool) -> Outcome:
    """The student's value against scikit-learn's value recorded at release time."""
    if not isinstance(got, dict) or "value" not in got:
        return Outcome(0.0, "unexpected result")
    return EXACT(got["value"], ref["oracle"], reveal)


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


# ----------------------------------------------------------------------------- oracle probes
def probe_accuracy(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score

    y, probs = multiclass(1)
    y_pred = probs.argmax(axis=1)
    return {"value": ns["accuracy"](y, y_pred), "oracle": float(accuracy_score(y, y_pred))}


def probe_confusion(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix

    y, probs = multiclass(2, n=60, k=4)
    y_pred = probs.argmax(axis=1)
    # five classes, the last one never occurs: the matrix is still 5 x 5
    return {
        "value": ns["confusion_matrix"](y, y_pred, 5),
        "oracle": confusion_matrix(y, y_pred, labels=range(5)).astype(np.int64),
    }


def probe_prf(ns: dict[str, Any], y: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y, y_pred, average="binary", zero_division=0)
    return {
        "value": ns["precision_recall_f1"](y, y_pred),
        "oracle": {"precision": float(p), "recall": float(r), "f1": float(f)},
    }


def _prf_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    y, s = binary_with_ties(3)
    return probe_prf(ns, y, (s >= 0.4).astype(np.int64))


def _prf_edges(ns: dict[str, Any]) -> dict[str, Any]:
    y = np.array([0, 1, 0, 1, 0])
    return probe_prf(
        ns, y, np.zeros(5, dtype=np.int64)
    )  # nothing predicted positive: precision 0 by the rule


def probe_roc(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import roc_curve

    y, s = binary_with_ties(4)
    fpr, tpr, thresholds = roc_curve(y, s, drop_intermediate=False)
    return {"value": ns["roc_curve"](y, s), "oracle": (fpr, tpr, thresholds)}


def probe_auroc(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    y, s = binary_with_ties(5, n=400, prevalence=0.2)
    return {"value": ns["auroc"](y, s), "oracle": float(roc_auc_score(y, s))}


def probe_auroc_edges(ns: dict[str, Any]) -> dict[str, Any]:
    # Only one class: the notebook's rule is ValueError (recent scikit-learn returns NaN with a
    # warning instead, so this item is graded against the reference solution, not the oracle).
    y = np.zeros(6, dtype=np.int64)
    return attempt(ns["auroc"], y, np.linspace(0.1, 0.6, 6))


def probe_ap(ns: dict[str, Any], y: np.ndarray, s: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import average_precision_score

    return {
        "value": ns["average_precision"](y, s),
        "oracle": float(average_precision_score(y, s)),
    }


def _ap_majority(ns: dict[str, Any]) -> dict[str, Any]:
    # A majority-class predictor on 5 % positives: one constant score for every sample.
    # Its accuracy is 0.95, its AP is the prevalence, exactly what random guessing gets.
    y = np.zeros(200, dtype=np.int64)
    y[::20] = 1
    return probe_ap(ns, y, np.full(200, 0.05))


def probe_macro(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    y, probs = multiclass(6)
    oracle = roc_auc_score(
        y, probs, multi_class="ovr", average="macro", labels=range(probs.shape[1])
    )
    return {"value": ns["macro_auroc_ovr"](y, probs), "oracle": float(oracle)}


def probe_log_loss(ns: dict[str, Any], y: np.ndarray, probs: np.ndarray) -> dict[str, Any]:
    from sklearn.metrics import log_loss

    return {
        "value": ns["log_loss"](y, probs),
        "oracle": float(log_loss(y, probs, labels=range(probs.shape[1]))),
    }


def _log_loss_edges(ns: dict[str, Any]) -> dict[str, Any]:
    # a probability of exactly 0 (and exactly 1) for the true class: clipped, so the loss stays finite
    y = np.array([0, 1, 2, 1])
    probs = np.array([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]])
    return probe_log_loss(ns, y, probs)


def best_f1_threshold(y: np.ndarray, s: np.ndarray) -> float:
    """The oracle's threshold: scikit-learn's precision-recall curve, best F1, largest threshold on a tie."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y, s)
    precision, recall = precision[:-1], recall[:-1]  # the last point has no threshold
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = np.flatnonzero(np.isclose(f1, f1.max(), rtol=1e-12, atol=0.0))
    return float(thresholds[best].max())


def probe_threshold(ns: dict[str, Any]) -> dict[str, Any]:
    y, s = binary_with_ties(7, n=500, prevalence=0.08)
    return {"value": ns["choose_threshold"](y, s), "oracle": best_f1_threshold(y, s)}


def probe_report(ns: dict[str, Any]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    y, probs = multiclass(8, n=90, k=3)
    labels = range(probs.shape[1])
    return {
        "value": ns["metric_report"](y, probs),
        "oracle": {
            "accuracy": float(accuracy_score(y, probs.argmax(axis=1))),
            "macro_auroc": float(
                roc_auc_score(y, probs, multi_class="ovr", average="macro", labels=labels)
            ),
            "log_loss": float(log_loss(y, probs, labels=labels)),
        },
    }


def _binary_ap(ns: dict[str, Any]) -> dict[str, Any]:
    return probe_ap(ns, *binary_with_ties(9))


def _log_loss_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    return probe_log_loss(ns, *multiclass(10, n=150, k=5))


ITEMS = [
    Item(
        "accuracy.hidden",
        1,
        probe=probe_accuracy,
        check=check_oracle,
        requires=("accuracy",),
        hint="the fraction of correct predictions.",
    ),
    Item(
        "confusion_matrix.hidden",
        1,
        probe=probe_confusion,
        check=check_oracle,
        requires=("confusion_matrix",),
        hint="the matrix is n_classes x n_classes even when a class never occurs; rows are true labels.",
    ),
    Item(
        "precision_recall_f1.hidden",
        1,
        probe=_prf_hidden,
        check=check_oracle,
        requires=("precision_recall_f1",),
        hint="precision over predicted positives, recall over actual positives.",
    ),
    Item(
        "precision_recall_f1.edge_cases",
        1,
        probe=_prf_edges,
        check=check_oracle,
        requires=("precision_recall_f1",),
        hint="a ratio whose denominator is 0 is defined as 0.0, not NaN.",
    ),
    Item(
        "roc_curve.hidden",
        2,
        probe=probe_roc,
        check=check_oracle,
        requires=("roc_curve",),
        hint="one point per distinct score, thresholds in decreasing order after +inf.",
    ),
    Item(
        "auroc.hidden",
        2,
        probe=probe_auroc,
        check=check_oracle,
        requires=("auroc",),
        hint="ties between a positive and a negative count one half.",
    ),
    Item(
        "auroc.edge_cases",
        1,
        probe=probe_auroc_edges,
        check=checks.value_or_raise(EXACT),
        requires=("auroc",),
        hint="with only one class present AUROC is undefined: raise ValueError.",
    ),
    Item(
        "average_precision.hidden",
        2,
        probe=_binary_ap,
        check=check_oracle,
        requires=("average_precision",),
        hint="step sum over distinct thresholds, precision taken at each threshold.",
    ),
    Item(
        "average_precision.majority",
        1,
        probe=_ap_majority,
        check=check_oracle,
        requires=("average_precision",),
        hint="a constant score is a single threshold: AP equals the prevalence of the positive class.",
    ),
    Item(
        "macro_auroc_ovr.hidden",
        1,
        probe=probe_macro,
        check=check_oracle,
        requires=("macro_auroc_ovr",),
        hint="an unweighted mean of one-vs-rest AUROCs.",
    ),
    Item(
        "log_loss.hidden",
        1,
        probe=_log_loss_hidden,
        check=check_oracle,
        requires=("log_loss",),
        hint="mean of -ln p(true class).",
    ),
    Item(
        "log_loss.edge_cases",
        1,
        probe=_log_loss_edges,
        check=check_oracle,
        requires=("log_loss",),
        hint="clip probabilities into [eps, 1 - eps] with eps = np.finfo(np.float64).eps before the logarithm.",
    ),
    Item(
        "choose_threshold.hidden",
        1,
        probe=probe_threshold,
        check=check_oracle,
        requires=("choose_threshold",),
        hint="maximise F1 = 2TP / (2TP + FP + FN) over the distinct scores; largest threshold on a tie.",
    ),
    Item(
        "metric_report.hidden",
        2,
        probe=probe_report,
        check=check_oracle,
        requires=("metric_report",),
        hint="accuracy of argmax decisions, macro one-vs-rest AUROC and log loss of the probabilities.",
    ),
]
