"""Week 1 rules: every rule the notebook states for a graded name, the items whose inputs exercise
it, and the wrong variants (variants.py) that break it.

The release gate (``every_rule_exercised``) checks that each quote is in the student notebook and
that some listed variant loses points on a listed item. Freedoms the text grants are not rules;
a RIGHT variant proves each is accepted:

* split_indices: "Order inside a split does not matter" (split_lists_and_own_error sorts each
  split); any reproducible shuffle (split_with_python_random uses random.Random);
* scalers: any RuntimeError subclass (StandardizerOwnError, MinMaxOwnError), extra fitted
  attributes (n_features_in_, data_range_), scikit-learn inside (Standardizer/MinMaxViaSklearn);
* select_top_features: a list instead of an array (select_with_pearsonr);
* leakage_experiment: extra keys, numpy floats (leakage_with_extra_keys).
"""

from __future__ import annotations

from autograder.spec import Rule

SPLIT = ("split_indices", "split_indices.hidden")
STRATIFIED = ("split_indices.stratified", "split_indices.stratified.hidden")
EDGES = ("split_indices.edge_cases",)
TASK = ("task_type", "task_type.hidden")
STANDARDIZER = ("Standardizer", "Standardizer.hidden")
MINMAX = ("MinMaxScaler", "MinMaxScaler.hidden")
SCALE_SPLITS = ("scale_splits", "scale_splits.hidden")
SELECT = ("select_top_features", "select_top_features.hidden")
LEAKAGE = ("leakage_experiment", "leakage_experiment.hidden")


def _keys(target: str, *labels: str) -> tuple[str, ...]:
    return tuple(f"{target}:{label}" for label in labels)


