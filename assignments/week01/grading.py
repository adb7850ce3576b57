"""Week 1 grading spec (public items): splits, task types, scalers, leakage.

Probes run in the sandbox and only call the student's code and return what
it returned; every property (sizes, disjointness, determinism, "raises") is
computed by the checks, in the trusted process. The hidden spec reuses the
helpers defined here (``from grading import ...``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.messages import expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 1: data, splits and preprocessing"}


# ----------------------------------------------------------------------------- split_indices
def probe_split(
    ns: dict[str, Any], n: int, fractions: tuple[float, ...], stratify: np.ndarray | None = None
) -> dict[str, Any]:
    split = ns["split_indices"]
    return {
        "n": n,
        "first": split(n, fractions, seed=3, stratify=stratify),
        "again": split(n, fractions, seed=3, stratify=stratify),
        "other_seed": split(n, fractions, seed=4, stratify=stratify),
        "labels": stratify if stratify is not None else [],
    }


def _split_problem(parts: Any, n: int, expected_sizes: list[int]) -> str | None:
    if not isinstance(parts, list) or len(parts) != 3:
        return "split_indices must return three arrays (train, val, test)"
    arrays = []
    for name, part in zip(("train", "val", "test"), parts, strict=True):
        if not isinstance(part, np.ndarray) or part.ndim != 1 or part.dtype.kind not in "iu":
            return f"the {name} indices must be a 1-D integer array"
        arrays.append(part)
    sizes = [len(a) for a in arrays]
    if sizes != expected_sizes:
        return f"split sizes (train, val, test) should be {tuple(expected_sizes)} for n={n}, got {tuple(sizes)}"
    together = np.concatenate(arrays)
    if len(np.unique(together)) != len(together):
        return "some index appears twice (splits must be disjoint)"
    if together.min(initial=0) < 0 or together.max(initial=0) >= n or len(together) != n:
        return f"the splits together must hold every index of range({n}) exactly once"
    return None


def check_split(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Sizes as the reference, a partition of range(n), same seed same split, seeds matter, shuffled."""
    if not isinstance(got, dict) or not all(k in got for k in ("first", "again", "other_seed")):
        return Outcome(0.0, "split_indices returned something unexpected")
    n = ref["n"]
    expected = [len(p) for p in ref["first"]]
    for key in ("first", "again", "other_seed"):
        problem = _split_problem(got[key], n, expected)
        if problem:
            return Outcome(0.0, problem)
    if not all(
        np.array_equal(np.sort(a), np.sort(b))
        for a, b in zip(got["first"], got["again"], strict=True)
    ):
        return Outcome(
            0.0, "the same seed gave two different splits: use np.random.default_rng(seed)"
        )
    if n >= 20:
        if all(
            np.array_equal(np.sort(a), np.sort(b))
            for a, b in zip(got["first"], got["other_seed"], strict=True)
        ):
            return Outcome(0.0, "another seed gave the same split: is the seed used?")
        if np.array_equal(np.sort(got["first"][0]), np.arange(expected[0])) or np.array_equal(
            np.sort(got["first"][2]), np.arange(n - expected[2], n)
        ):
            return Outcome(
                0.0, "the split is not shuffled: shuffle the indices before cutting them"
            )
    labels = ref.get("labels")
    if isinstance(labels, np.ndarray) and labels.size:
        for name, got_part, ref_part in zip(
            ("train", "val", "test"), got["first"], ref["first"], strict=True
        ):
            got_counts = np.bincount(labels[got_part], minlength=labels.max() + 1)
            ref_counts = np.bincount(labels[ref_part], minlength=labels.max() + 1)
            if not np.array_equal(got_counts, ref_counts):
                return Outcome(
                    0.0,
                    f"the {name} split does not keep the class proportions",
                    expected_got(ref_counts.tolist(), got_counts.tolist(), what="class counts"),
                )
    return Outcome(1.0, "a reproducible, shuffled partition with the right sizes")


# ----------------------------------------------------------------------------- scalers
def probe_scaler(
    ns: dict[str, Any], cls: str, X: np.ndarray, X_new: np.ndarray, **params: Any
) -> dict[str, Any]:
    """Exercise the estimator contract and the numbers: fit returns self, attributes, transform."""
    Scaler = ns[cls]
    unfitted = attempt(lambda: Scaler(**params).transform(X_new), mentions=("fit",))
    scaler = Scaler(**params)
    fitted = scaler.fit(X)
    attributes = ("mean_", "scale_") if cls == "Standardizer" else ("data_min_", "data_max_")
    return {
        "fit_returns_self": fitted is scaler,
        "attributes": {
            a: np.asarray(getattr(scaler, a, np.nan), dtype=np.float64) for a in attributes
        },
        "transform": np.asarray(scaler.transform(X_new)),
        "fit_transform": np.asarray(type(scaler)(**params).fit_transform(X)),
        "unfitted": unfitted,
    }


