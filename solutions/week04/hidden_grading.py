"""Week 4 hidden items: other graphs, other shapes, kinks and extreme scores."""

from __future__ import annotations

import numpy as np
from grading import (
    ACCURACY_THRESHOLD,
    LAYERS,
    TRAIN_TIMEOUT,
    check_accuracy,
    check_net_loss,
    check_softmax_ce,
    check_triple,
    check_value,
    layer_check,
    probe_affine_backward,
    probe_affine_forward,
    probe_net_init,
    probe_net_loss,
    probe_relu_backward,
    probe_relu_forward,
    probe_softmax_ce,
    probe_train,
    probe_value,
    random_program,
)

from autograder.spec import Item, checks

HIDDEN_PROGRAMS = [random_program(seed, n_inputs=4, n_ops=12) for seed in range(1000, 1300)]

EDGE_PROGRAMS = [
    {"inputs": [0.0], "ops": [("relu", 0, 0, 0.0, 0.0)]},  # relu at exactly 0: gradient 0
    {"inputs": [-0.5], "ops": [("relu", 0, 0, 0.0, 0.0), ("exp", 1, 1, 0.0, 0.0)]},
    {
        "inputs": [2.0],
        "ops": [("rdiv", 0, 0, 1, 0.0), ("rsub", 1, 1, 3, 0.0)],
    },  # int constants on the left
    {"inputs": [1.7], "ops": [("pow", 0, 0, 0.0, 2.5), ("pow", 0, 0, 0.0, -2)]},
    {
        "inputs": [0.4, 0.4],
        "ops": [("div", 0, 1, 0.0, 0.0), ("mul", 2, 0, 0.0, 0.0), ("neg", 3, 3, 0.0, 0.0)],
    },
]

ITEMS = [
    Item(
        "Value.hidden",
        2,
        probe=lambda ns: probe_value(ns, HIDDEN_PROGRAMS),
        check=check_value(HIDDEN_PROGRAMS),
        requires=("Value",),
        timeout=60.0,
        hint="accumulate gradients; reverse topological order.",
    ),
    Item(
        "Value.edge_cases.hidden",
        1,
        probe=lambda ns: probe_value(ns, EDGE_PROGRAMS),
        check=check_value(EDGE_PROGRAMS),
        requires=("Value",),
        timeout=60.0,
        hint="relu passes no gradient at exactly 0; numbers on the left of +, -, *, / work; float exponents work.",
    ),
    Item(
        "affine_forward.hidden",
        1,
        probe=lambda ns: probe_affine_forward(ns, 10, 1, 7, 2),
        check=layer_check,
        requires=("affine_forward",),
        hint="works for a batch of one.",
    ),
    Item(
        "affine_backward.hidden",
        1,
        probe=lambda ns: probe_affine_backward(ns, 11, 9, 2, 6),
        check=check_triple(("dx", "dw", "db")),
        requires=("affine_backward", "affine_forward"),  # the cache is the student's format
        hint="db sums dout over the batch axis.",
    ),
    Item(
        "relu_forward.hidden",
        1,
        probe=lambda ns: probe_relu_forward(ns, 12, (2, 3, 4)),
        check=layer_check,
        requires=("relu_forward",),
        hint="any shape, elementwise.",
    ),
    Item(
        "relu_backward.hidden",
        1,
        probe=lambda ns: probe_relu_backward(ns, 13, (2, 3, 4)),
        check=layer_check,
        requires=("relu_backward", "relu_forward"),  # the cache is the student's format
        hint="any shape; zero gradient where the input is <= 0.",
    ),
    Item(
        "softmax_cross_entropy.hidden",
        1,
        probe=lambda ns: probe_softmax_ce(ns, 14, 1, 2, -900.0),
        check=check_softmax_ce,
        requires=("softmax_cross_entropy",),
        hint="a single sample with huge scores must stay finite.",
    ),
    Item(
        "TwoLayerNet.init.hidden",
        1,
        probe=lambda ns: probe_net_init(ns, 3, 4, 6, 0.02, 8),
        check=checks.close(rtol=1e-12, atol=0.0, allow_float32=False),
        requires=("TwoLayerNet",),
        hint="W1 first, then W2, from one generator.",
    ),
    Item(
        "TwoLayerNet.hidden",
        2,
        probe=lambda ns: probe_net_loss(ns, 15, 11, 3, 9, 5),
        check=check_net_loss,
        requires=("TwoLayerNet", *LAYERS),
        uses=LAYERS,
        hint="the ReLU mask comes from the pre-activation of the hidden layer.",
    ),
    Item(
        "train_two_layer.hidden",
        2,
        probe=lambda ns: probe_train(ns, split_seed=1, seed=3, pixels=5, relabel=3),
        check=check_accuracy(ACCURACY_THRESHOLD, split_seed=1, pixels=5, relabel=3),
        timeout=TRAIN_TIMEOUT,
        requires=("train_two_layer", "TwoLayerNet", *LAYERS),
        uses=("TwoLayerNet", *LAYERS),
        hint="other digits (pixels in another order, classes relabelled) and another seed: learn from the data given.",
    ),
]
