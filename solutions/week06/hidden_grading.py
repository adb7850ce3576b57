"""Week 6 hidden items: the same functions on other models, data and edge cases.

Stays in solutions/; graded for the official grade after the deadline.
"""

from __future__ import annotations

import math

from grading import (
    check_activations,
    check_choices,
    check_dependence,
    check_gradients,
    check_history,
    check_initial_loss,
    check_output_bias,
    check_overfit,
    check_sweep,
    check_update_ratios,
    probe_activations,
    probe_choices,
    probe_dependence,
    probe_gradients,
    probe_history,
    probe_initial_loss,
    probe_output_bias,
    probe_overfit,
    probe_sweep,
    probe_update_ratios,
    sweep_results,
)

from autograder.spec import Item

HIDDEN_CHOICES = [
    # unsorted rates; the test minimum (0.05) and the training minimum (0.5) are both traps
    sweep_results(
        [0.5, 0.0005, 0.05, 0.005],
        [0.01, 0.9, 0.2, 0.3],
        [0.61, 0.88, 0.52, 0.50],
        [0.70, 0.90, 0.45, 0.51],
    ),
    # a NaN and an infinite loss listed before the finite ones; a three-way tie resolved by the smallest rate
    sweep_results(
        [3.0, 1.0, 0.3, 0.1, 0.03],
        [math.nan, math.inf, 0.2, 0.2, 0.2],
        [math.nan, math.inf, 0.4, 0.4, 0.4],
        [0.1, 0.1, 0.5, 0.3, 0.6],
    ),
    # every run diverged: ValueError
    sweep_results([1.0, 10.0], [math.nan, math.inf], [math.nan, math.inf], [math.nan, math.nan]),
    # one rate only
    sweep_results([0.02], [0.3], [0.4], [0.4]),
    # a tie with the smaller rate listed first, no test_loss key
    sweep_results([0.002, 0.2, 0.02], [0.3, 0.1, 0.2], [0.44, 0.6, 0.44]),
]

ITEMS = [
    Item(
        "initial_loss_check.hidden",
        1,
        # ten classes and inputs scaled by 10: the measured loss is well above ln 10 here
        probe=lambda ns: probe_initial_loss(
            ns, seed=11, sizes=(7, 24, 10), scale=10.0, dropout=0.3
        ),
        check=check_initial_loss,
        requires=("initial_loss_check",),
        hint="natural log of n_classes; measure in eval mode without gradients; restore the mode.",
    ),
    Item(
        "init_output_bias.hidden",
        1,
        probe=lambda ns: probe_output_bias(ns, seed=7, counts=[1, 2, 7, 40, 150], n_in=3),
        check=check_output_bias,
        requires=("init_output_bias",),
        hint="bias[c] = ln(count_c / n) for every class, in place.",
    ),
    Item(
        "overfit_single_batch.hidden",
        1,
        # 24 points of three spirals, 300 Adam steps at 1e-2 (this probe, seeds 0-9): final loss
        # 2.6e-3 to 7.3e-3; threshold 3e-2 (4x the worst seed)
        probe=lambda ns: probe_overfit(
            ns,
            data="spirals",
            n=24,
            seed=8,
            sizes=(2, 32, 32, 3),
            steps=300,
            lr=1e-2,
            n_classes=3,
            noise=0.2,
        ),
        check=check_overfit(threshold=3e-2),
        requires=("overfit_single_batch",),
        hint="Adam on the whole batch every step; record the loss before each update.",
        timeout=40.0,
    ),
    Item(
        "batch_gradient_dependence.hidden",
        1,
        probe=lambda ns: probe_dependence(ns, seed=9, n=9, d=3, n_out=4),
        check=check_dependence,
        requires=("batch_gradient_dependence",),
        hint="one backward per sample i from model(X)[i].sum(), in training mode.",
    ),
    Item(
        "train_with_history.hidden",
        2,
        probe=lambda ns: probe_history(
            ns,
            data="blobs",
            seed=4,
            sizes=(2, 12, 3),
            n_train=90,
            n_val=45,
            epochs=4,
            lr=5e-3,
            batch_size=25,
            dropout=0.3,
            given_in_eval=True,  # a loop that trusts the mode it was given learns without dropout
            centers=3,
            cluster_std=2.0,
        ),
        check=check_history(rtol=1e-4, atol=1e-6),
        requires=("train_with_history",),
        hint="batch order from the seeded randperm each epoch, evaluation in eval mode, one log call per epoch.",
        timeout=40.0,
    ),
    Item(
        "collect_activations.hidden",
        1,
        # weights x4: most units saturated, the values still have to match
        probe=lambda ns: probe_activations(
            ns, seed=12, sizes=(5, 16, 16, 16, 3), scale=4.0, relu_block=False
        ),
        check=check_activations,
        requires=("collect_activations",),
        hint="hook every nn.Tanh found by named_modules(), whatever its depth.",
    ),
    Item(
        "collect_gradients.hidden",
        1,
        probe=lambda ns: probe_gradients(ns, seed=13, sizes=(6, 20, 20, 20, 5), n=50),
        check=check_gradients,
        requires=("collect_gradients",),
        hint="zero the gradients first; weight matrices only.",
    ),
    Item(
        "update_to_data_ratios.hidden",
        1,
        probe=lambda ns: probe_update_ratios(
            ns, seed=14, sizes=(2, 24, 24, 24, 2), optimizer="sgd", lr=0.3, steps=3
        ),
        check=check_update_ratios,
        requires=("update_to_data_ratios",),
        hint="measure the update the optimiser actually applied (momentum included).",
    ),
    Item(
        "learning_rate_sweep.hidden",
        1,
        probe=lambda ns: probe_sweep(
            ns,
            seed=15,
            sizes=(2, 10, 10, 2),
            rates=[3e-1, 3e-3, 3e-2, 3e-4],
            epochs=2,
            batch_size=32,
        ),
        check=check_sweep,
        requires=("learning_rate_sweep", "train_with_history"),
        uses=("train_with_history",),
        hint="keep the rates in the order given; a fresh model per rate; last epoch's losses.",
        timeout=40.0,
    ),
    Item(
        "choose_learning_rate.hidden",
        1,
        probe=lambda ns: probe_choices(ns, HIDDEN_CHOICES),
        check=check_choices,
        requires=("choose_learning_rate",),
        hint="finite validation losses only; ties to the smaller rate; ValueError if none is finite.",
    ),
]
