"""Week 4 rules: every rule the notebook states for a graded name, the items whose inputs exercise
it, and the wrong variants that break it (the gate proves each loses points there).

What the text *allows* is proved by right variants instead (a rule needs a variant that breaks
it): "for example, with a depth-first search" (ValueKahn, ValueIterative), "What you put in the
cache is up to you" (relu_forward_clip caches its output), "other keys are ignored"
(NetExtraGrads), "The reference recipe, which you may change" and "plus whatever you want to
plot" (train_other_recipe returns the net alone, train_with_momentum three values). How the
network computes ("the simplest way is your forward passes ...") is not graded: the text says
the grader checks the values. ``predict`` is given code, not graded.
"""

from __future__ import annotations

from autograder.spec import Rule

VALUE_RANDOM = ("Value", "Value.hidden")
VALUE_ALL = (*VALUE_RANDOM, "Value.shared_nodes", "Value.edge_cases.hidden")
AFFINE_FORWARD = ("affine_forward", "affine_forward.hidden")
AFFINE_BACKWARD = ("affine_backward", "affine_backward.hidden")
RELU_FORWARD = ("relu_forward", "relu_forward.hidden")
RELU_BACKWARD = ("relu_backward", "relu_backward.hidden")
SOFTMAX = ("softmax_cross_entropy", "softmax_cross_entropy.stable", "softmax_cross_entropy.hidden")
SOFTMAX_EXTREME = ("softmax_cross_entropy.stable", "softmax_cross_entropy.hidden")
INIT = ("TwoLayerNet.init", "TwoLayerNet.init.hidden")
NET_LOSS = ("TwoLayerNet", "TwoLayerNet.hidden")
TRAIN = ("train_two_layer", "train_two_layer.hidden")

FLOAT64 = "Work in **float64** throughout"


def value(*labels: str) -> tuple[str, ...]:
    return tuple(f"Value:{label}" for label in labels)


