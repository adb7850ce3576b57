"""Week 7 variants: wrong answers that must lose points, right ones written differently that must not.

Every wrong variant names the items it must lose (``breaks``): items that only
*use* its target (``Item.uses``, e.g. ``metric_report`` uses ``accuracy``) are
probed with it too, but a mistake there must not be what costs them. Each
target has a ``*_faked`` variant that returns a plausible value of the right
type without computing anything: the gate proves every item resists it.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.spec import Variant

ACC = ("accuracy", "accuracy.hidden")
CM = ("confusion_matrix", "confusion_matrix.hidden")
PRF = ("precision_recall_f1", "precision_recall_f1.hidden", "precision_recall_f1.edge_cases")
ROC = ("roc_curve", "roc_curve.hidden")
AUROC = ("auroc", "auroc.hidden", "auroc.edge_cases")
AP = ("average_precision", "average_precision.hidden", "average_precision.majority")
MACRO = ("macro_auroc_ovr", "macro_auroc_ovr.hidden")
LOSS = ("log_loss", "log_loss.hidden", "log_loss.edge_cases")
THRESHOLD = ("choose_threshold", "choose_threshold.hidden")
REPORT = ("metric_report", "metric_report.hidden")


# ----------------------------------------------------------------------------- accuracy
def accuracy_with_loop(y_true, y_pred):
    """Right: a plain loop over pairs."""
    correct = 0
    pairs = list(zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist(), strict=True))
    for truth, guess in pairs:
        correct += truth == guess
    return correct / len(pairs)


def accuracy_float32(y_true, y_pred):
    """Right: the mean taken in float32."""
    hits = (np.asarray(y_true) == np.asarray(y_pred)).astype(np.float32)
    return float(hits.mean(dtype=np.float32))


def accuracy_as_count(y_true, y_pred):
    """Wrong: the number of correct predictions, not the fraction."""
    return int(np.sum(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy_in_percent(y_true, y_pred):
    """Wrong: a percentage."""
    return 100.0 * float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy_keepdims(y_true, y_pred):
    """Wrong: a one-element array, not a float."""
    return np.mean(np.asarray(y_true) == np.asarray(y_pred), keepdims=True)


def accuracy_arrays_only(y_true, y_pred):
    """Wrong: no np.asarray, so two lists compare as a whole."""
    return float(np.mean(y_true == y_pred))


def accuracy_faked(y_true, y_pred):
    """Wrong: a plausible number, nothing computed."""
    return 0.75


# ----------------------------------------------------------------------------- confusion matrix
def confusion_via_sklearn(y_true, y_pred, n_classes):
    """Right: scikit-learn with explicit labels."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(y_true, y_pred, labels=list(range(n_classes)))


def confusion_with_loop(y_true, y_pred, n_classes):
    """Right: a loop, int32 counts."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int32)
    for truth, guess in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist(), strict=True):
        matrix[truth, guess] += 1
    return matrix


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


def confusion_over_labels_seen(y_true, y_pred, n_classes):
    """Wrong: rows and columns index the labels that occur (np.unique), so absent classes shift the rest."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    seen = np.unique(np.concatenate([y_true, y_pred]))
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.searchsorted(seen, y_true), np.searchsorted(seen, y_pred)), 1)
    return matrix


def confusion_float_counts(y_true, y_pred, n_classes):
    """Wrong: float counts (np.zeros' default dtype), not an integer array."""
    matrix = np.zeros((n_classes, n_classes))
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def confusion_arrays_only(y_true, y_pred, n_classes):
    """Wrong: no np.asarray: on lists, ``*`` repeats and ``+`` concatenates."""
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return counts[: n_classes * n_classes].reshape(n_classes, n_classes).astype(np.int64)


def confusion_faked(y_true, y_pred, n_classes):
    """Wrong: the right shape and dtype, nothing counted."""
    return np.zeros((n_classes, n_classes), dtype=np.int64)


