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
    labels = [0] * n if stratify is None else list(stratify)
    for i in range(n):
        groups.setdefault(labels[i], []).append(i)
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


# ----------------------------------------------------------------------------- split_indices, more
def split_lists_and_own_error(n, fractions, seed, stratify=None):
    """Right: math.isclose within 1e-8, its own ValueError subclass, string labels grouped in a dict,
    each split sorted, arrays built from Python lists (an empty split comes out as float64)."""

    class SplitError(ValueError):
        pass

    if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
        raise SplitError("n must be a positive integer")
    f = list(fractions)
    if (
        len(f) != 3
        or any(x < 0 for x in f)
        or not math.isclose(sum(f), 1.0, rel_tol=0, abs_tol=1e-8)
    ):
        raise SplitError("fractions must be three non-negative numbers summing to 1")
    order = np.random.default_rng(seed).permutation(n).tolist()
    groups = {}
    for i in order:
        groups.setdefault(None if stratify is None else stratify[i], []).append(i)
    train, val, test = [], [], []
    for members in groups.values():
        n_val, n_test = math.floor(f[1] * len(members)), math.floor(f[2] * len(members))
        val += members[:n_val]
        test += members[n_val : n_val + n_test]
        train += members[n_val + n_test :]
    return tuple(np.array(sorted(part)) for part in (train, val, test))


def _split_core(n, f, seed, stratify, *, test_slice=None):
    rng = np.random.default_rng(seed)
    groups = (
        [np.arange(n)]
        if stratify is None
        else [np.flatnonzero(np.asarray(stratify) == c) for c in np.unique(stratify)]
    )
    train, val, test = [], [], []
    for members in groups:
        members = rng.permutation(members)
        n_val, n_test = math.floor(f[1] * len(members)), math.floor(f[2] * len(members))
        val.append(members[:n_val])
        if test_slice is None:
            test.append(members[n_val : n_val + n_test])
            train.append(members[n_val + n_test :])
        else:
            rest = members[n_val:]
            test.append(test_slice(rest, n_test))
            train.append(rest[: len(rest) - n_test])
    return tuple(np.concatenate(p) for p in (train, val, test))


def split_exact_sum(n, fractions, seed, stratify=None):
    """Wrong: demands that the fractions sum to exactly 1 (0.7 + 0.2 + 0.1 is 0.9999999999999999)."""
    if not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError("bad n")
    f = [float(x) for x in fractions]
    if len(f) != 3 or min(f) < 0 or sum(f) != 1:
        raise ValueError("fractions must sum to 1")
    return _split_core(n, f, seed, stratify)


def split_loose_sum(n, fractions, seed, stratify=None):
    """Wrong: np.isclose's default tolerance (1e-5 relative) accepts fractions off by 1e-6."""
    if not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError("bad n")
    f = [float(x) for x in fractions]
    if len(f) != 3 or min(f) < 0 or not np.isclose(sum(f), 1):
        raise ValueError("fractions must sum to 1")
    return _split_core(n, f, seed, stratify)


def split_any_number_of_fractions(n, fractions, seed, stratify=None):
    """Wrong: reads fractions[1] and fractions[2] without checking that there are three."""
    if not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError("bad n")
    f = [float(x) for x in fractions]
    if min(f) < 0 or abs(sum(f) - 1) > 1e-8:
        raise ValueError("fractions must sum to 1")
    return _split_core(n, f, seed, stratify)


def split_truncates_n(n, fractions, seed, stratify=None):
    """Wrong: int(n) silently accepts n = 7.5."""
    f = _check_args(int(n), fractions)
    return _split_core(int(n), f, seed, stratify)


def split_negative_test_slice(n, fractions, seed, stratify=None):
    """Wrong: takes the test set as rest[-n_test:], the whole rest when n_test is 0."""
    f = _check_args(n, fractions)
    return _split_core(n, f, seed, stratify, test_slice=lambda rest, k: rest[-k:])


def split_float_indices(n, fractions, seed, stratify=None):
    """Wrong: float arrays of indices (they cannot index an array)."""
    return tuple(
        part.astype(float) for part in split_with_python_random(n, fractions, seed, stratify)
    )


