"""Week 7 rules: every rule the notebook states, the items whose inputs exercise it, and the
wrong variants (``variants.py``) that break it. The release gate checks each quote is in the
student notebook and that some listed variant loses points on some listed item."""

from __future__ import annotations

from autograder.spec import Rule

LISTS = "NumPy arrays (or lists: convert with `np.asarray`)"

RULES = [
    # ------------------------------------------------------------------ accuracy
    Rule(
        "accuracy",
        "the fraction of samples with `y_pred == y_true`",
        ("accuracy", "accuracy.hidden"),
        ("accuracy:accuracy_as_count", "accuracy:accuracy_in_percent", "accuracy:accuracy_faked"),
    ),
    Rule(
        "accuracy",
        "a Python `float`",
        ("accuracy", "accuracy.hidden"),
        ("accuracy:accuracy_keepdims",),
    ),
    Rule("accuracy", LISTS, ("accuracy.hidden",), ("accuracy:accuracy_arrays_only",)),
    # ------------------------------------------------------------------ confusion matrix
    Rule(
        "confusion_matrix",
        "an integer array `C` of shape `(n_classes, n_classes)`",
        ("confusion_matrix", "confusion_matrix.hidden"),
        (
            "confusion_matrix:confusion_float_counts",
            "confusion_matrix:confusion_sized_by_labels_seen",
        ),
    ),
    Rule(
        "confusion_matrix",
        "counts the samples of **true class `i` predicted as class `j`** (rows: truth, columns: prediction)",
        ("confusion_matrix", "confusion_matrix.hidden"),
        ("confusion_matrix:confusion_transposed", "confusion_matrix:confusion_faked"),
    ),
    Rule(
        "confusion_matrix",
        "A class that never occurs still has its row and column (of zeros).",
        ("confusion_matrix.hidden",),
        (
            "confusion_matrix:confusion_sized_by_labels_seen",
            "confusion_matrix:confusion_over_labels_seen",
        ),
    ),
    Rule(
        "confusion_matrix",
        LISTS,
        ("confusion_matrix.hidden",),
        ("confusion_matrix:confusion_arrays_only",),
    ),
    # ------------------------------------------------------------------ precision / recall / F1
    Rule(
        "precision_recall_f1",
        'returning the dict `{"precision": ..., "recall": ..., "f1": ...}` of Python floats',
        ("precision_recall_f1", "precision_recall_f1.hidden", "precision_recall_f1.edge_cases"),
        ("precision_recall_f1:prf_as_tuple",),
    ),
    Rule(
        "precision_recall_f1",
        "for the positive class 1",
        ("precision_recall_f1", "precision_recall_f1.hidden"),
        ("precision_recall_f1:prf_macro",),
    ),
    Rule(
        "precision_recall_f1",
        "precision = TP / (TP + FP)",
        ("precision_recall_f1", "precision_recall_f1.hidden"),
        ("precision_recall_f1:prf_swapped", "precision_recall_f1:prf_faked"),
    ),
    Rule(
        "precision_recall_f1",
        "recall = TP / (TP + FN)",
        ("precision_recall_f1", "precision_recall_f1.hidden"),
        ("precision_recall_f1:prf_swapped",),
    ),
    Rule(
        "precision_recall_f1",
        "F1 = 2 TP / (2 TP + FP + FN), the harmonic mean of the two",
        ("precision_recall_f1", "precision_recall_f1.hidden", "precision_recall_f1.edge_cases"),
        (
            "precision_recall_f1:prf_f1_arithmetic_mean",
            "precision_recall_f1:prf_harmonic_unguarded",
        ),
    ),
    Rule(
        "precision_recall_f1",
        "**Zero-division rule:** a ratio whose denominator is 0 is `0.0`",
        ("precision_recall_f1.edge_cases",),
        (
            "precision_recall_f1:prf_nan_on_zero_division",
            "precision_recall_f1:prf_guards_precision_only",
            "precision_recall_f1:prf_zero_division_one",
        ),
    ),
    Rule(
        "precision_recall_f1",
        LISTS,
        ("precision_recall_f1.hidden",),
        ("precision_recall_f1:prf_arrays_only",),
    ),
    # ------------------------------------------------------------------ ROC curve
    Rule(
        "roc_curve",
        "returning three float arrays `(fpr, tpr, thresholds)`",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_tpr_first", "roc_curve:roc_faked"),
    ),
    Rule(
        "roc_curve",
        "FPR = FP / N against the true positive rate TPR = TP / P (N negatives, P positives)",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_rates_over_all_samples",),
    ),
    Rule(
        "roc_curve",
        "they are scikit-learn's `roc_curve(..., drop_intermediate=False)`",
        ("roc_curve",),
        ("roc_curve:roc_sklearn_default",),
    ),
    Rule(
        "roc_curve",
        "`thresholds` starts with `+inf` (nothing predicted positive: the point (0, 0))",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_starts_at_max_plus_one",),
    ),
    Rule(
        "roc_curve",
        "followed by the **distinct** scores in **decreasing** order",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_increasing", "roc_curve:roc_without_tie_handling"),
    ),
    Rule(
        "roc_curve",
        "the last threshold is the smallest score, where everything is positive (1, 1)",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_extra_minus_inf",),
    ),
    Rule(
        "roc_curve",
        "samples with the same score cross the threshold **together**",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_without_tie_handling",),
    ),
    Rule(
        "roc_curve",
        "`fpr[i]`, `tpr[i]` are the rates when predicting positive for `score >= thresholds[i]`",
        ("roc_curve", "roc_curve.hidden"),
        ("roc_curve:roc_strict_greater",),
    ),
    Rule("roc_curve", LISTS, ("roc_curve.hidden",), ("roc_curve:roc_arrays_only",)),
    # ------------------------------------------------------------------ AUROC
    Rule(
        "auroc",
        "the area under that curve by the trapezoid rule",
        ("auroc", "auroc.hidden"),
        ("auroc:auroc_faked",),
    ),
    Rule(
        "auroc",
        "where **a tie counts one half**",
        ("auroc", "auroc.hidden"),
        ("auroc:auroc_ties_lost",),
    ),
    Rule(
        "auroc",
        "If `y_true` holds only one class the area is undefined: raise `ValueError`.",
        ("auroc.edge_cases",),
        (
            "auroc:auroc_without_check",
            "auroc:auroc_checks_positives_only",
            "auroc:auroc_asserts_both_classes",
        ),
    ),
    Rule("auroc", LISTS, ("auroc.hidden",), ("auroc:auroc_arrays_only",)),
    # ------------------------------------------------------------------ average precision
    Rule(
        "average_precision",
        "Take the same thresholds as the ROC curve (distinct scores, decreasing; tied samples enter together)",
        ("average_precision", "average_precision.hidden", "average_precision.majority"),
        ("average_precision:ap_per_sample",),
    ),
    Rule(
        "average_precision",
        "(with `R_0 = 0`)",
        ("average_precision", "average_precision.hidden", "average_precision.majority"),
        ("average_precision:ap_without_first_slice",),
    ),
    Rule(
        "average_precision",
        "a **step** sum: each new slice of recall is paid for at the precision reached there",
        ("average_precision", "average_precision.hidden"),
        ("average_precision:ap_trapezoid", "average_precision:ap_faked"),
    ),
    Rule(
        "average_precision",
        "the step sum gives the prevalence",
        ("average_precision.majority",),
        ("average_precision:ap_trapezoid",),
    ),
    Rule(
        "average_precision",
        LISTS,
        ("average_precision.hidden",),
        ("average_precision:ap_arrays_only",),
    ),
    # ------------------------------------------------------------------ macro AUROC
    Rule(
        "macro_auroc_ovr",
        "the binary AUROC of labels `y_true == k` with scores `probs[:, k]`",
        ("macro_auroc_ovr", "macro_auroc_ovr.hidden"),
        ("macro_auroc_ovr:macro_max_prob_scores",),
    ),
    Rule(
        "macro_auroc_ovr",
        "return the **unweighted mean** over the K classes (every class counts the same, however rare)",
        ("macro_auroc_ovr", "macro_auroc_ovr.hidden"),
        ("macro_auroc_ovr:macro_weighted_by_prevalence", "macro_auroc_ovr:macro_faked"),
    ),
    Rule(
        "macro_auroc_ovr",
        LISTS,
        ("macro_auroc_ovr.hidden",),
        ("macro_auroc_ovr:macro_arrays_only",),
    ),
    # ------------------------------------------------------------------ log loss
    Rule(
        "log_loss",
        "the mean over samples of `-ln(probs[i, y_true[i]])` (natural log)",
        ("log_loss", "log_loss.hidden", "log_loss.edge_cases"),
        (
            "log_loss:log_loss_base_two",
            "log_loss:log_loss_summed",
            "log_loss:log_loss_one_hot_bce",
            "log_loss:log_loss_faked",
        ),
    ),
    Rule(
        "log_loss",
        "first **clip** the probabilities into `[eps, 1 - eps]` with `eps = np.finfo(np.float64).eps`",
        ("log_loss.edge_cases",),
        ("log_loss:log_loss_unclipped", "log_loss:log_loss_clip_1e_15"),
    ),
    Rule("log_loss", LISTS, ("log_loss.hidden",), ("log_loss:log_loss_arrays_only",)),
    # ------------------------------------------------------------------ threshold
    Rule(
        "choose_threshold",
        "candidates are the **distinct** validation scores",
        ("choose_threshold", "choose_threshold.hidden"),
        ("choose_threshold:threshold_grid", "choose_threshold:threshold_faked"),
    ),
    Rule(
        "choose_threshold",
        "at candidate `t` predict positive when `score >= t`",
        ("choose_threshold", "choose_threshold.hidden"),
        ("choose_threshold:threshold_strict_greater",),
    ),
    Rule(
        "choose_threshold",
        "return the candidate with the highest F1 = 2 TP / (2 TP + FP + FN)",
        ("choose_threshold", "choose_threshold.hidden"),
        ("choose_threshold:threshold_best_accuracy", "choose_threshold:threshold_fixed_half"),
    ),
    Rule(
        "choose_threshold",
        "as a Python `float`",
        ("choose_threshold", "choose_threshold.hidden"),
        ("choose_threshold:threshold_with_f1",),
    ),
    Rule(
        "choose_threshold",
        "**tie rule:** if several candidates reach the same best F1, return the **largest** one.",
        ("choose_threshold", "choose_threshold.hidden"),
        ("choose_threshold:threshold_smallest_on_tie",),
    ),
    Rule(
        "choose_threshold",
        LISTS,
        ("choose_threshold.hidden",),
        ("choose_threshold:threshold_arrays_only",),
    ),
    # ------------------------------------------------------------------ metric report
    Rule(
        "metric_report",
        'returning `{"accuracy": ..., "macro_auroc": ..., "log_loss": ...}`',
        ("metric_report", "metric_report.hidden"),
        ("metric_report:report_renamed_keys", "metric_report:report_faked"),
    ),
    Rule(
        "metric_report",
        "accuracy is that of the **argmax** decisions (`probs.argmax(axis=1)`, the first class on a tie)",
        ("metric_report.hidden",),
        ("metric_report:report_last_class_on_tie",),
    ),
    Rule(
        "metric_report",
        "the other two are your functions above on the probabilities",
        ("metric_report", "metric_report.hidden"),
        ("metric_report:report_auroc_of_decisions",),
    ),
    Rule(
        "metric_report",
        "only the confident one **ranks** samples (AUROC 1 vs 0.5: a constant score ties everything)",
        ("metric_report",),
        ("metric_report:report_auroc_of_decisions",),
    ),
    Rule("metric_report", LISTS, ("metric_report.hidden",), ("metric_report:report_arrays_only",)),
]
