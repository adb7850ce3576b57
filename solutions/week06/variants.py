"""Week 6 variants: wrong answers that must lose points, right ones written differently that must not.

Each variant replaces one name in the solution's namespace; the release gate
and tests/test_course.py probe the items that require that name.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from autograder.spec import Variant


# ----------------------------------------------------------------------------- initial_loss_check
def initial_loss_float64_copy(model, X, y, n_classes):
    """Right: -log(1/C); a deep copy in eval mode, log-softmax in float64 (the original's mode is never touched)."""
    twin = copy.deepcopy(model).eval()
    with torch.no_grad():
        log_p = torch.log_softmax(twin(X).double(), dim=1)
        measured = -log_p[torch.arange(len(y)), y].mean()
    return {"expected": -math.log(1.0 / n_classes), "measured": float(measured)}


def initial_loss_log10(model, X, y, n_classes):
    """Wrong: log10 instead of the natural log."""
    was = model.training
    model.eval()
    with torch.no_grad():
        measured = F.cross_entropy(model(X), y).item()
    model.train(was)
    return {"expected": math.log10(n_classes), "measured": measured}


def initial_loss_in_train_mode(model, X, y, n_classes):
    """Wrong: measured with dropout still active."""
    with torch.no_grad():
        measured = F.cross_entropy(model(X), y).item()
    return {"expected": math.log(n_classes), "measured": measured}


def initial_loss_left_in_eval(model, X, y, n_classes):
    """Wrong: right numbers, but the model is left in eval mode."""
    model.eval()
    with torch.no_grad():
        measured = F.cross_entropy(model(X), y).item()
    return {"expected": math.log(n_classes), "measured": measured}


def initial_loss_numpy_inference_mode(model, X, y, n_classes):
    """Right: np.log (a numpy float), torch.inference_mode, the mode restored with model.train(was)."""
    was = model.training
    model.eval()
    with torch.inference_mode():
        measured = F.cross_entropy(model(X), y).item()
    model.train(was)
    return {"expected": np.log(n_classes), "measured": measured}


def initial_loss_with_graph(model, X, y, n_classes):
    """Wrong: right numbers, but the forward pass builds a graph (no torch.no_grad())."""
    was = model.training
    model.eval()
    measured = F.cross_entropy(model(X), y).item()
    model.train(was)
    return {"expected": math.log(n_classes), "measured": measured}


def initial_loss_tensors(model, X, y, n_classes):
    """Wrong: "measured" is a 0-d tensor, not a float."""
    was = model.training
    model.eval()
    with torch.no_grad():
        measured = F.cross_entropy(model(X), y)
    model.train(was)
    return {"expected": math.log(n_classes), "measured": measured}


# ----------------------------------------------------------------------------- init_output_bias
def bias_log_counts_numpy(layer, y, n_classes):
    """Right: ln(count) without dividing by n (a constant shift), via numpy and .data."""
    counts = np.bincount(np.asarray(y), minlength=n_classes)
    layer.bias.data = torch.tensor(np.log(counts), dtype=layer.bias.dtype)
    return layer


def bias_frequencies(layer, y, n_classes):
    """Wrong: frequencies instead of their logarithm."""
    counts = torch.bincount(y, minlength=n_classes).float()
    with torch.no_grad():
        layer.bias.copy_(counts / counts.sum())
    return layer


def bias_and_zero_weights(layer, y, n_classes):
    """Wrong: also zeroes the weights (the network starts without any input dependence)."""
    counts = torch.bincount(y, minlength=n_classes).float()
    with torch.no_grad():
        layer.bias.copy_(torch.log(counts / counts.sum()))
        layer.weight.zero_()
    return layer


def bias_new_parameter(layer, y, n_classes):
    """Wrong: replaces layer.bias with a new Parameter (an optimizer made before still holds the old one)."""
    counts = torch.bincount(y, minlength=n_classes).float()
    layer.bias = nn.Parameter(torch.log(counts / counts.sum()))
    return layer


def bias_returns_none(layer, y, n_classes):
    """Wrong: right bias, but returns nothing."""
    counts = torch.bincount(y, minlength=n_classes).float()
    with torch.no_grad():
        layer.bias.copy_(torch.log(counts / counts.sum()))


# ----------------------------------------------------------------------------- overfit_single_batch
def overfit_log_softmax(model, X, y, steps, lr):
    """Right: the loss written by hand (log-softmax and gather), losses read with float()."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        for p in model.parameters():
            p.grad = None
        loss = -torch.log_softmax(model(X), dim=1).gather(1, y[:, None]).mean()
        losses.append(float(loss))
        loss.backward()
        optimizer.step()
    return losses


def overfit_model_zero_grad(model, X, y, steps, lr):
    """Right: model.zero_grad() instead of optimizer.zero_grad() (the same gradients are cleared)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        model.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(X), y)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return losses