def split_stratify_by_bincount(n, fractions, seed, stratify=None):
    """Wrong: groups classes with range(max label + 1), so string labels crash."""
    f = _check_args(n, fractions)
    if stratify is None:
        return _split_core(n, f, seed, None)
    labels = np.asarray(stratify)
    rng = np.random.default_rng(seed)
    train, val, test = [], [], []
    for c in range(int(labels.max()) + 1):
        members = rng.permutation(np.flatnonzero(labels == c))
        n_val, n_test = math.floor(f[1] * len(members)), math.floor(f[2] * len(members))
        val.append(members[:n_val])
        test.append(members[n_val : n_val + n_test])
        train.append(members[n_val + n_test :])
    return tuple(np.concatenate(p) for p in (train, val, test))


def split_overlapping(n, fractions, seed, stratify=None):
    """Wrong: the test set is cut from the same start as the validation set, so they overlap."""
    f = _check_args(n, fractions)
    members = np.random.default_rng(seed).permutation(n)
    n_val, n_test = math.floor(f[1] * n), math.floor(f[2] * n)
    return members[n_val + n_test :], members[:n_val], members[:n_test]


def split_fake(n, fractions, seed, stratify=None):
    """Wrong (fakes its results): arrays of the right sizes from one fixed permutation, no seed,
    no stratification, no validation."""
    n = int(n)
    idx = np.random.default_rng(0).permutation(n)
    n_val, n_test = int(fractions[1] * n), int(fractions[2] * n)
    return idx[n_val + n_test :], idx[:n_val], idx[n_val : n_val + n_test]


# ----------------------------------------------------------------------------- task_type, more
def task_type_own_error(y):
    """Right: np.issubdtype, a set of values, its own ValueError subclass."""

    class EmptyTargetError(ValueError):
        pass

    y = np.asarray(y)
    if y.size == 0:
        raise EmptyTargetError("empty target")
    if y.ndim >= 2:
        return "generation"
    if not np.issubdtype(y.dtype, np.floating):
        return "classification"
    values = set(y.tolist())
    if all(float(v).is_integer() for v in values) and len(values) <= 10:
        return "classification"
    return "regression"


def _task_type(
    y,
    *,
    limit=10,
    strict=False,
    count=lambda y: np.unique(y).size,
    integers_too=False,
    empty_ok=False,
):
    y = np.asarray(y)
    if y.size == 0 and not empty_ok:
        raise ValueError("empty")
    if y.ndim >= 2:
        return "generation"
    if y.dtype.kind in "bUSO" or (y.dtype.kind in "iu" and not integers_too):
        return "classification"
    few = count(y) < limit if strict else count(y) <= limit
    return "classification" if bool(np.all(y == np.round(y))) and few else "regression"


def task_type_fewer_than_10(y):
    """Wrong: fewer than 10 distinct values (the text says at most 10)."""
    return _task_type(y, strict=True)


def task_type_counts_values(y):
    """Wrong: counts all values, not the distinct ones."""
    return _task_type(y, count=len)


def task_type_integers_by_count(y):
    """Wrong: applies the 10-distinct-values rule to integer targets too."""
    return _task_type(y, integers_too=True)


def task_type_empty_allowed(y):
    """Wrong: an empty target is called classification instead of raising ValueError."""
    return _task_type(y, empty_ok=True)


def task_type_no_asarray(y):
    """Wrong: uses y.ndim and y.dtype directly, so a list crashes."""
    if y.ndim >= 2:
        return "generation"
    return _task_type(y)


def task_type_no_distinct_limit(y):
    """Wrong: every whole-numbered float target is classification, however many values it has."""
    return _task_type(y, limit=10**9)


def task_type_fake(y):
    """Wrong (fakes its results): always "classification"."""
    return "classification"


