"""Week 1 hidden items: the same functions on other inputs, boundaries and edge cases.

Stays in solutions/; graded for the official grade after the deadline. Every
rule the notebook states is exercised by an input here or in grading.py (see
rules.py, which names the input and the wrong variants that break it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from grading import (
    check_leakage,
    check_scale_splits,
    check_scaler,
    check_split,
    check_task_type,
    check_top_features,
    correlated_data,
    probe_leakage,
    probe_scale_splits,
    probe_scaler,
    probe_split,
    probe_task_type,
    probe_top_features,
    sklearn_scaler,
    split_problem,
    tied_columns,
)

from autograder.spec import Item, Outcome, checks
from autograder.spec.probes import attempt

# ----------------------------------------------------------------------------- split_indices
# (n, fractions) per case; the label says what the rule is, so a failure names it.
SPLIT_SIZE_CASES = {
    "a very small n": (7, (0.5, 0.25, 0.25)),
    "n = 1 (the smallest positive integer)": (1, (0.5, 0.25, 0.25)),
    "a zero test fraction (an empty test split)": (10, (0.8, 0.2, 0.0)),
    "fractions summing to 1 within 1e-8 (accept them)": (20, (0.5, 0.3, 0.2 + 5e-9)),
}
SPLIT_INVALID_CASES = {
    "fractions summing to 1.1": (10, (0.5, 0.3, 0.3)),
    "fractions off by 1e-6 (more than 1e-8)": (10, (0.5, 0.3, 0.2 + 1e-6)),
    "a negative fraction": (10, (1.2, -0.1, -0.1)),
    "two fractions instead of three": (10, (0.5, 0.5)),
    "four fractions instead of three": (12, (0.25, 0.25, 0.25, 0.25)),
    "n = 0": (0, (0.6, 0.2, 0.2)),
    "a negative n": (-5, (0.6, 0.2, 0.2)),
    "a non-integer n": (7.5, (0.6, 0.2, 0.2)),
}


def probe_split_edges(ns: dict[str, Any]) -> dict[str, Any]:
    split = ns["split_indices"]
    out = {}
    for label, (n, fractions) in {**SPLIT_SIZE_CASES, **SPLIT_INVALID_CASES}.items():
        out[label] = attempt(split, n, fractions, seed=0)
    return out


def check_split_edges(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    for label, (n, _) in SPLIT_SIZE_CASES.items():
        record = got.get(label)
        if not isinstance(record, dict) or "value" not in record:
            return Outcome(0.0, f"{label}: split_indices {checks.what_happened(record)}")
        problem = split_problem(record["value"], n, [len(p) for p in ref[label]["value"]])
        if problem:
            return Outcome(0.0, f"{label}: {problem}")
    for label in SPLIT_INVALID_CASES:
        if not checks.is_raise(got.get(label), "ValueError"):
            return Outcome(
                0.0,
                f"{label}: must raise ValueError (fractions: three non-negative numbers summing "
                f"to 1 within 1e-8; n: a positive integer), but it {checks.what_happened(got.get(label))}",
            )
    return Outcome(1.0, "edge cases handled")


def probe_stratified_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    words = np.array(["cat", "dog", "bird", "fish"])[rng.integers(0, 4, 90)]
    return {
        "integer labels": probe_split(ns, 103, (0.6, 0.2, 0.2), stratify=rng.integers(0, 5, 103)),
        "string labels": probe_split(ns, 90, (0.6, 0.3, 0.1), stratify=words),
    }


# ----------------------------------------------------------------------------- task_type
HIDDEN_TASK_CASES: dict[str, Any] = {
    "1-D booleans (classification)": np.array([True, False, True]),
    "1-D unsigned integers (classification)": np.array([3, 7, 7], dtype=np.uint8),
    "1-D integers with 50 distinct values (integers are classification)": np.arange(50),
    "whole-numbered floats with few distinct values (classification)": np.array(
        [1.0, 2.0, 3.0, 1.0]
    ),
    "18 whole-numbered floats with 3 distinct values (count distinct values, classification)": np.repeat(
        np.arange(3.0), 6
    ),
    "whole-numbered floats with 11 distinct values (more than 10: regression)": np.arange(11.0),
    "whole-numbered floats with 31 distinct values (regression)": np.linspace(0, 30, 31),
    "floats that are not whole numbers (regression)": np.array([0.5, 0.25]),
    "a list of floats (convert with np.asarray; regression)": [0.5, 1.5, 2.0],
    "a 2-D target (generation)": np.zeros((3, 5)),
    "an empty list (raise ValueError)": [],
}


# ----------------------------------------------------------------------------- scalers
def _scaler_data(seed: int, dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """A constant feature, new data partly outside the training range, in ``dtype`` (converted by fit)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(50, 200, size=(30, 4))
    X[:, 2] = 7.0
    X_new = rng.uniform(0, 255, size=(8, 4))
    return X.astype(dtype), X_new.astype(dtype)


