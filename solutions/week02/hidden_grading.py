"""Week 2 hidden items: other inputs, edge cases, and scikit-learn as the oracle.

Stays in solutions/; graded for the official grade after the deadline. Where
an item names an oracle, the trusted check runs scikit-learn itself on the
same inputs (never in the sandbox) and the student's outputs must agree with
it as well as with the reference: the oracle guards the reference, the
reference pins the stated tie rules. Agreement thresholds come from the
solution's own agreement with scikit-learn, measured over several seeds and
written next to each item.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
from grading import (
    DISTANCE_TOLERANCE,
    check_best_split,
    check_gini,
    check_inertia,
    check_kfold,
    check_kmeans_pp,
    check_labels,
    check_lloyd,
    check_select_k,
    check_tree,
    cluster_data,
    labels_out,
    probe_best_split,
    probe_gini,
    probe_kfold,
    probe_kmeans_pp,
    probe_select_k,
    probe_tree,
)

from autograder.spec import Item, Outcome, checks
from autograder.spec.probes import attempt


def then(first: Any, second: Any) -> Any:
    """Both checks must pass; the first failure's message is shown."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        outcome = first(got, ref, reveal)
        return outcome if not outcome.passed else second(got, ref, reveal)

    return check


# ----------------------------------------------------------------------------- distances
def probe_distances_hidden(ns: dict[str, Any], name: str) -> dict[str, Any]:
    rng = np.random.default_rng(21)
    X = rng.uniform(-5, 5, size=(12, 10))
    X32 = rng.uniform(-5, 5, size=(6, 4)).astype(np.float32)
    function = ns[name]
    return {
        "to_itself": np.asarray(
            function(X, X)
        ),  # exact zeros on the diagonal: a missing clip gives nan
        "integers": np.asarray(
            function(np.array([[0, 0], [3, 4]]), np.array([[6, 8], [0, 0], [-3, -4]]))
        ),
        "single_pair": np.asarray(function(X[:1], X[1:2])),
        # float32 inputs (the text: the result is float64): converted to float64 before any arithmetic, the
        # diagonal is 0 within 1e-7; squares rounded to float32 leave 1e-6 there, 1e-3 after the root
        "float32 inputs, to themselves": np.asarray(function(X32, X32)),
    }


# ----------------------------------------------------------------------------- k-NN
@cache
def digits_split(seed: int) -> tuple[np.ndarray, ...]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))
    X, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    return X[order[:500]], y[order[:500]], X[order[500:800]], y[order[500:800]]


KNN_HIDDEN_KS = (1, 4)


def probe_knn_digits(ns: dict[str, Any]) -> dict[str, Any]:
    X, y, X_test, _ = digits_split(3)
    return {
        f"k={k}": labels_out(ns["KNNClassifier"](k).fit(X, y).predict(X_test))
        for k in KNN_HIDDEN_KS
    }


@cache
def sklearn_knn_digits(k: int) -> np.ndarray:
    from sklearn.neighbors import KNeighborsClassifier

    X, y, X_test, _ = digits_split(3)
    return KNeighborsClassifier(n_neighbors=k, algorithm="brute").fit(X, y).predict(X_test)


# Oracle: the solution agreed with KNeighborsClassifier(algorithm="brute") on every one of 300 test digits for
# k in (1, 3, 6) and 3 seeds (9 runs, 0 disagreements); 99% leaves room only for exact distance ties, which
# scikit-learn does not break by index.
KNN_ORACLE_AGREEMENT = 0.99


def check_knn_oracle(got: Any, ref: Any, reveal: bool) -> Outcome:
    for k in KNN_HIDDEN_KS:
        agreement = float(np.mean(np.asarray(got[f"k={k}"]) == sklearn_knn_digits(k)))
        if agreement < KNN_ORACLE_AGREEMENT:
            return Outcome(
                0.0,
                f"k={k}: agrees with scikit-learn's KNeighborsClassifier on only {agreement:.0%} of the digits",
            )
    return Outcome(1.0, "matches the reference and scikit-learn")