# ----------------------------------------------------------------------------- scalers, more
class StandardizerOwnError:
    """Right: its own RuntimeError subclass, loops over columns, extra fitted attributes."""

    class NotFittedError(RuntimeError):
        pass

    def __init__(self):
        pass

    def fit(self, X):
        X = np.array(X, dtype=np.float64)
        self.n_features_in_ = X.shape[1]
        self.mean_ = np.array([X[:, j].mean() for j in range(X.shape[1])])
        std = np.array(
            [np.sqrt(np.mean((X[:, j] - self.mean_[j]) ** 2)) for j in range(X.shape[1])]
        )
        self.scale_ = np.where(std == 0, 1.0, std)
        return self

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise self.NotFittedError("Standardizer: call fit before transform")
        X = np.array(X, dtype=np.float64)  # a copy
        for j in range(X.shape[1]):
            X[:, j] = (X[:, j] - self.mean_[j]) / self.scale_[j]
        return X

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class StandardizerInPlace(StandardizerOwnError):
    """Wrong: right numbers, but transform scales the caller's float64 array in place."""

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise RuntimeError("call fit first")
        X = np.asarray(X, dtype=np.float64)  # no copy for a float64 array
        X -= self.mean_
        X /= self.scale_
        return X


class StandardizerKeepsDtype(StandardizerOwnError):
    """Wrong: never converts X, so float32 data gives float32 statistics and results."""

    def fit(self, X):
        X = np.asarray(X)
        self.mean_ = X.mean(axis=0)
        std = X.std(axis=0)
        self.scale_ = np.where(std == 0, np.ones_like(std), std)
        return self

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise RuntimeError("call fit first")
        return (np.asarray(X) - self.mean_) / self.scale_


class StandardizerScaleKeepsZero(StandardizerOwnError):
    """Wrong: right transform, but scale_ keeps the std 0 of a constant feature (the text: scale 1)."""

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
        return self

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise RuntimeError("call fit first")
        return (np.asarray(X, dtype=np.float64) - self.mean_) / np.where(
            self.scale_ == 0, 1.0, self.scale_
        )


class StandardizerNoFittedCheck(StandardizerOwnError):
    """Wrong: transform before fit dies with an AttributeError about mean_."""

    def transform(self, X):
        return (np.asarray(X, dtype=np.float64) - self.mean_) / self.scale_


class StandardizerValueErrorBeforeFit(StandardizerOwnError):
    """Wrong: a ValueError (not a RuntimeError) before fit."""

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise ValueError("call fit before transform")
        return super().transform(X)


class StandardizerInitCreatesState(StandardizerOwnError):
    """Wrong: __init__ creates mean_ and scale_ (as None): it must do nothing else than store arguments."""

    def __init__(self):
        self.mean_ = None
        self.scale_ = None

    def transform(self, X):
        if self.mean_ is None:
            raise RuntimeError("call fit first")
        return super().transform(X)


class StandardizerOtherNames(StandardizerOwnError):
    """Wrong: right numbers, but the statistics live in mu and sigma instead of mean_ and scale_."""

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        std = X.std(axis=0)
        self.mu, self.sigma = X.mean(axis=0), np.where(std == 0, 1.0, std)
        return self

    def transform(self, X):
        if not hasattr(self, "mu"):
            raise RuntimeError("call fit first")
        return (np.asarray(X, dtype=np.float64) - self.mu) / self.sigma


