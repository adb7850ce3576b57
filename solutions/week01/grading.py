"""Week 1 grading spec (public items): splits, task types, scalers, leakage.

Probes run in the sandbox and only call the student's code and return what
it returned; every property (sizes, disjointness, determinism, "raises") is
computed by the checks, in the trusted process. Each item tests one function:
``scale_splits`` is probed with scikit-learn's scalers, not the student's, so
a mistake in ``Standardizer`` costs only the scaler items. The hidden spec
reuses the helpers defined here (``from grading import ...``); the rules the
notebook states, and the inputs that exercise them, are listed in the
private ``rules.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.estimator_contract import contract_problems, probe_contract
from autograder.spec.messages import describe, expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 1: data, splits and preprocessing"}


# ----------------------------------------------------------------------------- split_indices
def exportable_labels(labels: Any) -> Any:
    """Class labels as exportable data: numeric arrays stay arrays, strings become a list."""
    array = np.asarray(labels)
    return array.tolist() if array.dtype.kind in "USO" else array


def probe_split(
    ns: dict[str, Any], n: int, fractions: tuple[float, ...], stratify: Any = None
) -> dict[str, Any]:
    split = ns["split_indices"]
    return {
        "n": n,
        "fractions": list(fractions),
        "first": attempt(split, n, fractions, seed=3, stratify=stratify),
        "again": attempt(split, n, fractions, seed=3, stratify=stratify),
        "other_seed": attempt(split, n, fractions, seed=4, stratify=stratify),
        "labels": [] if stratify is None else exportable_labels(stratify),
    }


def _is_index_array(part: Any) -> bool:
    """A 1-D integer array; an empty split may have any numeric dtype (it holds no index)."""
    return (
        isinstance(part, np.ndarray)
        and part.ndim == 1
        and (part.dtype.kind in "iu" or (part.size == 0 and part.dtype.kind in "biuf"))
    )


def split_problem(
    parts: Any, n: int, expected_sizes: list[int], stratified: bool = False
) -> str | None:
    """Why ``parts`` is not a (train, val, test) partition of range(n) with these sizes, or None."""
    if not isinstance(parts, list) or len(parts) != 3:
        return f"split_indices must return three arrays (train, val, test), got {describe(parts)}"
    for name, part in zip(("train", "val", "test"), parts, strict=True):
        if not _is_index_array(part):
            return f"the {name} indices must be a 1-D integer array, got {describe(part)}"
    sizes = [len(a) for a in parts]
    if sizes != expected_sizes:
        rule = (
            "with stratify the size rule applies within each class: floor(f_val * n_c) and "
            "floor(f_test * n_c) per class"
            if stratified
            else "n_val = floor(f_val * n), n_test = floor(f_test * n), the rest trains"
        )
        return (
            f"split sizes (train, val, test) should be {tuple(expected_sizes)} for n={n}, got "
            f"{tuple(sizes)}: {rule}"
        )
    together = np.concatenate([a.astype(np.int64) for a in parts])
    if len(np.unique(together)) != len(together):
        return "some index appears twice (splits must be disjoint)"
    if together.min(initial=0) < 0 or together.max(initial=0) >= n:
        return f"the splits together must hold every index of range({n}) exactly once"
    return None


def _same_split(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.array_equal(np.sort(x), np.sort(y)) for x, y in zip(a, b, strict=True))


def _class_codes(labels: Any) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1].ravel()


def check_split(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Sizes as the reference, a partition of range(n), same seed same split, seeds matter, shuffled."""
    if not isinstance(got, dict) or not all(k in got for k in ("first", "again", "other_seed")):
        return Outcome(0.0, "split_indices returned something unexpected")
    n = ref["n"]
    for key in ("first", "again", "other_seed"):
        if isinstance(got[key], dict) and "value" in got[key]:
            continue
        labels = ref.get("labels")
        strings = isinstance(labels, list) and any(isinstance(v, str) for v in labels)
        return Outcome(
            0.0,
            f"split_indices {checks.what_happened(got[key])} on valid arguments: n is a positive "
            "integer and the fractions sum to 1 within 1e-8 (0.7 + 0.2 + 0.1 is "
            "0.9999999999999999 in floating point)"
            + ("; the stratify labels are strings" if strings else ""),
            f"fractions {got.get('fractions')}, n={n}",
        )
    runs = {key: got[key]["value"] for key in ("first", "again", "other_seed")}
    expected = [len(p) for p in ref["first"]["value"]]
    stratified = isinstance(ref.get("labels"), np.ndarray | list) and len(ref["labels"]) > 0
    for parts in runs.values():
        problem = split_problem(parts, n, expected, stratified)
        if problem:
            return Outcome(0.0, problem)
    if not _same_split(runs["first"], runs["again"]):
        return Outcome(
            0.0, "the same seed gave two different splits: use np.random.default_rng(seed)"
        )
    if n >= 20:
        if _same_split(runs["first"], runs["other_seed"]):
            return Outcome(0.0, "another seed gave the same split: is the seed used?")
        first = runs["first"]
        if np.array_equal(np.sort(first[0]), np.arange(expected[0])) or np.array_equal(
            np.sort(first[2]), np.arange(n - expected[2], n)
        ):
            return Outcome(
                0.0, "the split is not shuffled: shuffle the indices before cutting them"
            )
    labels = ref.get("labels")
    if isinstance(labels, np.ndarray | list) and len(labels):
        codes = _class_codes(labels)
        classes = int(codes.max()) + 1
        for name, got_part, ref_part in zip(
            ("train", "val", "test"), runs["first"], ref["first"]["value"], strict=True
        ):
            got_counts = np.bincount(codes[got_part.astype(np.int64)], minlength=classes)
            ref_counts = np.bincount(codes[ref_part], minlength=classes)
            if not np.array_equal(got_counts, ref_counts):
                return Outcome(
                    0.0,
                    f"the {name} split does not keep the class proportions: for a class of n_c "
                    "samples, floor(f_val * n_c) go to validation and floor(f_test * n_c) to test",
                    expected_got(
                        ref_counts.tolist(),
                        got_counts.tolist(),
                        what="class counts (sorted labels)",
                    ),
                )
    return Outcome(1.0, "a reproducible, shuffled partition with the right sizes")