# ----------------------------------------------------------------------------- feature selection
def shifted_columns() -> tuple[np.ndarray, np.ndarray]:
    X, y = correlated_data(9, n=100, d=30)
    X[:, 5] = 1.0  # a constant column has correlation 0
    # strongly correlated but tiny and shifted: correlation ignores scale, covariance does not
    X[:, 6] = 1e-3 * (2.0 * y - 1.0 + 0.2 * X[:, 6]) - 40.0
    return X, y


def constant_and_ties() -> tuple[np.ndarray, np.ndarray]:
    """A constant first column (correlation 0: last), a negated copy and an exact copy (ties that
    every correct formula computes bit for bit: 6 before 7, 3 before 5); the other |r| differ by > 0.02."""
    X, y = correlated_data(12, n=50, d=8)
    X[:, 0] = 2.5
    X[:, 5] = X[:, 3]
    X[:, 6] = -X[:, 7]
    return X, y


def constant_tied_with_uncorrelated() -> tuple[np.ndarray, np.ndarray]:
    """A constant column (0) and a column with correlation exactly 0 (1): the two tie at 0, so the
    constant one, with the smaller index, comes first; column 2 is strongly correlated. The centred
    values of y and column 1 are +-0.5 over 16 rows (norm 2, a power of two), so every product and
    partial sum a correct formula forms is exact (also a fused dot, as scipy's pearsonr uses) and
    the zero is computed exactly, not as a rounding residue of either sign."""
    y = np.tile([1.0, 1.0, 0.0, 0.0], 4)
    uncorrelated = np.tile([1.0, 0.0], 8)
    correlated = np.tile([3.0, 2.0, 0.0, 1.0], 4)
    X = np.column_stack([np.full(16, 4.0), uncorrelated, correlated])
    return X, y


HIDDEN_FEATURE_CASES = {
    "a constant column tied at correlation 0 with an uncorrelated one, k = all columns": (
        *constant_tied_with_uncorrelated(),
        3,
    ),
    "a constant column and a tiny shifted one, k=5": (*shifted_columns(), 5),
    "a tie at the k-th place": (*tied_columns(4), 3),
    "a constant first column and two ties, k = all columns": (*constant_and_ties(), 8),
}


ITEMS = [
    Item(
        "split_indices.hidden",
        2,
        probe=lambda ns: probe_split(ns, 1001, (0.7, 0.15, 0.15)),
        check=check_split,
        requires=("split_indices",),
        hint="floor the validation and test sizes; training gets the rest.",
    ),
    Item(
        "split_indices.stratified.hidden",
        1,
        probe=probe_stratified_hidden,
        check=checks.every_part({"integer labels": check_split, "string labels": check_split}),
        requires=("split_indices",),
        hint="apply the size rule within each class; class labels may be strings (np.unique works for both).",
    ),
    Item(
        "split_indices.edge_cases",
        1,
        probe=probe_split_edges,
        check=check_split_edges,
        requires=("split_indices",),
        hint="validate n and fractions (three, non-negative, summing to 1 within 1e-8) and raise ValueError otherwise.",
    ),
    Item(
        "task_type.hidden",
        1,
        probe=lambda ns: probe_task_type(ns, HIDDEN_TASK_CASES),
        check=check_task_type,
        requires=("task_type",),
        hint="bool and all integer dtypes are classification; whole-numbered floats only with at most 10 distinct values; an empty y raises ValueError.",
    ),
    Item(
        "Standardizer.hidden",
        2,
        probe=lambda ns: probe_scaler(ns, "Standardizer", *_scaler_data(3, np.float32)),
        check=check_scaler("Standardizer"),
        requires=("Standardizer",),
        hint="a constant feature gets scale 1, not a division by zero; fit converts X to float64.",
    ),
    Item(
        "MinMaxScaler.hidden",
        2,
        probe=lambda ns: probe_scaler(
            ns, "MinMaxScaler", *_scaler_data(6, np.uint8), feature_range=(-1.0, 1.0)
        ),
        check=check_scaler("MinMaxScaler", ("feature_range",)),
        requires=("MinMaxScaler",),
        hint="use feature_range, do not clip values outside the training range, map constant features to lo, and compute in float64.",
    ),
    Item(
        "scale_splits.hidden",
        1,
        probe=lambda ns: probe_scale_splits(
            ns, sklearn_scaler("MinMaxScaler", feature_range=(-1.0, 2.0)), seed=8
        ),
        check=check_scale_splits,
        requires=("scale_splits",),
        hint="fit on X_train only, with the scaler you were given (keep its settings).",
    ),
    Item(
        "select_top_features.hidden",
        1,
        probe=lambda ns: probe_top_features(ns, HIDDEN_FEATURE_CASES),
        check=check_top_features,
        requires=("select_top_features",),
        hint="constant columns have correlation 0; correlation does not depend on a column's scale; equal |correlation|: smaller index first.",
    ),
    Item(
        "leakage_experiment.hidden",
        1,
        probe=lambda ns: probe_leakage(ns, seed=7, n=120, d=1000, k=15),
        check=check_leakage,
        requires=("leakage_experiment", "select_top_features"),
        uses=("select_top_features",),
        hint="select on train+validation for 'leaky', on train only for 'honest'.",
    ),
]
