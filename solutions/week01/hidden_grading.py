"""Week 1 hidden items: the same functions on other inputs and edge cases.

Stays in solutions/; graded for the official grade after the deadline.
"""

from __future__ import annotations

import numpy as np
from grading import (
    check_scaler,
    check_split,
    correlated_data,
    probe_leakage,
    probe_scale_splits,
    probe_scaler,
    probe_split,
    probe_task_type,
)

from autograder.spec import Item, checks
from autograder.spec.probes import attempt


def probe_split_edges(ns):
    split = ns["split_indices"]
    return {
        "tiny": attempt(lambda: [np.sort(p) for p in split(7, (0.5, 0.25, 0.25), seed=0)]),
        "fractions_sum": attempt(split, 10, (0.5, 0.3, 0.3), seed=0),
        "negative": attempt(split, 10, (1.2, -0.1, -0.1), seed=0),
        "zero_n": attempt(split, 0, (0.6, 0.2, 0.2), seed=0),
    }


def check_split_edges(got, ref, reveal):
    from autograder.spec import Outcome

    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    tiny = got.get("tiny", {})
    if (
        "value" not in tiny
        or not isinstance(tiny["value"], list)
        or [len(p) for p in tiny["value"]] != [len(p) for p in ref["tiny"]["value"]]
    ):
        return Outcome(0.0, "wrong split sizes for a very small n")
    for case in ("fractions_sum", "negative", "zero_n"):
        outcome = checks.raises("ValueError")(got.get(case, {}), None, reveal)
        if not outcome.passed:
            return Outcome(
                0.0, f"invalid arguments must raise ValueError ({case.replace('_', ' ')})"
            )
    return Outcome(1.0, "edge cases handled")


HIDDEN_TASK_CASES = [
    np.array([True, False, True]),
    np.array([1.0, 2.0, 3.0, 1.0]),
    np.linspace(0, 30, 31),  # whole numbers but 31 distinct values: regression
    np.array([0.5, 0.25]),
    np.zeros((3, 5)),
    np.array([3, 7, 7], dtype=np.uint8),
]


def _scaler_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 20, size=(30, 4))
    X[:, 2] = 7.0  # a constant feature
    X_new = rng.uniform(-10, 30, size=(8, 4))  # partly outside the training range
    return X, X_new


def probe_top_features(ns):
    X, y = correlated_data(9, n=100, d=30)
    X[:, 5] = 1.0  # a constant column has correlation 0
    # strongly correlated but tiny and shifted: correlation ignores scale, covariance does not
    X[:, 6] = 1e-3 * (2.0 * y - 1.0 + 0.2 * X[:, 6]) - 40.0
    return np.asarray(ns["select_top_features"](X, y, 5))


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
        probe=lambda ns: probe_split(
            ns, 103, (0.6, 0.2, 0.2), stratify=np.random.default_rng(1).integers(0, 5, 103)
        ),
        check=check_split,
        requires=("split_indices",),
        hint="apply the size rule within each class.",
    ),
    Item(
        "split_indices.edge_cases",
        1,
        probe=probe_split_edges,
        check=check_split_edges,
        requires=("split_indices",),
        hint="validate n and fractions and raise ValueError for invalid ones.",
    ),
    Item(
        "task_type.hidden",
        1,
        probe=lambda ns: probe_task_type(ns, HIDDEN_TASK_CASES),
        check=checks.equal(),
        requires=("task_type",),
        hint="bool and unsigned integers are classification; whole-numbered floats only with at most 10 distinct values.",
    ),
    Item(
        "Standardizer.hidden",
        2,
        probe=lambda ns: probe_scaler(ns, "Standardizer", *_scaler_data(3)),
        check=check_scaler(),
        requires=("Standardizer",),
        hint="a constant feature gets scale 1, not a division by zero.",
    ),
    Item(
        "MinMaxScaler.hidden",
        2,
        probe=lambda ns: probe_scaler(
            ns, "MinMaxScaler", *_scaler_data(4), feature_range=(-1.0, 1.0)
        ),
        check=check_scaler(),
        requires=("MinMaxScaler",),
        hint="use feature_range, do not clip values outside the training range, and map constant features to lo.",
    ),
    Item(
        "scale_splits.hidden",
        1,
        probe=lambda ns: probe_scale_splits(ns, "MinMaxScaler", seed=8),
        check=checks.close(rtol=1e-9, atol=1e-12),
        requires=("scale_splits", "MinMaxScaler"),
        hint="fit on X_train only.",
    ),
    Item(
        "select_top_features.hidden",
        1,
        probe=probe_top_features,
        check=checks.equal(),
        requires=("select_top_features",),
        hint="constant columns have correlation 0; correlation does not depend on a column's scale.",
    ),
    Item(
        "leakage_experiment.hidden",
        1,
        probe=lambda ns: probe_leakage(ns, seed=7, n=120, d=1000, k=15),
        check=checks.close(rtol=1e-9, atol=1e-12),
        requires=("leakage_experiment", "select_top_features"),
        hint="select on train+validation for 'leaky', on train only for 'honest'.",
    ),
]