# ----------------------------------------------------------------------------- task_type
def probe_task_type(ns: dict[str, Any], cases: dict[str, Any]) -> dict[str, Any]:
    return {label: attempt(ns["task_type"], case) for label, case in cases.items()}


def check_task_type(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Each labelled case: the reference's answer (or its ValueError); the label names the rule."""
    if not isinstance(got, dict):
        return Outcome(0.0, "task_type returned something unexpected")
    answers = checks.value_or_raise(checks.equal())
    for label, expected in ref.items():
        outcome = answers(got.get(label), expected, reveal)
        if not outcome.passed:
            return outcome.within(label, fraction=0.0)
    return Outcome(1.0, f"all {len(ref)} targets classified by the stated rules")


# The label of each case names the rule it exercises: a failure message then says which rule broke.
PUBLIC_TASK_CASES: dict[str, Any] = {
    "1-D integer labels (classification)": np.array([0, 1, 1, 0]),
    "1-D floats that are not whole numbers (regression)": np.array([2.5, 3.1, 0.2]),
    "targets with two or more dimensions (generation)": np.zeros((4, 8, 8)),
    "a list of strings (convert with np.asarray; classification)": ["cat", "dog", "cat"],
    "whole-numbered floats with exactly 10 distinct values (at most 10: classification)": np.arange(
        10.0
    ),
}


# ----------------------------------------------------------------------------- scalers
SCALER_ATTRIBUTES = {
    "Standardizer": ("mean_", "scale_"),
    "MinMaxScaler": ("data_min_", "data_max_"),
}


def probe_scaler(
    ns: dict[str, Any], cls: str, X: np.ndarray, X_new: np.ndarray, **params: Any
) -> dict[str, Any]:
    """The estimator contract and the numbers; every call gets its own copy of the inputs."""
    Scaler = ns[cls]
    contract = probe_contract(Scaler, params, X.copy(), method="transform")
    unfitted = attempt(lambda: Scaler(**params).transform(X_new.copy()), mentions=("fit",))
    scaler = Scaler(**params)
    X_fit, X_in = X.copy(), X_new.copy()
    scaler.fit(X_fit)
    transformed = scaler.transform(X_in)
    attributes = {}
    for name in SCALER_ATTRIBUTES[cls]:
        value = getattr(scaler, name, None)
        attributes[name] = None if value is None else np.asarray(value)
    return {
        "contract": contract,
        "unfitted": unfitted,
        "attributes": attributes,
        "transform": np.asarray(transformed),
        "inputs_untouched": bool(
            X_fit.dtype == X.dtype
            and np.array_equal(X_fit, X)
            and X_in.dtype == X_new.dtype
            and np.array_equal(X_in, X_new)
        ),
        "fit_transform": np.asarray(Scaler(**params).fit_transform(X.copy())),
    }


def check_scaler(
    cls: str, params: tuple[str, ...] = (), rtol: float = 1e-9, atol: float = 1e-12
) -> Any:
    """Values (float64, as the text says), the input left alone, then the fit/transform contract.

    The numbers right but the contract broken earns half the item.
    """
    numbers = checks.close(rtol=rtol, atol=atol, allow_float32=False)
    fitted = SCALER_ATTRIBUTES[cls]

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict):
            return Outcome(0.0, "unexpected result")
        attributes = got.get("attributes")
        absent = [
            a for a in fitted if not isinstance(attributes, dict) or attributes.get(a) is None
        ]
        if absent:
            return Outcome(
                0.0,
                f"after fit the scaler must hold its statistics in {', '.join(absent)} "
                "(fitted attributes end in _)",
            )
        for key, what in (
            ("attributes", "the fitted attributes"),
            ("transform", "transform(X)"),
            ("fit_transform", "fit_transform(X)"),
        ):
            outcome = numbers(got.get(key), ref[key], reveal)
            if not outcome.passed:
                cause = (
                    " (convert X with np.asarray(X, dtype=np.float64) before computing)"
                    if "dtype" in outcome.message
                    else ""
                )
                return Outcome(0.0, f"{what}: {outcome.message}{cause}", outcome.detail)
        if got.get("inputs_untouched") is not True:
            return Outcome(
                0.0,
                "fit or transform changed the array passed in: transform must return a new array "
                "and leave X unchanged (np.asarray(X, dtype=np.float64) does not copy a float64 "
                "array, so X -= ... modifies the caller's data)",
            )
        unfitted = got.get("unfitted")
        if not checks.is_raise(unfitted, "RuntimeError", mentions="fit"):
            happened = (
                "raised a RuntimeError whose message does not mention fit"
                if checks.is_raise(unfitted, "RuntimeError")
                else checks.what_happened(unfitted)
            )
            return Outcome(
                0.5,
                "numbers are right, but transform before fit must raise a RuntimeError (or a "
                f"subclass) whose message contains 'fit'; it {happened}",
            )
        contract = got.get("contract")
        if not isinstance(contract, dict) or contract.get("fit_returns_self") is not True:
            return Outcome(
                0.5,
                "numbers are right, but fit must return self (so that fit(X).transform(X) works)",
            )
        problems = contract_problems(
            got.get("contract"), params, fitted=fitted, errors=("RuntimeError",), method="transform"
        )
        if problems:
            return Outcome(0.5, f"numbers are right, but {problems[0]}")
        return Outcome(1.0, "fit/transform contract and values match")

    return check


