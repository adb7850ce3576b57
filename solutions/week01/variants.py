"""Week 1 variants: wrong answers that must lose points, right ones written differently that must not.

Each variant replaces one name in the solution's namespace; the release gate
and tests/test_course.py probe the items that require that name.
"""

from __future__ import annotations

import math
import random

import numpy as np

from autograder.spec import Variant


# ----------------------------------------------------------------------------- correct reference pieces
def _select(X, y, k):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    corr = []
    for j in range(X.shape[1]):
        column = X[:, j]
        if column.std() == 0:
            corr.append(0.0)
        else:
            corr.append(abs(np.corrcoef(column, y)[0, 1]))
    return np.argsort(-np.asarray(corr), kind="stable")[:k]


def _logistic_accuracy(X, y, train_idx, val_idx, features, fit_rows=None):
    from sklearn.linear_model import LogisticRegression

    rows = train_idx if fit_rows is None else fit_rows
    model = LogisticRegression(max_iter=1000).fit(X[rows][:, features], y[rows])
    return float((model.predict(X[val_idx][:, features]) == y[val_idx]).mean())


# ----------------------------------------------------------------------------- split_indices
def _check_args(n, fractions):
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError("bad n")
    f = [float(x) for x in fractions]
    if len(f) != 3 or min(f) < 0 or abs(sum(f) - 1) > 1e-8:
        raise ValueError("bad fractions")
    return f


def split_with_python_random(n, fractions, seed, stratify=None):
    """Right: Python's random.Random, plain loops, test taken first."""
    f = _check_args(n, fractions)
    rnd = random.Random(seed)
    groups = {}
    labels = list(range(n)) if stratify is None else [int(v) for v in stratify]
    for i in range(n):
        groups.setdefault(0 if stratify is None else labels[i], []).append(i)
    train, val, test = [], [], []
    for members in groups.values():
        members = members[:]
        rnd.shuffle(members)
        n_val, n_test = math.floor(f[1] * len(members)), math.floor(f[2] * len(members))
        test += members[:n_test]
        val += members[n_test : n_test + n_val]
        train += members[n_test + n_val :]
    return (
        np.array(train, dtype=np.int32),
        np.array(val, dtype=np.int32),
        np.array(test, dtype=np.int32),
    )


def split_unshuffled(n, fractions, seed, stratify=None):
    """Wrong: cuts range(n) in order."""
    f = _check_args(n, fractions)
    n_val, n_test = int(f[1] * n), int(f[2] * n)
    idx = np.arange(n)
    return idx[: n - n_val - n_test], idx[n - n_val - n_test : n - n_test], idx[n - n_test :]


def split_rounded(n, fractions, seed, stratify=None):
    """Wrong: rounds up the validation and test sizes."""
    f = _check_args(n, fractions)
    rng = np.random.default_rng(seed)
    idx = rng.permutation(n)
    n_val, n_test = math.ceil(f[1] * n + 0.5), math.ceil(f[2] * n + 0.5)
    return idx[n_val + n_test :], idx[:n_val], idx[n_val : n_val + n_test]


def split_ignoring_seed(n, fractions, seed, stratify=None):
    """Wrong: a fresh unseeded generator each call."""
    f = _check_args(n, fractions)
    idx = np.random.default_rng().permutation(n)
    n_val, n_test = int(f[1] * n), int(f[2] * n)
    return idx[n_val + n_test :], idx[:n_val], idx[n_val : n_val + n_test]


def split_ignoring_stratify(n, fractions, seed, stratify=None):
    """Wrong: never stratifies."""
    return split_with_python_random(n, fractions, seed, None)


def split_without_validation(n, fractions, seed, stratify=None):
    """Wrong: accepts any fractions and any n."""
    rng = np.random.default_rng(seed)
    n = max(int(n), 0)
    idx = rng.permutation(n)
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    return idx[n_val + n_test :], idx[:n_val], idx[n_val : n_val + n_test]


# ----------------------------------------------------------------------------- task_type
def task_type_with_loops(y):
    """Right: plain Python over the values."""
    arr = np.asarray(y)
    if arr.size == 0:
        raise ValueError("empty")
    if arr.ndim > 1:
        return "generation"
    if arr.dtype == bool or np.issubdtype(arr.dtype, np.integer) or arr.dtype.kind in "USO":
        return "classification"
    values = set()
    for v in arr.tolist():
        if not float(v).is_integer():
            return "regression"
        values.add(v)
    return "classification" if len(values) <= 10 else "regression"


def task_type_floats_are_regression(y):
    """Wrong: float targets are always regression."""
    arr = np.asarray(y)
    if arr.ndim > 1:
        return "generation"
    return "regression" if arr.dtype.kind == "f" else "classification"


def task_type_no_generation(y):
    """Wrong: forgets generation; strings crash."""
    arr = np.asarray(y, dtype=float)
    return "classification" if np.all(arr == np.round(arr)) else "regression"