# ----------------------------------------------------------------------------- precision / recall / F1
def _counts(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
    return (
        int(np.sum(y_true & y_pred)),
        int(np.sum(~y_true & y_pred)),
        int(np.sum(y_true & ~y_pred)),
    )


def prf_from_loop(y_true, y_pred):
    """Right: counts in a loop, F1 as the harmonic mean of precision and recall."""
    tp = fp = fn = 0
    for truth, guess in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist(), strict=True):
        tp += truth == 1 and guess == 1
        fp += truth != 1 and guess == 1
        fn += truth == 1 and guess != 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def prf_with_support(y_true, y_pred):
    """Right: an extra diagnostic key (the number of positives) next to the three asked for."""
    tp, fp, fn = _counts(y_true, y_pred)
    result = {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }
    return {**result, "support": tp + fn}


def prf_via_sklearn(y_true, y_pred):
    """Right: scikit-learn with zero_division=0, as numpy float32 values."""
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average="binary", pos_label=1, zero_division=0
    )
    return {"precision": np.float32(p), "recall": np.float32(r), "f1": np.float32(f)}


def prf_swapped(y_true, y_pred):
    """Wrong: precision and recall swapped."""
    right = prf_from_loop(y_true, y_pred)
    return {"precision": right["recall"], "recall": right["precision"], "f1": right["f1"]}


def prf_nan_on_zero_division(y_true, y_pred):
    """Wrong: 0 / 0 becomes NaN instead of 0."""
    tp, fp, fn = (np.float64(c) for c in _counts(y_true, y_pred))
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f1 = 2 * precision * recall / (precision + recall)
    return {"precision": float(precision), "recall": float(recall), "f1": float(f1)}


def prf_guards_precision_only(y_true, y_pred):
    """Wrong: the zero-division rule applied to precision only (recall and F1 divide by 0)."""
    tp, fp, fn = _counts(y_true, y_pred)
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn),
        "f1": 2 * tp / (2 * tp + fp + fn),
    }


def prf_zero_division_one(y_true, y_pred):
    """Wrong: 0 / 0 is 1.0 (scikit-learn's zero_division=1), not 0.0."""
    tp, fp, fn = _counts(y_true, y_pred)

    def ratio(num, den):
        return num / den if den else 1.0

    return {
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
    }


def prf_harmonic_unguarded(y_true, y_pred):
    """Wrong: F1 as 2PR / (P + R) without a guard: with no true positive it divides 0 by 0."""
    tp, fp, fn = _counts(y_true, y_pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def prf_f1_arithmetic_mean(y_true, y_pred):
    """Wrong: F1 as the arithmetic mean of precision and recall."""
    right = prf_from_loop(y_true, y_pred)
    return {**right, "f1": (right["precision"] + right["recall"]) / 2}


def prf_macro(y_true, y_pred):
    """Wrong: averaged over both classes (scikit-learn's average='macro'), not for the class 1."""
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, average="macro", labels=[0, 1], zero_division=0
    )
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def prf_as_tuple(y_true, y_pred):
    """Wrong: a tuple (precision, recall, f1), not the dict."""
    right = prf_from_loop(y_true, y_pred)
    return right["precision"], right["recall"], right["f1"]


def prf_arrays_only(y_true, y_pred):
    """Wrong: no np.asarray: ``list == 1`` is False, so nothing is counted on lists."""
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    fp = int(np.sum((y_true != 1) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred != 1)))
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }


def prf_faked(y_true, y_pred):
    """Wrong: the right keys, nothing counted."""
    return {"precision": 0.5, "recall": 0.5, "f1": 0.5}


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


def roc_via_sklearn(y_true, scores):
    """Right: scikit-learn with drop_intermediate=False."""
    from sklearn.metrics import roc_curve

    return roc_curve(y_true, scores, drop_intermediate=False)


def _roc_parts(y_true, scores):
    """(distinct scores decreasing, TP and FP counts at each), ties grouped."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    distinct = np.unique(s)[::-1]
    tp = np.array([np.sum(y & (s >= t)) for t in distinct])
    fp = np.array([np.sum(~y & (s >= t)) for t in distinct])
    return distinct, tp, fp, int(y.sum()), int((~y).sum())


def roc_without_tie_handling(y_true, scores):
    """Wrong: every sample is its own threshold (a staircase through tied scores)."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    tp, fp = np.cumsum(y[order]), np.cumsum(~y[order])
    return np.r_[0, fp] / fp[-1], np.r_[0, tp] / tp[-1], np.r_[np.inf, s[order]]