def _small_matrix() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    X = rng.normal(loc=[0.0, 50.0, -3.0], scale=[1.0, 10.0, 0.1], size=(12, 3))
    return X, rng.normal(loc=[0.0, 50.0, -3.0], scale=[1.0, 10.0, 0.1], size=(5, 3))


# ----------------------------------------------------------------------------- scale_splits
def split_matrices(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (
        rng.normal(2.0, 3.0, size=(20, 4)),
        rng.normal(5.0, 1.0, size=(6, 4)),
        rng.normal(-1.0, 2.0, size=(6, 4)),
    )


def probe_scale_splits(ns: dict[str, Any], scaler: Any, seed: int) -> Any:
    """``scaler`` is one of scikit-learn's (never the student's), so this item tests scale_splits only."""
    out = ns["scale_splits"](scaler, *split_matrices(seed))
    return [np.asarray(part) for part in out] if isinstance(out, list | tuple) else out


def check_scale_splits(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != 3:
        return Outcome(
            0.0, f"expected the three transformed arrays (train, val, test), got {describe(got)}"
        )
    close = checks.close(rtol=1e-9, atol=1e-12)
    names = ("train", "val", "test")
    matches = [[close(g, r, False).passed for r in ref] for g in got]
    if not all(matches[i][i] for i in range(3)) and all(any(row) for row in matches):
        return Outcome(
            0.0,
            "the arrays are right but in the wrong order: return (train, val, test)",
        )
    for name, g, r in zip(names, got, ref, strict=True):
        outcome = close(g, r, reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"{name}: {outcome.message}: fit the scaler on X_train only, then transform each "
                "split with that one fitted scaler",
                outcome.detail,
            )
    return Outcome(1.0, "fitted on the training split only")


def sklearn_scaler(name: str, **params: Any) -> Any:
    from sklearn import preprocessing

    return getattr(preprocessing, name)(**params)


# ----------------------------------------------------------------------------- feature selection
def correlated_data(seed: int, n: int = 60, d: int = 12) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 3] - 0.5 * X[:, 7] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


def tied_columns(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact copies and negated copies of columns: their |correlation| ties exactly, whatever the formula."""
    X, y = correlated_data(seed, n=40, d=8)
    X[:, 6] = X[:, 3]  # ties with the most correlated column: 3 before 6
    X[:, 5] = -X[:, 7]  # a negated copy ties in absolute value: 5 before 7
    return X, y


def probe_top_features(ns: dict[str, Any], cases: dict[str, tuple[Any, ...]]) -> dict[str, Any]:
    return {
        label: np.asarray(ns["select_top_features"](X.copy(), y.copy(), k))
        for label, (X, y, k) in cases.items()
    }


def check_top_features(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "select_top_features returned something unexpected")
    exact = checks.equal()
    for label, expected in ref.items():
        value = checks.as_array(got.get(label))
        outcome = exact(got.get(label), expected, reveal)
        if outcome.passed:
            continue
        if value is not None and value.shape == expected.shape and value.dtype.kind in "iu":
            if set(value.tolist()) == set(expected.tolist()):
                cause = (
                    "the right columns in the wrong order: most correlated first, equal "
                    "|correlation| to the smaller index first"
                )
            else:
                cause = (
                    "other columns than the k with the largest absolute Pearson correlation "
                    "(a constant column has correlation 0; ties go to the smaller index)"
                )
            return Outcome(0.0, f"{label}: {cause}", outcome.detail)
        return outcome.within(label, fraction=0.0)
    return Outcome(1.0, "the k most correlated columns, in order")


PUBLIC_FEATURE_CASES = {
    "correlated columns, k=3": (*correlated_data(2), 3),
    "tied columns, k=4": (*tied_columns(4), 4),
}


# ----------------------------------------------------------------------------- leakage
def probe_leakage(ns: dict[str, Any], seed: int, n: int, d: int, k: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2, size=n)
    order = rng.permutation(n)
    train_idx, val_idx = order[: n // 2], order[n // 2 :]
    scores = ns["leakage_experiment"](X, y, train_idx, val_idx, k)
    if not isinstance(scores, dict):
        return {"returned": describe(scores)}
    return {key: scores.get(key) for key in ("leaky", "honest")}


def check_leakage(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Both accuracies equal the reference's, which the trusted solution run computed on these inputs."""
    if not isinstance(got, dict) or "returned" in got:
        return Outcome(
            0.0, "leakage_experiment must return a dict with the keys 'leaky' and 'honest'"
        )
    close = checks.close(rtol=1e-9, atol=1e-12)
    for key, what in (
        ("honest", "features selected on the training rows only"),
        ("leaky", "features selected on the training and validation rows together"),
    ):
        value = got.get(key)
        if type(value) is not float:
            return Outcome(0.0, f"{key!r}: expected a Python float, got {describe(value)}")
        if value > 1.0:
            return Outcome(
                0.0, f"{key!r}: an accuracy is a fraction between 0 and 1, not a percentage"
            )
        outcome = close(value, ref[key], reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"{key!r}: {outcome.message}: the validation accuracy of LogisticRegression(max_iter=1000) "
                f"fitted on the training rows, with {what}",
                outcome.detail,
            )
    return Outcome(1.0, "both accuracies match")


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
            ns, 40, (0.7, 0.2, 0.1), stratify=np.repeat([0, 1, 2, 3], [10, 14, 8, 8])
        ),
        check=check_split,
        requires=("split_indices",),
        hint="with stratify, apply the size rule to each class's indices separately; fractions sum to 1 within 1e-8, not exactly.",
    ),
    Item(
        "task_type",
        1,
        probe=lambda ns: probe_task_type(ns, PUBLIC_TASK_CASES),
        check=check_task_type,
        requires=("task_type",),
        hint="check y.ndim first, then the dtype kind (np.asarray(y).dtype.kind), then whole-numbered floats with at most 10 distinct values.",
    ),
    Item(
        "Standardizer",
        2,
        probe=lambda ns: probe_scaler(ns, "Standardizer", *_small_matrix()),
        check=check_scaler("Standardizer"),
        requires=("Standardizer",),
        hint="use the population standard deviation (ddof=0) of the training data, per column (axis=0).",
    ),
    Item(
        "MinMaxScaler",
        2,
        probe=lambda ns: probe_scaler(ns, "MinMaxScaler", *_small_matrix()),
        check=check_scaler("MinMaxScaler"),
        requires=("MinMaxScaler",),
        hint="lo + (x - min) * (hi - lo) / (max - min), with min and max per column of the training data.",
    ),
    Item(
        "scale_splits",
        1,
        probe=lambda ns: probe_scale_splits(ns, sklearn_scaler("StandardScaler"), seed=5),
        check=check_scale_splits,
        requires=("scale_splits",),
        hint="fit the scaler on X_train only, then transform each split with the same fitted scaler.",
    ),
    Item(
        "select_top_features",
        1,
        probe=lambda ns: probe_top_features(ns, PUBLIC_FEATURE_CASES),
        check=check_top_features,
        requires=("select_top_features",),
        hint="rank by the absolute value of the correlation, largest first; equal values keep the smaller index first (a stable sort).",
    ),
    Item(
        "leakage_experiment",
        1,
        probe=lambda ns: probe_leakage(ns, seed=0, n=80, d=400, k=10),
        check=check_leakage,
        requires=("leakage_experiment", "select_top_features"),
        uses=("select_top_features",),
        hint="'leaky' selects features on train and validation rows together; 'honest' on training rows only; the model is fitted on training rows in both.",
    ),
]
