"""Week 2 grading spec (public items): distances, k-NN, cross-validation, trees, k-means.

Probes run in the sandbox and only call the student's code and return what it
returned (plus counts and identity flags a submission cannot fake); every
verdict is computed by the checks, in the trusted process. The hidden spec
reuses the helpers defined here (``from grading import ...``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.estimator_contract import check_contract, contract_problems, probe_contract
from autograder.spec.messages import expected_got, show

SETTINGS = {"title": "Week 2: classical models"}

# Captured when this spec is loaded, which the grader does before any notebook cell runs:
# a submission that later replaces sys.settrace/sys.gettrace does not change these.
_SETTRACE = sys.settrace
_GETTRACE = sys.gettrace

# Distances from loops and from |x|^2 - 2x.y + |y|^2 differ by rounding only. On these inputs
# (coordinates in [-5, 5]) the largest gap between the solution's loop and vectorised versions over 5 seeds was
# 8e-15 away from zero and 1.7e-7 at zero distance (the square root of a rounding error); 1e-6 leaves room for
# other correct formulas (the text: "All three must agree to within 1e-6"). The text asks for float64 arrays.
DISTANCE_TOLERANCE = {"rtol": 1e-6, "atol": 1e-6, "allow_float32": False}


# ----------------------------------------------------------------------------- probe helpers
def labels_out(values: Any) -> Any:
    """Predicted labels as exportable data: numeric arrays stay arrays, strings become a list."""
    array = np.asarray(values)
    return array.tolist() if array.dtype.kind in "USO" else array


def count_python_steps(function: Callable[..., Any], *args: Any) -> tuple[int, bool]:
    """Python-level trace events (calls, lines, returns) while ``function(*args)`` runs, and whether
    the tracer was still installed at the end (a submission that removes it is caught)."""
    steps = [0]

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        steps[0] += 1
        return tracer

    previous = _GETTRACE()
    _SETTRACE(tracer)
    try:
        function(*args)
    finally:
        intact = _GETTRACE() is tracer
        _SETTRACE(previous)
    return steps[0], intact


# ----------------------------------------------------------------------------- check helpers
def check_labels(what: str = "predictions", hint: str = "") -> Any:
    """Exactly the reference labels; the message counts mismatches and (public) shows the first."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        ref_list = np.asarray(ref).tolist()
        if isinstance(got, np.ndarray):
            got_list = got.tolist()
        elif isinstance(got, list):
            got_list = got
        else:
            return Outcome(
                0.0, f"expected an array of {len(ref_list)} {what}, got {type(got).__name__}"
            )
        if len(got_list) != len(ref_list):
            return Outcome(0.0, f"expected {len(ref_list)} {what}, got {len(got_list)}")
        if (
            isinstance(got, np.ndarray)
            and isinstance(ref, np.ndarray)
            and got.dtype.kind != ref.dtype.kind
        ):
            return Outcome(
                0.0, f"expected {what} of the same dtype as y ({ref.dtype}), got {got.dtype}"
            )
        wrong = [
            i
            for i, (g, r) in enumerate(zip(got_list, ref_list, strict=True))
            if g != r or type(g) is not type(r)
        ]
        if not wrong:
            return Outcome(1.0, f"all {len(ref_list)} {what} match")
        return Outcome(
            0.0,
            f"{len(wrong)} of {len(ref_list)} {what} differ{'. ' + hint if hint else ''}",
            f"first at index {wrong[0]}: {expected_got(ref_list[wrong[0]], got_list[wrong[0]])}",
        )

    return check


# ----------------------------------------------------------------------------- distances
def distance_inputs(seed: int, n: int, m: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-5, 5, size=(n, d)), rng.uniform(-5, 5, size=(m, d))


def probe_distances(ns: dict[str, Any], name: str, seed: int = 0) -> dict[str, Any]:
    X, Y = distance_inputs(seed, 7, 5, 3)
    return {
        "X_Y": np.asarray(ns[name](X, Y)),
        "one_row": np.asarray(ns[name](X[:1], Y)),
        "one_feature": np.asarray(ns[name](X[:, :1], Y[:, :1])),
    }