def roc_tpr_first(y_true, scores):
    """Wrong: returns (tpr, fpr, thresholds)."""
    fpr, tpr, thresholds = roc_by_brute_force(y_true, scores)
    return tpr, fpr, thresholds


def roc_rates_over_all_samples(y_true, scores):
    """Wrong: FP and TP divided by the number of samples, not by N and P."""
    distinct, tp, fp, p, n = _roc_parts(y_true, scores)
    total = p + n
    return np.r_[0, fp] / total, np.r_[0, tp] / total, np.r_[np.inf, distinct]


def roc_starts_at_max_plus_one(y_true, scores):
    """Wrong: the first threshold is max(score) + 1 (older scikit-learn), not +inf."""
    distinct, tp, fp, p, n = _roc_parts(y_true, scores)
    return np.r_[0, fp] / n, np.r_[0, tp] / p, np.r_[distinct[0] + 1, distinct]


def roc_increasing(y_true, scores):
    """Wrong: np.unique's increasing order after +inf (the curve runs backwards)."""
    distinct, tp, fp, p, n = _roc_parts(y_true, scores)
    return np.r_[0, fp[::-1]] / n, np.r_[0, tp[::-1]] / p, np.r_[np.inf, distinct[::-1]]


def roc_extra_minus_inf(y_true, scores):
    """Wrong: an extra last point at -inf (the curve already ends at (1, 1) at the smallest score)."""
    fpr, tpr, thresholds = roc_by_brute_force(y_true, scores)
    return np.r_[fpr, 1.0], np.r_[tpr, 1.0], np.r_[thresholds, -np.inf]


def roc_strict_greater(y_true, scores):
    """Wrong: predicts positive for score > t, not score >= t."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    distinct = np.unique(s)[::-1]
    tp = np.array([np.sum(y & (s > t)) for t in distinct])
    fp = np.array([np.sum(~y & (s > t)) for t in distinct])
    return np.r_[0, fp] / np.sum(~y), np.r_[0, tp] / np.sum(y), np.r_[np.inf, distinct]


def roc_sklearn_default(y_true, scores):
    """Wrong: scikit-learn's default drop_intermediate=True drops collinear points."""
    from sklearn.metrics import roc_curve

    return roc_curve(y_true, scores)


def roc_arrays_only(y_true, scores):
    """Wrong: no np.asarray: indexing a list with an array fails."""
    order = np.argsort(-np.array(scores), kind="stable")
    sorted_scores, sorted_labels = scores[order], y_true[order] == 1
    last = np.r_[np.flatnonzero(np.diff(sorted_scores) != 0), len(scores) - 1]
    tp = np.cumsum(sorted_labels)[last]
    fp = (last + 1) - tp
    return np.r_[0, fp] / fp[-1], np.r_[0, tp] / tp[-1], np.r_[np.inf, sorted_scores[last]]


def roc_faked(y_true, scores):
    """Wrong: the diagonal of a random scorer, nothing computed."""
    return np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.array([np.inf, float(np.max(scores))])


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


class UndefinedAUROCError(ValueError):
    """A student's own error class: still a ValueError."""


def auroc_custom_error(y_true, scores):
    """Right: raises its own subclass of ValueError; ranks by average rank (float32 scores)."""
    y = np.asarray(y_true) == 1
    p, n = int(y.sum()), int((~y).sum())
    if p == 0 or n == 0:
        raise UndefinedAUROCError("AUROC is undefined with one class")
    from scipy.stats import rankdata

    ranks = rankdata(np.asarray(scores, dtype=np.float32))
    return float((ranks[y].sum() - p * (p + 1) / 2) / (p * n))


def auroc_via_sklearn(y_true, scores):
    """Right: scikit-learn's roc_auc_score, raising ValueError itself (it returns NaN for one class)."""
    from sklearn.metrics import roc_auc_score

    if len(np.unique(np.asarray(y_true))) < 2:
        raise ValueError("only one class in y_true")
    return float(roc_auc_score(y_true, scores))


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


def auroc_checks_positives_only(y_true, scores):
    """Wrong: raises when there is no positive, but not when there is no negative."""
    if not np.any(np.asarray(y_true) == 1):
        raise ValueError("no positive in y_true")
    return auroc_without_check(y_true, scores)