def overfit_fake_losses(model, X, y, steps, lr):
    """Wrong: no training at all: the true initial loss, then a made-up, plausible decay."""
    with torch.no_grad():
        first = F.cross_entropy(model(X), y).item()
    return [first * 0.97**step for step in range(steps)]


def overfit_default_lr(model, X, y, steps, lr):
    """Wrong: Adam's default learning rate (1e-3), not the one given."""
    optimizer = torch.optim.Adam(model.parameters())
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def overfit_tensor_losses(model, X, y, steps, lr):
    """Wrong: keeps the loss tensors (detached), not floats."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return losses


def overfit_half_batches(model, X, y, steps, lr):
    """Wrong: alternates between the two halves of the batch instead of using the whole batch."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    halves = (slice(0, len(y) // 2), slice(len(y) // 2, None))
    losses = []
    for step in range(steps):
        rows = halves[step % 2]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X[rows]), y[rows])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def overfit_sgd(model, X, y, steps, lr):
    """Wrong: plain SGD at the same rate does not memorise the batch in time."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def overfit_no_zero_grad(model, X, y, steps, lr):
    """Wrong: gradients accumulate over the steps."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def overfit_loss_after_update(model, X, y, steps, lr):
    """Wrong: records the loss after each update, so the loss at initialisation is missing."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(X), y).item())
    return losses


# ----------------------------------------------------------------------------- batch_gradient_dependence
def dependence_jacobian(model, X):
    """Right: the full Jacobian in one call, outputs summed per sample before the absolute value."""
    model.train()
    jacobian = torch.autograd.functional.jacobian(model, X.detach())  # (n, out, n, d)
    return jacobian.sum(dim=1).abs().sum(dim=-1).double().numpy()


def dependence_whole_batch(model, X):
    """Wrong: one backward from the whole batch's output: every row looks dependent on every input."""
    model.train()
    inputs = X.detach().clone().requires_grad_(True)
    model(inputs).sum().backward()
    row = inputs.grad.abs().sum(dim=1).double().numpy()
    return np.tile(row, (X.shape[0], 1))


def dependence_in_given_mode(model, X):
    """Wrong: keeps the model in the mode it came in (eval): BatchNorm's batch mixing is missed."""
    n = X.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        inputs = X.detach().clone().requires_grad_(True)
        model(inputs)[i].sum().backward()
        D[i] = inputs.grad.abs().sum(dim=1).double().numpy()
    return D


def dependence_signed(model, X):
    """Wrong: sums signed gradients, so contributions cancel."""
    model.train()
    n = X.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        inputs = X.detach().clone().requires_grad_(True)
        model(inputs)[i].sum().backward()
        D[i] = inputs.grad.sum(dim=1).double().numpy()
    return D


def dependence_then_step(model, X):
    """Wrong: right matrix, but then takes an SGD step with the gradients it accumulated."""
    model.train()
    n = X.shape[0]
    D = np.zeros((n, n))
    for i in range(n):
        inputs = X.detach().clone().requires_grad_(True)
        model(inputs)[i].sum().backward()
        D[i] = inputs.grad.abs().sum(dim=1).double().numpy()
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return D


def dependence_float32_tensor(model, X):
    """Wrong: the right matrix as a float32 torch tensor, not a float64 numpy array."""
    model.train()
    n = X.shape[0]
    D = torch.zeros(n, n)
    for i in range(n):
        inputs = X.detach().clone().requires_grad_(True)
        model(inputs)[i].sum().backward()
        D[i] = inputs.grad.abs().sum(dim=1)
    return D


def dependence_on_callers_X(model, X):
    """Wrong: right matrix, but turns on gradients of the caller's X (and leaves one in X.grad)."""
    model.train()
    n = X.shape[0]
    D = np.zeros((n, n))
    X.requires_grad_(True)
    for i in range(n):
        X.grad = None
        model(X)[i].sum().backward()
        D[i] = X.grad.abs().sum(dim=1).double().numpy()
    return D