# Design of the "no Python loops" item (deterministic, cannot flake): instead of timing, the probe counts the
# Python-level steps (trace events: calls, lines, returns, in the student's code and in any Python library code
# it calls) the vectorised function runs on 30 and on 90 rows of X. A vectorised function does the same number of
# Python steps at any size (the work happens in compiled NumPy code); a loop over rows adds at least one step per
# row (>= 60 more; measured: the solution's one-loop version adds 1,620, its two-loop version 32,520). The
# threshold, fewer than 30 extra steps, sits between 0 (measured for the solution, scipy's cdist and
# scikit-learn's pairwise_distances) and 60. Counts do not depend on machine load, so the item gives the same verdict
# every run; because the step count of a loop grows with n * m, "no growth" on small inputs is what makes
# the vectorised version about 100x faster than two loops on 1,000 x 1,000 points (timed in the notebook).
STEP_ROWS = (30, 90)
STEP_GROWTH_LIMIT = 30


def probe_python_steps(ns: dict[str, Any]) -> dict[str, Any]:
    function = ns["pairwise_distances_vectorised"]
    rng = np.random.default_rng(7)
    X = rng.normal(size=(max(STEP_ROWS), 4))
    Y = rng.normal(size=(20, 4))
    function(X[:5], Y)  # warm-up: first calls may import modules lazily
    counts, intact = [], []
    for rows in STEP_ROWS:
        steps, still_traced = count_python_steps(function, X[:rows], Y)
        counts.append(steps)
        intact.append(still_traced)
    return {
        "rows": list(STEP_ROWS),
        "steps": counts,
        "tracer_intact": intact,
        "values": np.asarray(function(X[: STEP_ROWS[0]], Y)),
    }


def check_python_steps(got: Any, ref: Any, reveal: bool) -> Outcome:
    if (
        not isinstance(got, dict)
        or not isinstance(got.get("steps"), list)
        or len(got["steps"]) != 2
    ):
        return Outcome(0.0, "the step-count probe returned something unexpected")
    if got.get("tracer_intact") != [True, True]:
        return Outcome(
            0.0,
            "the function switched off Python tracing (sys.settrace); the grader cannot count its steps",
        )
    small, big = got["steps"]
    if type(small) is not int or type(big) is not int:
        return Outcome(0.0, "the step-count probe returned something unexpected")
    # only "does it compute the distances?" (precision is the other items' business)
    if not checks.close(rtol=1e-5, atol=1e-5)(got.get("values"), ref["values"], False).passed:
        return Outcome(
            0.0,
            "the function does not return the distances (see the pairwise_distances_vectorised "
            "item): having no loop only counts for a function that computes them",
        )
    growth = big - small
    rows = STEP_ROWS[1] - STEP_ROWS[0]
    if growth < STEP_GROWTH_LIMIT:
        return Outcome(
            1.0,
            f"{small} Python steps for {STEP_ROWS[0]} rows, {big} for {STEP_ROWS[1]}: no Python loop",
        )
    return Outcome(
        0.0,
        f"expected the same number of Python steps for {STEP_ROWS[0]} and {STEP_ROWS[1]} rows of X, got {small} and {big} "
        f"({growth} more for {rows} more rows): there is still a Python loop (for, a comprehension, np.vectorize, "
        "np.apply_along_axis); use X @ Y.T and broadcasting",
    )


# ----------------------------------------------------------------------------- k-NN
def blob_data(
    seed: int, n_train: int = 60, n_test: int = 40
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [2.0, 1.0], [0.5, 2.5]])
    y = rng.integers(0, 3, size=n_train + n_test)
    X = centres[y] + rng.normal(scale=0.9, size=(n_train + n_test, 2))
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def probe_knn(ns: dict[str, Any], seed: int, ks: tuple[int, ...]) -> dict[str, Any]:
    X, y, X_test, _ = blob_data(seed)
    return {f"k={k}": labels_out(ns["KNNClassifier"](k).fit(X, y).predict(X_test)) for k in ks}


# Three training points at exactly the same distance (sqrt 2) from the query (1, 1), a fourth far away:
# k=1 takes the smallest index (label 2); k=2 is a 1-1 vote between labels 2 and 1 (smallest label: 1);
# k=3 a three-way tie (0).
TIE_TRAIN = np.array([[0, 0], [2, 0], [0, 2], [5, 5]], dtype=np.float64)
TIE_LABELS = np.array([2, 1, 0, 1])


def integer_grid_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Small integer coordinates: many exactly equal distances, whatever formula computes them."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 4, size=(40, 2)).astype(np.float64)
    y = rng.integers(0, 4, size=40)
    queries = rng.integers(0, 4, size=(30, 2)).astype(np.float64)
    return X, y, queries