def auroc_asserts_both_classes(y_true, scores):
    """Wrong: an assert (AssertionError), not the ValueError the rule asks for."""
    assert len(np.unique(np.asarray(y_true))) == 2, "need both classes"
    return auroc_mann_whitney(y_true, scores)


def auroc_arrays_only(y_true, scores):
    """Wrong: no np.asarray: ``list == 1`` is one bool, and a list cannot be indexed by it."""
    pos, neg = scores[y_true == 1], scores[y_true != 1]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def auroc_faked(y_true, scores):
    """Wrong: a plausible number, nothing computed."""
    return 0.5


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


def ap_via_sklearn(y_true, scores):
    """Right: scikit-learn's average_precision_score."""
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(y_true, scores))


def _ap_points(y_true, scores):
    _, tp, fp, p, _ = _roc_parts(y_true, scores)
    return tp / p, tp / (tp + fp)


def ap_trapezoid(y_true, scores):
    """Wrong: trapezoid area under the PR curve, starting at (recall 0, precision 1)."""
    from sklearn.metrics import auc, precision_recall_curve

    precision, recall, _ = precision_recall_curve(y_true, scores)
    return float(auc(recall, precision))


def ap_per_sample(y_true, scores):
    """Wrong: one threshold per sample (ties not grouped), in a stable sort order."""
    y = np.asarray(y_true) == 1
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    tp = np.cumsum(y[order])
    precision, recall = tp / np.arange(1, len(y) + 1), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def ap_without_first_slice(y_true, scores):
    """Wrong: forgets R_0 = 0, so the first slice of recall is never paid for."""
    recall, precision = _ap_points(y_true, scores)
    return float(np.sum(np.diff(recall) * precision[1:]))


def ap_arrays_only(y_true, scores):
    """Wrong: no np.asarray: ``-scores`` fails on a list."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, labels = scores[order], np.asarray(y_true)[order] == 1
    last = np.r_[np.flatnonzero(np.diff(sorted_scores) != 0), len(scores) - 1]
    tp = np.cumsum(labels)[last]
    return float(np.sum(np.diff(np.r_[0.0, tp / tp[-1]]) * tp / (last + 1)))


def ap_faked(y_true, scores):
    """Wrong: a plausible number, nothing computed."""
    return 0.5


# ----------------------------------------------------------------------------- macro AUROC
def macro_via_sklearn(y_true, probs):
    """Right: scikit-learn's AUROC per class, averaged by hand."""
    from sklearn.metrics import roc_auc_score

    y, p = np.asarray(y_true), np.asarray(probs)
    return float(sum(roc_auc_score(y == k, p[:, k]) for k in range(p.shape[1])) / p.shape[1])


def macro_pairs_float32(y_true, probs):
    """Right: pair counting per column, float32 probabilities."""
    y, p = np.asarray(y_true), np.asarray(probs, dtype=np.float32)
    return float(np.mean([auroc_mann_whitney(y == k, p[:, k]) for k in range(p.shape[1])]))


def macro_weighted_by_prevalence(y_true, probs):
    """Wrong: each class weighted by how often it occurs ('weighted', not 'macro')."""
    from sklearn.metrics import roc_auc_score

    y, p = np.asarray(y_true), np.asarray(probs)
    weights = np.bincount(y, minlength=p.shape[1]) / len(y)
    return float(sum(w * roc_auc_score(y == k, p[:, k]) for k, w in enumerate(weights)))


def macro_max_prob_scores(y_true, probs):
    """Wrong: scores every class by the largest probability of the row, not by probs[:, k]."""
    y, p = np.asarray(y_true), np.asarray(probs)
    confidence = p.max(axis=1)
    return float(np.mean([auroc_mann_whitney(y == k, confidence) for k in range(p.shape[1])]))


def macro_arrays_only(y_true, probs):
    """Wrong: no np.asarray: ``probs[:, k]`` fails on a list of lists."""
    y = np.asarray(y_true)
    return float(np.mean([auroc_mann_whitney(y == k, probs[:, k]) for k in range(len(probs[0]))]))


