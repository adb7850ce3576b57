"""Week 7 variants: wrong answers that must lose points, right ones written differently that must not."""

from __future__ import annotations

import math

import numpy as np

from autograder.spec import Variant


# ----------------------------------------------------------------------------- accuracy
def accuracy_with_loop(y_true, y_pred):
    """Right: a plain loop over pairs."""
    correct = 0
    pairs = list(zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist(), strict=True))
    for truth, guess in pairs:
        correct += truth == guess
    return correct / len(pairs)


def accuracy_as_count(y_true, y_pred):
    """Wrong: the number of correct predictions, not the fraction."""
    return int(np.sum(np.asarray(y_true) == np.asarray(y_pred)))


# ----------------------------------------------------------------------------- confusion matrix
def confusion_via_sklearn(y_true, y_pred, n_classes):
    """Right: scikit-learn with explicit labels."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(y_true, y_pred, labels=list(range(n_classes)))


def confusion_transposed(y_true, y_pred, n_classes):
    """Wrong: rows are predictions, columns truth."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_pred), np.asarray(y_true)), 1)
    return matrix


def confusion_sized_by_labels_seen(y_true, y_pred, n_classes):
    """Wrong: sized by the largest label seen, ignoring n_classes."""
    k = int(max(np.max(y_true), np.max(y_pred))) + 1
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


# ----------------------------------------------------------------------------- precision / recall / F1
def prf_from_loop(y_true, y_pred):
    """Right: counts in a loop, F1 as the harmonic mean of precision and recall, float32 ratios."""
    tp = fp = fn = 0
    for truth, guess in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist(), strict=True):
        tp += truth == 1 and guess == 1
        fp += truth != 1 and guess == 1
        fn += truth == 1 and guess != 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def prf_swapped(y_true, y_pred):
    """Wrong: precision and recall swapped."""
    right = prf_from_loop(y_true, y_pred)
    return {"precision": right["recall"], "recall": right["precision"], "f1": right["f1"]}


def prf_nan_on_zero_division(y_true, y_pred):
    """Wrong: 0 / 0 becomes NaN instead of 0."""
    y_true, y_pred = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
    tp, fp, fn = np.sum(y_true & y_pred), np.sum(~y_true & y_pred), np.sum(y_true & ~y_pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.float64(tp) / np.float64(tp + fp)
        recall = np.float64(tp) / np.float64(tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1)}


# ----------------------------------------------------------------------------- ROC curve
def roc_by_brute_force(y_true, scores):
    """Right: one pass over the data per threshold."""
    y = np.asarray(y_true).tolist()
    s = np.asarray(scores, dtype=float).tolist()
    positives = sum(1 for v in y if v == 1)
    negatives = len(y) - positives
    thresholds = [math.inf, *sorted(set(s), reverse=True)]
    fpr, tpr = [], []
    for t in thresholds:
        tp = sum(1 for v, score in zip(y, s, strict=True) if score >= t and v == 1)
        fp = sum(1 for v, score in zip(y, s, strict=True) if score >= t and v != 1)
        tpr.append(tp / positives)
        fpr.append(fp / negatives)
    return np.array(fpr), np.array(tpr), np.array(thresholds)