# ----------------------------------------------------------------------------- train_with_history
def _metrics(model, X, y):
    logits = model(X).double()
    loss = -torch.log_softmax(logits, dim=1)[torch.arange(len(y)), y].mean()
    accuracy = np.mean(logits.argmax(dim=1).numpy() == y.numpy())
    return float(loss), float(accuracy)


def history_split_batches(
    model,
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    epochs,
    lr,
    batch_size,
    seed,
    logger=None,
    on_epoch_end=None,
):
    """Right: shuffled copies split with torch.split, losses in float64, accuracy with numpy, positional step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {key: [] for key in ("train_loss", "val_loss", "train_acc", "val_acc")}
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(seed + epoch))
        for xb, yb in zip(
            torch.split(X_train[order], batch_size),
            torch.split(y_train[order], batch_size),
            strict=True,
        ):
            optimizer.zero_grad()
            loss = F.nll_loss(torch.log_softmax(model(xb), dim=1), yb)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            train_loss, train_acc = _metrics(model, X_train, y_train)
            val_loss, val_acc = _metrics(model, X_val, y_val)
        metrics = {
            "train_loss": train_loss,
            "val_loss": val_loss,
            "train_acc": train_acc,
            "val_acc": val_acc,
        }
        for key, value in metrics.items():
            history[key].append(value)
        if logger:
            logger.log(dict(metrics), epoch)
        if on_epoch_end:
            on_epoch_end(epoch, model)
    model.train()
    return history


def _history_wrong(mistake):
    """A loop that follows the rules except for one ``mistake``."""

    def train(
        model,
        X_train,
        y_train,
        X_val,
        y_val,
        *,
        epochs,
        lr,
        batch_size,
        seed,
        logger=None,
        on_epoch_end=None,
    ):
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        history = {key: [] for key in ("train_loss", "val_loss", "train_acc", "val_acc")}
        n = len(y_train)
        if mistake != "trusts_given_mode":
            model.train()
        for epoch in range(epochs):
            if mistake == "fresh_optimizer":
                optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            if mistake not in ("stays_in_eval", "trusts_given_mode"):
                model.train()
            if mistake == "no_shuffle":
                order = torch.arange(n)
            else:
                order = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch))
            for start in range(0, n, batch_size):
                rows = order[start : start + batch_size]
                if mistake == "drops_last_batch" and len(rows) < batch_size:
                    continue
                if mistake != "no_zero_grad":
                    optimizer.zero_grad()
                F.cross_entropy(model(X_train[rows]), y_train[rows]).backward()
                optimizer.step()
            if mistake != "eval_in_train_mode":
                model.eval()
            metrics = {}
            validation = (X_train, y_train) if mistake == "val_on_train" else (X_val, y_val)
            context = torch.enable_grad() if mistake == "metrics_with_graph" else torch.no_grad()
            with context:
                for split, (X, y) in (("train", (X_train, y_train)), ("val", validation)):
                    logits = model(X)
                    metrics[f"{split}_loss"] = F.cross_entropy(logits, y).item()
                    accuracy = (logits.argmax(1) == y).float().mean().item()
                    metrics[f"{split}_acc"] = accuracy * (100 if mistake == "percent" else 1)
            for key, value in metrics.items():
                history[key].append(torch.tensor(value) if mistake == "tensors" else value)
            if logger is not None:
                logged = metrics
                if mistake == "logs_losses_only":
                    logged = {k: v for k, v in metrics.items() if k.endswith("loss")}
                logger.log(logged, step=epoch + (mistake == "steps_from_one"))
            if mistake == "callback_in_train_mode":
                model.train()
            if on_epoch_end is not None:
                on_epoch_end(epoch, model)
            if mistake == "trusts_given_mode":
                model.train()  # back to training mode after each epoch, never before the first
        return history

    train.__name__ = f"history_{mistake}"
    return train


history_eval_in_train_mode = _history_wrong("eval_in_train_mode")
history_no_shuffle = _history_wrong("no_shuffle")
history_steps_from_one = _history_wrong("steps_from_one")
history_fresh_optimizer = _history_wrong("fresh_optimizer")
history_drops_last_batch = _history_wrong("drops_last_batch")
history_no_zero_grad = _history_wrong("no_zero_grad")
history_stays_in_eval = _history_wrong("stays_in_eval")
history_trusts_given_mode = _history_wrong("trusts_given_mode")
history_metrics_with_graph = _history_wrong("metrics_with_graph")
history_val_on_train = _history_wrong("val_on_train")
history_percent = _history_wrong("percent")
history_tensors = _history_wrong("tensors")
history_logs_losses_only = _history_wrong("logs_losses_only")
history_callback_in_train_mode = _history_wrong("callback_in_train_mode")


def history_with_dataloader(
    model,
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    epochs,
    lr,
    batch_size,
    seed,
    logger=None,
    on_epoch_end=None,
):
    """Right: the prescribed order fed through a DataLoader (which draws from torch's global
    generator when it starts); an extra "lr" in the history and in each logged dict."""
    from torch.utils.data import DataLoader, TensorDataset

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    data = TensorDataset(X_train, y_train)
    history = {key: [] for key in ("train_loss", "val_loss", "train_acc", "val_acc", "lr")}
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed + epoch))
        for xb, yb in DataLoader(data, batch_size=batch_size, sampler=order.tolist()):
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            train_loss, train_acc = _metrics(model, X_train, y_train)
            val_loss, val_acc = _metrics(model, X_val, y_val)
        metrics = {
            "train_loss": train_loss,
            "val_loss": val_loss,
            "train_acc": train_acc,
            "val_acc": val_acc,
            "lr": float(lr),
        }
        for key, value in metrics.items():
            history[key].append(value)
        if logger is not None:
            logger.log(metrics, step=epoch)
        if on_epoch_end is not None:
            on_epoch_end(epoch, model)
    model.train()
    return history


# ----------------------------------------------------------------------------- collect_activations
def activations_global_hook(model, X):
    """Right: one global forward hook (all modules), filtered by type, names looked up afterwards."""
    names = {module: name for name, module in model.named_modules()}
    seen = {}

    def hook(module, inputs, output):
        if isinstance(module, nn.Tanh) and module in names:
            seen[names[module]] = output.detach().clone().numpy()

    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        with torch.no_grad():
            model(X)
    finally:
        handle.remove()
    return {name: seen[name] for name in names.values() if name in seen}


def _activations(
    model, X, *, kind=nn.Tanh, remove=True, take_input=False, passes=1, grad=False, tensors=False
):
    outputs, handles = {}, []
    for name, module in model.named_modules():
        if isinstance(module, kind):

            def hook(module, inputs, output, name=name):
                value = (inputs[0] if take_input else output).detach().clone()
                outputs[name] = value if tensors else value.numpy()

            handles.append(module.register_forward_hook(hook))
    with torch.enable_grad() if grad else torch.no_grad():
        for _ in range(passes):
            model(X)
    if remove:
        for handle in handles:
            handle.remove()
    return outputs


def activations_of_linear_layers(model, X):
    """Wrong: hooks the Linear layers (pre-activations) instead of the tanh layers."""
    return _activations(model, X, kind=nn.Linear)


def activations_hooks_left_on(model, X):
    """Wrong: never removes its hooks."""
    return _activations(model, X, remove=False)


def activations_tanh_inputs(model, X):
    """Wrong: records what goes into each tanh, not what comes out."""
    return _activations(model, X, take_input=True)


def activations_two_passes(model, X):
    """Wrong: runs the model twice (a "warm-up" pass first)."""
    return _activations(model, X, passes=2)


def activations_with_grad(model, X):
    """Wrong: the forward pass builds a graph (no torch.no_grad())."""
    return _activations(model, X, grad=True)


def activations_as_tensors(model, X):
    """Wrong: returns tensors, not numpy arrays."""
    return _activations(model, X, tensors=True)


# ----------------------------------------------------------------------------- collect_gradients
def gradients_autograd_grad(model, X, y):
    """Right: torch.autograd.grad on the weights only; .grad is never touched."""
    named = [(name, p) for name, p in model.named_parameters() if p.dim() > 1]
    loss = F.cross_entropy(model(X), y)
    grads = torch.autograd.grad(loss, [p for _, p in named])
    return {name: g.numpy() for (name, _), g in zip(named, grads, strict=True)}


def gradients_with_biases(model, X, y):
    """Wrong: biases included."""
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return {name: p.grad.numpy().copy() for name, p in model.named_parameters()}


def gradients_not_zeroed(model, X, y):
    """Wrong: adds to whatever gradients were already there."""
    F.cross_entropy(model(X), y).backward()
    return {name: p.grad.numpy().copy() for name, p in model.named_parameters() if p.ndim >= 2}


def gradients_then_step(model, X, y):
    """Wrong: right gradients, but the weights are updated as well."""
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    grads = {name: p.grad.numpy().copy() for name, p in model.named_parameters() if p.ndim >= 2}
    torch.optim.SGD(model.parameters(), lr=0.1).step()
    return grads


def gradients_of_summed_loss(model, X, y):
    """Wrong: the summed loss (gradients n times too large)."""
    model.zero_grad()
    F.cross_entropy(model(X), y, reduction="sum").backward()
    return {name: p.grad.numpy().copy() for name, p in model.named_parameters() if p.ndim >= 2}


def gradients_without_copy(model, X, y):
    """Wrong: p.grad.numpy() shares memory with .grad (it changes when .grad does)."""
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return {name: p.grad.numpy() for name, p in model.named_parameters() if p.ndim >= 2}


def gradients_as_tensors(model, X, y):
    """Wrong: tensors (clones), not numpy arrays."""
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.ndim >= 2}


# ----------------------------------------------------------------------------- update_to_data_ratios
def ratios_numpy_float64(model, optimizer, X, y):
    """Right: float64 numpy copies, population std (the n vs n-1 factor cancels)."""
    before = {
        name: p.detach().numpy().astype(np.float64)
        for name, p in model.named_parameters()
        if p.ndim > 1
    }
    optimizer.zero_grad()
    F.cross_entropy(model(X), y).backward()
    optimizer.step()
    after = {name: p.detach().numpy().astype(np.float64) for name, p in model.named_parameters()}
    return {
        name: float(np.log10(np.std(after[name] - w) / np.std(w))) for name, w in before.items()
    }


def _ratios(
    model, optimizer, X, y, *, from_gradient=False, log=True, biases=False, zero=True, tensors=False
):
    keep = [(name, p) for name, p in model.named_parameters() if biases or p.ndim >= 2]
    before = {name: p.detach().clone() for name, p in keep}
    if zero:
        optimizer.zero_grad()
    F.cross_entropy(model(X), y).backward()
    lr = optimizer.param_groups[0]["lr"]
    updates = {name: lr * p.grad.detach().clone() for name, p in keep}
    optimizer.step()
    out = {}
    for name, p in keep:
        update = updates[name] if from_gradient else p.detach() - before[name]
        if tensors:
            out[name] = torch.log10(update.std() / before[name].std())
            continue
        ratio = (update.std() / before[name].std()).item()
        out[name] = math.log10(ratio) if log else ratio
    return out


def ratios_lr_times_grad(model, optimizer, X, y):
    """Wrong: lr * grad is not the update Adam (or momentum) applies."""
    return _ratios(model, optimizer, X, y, from_gradient=True)


def ratios_without_log(model, optimizer, X, y):
    """Wrong: the ratio itself, not its log10."""
    return _ratios(model, optimizer, X, y, log=False)


def ratios_with_biases(model, optimizer, X, y):
    """Wrong: biases included."""
    return _ratios(model, optimizer, X, y, biases=True)


def ratios_no_zero_grad(model, optimizer, X, y):
    """Wrong: never zeroes the gradients: from the second call on, they accumulate."""
    return _ratios(model, optimizer, X, y, zero=False)


def ratios_tensors(model, optimizer, X, y):
    """Wrong: 0-d tensors (torch.log10), not floats."""
    return _ratios(model, optimizer, X, y, tensors=True)


def ratios_fake(model, optimizer, X, y):
    """Wrong: no step at all; Karpathy's rule of thumb (-3) for every weight matrix."""
    return {name: -3.0 for name, p in model.named_parameters() if p.ndim >= 2}