def macro_faked(y_true, probs):
    """Wrong: a plausible number, nothing computed."""
    return 0.75


# ----------------------------------------------------------------------------- log loss
EPS = np.finfo(np.float64).eps


def log_loss_with_loop(y_true, probs):
    """Right: math.log in a loop, float32 probabilities."""
    p = np.asarray(probs, dtype=np.float32)
    total = 0.0
    for row, label in zip(p, np.asarray(y_true).tolist(), strict=True):
        total -= math.log(min(max(float(row[label]), EPS), 1 - EPS))
    return total / len(p)


def log_loss_via_sklearn(y_true, probs):
    """Right: scikit-learn's log_loss with every class listed."""
    from sklearn.metrics import log_loss

    return float(log_loss(y_true, probs, labels=list(range(np.shape(probs)[1]))))


def _true_class_probability(y_true, probs, eps=EPS):
    p = np.asarray(probs, dtype=float)
    return np.clip(p[np.arange(len(p)), np.asarray(y_true)], eps, 1 - eps)


def log_loss_base_two(y_true, probs):
    """Wrong: log base 2 (bits, not nats)."""
    return float(-np.mean(np.log2(_true_class_probability(y_true, probs))))


def log_loss_unclipped(y_true, probs):
    """Wrong: no clipping, so a zero probability gives infinity."""
    p = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(p[np.arange(len(p)), np.asarray(y_true)])))


def log_loss_clip_1e_15(y_true, probs):
    """Wrong: clips at 1e-15 (older scikit-learn), not at np.finfo(np.float64).eps."""
    return float(-np.mean(np.log(_true_class_probability(y_true, probs, eps=1e-15))))


def log_loss_summed(y_true, probs):
    """Wrong: the sum over samples, not the mean."""
    return float(-np.sum(np.log(_true_class_probability(y_true, probs))))


def log_loss_one_hot_bce(y_true, probs):
    """Wrong: binary cross-entropy of every column against the one-hot labels."""
    p = np.clip(np.asarray(probs, dtype=float), EPS, 1 - EPS)
    one_hot = np.eye(p.shape[1])[np.asarray(y_true)]
    return float(-np.mean(np.sum(one_hot * np.log(p) + (1 - one_hot) * np.log(1 - p), axis=1)))


def log_loss_arrays_only(y_true, probs):
    """Wrong: no np.asarray: a list of lists cannot be indexed with two arrays."""
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(y_true)), y_true], EPS, 1 - EPS))))


def log_loss_faked(y_true, probs):
    """Wrong: ln(K), the loss of a uniform guess, nothing computed."""
    return float(np.log(np.shape(probs)[1]))


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


def threshold_harmonic_mean(y_val, scores_val):
    """Right: F1 as the harmonic mean of precision and recall, decreasing candidates, strict '>'."""
    y = np.asarray(y_val) == 1
    s = np.asarray(scores_val, dtype=float)
    best_t, best_f1 = None, -1.0
    for t in np.unique(s)[::-1]:
        predicted = s >= t
        precision = np.sum(predicted & y) / np.sum(predicted)
        recall = np.sum(predicted & y) / np.sum(y)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
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


def _f1_per_candidate(y_val, scores_val, strict=False):
    y = np.asarray(y_val) == 1
    s = np.asarray(scores_val, dtype=float)
    candidates = np.unique(s)[::-1]
    predicted = s[None, :] > candidates[:, None] if strict else s[None, :] >= candidates[:, None]
    tp = (predicted & y).sum(axis=1)
    fp = (predicted & ~y).sum(axis=1)
    fn = y.sum() - tp
    return candidates, 2 * tp / np.maximum(2 * tp + fp + fn, 1)


def threshold_smallest_on_tie(y_val, scores_val):
    """Wrong: np.unique's increasing order with argmax keeps the smallest candidate on a tie."""
    candidates, f1 = _f1_per_candidate(y_val, scores_val)
    return float(candidates[::-1][np.argmax(f1[::-1])])


def threshold_strict_greater(y_val, scores_val):
    """Wrong: predicts positive for score > t, not score >= t."""
    candidates, f1 = _f1_per_candidate(y_val, scores_val, strict=True)
    return float(candidates[np.argmax(f1)])


