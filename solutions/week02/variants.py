"""Week 2 variants: wrong answers that must lose points, right ones written differently that must not.

Each variant replaces one name in the solution's namespace; the release gate
and tests/test_course.py probe the items that require that name. Variants of a
class that other items build on (KNNClassifier for select_k, lloyd for the
k-means++ pipeline) list the items they must break explicitly.
"""

from __future__ import annotations

import itertools
import math
import random
import sys
from collections import Counter

import numpy as np

from autograder.spec import Variant


# ----------------------------------------------------------------------------- distances
def distances_with_math_dist(X, Y):
    """Right: plain Python lists and math.dist in two loops."""
    rows, cols = np.asarray(X, dtype=float).tolist(), np.asarray(Y, dtype=float).tolist()
    return np.array([[math.dist(x, y) for y in cols] for x in rows], dtype=np.float64).reshape(
        len(rows), len(cols)
    )


def distances_squared(X, Y):
    """Wrong: squared distances (forgot the square root)."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    D = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        for j in range(len(Y)):
            D[i, j] = np.sum((X[i] - Y[j]) ** 2)
    return D


def distances_norm_per_row(X, Y):
    """Right: one loop with np.linalg.norm."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.array([np.linalg.norm(Y - x, axis=1) for x in X]).reshape(len(X), len(Y))


def distances_sum_without_axis(X, Y):
    """Wrong: sums the whole (m, d) block instead of each row's features."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    D = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        D[i] = np.sqrt(np.sum((Y - X[i]) ** 2))
    return D


def distances_broadcast(X, Y):
    """Right: a (n, m, d) broadcast difference, no matrix product."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.sqrt(((X[:, None, :] - Y[None, :, :]) ** 2).sum(axis=-1))


def distances_cdist(X, Y):
    """Right: scipy's cdist."""
    from scipy.spatial.distance import cdist

    return cdist(np.asarray(X, dtype=float), np.asarray(Y, dtype=float))


def distances_unclipped(X, Y):
    """Wrong: no clipping, so rounding gives sqrt of tiny negatives (nan) at zero distance."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.sqrt((X**2).sum(1)[:, None] - 2 * X @ Y.T + (Y**2).sum(1)[None, :])


def distances_without_factor_two(X, Y):
    """Wrong: |x|^2 - x.y + |y|^2."""
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    return np.sqrt(np.maximum((X**2).sum(1)[:, None] - X @ Y.T + (Y**2).sum(1)[None, :], 0))


def distances_loop_called_vectorised(X, Y):
    """Wrong (for the vectorised item): right values, but a loop over the rows of X."""
    return distances_norm_per_row(X, Y)


def distances_hiding_its_loop(X, Y):
    """Wrong: switches tracing off, then loops over rows (the grader must notice)."""
    sys.settrace(None)
    return distances_norm_per_row(X, Y)


# ----------------------------------------------------------------------------- k-NN
class KNNWithLoops:
    """Right: a loop over the queries, sorted by (distance, index), Counter for the vote."""

    def __init__(self, k=3):
        self.k = k

    def _neighbours(self):
        return self.k

    def fit(self, X, y):
        if self._neighbours() < 1 or self._neighbours() > len(X):
            raise ValueError("k out of range")
        self.X_ = np.asarray(X, dtype=float)
        self.y_ = np.asarray(y)
        self.classes_ = np.unique(self.y_)
        return self

    def _order(self, x, later_first=False):
        """Training indices sorted by (distance, index) with Python's sorted (a loop over queries)."""
        d = np.sqrt(((self.X_ - np.asarray(x, dtype=float)) ** 2).sum(axis=1)).tolist()
        return sorted(range(len(d)), key=lambda i: (d[i], -i if later_first else i))

    later_first = False  # equal distances: the smaller training index first

    def _vote(self, votes):
        """Equal votes: the smallest label."""
        top = max(votes.values())
        return min(label for label, count in votes.items() if count == top)

    def predict(self, X):
        if not hasattr(self, "X_"):
            raise RuntimeError("call fit before predict")
        out = []
        for x in np.asarray(X, dtype=float):
            order = self._order(x, self.later_first)
            out.append(self._vote(Counter(self.y_[i].item() for i in order[: self._neighbours()])))
        return np.array(out, dtype=self.y_.dtype)


class KNNWithLexsort(KNNWithLoops):
    """Right: cdist, np.lexsort on (index, distance), np.unique for the vote."""

    def predict(self, X):
        from scipy.spatial.distance import cdist

        if not hasattr(self, "X_"):
            raise RuntimeError("not fitted: call fit first")
        D = cdist(np.asarray(X, dtype=float), self.X_)
        index = np.arange(D.shape[1])
        out = []
        for row in D:
            labels = self.y_[np.lexsort((index, row))[: self.k]]
            values, counts = np.unique(labels, return_counts=True)
            out.append(values[np.flatnonzero(counts == counts.max())[0]])
        return np.array(out, dtype=self.y_.dtype)


class KNNLargestLabelWins(KNNWithLoops):
    """Wrong: vote ties go to the largest label."""

    def _vote(self, votes):
        top = max(votes.values())
        return max(label for label, count in votes.items() if count == top)


class KNNLargerIndexFirst(KNNWithLoops):
    """Wrong: among equal distances the later training point comes first."""

    later_first = True


class KNNOneTooMany(KNNWithLoops):
    """Wrong: votes with k + 1 neighbours."""

    def predict(self, X):
        inner = KNNWithLoops(self.k + 1)
        inner.X_, inner.y_, inner.classes_ = self.X_, self.y_, self.classes_
        return inner.predict(X)


class KNNBincount(KNNWithLoops):
    """Wrong: np.bincount for the vote (integer labels only; strings crash)."""

    def predict(self, X):
        if not hasattr(self, "X_"):
            raise RuntimeError("call fit first")
        D = distances_broadcast(X, self.X_)
        nearest = np.argsort(D, axis=1, kind="stable")[:, : self.k]
        return np.array([np.bincount(self.y_[row]).argmax() for row in nearest])


class KNNNoValidation(KNNWithLoops):
    """Wrong: accepts any k."""

    def fit(self, X, y):
        self.X_, self.y_ = np.asarray(X, dtype=float), np.asarray(y)
        self.classes_ = np.unique(self.y_)
        return self


class KNNFitReturnsNone(KNNWithLoops):
    """Wrong: fit returns None."""

    def fit(self, X, y):
        super().fit(X, y)


class KNNInitSetsFittedState(KNNWithLoops):
    """Wrong: __init__ creates fitted attributes (X_ = None), so "not fitted" cannot be told apart."""

    def __init__(self, k=3):
        self.k = k
        self.X_ = None
        self.classes_ = None


class KNNUnclearBeforeFit(KNNWithLoops):
    """Wrong: predict before fit dies with an AttributeError about X_."""

    def predict(self, X):
        self.X_.shape  # the accidental AttributeError is the point
        return super().predict(X)


class KNNTrainingStateWithoutUnderscore(KNNWithLoops):
    """Wrong: fitted state in attributes without a trailing underscore."""

    def fit(self, X, y):
        super().fit(X, y)
        self.train_X = self.X_
        return self