# ----------------------------------------------------------------------------- learning_rate_sweep
def _final_losses(model, X_train, y_train, X_val, y_val, *, epochs, lr, batch_size, seed):
    """A self-contained training loop following the notebook's rules (variants cannot see the notebook)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(y_train), generator=torch.Generator().manual_seed(seed + epoch))
        for rows in torch.split(order, batch_size):
            optimizer.zero_grad()
            F.cross_entropy(model(X_train[rows]), y_train[rows]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            history.append(
                (
                    F.cross_entropy(model(X_train), y_train).item(),
                    F.cross_entropy(model(X_val), y_val).item(),
                )
            )
    return history


def sweep_own_loop(
    make_model, X_train, y_train, X_val, y_val, learning_rates, *, epochs, batch_size, seed
):
    """Right: its own loop, results built with comprehensions."""
    runs = [
        _final_losses(
            make_model(),
            X_train,
            y_train,
            X_val,
            y_val,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
        )
        for lr in learning_rates
    ]
    return {
        "learning_rates": [float(lr) for lr in learning_rates],
        "train_loss": [run[-1][0] for run in runs],
        "val_loss": [run[-1][1] for run in runs],
    }


def sweep_one_model(
    make_model, X_train, y_train, X_val, y_val, learning_rates, *, epochs, batch_size, seed
):
    """Wrong: keeps training the same model across rates."""
    model = make_model()
    out = {"learning_rates": [], "train_loss": [], "val_loss": []}
    for lr in learning_rates:
        last = _final_losses(
            model,
            X_train,
            y_train,
            X_val,
            y_val,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
        )[-1]
        out["learning_rates"].append(float(lr))
        out["train_loss"].append(last[0])
        out["val_loss"].append(last[1])
    return out


def sweep_sorted_rates(
    make_model, X_train, y_train, X_val, y_val, learning_rates, *, epochs, batch_size, seed
):
    """Wrong: reorders the rates (results no longer line up with the rates asked for)."""
    return sweep_own_loop(
        make_model,
        X_train,
        y_train,
        X_val,
        y_val,
        sorted(learning_rates),
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )


def sweep_best_epoch(
    make_model, X_train, y_train, X_val, y_val, learning_rates, *, epochs, batch_size, seed
):
    """Wrong: keeps each run's best validation epoch, not the last one."""
    out = {"learning_rates": [], "train_loss": [], "val_loss": []}
    for lr in learning_rates:
        runs = _final_losses(
            make_model(),
            X_train,
            y_train,
            X_val,
            y_val,
            epochs=epochs,
            lr=lr,
            batch_size=batch_size,
            seed=seed,
        )
        best = min(runs, key=lambda pair: pair[1])
        out["learning_rates"].append(float(lr))
        out["train_loss"].append(best[0])
        out["val_loss"].append(best[1])
    return out


