"""Week 4's checks on their own (no sandbox): the trained network is scored from its weights on
data the trusted side loads, and messages name the real cause."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from tests.conftest import load_week_module


@pytest.fixture(scope="module")
def grading() -> ModuleType:
    return load_week_module("week04", "grading")


@pytest.fixture(scope="module")
def variants() -> ModuleType:
    return load_week_module("week04", "variants")


def test_a_network_that_predicts_without_training_scores_nothing(grading, variants) -> None:
    """Its predict looks up the nearest training image (about 0.98 accuracy); its weights are untrained."""
    X_train, y_train, X_val, y_val = grading.validation_split(0, 1300)
    fake, _ = variants.fake_train_two_layer(X_train, y_train, 0)
    assert np.mean(fake.predict(X_val[:100]) == y_val[:100]) > 0.9
    got = {"params": {name: fake.params[name] for name in grading.PARAMS}}
    outcome = grading.check_accuracy(grading.ACCURACY_THRESHOLD, split_seed=0)(got, None, True)
    assert outcome.fraction == 0.0 and "0.94" in outcome.message


def test_the_accuracy_is_computed_from_the_weights(grading, variants) -> None:
    X_train, y_train, _, _ = grading.validation_split(0, 1300)
    net = variants.train_other_recipe(X_train, y_train, 0)
    got = {"params": {name: net.params[name] for name in grading.PARAMS}}
    assert grading.check_accuracy(grading.ACCURACY_THRESHOLD, split_seed=0)(got, None, True).passed
    # the same weights on the hidden split (pixels permuted, classes relabelled) do not classify
    hidden = grading.check_accuracy(grading.ACCURACY_THRESHOLD, split_seed=1, pixels=5, relabel=3)
    assert not hidden(got, None, True).passed
    transposed = {**got["params"], "W1": got["params"]["W1"].T.copy()}
    outcome = grading.check_accuracy(0.94, split_seed=0)({"params": transposed}, None, True)
    assert outcome.fraction == 0.0 and "W1 (64, H)" in outcome.message


def test_a_network_never_updated_is_told_so(grading, variants) -> None:
    net = variants.NetInline(64, 64, 10, weight_scale=0.1, seed=0)
    got = {"params": {name: net.params[name] for name in grading.PARAMS}}
    outcome = grading.check_accuracy(grading.ACCURACY_THRESHOLD, split_seed=0)(got, None, True)
    assert not outcome.passed and "never updated" in outcome.message


@pytest.mark.parametrize(
    ("wrong", "cause", "fraction"),
    [
        ("softmax_ce_unstable", "exp overflowed", 0.0),
        ("softmax_ce_log_of_probability", "underflowed to 0", 0.5),
        ("softmax_ce_summed_gradient", "N times too large", 0.5),
        ("softmax_ce_summed_loss", "not the sum", 0.5),
        ("softmax_ce_loss_in_array", "float64 number", 0.5),
    ],
)
def test_softmax_messages_name_the_real_cause(grading, variants, wrong, cause, fraction) -> None:
    ref = grading.probe_softmax_ce(
        {"softmax_cross_entropy": variants.softmax_ce_scipy}, 5, 6, 4, 800.0
    )
    with np.errstate(all="ignore"):
        got = grading.probe_softmax_ce(
            {"softmax_cross_entropy": getattr(variants, wrong)}, 5, 6, 4, 800.0
        )
    outcome = grading.check_softmax_ce(got, ref, True)
    assert outcome.fraction == fraction and cause in outcome.message, outcome.message


def test_gradients_are_compared_with_the_reference_and_extra_keys_pass(grading, variants) -> None:
    ref = grading.probe_net_loss({"TwoLayerNet": variants.NetInline}, 6, 7, 5, 6, 3)
    assert grading.check_net_loss(
        grading.probe_net_loss({"TwoLayerNet": variants.NetExtraGrads}, 6, 7, 5, 6, 3), ref, True
    ).passed
    no_relu = grading.probe_net_loss({"TwoLayerNet": variants.NetNoReluGradient}, 6, 7, 5, 6, 3)
    outcome = grading.check_net_loss(no_relu, ref, True)
    assert outcome.fraction == 0.5 and "grads['W1']" in outcome.message  # the loss keeps its half