def f1_of(y, predicted):
    tp = np.sum(y & predicted)
    return 2 * tp / max(2 * tp + np.sum(y != predicted), 1)


def threshold_grid(y_val, scores_val):
    """Wrong: candidates on a grid of 101 values in [0, 1], not the validation scores."""
    y = np.asarray(y_val) == 1
    s = np.asarray(scores_val, dtype=float)
    grid = np.linspace(1, 0, 101)
    f1 = [f1_of(y, s >= t) for t in grid]
    return float(grid[int(np.argmax(f1))])


def threshold_with_f1(y_val, scores_val):
    """Wrong: returns (threshold, its F1), not one float."""
    candidates, f1 = _f1_per_candidate(y_val, scores_val)
    best = int(np.argmax(f1))
    return float(candidates[best]), float(f1[best])


def threshold_arrays_only(y_val, scores_val):
    """Wrong: no np.asarray: ``list == 1`` is one bool, so no positive is ever counted on lists."""
    scores = np.asarray(scores_val, dtype=float)
    candidates = np.unique(scores)[::-1]
    f1 = [f1_of(y_val == 1, scores >= t) for t in candidates]
    return float(candidates[int(np.argmax(f1))])


def threshold_faked(y_val, scores_val):
    """Wrong: the mean score, a plausible number with no F1 computed."""
    return float(np.mean(scores_val))


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


def report_with_extra_key(y_true, probs):
    """Right: the three metrics plus a diagnostic key."""
    return {**report_via_sklearn(y_true, probs), "n_samples": len(y_true)}


def report_auroc_of_decisions(y_true, probs):
    """Wrong: AUROC of the one-hot argmax decisions, which throws the ranking away."""
    p = np.asarray(probs, dtype=float)
    one_hot = np.eye(p.shape[1])[p.argmax(axis=1)]
    report = report_via_sklearn(y_true, p)
    report["macro_auroc"] = macro_via_sklearn(y_true, one_hot)
    return report


def report_renamed_keys(y_true, probs):
    """Wrong: the key 'auroc' instead of 'macro_auroc'."""
    report = report_via_sklearn(y_true, probs)
    return {
        "accuracy": report["accuracy"],
        "auroc": report["macro_auroc"],
        "log_loss": report["log_loss"],
    }


def report_last_class_on_tie(y_true, probs):
    """Wrong: the argmax keeps the last of tied classes, not the first."""
    p = np.asarray(probs, dtype=float)
    last = p.shape[1] - 1 - p[:, ::-1].argmax(axis=1)
    return {**report_via_sklearn(y_true, p), "accuracy": float(np.mean(last == np.asarray(y_true)))}


def report_arrays_only(y_true, probs):
    """Wrong: no np.asarray: a list has no argmax."""
    return {
        **report_via_sklearn(y_true, probs),
        "accuracy": accuracy_with_loop(y_true, probs.argmax(axis=1)),
    }


def report_faked(y_true, probs):
    """Wrong: the right keys, nothing computed."""
    return {"accuracy": 0.8, "macro_auroc": 0.5, "log_loss": 1.0}