class StandardizerOwnFitTransform(StandardizerOwnError):
    """Wrong: fit_transform rewritten by hand, dividing by the raw std (a constant feature gives nan)."""

    def fit_transform(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.fit(X)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (X - self.mean_) / X.std(axis=0)


class StandardizerStoresCount(StandardizerOwnError):
    """Wrong: right numbers, but fit also stores n_samples, a fitted attribute without the trailing _."""

    def fit(self, X):
        super().fit(X)
        self.n_samples = len(X)
        return self


class StandardizerFake(StandardizerOwnError):
    """Wrong (fakes its results): zero means, unit scales, all-zero output of the right shape."""

    def fit(self, X):
        d = np.shape(X)[1]
        self.mean_, self.scale_ = np.zeros(d), np.ones(d)
        return self

    def transform(self, X):
        if not hasattr(self, "scale_"):
            raise RuntimeError("call fit first")
        return np.zeros(np.shape(X))


class MinMaxOwnError:
    """Right: its own RuntimeError subclass, the formula rearranged, an extra fitted attribute."""

    class NotFittedError(RuntimeError):
        pass

    def __init__(self, feature_range=(0.0, 1.0)):
        self.feature_range = feature_range

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.data_min_, self.data_max_ = X.min(axis=0), X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        return self

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise self.NotFittedError("MinMaxScaler is not fitted: call fit first")
        lo, hi = self.feature_range
        span = np.where(self.data_range_ == 0, 1.0, self.data_range_)
        return (np.asarray(X, dtype=np.float64) - self.data_min_) / span * (hi - lo) + lo

    def fit_transform(self, X):
        return self.fit(X).transform(X)


class MinMaxConstantNaN(MinMaxOwnError):
    """Wrong: a constant feature divides by zero (nan and inf) instead of getting range 1."""

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("call fit first")
        lo, hi = self.feature_range
        with np.errstate(divide="ignore", invalid="ignore"):
            return (
                lo
                + (np.asarray(X, dtype=np.float64) - self.data_min_) * (hi - lo) / self.data_range_
            )


class MinMaxInPlace(MinMaxOwnError):
    """Wrong: right numbers, but transform rescales the caller's float64 array in place."""

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("call fit first")
        lo, hi = self.feature_range
        X = np.asarray(X, dtype=np.float64)
        X -= self.data_min_
        X *= (hi - lo) / np.where(self.data_range_ == 0, 1.0, self.data_range_)
        X += lo
        return X


class MinMaxKeepsDtype(MinMaxOwnError):
    """Wrong: never converts X, so uint8 data wraps around in X - data_min_."""

    def fit(self, X):
        X = np.asarray(X)
        self.data_min_, self.data_max_ = X.min(axis=0), X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        return self

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("call fit first")
        lo, hi = self.feature_range
        span = np.where(self.data_range_ == 0, 1, self.data_range_)
        return lo + (np.asarray(X) - self.data_min_) * (hi - lo) / span


class MinMaxMessageWithoutFit(MinMaxOwnError):
    """Wrong: a RuntimeError before fit whose message never says fit."""

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("not ready yet")
        return super().transform(X)


class MinMaxStoresArrayRange(MinMaxOwnError):
    """Wrong: __init__ converts feature_range to an array instead of storing it untouched."""

    def __init__(self, feature_range=(0.0, 1.0)):
        self.feature_range = np.asarray(feature_range, dtype=np.float64)


class MinMaxOtherNames(MinMaxOwnError):
    """Wrong: right numbers, but the statistics live in min_ and max_ instead of data_min_ and data_max_."""

    def fit(self, X):
        X = np.asarray(X, dtype=np.float64)
        self.min_, self.max_ = X.min(axis=0), X.max(axis=0)
        self.data_range_ = self.max_ - self.min_
        return self

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("call fit first")
        lo, hi = self.feature_range
        span = np.where(self.data_range_ == 0, 1.0, self.data_range_)
        return lo + (np.asarray(X, dtype=np.float64) - self.min_) * (hi - lo) / span


class MinMaxNoSelf(MinMaxOwnError):
    """Wrong: right numbers, but fit returns None."""

    def fit(self, X):
        super().fit(X)

    def fit_transform(self, X):
        self.fit(X)
        return self.transform(X)


class MinMaxFitConvertsRange(MinMaxOwnError):
    """Wrong: right numbers, but fit replaces feature_range by a tuple of floats (what __init__ stored)."""

    def fit(self, X):
        self.feature_range = tuple(float(v) for v in self.feature_range)
        return super().fit(X)


class MinMaxFake(MinMaxOwnError):
    """Wrong (fakes its results): every value becomes lo."""

    def transform(self, X):
        if not hasattr(self, "data_range_"):
            raise RuntimeError("call fit first")
        return np.full(np.shape(X), float(self.feature_range[0]))


# ----------------------------------------------------------------------------- scale_splits, more
def scale_splits_as_list(scaler, X_train, X_val, X_test):
    """Right: a list built by a comprehension."""
    fitted = scaler.fit(X_train)
    return [fitted.transform(part) for part in (X_train, X_val, X_test)]


def scale_splits_on_train_and_val(scaler, X_train, X_val, X_test):
    """Wrong: fits on the training and validation rows together."""
    scaler.fit(np.vstack([X_train, X_val]))
    return scaler.transform(X_train), scaler.transform(X_val), scaler.transform(X_test)


def scale_splits_wrong_order(scaler, X_train, X_val, X_test):
    """Wrong: returns (train, test, val)."""
    scaler.fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), scaler.transform(X_val)


