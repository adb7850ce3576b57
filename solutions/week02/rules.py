"""Week 2 rules: every rule the notebook states for a graded name, the items whose inputs exercise
it, and the wrong variants (variants.py) that break it.

The release gate (``every_rule_exercised``) checks that each quote is in the student notebook and
that some listed variant loses points on a listed item. Not listed, with the reason:

* "All three must agree to within `1e-6`": a tolerance the checks grant, not a requirement.

Freedoms the text grants are proved by RIGHT variants: loops written any way (math.dist, norm,
einsum), library forms (scipy cdist, scikit-learn euclidean_distances and KFold), RuntimeError
subclasses (KNNOwnError, TreeNestedTuples), extra fitted attributes and extra dict keys
(select_k_with_diagnostics), numpy scalars where Python numbers are asked (best_split_vectorised).
"""

from __future__ import annotations

from autograder.spec import Rule

TWO = ("pairwise_distances_two_loops", "pairwise_distances_two_loops.hidden")
ONE = ("pairwise_distances_one_loop", "pairwise_distances_one_loop.hidden")
VEC = ("pairwise_distances_vectorised", "pairwise_distances_vectorised.hidden")
KNN_ALL = ("KNNClassifier", "KNNClassifier.hidden")
KNN_TIES = ("KNNClassifier.ties",)
KNN_EDGES = ("KNNClassifier.edge_cases",)
KNN_CONTRACT = ("KNNClassifier.contract",)
KFOLD = ("kfold_indices", "kfold_indices.hidden", "kfold_indices.leave_one_out")
KFOLD_EDGES = ("kfold_indices.edge_cases", "kfold_indices.leave_one_out")
SELECT_K = ("select_k", "select_k.hidden")
GINI = ("gini_impurity", "gini_impurity.hidden")
SPLIT = ("best_split", "best_split.hidden")
TREE = ("TreeClassifier", "TreeClassifier.hidden")
TREE_CONTRACT = ("TreeClassifier.contract",)
INERTIA = ("inertia", "inertia.hidden")
LLOYD = ("lloyd", "lloyd.hidden")
KPP = ("kmeans_plus_plus", "kmeans_plus_plus.hidden", "kmeans_plus_plus.vs_sklearn")

FORMULA = "`D[i, j] = sqrt(sum_f (X[i, f] - Y[j, f])**2)`"
SHAPE = "an `(n, m)` float64 array"


def _keys(target: str, *labels: str) -> tuple[str, ...]:
    return tuple(f"{target}:{label}" for label in labels)