RULES = [
    # ------------------------------------------------------------------ split_indices
    Rule(
        "split_indices",
        "It returns three integer arrays `(train, val, test)` of indices into `range(n)`",
        (*SPLIT, *STRATIFIED),
        _keys("split_indices", "split_float_indices"),
    ),
    Rule(
        "split_indices",
        "`fractions = (f_train, f_val, f_test)`: three non-negative numbers",
        EDGES,
        _keys("split_indices", "split_any_number_of_fractions", "split_without_validation"),
    ),
    Rule(
        "split_indices",
        "summing to 1 (within `1e-8`); otherwise raise `ValueError`",
        ("split_indices.stratified", *EDGES),
        _keys("split_indices", "split_exact_sum", "split_loose_sum"),
    ),
    Rule(
        "split_indices",
        "`n` must be a positive integer (else `ValueError`)",
        EDGES,
        _keys("split_indices", "split_truncates_n", "split_without_validation"),
    ),
    Rule(
        "split_indices",
        "sizes: `n_val = floor(f_val * n)`, `n_test = floor(f_test * n)`, and the training set gets the rest",
        (*SPLIT, *EDGES),
        _keys("split_indices", "split_rounded", "split_negative_test_slice"),
    ),
    Rule(
        "split_indices",
        "the indices are **shuffled** with `np.random.default_rng(seed)`",
        SPLIT,
        _keys("split_indices", "split_unshuffled"),
    ),
    Rule(
        "split_indices",
        "the same seed gives the same split, another seed (almost always) another one",
        SPLIT,
        _keys("split_indices", "split_ignoring_seed", "split_fake"),
    ),
    Rule(
        "split_indices",
        "Every index appears in exactly one split.",
        SPLIT,
        _keys("split_indices", "split_overlapping"),
    ),
    Rule(
        "split_indices",
        "apply the size rule **within each class**, so each split keeps the class proportions: for a "
        "class with `n_c` samples, `floor(f_val * n_c)` go to validation, `floor(f_test * n_c)` to test, "
        "the rest to training",
        STRATIFIED,
        _keys("split_indices", "split_ignoring_stratify"),
    ),
    Rule(
        "split_indices",
        "an array of `n` class labels: integers or strings",
        ("split_indices.stratified.hidden",),
        _keys("split_indices", "split_stratify_by_bincount"),
    ),
    # ------------------------------------------------------------------ task_type
    Rule(
        "task_type",
        "targets with **two or more dimensions** (`y.ndim >= 2`: each target is itself an image, a "
        'sequence, a vector to produce) → `"generation"`',
        TASK,
        _keys("task_type", "task_type_no_generation"),
    ),
    Rule(
        "task_type",
        '1-D targets of **bool, integer or string** dtype → `"classification"`',
        TASK,
        _keys("task_type", "task_type_integers_by_count", "task_type_no_generation"),
    ),
    Rule(
        "task_type",
        "1-D **float** targets whose values are all whole numbers and that have **at most 10 distinct "
        'values** (labels stored as floats) → `"classification"`',
        TASK,
        _keys(
            "task_type",
            "task_type_floats_are_regression",
            "task_type_fewer_than_10",
            "task_type_counts_values",
        ),
    ),
    Rule(
        "task_type",
        'any other 1-D float targets → `"regression"`',
        TASK,
        _keys("task_type", "task_type_no_distinct_limit", "task_type_fake"),
    ),
    Rule(
        "task_type",
        "`y` may be a list; convert it with `np.asarray` first.",
        TASK,
        _keys("task_type", "task_type_no_asarray"),
    ),
    Rule(
        "task_type",
        "An empty `y` raises `ValueError`.",
        ("task_type.hidden",),
        _keys("task_type", "task_type_empty_allowed"),
    ),
    # ------------------------------------------------------------------ Standardizer
    Rule(
        "Standardizer",
        "`z = (x - mean) / std`, per feature, with the population standard deviation (`ddof=0`)",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerSampleStd", "StandardizerFake"),
    ),
    Rule(
        "Standardizer",
        "A feature whose std is 0 gets scale 1 (so it becomes all zeros).",
        ("Standardizer.hidden",),
        _keys(
            "Standardizer",
            "StandardizerDividesByZero",
            "StandardizerScaleKeepsZero",
            "StandardizerOwnFitTransform",
        ),
    ),
    Rule(
        "Standardizer",
        "`__init__` stores its arguments untouched and does nothing else",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerInitCreatesState"),
    ),
    Rule(
        "Standardizer",
        "`fit(X)` learns per-feature statistics from `X` (2-D, converted to float64)",
        ("Standardizer.hidden",),
        _keys("Standardizer", "StandardizerKeepsDtype"),
    ),
    Rule(
        "Standardizer",
        "into attributes ending in `_` (`mean_`, `scale_` for `Standardizer`",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerOtherNames"),
    ),
    Rule(
        "Standardizer",
        "everything `fit` stores ends in `_` (private helpers may start with `_`)",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerStoresCount"),
    ),
    Rule(
        "Standardizer",
        "and **returns `self`**",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerNoSelf"),
    ),
    Rule(
        "Standardizer",
        "`transform(X)` returns a new float64 array (it leaves `X` unchanged)",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerInPlace", "StandardizerKeepsDtype"),
    ),
    Rule(
        "Standardizer",
        "raises a `RuntimeError` whose message contains the word `fit` if called before `fit`",
        STANDARDIZER,
        _keys("Standardizer", "StandardizerNoFittedCheck", "StandardizerValueErrorBeforeFit"),
    ),
    Rule(
        "Standardizer",
        "`fit_transform(X)` is `fit(X).transform(X)`.",
        ("Standardizer.hidden",),
        _keys("Standardizer", "StandardizerOwnFitTransform"),
    ),
    # ------------------------------------------------------------------ MinMaxScaler
    Rule(
        "MinMaxScaler",
        "`x' = lo + (x - min) * (hi - lo) / (max - min)`, per feature, into `feature_range = (lo, hi)` "
        "(default `(0, 1)`)",
        MINMAX,
        _keys("MinMaxScaler", "MinMaxForgetsMin", "MinMaxIgnoresRange", "MinMaxFake"),
    ),
    Rule(
        "MinMaxScaler",
        "A constant feature (max = min) gets range 1 (so it maps to `lo`).",
        ("MinMaxScaler.hidden",),
        _keys("MinMaxScaler", "MinMaxConstantNaN"),
    ),
    Rule(
        "MinMaxScaler",
        "Values outside the training range are **not clipped**.",
        ("MinMaxScaler.hidden",),
        _keys("MinMaxScaler", "MinMaxClips"),
    ),
    Rule(
        "MinMaxScaler",
        "`__init__` stores its arguments untouched and does nothing else",
        ("MinMaxScaler.hidden",),
        _keys("MinMaxScaler", "MinMaxStoresArrayRange"),
    ),
    Rule(
        "MinMaxScaler",
        "`fit(X)` learns per-feature statistics from `X` (2-D, converted to float64)",
        ("MinMaxScaler.hidden",),
        _keys("MinMaxScaler", "MinMaxKeepsDtype"),
    ),
    Rule(
        "MinMaxScaler",
        "`data_min_`, `data_max_` for `MinMaxScaler`",
        MINMAX,
        _keys("MinMaxScaler", "MinMaxOtherNames"),
    ),
    Rule(
        "MinMaxScaler",
        "`fit` leaves what `__init__` stored as it was",
        ("MinMaxScaler.hidden",),
        _keys("MinMaxScaler", "MinMaxFitConvertsRange"),
    ),
    Rule(
        "MinMaxScaler",
        "and **returns `self`**",
        MINMAX,
        _keys("MinMaxScaler", "MinMaxNoSelf"),
    ),
    Rule(
        "MinMaxScaler",
        "`transform(X)` returns a new float64 array (it leaves `X` unchanged)",
        MINMAX,
        _keys("MinMaxScaler", "MinMaxInPlace"),
    ),
    Rule(
        "MinMaxScaler",
        "raises a `RuntimeError` whose message contains the word `fit` if called before `fit`",
        MINMAX,
        _keys("MinMaxScaler", "MinMaxMessageWithoutFit"),
    ),
    # ------------------------------------------------------------------ scale_splits
    Rule(
        "scale_splits",
        "fit `scaler` on `X_train` **only**",
        SCALE_SPLITS,
        _keys(
            "scale_splits",
            "scale_splits_on_everything",
            "scale_splits_on_train_and_val",
            "scale_splits_each_separately",
        ),
    ),
    Rule(
        "scale_splits",
        "then return the three transformed arrays `(train, val, test)`",
        SCALE_SPLITS,
        _keys("scale_splits", "scale_splits_wrong_order", "scale_splits_fake"),
    ),
    # ------------------------------------------------------------------ select_top_features
    Rule(
        "select_top_features",
        "the indices of the `k` columns of `X` whose **absolute Pearson correlation** with `y` is largest",
        SELECT,
        _keys("select_top_features", "select_without_abs", "select_by_covariance", "select_fake"),
    ),
    Rule(
        "select_top_features",
        "ordered from the most to the least correlated",
        SELECT,
        _keys("select_top_features", "select_least_correlated", "select_sorted_by_index"),
    ),
    Rule(
        "select_top_features",
        "(ties: smaller index first)",
        SELECT,
        _keys("select_top_features", "select_reversed_argsort"),
    ),
    Rule(
        "select_top_features",
        "A constant column has correlation 0.",
        ("select_top_features.hidden",),
        _keys("select_top_features", "select_statistics_unguarded", "select_constant_as_nan"),
    ),
    # ------------------------------------------------------------------ leakage_experiment
    Rule(
        "leakage_experiment",
        "validation accuracies of a `sklearn.linear_model.LogisticRegression(max_iter=1000)` trained "
        "on `X[train_idx]`",
        LEAKAGE,
        _keys("leakage_experiment", "leakage_fits_on_validation", "leakage_training_accuracy"),
    ),
    Rule(
        "leakage_experiment",
        "the `k` features were selected with `select_top_features` on **train + validation** rows together",
        LEAKAGE,
        _keys("leakage_experiment", "leakage_never_leaks"),
    ),
    Rule(
        "leakage_experiment",
        "the `k` features were selected on the **training rows only**",
        LEAKAGE,
        _keys("leakage_experiment", "leakage_always_leaks"),
    ),
    Rule(
        "leakage_experiment",
        "Accuracy is the fraction of validation rows predicted correctly (a Python float).",
        LEAKAGE,
        _keys(
            "leakage_experiment", "leakage_in_percent", "leakage_training_accuracy", "leakage_fake"
        ),
    ),
]