def probe_knn_ties(ns: dict[str, Any]) -> dict[str, Any]:
    KNN = ns["KNNClassifier"]
    out = {
        f"corner k={k}": labels_out(
            KNN(k).fit(TIE_TRAIN, TIE_LABELS).predict(np.array([[1.0, 1.0]]))
        )
        for k in (1, 2, 3)
    }
    X, y, queries = integer_grid_data(5)
    for k in (2, 4, 6):
        out[f"grid k={k}"] = labels_out(KNN(k).fit(X, y).predict(queries))
    return out


def probe_knn_contract(ns: dict[str, Any]) -> dict[str, Any]:
    """The estimator contract, then what fit stores: X_ as float64 (from integer X), y_, classes_."""
    X, y, _, _ = blob_data(1)
    grid, _, _ = integer_grid_data(2)
    words = np.array(["plum", "fig", "apple", "fig", "kiwi"] * 8)
    model = ns["KNNClassifier"](3).fit(grid.astype(np.int64), words)
    return {
        "contract": probe_contract(ns["KNNClassifier"], {"k": 3}, X, y),
        "fitted": {
            "X_": np.asarray(getattr(model, "X_", np.nan)),
            "y_": labels_out(getattr(model, "y_", [])),
            "classes_": labels_out(getattr(model, "classes_", [])),
        },
    }