RULES = [
    # ------------------------------------------------------------------ Value
    Rule("Value", "| `a + b` | `a + b` | 1, 1 |", VALUE_ALL, value("ValueAddOneSide")),
    Rule("Value", "| `a * b` | `a · b` | `b`, `a` |", VALUE_ALL, value("ValueMulSwapped")),
    Rule(
        "Value",
        "| `a ** k` (`k` an int or float constant) | `a^k` | `k · a^(k-1)` |",
        VALUE_ALL,
        value("ValuePowSlope"),
    ),
    Rule(
        "Value",
        "| `-a` | `-a` | -1 (you may write it as `a * -1`) |",
        VALUE_ALL,
        value("ValueNegSlope"),
    ),
    Rule("Value", "| `a.exp()` | `e^a` | `e^a` |", VALUE_ALL, value("ValueExpSlope")),
    Rule(
        "Value", "| `a.tanh()` | `tanh(a)` | `1 - tanh(a)^2` |", VALUE_ALL, value("ValueTanhSlope")
    ),
    Rule(
        "Value",
        "| `a.relu()` | `max(a, 0)` | 1 if `a > 0` else 0 (**0 at exactly 0**) |",
        ("Value.edge_cases.hidden",),
        value("ValueReluAtZero"),
    ),
    Rule(
        "Value",
        "Plain numbers mix with `Value`s on either side (`2 * a`, `1 - a`, `a / 3`, `1 / a`): wrap a "
        "number in a `Value` before using it.",
        VALUE_ALL,
        value("ValueNoWrap"),
    ),
    Rule(
        "Value",
        "`backward()` sets the output's gradient to 1",
        VALUE_ALL,
        value("ValueNoSeed", "FakeValue"),
    ),
    Rule(
        "Value",
        "calls every node's `_backward` in **reverse topological order**",
        VALUE_ALL,
        value("ValueDepthFirstBackward"),
    ),
    Rule(
        "Value",
        "Gradients **accumulate** (`+=`): a node used twice (as in `a * a`, or a shared sub-expression) "
        "receives a contribution from each use.",
        VALUE_ALL,
        value("ValueOverwrites"),
    ),
    # ------------------------------------------------------------------ layers
    Rule(
        "affine_forward",
        "returns `(out, cache)` with `out = x @ w + b`",
        AFFINE_FORWARD,
        ("affine_forward:affine_forward_no_bias", "affine_forward:fake_affine_forward"),
    ),
    Rule(
        "affine_forward",
        "shape `(N, M)`",
        AFFINE_FORWARD,
        ("affine_forward:affine_forward_transposed",),
    ),
    Rule("affine_forward", FLOAT64, AFFINE_FORWARD, ("affine_forward:affine_forward_float32",)),
    Rule(
        "affine_backward",
        "`affine_backward(dout, cache)`: returns `(dx, dw, db)`",
        AFFINE_BACKWARD,
        (
            "affine_backward:affine_backward_mean_bias",
            "affine_backward:affine_backward_scaled_dw",
            "affine_backward:fake_affine_backward",
        ),
    ),
    Rule(
        "affine_backward",
        "shaped like `x`, `w` and `b`",
        AFFINE_BACKWARD,
        ("affine_backward:affine_backward_db_keepdims",),
    ),
    Rule(
        "relu_forward",
        "returns `(out, cache)` with `out = max(x, 0)` elementwise",
        RELU_FORWARD,
        ("relu_forward:relu_forward_leaky", "relu_forward:fake_relu_forward"),
    ),
    Rule(
        "relu_forward",
        "any shape",
        ("relu_forward.hidden",),
        ("relu_forward:relu_forward_flattens",),
    ),
    Rule(
        "relu_backward",
        "the gradient passes where `x > 0`",
        RELU_BACKWARD,
        ("relu_backward:relu_backward_no_mask", "relu_backward:fake_relu_backward"),
    ),
    Rule(
        "relu_backward",
        "is **0 where `x <= 0`** (also at exactly 0)",
        RELU_BACKWARD,
        ("relu_backward:relu_backward_at_zero",),
    ),
    # ------------------------------------------------------------------ softmax_cross_entropy
    Rule(
        "softmax_cross_entropy",
        "the **mean** cross-entropy of the softmax probabilities (a float)",
        SOFTMAX,
        (
            "softmax_cross_entropy:softmax_ce_summed_loss",
            "softmax_cross_entropy:softmax_ce_loss_in_array",
            "softmax_cross_entropy:fake_softmax_ce",
        ),
    ),
    Rule(
        "softmax_cross_entropy",
        "`(P - Y) / N` (probabilities minus one-hot labels, divided by `N`)",
        SOFTMAX,
        ("softmax_cross_entropy:softmax_ce_summed_gradient",),
    ),
    Rule(
        "softmax_cross_entropy",
        "subtract each row's maximum score before `exp`",
        SOFTMAX_EXTREME,
        (
            "softmax_cross_entropy:softmax_ce_unstable",
            "softmax_cross_entropy:softmax_ce_global_max",
        ),
    ),
    Rule(
        "softmax_cross_entropy",
        "compute `log p_y` from the scores (`s_y - max - log(sum(exp(s - max)))`), never as the log of "
        "a probability that may underflow to 0.",
        SOFTMAX_EXTREME,
        ("softmax_cross_entropy:softmax_ce_log_of_probability",),
    ),
    # ------------------------------------------------------------------ TwoLayerNet
    Rule(
        "TwoLayerNet",
        "with `rng = np.random.default_rng(seed)`, first `W1 = rng.normal(0.0, weight_scale, "
        "size=(n_in, n_hidden))`, then `W2 = rng.normal(0.0, weight_scale, size=(n_hidden, n_out))`",
        INIT,
        ("TwoLayerNet:NetW2First", "TwoLayerNet:NetIgnoresScale"),
    ),
    Rule(
        "TwoLayerNet",
        "`b1` and `b2` are zeros of shapes `(n_hidden,)` and `(n_out,)`",
        INIT,
        ("TwoLayerNet:NetRandomBiases",),
    ),
    Rule(
        "TwoLayerNet",
        "a dict of four float64 arrays",
        INIT,
        ("TwoLayerNet:NetFloat32", "TwoLayerNet:FakeNet"),
    ),
    Rule(
        "TwoLayerNet",
        "`TwoLayerNet` computes `scores = relu(X @ W1 + b1) @ W2 + b2`",
        ("TwoLayerNet.scores",),
        ("TwoLayerNet:NetScoresWithoutBias",),
    ),
    Rule(
        "TwoLayerNet",
        "`loss(X, y)` returns `(loss, grads)`: the mean softmax cross-entropy (a float) and a dict "
        "holding, under each key of `params`, the gradient of the loss with respect to that array",
        NET_LOSS,
        ("TwoLayerNet:NetNoReluGradient", "TwoLayerNet:FakeNet"),
    ),
    Rule(
        "TwoLayerNet",
        "Always read the weights from `self.params` (the grader sets them).",
        ("TwoLayerNet.scores", *NET_LOSS),
        ("TwoLayerNet:NetCachedWeights",),
    ),
    # ------------------------------------------------------------------ train_two_layer
    Rule(
        "train_two_layer",
        "builds and trains a `TwoLayerNet`",
        TRAIN,
        (
            "train_two_layer:train_updates_a_copy",
            "train_two_layer:train_gradient_ascent",
            "train_two_layer:fake_train_two_layer",
        ),
    ),
    Rule(
        "train_two_layer",
        "computes the predictions of the returned network itself from `net.params`",
        TRAIN,
        ("train_two_layer:fake_train_two_layer",),
    ),
    Rule(
        "train_two_layer",
        "Hidden tests train it on another split of the digits, with the pixels in another fixed order and "
        "the classes relabelled: your recipe must learn from the data it is given.",
        ("train_two_layer.hidden",),
        ("train_two_layer:train_ignores_its_data",),
    ),
    Rule(
        "train_two_layer",
        "needs a **validation accuracy of at least 0.94** on held-out digits",
        TRAIN,
        ("train_two_layer:train_under_trained",),
    ),
]