RULES = [
    # ------------------------------------------------------------------ distances
    Rule(
        "pairwise_distances_two_loops",
        FORMULA,
        TWO,
        _keys("pairwise_distances_two_loops", "distances_squared", "distances_fake"),
    ),
    Rule(
        "pairwise_distances_two_loops",
        SHAPE,
        TWO,
        _keys("pairwise_distances_two_loops", "distances_two_loops_swapped"),
    ),
    Rule(
        "pairwise_distances_one_loop",
        FORMULA,
        ONE,
        _keys(
            "pairwise_distances_one_loop",
            "distances_sum_without_axis",
            "distances_one_loop_over_features",
            "distances_fake",
        ),
    ),
    Rule(
        "pairwise_distances_one_loop",
        SHAPE,
        ONE,
        _keys("pairwise_distances_one_loop", "distances_transposed"),
    ),
    Rule(
        "pairwise_distances_vectorised",
        FORMULA,
        VEC,
        _keys(
            "pairwise_distances_vectorised",
            "distances_without_factor_two",
            "distances_fake_vectorised",
        ),
    ),
    Rule(
        "pairwise_distances_vectorised",
        SHAPE,
        VEC,
        _keys("pairwise_distances_vectorised", "distances_float32", "distances_transposed"),
    ),
    Rule(
        "pairwise_distances_vectorised",
        "**no Python loop** (no `for`, no comprehension, no `np.vectorize`)",
        ("pairwise_distances_vectorised.no_python_loops",),
        _keys(
            "pairwise_distances_vectorised",
            "distances_loop_called_vectorised",
            "distances_hiding_its_loop",
        ),
    ),
    Rule(
        "pairwise_distances_vectorised",
        "clip at 0 before the square root (`np.maximum(..., 0)`), or a point's distance to itself "
        "becomes `nan`",
        ("pairwise_distances_vectorised.hidden",),
        _keys("pairwise_distances_vectorised", "distances_unclipped"),
    ),
    # ------------------------------------------------------------------ KNNClassifier
    Rule(
        "KNNClassifier",
        "finds the `k` training points closest to it (Euclidean distance) and takes a vote of their labels",
        KNN_ALL,
        _keys("KNNClassifier", "KNNOneTooMany", "KNNFake"),
    ),
    Rule(
        "KNNClassifier",
        "check that `1 <= k <= len(X)` (else `ValueError`)",
        KNN_EDGES,
        _keys("KNNClassifier", "KNNNoValidation", "KNNRejectsKEqualN"),
    ),
    Rule(
        "KNNClassifier",
        "store the training data as `X_` (float64)",
        KNN_CONTRACT,
        _keys("KNNClassifier", "KNNKeepsIntegerX"),
    ),
    Rule(
        "KNNClassifier",
        "the sorted distinct labels as `classes_` (`np.unique(y)`); return `self`",
        (*KNN_CONTRACT, *KNN_ALL),
        _keys("KNNClassifier", "KNNClassesInOrderSeen", "KNNFitReturnsNone"),
    ),
    Rule(
        "KNNClassifier",
        "`predict(X)`: one label per row of `X`, taken from `classes_` (same dtype as `y`)",
        (*KNN_ALL, *KNN_EDGES),
        _keys("KNNClassifier", "KNNFloatLabels", "KNNBincount"),
    ),
    Rule(
        "KNNClassifier",
        "*equal distances*: when several training points are equally far, the one with the **smaller "
        "index** in the training set comes first",
        KNN_TIES,
        _keys("KNNClassifier", "KNNLargerIndexFirst"),
    ),
    Rule(
        "KNNClassifier",
        "*equal votes*: when two or more labels get the most votes, the **smallest label** wins",
        (*KNN_TIES, *KNN_EDGES),
        _keys("KNNClassifier", "KNNLargestLabelWins"),
    ),
    Rule(
        "KNNClassifier",
        "`__init__` stores its arguments untouched under the same names and does nothing else",
        KNN_CONTRACT,
        _keys("KNNClassifier", "KNNRenamesK"),
    ),
    Rule(
        "KNNClassifier",
        "what `fit` learns is stored in attributes whose names end in `_` (`classes_`, ...), which do "
        "not exist before `fit`",
        KNN_CONTRACT,
        _keys("KNNClassifier", "KNNTrainingStateWithoutUnderscore", "KNNInitSetsFittedState"),
    ),
    Rule(
        "KNNClassifier",
        "`predict` before `fit` raises a `RuntimeError` whose message contains the word `fit`",
        KNN_CONTRACT,
        _keys("KNNClassifier", "KNNUnclearBeforeFit", "KNNSklearnNotFitted"),
    ),
    # ------------------------------------------------------------------ kfold_indices
    Rule(
        "kfold_indices",
        "a list of `n_folds` pairs `(train_idx, val_idx)` of integer arrays",
        KFOLD,
        _keys("kfold_indices", "kfold_float_indices"),
    ),
    Rule(
        "kfold_indices",
        "shuffle with `perm = np.random.default_rng(seed).permutation(n)`, then cut `perm` into "
        "`n_folds` consecutive pieces with `np.array_split(perm, n_folds)`",
        KFOLD,
        _keys("kfold_indices", "kfold_unshuffled", "kfold_fake"),
    ),
    Rule(
        "kfold_indices",
        "(the first `n % n_folds` pieces have one extra element)",
        KFOLD,
        _keys("kfold_indices", "kfold_remainder_last"),
    ),
    Rule(
        "kfold_indices",
        "pair `i` validates on piece `i` and trains on all the other pieces",
        KFOLD,
        _keys("kfold_indices", "kfold_trains_on_everything"),
    ),
    Rule(
        "kfold_indices",
        "`n_folds` must satisfy `2 <= n_folds <= n`, else `ValueError`",
        KFOLD_EDGES,
        _keys(
            "kfold_indices",
            "kfold_without_validation",
            "kfold_rejects_leave_one_out",
            "kfold_rejects_two_folds",
        ),
    ),
    # ------------------------------------------------------------------ select_k
    Rule(
        "select_k",
        "fit a `KNNClassifier(k)` on each fold's training part and measure the accuracy (fraction "
        "correct) on its validation part; the **cross-validation accuracy** of `k` is the mean over "
        "the folds",
        SELECT_K,
        _keys("select_k", "select_k_folds_over_everything", "select_k_fake"),
    ),
    Rule(
        "select_k",
        "the best `k` has the highest cross-validation accuracy; ties (accuracies within `1e-9` of "
        "the best) go to the **smallest** `k`",
        SELECT_K,
        _keys("select_k", "select_k_largest_on_ties", "select_k_argmax"),
    ),
    Rule(
        "select_k",
        "only then refit `KNNClassifier(best_k)` on all of `X_train` and measure its accuracy on the "
        "test set, once",
        SELECT_K,
        _keys("select_k", "select_k_no_refit"),
    ),
    Rule(
        "select_k",
        "float64 array (one per candidate, in the given order)",
        ("select_k.hidden",),
        _keys("select_k", "select_k_sorted_candidates"),
    ),
    Rule(
        "select_k",
        "the choice of `k` and the cross-validation accuracies must not change",
        SELECT_K,
        _keys("select_k", "select_k_by_test"),
    ),
    # ------------------------------------------------------------------ gini_impurity
    Rule(
        "gini_impurity",
        "`1 - sum_c p_c**2`, where `p_c` is the fraction of labels equal to class `c`",
        GINI,
        _keys("gini_impurity", "gini_entropy", "gini_unsquared", "gini_fake"),
    ),
    Rule(
        "gini_impurity",
        "a Python float",
        GINI,
        _keys("gini_impurity", "gini_array"),
    ),
    Rule(
        "gini_impurity",
        "The labels may be of any kind (integers, floats, booleans, strings).",
        GINI,
        _keys("gini_impurity", "gini_bincount"),
    ),
    Rule(
        "gini_impurity",
        "An empty `y` has impurity `0.0`.",
        ("gini_impurity.hidden",),
        _keys("gini_impurity", "gini_empty_is_one"),
    ),
    # ------------------------------------------------------------------ best_split
    Rule(
        "best_split",
        "the thresholds are the **midpoints** `(a + b) / 2` between consecutive distinct sorted values "
        "of `X[:, f]`",
        SPLIT,
        _keys("best_split", "best_split_lower_value"),
    ),
    Rule(
        "best_split",
        # a midpoint lies strictly between two distinct values unless they are one ulp apart, where
        # it rounds onto one of them: best_split.hidden has such a pair (threshold = the smaller)
        "a sample goes **left** when `X[i, f] <= threshold`",
        ("best_split.hidden",),
        _keys("best_split", "best_split_strict_left"),
    ),
    Rule(
        "best_split",
        "gain = `gini(y) - (n_left / n) * gini(y_left) - (n_right / n) * gini(y_right)`",
        SPLIT,
        _keys("best_split", "best_split_unweighted", "best_split_fake"),
    ),
    Rule(
        "best_split",
        "**ties** (gains within `1e-12`) go to the **smallest feature index**, then the **smallest "
        "threshold**",
        SPLIT,
        _keys("best_split", "best_split_last_wins", "best_split_no_tie_margin"),
    ),
    Rule(
        "best_split",
        "return `None` when no split has a gain above `1e-12` (a pure node, or all features constant)",
        ("best_split.hidden",),
        _keys("best_split", "best_split_never_none", "best_split_no_tolerance"),
    ),
    Rule(
        "best_split",
        "`feature` is a Python int, `threshold` and `gain` Python floats",
        SPLIT,
        _keys("best_split", "best_split_float_feature"),
    ),
    # ------------------------------------------------------------------ TreeClassifier
    Rule(
        "TreeClassifier",
        "a node becomes a **leaf** when its depth equals `max_depth`, when its labels are all equal, "
        "or when `best_split` returns `None`",
        TREE,
        _keys("TreeClassifier", "TreeIgnoresMaxDepth", "TreeOneLevelTooDeep"),
    ),
    Rule(
        "TreeClassifier",
        "a leaf predicts the **majority label** of its training points (ties: the smallest label)",
        TREE,
        _keys("TreeClassifier", "TreeFirstLabelLeaves", "TreeMostCommonLeaves"),
    ),
    Rule(
        "TreeClassifier",
        "otherwise it splits with `best_split(X_node, y_node)` and grows its two children at depth + 1",
        TREE,
        _keys("TreeClassifier", "TreeUnweightedSplits", "TreeStrictLessInFit", "TreeFake"),
    ),
    Rule(
        "TreeClassifier",
        "`depth_` (the depth of its deepest leaf: 0 for a single leaf)",
        TREE,
        _keys("TreeClassifier", "TreeDepthCountsLevels"),
    ),
    Rule(
        "TreeClassifier",
        "and `n_leaves_`; `fit` returns `self`",
        (*TREE, *TREE_CONTRACT),
        _keys("TreeClassifier", "TreeLeavesCountsNodes", "TreeFitReturnsNone"),
    ),
    Rule(
        "TreeClassifier",
        "`predict(X)` walks each row from the root to a leaf (left when `x[feature] <= threshold`)",
        ("TreeClassifier",),
        _keys("TreeClassifier", "TreeStrictLess"),
    ),
    Rule(
        "TreeClassifier",
        "`fit` returns `self` and never changes those arguments",
        TREE_CONTRACT,
        _keys("TreeClassifier", "TreeFloatMaxDepth", "TreeFitReturnsNone"),
    ),
    Rule(
        "TreeClassifier",
        "in an attribute whose name ends in `_` (such as `tree_`) or starts with `_`",
        TREE_CONTRACT,
        _keys("TreeClassifier", "TreeNodesWithoutUnderscore"),
    ),
    # ------------------------------------------------------------------ inertia
    Rule(
        "inertia",
        "`inertia(X, centres, labels)`: `sum_i |X[i] - centres[labels[i]]|^2`, a Python float",
        INERTIA,
        _keys("inertia", "inertia_mean", "inertia_unsquared", "inertia_nearest", "inertia_fake"),
    ),
    # ------------------------------------------------------------------ lloyd
    Rule(
        "lloyd",
        "from the given starting centres (do not modify them)",
        LLOYD,
        _keys("lloyd", "lloyd_in_place"),
    ),
    Rule(
        "lloyd",
        "*assign* every point to its nearest centre (ties: the smaller centre index)",
        ("lloyd.hidden",),
        _keys("lloyd", "lloyd_ties_to_last"),
    ),
    Rule(
        "lloyd",
        "repeat up to `max_iter` times",
        ("lloyd.hidden",),
        _keys("lloyd", "lloyd_at_least_one_update", "lloyd_single_step"),
    ),
    Rule(
        "lloyd",
        "*update* each centre to the mean of its points (a centre with no points stays where it is)",
        ("lloyd.hidden",),
        _keys("lloyd", "lloyd_empty_cluster_nan"),
    ),
    Rule(
        "lloyd",
        "stop early as soon as an assignment changes no label",
        LLOYD,
        _keys("lloyd", "lloyd_never_stops_early"),
    ),
    Rule(
        "lloyd",
        "the final float64 centres `(k, d)`",
        ("lloyd.hidden",),
        _keys("lloyd", "lloyd_keeps_integer_centres"),
    ),
    Rule(
        "lloyd",
        "the number of updates done",
        LLOYD,
        _keys("lloyd", "lloyd_counts_the_last_check", "lloyd_fake"),
    ),
    # ------------------------------------------------------------------ kmeans_plus_plus
    Rule(
        "kmeans_plus_plus",
        "the first centre is `X[rng.integers(n)]`",
        KPP,
        _keys("kmeans_plus_plus", "kmeans_pp_first_rows", "kmeans_pp_fake"),
    ),
    Rule(
        "kmeans_plus_plus",
        "each next centre is `X[rng.choice(n, p=d2 / d2.sum())]`, where `d2[i]` is the squared "
        "distance from `X[i]` to its nearest centre chosen so far",
        KPP,
        _keys("kmeans_plus_plus", "kmeans_pp_unsquared", "kmeans_pp_last_centre"),
    ),
    Rule(
        "kmeans_plus_plus",
        "return the `(k, d)` float64 array of centres, in the order they were picked",
        ("kmeans_plus_plus.hidden",),
        _keys("kmeans_plus_plus", "kmeans_pp_keeps_dtype"),
    ),
    Rule(
        "kmeans_plus_plus",
        "Use exactly these calls in this order: the grader replays your random numbers.",
        KPP,
        _keys("kmeans_plus_plus", "kmeans_pp_python_random"),
    ),
]