def check_knn_contract(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the contract probe returned something unexpected")
    problems = contract_problems(
        got.get("contract"), ["k"], fitted=("X_", "y_", "classes_"), errors=("RuntimeError",)
    )
    if problems:
        return Outcome(0.0, problems[0])
    fitted = got.get("fitted") if isinstance(got.get("fitted"), dict) else {}
    outcome = checks.close(rtol=0, atol=0, allow_float32=False)(
        fitted.get("X_"), ref["fitted"]["X_"], reveal
    )
    if not outcome.passed:
        return outcome.within("X_ must be the training data converted to float64", fraction=0.0)
    for key, what in (
        ("y_", "the training labels"),
        ("classes_", "the sorted distinct labels (np.unique(y))"),
    ):
        outcome = check_labels(key)(fitted.get(key), ref["fitted"][key], reveal)
        if not outcome.passed:
            return outcome.within(f"{key} must hold {what}", fraction=0.0)
    return Outcome(
        1.0, "follows the scikit-learn estimator contract; X_, y_ and classes_ as stated"
    )


# ----------------------------------------------------------------------------- cross-validation
def probe_kfold(ns: dict[str, Any], n: int, n_folds: int, seed: int) -> dict[str, Any]:
    folds = ns["kfold_indices"](n, n_folds, seed)
    pairs = (
        [[np.asarray(train), np.asarray(val)] for train, val in folds]
        if isinstance(folds, list | tuple)
        else folds
    )
    return {"n": n, "folds": pairs}


def _fold_problem(got: Any, n: int, n_folds: int) -> str | None:
    if not isinstance(got, list) or len(got) != n_folds:
        return f"expected a list of {n_folds} (train_idx, val_idx) pairs"
    for index, pair in enumerate(got):
        if not isinstance(pair, list) or len(pair) != 2:
            return f"fold {index} is not a (train_idx, val_idx) pair"
        for part in pair:
            if not isinstance(part, np.ndarray) or part.ndim != 1 or part.dtype.kind not in "iu":
                return f"fold {index}: indices must be 1-D integer arrays"
        train, val = pair
        if (
            len(np.intersect1d(train, val))
            or len(train) + len(val) != n
            or len(np.union1d(train, val)) != n
        ):
            return f"fold {index}: train and validation indices must together hold each of range({n}) exactly once"
    return None


def check_kfold(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "kfold_indices returned something unexpected")
    n, ref_folds = ref["n"], ref["folds"]
    problem = _fold_problem(got.get("folds"), n, len(ref_folds))
    if problem:
        return Outcome(0.0, problem)
    got_sizes = [len(val) for _, val in got["folds"]]
    ref_sizes = [len(val) for _, val in ref_folds]
    if got_sizes != ref_sizes:
        return Outcome(
            0.0,
            "the fold sizes are not those of np.array_split",
            expected_got(ref_sizes, got_sizes, what="validation sizes"),
        )
    all_val = np.concatenate([val for _, val in got["folds"]])
    if len(np.unique(all_val)) != n:
        return Outcome(0.0, "each index must be in exactly one validation fold")
    for index, ((_, val), (_, ref_val)) in enumerate(zip(got["folds"], ref_folds, strict=True)):
        if not np.array_equal(np.sort(val), np.sort(ref_val)):
            return Outcome(
                0.0,
                f"fold {index} validates on other indices than the reference: shuffle with "
                "np.random.default_rng(seed).permutation(n) and cut it in order with np.array_split",
            )
    return Outcome(1.0, "the folds match")


def cv_data(seed: int, n_train: int, n_test: int) -> tuple[np.ndarray, ...]:
    X, y, X_test, y_test = blob_data(seed, n_train, n_test)
    relabelled = np.random.default_rng(seed + 100).permutation(
        y_test
    )  # a second test set: same points, other labels
    return X, y, X_test, y_test, relabelled


def probe_select_k(
    ns: dict[str, Any], seed: int, n_train: int, n_test: int, candidates: list[int], n_folds: int
) -> dict[str, Any]:
    X, y, X_test, y_test, other_labels = cv_data(seed, n_train, n_test)
    first = ns["select_k"](X, y, X_test, y_test, list(candidates), n_folds, seed)
    second = ns["select_k"](
        X, y, X_test[::-1].copy(), other_labels[::-1].copy(), list(candidates), n_folds, seed
    )
    return {"first": first, "second": second}


def check_select_k(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not all(
        isinstance(got.get(k), dict) for k in ("first", "second")
    ):
        return Outcome(0.0, "select_k must return a dict")
    first, second = got["first"], got["second"]
    missing = sorted({"best_k", "cv_accuracy", "test_accuracy"} - set(first))
    if missing:  # extra keys (diagnostics) are fine
        return Outcome(0.0, f"the returned dict has no key {', '.join(map(repr, missing))}")
    cv_close = checks.close(rtol=1e-9, atol=1e-12)
    for key in ("best_k", "cv_accuracy"):
        if checks.close(rtol=0, atol=1e-12)(second.get(key), first[key], False).fraction < 1:
            return Outcome(
                0.0,
                f"{key} changed when only the test set changed: choose k on the validation folds of the training data only",
            )
    outcome = cv_close(first["cv_accuracy"], ref["first"]["cv_accuracy"], reveal)
    if not outcome.passed:
        return Outcome(
            0.0,
            f"cv_accuracy: {outcome.message} (mean of the per-fold accuracies, one per candidate in order)",
            outcome.detail,
        )
    if type(first["best_k"]) is not int or first["best_k"] != ref["first"]["best_k"]:
        return Outcome(
            0.0,
            "best_k is not the candidate with the highest CV accuracy; accuracies within 1e-9 of "
            "the best tie, and ties go to the smallest k (whatever the order of candidates)",
            expected_got(ref["first"]["best_k"], first["best_k"]),
        )
    for run in ("first", "second"):
        outcome = cv_close(got[run].get("test_accuracy"), ref[run]["test_accuracy"], reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"test_accuracy: {outcome.message} (refit KNNClassifier(best_k) on all of X_train)",
                outcome.detail,
            )
    return Outcome(1.0, "k chosen on validation folds; the test set only scores the final model")


# ----------------------------------------------------------------------------- trees
GINI_CASES = [
    np.array(["no", "yes", "yes", "no", "no"]),
    np.array([0, 0, 1, 1]),
    np.array([3, 3, 3]),
    np.array([0, 1, 2, 2, 2, 1]),
    np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
]


def probe_gini(ns: dict[str, Any], cases: list[Any]) -> list[Any]:
    return [ns["gini_impurity"](case) for case in cases]


def check_gini(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref) or not all(type(g) is float for g in got):
        return Outcome(0.0, "gini_impurity must return a Python float (use float(...))")
    outcome = checks.close(rtol=1e-9, atol=1e-12)(got, ref, reveal)
    return (
        outcome
        if outcome.passed
        else Outcome(
            0.0, f"{outcome.message}: Gini is 1 - sum of squared class fractions", outcome.detail
        )
    )


# Columns 0 and 2 are identical, so their best gains tie exactly (feature 0 must win).
SPLIT_TIE_X = np.array(
    [
        [1.0, 1.0, 1.0],
        [2.0, 2.0, 2.0],
        [3.0, 2.0, 3.0],
        [4.0, 5.0, 4.0],
        [5.0, 5.0, 5.0],
        [6.0, 1.0, 6.0],
    ]
)
SPLIT_TIE_Y = np.array([0, 0, 0, 1, 1, 1])


# On one feature with labels 0, 1, 1, 0 the thresholds 1.5 and 3.5 give the same gain (1.5 must win).
THRESHOLD_TIE = (np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([0, 1, 1, 0]))


def split_data(seed: int, n: int = 40, d: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.round(
        rng.normal(size=(n, d)), 1
    )  # rounded: repeated values, so midpoints between distinct values matter
    y = ((X[:, 1] + 0.5 * X[:, 3] + 0.3 * rng.normal(size=n)) > 0).astype(np.int64) + (
        X[:, 0] > 1.0
    )
    return X, y


def probe_best_split(ns: dict[str, Any], cases: list[tuple[np.ndarray, np.ndarray]]) -> list[Any]:
    out = []
    for X, y in cases:
        split = ns["best_split"](X, y)
        out.append(list(split) if isinstance(split, tuple) else split)
    return out


def check_best_split(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or len(got) != len(ref):
        return Outcome(0.0, "best_split returned something unexpected")
    for index, (g, r) in enumerate(zip(got, ref, strict=True)):
        case = f"case {index}"
        if r is None:
            if g is not None:
                return Outcome(
                    0.0,
                    f"{case}: no split has a gain above 1e-12 here (a gain that is 0 up to rounding "
                    "is no gain), so best_split must return None",
                )
            continue
        if g is None:
            return Outcome(
                0.0,
                f"{case}: best_split returned None, but a split gains more than 1e-12 here (a sample "
                "goes left when x <= threshold)",
            )
        if not isinstance(g, list) or len(g) != 3:
            return Outcome(
                0.0, f"{case}: expected a (feature, threshold, gain) tuple, got {type(g).__name__}"
            )
        if type(g[0]) is not int:
            return Outcome(
                0.0, f"{case}: the feature must be a Python int, got {type(g[0]).__name__}"
            )
        if g[0] != r[0]:
            return Outcome(
                0.0,
                f"{case}: wrong feature; ties go to the smallest feature index",
                expected_got(r[0], g[0]),
            )
        if type(g[1]) is not float or not np.isclose(g[1], r[1], rtol=1e-9, atol=1e-12):
            return Outcome(
                0.0,
                f"{case}: wrong threshold; use midpoints between distinct values, smallest on ties",
                expected_got(r[1], g[1]),
            )
        if type(g[2]) is not float or not np.isclose(g[2], r[2], rtol=1e-9, atol=1e-12):
            return Outcome(
                0.0,
                f"{case}: wrong gain; weight each child's Gini by its share of the samples",
                expected_got(r[2], g[2]),
            )
    return Outcome(1.0, f"all {len(ref)} splits match")


def moons_split(seed: int, n: int = 200) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=0.3, random_state=seed)
    return X[: n // 2], y[: n // 2], X[n // 2 :], y[n // 2 :]


def probe_tree(
    ns: dict[str, Any], data: tuple[np.ndarray, ...], depths: tuple[int, ...]
) -> dict[str, Any]:
    X, y, X_test, _ = data
    out = {}
    for depth in depths:
        tree = ns["TreeClassifier"](max_depth=depth).fit(X, y)
        out[f"max_depth={depth}"] = {
            "predict": labels_out(tree.predict(X_test)),
            "depth_": getattr(tree, "depth_", None),
            "n_leaves_": getattr(tree, "n_leaves_", None),
        }
    return out


# A single leaf whose labels tie (max_depth=0: the smallest label, 0, although 1 comes first), and test points
# exactly on the one threshold, 2.5 (left: x <= threshold).
TIED_LEAF = (np.arange(4.0)[:, None], np.array([1, 1, 0, 0]), np.arange(4.0)[:, None], None)
ON_THRESHOLD = (
    np.arange(6.0)[:, None],
    np.array([0, 0, 0, 1, 1, 1]),
    np.array([[2.5], [2.4], [2.6], [2.5]]),
    None,
)


# Two values one ulp apart: the midpoint threshold rounds onto the smaller value, 1.0, so the training points
# equal to it go left when fit splits them with x <= threshold (as predict does).
ONE_ULP = np.nextafter(1.0, 2.0)
ON_ROUNDED_THRESHOLD = (
    np.array([[1.0], [ONE_ULP], [1.0], [ONE_ULP]]),
    np.array([0, 1, 0, 1]),
    np.array([[1.0], [ONE_ULP], [0.5], [2.0]]),
    None,
)


def probe_tree_edges(ns: dict[str, Any]) -> dict[str, Any]:
    return {
        "a single leaf with tied labels": probe_tree(ns, TIED_LEAF, (0,)),
        "test points on the threshold": probe_tree(ns, ON_THRESHOLD, (1,)),
        "training points on the threshold": probe_tree(ns, ON_ROUNDED_THRESHOLD, (1,)),
    }


LEAF_RULE = "leaves predict the majority label of their training points (smallest on ties)"


def tree_check(prediction_rule: str = LEAF_RULE) -> Any:
    """``check_tree``, naming ``prediction_rule`` when only the predictions are wrong."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        return check_tree(got, ref, reveal, prediction_rule)

    return check


def check_tree(got: Any, ref: Any, reveal: bool, prediction_rule: str = LEAF_RULE) -> Outcome:
    if not isinstance(got, dict) or set(got) != set(ref):
        return Outcome(0.0, "TreeClassifier probe returned something unexpected")
    predictions = check_labels("predictions")
    for case, expected in ref.items():
        result = got[case]
        if not isinstance(result, dict):
            return Outcome(0.0, f"{case}: unexpected result")
        for attribute in ("depth_", "n_leaves_"):
            if type(result.get(attribute)) is not int or result[attribute] != expected[attribute]:
                hint = (
                    "a node at depth max_depth is a leaf; pure nodes and nodes without a useful split "
                    "are leaves; depth_ is the depth of the deepest leaf (0 for a single leaf)"
                )
                return Outcome(
                    0.0,
                    f"{case}: wrong {attribute}; {hint}",
                    expected_got(expected[attribute], result.get(attribute)),
                )
        outcome = predictions(result.get("predict"), expected["predict"], reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"{case}: {outcome.message}; {prediction_rule}",
                outcome.detail,
            )
    return Outcome(1.0, "same tree shape and predictions")


# ----------------------------------------------------------------------------- k-means
def cluster_data(seed: int, n: int = 90, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-6, 6, size=(k, 2))
    X = centres[rng.integers(0, k, size=n)] + rng.normal(size=(n, 2))
    return X, X[rng.choice(n, size=k, replace=False)] + 0.5  # starting centres near data points


def probe_inertia(ns: dict[str, Any], seed: int) -> list[Any]:
    X, centres = cluster_data(seed)
    labels = np.random.default_rng(seed).integers(
        0, len(centres), size=len(X)
    )  # any labels, not nearest
    return [ns["inertia"](X, centres, labels), ns["inertia"](X[:1], centres, labels[:1])]


def check_inertia(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, list) or not all(type(g) is float for g in got):
        return Outcome(0.0, "inertia must return a Python float")
    outcome = checks.close(rtol=1e-9, atol=1e-9)(got, ref, reveal)
    return (
        outcome
        if outcome.passed
        else Outcome(
            0.0,
            f"{outcome.message}: sum (not mean) of squared distances to the given labels' centres",
            outcome.detail,
        )
    )


def probe_lloyd(ns: dict[str, Any], seed: int, max_iter: int = 100) -> dict[str, Any]:
    X, start = cluster_data(seed)
    start_copy = start.copy()
    result = ns["lloyd"](X, start, max_iter)
    out: dict[str, Any] = {"start_untouched": bool(np.array_equal(start, start_copy))}
    if isinstance(result, tuple) and len(result) == 3:
        centres, labels, n_iter = result
        out.update(centres=np.asarray(centres), labels=np.asarray(labels), n_iter=n_iter)
    else:
        out["result"] = repr(type(result))
    return out


def check_lloyd(centre_rtol: float = 1e-9, centre_atol: float = 1e-9) -> Any:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or "centres" not in got:
            return Outcome(0.0, "lloyd must return a tuple (centres, labels, n_iter)")
        if got.get("start_untouched") is not True:
            return Outcome(
                0.0,
                "lloyd modified the starting centres passed in: work on a copy (np.array(centres, dtype=float))",
            )
        labels = got["labels"]
        if (
            not isinstance(labels, np.ndarray)
            or labels.dtype.kind not in "iu"
            or labels.shape != ref["labels"].shape
        ):
            return Outcome(0.0, f"labels must be an integer array of shape {ref['labels'].shape}")
        wrong = int((labels != ref["labels"]).sum())
        if wrong:
            return Outcome(
                0.0,
                f"{wrong} of {labels.size} final labels differ: alternate update and assign (at most "
                "max_iter updates, stopping when no label changes); each point goes to its nearest "
                "centre (ties: the smaller centre index)",
            )
        outcome = checks.close(rtol=centre_rtol, atol=centre_atol)(
            got["centres"], ref["centres"], reveal
        )
        if not outcome.passed:
            return Outcome(
                0.0,
                f"centres: {outcome.message}; each centre moves to the mean of its points",
                outcome.detail,
            )
        if type(got.get("n_iter")) is not int or got["n_iter"] != ref["n_iter"]:
            return Outcome(
                0.0,
                "wrong n_iter; count the update steps and stop when an assignment changes no label",
                expected_got(ref["n_iter"], got.get("n_iter")),
            )
        return Outcome(1.0, "same centres, labels and number of iterations")

    return check


def probe_kmeans_pp(ns: dict[str, Any], seed: int, k: int) -> np.ndarray:
    X, _ = cluster_data(seed, n=120, k=k)
    return np.asarray(ns["kmeans_plus_plus"](X, k, seed))


def check_kmeans_pp(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, np.ndarray) or got.shape != ref.shape:
        shape = got.shape if isinstance(got, np.ndarray) else type(got).__name__
        return Outcome(0.0, f"expected centres of shape {ref.shape}, got {shape}")
    outcome = checks.close(rtol=1e-12, atol=1e-12)(got, ref, reveal)
    if outcome.passed:
        return Outcome(1.0, "the same centres, picked in the same order")
    same_first = np.allclose(got[0], ref[0])
    if got.dtype.kind != "f":
        return Outcome(
            0.0, f"{outcome.message}: return float64 centres (np.asarray(X, dtype=np.float64))"
        )
    hint = (
        "the first centre is right: pick the next ones with rng.choice(n, p=d2 / d2.sum()), d2 the squared distance to the nearest centre so far"
        if same_first
        else "the first centre differs: it is X[rng.integers(n)] with rng = np.random.default_rng(seed), drawn before anything else"
    )
    return Outcome(0.0, f"{outcome.message}; {hint}", outcome.detail)


ITEMS = [
    Item(
        "pairwise_distances_two_loops",
        1,
        probe=lambda ns: probe_distances(ns, "pairwise_distances_two_loops"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_two_loops",),
        hint="D[i, j] = sqrt(sum((X[i] - Y[j])**2)); the result has shape (len(X), len(Y)).",
    ),
    Item(
        "pairwise_distances_one_loop",
        1,
        probe=lambda ns: probe_distances(ns, "pairwise_distances_one_loop"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_one_loop",),
        hint="D[i] = sqrt(sum((Y - X[i])**2, axis=1)): sum over the features, not over the rows.",
    ),
    Item(
        "pairwise_distances_vectorised",
        1,
        probe=lambda ns: probe_distances(ns, "pairwise_distances_vectorised"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_vectorised",),
        hint="|x|^2 (a column), - 2 X @ Y.T, + |y|^2 (a row), clipped at 0, then the square root.",
    ),
    Item(
        "pairwise_distances_vectorised.no_python_loops",
        1,
        probe=probe_python_steps,
        check=check_python_steps,
        requires=("pairwise_distances_vectorised",),
        hint="no for loop, comprehension, np.vectorize or np.apply_along_axis: one matrix product and broadcasting.",
    ),
    Item(
        "KNNClassifier",
        2,
        probe=lambda ns: probe_knn(ns, seed=0, ks=(1, 5, 9)),
        check=checks.every_part({f"k={k}": check_labels() for k in (1, 5, 9)}),
        requires=("KNNClassifier", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="take the k smallest distances per row (np.argsort along axis=1) and vote.",
    ),
    Item(
        "KNNClassifier.ties",
        1,
        probe=probe_knn_ties,
        check=checks.every_part(
            {
                key: check_labels(
                    hint="equal distances: smaller training index first; equal votes: smallest label"
                )
                for key in (
                    "corner k=1",
                    "corner k=2",
                    "corner k=3",
                    "grid k=2",
                    "grid k=4",
                    "grid k=6",
                )
            }
        ),
        requires=("KNNClassifier", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="sort distances with np.argsort(..., kind='stable') and break vote ties with np.argmax over counts in classes_ order.",
    ),
    Item(
        "KNNClassifier.contract",
        1,
        probe=probe_knn_contract,
        check=check_knn_contract,
        requires=("KNNClassifier",),
        hint="__init__ only stores k; fit sets X_ (float64), y_, classes_ (np.unique(y)) and returns self; predict before fit raises a RuntimeError that mentions fit.",
    ),
    Item(
        "kfold_indices",
        1,
        probe=lambda ns: probe_kfold(ns, 23, 5, seed=3),
        check=check_kfold,
        requires=("kfold_indices",),
        hint="np.array_split(np.random.default_rng(seed).permutation(n), n_folds); fold i validates on piece i.",
    ),
    Item(
        "select_k",
        2,
        probe=lambda ns: probe_select_k(
            ns, seed=16, n_train=60, n_test=30, candidates=[1, 3, 5, 7, 9, 15], n_folds=4
        ),
        check=check_select_k,
        requires=("select_k", "kfold_indices", "KNNClassifier"),
        uses=("kfold_indices", "KNNClassifier"),
        hint="score each k by its mean accuracy over the validation folds of X_train; use the test set only once, at the end.",
    ),
    Item(
        "gini_impurity",
        1,
        probe=lambda ns: probe_gini(ns, GINI_CASES),
        check=check_gini,
        requires=("gini_impurity",),
        hint="1 - sum(p_c ** 2) with p_c = count of class c / len(y).",
    ),
    Item(
        "best_split",
        2,
        probe=lambda ns: probe_best_split(
            ns, [(SPLIT_TIE_X, SPLIT_TIE_Y), THRESHOLD_TIE, split_data(0), split_data(1)]
        ),
        check=check_best_split,
        requires=("best_split", "gini_impurity"),
        uses=("gini_impurity",),
        hint="midpoint thresholds, x <= t goes left, gain weighted by child sizes; replace the best only on a strictly larger gain.",
    ),
    Item(
        "TreeClassifier",
        2,
        probe=lambda ns: {
            "moons": probe_tree(ns, moons_split(0), (1, 3)),
            "blobs": probe_tree(ns, blob_data(3), (2,)),
            **probe_tree_edges(ns),
        },
        check=checks.every_part(
            {
                "moons": check_tree,
                "blobs": check_tree,
                "a single leaf with tied labels": tree_check(
                    "a leaf predicts its majority label; on a tie, the smallest label"
                ),
                "test points on the threshold": tree_check(
                    "a row goes left when x[feature] <= threshold, so a point on the threshold goes left"
                ),
                "training points on the threshold": tree_check(
                    "fit splits the training rows as predict does: left when x[feature] <= threshold "
                    "(two values one ulp apart have a midpoint equal to the smaller one)"
                ),
            }
        ),
        requires=("TreeClassifier", "best_split", "gini_impurity"),
        uses=("best_split", "gini_impurity"),
        hint="stop at max_depth (max_depth=0: the root is a leaf), at pure nodes and when best_split returns None; leaves predict the majority label (smallest on ties); go left when x[feature] <= threshold.",
    ),
    Item(
        "TreeClassifier.contract",
        1,
        probe=lambda ns: probe_contract(
            ns["TreeClassifier"], {"max_depth": 2}, *moons_split(0)[:2]
        ),
        check=check_contract(
            {"max_depth": 2}, fitted=("classes_", "depth_", "n_leaves_"), errors=("RuntimeError",)
        ),
        requires=("TreeClassifier",),
        hint="__init__ only stores max_depth; fit returns self; predict before fit raises RuntimeError.",
    ),
    Item(
        "inertia",
        1,
        probe=lambda ns: probe_inertia(ns, 0),
        check=check_inertia,
        requires=("inertia",),
        hint="sum over points of the squared distance to centres[labels[i]].",
    ),
    Item(
        "lloyd",
        2,
        probe=lambda ns: probe_lloyd(ns, 0),
        check=check_lloyd(),
        requires=("lloyd", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="assign, then alternate update/assign until no label changes; an empty cluster keeps its centre.",
    ),
    Item(
        "kmeans_plus_plus",
        2,
        probe=lambda ns: probe_kmeans_pp(ns, seed=0, k=4),
        check=check_kmeans_pp,
        requires=("kmeans_plus_plus",),
        hint="rng.integers(n) for the first centre, then rng.choice(n, p=d2 / d2.sum()) for each next one.",
    ),
]