def sweep_numpy_arrays(
    make_model, X_train, y_train, X_val, y_val, learning_rates, *, epochs, batch_size, seed
):
    """Wrong: numpy arrays instead of lists of floats."""
    results = sweep_own_loop(
        make_model,
        X_train,
        y_train,
        X_val,
        y_val,
        learning_rates,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    return {key: np.asarray(values) for key, values in results.items()}


# ----------------------------------------------------------------------------- choose_learning_rate
def choose_with_numpy(results):
    """Right: non-finite losses become +inf, then a lexicographic sort on (loss, rate)."""
    rates = np.asarray(results["learning_rates"], dtype=float)
    losses = np.asarray(results["val_loss"], dtype=float)
    if not np.isfinite(losses).any():
        raise ValueError("no finite validation loss")
    losses = np.where(np.isfinite(losses), losses, np.inf)
    return float(rates[np.lexsort((rates, losses))[0]])


def _choose(results, key, *, first_on_tie=False):
    values = np.asarray(results[key], dtype=float)
    rates = results["learning_rates"]
    if first_on_tie:
        return float(rates[int(np.nanargmin(values))])
    finite = [(v, r) for v, r in zip(values, rates, strict=True) if math.isfinite(v)]
    if not finite:
        raise ValueError("no finite loss")
    return float(min(finite)[1])


class NoFiniteLoss(ValueError):
    """A student's own error class: still a ValueError."""


def choose_sorted_own_error(results):
    """Right: sorts (loss, rate) pairs of finite losses; raises its own subclass of ValueError."""
    pairs = sorted(
        (loss, rate)
        for rate, loss in zip(results["learning_rates"], results["val_loss"], strict=True)
        if not (math.isnan(loss) or math.isinf(loss))
    )
    if not pairs:
        raise NoFiniteLoss("every run diverged")
    return float(pairs[0][1])


def choose_last_listed_on_tie(results):
    """Wrong: a loop with <=: a tie goes to whichever rate is listed last."""
    best = None
    for rate, loss in zip(results["learning_rates"], results["val_loss"], strict=True):
        if math.isfinite(loss) and (best is None or loss <= best[0]):
            best = (loss, rate)
    if best is None:
        raise ValueError("no finite loss")
    return float(best[1])


def choose_ties_by_test_loss(results):
    """Wrong: breaks ties with the test loss (and needs it to be there)."""
    test = results["test_loss"]
    finite = [
        (loss, t, rate)
        for rate, loss, t in zip(results["learning_rates"], results["val_loss"], test, strict=True)
        if math.isfinite(loss)
    ]
    if not finite:
        raise ValueError("no finite loss")
    return float(min(finite)[2])


def choose_by_test(results):
    """Wrong: chooses on the test set."""
    return _choose(results, "test_loss")


def choose_by_train(results):
    """Wrong: chooses on the training loss."""
    return _choose(results, "train_loss")


def choose_first_listed_on_tie(results):
    """Wrong: a tie goes to whichever rate is listed first."""
    return _choose(results, "val_loss", first_on_tie=True)


def choose_keeping_nan(results):
    """Wrong: min over (loss, rate) pairs without dropping NaN: a NaN listed first is never replaced."""
    return float(min(zip(results["val_loss"], results["learning_rates"], strict=True))[1])


def choose_with_plain_argmin(results):
    """Wrong: np.argmin picks a NaN (diverged) run when there is one."""
    return float(results["learning_rates"][int(np.argmin(results["val_loss"]))])


HISTORY_ITEMS = ("train_with_history", "train_with_history.hidden")

WRONG = [
    Variant("initial_loss_check", initial_loss_log10, "log10 instead of ln"),
    Variant("initial_loss_check", initial_loss_in_train_mode, "measured with dropout active"),
    Variant("initial_loss_check", initial_loss_left_in_eval, "model left in eval mode"),
    Variant("initial_loss_check", initial_loss_with_graph, "forward pass builds a graph"),
    Variant("initial_loss_check", initial_loss_tensors, "a tensor, not a float"),
    Variant("init_output_bias", bias_frequencies, "frequencies instead of log-frequencies"),
    Variant("init_output_bias", bias_and_zero_weights, "weights zeroed too"),
    Variant("init_output_bias", bias_new_parameter, "bias replaced, not changed in place"),
    Variant("init_output_bias", bias_returns_none, "returns None"),
    Variant("overfit_single_batch", overfit_sgd, "SGD does not memorise the batch in 300 steps"),
    Variant("overfit_single_batch", overfit_no_zero_grad, "gradients accumulate"),
    Variant("overfit_single_batch", overfit_loss_after_update, "loss recorded after the update"),
    Variant("overfit_single_batch", overfit_fake_losses, "made-up losses, no training"),
    Variant("overfit_single_batch", overfit_default_lr, "Adam's default lr, not the given one"),
    Variant("overfit_single_batch", overfit_tensor_losses, "tensors, not floats"),
    Variant("overfit_single_batch", overfit_half_batches, "half batches, not the whole batch"),
    Variant(
        "batch_gradient_dependence", dependence_whole_batch, "one backward from the whole batch"
    ),
    Variant("batch_gradient_dependence", dependence_in_given_mode, "BatchNorm left in eval mode"),
    Variant("batch_gradient_dependence", dependence_signed, "signed gradients cancel"),
    Variant("batch_gradient_dependence", dependence_then_step, "parameters updated"),
    Variant("batch_gradient_dependence", dependence_float32_tensor, "a float32 tensor"),
    Variant("batch_gradient_dependence", dependence_on_callers_X, "the caller's X changed"),
    Variant(
        "train_with_history",
        history_eval_in_train_mode,
        "metrics with dropout active",
        breaks=HISTORY_ITEMS,
    ),
    Variant("train_with_history", history_no_shuffle, "batches in data order"),
    Variant(
        "train_with_history", history_steps_from_one, "logs step=epoch+1", breaks=HISTORY_ITEMS
    ),
    Variant("train_with_history", history_fresh_optimizer, "a new Adam every epoch"),
    Variant(
        "train_with_history",
        history_drops_last_batch,
        "last, smaller batch dropped",
        breaks=HISTORY_ITEMS,
    ),
    Variant("train_with_history", history_no_zero_grad, "gradients never zeroed"),
    Variant(
        "train_with_history",
        history_stays_in_eval,
        "never back to training mode",
        breaks=HISTORY_ITEMS,
    ),
    Variant(
        "train_with_history",
        history_trusts_given_mode,
        "first epoch in the mode the model was handed over in",
        breaks=("train_with_history.hidden",),  # only the hidden probe hands it over in eval mode
    ),
    Variant(
        "train_with_history",
        history_metrics_with_graph,
        "metrics without torch.no_grad()",
        breaks=HISTORY_ITEMS,
    ),
    Variant("train_with_history", history_val_on_train, "val metrics on the training set"),
    Variant("train_with_history", history_percent, "accuracy in percent", breaks=HISTORY_ITEMS),
    Variant("train_with_history", history_tensors, "tensors, not floats"),
    Variant(
        "train_with_history",
        history_logs_losses_only,
        "logs two of the four metrics",
        breaks=HISTORY_ITEMS,
    ),
    Variant(
        "train_with_history",
        history_callback_in_train_mode,
        "callback after the switch back to training mode",
        breaks=HISTORY_ITEMS,
    ),
    Variant(
        "collect_activations", activations_of_linear_layers, "pre-activations of Linear layers"
    ),
    Variant("collect_activations", activations_hooks_left_on, "hooks left on the model"),
    Variant("collect_activations", activations_tanh_inputs, "inputs of the tanh layers"),
    Variant("collect_activations", activations_two_passes, "two forward passes"),
    Variant("collect_activations", activations_with_grad, "forward pass with gradients"),
    Variant("collect_activations", activations_as_tensors, "tensors, not numpy arrays"),
    Variant("collect_gradients", gradients_with_biases, "biases included"),
    Variant("collect_gradients", gradients_not_zeroed, "old gradients not zeroed"),
    Variant("collect_gradients", gradients_of_summed_loss, "summed instead of mean loss"),
    Variant("collect_gradients", gradients_then_step, "parameters updated"),
    Variant("collect_gradients", gradients_without_copy, "views of .grad, not copies"),
    Variant("collect_gradients", gradients_as_tensors, "tensors, not numpy arrays"),
    Variant(
        "update_to_data_ratios", ratios_lr_times_grad, "lr * grad instead of the applied update"
    ),
    Variant("update_to_data_ratios", ratios_without_log, "no log10"),
    Variant("update_to_data_ratios", ratios_with_biases, "biases included"),
    Variant("update_to_data_ratios", ratios_no_zero_grad, "gradients never zeroed"),
    Variant("update_to_data_ratios", ratios_tensors, "tensors, not floats"),
    Variant("update_to_data_ratios", ratios_fake, "made-up ratios, no step"),
    Variant("learning_rate_sweep", sweep_one_model, "one model trained across all rates"),
    Variant("learning_rate_sweep", sweep_sorted_rates, "rates reordered"),
    Variant(
        "learning_rate_sweep",
        sweep_best_epoch,
        "best epoch, not the last",
        breaks=("learning_rate_sweep.hidden",),  # the public runs improve every epoch
    ),
    Variant("learning_rate_sweep", sweep_numpy_arrays, "numpy arrays, not lists of floats"),
    Variant("choose_learning_rate", choose_by_test, "chosen on test"),
    Variant("choose_learning_rate", choose_by_train, "chosen on training loss"),
    Variant("choose_learning_rate", choose_first_listed_on_tie, "tie to the first listed rate"),
    Variant("choose_learning_rate", choose_last_listed_on_tie, "tie to the last listed rate"),
    Variant("choose_learning_rate", choose_ties_by_test_loss, "ties broken by the test loss"),
    Variant(
        "choose_learning_rate",
        choose_with_plain_argmin,
        "np.argmin: first listed on ties, NaN chosen",
    ),
    Variant("choose_learning_rate", choose_keeping_nan, "NaN (diverged) run chosen"),
]

RIGHT = [
    Variant("initial_loss_check", initial_loss_float64_copy, "float64 log-softmax on a deep copy"),
    Variant(
        "initial_loss_check", initial_loss_numpy_inference_mode, "np.log, torch.inference_mode"
    ),
    Variant("init_output_bias", bias_log_counts_numpy, "ln(count) via numpy (constant shift)"),
    Variant(
        "overfit_single_batch", overfit_log_softmax, "hand-written cross-entropy, grads set to None"
    ),
    Variant("overfit_single_batch", overfit_model_zero_grad, "model.zero_grad()"),
    Variant("batch_gradient_dependence", dependence_jacobian, "full Jacobian in one call"),
    Variant("train_with_history", history_split_batches, "torch.split batches, float64 metrics"),
    Variant(
        "train_with_history",
        history_with_dataloader,
        "a DataLoader in the prescribed order, extra keys",
    ),
    Variant("collect_activations", activations_global_hook, "one global forward hook"),
    Variant("collect_gradients", gradients_autograd_grad, "torch.autograd.grad"),
    Variant("update_to_data_ratios", ratios_numpy_float64, "numpy float64, population std"),
    Variant("learning_rate_sweep", sweep_own_loop, "own training loop, comprehensions"),
    Variant("choose_learning_rate", choose_with_numpy, "numpy lexsort"),
    Variant("choose_learning_rate", choose_sorted_own_error, "sorted pairs, its own ValueError"),
]