WRONG = [
    Variant("accuracy", accuracy_as_count, "a count, not a fraction", breaks=ACC),
    Variant("accuracy", accuracy_in_percent, "a percentage", breaks=ACC),
    Variant("accuracy", accuracy_keepdims, "a one-element array", breaks=ACC),
    Variant("accuracy", accuracy_arrays_only, "lists not converted", breaks=("accuracy.hidden",)),
    Variant("accuracy", accuracy_faked, "faked: a constant", breaks=ACC),
    Variant("confusion_matrix", confusion_transposed, "transposed", breaks=CM),
    Variant(
        "confusion_matrix",
        confusion_sized_by_labels_seen,
        "ignores n_classes",
        breaks=("confusion_matrix.hidden",),
    ),
    Variant(
        "confusion_matrix",
        confusion_over_labels_seen,
        "indexes the labels seen",
        breaks=("confusion_matrix.hidden",),
    ),
    Variant("confusion_matrix", confusion_float_counts, "float counts", breaks=CM),
    Variant(
        "confusion_matrix",
        confusion_arrays_only,
        "lists not converted",
        breaks=("confusion_matrix.hidden",),
    ),
    Variant("confusion_matrix", confusion_faked, "faked: zeros", breaks=CM),
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
    Variant(
        "precision_recall_f1",
        prf_guards_precision_only,
        "zero division guarded for precision only",
        breaks=("precision_recall_f1.edge_cases",),
    ),
    Variant(
        "precision_recall_f1",
        prf_zero_division_one,
        "0 / 0 is 1.0",
        breaks=("precision_recall_f1.edge_cases",),
    ),
    Variant(
        "precision_recall_f1",
        prf_harmonic_unguarded,
        "harmonic mean divides 0 by 0",
        breaks=("precision_recall_f1.edge_cases",),
    ),
    Variant(
        "precision_recall_f1",
        prf_f1_arithmetic_mean,
        "F1 as the arithmetic mean",
        breaks=("precision_recall_f1", "precision_recall_f1.hidden"),
    ),
    Variant(
        "precision_recall_f1",
        prf_macro,
        "macro average, not the class 1",
        breaks=("precision_recall_f1", "precision_recall_f1.hidden"),
    ),
    Variant("precision_recall_f1", prf_as_tuple, "a tuple, not the dict", breaks=PRF),
    Variant(
        "precision_recall_f1",
        prf_arrays_only,
        "lists not converted",
        breaks=("precision_recall_f1.hidden",),
    ),
    Variant("precision_recall_f1", prf_faked, "faked: constants", breaks=PRF),
    Variant("roc_curve", roc_without_tie_handling, "ties not grouped", breaks=ROC),
    Variant("roc_curve", roc_tpr_first, "(tpr, fpr, thresholds)", breaks=ROC),
    Variant("roc_curve", roc_rates_over_all_samples, "rates over all samples", breaks=ROC),
    Variant("roc_curve", roc_starts_at_max_plus_one, "starts at max + 1", breaks=ROC),
    Variant("roc_curve", roc_increasing, "increasing thresholds", breaks=ROC),
    Variant("roc_curve", roc_extra_minus_inf, "extra point at -inf", breaks=ROC),
    Variant("roc_curve", roc_strict_greater, "score > t", breaks=ROC),
    Variant("roc_curve", roc_sklearn_default, "drop_intermediate=True", breaks=("roc_curve",)),
    Variant("roc_curve", roc_arrays_only, "lists not converted", breaks=("roc_curve.hidden",)),
    Variant("roc_curve", roc_faked, "faked: the diagonal", breaks=ROC),
    Variant("auroc", auroc_ties_lost, "ties count as losses", breaks=("auroc", "auroc.hidden")),
    Variant(
        "auroc", auroc_without_check, "no ValueError for one class", breaks=("auroc.edge_cases",)
    ),
    Variant(
        "auroc",
        auroc_checks_positives_only,
        "no ValueError without negatives",
        breaks=("auroc.edge_cases",),
    ),
    Variant(
        "auroc",
        auroc_asserts_both_classes,
        "AssertionError, not ValueError",
        breaks=("auroc.edge_cases",),
    ),
    Variant("auroc", auroc_arrays_only, "lists not converted", breaks=("auroc.hidden",)),
    Variant("auroc", auroc_faked, "faked: 0.5", breaks=AUROC),
    Variant("average_precision", ap_trapezoid, "trapezoid PR area", breaks=AP),
    Variant("average_precision", ap_per_sample, "ties not grouped", breaks=AP),
    Variant("average_precision", ap_without_first_slice, "no R_0 = 0", breaks=AP),
    Variant(
        "average_precision",
        ap_arrays_only,
        "lists not converted",
        breaks=("average_precision.hidden",),
    ),
    Variant("average_precision", ap_faked, "faked: 0.5", breaks=AP),
    Variant(
        "macro_auroc_ovr",
        macro_weighted_by_prevalence,
        "prevalence-weighted average",
        breaks=MACRO,
    ),
    Variant("macro_auroc_ovr", macro_max_prob_scores, "max probability as scores", breaks=MACRO),
    Variant(
        "macro_auroc_ovr",
        macro_arrays_only,
        "lists not converted",
        breaks=("macro_auroc_ovr.hidden",),
    ),
    Variant("macro_auroc_ovr", macro_faked, "faked: a constant", breaks=MACRO),
    Variant("log_loss", log_loss_base_two, "log base 2", breaks=LOSS),
    Variant("log_loss", log_loss_unclipped, "no clipping", breaks=("log_loss.edge_cases",)),
    Variant("log_loss", log_loss_clip_1e_15, "clipped at 1e-15", breaks=("log_loss.edge_cases",)),
    Variant("log_loss", log_loss_summed, "sum, not mean", breaks=LOSS),
    Variant("log_loss", log_loss_one_hot_bce, "binary cross-entropy per column", breaks=LOSS),
    Variant("log_loss", log_loss_arrays_only, "lists not converted", breaks=("log_loss.hidden",)),
    Variant("log_loss", log_loss_faked, "faked: ln K", breaks=LOSS),
    Variant("choose_threshold", threshold_best_accuracy, "maximises accuracy", breaks=THRESHOLD),
    Variant(
        "choose_threshold", threshold_fixed_half, "no tuning", breaks=("choose_threshold.hidden",)
    ),
    Variant("choose_threshold", threshold_smallest_on_tie, "smallest on a tie", breaks=THRESHOLD),
    Variant("choose_threshold", threshold_strict_greater, "score > t", breaks=THRESHOLD),
    Variant(
        "choose_threshold",
        threshold_grid,
        "a grid, not the scores",
        breaks=("choose_threshold",),
    ),
    Variant("choose_threshold", threshold_with_f1, "a tuple, not a float", breaks=THRESHOLD),
    Variant(
        "choose_threshold",
        threshold_arrays_only,
        "lists not converted",
        breaks=("choose_threshold.hidden",),
    ),
    Variant("choose_threshold", threshold_faked, "faked: the mean score", breaks=THRESHOLD),
    Variant("metric_report", report_auroc_of_decisions, "AUROC of argmax decisions", breaks=REPORT),
    Variant("metric_report", report_renamed_keys, "a key renamed", breaks=REPORT),
    Variant(
        "metric_report",
        report_last_class_on_tie,
        "last class on an argmax tie",
        breaks=("metric_report.hidden",),
    ),
    Variant(
        "metric_report",
        report_arrays_only,
        "lists not converted",
        breaks=("metric_report.hidden",),
    ),
    Variant("metric_report", report_faked, "faked: constants", breaks=REPORT),
]