def scale_splits_fake(scaler, X_train, X_val, X_test):
    """Wrong (fakes its results): returns the splits untransformed."""
    return tuple(np.asarray(part, dtype=np.float64) for part in (X_train, X_val, X_test))


# ----------------------------------------------------------------------------- feature selection, more
def _abs_correlations(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.array(
        [
            abs(np.corrcoef(X[:, j], y)[0, 1]) if X[:, j].std() > 0 else 0.0
            for j in range(X.shape[1])
        ]
    )


def select_with_pearsonr(X, y, k):
    """Right: scipy.stats.pearsonr per column, sorted by (-|r|, index), a list of Python ints."""
    from scipy.stats import pearsonr

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    r = [0.0 if np.ptp(X[:, j]) == 0 else abs(pearsonr(X[:, j], y)[0]) for j in range(X.shape[1])]
    return sorted(range(X.shape[1]), key=lambda j: (-r[j], j))[:k]


def select_reversed_argsort(X, y, k):
    """Wrong: argsort ascending, then reversed: equal correlations put the larger index first."""
    return np.argsort(_abs_correlations(X, y), kind="stable")[::-1][:k]


def select_sorted_by_index(X, y, k):
    """Wrong: the right k columns, but returned in index order."""
    return np.sort(np.argsort(-_abs_correlations(X, y), kind="stable")[:k])


def select_statistics_unguarded(X, y, k):
    """Wrong: statistics.correlation, which raises on a constant column (the text: correlation 0)."""
    import statistics

    X = np.asarray(X, dtype=float)
    r = [
        abs(statistics.correlation(X[:, j].tolist(), list(map(float, y))))
        for j in range(X.shape[1])
    ]
    return sorted(range(X.shape[1]), key=lambda j: (-r[j], j))[:k]


def select_constant_as_nan(X, y, k):
    """Wrong: np.corrcoef unguarded, so a constant column gets nan (sorted last), not correlation 0."""
    X = np.asarray(X, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.abs([np.corrcoef(X[:, j], y)[0, 1] for j in range(X.shape[1])])
    return np.argsort(-r, kind="stable")[:k]


def select_with_statistics(X, y, k):
    """Right: statistics.correlation in pure Python, with the constant column guarded."""
    import statistics

    columns = np.asarray(X, dtype=float).T.tolist()
    target = [float(v) for v in y]
    r = [0.0 if min(c) == max(c) else abs(statistics.correlation(c, target)) for c in columns]
    return np.array(sorted(range(len(columns)), key=lambda j: (-r[j], j))[:k])


def select_fake(X, y, k):
    """Wrong (fakes its results): the first k column indices."""
    return np.arange(k)


# ----------------------------------------------------------------------------- leakage, more
def leakage_with_extra_keys(X, y, train_idx, val_idx, k):
    """Right: model.score, numpy floats, and extra diagnostic keys (the selected features)."""
    from sklearn.linear_model import LogisticRegression

    X, y = np.asarray(X, dtype=float), np.asarray(y)
    out = {}
    for name, rows in (("leaky", np.r_[train_idx, val_idx]), ("honest", np.asarray(train_idx))):
        features = select_with_pearsonr(X[rows], y[rows], k)
        model = LogisticRegression(max_iter=1000).fit(X[train_idx][:, features], y[train_idx])
        out[name] = np.float64(model.score(X[val_idx][:, features], y[val_idx]))
        out[f"{name}_features"] = features
    return out


def leakage_in_percent(X, y, train_idx, val_idx, k):
    """Wrong: accuracies in percent."""
    return {
        key: 100 * value for key, value in leakage_with_loops(X, y, train_idx, val_idx, k).items()
    }


def leakage_training_accuracy(X, y, train_idx, val_idx, k):
    """Wrong: measures the accuracy on the training rows instead of the validation rows."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    both = np.concatenate([train_idx, val_idx])
    return {
        name: _logistic_accuracy(X, y, train_idx, train_idx, _select(X[rows], y[rows], k))
        for name, rows in (("leaky", both), ("honest", train_idx))
    }


def leakage_always_leaks(X, y, train_idx, val_idx, k):
    """Wrong: selects on train + validation rows in both cases."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    both = np.concatenate([train_idx, val_idx])
    score = _logistic_accuracy(X, y, train_idx, val_idx, _select(X[both], y[both], k))
    return {"leaky": score, "honest": score}


def leakage_fake(X, y, train_idx, val_idx, k):
    """Wrong (fakes its results): plausible accuracies (leakage helps, honest is chance) without training."""
    return {"leaky": 0.8, "honest": 0.5}


# Items of each graded function (a wrong variant of select_top_features must not be charged on
# leakage_experiment, which only uses it: the official grade probes that with the reference).
SPLIT = ("split_indices", "split_indices.hidden")
STRATIFIED = ("split_indices.stratified", "split_indices.stratified.hidden")
SPLIT_EDGES = ("split_indices.edge_cases",)
TASK = ("task_type", "task_type.hidden")
STANDARDIZER = ("Standardizer", "Standardizer.hidden")
MINMAX = ("MinMaxScaler", "MinMaxScaler.hidden")
SCALE_SPLITS = ("scale_splits", "scale_splits.hidden")
SELECT = ("select_top_features", "select_top_features.hidden")
LEAKAGE = ("leakage_experiment", "leakage_experiment.hidden")

WRONG = [
    Variant("split_indices", split_unshuffled, "no shuffling", breaks=SPLIT),
    Variant("split_indices", split_rounded, "sizes rounded up", breaks=(*SPLIT, *SPLIT_EDGES)),
    Variant("split_indices", split_ignoring_seed, "seed ignored", breaks=SPLIT),
    Variant("split_indices", split_ignoring_stratify, "stratify ignored", breaks=STRATIFIED),
    Variant(
        "split_indices", split_without_validation, "no argument validation", breaks=SPLIT_EDGES
    ),
    Variant(
        "split_indices",
        split_exact_sum,
        "fractions must sum to exactly 1",
        breaks=("split_indices.stratified", *SPLIT_EDGES),
    ),
    Variant("split_indices", split_loose_sum, "np.isclose tolerance", breaks=SPLIT_EDGES),
    Variant(
        "split_indices",
        split_any_number_of_fractions,
        "number of fractions not checked",
        breaks=SPLIT_EDGES,
    ),
    Variant("split_indices", split_truncates_n, "n = 7.5 accepted", breaks=SPLIT_EDGES),
    Variant(
        "split_indices",
        split_negative_test_slice,
        "rest[-0:] is the whole rest",
        breaks=SPLIT_EDGES,
    ),
    Variant("split_indices", split_overlapping, "val and test overlap", breaks=SPLIT),
    Variant("split_indices", split_float_indices, "float indices", breaks=(*SPLIT, *STRATIFIED)),
    Variant(
        "split_indices",
        split_stratify_by_bincount,
        "string labels crash",
        breaks=("split_indices.stratified.hidden",),
    ),
    Variant(
        "split_indices",
        split_fake,
        "fakes: fixed permutation",
        breaks=(*SPLIT, *STRATIFIED, *SPLIT_EDGES),
    ),
    Variant(
        "task_type",
        task_type_floats_are_regression,
        "float labels are regression",
        breaks=TASK,
    ),
    Variant("task_type", task_type_no_generation, "no generation, strings crash", breaks=TASK),
    Variant("task_type", task_type_fewer_than_10, "fewer than 10 distinct", breaks=("task_type",)),
    Variant(
        "task_type", task_type_counts_values, "counts values, not distinct ones", breaks=TASK[1:]
    ),
    Variant("task_type", task_type_integers_by_count, "integers with many values", breaks=TASK[1:]),
    Variant("task_type", task_type_empty_allowed, "empty y accepted", breaks=TASK[1:]),
    Variant("task_type", task_type_no_asarray, "lists crash", breaks=TASK),
    Variant("task_type", task_type_no_distinct_limit, "no distinct-value limit", breaks=TASK[1:]),
    Variant("task_type", task_type_fake, "fakes: always classification", breaks=TASK),
    Variant("Standardizer", StandardizerSampleStd, "ddof=1", breaks=STANDARDIZER),
    Variant("Standardizer", StandardizerNoSelf, "fit returns None", breaks=STANDARDIZER),
    Variant(
        "Standardizer",
        StandardizerDividesByZero,
        "constant feature divides by zero",
        breaks=("Standardizer.hidden",),
    ),
    Variant("Standardizer", StandardizerInPlace, "transform modifies X", breaks=("Standardizer",)),
    Variant(
        "Standardizer",
        StandardizerKeepsDtype,
        "no float64 conversion",
        breaks=("Standardizer.hidden",),
    ),
    Variant(
        "Standardizer",
        StandardizerScaleKeepsZero,
        "scale_ 0 for a constant feature",
        breaks=("Standardizer.hidden",),
    ),
    Variant(
        "Standardizer",
        StandardizerNoFittedCheck,
        "AttributeError before fit",
        breaks=STANDARDIZER,
    ),
    Variant(
        "Standardizer",
        StandardizerValueErrorBeforeFit,
        "ValueError before fit",
        breaks=STANDARDIZER,
    ),
    Variant(
        "Standardizer",
        StandardizerInitCreatesState,
        "__init__ creates mean_",
        breaks=STANDARDIZER,
    ),
    Variant("Standardizer", StandardizerOtherNames, "mu and sigma, not mean_", breaks=STANDARDIZER),
    Variant(
        "Standardizer",
        StandardizerOwnFitTransform,
        "fit_transform by hand",
        breaks=("Standardizer.hidden",),
    ),
    Variant("Standardizer", StandardizerStoresCount, "n_samples without _", breaks=STANDARDIZER),
    Variant("Standardizer", StandardizerFake, "fakes: zeros", breaks=STANDARDIZER),
    Variant("MinMaxScaler", MinMaxForgetsMin, "forgets the minimum", breaks=MINMAX),
    Variant("MinMaxScaler", MinMaxClips, "clips new values", breaks=("MinMaxScaler.hidden",)),
    Variant(
        "MinMaxScaler", MinMaxIgnoresRange, "ignores feature_range", breaks=("MinMaxScaler.hidden",)
    ),
    Variant(
        "MinMaxScaler",
        MinMaxConstantNaN,
        "constant feature divides by zero",
        breaks=("MinMaxScaler.hidden",),
    ),
    Variant("MinMaxScaler", MinMaxInPlace, "transform modifies X", breaks=("MinMaxScaler",)),
    Variant(
        "MinMaxScaler", MinMaxKeepsDtype, "uint8 wraps around", breaks=("MinMaxScaler.hidden",)
    ),
    Variant("MinMaxScaler", MinMaxMessageWithoutFit, "message without 'fit'", breaks=MINMAX),
    Variant(
        "MinMaxScaler",
        MinMaxStoresArrayRange,
        "feature_range converted in __init__",
        breaks=("MinMaxScaler.hidden",),
    ),
    Variant("MinMaxScaler", MinMaxOtherNames, "min_ and max_", breaks=MINMAX),
    Variant("MinMaxScaler", MinMaxNoSelf, "fit returns None", breaks=MINMAX),
    Variant(
        "MinMaxScaler",
        MinMaxFitConvertsRange,
        "fit replaces feature_range",
        breaks=("MinMaxScaler.hidden",),
    ),
    Variant("MinMaxScaler", MinMaxFake, "fakes: every value lo", breaks=MINMAX),
    Variant("scale_splits", scale_splits_on_everything, "fits on all splits", breaks=SCALE_SPLITS),
    Variant("scale_splits", scale_splits_each_separately, "refits per split", breaks=SCALE_SPLITS),
    Variant(
        "scale_splits", scale_splits_on_train_and_val, "fits on train + val", breaks=SCALE_SPLITS
    ),
    Variant("scale_splits", scale_splits_wrong_order, "(train, test, val)", breaks=SCALE_SPLITS),
    Variant("scale_splits", scale_splits_fake, "fakes: unscaled", breaks=SCALE_SPLITS),
    Variant("select_top_features", select_without_abs, "signed correlation", breaks=SELECT),
    Variant("select_top_features", select_least_correlated, "ascending order", breaks=SELECT),
    Variant(
        "select_top_features",
        select_by_covariance,
        "covariance, not correlation",
        breaks=("select_top_features.hidden",),
    ),
    Variant(
        "select_top_features",
        select_reversed_argsort,
        "ties to the larger index",
        breaks=SELECT,
    ),
    Variant(
        "select_top_features", select_sorted_by_index, "returned in index order", breaks=SELECT
    ),
    Variant(
        "select_top_features",
        select_statistics_unguarded,
        "statistics.correlation raises on a constant column",
        breaks=("select_top_features.hidden",),
    ),
    Variant(
        "select_top_features",
        select_constant_as_nan,
        "a constant column's correlation is nan, sorted last",
        breaks=("select_top_features.hidden",),
    ),
    Variant("select_top_features", select_fake, "fakes: first k columns", breaks=SELECT),
    Variant("leakage_experiment", leakage_never_leaks, "both honest", breaks=LEAKAGE),
    Variant(
        "leakage_experiment",
        leakage_fits_on_validation,
        "model fitted on validation rows",
        breaks=LEAKAGE,
    ),
    Variant("leakage_experiment", leakage_in_percent, "accuracy in percent", breaks=LEAKAGE),
    Variant(
        "leakage_experiment",
        leakage_training_accuracy,
        "accuracy on the training rows",
        breaks=LEAKAGE,
    ),
    Variant("leakage_experiment", leakage_always_leaks, "both leaky", breaks=LEAKAGE),
    Variant("leakage_experiment", leakage_fake, "fakes: made-up accuracies", breaks=LEAKAGE),
]

RIGHT = [
    Variant("split_indices", split_with_python_random, "random.Random, loops, int32, test first"),
    Variant(
        "split_indices",
        split_lists_and_own_error,
        "math.isclose, ValueError subclass, dict of labels, sorted, float64 empty split",
    ),
    Variant("task_type", task_type_with_loops, "loops over values"),
    Variant("task_type", task_type_own_error, "np.issubdtype, a set, ValueError subclass"),
    Variant("Standardizer", StandardizerViaSklearn, "scikit-learn StandardScaler"),
    Variant(
        "Standardizer", StandardizerOwnError, "RuntimeError subclass, column loops, extra attribute"
    ),
    Variant("MinMaxScaler", MinMaxViaSklearn, "scikit-learn MinMaxScaler"),
    Variant("MinMaxScaler", MinMaxOwnError, "RuntimeError subclass, rearranged formula"),
    Variant("scale_splits", scale_splits_fit_transform_first, "fit_transform then transform"),
    Variant("scale_splits", scale_splits_as_list, "a list from a comprehension"),
    Variant("select_top_features", select_with_corrcoef, "np.corrcoef in a loop, stable argsort"),
    Variant("select_top_features", select_with_pearsonr, "scipy pearsonr, sorted(), a list"),
    Variant("select_top_features", select_with_statistics, "statistics.correlation, pure Python"),
    Variant("leakage_experiment", leakage_with_loops, "loops, own selection"),
    Variant("leakage_experiment", leakage_with_extra_keys, "model.score, numpy floats, extra keys"),
]