def roc_without_tie_handling(y_true, scores):
    """Wrong: every sample is its own threshold (a staircase through tied scores)."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    tp, fp = np.cumsum(y[order]), np.cumsum(~y[order])
    return np.r_[0, fp] / fp[-1], np.r_[0, tp] / tp[-1], np.r_[np.inf, s[order]]


def roc_via_sklearn(y_true, scores):
    from sklearn.metrics import roc_curve

    return roc_curve(y_true, scores, drop_intermediate=False)


# ----------------------------------------------------------------------------- AUROC
def auroc_mann_whitney(y_true, scores):
    """Right: count correctly ordered (positive, negative) pairs, ties one half."""
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], s[y != 1]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need both classes")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def auroc_ties_lost(y_true, scores):
    """Wrong: a tied pair counts as wrongly ordered."""
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], s[y != 1]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("need both classes")
    return float((pos[:, None] > neg[None, :]).mean())


def auroc_without_check(y_true, scores):
    """Wrong: one class only gives NaN instead of raising."""
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], s[y != 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
        return float(np.float64(wins) / (len(pos) * len(neg)))


# ----------------------------------------------------------------------------- average precision
def ap_with_loop(y_true, scores):
    """Right: loop over the distinct thresholds, float32 scores (exact: they only order the samples)."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=np.float32)
    total, previous_recall = 0.0, 0.0
    for t in sorted(set(s.tolist()), reverse=True):
        chosen = s >= t
        tp = int(np.sum(chosen & y))
        recall = tp / int(y.sum())
        total += (recall - previous_recall) * tp / int(chosen.sum())
        previous_recall = recall
    return total


def ap_trapezoid(y_true, scores):
    """Wrong: trapezoid area under the PR curve, starting at (recall 0, precision 1)."""
    from sklearn.metrics import auc, precision_recall_curve

    precision, recall, _ = precision_recall_curve(y_true, scores)
    return float(auc(recall, precision))


# ----------------------------------------------------------------------------- macro AUROC
def macro_via_sklearn(y_true, probs):
    """Right: scikit-learn's AUROC per class, averaged by hand."""
    from sklearn.metrics import roc_auc_score

    y, p = np.asarray(y_true), np.asarray(probs)
    return float(sum(roc_auc_score(y == k, p[:, k]) for k in range(p.shape[1])) / p.shape[1])


def macro_weighted_by_prevalence(y_true, probs):
    """Wrong: each class weighted by how often it occurs ('weighted', not 'macro')."""
    from sklearn.metrics import roc_auc_score

    y, p = np.asarray(y_true), np.asarray(probs)
    weights = np.bincount(y, minlength=p.shape[1]) / len(y)
    return float(sum(w * roc_auc_score(y == k, p[:, k]) for k, w in enumerate(weights)))


# ----------------------------------------------------------------------------- log loss
def log_loss_with_loop(y_true, probs):
    """Right: math.log in a loop, float32 probabilities."""
    p = np.asarray(probs, dtype=np.float32)
    eps = np.finfo(np.float64).eps
    total = 0.0
    for row, label in zip(p, np.asarray(y_true).tolist(), strict=True):
        total -= math.log(min(max(float(row[label]), eps), 1 - eps))
    return total / len(p)


def log_loss_base_two(y_true, probs):
    """Wrong: log base 2 (bits, not nats)."""
    p = np.clip(np.asarray(probs, dtype=float), 1e-15, 1)
    return float(-np.mean(np.log2(p[np.arange(len(p)), np.asarray(y_true)])))


def log_loss_unclipped(y_true, probs):
    """Wrong: no clipping, so a zero probability gives infinity."""
    p = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(p[np.arange(len(p)), np.asarray(y_true)])))


# ----------------------------------------------------------------------------- threshold
def threshold_brute_force(y_val, scores_val):
    """Right: loop over candidates in increasing order, '>=' keeps the later (larger) one on ties."""
    y = np.asarray(y_val).tolist()
    s = np.asarray(scores_val, dtype=float).tolist()
    best_t, best_f1 = None, -1.0
    for t in sorted(set(s)):
        tp = sum(1 for v, score in zip(y, s, strict=True) if score >= t and v == 1)
        fp = sum(1 for v, score in zip(y, s, strict=True) if score >= t and v != 1)
        fn = sum(1 for v, score in zip(y, s, strict=True) if score < t and v == 1)
        f1 = 2 * tp / (2 * tp + fp + fn)
        if f1 >= best_f1:
            best_t, best_f1 = t, f1
    return best_t