# ----------------------------------------------------------------------------- scalers
class StandardizerViaSklearn:
    """Right: wraps scikit-learn's StandardScaler."""

    def __init__(self):
        pass

    def fit(self, X):
        from sklearn.preprocessing import StandardScaler

        self._inner = StandardScaler().fit(np.asarray(X, dtype=float))
        self.mean_, self.scale_ = self._inner.mean_, self._inner.scale_
        return self

    def transform(self, X):
        if not hasattr(self, "_inner"):
            raise RuntimeError("call fit before transform")
        return self._inner.transform(np.asarray(X, dtype=float))

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class StandardizerSampleStd(StandardizerViaSklearn):
    """Wrong: sample standard deviation (ddof=1)."""

    def fit(self, X):
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0, ddof=1)
        self.scale_ = np.where(std == 0, 1.0, std)
        self._inner = True
        return self

    def transform(self, X):
        if not hasattr(self, "mean_"):
            raise RuntimeError("call fit first")
        return (np.asarray(X, dtype=float) - self.mean_) / self.scale_


class StandardizerNoSelf(StandardizerSampleStd):
    """Wrong: right numbers, but fit returns None."""

    def fit(self, X):
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std == 0, 1.0, std)

    def fit_transform(self, X):
        self.fit(X)
        return self.transform(X)


class StandardizerDividesByZero(StandardizerSampleStd):
    """Wrong: constant features become NaN."""

    def fit(self, X):
        X = np.asarray(X, dtype=float)
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
        return self


class MinMaxViaSklearn:
    """Right: wraps scikit-learn's MinMaxScaler."""

    def __init__(self, feature_range=(0.0, 1.0)):
        self.feature_range = feature_range

    def fit(self, X):
        from sklearn.preprocessing import MinMaxScaler

        self._inner = MinMaxScaler(feature_range=self.feature_range).fit(np.asarray(X, dtype=float))
        self.data_min_, self.data_max_ = self._inner.data_min_, self._inner.data_max_
        return self

    def transform(self, X):
        if not hasattr(self, "_inner"):
            raise RuntimeError("call fit before transform")
        return self._inner.transform(np.asarray(X, dtype=float))

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class MinMaxForgetsMin(MinMaxViaSklearn):
    """Wrong: divides by the maximum without subtracting the minimum."""

    def transform(self, X):
        if not hasattr(self, "_inner"):
            raise RuntimeError("call fit first")
        return np.asarray(X, dtype=float) / self.data_max_


class MinMaxClips(MinMaxViaSklearn):
    """Wrong: clips values outside the training range."""

    def fit(self, X):
        from sklearn.preprocessing import MinMaxScaler

        self._inner = MinMaxScaler(feature_range=self.feature_range, clip=True).fit(
            np.asarray(X, dtype=float)
        )
        self.data_min_, self.data_max_ = self._inner.data_min_, self._inner.data_max_
        return self


class MinMaxIgnoresRange(MinMaxViaSklearn):
    """Wrong: always scales into (0, 1)."""

    def fit(self, X):
        from sklearn.preprocessing import MinMaxScaler

        self._inner = MinMaxScaler().fit(np.asarray(X, dtype=float))
        self.data_min_, self.data_max_ = self._inner.data_min_, self._inner.data_max_
        return self


# ----------------------------------------------------------------------------- scale_splits
def scale_splits_fit_transform_first(scaler, X_train, X_val, X_test):
    """Right: fit_transform on train, transform the others."""
    train = scaler.fit_transform(X_train)
    return train, scaler.transform(X_val), scaler.transform(X_test)


def scale_splits_on_everything(scaler, X_train, X_val, X_test):
    """Wrong: fits on all splits together (leakage)."""
    scaler.fit(np.vstack([X_train, X_val, X_test]))
    return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)


def scale_splits_each_separately(scaler, X_train, X_val, X_test):
    """Wrong: refits on every split."""
    return tuple(type(scaler)().fit_transform(part) for part in (X_train, X_val, X_test))


# ----------------------------------------------------------------------------- feature selection
def select_with_corrcoef(X, y, k):
    """Right: np.corrcoef per column in a loop."""
    return _select(X, y, k)