# ----------------------------------------------------------------------------- cross-validation
def kfold_by_hand(n, n_folds, seed):
    """Right: fold sizes computed by hand, Python lists, training part built by a loop."""
    if n_folds < 2 or n_folds > n:
        raise ValueError("bad n_folds")
    perm = np.random.default_rng(seed).permutation(n).tolist()
    sizes = [n // n_folds + (1 if i < n % n_folds else 0) for i in range(n_folds)]
    starts = [sum(sizes[:i]) for i in range(n_folds)]
    folds = []
    for start, size in zip(starts, sizes, strict=True):
        val = perm[start : start + size]
        train = [index for index in perm if index not in set(val)]
        folds.append((np.array(train[::-1], dtype=np.int32), np.array(val, dtype=np.int32)))
    return folds


def kfold_unshuffled(n, n_folds, seed):
    """Wrong: consecutive blocks of range(n)."""
    if n_folds < 2 or n_folds > n:
        raise ValueError("bad n_folds")
    pieces = np.array_split(np.arange(n), n_folds)
    return [(np.concatenate(pieces[:i] + pieces[i + 1 :]), pieces[i]) for i in range(n_folds)]


def kfold_remainder_last(n, n_folds, seed):
    """Wrong: n // n_folds per fold, the remainder all in the last fold."""
    if n_folds < 2 or n_folds > n:
        raise ValueError("bad n_folds")
    perm = np.random.default_rng(seed).permutation(n)
    size = n // n_folds
    pieces = [perm[i * size : (i + 1) * size] for i in range(n_folds - 1)] + [
        perm[(n_folds - 1) * size :]
    ]
    return [(np.concatenate(pieces[:i] + pieces[i + 1 :]), pieces[i]) for i in range(n_folds)]


def kfold_trains_on_everything(n, n_folds, seed):
    """Wrong: the training part includes the validation fold."""
    if n_folds < 2 or n_folds > n:
        raise ValueError("bad n_folds")
    pieces = np.array_split(np.random.default_rng(seed).permutation(n), n_folds)
    return [(np.arange(n), pieces[i]) for i in range(n_folds)]


def kfold_without_validation(n, n_folds, seed):
    """Wrong: no argument checks."""
    pieces = np.array_split(np.random.default_rng(seed).permutation(n), max(n_folds, 1))
    return [
        (np.concatenate(pieces[:i] + pieces[i + 1 :] + [np.array([], dtype=np.int64)]), pieces[i])
        for i in range(len(pieces))
    ]


def _fold_accuracy(KNN, k, X, y, train_idx, val_idx):
    model = KNN(k).fit(X[train_idx], y[train_idx])
    return sum(
        int(p == t) for p, t in zip(model.predict(X[val_idx]), y[val_idx], strict=True)
    ) / len(val_idx)


def select_k_sorted_scan(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Right: scans candidates from the smallest k and keeps a strictly better one; accuracies by counting."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    folds = kfold_by_hand(len(X_train), n_folds, seed)
    scores = {
        k: sum(_fold_accuracy(KNNWithLoops, k, X_train, y_train, tr, va) for tr, va in folds)
        / len(folds)
        for k in candidates
    }
    best = None
    for k in sorted(candidates):
        if best is None or scores[k] > scores[best] + 1e-9:
            best = k
    model = KNNWithLoops(best).fit(X_train, y_train)
    test = float(np.mean(model.predict(X_test) == np.asarray(y_test)))
    return {
        "best_k": best,
        "cv_accuracy": np.array([scores[k] for k in candidates]),
        "test_accuracy": test,
    }


def _cv_scores(X_train, y_train, candidates, n_folds, seed):
    folds = kfold_by_hand(len(X_train), n_folds, seed)
    return np.array(
        [
            np.mean([_fold_accuracy(KNNWithLoops, k, X_train, y_train, tr, va) for tr, va in folds])
            for k in candidates
        ]
    )


def select_k_by_test(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: reports CV accuracies but picks k by test accuracy."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    cv = _cv_scores(X_train, y_train, candidates, n_folds, seed)
    tests = [
        np.mean(KNNWithLoops(k).fit(X_train, y_train).predict(X_test) == y_test) for k in candidates
    ]
    best = candidates[int(np.argmax(tests))]
    return {"best_k": int(best), "cv_accuracy": cv, "test_accuracy": float(max(tests))}


def select_k_largest_on_ties(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: ties go to the largest k."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    cv = _cv_scores(X_train, y_train, candidates, n_folds, seed)
    best = max(k for k, s in zip(candidates, cv, strict=True) if s >= cv.max() - 1e-9)
    test = float(np.mean(KNNWithLoops(best).fit(X_train, y_train).predict(X_test) == y_test))
    return {"best_k": int(best), "cv_accuracy": cv, "test_accuracy": test}


def select_k_folds_over_everything(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: cross-validates on train and test together."""
    X = np.vstack([X_train, X_test])
    y = np.concatenate([y_train, y_test])
    cv = _cv_scores(X, y, candidates, n_folds, seed)
    best = min(k for k, s in zip(candidates, cv, strict=True) if s >= cv.max() - 1e-9)
    test = float(np.mean(KNNWithLoops(best).fit(X_train, y_train).predict(X_test) == y_test))
    return {"best_k": int(best), "cv_accuracy": cv, "test_accuracy": test}


def select_k_no_refit(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: scores the test set with the model of the last fold instead of refitting on all training data."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    cv = _cv_scores(X_train, y_train, candidates, n_folds, seed)
    best = min(k for k, s in zip(candidates, cv, strict=True) if s >= cv.max() - 1e-9)
    train_idx, _ = kfold_by_hand(len(X_train), n_folds, seed)[-1]
    test = float(
        np.mean(
            KNNWithLoops(best).fit(X_train[train_idx], y_train[train_idx]).predict(X_test) == y_test
        )
    )
    return {"best_k": int(best), "cv_accuracy": cv, "test_accuracy": test}


# ----------------------------------------------------------------------------- Gini and splits
def gini_with_counter(y):
    """Right: Counter and plain Python."""
    labels = np.asarray(y).tolist()
    if not labels:
        return 0.0
    return 1.0 - sum((count / len(labels)) ** 2 for count in Counter(labels).values())


def gini_entropy(y):
    """Wrong: entropy instead of Gini."""
    y = np.asarray(y)
    if y.size == 0:
        return 0.0
    _, counts = np.unique(y, return_counts=True)
    p = counts / y.size
    return float(-(p * np.log2(p)).sum())


def gini_unsquared(y):
    """Wrong: 1 - max p (the misclassification rate)."""
    y = np.asarray(y)
    if y.size == 0:
        return 0.0
    _, counts = np.unique(y, return_counts=True)
    return float(1.0 - counts.max() / y.size)


def gini_empty_is_one(y):
    """Wrong: forgets the empty case (1 - sum of nothing = 1)."""
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    return float(1.0 - np.sum((counts / max(y.size, 1)) ** 2))


def _gini_counts(counts, total):
    return 1.0 - float(np.sum((counts / total) ** 2)) if total else 0.0


def best_split_cumulative(X, y):
    """Right: sorts each feature once and sweeps cumulative class counts; picks the first of the near-best."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    classes, codes = np.unique(y, return_inverse=True)
    n = len(y)
    parent = _gini_counts(np.bincount(codes, minlength=len(classes)), n)
    candidates = []
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        xs, cs = X[order, f], codes[order]
        left = np.zeros(len(classes))
        total = np.bincount(cs, minlength=len(classes)).astype(float)
        for i in range(n - 1):
            left[cs[i]] += 1
            if xs[i] == xs[i + 1]:
                continue
            n_left = i + 1
            gain = (
                parent
                - (
                    n_left * _gini_counts(left, n_left)
                    + (n - n_left) * _gini_counts(total - left, n - n_left)
                )
                / n
            )
            candidates.append((gain, f, (xs[i] + xs[i + 1]) / 2))
    if not candidates:
        return None
    top = max(c[0] for c in candidates)
    if top <= 1e-12:
        return None
    gain, f, t = next(c for c in candidates if c[0] >= top - 1e-12)
    return int(f), float(t), float(gain)


def _scan(
    X,
    y,
    *,
    threshold_of,
    weighted=True,
    later_wins=False,
    none_when_useless=True,
    goes_left=np.less_equal,
):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n, parent = len(y), gini_with_counter(y)
    best, best_gain = None, 1e-12 if none_when_useless else -1.0
    for f in range(X.shape[1]):
        values = np.unique(X[:, f])
        for a, b in itertools.pairwise(values):
            t = threshold_of(a, b)
            left = goes_left(X[:, f], t)
            nl = int(left.sum())
            if weighted:
                gain = (
                    parent
                    - nl / n * gini_with_counter(y[left])
                    - (n - nl) / n * gini_with_counter(y[~left])
                )
            else:
                gain = parent - (gini_with_counter(y[left]) + gini_with_counter(y[~left])) / 2
            if gain > best_gain or (later_wins and best is not None and gain >= best_gain - 1e-12):
                best, best_gain = (f, float(t), float(gain)), gain
    if best is None and not none_when_useless:
        return (0, float(X[0, 0]), 0.0)
    return best


def best_split_lower_value(X, y):
    """Wrong: thresholds at the lower value, not the midpoint."""
    return _scan(X, y, threshold_of=lambda a, b: a)


def best_split_unweighted(X, y):
    """Wrong: plain average of the children's impurities."""
    return _scan(X, y, threshold_of=lambda a, b: (a + b) / 2, weighted=False)


def best_split_last_wins(X, y):
    """Wrong: on ties the last candidate wins (>= instead of >)."""
    return _scan(X, y, threshold_of=lambda a, b: (a + b) / 2, later_wins=True)


def best_split_no_tie_margin(X, y):
    """Wrong: replaces the best on any larger gain, so a tie computed 3e-17 larger goes to the later one."""
    return _scan(X, y, threshold_of=lambda a, b: (a + b) / 2)


def best_split_strict_left(X, y):
    """Wrong: a sample goes left only when x < threshold (the text: <=)."""
    return _scan(X, y, threshold_of=lambda a, b: (a + b) / 2, goes_left=np.less)


def best_split_never_none(X, y):
    """Wrong: returns a zero-gain split instead of None."""
    return _scan(X, y, threshold_of=lambda a, b: (a + b) / 2, none_when_useless=False)


# ----------------------------------------------------------------------------- trees
class TreeWithNodeTable:
    """Right: nodes in flat lists, an explicit stack instead of recursion, Counter majority."""

    def __init__(self, max_depth=3):
        self.max_depth = max_depth

    def _split(self, X, y):
        return best_split_cumulative(X, y)

    def _leaf_label(self, y):
        votes = Counter(np.asarray(y).tolist())
        top = max(votes.values())
        return min(label for label, count in votes.items() if count == top)

    def _limit(self):
        return self.max_depth

    def _goes_left(self, value, threshold):
        return value <= threshold

    def _left_rows(self, column, threshold):
        return column <= threshold

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        self.classes_ = np.unique(y)
        self._feature, self._threshold, self._children, self._label = [], [], [], []
        stack = [(np.arange(len(y)), 0, None, None)]
        depth, leaves = 0, 0
        while stack:
            rows, d, parent, side = stack.pop()
            node = len(self._feature)
            self._feature.append(-1)
            self._threshold.append(0.0)
            self._children.append([-1, -1])
            self._label.append(self._leaf_label(y[rows]))
            if parent is not None:
                self._children[parent][side] = node
            split = (
                None
                if d >= self._limit() or len(set(y[rows].tolist())) == 1
                else self._split(X[rows], y[rows])
            )
            if split is None:
                depth, leaves = max(depth, d), leaves + 1
                continue
            f, t, _ = split
            self._feature[node], self._threshold[node] = f, t
            go_left = self._left_rows(X[rows, f], t)
            stack.append((rows[~go_left], d + 1, node, 1))
            stack.append((rows[go_left], d + 1, node, 0))
        self.depth_, self.n_leaves_ = depth, leaves
        return self

    def predict(self, X):
        if not hasattr(self, "classes_"):
            raise RuntimeError("fit the tree before predicting")
        out = []
        for x in np.asarray(X, dtype=float):
            node = 0
            while self._feature[node] >= 0:
                goes_left = self._goes_left(x[self._feature[node]], self._threshold[node])
                node = self._children[node][0 if goes_left else 1]
            out.append(self._label[node])
        return np.array(out, dtype=self.classes_.dtype)


class TreeIgnoresMaxDepth(TreeWithNodeTable):
    """Wrong: grows until every leaf is pure."""

    def _limit(self):
        return 10**6


class TreeOneLevelTooDeep(TreeWithNodeTable):
    """Wrong: the root counts as depth 1, so the tree is one level too deep."""

    def _limit(self):
        return self.max_depth + 1


class TreeFirstLabelLeaves(TreeWithNodeTable):
    """Wrong: a leaf predicts the first label it holds, not the majority."""

    def _leaf_label(self, y):
        return np.asarray(y).tolist()[0]


class TreeUnweightedSplits(TreeWithNodeTable):
    """Wrong: splits with the unweighted child average."""

    def _split(self, X, y):
        return best_split_unweighted(X, y)


class TreeFitReturnsNone(TreeWithNodeTable):
    """Wrong: fit returns None and keeps its state without trailing underscores."""

    def fit(self, X, y):
        super().fit(X, y)
        self.depth = self.depth_


# ----------------------------------------------------------------------------- k-means
def inertia_with_loop(X, centres, labels):
    """Right: a Python loop over points."""
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float)
    return float(
        sum(math.dist(x, centres[int(label)]) ** 2 for x, label in zip(X, labels, strict=True))
    )


def inertia_mean(X, centres, labels):
    """Wrong: the mean instead of the sum."""
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float)
    return float(np.mean(np.sum((X - centres[labels]) ** 2, axis=1)))


def inertia_unsquared(X, centres, labels):
    """Wrong: sum of distances, not squared distances."""
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float)
    return float(np.sum(np.sqrt(np.sum((X - centres[labels]) ** 2, axis=1))))


def inertia_nearest(X, centres, labels):
    """Wrong: ignores the labels and uses each point's nearest centre."""
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float)
    return float(np.sum(np.min(((X[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)))


def _assign_loop(X, centres):
    return np.array(
        [min(range(len(centres)), key=lambda c: (math.dist(x, centres[c]), c)) for x in X],
        dtype=np.int64,
    )


def lloyd_with_loops(X, centres, max_iter=100):
    """Right: Python loops for assignment and means, a copy of the start via list()."""
    X = np.asarray(X, dtype=float)
    centres = np.array([list(c) for c in np.asarray(centres, dtype=float)])
    labels = _assign_loop(X, centres)
    n_iter = 0
    for _ in range(max_iter):
        for c in range(len(centres)):
            members = [x for x, label in zip(X, labels, strict=True) if label == c]
            if members:
                centres[c] = np.sum(members, axis=0) / len(members)
        n_iter += 1
        new = _assign_loop(X, centres)
        if (new == labels).all():
            break
        labels = new
    return centres, labels, n_iter


def _lloyd(X, centres, max_iter, *, copy=True, stop_early=True, count_extra=False, empty_nan=False):
    X = np.asarray(X, dtype=float)
    centres = np.array(centres, dtype=float) if copy else centres
    labels = np.argmin(distances_broadcast(X, centres), axis=1)
    n_iter = 0
    for _ in range(max_iter):
        for c in range(len(centres)):
            members = X[labels == c]
            if len(members) or empty_nan:
                with np.errstate(invalid="ignore", divide="ignore"):
                    centres[c] = members.sum(axis=0) / len(members) if len(members) else np.nan
        n_iter += 1
        new = np.argmin(distances_broadcast(X, centres), axis=1)
        if stop_early and np.array_equal(new, labels):
            break
        labels = new
    return centres, labels, n_iter + (1 if count_extra else 0)


def lloyd_in_place(X, centres, max_iter=100):
    """Wrong: moves the caller's starting centres."""
    return _lloyd(X, centres, max_iter, copy=False)


def lloyd_counts_the_last_check(X, centres, max_iter=100):
    """Wrong: n_iter also counts the final assignment that changed nothing."""
    return _lloyd(X, centres, max_iter, count_extra=True)


def lloyd_never_stops_early(X, centres, max_iter=100):
    """Wrong: always runs max_iter updates."""
    return _lloyd(X, centres, max_iter, stop_early=False)


def lloyd_empty_cluster_nan(X, centres, max_iter=100):
    """Wrong: an empty cluster's centre becomes nan (mean of nothing)."""
    return _lloyd(X, centres, max_iter, empty_nan=True)


def lloyd_single_step(X, centres, max_iter=100):
    """Wrong: one update only, whatever max_iter says (a poor local optimum for the pipeline too)."""
    return _lloyd(X, centres, 1)


def kmeans_pp_inverse_cdf(X, k, seed):
    """Right: the same random numbers, drawn as rng.random() and inverted through the cumulative sum by hand."""
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(X)
    picked = [int(rng.integers(n))]
    d2 = [math.dist(x, X[picked[0]]) ** 2 for x in X]
    for _ in range(1, k):
        cdf = np.cumsum(np.asarray(d2) / sum(d2))
        cdf /= cdf[-1]
        picked.append(int(np.searchsorted(cdf, rng.random(), side="right")))
        d2 = [min(old, math.dist(x, X[picked[-1]]) ** 2) for old, x in zip(d2, X, strict=True)]
    return X[picked]


def _kmeans_pp(X, k, seed, weights):
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(X)
    picked = [int(rng.integers(n))]
    for _ in range(1, k):
        d2 = np.min(((X[:, None, :] - X[picked][None]) ** 2).sum(-1), axis=1)
        w = weights(d2, X, picked)
        picked.append(int(rng.choice(n, p=w / w.sum())))
    return X[picked].copy()


def kmeans_pp_unsquared(X, k, seed):
    """Wrong: probabilities proportional to the distance, not its square."""
    return _kmeans_pp(X, k, seed, lambda d2, X, picked: np.sqrt(d2))


def kmeans_pp_last_centre(X, k, seed):
    """Wrong: distance to the last centre picked instead of the nearest one."""
    return _kmeans_pp(X, k, seed, lambda d2, X, picked: ((X - X[picked[-1]]) ** 2).sum(1))


def kmeans_pp_first_rows(X, k, seed):
    """Wrong: the first k rows (no seeding at all)."""
    return np.asarray(X, dtype=float)[:k].copy()


def kmeans_pp_python_random(X, k, seed):
    """Wrong: Python's random module instead of np.random.default_rng (right idea, other numbers)."""
    X = np.asarray(X, dtype=float)
    rnd = random.Random(seed)
    picked = [rnd.randrange(len(X))]
    for _ in range(1, k):
        d2 = np.min(((X[:, None, :] - X[picked][None]) ** 2).sum(-1), axis=1)
        picked.append(rnd.choices(range(len(X)), weights=d2.tolist())[0])
    return X[picked].copy()


# ----------------------------------------------------------------------------- distances, more
def distances_norm_per_pair(X, Y):
    """Right: two loops, np.linalg.norm of each pair's difference."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    D = np.empty((len(X), len(Y)))
    for i, x in enumerate(X):
        for j, y in enumerate(Y):
            D[i, j] = np.linalg.norm(x - y)
    return D


def distances_einsum_per_row(X, Y):
    """Right: one loop over the rows of X, np.einsum for the squared sums."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    D = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        diff = Y - X[i]
        D[i] = np.sqrt(np.einsum("jf,jf->j", diff, diff))
    return D


def distances_sklearn(X, Y):
    """Right: scikit-learn's euclidean_distances (a library call; its Python steps do not grow with n)."""
    from sklearn.metrics.pairwise import euclidean_distances

    return euclidean_distances(np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64))


def distances_two_loops_swapped(X, Y):
    """Wrong: the loops run over Y then X, so the result has shape (m, n)."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    D = np.zeros((len(Y), len(X)))
    for j in range(len(Y)):
        for i in range(len(X)):
            D[j, i] = np.sqrt(np.sum((X[i] - Y[j]) ** 2))
    return D


def distances_one_loop_over_features(X, Y):
    """Wrong: forgets the square root in the one-loop version (squared distances)."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    D = np.zeros((len(X), len(Y)))
    for i in range(len(X)):
        D[i] = np.sum((Y - X[i]) ** 2, axis=1)
    return D


def distances_float32(X, Y):
    """Wrong: computes in float32 (the text asks for float64)."""
    X, Y = np.asarray(X, dtype=np.float32), np.asarray(Y, dtype=np.float32)
    squared = (X**2).sum(1)[:, None] - 2 * X @ Y.T + (Y**2).sum(1)[None, :]
    return np.sqrt(np.maximum(squared, 0))


def distances_transposed(X, Y):
    """Wrong: an (m, n) array (Y against X)."""
    return distances_broadcast(Y, X)


def distances_fake(X, Y):
    """Wrong (fakes its results): an (n, m) float64 array of zeros."""
    return np.zeros((len(X), len(Y)))


def distances_fake_vectorised(X, Y):
    """Wrong (fakes its results): ones of the right shape, no loop at all."""
    return np.ones((np.shape(X)[0], np.shape(Y)[0]))


# ----------------------------------------------------------------------------- k-NN, more
class KNNOwnError(KNNWithLoops):
    """Right: its own RuntimeError subclass, codes from np.unique(return_inverse) and np.bincount,
    an extra fitted attribute."""

    class NotFittedError(RuntimeError):
        pass

    def fit(self, X, y):
        super().fit(X, y)
        self.n_features_in_ = self.X_.shape[1]
        return self

    def predict(self, X):
        if not hasattr(self, "classes_"):
            raise self.NotFittedError("KNNClassifier: call fit before predict")
        codes = np.unique(self.y_, return_inverse=True)[1].ravel()
        D = distances_broadcast(X, self.X_)
        nearest = np.argsort(D, axis=1, kind="stable")[:, : self.k]
        votes = np.array([np.bincount(codes[row], minlength=len(self.classes_)) for row in nearest])
        return self.classes_[votes.argmax(axis=1)]


class KNNRejectsKEqualN(KNNWithLoops):
    """Wrong: k < len(X) instead of k <= len(X)."""

    def fit(self, X, y):
        if not 1 <= self.k < len(X):
            raise ValueError("k out of range")
        return super().fit(X, y)


class KNNKeepsIntegerX(KNNWithLoops):
    """Wrong: stores X_ without converting it to float64."""

    def fit(self, X, y):
        super().fit(X, y)
        self.X_ = np.asarray(X)
        return self


class KNNClassesInOrderSeen(KNNWithLoops):
    """Wrong: classes_ in the order the labels first appear (not sorted), and votes tie in that order."""

    def fit(self, X, y):
        super().fit(X, y)
        self.classes_ = np.array(list(dict.fromkeys(np.asarray(y).tolist())))
        return self

    def _vote(self, votes):
        return max(self.classes_.tolist(), key=lambda c: votes.get(c, 0))


class KNNSklearnNotFitted(KNNWithLoops):
    """Wrong: raises scikit-learn's NotFittedError (a ValueError, not the RuntimeError the text asks for)."""

    def predict(self, X):
        from sklearn.exceptions import NotFittedError

        if not hasattr(self, "X_"):
            raise NotFittedError("call fit before predict")
        return super().predict(X)


class KNNFloatLabels(KNNWithLoops):
    """Wrong: right votes, but the labels come back as floats (the text: same dtype as y)."""

    def predict(self, X):
        return super().predict(X).astype(np.float64)


class KNNRenamesK(KNNWithLoops):
    """Wrong: __init__ stores k as n_neighbors (the contract: under the same name)."""

    def __init__(self, k=3):
        self.n_neighbors = k

    def _neighbours(self):
        return self.n_neighbors


class KNNFake(KNNWithLoops):
    """Wrong (fakes its results): predicts the most common training label for every row."""

    def predict(self, X):
        if not hasattr(self, "X_"):
            raise RuntimeError("call fit first")
        values, counts = np.unique(self.y_, return_counts=True)
        return np.full(len(X), values[counts.argmax()], dtype=self.y_.dtype)


# ----------------------------------------------------------------------------- cross-validation, more
def kfold_sklearn(n, n_folds, seed):
    """Right: scikit-learn's KFold (no shuffle) over the stated permutation; its own ValueErrors."""
    from sklearn.model_selection import KFold

    if n_folds > n:
        raise ValueError("more folds than samples")
    perm = np.random.default_rng(seed).permutation(n)
    return [(perm[train], perm[val]) for train, val in KFold(n_splits=n_folds).split(perm)]


def kfold_rejects_leave_one_out(n, n_folds, seed):
    """Wrong: n_folds < n instead of n_folds <= n (refuses leave-one-out)."""
    if not 2 <= n_folds < n:
        raise ValueError("bad n_folds")
    pieces = np.array_split(np.random.default_rng(seed).permutation(n), n_folds)
    return [(np.concatenate(pieces[:i] + pieces[i + 1 :]), pieces[i]) for i in range(n_folds)]


def kfold_rejects_two_folds(n, n_folds, seed):
    """Wrong: 2 < n_folds instead of 2 <= n_folds (refuses two folds)."""
    if not 2 < n_folds <= n:
        raise ValueError("bad n_folds")
    return kfold_indices_reference(n, n_folds, seed)


def kfold_float_indices(n, n_folds, seed):
    """Wrong: float arrays of indices."""
    return [
        (train.astype(float), val.astype(float)) for train, val in kfold_by_hand(n, n_folds, seed)
    ]


def kfold_fake(n, n_folds, seed):
    """Wrong (fakes its results): the right fold sizes from one fixed permutation, whatever the seed."""
    if not 2 <= n_folds <= n:
        raise ValueError("bad n_folds")
    pieces = np.array_split(np.random.default_rng(0).permutation(n), n_folds)
    return [(np.concatenate(pieces[:i] + pieces[i + 1 :]), pieces[i]) for i in range(n_folds)]


def select_k_with_diagnostics(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Right: extra diagnostic keys, cv_accuracy as a list, np.flatnonzero for the ties, a numpy int best_k."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    folds = kfold_sklearn(len(X_train), n_folds, seed)
    per_fold = [
        [
            float(
                np.mean(
                    KNNOwnError(k).fit(X_train[tr], y_train[tr]).predict(X_train[va]) == y_train[va]
                )
            )
            for tr, va in folds
        ]
        for k in candidates
    ]
    cv = [float(np.mean(scores)) for scores in per_fold]
    near_best = np.flatnonzero(np.asarray(cv) >= max(cv) - 1e-9)
    best = np.min(np.asarray(candidates)[near_best])
    model = KNNOwnError(int(best)).fit(X_train, y_train)
    return {
        "best_k": best,
        "cv_accuracy": cv,
        "test_accuracy": float(np.mean(model.predict(X_test) == np.asarray(y_test))),
        "per_fold": per_fold,
        "candidates": list(candidates),
    }


def select_k_argmax(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: candidates[np.argmax(cv)]: exact ties only, and the first in the given order, not the smallest k."""
    X_train, y_train = np.asarray(X_train, dtype=float), np.asarray(y_train)
    folds = kfold_indices_reference(len(X_train), n_folds, seed)
    cv = np.array(
        [
            np.mean(
                [
                    np.mean(
                        KNNWithLoops(k).fit(X_train[tr], y_train[tr]).predict(X_train[va])
                        == y_train[va]
                    )
                    for tr, va in folds
                ]
            )
            for k in candidates
        ]
    )
    best = candidates[int(np.argmax(cv))]
    test = float(np.mean(KNNWithLoops(best).fit(X_train, y_train).predict(X_test) == y_test))
    return {"best_k": int(best), "cv_accuracy": cv, "test_accuracy": test}


def kfold_indices_reference(n, n_folds, seed):
    pieces = np.array_split(np.random.default_rng(seed).permutation(n), n_folds)
    return [(np.concatenate(pieces[:i] + pieces[i + 1 :]), pieces[i]) for i in range(n_folds)]


def select_k_sorted_candidates(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong: sorts the candidates first, so cv_accuracy is not in the given order."""
    return select_k_sorted_scan(X_train, y_train, X_test, y_test, sorted(candidates), n_folds, seed)


def select_k_fake(X_train, y_train, X_test, y_test, candidates, n_folds, seed):
    """Wrong (fakes its results): plausible accuracies and the first candidate, no model fitted."""
    return {
        "best_k": int(candidates[0]),
        "cv_accuracy": np.linspace(0.7, 0.9, len(candidates)),
        "test_accuracy": 0.85,
    }


# ----------------------------------------------------------------------------- Gini and splits, more
def gini_by_equality(y):
    """Right: the fraction of each distinct label by np.mean(y == c), over a Python set."""
    y = np.asarray(y)
    if len(y) == 0:
        return 0.0
    return float(1 - sum(np.mean(y == c) ** 2 for c in set(y.tolist())))


def gini_bincount(y):
    """Wrong: np.bincount counts (integer labels only: strings and floats crash)."""
    y = np.asarray(y)
    if y.size == 0:
        return 0.0
    p = np.bincount(y) / y.size
    return float(1.0 - np.sum(p**2))


def gini_array(y):
    """Wrong: returns a one-element array (keepdims), not a Python float."""
    y = np.asarray(y)
    if y.size == 0:
        return 0.0
    _, counts = np.unique(y, return_counts=True)
    return 1.0 - np.sum((counts / y.size) ** 2, keepdims=True)


def gini_fake(y):
    """Wrong (fakes its results): always 0.5."""
    return 0.5


def best_split_vectorised(X, y):
    """Right: all thresholds of a feature at once (broadcast masks), a list with numpy scalars."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    classes, codes = np.unique(y, return_inverse=True)
    onehot = np.eye(len(classes))[codes.ravel()]
    n = len(y)
    parent = _gini_counts(onehot.sum(0), n)
    best, best_gain = None, 1e-12
    for f in range(X.shape[1]):
        values = np.unique(X[:, f])
        thresholds = (values[:-1] + values[1:]) / 2
        if not len(thresholds):
            continue
        left = X[:, f][None, :] <= thresholds[:, None]  # (t, n)
        left_counts = left.astype(float) @ onehot
        n_left = left_counts.sum(1)
        right_counts = onehot.sum(0) - left_counts
        gl = 1 - ((left_counts / n_left[:, None]) ** 2).sum(1)
        gr = 1 - ((right_counts / (n - n_left)[:, None]) ** 2).sum(1)
        gains = parent - n_left / n * gl - (n - n_left) / n * gr
        for t, gain in zip(thresholds, gains, strict=True):
            if gain > best_gain + (1e-12 if best is not None else 0.0):
                best, best_gain = [np.int64(f), np.float64(t), np.float64(gain)], gain
    return best


def best_split_no_tolerance(X, y):
    """Wrong: any gain above 0 counts (the text: above 1e-12), so a rounding error of 5.6e-17 is a split."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n = len(y)
    parent = float(1 - np.sum((np.unique(y, return_counts=True)[1] / n) ** 2))

    def gini(labels):
        return float(1 - np.sum((np.unique(labels, return_counts=True)[1] / len(labels)) ** 2))

    best, best_gain = None, 0.0
    for f in range(X.shape[1]):
        values = np.unique(X[:, f])
        for t in (values[:-1] + values[1:]) / 2:
            left = X[:, f] <= t
            nl = int(left.sum())
            gain = parent - nl / n * gini(y[left]) - (n - nl) / n * gini(y[~left])
            if gain > best_gain + (1e-12 if best is not None else 0.0):
                best, best_gain = (f, float(t), float(gain)), gain
    return best


def best_split_float_feature(X, y):
    """Wrong: the feature index comes back as a float."""
    split = best_split_cumulative(X, y)
    return None if split is None else (float(split[0]), split[1], split[2])


def best_split_fake(X, y):
    """Wrong (fakes its results): feature 0 at its mean, a made-up gain."""
    X = np.asarray(X, dtype=float)
    return (0, float(X[:, 0].mean()), 0.25)


class TreeNestedTuples:
    """Right: nested tuples in tree_, recursion, its own RuntimeError subclass, an extra attribute."""

    class NotFittedError(RuntimeError):
        pass

    def __init__(self, max_depth=3):
        self.max_depth = max_depth

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        self.depth_, self.n_leaves_ = 0, 0
        self.tree_ = self._grow(X, y, 0)
        return self

    def _grow(self, X, y, depth):
        values, counts = np.unique(y, return_counts=True)
        split = None if depth == self.max_depth or len(values) == 1 else best_split_vectorised(X, y)
        if split is None:
            self.depth_, self.n_leaves_ = max(self.depth_, depth), self.n_leaves_ + 1
            return ("leaf", values[np.argmax(counts)])
        f, t = int(split[0]), float(split[1])
        left = X[:, f] <= t
        return (
            "split",
            f,
            t,
            self._grow(X[left], y[left], depth + 1),
            self._grow(X[~left], y[~left], depth + 1),
        )

    def _walk(self, node, x):
        while node[0] == "split":
            node = node[3] if x[node[1]] <= node[2] else node[4]
        return node[1]

    def predict(self, X):
        if not hasattr(self, "tree_"):
            raise self.NotFittedError("TreeClassifier: call fit first")
        return np.array(
            [self._walk(self.tree_, x) for x in np.asarray(X, dtype=np.float64)],
            dtype=self.classes_.dtype,
        )


class TreeStrictLess(TreeWithNodeTable):
    """Wrong: predict goes left only when x[feature] < threshold (the text: <=)."""

    def _goes_left(self, value, threshold):
        return value < threshold


class TreeStrictLessInFit(TreeWithNodeTable):
    """Wrong: fit sends a training row left only when x[feature] < threshold (predict uses <=)."""

    def _left_rows(self, column, threshold):
        return column < threshold


class TreeMostCommonLeaves(TreeWithNodeTable):
    """Wrong: Counter.most_common for the leaf label: ties go to the label seen first, not the smallest."""

    def _leaf_label(self, y):
        return Counter(np.asarray(y).tolist()).most_common(1)[0][0]


class TreeNodesWithoutUnderscore(TreeNestedTuples):
    """Wrong: the nodes live in self.root (fitted state must end in _ or start with _)."""

    def fit(self, X, y):
        super().fit(X, y)
        self.root = self.__dict__.pop("tree_")
        return self

    def predict(self, X):
        if not hasattr(self, "root"):
            raise RuntimeError("call fit first")
        return np.array(
            [self._walk(self.root, x) for x in np.asarray(X, dtype=np.float64)],
            dtype=self.classes_.dtype,
        )


class TreeDepthCountsLevels(TreeWithNodeTable):
    """Wrong: depth_ counts levels (a single leaf has depth 1; the text: 0)."""

    def fit(self, X, y):
        super().fit(X, y)
        self.depth_ += 1
        return self


class TreeLeavesCountsNodes(TreeWithNodeTable):
    """Wrong: n_leaves_ counts every node, not only the leaves."""

    def fit(self, X, y):
        super().fit(X, y)
        self.n_leaves_ = len(self._feature)
        return self


class TreeFloatMaxDepth(TreeWithNodeTable):
    """Wrong: fit turns max_depth into a float (None would mean unlimited): it changes an argument."""

    def fit(self, X, y):
        self.max_depth = float("inf") if self.max_depth is None else float(self.max_depth)
        return super().fit(X, y)


class TreeFake(TreeWithNodeTable):
    """Wrong (fakes its results): predicts the majority label, reports a full tree of depth max_depth."""

    def fit(self, X, y):
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self._majority = self._leaf_label(y)
        self.depth_, self.n_leaves_ = self.max_depth, 2**self.max_depth
        return self

    def predict(self, X):
        if not hasattr(self, "classes_"):
            raise RuntimeError("call fit first")
        return np.full(len(X), self._majority, dtype=self.classes_.dtype)


# ----------------------------------------------------------------------------- k-means, more
def inertia_einsum(X, centres, labels):
    """Right: np.einsum over the differences."""
    diff = (
        np.asarray(X, dtype=np.float64) - np.asarray(centres, dtype=np.float64)[np.asarray(labels)]
    )
    return float(np.einsum("ij,ij->", diff, diff))


def inertia_fake(X, centres, labels):
    """Wrong (fakes its results): the number of points, as a float."""
    return float(len(X))


def lloyd_cdist(X, centres, max_iter=100):
    """Right: scipy's cdist for the assignment, np.add.at for the means."""
    from scipy.spatial.distance import cdist

    X = np.asarray(X, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64).copy()
    labels = cdist(X, centres).argmin(axis=1)
    n_iter = 0
    while n_iter < max_iter:
        sums = np.zeros_like(centres)
        np.add.at(sums, labels, X)
        counts = np.bincount(labels, minlength=len(centres))
        filled = counts > 0
        centres[filled] = sums[filled] / counts[filled, None]
        n_iter += 1
        new = cdist(X, centres).argmin(axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return centres, labels, n_iter


def lloyd_ties_to_last(X, centres, max_iter=100):
    """Wrong: a point as far from two centres goes to the larger centre index."""
    X = np.asarray(X, dtype=float)
    centres = np.array(centres, dtype=float)

    def assign():
        D = distances_broadcast(X, centres)
        return len(centres) - 1 - np.argmin(D[:, ::-1], axis=1)

    labels = assign()
    n_iter = 0
    for _ in range(max_iter):
        for c in range(len(centres)):
            if np.any(labels == c):
                centres[c] = X[labels == c].mean(axis=0)
        n_iter += 1
        new = assign()
        if np.array_equal(new, labels):
            break
        labels = new
    return centres, labels, n_iter


def lloyd_keeps_integer_centres(X, centres, max_iter=100):
    """Wrong: copies the centres without converting them, so integer centres get truncated means."""
    X = np.asarray(X)
    centres = np.array(centres)
    labels = np.argmin(distances_broadcast(X, centres), axis=1)
    n_iter = 0
    for _ in range(max_iter):
        for c in range(len(centres)):
            if np.any(labels == c):
                centres[c] = X[labels == c].mean(axis=0)
        n_iter += 1
        new = np.argmin(distances_broadcast(X, centres), axis=1)
        if np.array_equal(new, labels):
            break
        labels = new
    return centres, labels, n_iter


def lloyd_at_least_one_update(X, centres, max_iter=100):
    """Wrong: always does a first update, even when max_iter is 0."""
    return _lloyd(X, centres, max(max_iter, 1))


def lloyd_fake(X, centres, max_iter=100):
    """Wrong (fakes its results): returns the starting centres and their assignment, claims one update."""
    X = np.asarray(X, dtype=np.float64)
    centres = np.array(centres, dtype=np.float64)
    return centres, np.argmin(distances_broadcast(X, centres), axis=1), 1


def kmeans_pp_cdist(X, k, seed):
    """Right: d2 recomputed from all centres picked so far with scipy's cdist; the same random calls."""
    from scipy.spatial.distance import cdist

    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    n = len(X)
    picked = [int(rng.integers(n))]
    while len(picked) < k:
        d2 = cdist(X, X[picked], "sqeuclidean").min(axis=1)
        picked.append(int(rng.choice(n, p=d2 / d2.sum())))
    return X[picked]


def kmeans_pp_keeps_dtype(X, k, seed):
    """Wrong: returns rows of X as they are (integer X gives integer centres)."""
    X = np.asarray(X)
    rng = np.random.default_rng(seed)
    n = len(X)
    picked = [int(rng.integers(n))]
    d2 = np.sum((X - X[picked[0]]) ** 2, axis=1).astype(float)
    for _ in range(1, k):
        picked.append(int(rng.choice(n, p=d2 / d2.sum())))
        d2 = np.minimum(d2, np.sum((X - X[picked[-1]]) ** 2, axis=1))
    return X[picked].copy()


def kmeans_pp_fake(X, k, seed):
    """Wrong (fakes its results): k distinct rows drawn uniformly (right shape, no d2 weighting)."""
    X = np.asarray(X, dtype=np.float64)
    return X[np.random.default_rng(seed).choice(len(X), size=k, replace=False)]


# Each wrong variant names the items of its own function: items that only use a function (select_k uses
# KNNClassifier, TreeClassifier uses best_split, ...) are graded with the reference version of it officially.
TWO = ("pairwise_distances_two_loops", "pairwise_distances_two_loops.hidden")
ONE = ("pairwise_distances_one_loop", "pairwise_distances_one_loop.hidden")
VEC = ("pairwise_distances_vectorised", "pairwise_distances_vectorised.hidden")
NO_LOOPS = ("pairwise_distances_vectorised.no_python_loops",)
KNN_ALL = ("KNNClassifier", "KNNClassifier.hidden")
KNN_EDGES = ("KNNClassifier.edge_cases",)
KNN_CONTRACT = ("KNNClassifier.contract",)
KFOLD = ("kfold_indices", "kfold_indices.hidden")
SELECT_K = ("select_k", "select_k.hidden")
GINI = ("gini_impurity", "gini_impurity.hidden")
SPLIT = ("best_split", "best_split.hidden")
TREE = ("TreeClassifier", "TreeClassifier.hidden")
TREE_CONTRACT = ("TreeClassifier.contract",)
LLOYD = ("lloyd", "lloyd.hidden")
KPP = ("kmeans_plus_plus", "kmeans_plus_plus.hidden")
PIPELINE = ("kmeans_plus_plus.vs_sklearn",)

WRONG = [
    Variant("pairwise_distances_two_loops", distances_squared, "no square root", breaks=TWO),
    Variant(
        "pairwise_distances_two_loops", distances_two_loops_swapped, "shape (m, n)", breaks=TWO
    ),
    Variant("pairwise_distances_two_loops", distances_fake, "fakes: zeros", breaks=TWO),
    Variant(
        "pairwise_distances_one_loop",
        distances_sum_without_axis,
        "sums over the whole block",
        breaks=ONE,
    ),
    Variant("pairwise_distances_one_loop", distances_one_loop_over_features, "no sqrt", breaks=ONE),
    Variant("pairwise_distances_one_loop", distances_transposed, "shape (m, n)", breaks=ONE),
    Variant("pairwise_distances_one_loop", distances_fake, "fakes: zeros", breaks=ONE),
    Variant("pairwise_distances_vectorised", distances_float32, "float32", breaks=VEC),
    Variant("pairwise_distances_vectorised", distances_transposed, "shape (m, n)", breaks=VEC),
    Variant(
        "pairwise_distances_vectorised",
        distances_fake_vectorised,
        "fakes: ones",
        breaks=(*VEC, *NO_LOOPS),
    ),
    Variant(
        "pairwise_distances_vectorised",
        distances_unclipped,
        "no clip at 0: nan at zero distance",
        breaks=("pairwise_distances_vectorised.hidden",),
    ),
    Variant(
        "pairwise_distances_vectorised",
        distances_without_factor_two,
        "forgot the factor 2",
        breaks=("pairwise_distances_vectorised", "pairwise_distances_vectorised.hidden"),
    ),
    Variant(
        "pairwise_distances_vectorised",
        distances_loop_called_vectorised,
        "a loop over rows",
        breaks=("pairwise_distances_vectorised.no_python_loops",),
    ),
    Variant(
        "pairwise_distances_vectorised",
        distances_hiding_its_loop,
        "switches tracing off to hide its loops",
        breaks=("pairwise_distances_vectorised.no_python_loops",),
    ),
    Variant(
        "KNNClassifier",
        KNNLargestLabelWins,
        "vote ties to the largest label",
        breaks=("KNNClassifier.ties", "KNNClassifier.edge_cases"),
    ),
    Variant(
        "KNNClassifier",
        KNNLargerIndexFirst,
        "distance ties to the larger index",
        breaks=("KNNClassifier.ties",),
    ),
    Variant(
        "KNNClassifier", KNNOneTooMany, "k + 1 neighbours", breaks=(*KNN_ALL, "KNNClassifier.ties")
    ),
    Variant(
        "KNNClassifier",
        KNNBincount,
        "np.bincount vote: string labels crash",
        breaks=("KNNClassifier.edge_cases",),
    ),
    Variant(
        "KNNClassifier", KNNNoValidation, "k not validated", breaks=("KNNClassifier.edge_cases",)
    ),
    Variant(
        "KNNClassifier",
        KNNFitReturnsNone,
        "fit returns None",
        breaks=(*KNN_ALL, "KNNClassifier.contract"),
    ),
    Variant(
        "KNNClassifier",
        KNNInitSetsFittedState,
        "__init__ creates X_ and classes_",
        breaks=("KNNClassifier.contract",),
    ),
    Variant(
        "KNNClassifier",
        KNNUnclearBeforeFit,
        "AttributeError before fit",
        breaks=("KNNClassifier.contract",),
    ),
    Variant(
        "KNNClassifier",
        KNNTrainingStateWithoutUnderscore,
        "fitted state without trailing _",
        breaks=("KNNClassifier.contract",),
    ),
    Variant("KNNClassifier", KNNRejectsKEqualN, "k = len(X) refused", breaks=KNN_EDGES),
    Variant("KNNClassifier", KNNKeepsIntegerX, "X_ not float64", breaks=KNN_CONTRACT),
    Variant(
        "KNNClassifier",
        KNNClassesInOrderSeen,
        "classes_ unsorted, ties in that order",
        breaks=(*KNN_CONTRACT, "KNNClassifier.ties"),
    ),
    Variant(
        "KNNClassifier",
        KNNSklearnNotFitted,
        "scikit-learn's NotFittedError, not a RuntimeError",
        breaks=KNN_CONTRACT,
    ),
    Variant("KNNClassifier", KNNFloatLabels, "float labels", breaks=KNN_ALL),
    Variant("KNNClassifier", KNNRenamesK, "k stored as n_neighbors", breaks=KNN_CONTRACT),
    Variant(
        "KNNClassifier", KNNFake, "fakes: majority label", breaks=(*KNN_ALL, "KNNClassifier.ties")
    ),
    Variant(
        "kfold_indices",
        kfold_unshuffled,
        "no shuffling",
        breaks=("kfold_indices", "kfold_indices.hidden", "kfold_indices.leave_one_out"),
    ),
    Variant(
        "kfold_indices",
        kfold_remainder_last,
        "remainder in the last fold",
        breaks=("kfold_indices", "kfold_indices.hidden"),
    ),
    Variant(
        "kfold_indices",
        kfold_trains_on_everything,
        "validation fold also in training",
        breaks=("kfold_indices", "kfold_indices.hidden", "kfold_indices.leave_one_out"),
    ),
    Variant(
        "kfold_indices",
        kfold_without_validation,
        "n_folds not validated",
        breaks=("kfold_indices.edge_cases",),
    ),
    Variant(
        "kfold_indices",
        kfold_rejects_leave_one_out,
        "n_folds = n refused",
        breaks=("kfold_indices.leave_one_out",),
    ),
    Variant(
        "kfold_indices",
        kfold_rejects_two_folds,
        "n_folds = 2 refused",
        breaks=("kfold_indices.edge_cases",),
    ),
    Variant("kfold_indices", kfold_float_indices, "float indices", breaks=KFOLD),
    Variant("kfold_indices", kfold_fake, "fakes: fixed permutation", breaks=KFOLD),
    Variant("select_k", select_k_by_test, "k chosen on the test set"),
    Variant("select_k", select_k_largest_on_ties, "ties to the largest k"),
    Variant("select_k", select_k_folds_over_everything, "test rows inside the folds"),
    Variant("select_k", select_k_no_refit, "no refit on all training data"),
    Variant(
        "select_k",
        select_k_argmax,
        "np.argmax: exact ties, first in the given order",
        breaks=("select_k.hidden",),
    ),
    Variant(
        "select_k",
        select_k_sorted_candidates,
        "cv_accuracy in sorted order",
        breaks=("select_k.hidden",),
    ),
    Variant("select_k", select_k_fake, "fakes: made-up accuracies", breaks=SELECT_K),
    Variant(
        "gini_impurity", gini_entropy, "entropy", breaks=("gini_impurity", "gini_impurity.hidden")
    ),
    Variant(
        "gini_impurity",
        gini_unsquared,
        "1 - max p",
        breaks=("gini_impurity", "gini_impurity.hidden"),
    ),
    Variant(
        "gini_impurity", gini_empty_is_one, "empty labels give 1", breaks=("gini_impurity.hidden",)
    ),
    Variant("gini_impurity", gini_bincount, "np.bincount: strings and floats crash", breaks=GINI),
    Variant("gini_impurity", gini_array, "a one-element array", breaks=GINI),
    Variant("gini_impurity", gini_fake, "fakes: always 0.5", breaks=GINI),
    Variant(
        "best_split",
        best_split_lower_value,
        "threshold at the lower value",
        breaks=SPLIT,
    ),
    Variant(
        "best_split",
        best_split_unweighted,
        "unweighted children",
        breaks=("best_split", "best_split.hidden"),
    ),
    Variant(
        "best_split", best_split_last_wins, "ties to the last candidate", breaks=("best_split",)
    ),
    Variant(
        "best_split",
        best_split_never_none,
        "zero-gain split instead of None",
        breaks=("best_split.hidden",),
    ),
    Variant(
        "best_split",
        best_split_no_tolerance,
        "a gain of 5.6e-17 counts",
        breaks=("best_split.hidden",),
    ),
    Variant(
        "best_split",
        best_split_no_tie_margin,
        "no 1e-12 margin on ties",
        breaks=("best_split.hidden",),
    ),
    Variant(
        "best_split",
        best_split_strict_left,
        "left when x < threshold",
        breaks=("best_split.hidden",),
    ),
    Variant("best_split", best_split_float_feature, "a float feature index", breaks=SPLIT),
    Variant("best_split", best_split_fake, "fakes: feature 0 at its mean", breaks=SPLIT),
    Variant(
        "TreeClassifier",
        TreeIgnoresMaxDepth,
        "max_depth ignored",
        breaks=("TreeClassifier", "TreeClassifier.hidden"),
    ),
    Variant(
        "TreeClassifier",
        TreeOneLevelTooDeep,
        "one level too deep",
        breaks=("TreeClassifier", "TreeClassifier.hidden"),
    ),
    Variant(
        "TreeClassifier",
        TreeFirstLabelLeaves,
        "leaf = first label",
        breaks=("TreeClassifier", "TreeClassifier.hidden"),
    ),
    Variant(
        "TreeClassifier",
        TreeUnweightedSplits,
        "unweighted split criterion",
        breaks=("TreeClassifier", "TreeClassifier.hidden"),
    ),
    Variant(
        "TreeClassifier",
        TreeFitReturnsNone,
        "fit returns None, state without _",
        breaks=TREE_CONTRACT,
    ),
    Variant(
        "TreeClassifier", TreeStrictLess, "left when x < threshold", breaks=("TreeClassifier",)
    ),
    Variant(
        "TreeClassifier",
        TreeStrictLessInFit,
        "fit splits rows with x < threshold",
        breaks=("TreeClassifier",),
    ),
    Variant(
        "TreeClassifier",
        TreeMostCommonLeaves,
        "leaf ties to the label seen first",
        breaks=("TreeClassifier",),
    ),
    Variant(
        "TreeClassifier", TreeNodesWithoutUnderscore, "nodes in self.root", breaks=TREE_CONTRACT
    ),
    Variant("TreeClassifier", TreeDepthCountsLevels, "depth_ counts levels", breaks=TREE),
    Variant("TreeClassifier", TreeLeavesCountsNodes, "n_leaves_ counts nodes", breaks=TREE),
    Variant("TreeClassifier", TreeFloatMaxDepth, "fit changes max_depth", breaks=TREE_CONTRACT),
    Variant("TreeClassifier", TreeFake, "fakes: majority label, full depth", breaks=TREE),
    Variant("inertia", inertia_mean, "mean, not sum", breaks=("inertia", "inertia.hidden")),
    Variant(
        "inertia", inertia_unsquared, "distances not squared", breaks=("inertia", "inertia.hidden")
    ),
    Variant("inertia", inertia_nearest, "ignores the labels", breaks=("inertia", "inertia.hidden")),
    Variant(
        "inertia", inertia_fake, "fakes: number of points", breaks=("inertia", "inertia.hidden")
    ),
    Variant("lloyd", lloyd_in_place, "modifies the start", breaks=("lloyd", "lloyd.hidden")),
    Variant(
        "lloyd", lloyd_counts_the_last_check, "n_iter off by one", breaks=("lloyd", "lloyd.hidden")
    ),
    Variant("lloyd", lloyd_never_stops_early, "no early stop", breaks=("lloyd", "lloyd.hidden")),
    Variant(
        "lloyd", lloyd_empty_cluster_nan, "empty cluster becomes nan", breaks=("lloyd.hidden",)
    ),
    Variant("lloyd", lloyd_single_step, "one update only", breaks=LLOYD),
    Variant(
        "lloyd", lloyd_ties_to_last, "ties to the larger centre index", breaks=("lloyd.hidden",)
    ),
    Variant(
        "lloyd",
        lloyd_keeps_integer_centres,
        "integer centres truncated",
        breaks=("lloyd.hidden",),
    ),
    Variant(
        "lloyd",
        lloyd_at_least_one_update,
        "an update with max_iter = 0",
        breaks=("lloyd.hidden",),
    ),
    Variant("lloyd", lloyd_fake, "fakes: no update", breaks=LLOYD),
    Variant(
        "kmeans_plus_plus",
        kmeans_pp_unsquared,
        "weights by distance",
        breaks=("kmeans_plus_plus", "kmeans_plus_plus.hidden"),
    ),
    Variant(
        "kmeans_plus_plus",
        kmeans_pp_last_centre,
        "distance to the last centre",
        breaks=("kmeans_plus_plus", "kmeans_plus_plus.hidden"),
    ),
    Variant(
        "kmeans_plus_plus",
        kmeans_pp_first_rows,
        "first k rows",
        breaks=("kmeans_plus_plus", "kmeans_plus_plus.hidden", *PIPELINE),
    ),
    Variant(
        "kmeans_plus_plus",
        kmeans_pp_python_random,
        "Python's random module",
        breaks=("kmeans_plus_plus", "kmeans_plus_plus.hidden"),
    ),
    Variant(
        "kmeans_plus_plus",
        kmeans_pp_keeps_dtype,
        "integer X gives integer centres",
        breaks=("kmeans_plus_plus.hidden",),
    ),
    Variant("kmeans_plus_plus", kmeans_pp_fake, "fakes: uniform rows", breaks=(*KPP, *PIPELINE)),
]

RIGHT = [
    Variant(
        "pairwise_distances_two_loops", distances_with_math_dist, "math.dist over Python lists"
    ),
    Variant("pairwise_distances_two_loops", distances_norm_per_pair, "np.linalg.norm per pair"),
    Variant("pairwise_distances_one_loop", distances_norm_per_row, "np.linalg.norm per row"),
    Variant("pairwise_distances_one_loop", distances_einsum_per_row, "np.einsum per row"),
    Variant("pairwise_distances_vectorised", distances_broadcast, "(n, m, d) broadcasting"),
    Variant("pairwise_distances_vectorised", distances_cdist, "scipy cdist"),
    Variant("pairwise_distances_vectorised", distances_sklearn, "scikit-learn euclidean_distances"),
    Variant("KNNClassifier", KNNWithLoops, "loops, sorted by (distance, index), Counter"),
    Variant("KNNClassifier", KNNWithLexsort, "cdist, lexsort, np.unique"),
    Variant(
        "KNNClassifier", KNNOwnError, "RuntimeError subclass, bincount of codes, extra attribute"
    ),
    Variant("kfold_indices", kfold_by_hand, "sizes by hand, int32, reversed training order"),
    Variant("kfold_indices", kfold_sklearn, "scikit-learn KFold over the permutation"),
    Variant("select_k", select_k_sorted_scan, "scan from the smallest k, own folds and model"),
    Variant("select_k", select_k_with_diagnostics, "extra keys, a list, a numpy int best_k"),
    Variant("gini_impurity", gini_with_counter, "Counter"),
    Variant("gini_impurity", gini_by_equality, "np.mean(y == c) over a set"),
    Variant("best_split", best_split_cumulative, "sorted sweep with cumulative counts"),
    Variant("best_split", best_split_vectorised, "all thresholds at once, numpy scalars in a list"),
    Variant("TreeClassifier", TreeWithNodeTable, "flat node table, explicit stack"),
    Variant("TreeClassifier", TreeNestedTuples, "nested tuples in tree_, RuntimeError subclass"),
    Variant("inertia", inertia_with_loop, "loop with math.dist"),
    Variant("inertia", inertia_einsum, "np.einsum"),
    Variant("lloyd", lloyd_with_loops, "Python loops"),
    Variant("lloyd", lloyd_cdist, "scipy cdist, np.add.at"),
    Variant("kmeans_plus_plus", kmeans_pp_inverse_cdf, "rng.random() and an inverse CDF by hand"),
    Variant("kmeans_plus_plus", kmeans_pp_cdist, "d2 from cdist over all picked centres"),
]