def threshold_best_accuracy(y_val, scores_val):
    """Wrong: maximises accuracy (on rare positives it mostly predicts negative)."""
    y = np.asarray(y_val) == 1
    s = np.asarray(scores_val, dtype=float)
    candidates = np.unique(s)[::-1]
    accuracies = [np.mean((s >= t) == y) for t in candidates]
    return float(candidates[int(np.argmax(accuracies))])


def threshold_fixed_half(y_val, scores_val):
    """Wrong: keeps the default 0.5 instead of tuning."""
    return 0.5


# ----------------------------------------------------------------------------- metric report
def report_via_sklearn(y_true, probs):
    """Right: scikit-learn's metrics."""
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    p = np.asarray(probs, dtype=float)
    labels = list(range(p.shape[1]))
    return {
        "accuracy": float(accuracy_score(y_true, p.argmax(axis=1))),
        "macro_auroc": float(
            np.mean([roc_auc_score(np.asarray(y_true) == k, p[:, k]) for k in labels])
        ),
        "log_loss": float(log_loss(y_true, p, labels=labels)),
    }


def report_auroc_of_decisions(y_true, probs):
    """Wrong: AUROC of the one-hot argmax decisions, which throws the ranking away."""
    p = np.asarray(probs, dtype=float)
    one_hot = np.eye(p.shape[1])[p.argmax(axis=1)]
    report = report_via_sklearn(y_true, p)
    report["macro_auroc"] = macro_via_sklearn(y_true, one_hot)
    return report


WRONG = [
    Variant("accuracy", accuracy_as_count, "a count, not a fraction"),
    Variant("confusion_matrix", confusion_transposed, "transposed"),
    Variant(
        "confusion_matrix",
        confusion_sized_by_labels_seen,
        "ignores n_classes",
        breaks=("confusion_matrix.hidden",),
    ),
    Variant(
        "precision_recall_f1",
        prf_swapped,
        "precision and recall swapped",
        breaks=("precision_recall_f1", "precision_recall_f1.hidden"),
    ),
    Variant(
        "precision_recall_f1",
        prf_nan_on_zero_division,
        "NaN on zero division",
        breaks=("precision_recall_f1.edge_cases",),
    ),
    Variant("roc_curve", roc_without_tie_handling, "ties not grouped"),
    Variant("auroc", auroc_ties_lost, "ties count as losses", breaks=("auroc", "auroc.hidden")),
    Variant(
        "auroc", auroc_without_check, "no ValueError for one class", breaks=("auroc.edge_cases",)
    ),
    Variant("average_precision", ap_trapezoid, "trapezoid PR area"),
    Variant("macro_auroc_ovr", macro_weighted_by_prevalence, "prevalence-weighted average"),
    Variant("log_loss", log_loss_base_two, "log base 2"),
    Variant("log_loss", log_loss_unclipped, "no clipping", breaks=("log_loss.edge_cases",)),
    Variant("choose_threshold", threshold_best_accuracy, "maximises accuracy"),
    Variant(
        "choose_threshold", threshold_fixed_half, "no tuning", breaks=("choose_threshold.hidden",)
    ),
    Variant("metric_report", report_auroc_of_decisions, "AUROC of argmax decisions"),
]

RIGHT = [
    Variant("accuracy", accuracy_with_loop, "loop"),
    Variant("confusion_matrix", confusion_via_sklearn, "scikit-learn"),
    Variant("precision_recall_f1", prf_from_loop, "loop, harmonic mean"),
    Variant("roc_curve", roc_by_brute_force, "one pass per threshold"),
    Variant("roc_curve", roc_via_sklearn, "scikit-learn", label="sklearn"),
    Variant("auroc", auroc_mann_whitney, "pair counting"),
    Variant("average_precision", ap_with_loop, "loop over thresholds, float32 scores"),
    Variant("macro_auroc_ovr", macro_via_sklearn, "scikit-learn per class"),
    Variant("log_loss", log_loss_with_loop, "math.log loop, float32"),
    Variant("choose_threshold", threshold_brute_force, "brute force, increasing order"),
    Variant("metric_report", report_via_sklearn, "scikit-learn"),
]