def select_without_abs(X, y, k):
    """Wrong: signed correlation (negatively correlated features lose)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    corr = np.array(
        [np.corrcoef(X[:, j], y)[0, 1] if X[:, j].std() > 0 else 0.0 for j in range(X.shape[1])]
    )
    return np.argsort(-corr, kind="stable")[:k]


def select_least_correlated(X, y, k):
    """Wrong: ascending order."""
    X = np.asarray(X, dtype=float)
    corr = np.abs(
        [np.corrcoef(X[:, j], y)[0, 1] if X[:, j].std() > 0 else 0.0 for j in range(X.shape[1])]
    )
    return np.argsort(corr, kind="stable")[:k]


def select_by_covariance(X, y, k):
    """Wrong: covariance instead of correlation (depends on each column's scale)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    cov = np.abs((X - X.mean(axis=0)).T @ (y - y.mean()))
    return np.argsort(-cov, kind="stable")[:k]


# ----------------------------------------------------------------------------- leakage
def leakage_with_loops(X, y, train_idx, val_idx, k):
    """Right: its own selection and an explicit accuracy loop."""
    from sklearn.linear_model import LogisticRegression

    X, y = np.asarray(X, dtype=float), np.asarray(y)
    out = {}
    for name, rows in (("honest", list(train_idx)), ("leaky", list(train_idx) + list(val_idx))):
        features = _select(X[rows], y[rows], k)
        model = LogisticRegression(max_iter=1000).fit(X[train_idx][:, features], y[train_idx])
        predictions = model.predict(X[val_idx][:, features])
        out[name] = sum(int(p == t) for p, t in zip(predictions, y[val_idx], strict=True)) / len(
            val_idx
        )
    return out


def leakage_never_leaks(X, y, train_idx, val_idx, k):
    """Wrong: selects on training rows in both cases."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    features = _select(X[train_idx], y[train_idx], k)
    score = _logistic_accuracy(X, y, train_idx, val_idx, features)
    return {"leaky": score, "honest": score}


def leakage_fits_on_validation(X, y, train_idx, val_idx, k):
    """Wrong: also fits the model on the validation rows."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    both = np.concatenate([train_idx, val_idx])
    return {
        "leaky": _logistic_accuracy(
            X, y, train_idx, val_idx, _select(X[both], y[both], k), fit_rows=both
        ),
        "honest": _logistic_accuracy(
            X, y, train_idx, val_idx, _select(X[train_idx], y[train_idx], k), fit_rows=both
        ),
    }


WRONG = [
    Variant(
        "split_indices",
        split_unshuffled,
        "no shuffling",
        breaks=("split_indices", "split_indices.hidden"),
    ),
    Variant(
        "split_indices",
        split_rounded,
        "sizes rounded up",
        breaks=("split_indices", "split_indices.hidden", "split_indices.edge_cases"),
    ),
    Variant(
        "split_indices",
        split_ignoring_seed,
        "seed ignored",
        breaks=("split_indices", "split_indices.hidden"),
    ),
    Variant(
        "split_indices",
        split_ignoring_stratify,
        "stratify ignored",
        breaks=("split_indices.stratified", "split_indices.stratified.hidden"),
    ),
    Variant(
        "split_indices",
        split_without_validation,
        "no argument validation",
        breaks=("split_indices.edge_cases",),
    ),
    Variant(
        "task_type",
        task_type_floats_are_regression,
        "float labels are regression",
        breaks=("task_type.hidden",),
    ),
    Variant("task_type", task_type_no_generation, "no generation, strings crash"),
    Variant("Standardizer", StandardizerSampleStd, "ddof=1"),
    Variant(
        "Standardizer",
        StandardizerNoSelf,
        "fit returns None",
        breaks=("Standardizer", "Standardizer.hidden"),
    ),
    Variant(
        "Standardizer",
        StandardizerDividesByZero,
        "constant feature divides by zero",
        breaks=("Standardizer.hidden",),
    ),
    Variant("MinMaxScaler", MinMaxForgetsMin, "forgets the minimum"),
    Variant("MinMaxScaler", MinMaxClips, "clips new values", breaks=("MinMaxScaler.hidden",)),
    Variant(
        "MinMaxScaler", MinMaxIgnoresRange, "ignores feature_range", breaks=("MinMaxScaler.hidden",)
    ),
    Variant("scale_splits", scale_splits_on_everything, "fits on all splits"),
    Variant("scale_splits", scale_splits_each_separately, "refits per split"),
    Variant("select_top_features", select_without_abs, "signed correlation"),
    Variant("select_top_features", select_least_correlated, "ascending order"),
    Variant(
        "select_top_features",
        select_by_covariance,
        "covariance, not correlation",
        breaks=("select_top_features.hidden",),
    ),
    Variant("leakage_experiment", leakage_never_leaks, "both honest"),
    Variant("leakage_experiment", leakage_fits_on_validation, "model fitted on validation rows"),
]

RIGHT = [
    Variant("split_indices", split_with_python_random, "random.Random, loops, int32, test first"),
    Variant("task_type", task_type_with_loops, "loops over values"),
    Variant("Standardizer", StandardizerViaSklearn, "scikit-learn StandardScaler"),
    Variant("MinMaxScaler", MinMaxViaSklearn, "scikit-learn MinMaxScaler"),
    Variant("scale_splits", scale_splits_fit_transform_first, "fit_transform then transform"),
    Variant("select_top_features", select_with_corrcoef, "np.corrcoef in a loop, stable argsort"),
    Variant("leakage_experiment", leakage_with_loops, "loops, own selection"),
]