def probe_knn_edges(ns: dict[str, Any]) -> dict[str, Any]:
    KNN = ns["KNNClassifier"]
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [10.0, 0.0]])
    words = np.array(["pear", "fig", "kiwi", "apple", "fig"])
    queries = np.array([[0.0, 0.5], [5.0, 5.5], [2.0, 2.0]])
    return {
        "strings k=2": attempt(lambda: labels_out(KNN(2).fit(X, words).predict(queries))),
        "k=1 on its training set": attempt(lambda: labels_out(KNN(1).fit(X, words).predict(X))),
        "k equal to n": attempt(lambda: labels_out(KNN(5).fit(X, words).predict(queries))),
        "k larger than n": attempt(lambda: KNN(6).fit(X, words), keep_value=False),
        "k = 0": attempt(lambda: KNN(0).fit(X, words), keep_value=False),
    }


def check_knn_edges(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    for case in ("strings k=2", "k=1 on its training set", "k equal to n"):
        value = got.get(case, {})
        if "value" not in value:
            cause = (
                "k = len(X) is allowed (1 <= k <= len(X))"
                if case == "k equal to n"
                else "labels may be strings (use np.unique, not np.bincount)"
            )
            return Outcome(0.0, f"{case}: {checks.what_happened(value)}; {cause}")
        outcome = check_labels(hint="equal votes: the smallest label (alphabetical for strings)")(
            value["value"], ref[case]["value"], reveal
        )
        if not outcome.passed:
            return Outcome(0.0, f"{case}: {outcome.message}", outcome.detail)
    for case in ("k larger than n", "k = 0"):
        outcome = checks.raises("ValueError")(got.get(case, {}), None, reveal)
        if not outcome.passed:
            return Outcome(0.0, f"{case}: fit must raise ValueError unless 1 <= k <= len(X)")
    return Outcome(1.0, "edge cases handled")


# ----------------------------------------------------------------------------- cross-validation
TWO_FOLDS = "two folds (the smallest n_folds allowed)"


def probe_kfold_edges(ns: dict[str, Any]) -> dict[str, Any]:
    kfold = ns["kfold_indices"]
    return {
        "one fold": attempt(kfold, 10, 1, 0),
        "more folds than samples": attempt(kfold, 4, 5, 0),
        TWO_FOLDS: attempt(probe_kfold, ns, 9, 2, 4),
    }


def check_kfold_edges(got: Any, ref: Any, reveal: bool) -> Outcome:
    got = got if isinstance(got, dict) else {}
    for case in ("one fold", "more folds than samples"):
        outcome = checks.raises("ValueError")(got.get(case, {}), None, reveal)
        if not outcome.passed:
            return Outcome(
                0.0, f"{case}: kfold_indices must raise ValueError unless 2 <= n_folds <= n"
            )
    two = got.get(TWO_FOLDS)
    if not isinstance(two, dict) or "value" not in two:
        return Outcome(
            0.0,
            f"{TWO_FOLDS}: 2 <= n_folds <= n holds, so kfold_indices must return the folds, but it "
            f"{checks.what_happened(two)}",
        )
    outcome = check_kfold(two["value"], ref[TWO_FOLDS]["value"], reveal)
    if not outcome.passed:
        return Outcome(0.0, f"{TWO_FOLDS}: {outcome.message}", outcome.detail)
    return Outcome(1.0, "invalid fold counts refused, two folds accepted")


# ----------------------------------------------------------------------------- trees
HIDDEN_GINI_CASES = [
    np.array([], dtype=np.int64),
    np.array(["a", "b", "b", "c"]),
    np.array([0.5, 0.5, 1.5]),
    np.array([True, False, False, False]),
    np.arange(10),
]


@cache
def wine_rows(rows: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_wine

    wine = load_wine()
    return wine.data[rows::3].astype(np.float64), wine.target[rows::3].astype(np.int64)


def split_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    constant = (np.ones((6, 2)), np.array([0, 1, 0, 1, 0, 1]))  # no split possible: None
    pure = (np.arange(8.0).reshape(4, 2), np.array([3, 3, 3, 3]))  # nothing to gain: None
    # the only split keeps the class proportions: its gain is 0, computed as 5.6e-17 (not above 1e-12: None)
    proportions = (
        np.column_stack([np.repeat([1.0, 2.0], [3, 6]), np.full(9, 4.0)]),
        np.array([0, 1, 2, 0, 0, 1, 1, 2, 2]),
    )
    # feature 1 is feature 0 negated: the same partitions with the children swapped, so the best gains
    # tie exactly; computed in the other order, feature 1's is 3e-17 larger (within 1e-12): feature 0 wins
    x = np.arange(8.0)
    mirrored = (np.column_stack([x, -x]), np.array([1, 2, 0, 1, 0, 1, 2, 1]))
    # two values one ulp apart: their midpoint rounds onto the smaller, 1.0, which goes left (<=)
    one_ulp = (np.array([[1.0], [np.nextafter(1.0, 2.0)], [1.0]]), np.array([0, 1, 0]))
    return [wine_rows(0), wine_rows(1), constant, pure, proportions, mirrored, one_ulp]


@cache
def sklearn_stump(rows: int) -> tuple[int, float]:
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(*wine_rows(rows)).tree_
    return int(tree.feature[0]), float(tree.threshold[0])


# Oracle: on these wine subsets (no tied gains) scikit-learn's depth-1 tree splits on the same feature at the same
# midpoint; its thresholds are stored in float32, hence the relative tolerance of 1e-6 (measured gap 3e-9).
def check_split_oracle(got: Any, ref: Any, reveal: bool) -> Outcome:
    for index in (0, 1):
        feature, threshold = sklearn_stump(index)
        split = got[index]
        if split[0] != feature or not np.isclose(split[1], threshold, rtol=1e-6):
            return Outcome(
                0.0,
                f"case {index}: scikit-learn's DecisionTreeClassifier(max_depth=1) splits elsewhere",
            )
    return Outcome(1.0, "matches the reference and scikit-learn")


@cache
def table_split(name: str, seed: int) -> tuple[np.ndarray, ...]:
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")()
    order = np.random.default_rng(seed).permutation(len(bunch.target))
    cut = len(order) * 2 // 3
    X, y = bunch.data.astype(np.float64), bunch.target.astype(np.int64)
    return X[order[:cut]], y[order[:cut]], X[order[cut:]], y[order[cut:]]


HIDDEN_TREES = (("wine", 0, 2), ("iris", 1, 3))  # both grow deeper (to depth 4) without the limit


def probe_tree_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, seed, depth in HIDDEN_TREES:
        data = table_split(name, seed)
        out[name] = probe_tree(ns, data, (depth,))
        tree = ns["TreeClassifier"](max_depth=depth).fit(data[0], data[1])
        out[name][f"max_depth={depth}"]["train_predict"] = labels_out(tree.predict(data[0]))
    return out


@cache
def sklearn_tree(name: str, seed: int, depth: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.tree import DecisionTreeClassifier

    X, y, X_test, _ = table_split(name, seed)
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X, y)
    return tree.predict(X), tree.predict(X_test)


# Oracle: over iris and wine, 3 seeds, depths 2-4 (18 trees) the solution's training accuracy equalled
# scikit-learn's every time and its test predictions differed on at most 2 of 50 points (where gains tie and
# scikit-learn picks a feature at random): we require equal training accuracy within 0.02 and 90% agreement.
TREE_TRAIN_GAP, TREE_AGREEMENT = 0.02, 0.90


def check_tree_hidden(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or set(got) != set(ref):
        return Outcome(0.0, "unexpected result")
    for name, seed, depth in HIDDEN_TREES:
        case = f"max_depth={depth}"
        mine = {case: {k: v for k, v in got[name].get(case, {}).items() if k != "train_predict"}}
        expected = {case: {k: v for k, v in ref[name][case].items() if k != "train_predict"}}
        outcome = check_tree(mine, expected, reveal)
        if not outcome.passed:
            return Outcome(0.0, f"{name}: {outcome.message}", outcome.detail)
        sk_train, sk_test = sklearn_tree(name, seed, depth)
        _, y, _, _ = table_split(name, seed)
        gap = abs(
            float(np.mean(np.asarray(got[name][case]["train_predict"]) == y))
            - float(np.mean(sk_train == y))
        )
        agreement = float(np.mean(np.asarray(got[name][case]["predict"]) == sk_test))
        if gap > TREE_TRAIN_GAP or agreement < TREE_AGREEMENT:
            return Outcome(
                0.0,
                f"{name}: differs from scikit-learn's DecisionTreeClassifier(max_depth={depth})",
            )
    return Outcome(1.0, "matches the reference and scikit-learn")


# ----------------------------------------------------------------------------- k-means
def probe_inertia_hidden(ns: dict[str, Any]) -> list[Any]:
    X, centres = cluster_data(4, n=50, k=5)
    labels = np.zeros(len(X), dtype=np.int64)  # every point in cluster 0; the other centres unused
    ints = np.array([[0, 0], [1, 1], [4, 4]])
    return [
        ns["inertia"](X, centres, labels),
        ns["inertia"](ints, np.array([[0, 0], [4, 4]]), np.array([0, 0, 1])),
    ]


def probe_lloyd_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    X, start = cluster_data(9, n=150, k=4)
    lonely = np.vstack(
        [start[:3], [[100.0, 100.0]]]
    )  # a centre no point is near: its cluster stays empty

    def run(centres: np.ndarray, max_iter: int) -> dict[str, Any]:
        copy = centres.copy()
        result = ns["lloyd"](X, centres, max_iter)
        out: dict[str, Any] = {"start_untouched": bool(np.array_equal(centres, copy))}
        if isinstance(result, tuple) and len(result) == 3:
            out.update(
                centres=np.asarray(result[0]), labels=np.asarray(result[1]), n_iter=result[2]
            )
        return out

    def run_ints() -> dict[str, Any]:
        # integer data and centres (converted to float64: a mean is 2.5); (1, 0) is as far from both
        # centres, at the start and after the update: it goes to centre 0
        points = np.array([[0, 0], [1, 0], [2, 0], [-1, 0], [3, 0]])
        centres = np.array([[0, 0], [2, 0]])
        result = ns["lloyd"](points, centres, 100)
        out: dict[str, Any] = {"start_untouched": bool(np.array_equal(centres, [[0, 0], [2, 0]]))}
        if isinstance(result, tuple) and len(result) == 3:
            out.update(
                centres=np.asarray(result[0]), labels=np.asarray(result[1]), n_iter=result[2]
            )
        return out

    return {
        "converged": run(start, 300),
        "max_iter=1": run(start, 1),
        "max_iter=0 (no update at all)": run(start, 0),
        "an empty cluster (its centre stays)": run(lonely, 300),
        "integer data and a tie (float64, smaller centre index)": run_ints(),
    }


@cache
def sklearn_lloyd() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans

    X, start = cluster_data(9, n=150, k=4)
    model = KMeans(
        n_clusters=4, init=start, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd"
    ).fit(X)
    return model.cluster_centers_, model.labels_


# Oracle: from the same start, scikit-learn's KMeans(algorithm="lloyd", tol=0) reached the solution's centres
# within 1.8e-15 and the same labels on 5 seeds; we allow 1e-8. (Its n_iter_ counts one more iteration, the
# final one that changes nothing, so n_iter is compared with the reference only.)
def check_lloyd_oracle(got: Any, ref: Any, reveal: bool) -> Outcome:
    centres, labels = sklearn_lloyd()
    mine = got["converged"]
    if not np.allclose(mine["centres"], centres, rtol=0, atol=1e-8) or not np.array_equal(
        mine["labels"], labels
    ):
        return Outcome(
            0.0, "converged: differs from scikit-learn's KMeans(init=centres, algorithm='lloyd')"
        )
    return Outcome(1.0, "matches the reference and scikit-learn")


def probe_kmeans_pp_hidden(ns: dict[str, Any]) -> dict[str, Any]:
    X, _ = cluster_data(11, n=200, k=5)
    grid = np.random.default_rng(4).integers(-20, 20, size=(60, 2))
    return {
        "k=5": probe_kmeans_pp(ns, seed=3, k=5),
        "k=1": np.asarray(ns["kmeans_plus_plus"](X, 1, 8)),
        "integer X": np.asarray(ns["kmeans_plus_plus"](grid, 4, 2)),  # float64 centres all the same
    }


PIPELINE_SEEDS = range(5)


@cache
def pipeline_data(name: str) -> tuple[np.ndarray, int]:
    from sklearn.datasets import load_iris, make_blobs

    if name == "iris":
        return load_iris().data.astype(np.float64), 3
    X, _ = make_blobs(n_samples=300, centers=5, random_state=1)
    return X.astype(np.float64), 5


def probe_kmeans_pipeline(ns: dict[str, Any]) -> dict[str, Any]:
    """The k-means++ centres for 5 seeds, on blobs and iris: only kmeans_plus_plus runs in the
    sandbox; the trusted check runs Lloyd (scikit-learn's) from them and computes the inertia."""
    out = {}
    for name in ("blobs", "iris"):
        X, k = pipeline_data(name)
        out[name] = [np.asarray(ns["kmeans_plus_plus"](X, k, seed)) for seed in PIPELINE_SEEDS]
    return out


@cache
def sklearn_inertia(name: str) -> float:
    from sklearn.cluster import KMeans

    X, k = pipeline_data(name)
    return float(KMeans(n_clusters=k, n_init=10, random_state=0).fit(X).inertia_)


def lloyd_inertia(name: str, start: np.ndarray) -> float:
    """Trusted: scikit-learn's Lloyd iterations from ``start`` to convergence, and the final inertia."""
    from sklearn.cluster import KMeans

    X, k = pipeline_data(name)
    model = KMeans(n_clusters=k, init=start, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd")
    return float(model.fit(X).inertia_)


# The seeding rule fixes every random number, so each seed's centres must equal the reference's. Oracle: the
# solution's k-means++ starts followed by scikit-learn's Lloyd (to convergence) over 10 seeds reached scikit-learn's
# best-of-10 inertia (KMeans(n_init=10, random_state=0); ratio 1.0000 on blobs, median 1.00005 on iris) except in
# 2/10 (blobs: ratios 1.66, 1.71) and 1/10 (iris: 1.81) runs that stopped in a worse local optimum; the best of
# seeds 0-4 was within 1e-4 of scikit-learn on both data sets. The check asks the best of 5 seeds to be within 1%.
PIPELINE_RATIO = 1.01


def check_kmeans_pipeline(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "unexpected result")
    for name in ("blobs", "iris"):
        starts = got.get(name)
        expected = ref[name]
        if (
            not isinstance(starts, list)
            or len(starts) != len(expected)
            or not all(
                isinstance(s, np.ndarray)
                and s.shape == e.shape
                and s.dtype.kind == "f"
                and np.isfinite(s).all()
                for s, e in zip(starts, expected, strict=True)
            )
        ):
            return Outcome(
                0.0, f"{name}: expected one (k, d) float64 array of finite centres per seed"
            )
        if not all(
            np.allclose(s, e, rtol=1e-12, atol=1e-12) for s, e in zip(starts, expected, strict=True)
        ):
            return Outcome(
                0.0,
                f"{name}: other centres than the reference for some of {len(starts)} seeds: use "
                "rng.integers(n) first, then rng.choice(n, p=d2 / d2.sum()), in this order",
            )
        ratio = min(lloyd_inertia(name, s) for s in starts) / sklearn_inertia(name)
        if not ratio <= PIPELINE_RATIO:
            return Outcome(
                0.0,
                f"{name}: Lloyd from the best of {len(starts)} k-means++ starts ends {ratio - 1:.0%} above "
                "scikit-learn's KMeans inertia",
            )
    return Outcome(1.0, "k-means++ starts lead Lloyd to scikit-learn's inertia")


ITEMS = [
    Item(
        "pairwise_distances_two_loops.hidden",
        1,
        probe=lambda ns: probe_distances_hidden(ns, "pairwise_distances_two_loops"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_two_loops",),
        hint="convert inputs to float64; a point's distance to itself is 0.",
    ),
    Item(
        "pairwise_distances_one_loop.hidden",
        1,
        probe=lambda ns: probe_distances_hidden(ns, "pairwise_distances_one_loop"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_one_loop",),
        hint="convert inputs to float64; a point's distance to itself is 0.",
    ),
    Item(
        "pairwise_distances_vectorised.hidden",
        1,
        probe=lambda ns: probe_distances_hidden(ns, "pairwise_distances_vectorised"),
        check=checks.close(**DISTANCE_TOLERANCE),
        requires=("pairwise_distances_vectorised",),
        hint="clip the squared distances at 0 before the square root, or a point's distance to itself can be nan.",
    ),
    Item(
        "KNNClassifier.hidden",
        2,
        probe=probe_knn_digits,
        check=then(
            checks.every_part({f"k={k}": check_labels() for k in KNN_HIDDEN_KS}), check_knn_oracle
        ),
        requires=("KNNClassifier", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="vote among the k nearest training digits; smallest label on ties.",
    ),
    Item(
        "KNNClassifier.edge_cases",
        1,
        probe=probe_knn_edges,
        check=check_knn_edges,
        requires=("KNNClassifier", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="labels can be strings; validate 1 <= k <= len(X) in fit.",
    ),
    Item(
        "kfold_indices.hidden",
        1,
        probe=lambda ns: probe_kfold(ns, 101, 7, seed=5),
        check=check_kfold,
        requires=("kfold_indices",),
        hint="np.array_split gives the first n % n_folds folds one extra index.",
    ),
    Item(
        "kfold_indices.leave_one_out",
        1,
        probe=lambda ns: probe_kfold(ns, 10, 10, seed=1),
        check=check_kfold,
        requires=("kfold_indices",),
        hint="with n_folds == n every fold validates on one sample.",
    ),
    Item(
        "kfold_indices.edge_cases",
        1,
        probe=probe_kfold_edges,
        check=check_kfold_edges,
        requires=("kfold_indices",),
        hint="raise ValueError unless 2 <= n_folds <= n.",
    ),
    Item(
        "select_k.hidden",
        2,
        probe=lambda ns: {
            # k = 7, 9 and 15 tie exactly; the smallest (7) wins, not the first in the given order (9)
            "unsorted candidates": probe_select_k(
                ns, seed=27, n_train=60, n_test=30, candidates=[9, 15, 3, 7, 1, 5], n_folds=5
            ),
            # k = 5 and 7 tie mathematically; in floating point k = 7's mean is 1e-16 larger
            "a tie up to rounding": probe_select_k(
                ns, seed=8, n_train=61, n_test=30, candidates=[1, 3, 5, 7, 9, 15], n_folds=5
            ),
        },
        check=checks.every_part(
            {"unsorted candidates": check_select_k, "a tie up to rounding": check_select_k}
        ),
        requires=("select_k", "kfold_indices", "KNNClassifier"),
        uses=("kfold_indices", "KNNClassifier"),
        hint="builds on KNNClassifier and kfold_indices; mean validation-fold accuracy per k; ties to the smallest k; the test set only at the end.",
    ),
    Item(
        "gini_impurity.hidden",
        1,
        probe=lambda ns: probe_gini(ns, HIDDEN_GINI_CASES),
        check=check_gini,
        requires=("gini_impurity",),
        hint="an empty array has impurity 0; labels may be strings, floats or booleans.",
    ),
    Item(
        "best_split.hidden",
        2,
        probe=lambda ns: probe_best_split(ns, split_cases()),
        check=then(check_best_split, check_split_oracle),
        requires=("best_split", "gini_impurity"),
        uses=("gini_impurity",),
        hint="return None when no split has a gain above 1e-12; on gains within 1e-12 keep the earlier split; a sample goes left when x <= threshold.",
    ),
    Item(
        "TreeClassifier.hidden",
        2,
        probe=probe_tree_hidden,
        check=check_tree_hidden,
        requires=("TreeClassifier", "best_split", "gini_impurity"),
        uses=("best_split", "gini_impurity"),
        hint="grow to max_depth; leaves predict the majority label.",
    ),
    Item(
        "inertia.hidden",
        1,
        probe=probe_inertia_hidden,
        check=check_inertia,
        requires=("inertia",),
        hint="use the given labels, even when they are not the nearest centres.",
    ),
    Item(
        "lloyd.hidden",
        2,
        probe=probe_lloyd_hidden,
        check=then(
            checks.every_part(
                {
                    case: check_lloyd()
                    for case in (
                        "converged",
                        "max_iter=1",
                        "max_iter=0 (no update at all)",
                        "an empty cluster (its centre stays)",
                        "integer data and a tie (float64, smaller centre index)",
                    )
                }
            ),
            check_lloyd_oracle,
        ),
        requires=("lloyd", "pairwise_distances_vectorised"),
        uses=("pairwise_distances_vectorised",),
        hint="max_iter bounds the number of updates (0: none); a centre with no points stays where it is; ties go to the smaller centre index; work in float64.",
    ),
    Item(
        "kmeans_plus_plus.hidden",
        1,
        probe=probe_kmeans_pp_hidden,
        check=checks.every_part(
            {"k=5": check_kmeans_pp, "k=1": check_kmeans_pp, "integer X": check_kmeans_pp}
        ),
        requires=("kmeans_plus_plus",),
        hint="k=1 draws only the first centre; the centres are float64 even for integer X.",
    ),
    Item(
        "kmeans_plus_plus.vs_sklearn",
        1,
        probe=probe_kmeans_pipeline,
        check=check_kmeans_pipeline,
        requires=("kmeans_plus_plus",),
        hint="pick each next centre with probability proportional to d2, the squared distance to the nearest chosen centre.",
    ),
]
