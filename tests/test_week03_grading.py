"""Week 3's checks on their own (no sandbox): what they accept, what they refuse, and which cause
their messages name. The release gate proves the same on whole variants; these pin the reasons."""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest

from course_lib.gradcheck import relative_error
from tests.conftest import load_week_module


@pytest.fixture(scope="module")
def grading() -> ModuleType:
    return load_week_module("week03", "grading")


@pytest.fixture(scope="module")
def variants() -> ModuleType:
    return load_week_module("week03", "variants")


def _probe(grading: ModuleType, fn, W, X, y):
    return grading.probe_loss_and_grad({"f": fn}, "f", W, X, y)


def test_a_less_precise_loss_keeps_the_gradient_marks(grading, variants) -> None:
    """The review's case: the log of the probabilities (one of them subnormal), a correct gradient."""
    W, X, y = grading.classification_data(21, 6, 3, 2, scale=300.0)
    ref = _probe(grading, variants.softmax_vectorized_longdouble, W, X, y)
    got = _probe(grading, variants.softmax_log_of_underflowing_probability, W, X, y)
    # finite differences of the student's own loss miss the (correct) gradient by more than 1e-7 ...
    own = []
    for index in range(W.size):
        moved = [W.copy(), W.copy()]
        moved[0].flat[index] += 1e-5
        moved[1].flat[index] -= 1e-5
        plus, minus = (variants.softmax_log_of_underflowing_probability(m, X, y)[0] for m in moved)
        own.append((plus - minus) / 2e-5)
    assert relative_error(np.array(own), got["grad"].reshape(-1)) > 1e-7
    # ... but the grader compares with the reference gradient, and the loss agrees to 1e-14
    check = grading.check_loss_and_grad("softmax_loss_vectorized", softmax=True)
    assert check(got, ref, True).passed


@pytest.mark.parametrize(
    ("wrong", "cause"),
    [
        ("softmax_vectorized_unstable", "exp overflowed"),
        ("softmax_log_of_underflowing_probability", "underflowed to 0"),
        ("softmax_summed_loss", "N times"),
        ("softmax_naive_not_averaged", "N times"),
        ("softmax_transposed_gradient", "shaped like the weights"),
        ("softmax_float32", "float64"),
        ("softmax_loss_in_array", "single number"),
    ],
)
def test_softmax_messages_name_the_real_cause(grading, variants, wrong, cause) -> None:
    W, X, y = grading.classification_data(2, 10, 5, 4, scale=300.0)
    ref = _probe(grading, variants.softmax_vectorized_with_scipy, W, X, y)
    with np.errstate(all="ignore"):
        got = _probe(grading, getattr(variants, wrong), W, X, y)
    outcome = grading.check_loss_and_grad("softmax_loss_vectorized", softmax=True)(got, ref, True)
    assert not outcome.passed and cause in outcome.message, outcome.message
    if (
        wrong == "softmax_log_of_underflowing_probability"
    ):  # who subtracts the maximum is not told to
        assert "overflow" not in outcome.message and outcome.fraction == 0.5


def test_initial_loss_earns_nothing_for_ln_c(grading, variants) -> None:
    _, X, y = grading.classification_data(3, 200, 8, 10)
    ns = {"initial_loss": variants.initial_loss_standard_normal}
    ref = grading.probe_initial_loss(ns, X, y, 10, 0, (None, 0.5))
    fake = grading.probe_initial_loss(
        {"initial_loss": variants.fake_initial_loss}, X, y, 10, 0, (None, 0.5)
    )
    assert abs(fake["losses"][0] - ref["losses"][0]) < grading.INIT_NEAR_LN_C  # close to ln(C) ...
    outcome = grading.check_initial_loss(fake, ref, True)
    assert outcome.fraction == 0.0 and "ln(10)" in outcome.message  # ... and worth nothing


def test_the_counting_probe_puts_train_softmax_back(grading, variants) -> None:
    """It runs in the student's kernel too (the test cell's check): the stand-in must not stay."""
    sentinel = object()
    ns = {"gd_vs_sgd": variants.gd_vs_sgd_with_loops, "train_softmax": sentinel}
    out = grading.probe_gd_counting(ns, grading.GD_CASES)
    assert ns["train_softmax"] is sentinel
    assert variants.train_softmax is variants.train_in_place  # the function's own globals too
    ref = grading.probe_gd_counting(ns, grading.GD_CASES)
    assert grading.check_gd_counting(grading.GD_CASES)(out, ref, True).passed


@pytest.mark.parametrize(
    ("wrong", "cause"),
    [
        ("gd_vs_sgd_strictly_below", "'at most' includes equality"),
        ("gd_vs_sgd_zero_is_none", "k = 0"),
        ("gd_vs_sgd_counts_epochs", "count k * n"),
        ("gd_vs_sgd_other_seed", "same lr, epochs and seed"),
        ("gd_vs_sgd_float_passes", "an int"),
    ],
)
def test_counting_messages_name_the_real_cause(grading, variants, wrong, cause) -> None:
    ref = grading.probe_gd_counting({"gd_vs_sgd": variants.gd_vs_sgd_with_loops}, grading.GD_CASES)
    got = grading.probe_gd_counting({"gd_vs_sgd": getattr(variants, wrong)}, grading.GD_CASES)
    outcome = grading.check_gd_counting(grading.GD_CASES)(got, ref, True)
    assert not outcome.passed and cause in outcome.message, outcome.message


def test_extra_keys_pass_missing_keys_do_not(grading, variants) -> None:
    W, direction, X, y, alphas = grading.tied_line(6, 60, 4, 3)
    ref = variants.accuracy_vs_loss_with_loops(W, direction, X, y, alphas)
    assert grading.check_accuracy_vs_loss(
        variants.accuracy_vs_loss_extra_keys(W, direction, X, y, alphas), ref, True
    ).passed
    renamed = variants.accuracy_vs_loss_renamed_keys(W, direction, X, y, alphas)
    assert grading.check_accuracy_vs_loss(renamed, ref, True).fraction == 0.0


def test_the_tied_line_ties_exactly_at_one_step_and_never_at_w(grading) -> None:
    W, direction, X, y, alphas = grading.tied_line(6, 60, 4, 3)
    for a in alphas:
        scores = X @ (W + a * direction)
        tied = scores[:, 0] == scores[:, 1]
        assert tied.all() if a == 0.5 else not tied.any()
    smallest = np.mean(np.argmax(X @ (W + 0.5 * direction), axis=1) == y)
    largest = np.mean(np.argsort(X @ (W + 0.5 * direction), axis=1, kind="stable")[:, -1] == y)
    assert not math.isclose(smallest, largest)  # the tie rule decides the accuracy there