def check_scaler(rtol: float = 1e-9, atol: float = 1e-12) -> Any:
    numbers = checks.close(rtol=rtol, atol=atol)

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, "unexpected result")
        if got.get("fit_returns_self") is not True:
            return Outcome(0.0, "fit must return self (so that fit(X).transform(X) works)")
        for key in ("attributes", "transform", "fit_transform"):
            outcome = numbers(got.get(key), ref[key], reveal)
            if not outcome.passed:
                return Outcome(0.0, f"{key}: {outcome.message}", outcome.detail)
        if not checks.is_raise(got.get("unfitted"), "RuntimeError", mentions="fit"):
            return Outcome(
                0.5,
                "numbers are right, but transform before fit must raise a RuntimeError that mentions fit",
            )
        return Outcome(1.0, "fit/transform contract and values match")

    return check


# ----------------------------------------------------------------------------- public inputs
def _small_matrix() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    X = rng.normal(loc=[0.0, 50.0, -3.0], scale=[1.0, 10.0, 0.1], size=(12, 3))
    return X, rng.normal(loc=[0.0, 50.0, -3.0], scale=[1.0, 10.0, 0.1], size=(5, 3))


def probe_task_type(ns: dict[str, Any], cases: list[Any]) -> list[str]:
    return [ns["task_type"](case) for case in cases]


PUBLIC_TASK_CASES = [
    np.array([0, 1, 1, 0]),
    np.array([2.5, 3.1, 0.2]),
    np.zeros((4, 8, 8)),
    ["cat", "dog", "cat"],
]


def probe_scale_splits(ns: dict[str, Any], scaler_cls: str, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    X_train = rng.normal(2.0, 3.0, size=(20, 4))
    X_val = rng.normal(5.0, 1.0, size=(6, 4))
    X_test = rng.normal(-1.0, 2.0, size=(6, 4))
    out = ns["scale_splits"](ns[scaler_cls](), X_train, X_val, X_test)
    return [np.asarray(part) for part in out]


def correlated_data(seed: int, n: int = 60, d: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 3] - 0.5 * X[:, 7] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


def probe_leakage(ns: dict[str, Any], seed: int, n: int, d: int, k: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    order = rng.permutation(n)
    train_idx, val_idx = order[: n // 2], order[n // 2 :]
    scores = ns["leakage_experiment"](X, y, train_idx, val_idx, k)
    return {"leaky": scores["leaky"], "honest": scores["honest"]}


ITEMS = [
    Item(
        "split_indices",
        2,
        probe=lambda ns: probe_split(ns, 50, (0.6, 0.2, 0.2)),
        check=check_split,
        requires=("split_indices",),
        hint="sizes are floor(f_val*n) and floor(f_test*n), the rest is training; shuffle with np.random.default_rng(seed).",
    ),
    Item(
        "split_indices.stratified",
        1,
        probe=lambda ns: probe_split(
            ns, 40, (0.5, 0.25, 0.25), stratify=np.repeat([0, 1, 2, 3], [10, 14, 8, 8])
        ),
        check=check_split,
        requires=("split_indices",),
        hint="with stratify, apply the size rule to each class's indices separately.",
    ),
    Item(
        "task_type",
        1,
        probe=lambda ns: probe_task_type(ns, PUBLIC_TASK_CASES),
        check=checks.equal(),
        requires=("task_type",),
        hint="check y.ndim first, then the dtype kind (np.asarray(y).dtype.kind), then whole-numbered floats.",
    ),
    Item(
        "Standardizer",
        2,
        probe=lambda ns: probe_scaler(ns, "Standardizer", *_small_matrix()),
        check=check_scaler(),
        requires=("Standardizer",),
        hint="use the population standard deviation (ddof=0) of the training data, per column (axis=0).",
    ),
    Item(
        "MinMaxScaler",
        2,
        probe=lambda ns: probe_scaler(ns, "MinMaxScaler", *_small_matrix()),
        check=check_scaler(),
        requires=("MinMaxScaler",),
        hint="lo + (x - min) * (hi - lo) / (max - min), with min and max per column of the training data.",
    ),
    Item(
        "scale_splits",
        1,
        probe=lambda ns: probe_scale_splits(ns, "Standardizer", seed=5),
        check=checks.close(rtol=1e-9, atol=1e-12),
        requires=("scale_splits", "Standardizer"),
        hint="fit the scaler on X_train only, then transform each split with the same fitted scaler.",
    ),
    Item(
        "select_top_features",
        1,
        probe=lambda ns: np.asarray(ns["select_top_features"](*correlated_data(2), 3)),
        check=checks.equal(),
        requires=("select_top_features",),
        hint="rank by the absolute value of the correlation, largest first.",
    ),
    Item(
        "leakage_experiment",
        1,
        probe=lambda ns: probe_leakage(ns, seed=0, n=80, d=400, k=10),
        check=checks.close(rtol=1e-9, atol=1e-12),
        requires=("leakage_experiment", "select_top_features"),
        hint="'leaky' selects features on train and validation rows together; 'honest' on training rows only; the model is fitted on training rows in both.",
    ),
]