RIGHT = [
    Variant("accuracy", accuracy_with_loop, "loop"),
    Variant("accuracy", accuracy_float32, "float32 mean"),
    Variant("confusion_matrix", confusion_via_sklearn, "scikit-learn"),
    Variant("confusion_matrix", confusion_with_loop, "loop, int32 counts"),
    Variant("precision_recall_f1", prf_from_loop, "loop, harmonic mean"),
    Variant("precision_recall_f1", prf_with_support, "an extra key"),
    Variant("precision_recall_f1", prf_via_sklearn, "scikit-learn, float32 values"),
    Variant("roc_curve", roc_by_brute_force, "one pass per threshold"),
    Variant("roc_curve", roc_via_sklearn, "scikit-learn", label="sklearn"),
    Variant("auroc", auroc_mann_whitney, "pair counting"),
    Variant("auroc", auroc_custom_error, "a ValueError subclass, rank sums in float32"),
    Variant("auroc", auroc_via_sklearn, "scikit-learn"),
    Variant("average_precision", ap_with_loop, "loop over thresholds, float32 scores"),
    Variant("average_precision", ap_via_sklearn, "scikit-learn"),
    Variant("macro_auroc_ovr", macro_via_sklearn, "scikit-learn per class"),
    Variant("macro_auroc_ovr", macro_pairs_float32, "pair counting, float32"),
    Variant("log_loss", log_loss_with_loop, "math.log loop, float32"),
    Variant("log_loss", log_loss_via_sklearn, "scikit-learn"),
    Variant("choose_threshold", threshold_brute_force, "brute force, increasing order"),
    Variant("choose_threshold", threshold_harmonic_mean, "harmonic mean, decreasing order"),
    Variant("metric_report", report_via_sklearn, "scikit-learn"),
    Variant("metric_report", report_with_extra_key, "an extra key"),
]
