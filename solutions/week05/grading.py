"""Week 5 grading spec (public items): datasets, transforms, collate, data module, loops, Lightning.

Probes run in the sandbox: they build the inputs (and, for the training
loop, spies that record what the student's code calls, in order, as plain
strings and numbers) and return what came back. Every verdict (is the
order zero_grad -> backward -> step? is the loss averaged per sample? is
each augmented image a one-pixel shift?) is computed by the checks, in the
trusted process, from that raw data. The hidden spec reuses these helpers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.checks import first_failing_part
from autograder.spec.messages import expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 5: PyTorch data pipelines and training loops"}


# ----------------------------------------------------------------------------- shared helpers
def dtype_name(value: Any) -> str:
    """``"torch.float32"`` for a tensor, the type name for anything else."""
    return str(value.dtype) if hasattr(value, "dtype") else type(value).__name__


EXACT = checks.equal()
# float32 arithmetic summed in another order differs by ~1e-7 relative
NUMBERS = checks.close(rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------------------------- ArrayDataset
def probe_array_dataset(
    ns: dict[str, Any], seed: int, n: int, d: int, float_targets: bool = False
) -> dict[str, Any]:
    import torch

    ArrayDataset = ns["ArrayDataset"]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))  # float64: the dataset must store float32
    y = rng.normal(size=n) if float_targets else rng.integers(0, 5, size=n).astype(np.int32)
    plain = ArrayDataset(X, y)
    calls = [0]

    def counting_transform(x: Any) -> Any:
        calls[0] += 1
        return x * 2.0 + calls[0]

    transformed = ArrayDataset(
        torch.from_numpy(X), torch.from_numpy(y), transform=counting_transform
    )
    calls_in_init = calls[0]
    first, again = transformed[1], transformed[1]
    x0, y0 = plain[0]
    return {
        "len": len(plain),
        "features": [plain[i][0] for i in range(n)],
        "targets": [plain[i][1] for i in range(n)],
        "dtypes": [dtype_name(x0), dtype_name(y0)],
        "calls_in_init": calls_in_init,
        "first_read": first[0],
        "second_read": again[0],
        "target_untouched": first[1],
        "mismatch": attempt(ArrayDataset, X, y[:-1], keep_value=False),
    }


def check_array_dataset(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the probe returned something unexpected")
    if got.get("len") != ref["len"]:
        return Outcome(
            0.0,
            "len(dataset) must be the number of samples (rows)",
            expected_got(ref["len"], got.get("len")),
        )
    if got.get("dtypes") != ref["dtypes"]:
        return Outcome(
            0.0,
            f"dataset[i] must return (x, y) with dtypes {ref['dtypes']}, got {got.get('dtypes')}",
        )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [("features", NUMBERS, "x of dataset[i]"), ("targets", NUMBERS, "y of dataset[i]")],
    )
    if problem:
        return problem
    if got.get("calls_in_init") != 0:
        return Outcome(
            0.0, "the transform ran in __init__: apply it in __getitem__, each time an item is read"
        )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [
            ("first_read", NUMBERS, "transform(x) on the first read of an item"),
            (
                "second_read",
                NUMBERS,
                "transform(x) on the second read of the same item (it must run again)",
            ),
            (
                "target_untouched",
                NUMBERS,
                "y with a transform (the transform is for the features only)",
            ),
        ],
    )
    if problem:
        return problem
    if not checks.is_raise(got.get("mismatch"), "ValueError"):
        return Outcome(
            0.5,
            "items are right, but features and targets of different lengths must raise ValueError",
        )
    return Outcome(1.0, "len, dtypes, items and a lazily applied transform all match")


# ----------------------------------------------------------------------------- build_transforms
def transform_inputs(seed: int, n: int) -> np.ndarray:
    """Random (n, 1, 8, 8) float32 images in (0.05, 1): no pixel is background, so every shift shows."""
    return np.random.default_rng(seed).uniform(0.05, 1.0, size=(n, 1, 8, 8)).astype(np.float32)


def probe_transforms(
    ns: dict[str, Any], mean: float, std: float, seed: int, n: int
) -> dict[str, Any]:
    import torch

    transforms = ns["build_transforms"](mean, std)
    images = torch.from_numpy(transform_inputs(seed, n))
    torch.manual_seed(seed)
    evaluated = [transforms["eval"](image) for image in images]
    trained = [transforms["train"](image) for image in images]
    return {
        "mean": mean,
        "std": std,
        "seed": seed,
        "n": n,
        "keys": sorted(str(k) for k in transforms),
        "eval": [torch.as_tensor(x) for x in evaluated],
        "train": [torch.as_tensor(x) for x in trained],
        "dtypes": sorted({dtype_name(x) for x in evaluated + trained}),
    }


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` (1, 8, 8) moved by (dy, dx) pixels, zeros sliding in (what RandomCrop(8, padding=1) does)."""
    padded = np.pad(image, ((0, 0), (1, 1), (1, 1)))
    return padded[:, 1 - dy : 9 - dy, 1 - dx : 9 - dx]


SHIFTS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]


def check_transforms(got: Any, ref: Any, reveal: bool) -> Outcome:
    """eval = normalise exactly; train = each image a <=1-pixel zero-filled shift, then normalised; shifts vary."""
    if not isinstance(got, dict) or got.get("keys") != ["eval", "train"]:
        keys = got.get("keys") if isinstance(got, dict) else None
        return Outcome(
            0.0,
            f"build_transforms must return a dict with keys 'train' and 'eval', got keys {keys}",
        )
    if got.get("dtypes") != ["torch.float32"]:
        return Outcome(0.0, f"both transforms must return float32 tensors, got {got.get('dtypes')}")
    problem = first_failing_part(got, ref, reveal, [("eval", NUMBERS, "the 'eval' transform")])
    if problem:
        return Outcome(
            0.0,
            problem.message + " (it should be (x - mean) / std and nothing else)",
            problem.detail,
        )
    images = transform_inputs(ref["seed"], ref["n"])
    mean, std = ref["mean"], ref["std"]
    outputs = got.get("train")
    if not isinstance(outputs, list) or len(outputs) != len(images):
        return Outcome(0.0, "the 'train' transform did not return one image per input")
    seen = set()
    for index, (image, output) in enumerate(zip(images, outputs, strict=True)):
        if not isinstance(output, np.ndarray) or output.shape != (1, 8, 8):
            shape = output.shape if isinstance(output, np.ndarray) else type(output).__name__
            return Outcome(0.0, f"the 'train' transform must keep the shape (1, 8, 8), got {shape}")
        match = [
            s
            for s in SHIFTS
            if np.allclose(output, (shifted(image, *s) - mean) / std, rtol=1e-5, atol=1e-5)
        ]
        if not match:
            if any(
                np.allclose(output, shifted((image - mean) / std, *s), rtol=1e-5, atol=1e-5)
                for s in SHIFTS
            ):
                return Outcome(
                    0.0,
                    "the 'train' transform normalises before shifting: the pixels that slide in must be background (0) before normalising",
                )
            return Outcome(
                0.0,
                f"'train' output {index} is not a shift by at most one pixel of the normalised image",
            )
        seen.add(match[0])
    # 9 equally likely shifts: 32 images show fewer than 3 with probability ~1e-20
    if len(seen) < 3:
        return Outcome(
            0.0,
            f"the 'train' transform is not random enough: {len(seen)} distinct shift(s) over {len(images)} images",
        )
    return Outcome(
        1.0,
        f"'eval' normalises; 'train' shifts randomly ({len(seen)} different shifts) then normalises",
    )


# ----------------------------------------------------------------------------- pad_collate
def collate_inputs(seed: int, lengths: list[int]) -> list[tuple[Any, int]]:
    import torch

    rng = np.random.default_rng(seed)
    return [
        (torch.from_numpy(rng.normal(size=length).astype(np.float32)), int(rng.integers(0, 4)))
        for length in lengths
    ]


def probe_collate(
    ns: dict[str, Any], seed: int, lengths: list[int], batch_size: int
) -> dict[str, Any]:
    from torch.utils.data import DataLoader

    pad_collate = ns["pad_collate"]
    samples = collate_inputs(seed, lengths)
    direct = pad_collate(samples)
    batches = list(
        DataLoader(samples, batch_size=batch_size, shuffle=False, collate_fn=pad_collate)
    )
    return {
        "direct": list(direct),
        "direct_dtypes": [dtype_name(part) for part in direct],
        "loader": [list(batch) for batch in batches],
    }


def check_collate(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the probe returned something unexpected")
    direct = got.get("direct")
    if not isinstance(direct, list) or len(direct) != 3:
        return Outcome(0.0, "pad_collate must return a tuple (padded, lengths, labels)")
    if got.get("direct_dtypes") != ref["direct_dtypes"]:
        return Outcome(
            0.0,
            f"expected dtypes {ref['direct_dtypes']} for (padded, lengths, labels), got {got.get('direct_dtypes')}",
        )
    shape_got = getattr(direct[0], "shape", None)
    shape_ref = ref["direct"][0].shape
    if shape_got != shape_ref:
        return Outcome(
            0.0,
            f"padded must have shape (batch, longest length in the batch) = {shape_ref}, got {shape_got}",
        )
    for index, part in enumerate(("padded", "lengths", "labels")):
        outcome = EXACT(direct[index], ref["direct"][index], reveal)
        if not outcome.passed:
            return Outcome(
                0.0,
                f"{part} of pad_collate(batch): {outcome.message}"
                " (keep the sample order and pad with zeros at the end)",
                outcome.detail,
            )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [("loader", EXACT, "batches of a DataLoader(..., collate_fn=pad_collate)")],
    )
    if problem:
        return Outcome(
            0.0,
            problem.message + " (keep the sample order and pad with zeros at the end)",
            problem.detail,
        )
    return Outcome(1.0, "padded, lengths and labels match, directly and inside a DataLoader")


# ----------------------------------------------------------------------------- DigitsDataModule
def probe_datamodule(
    ns: dict[str, Any], batch_size: int, val_fraction: float, test_fraction: float, seed: int
) -> dict[str, Any]:
    import torch

    data = ns["DigitsDataModule"](
        batch_size=batch_size, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
    )
    data.prepare_data()
    data.setup("fit")
    sets = {"train": data.train_set, "val": data.val_set, "test": data.test_set}
    val_batches = list(data.val_dataloader())
    test_batches = list(data.test_dataloader())
    train_loader = data.train_dataloader()
    epochs = [list(train_loader) for _ in range(2)]  # one loader, two epochs: as a Trainer uses it
    first_items = [data.train_set[i][0] for i in range(8)]
    second_items = [data.train_set[i][0] for i in range(8)]
    return {
        "sizes": [len(sets[name]) for name in ("train", "val", "test")],
        "mean": float(data.mean_),
        "std": float(data.std_),
        "val_x": torch.cat([x for x, _ in val_batches]),
        "val_y": torch.cat([y for _, y in val_batches]),
        "test_y": torch.cat([y for _, y in test_batches]),
        "val_batch_sizes": [len(y) for _, y in val_batches],
        "test_batch_sizes": [len(y) for _, y in test_batches],
        "train_labels": [torch.cat([y for _, y in epoch]) for epoch in epochs],
        "train_batch_sizes": [len(y) for _, y in epochs[0]],
        "train_x_shapes": sorted({tuple(x.shape[1:]) for x, _ in epochs[0]}),
        "train_x_dtypes": sorted({dtype_name(x) for x, _ in epochs[0]}),
        "train_reads_differ": [
            not torch.equal(a, b) for a, b in zip(first_items, second_items, strict=True)
        ],
        "train_set_labels": torch.stack([data.train_set[i][1] for i in range(len(data.train_set))]),
    }


def check_datamodule(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the probe returned something unexpected")
    if got.get("sizes") != ref["sizes"]:
        return Outcome(
            0.0,
            "wrong split sizes (floor the validation and test sizes; training gets the rest)",
            expected_got(tuple(ref["sizes"]), got.get("sizes"), what="(train, val, test) ="),
        )
    # ddof=0 vs ddof=1 differs by ~1e-6 relative here: both are accepted
    stats = checks.close(rtol=1e-5, atol=1e-7)
    problem = first_failing_part(
        got, ref, reveal, [("mean", stats, "mean_"), ("std", stats, "std_")]
    )
    if problem:
        return Outcome(
            0.0,
            problem.message + " (statistics of all pixels of the training images only)",
            problem.detail,
        )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [
            ("val_y", EXACT, "validation labels, in loader order"),
            ("test_y", EXACT, "test labels, in loader order"),
            ("val_x", NUMBERS, "validation images (normalised, not augmented)"),
            ("val_batch_sizes", EXACT, "validation batch sizes"),
            ("test_batch_sizes", EXACT, "test batch sizes"),
            ("train_batch_sizes", EXACT, "training batch sizes"),
            ("train_x_shapes", EXACT, "training image shapes"),
            ("train_x_dtypes", EXACT, "training image dtypes"),
        ],
    )
    if problem:
        return Outcome(
            0.0,
            problem.message
            + " (split with np.random.default_rng(seed).permutation(n): validation first, then test, then training)",
            problem.detail,
        )
    reference_order = ref["train_set_labels"]
    epochs = got.get("train_labels")
    if (
        not isinstance(epochs, list)
        or len(epochs) != 2
        or not all(isinstance(e, np.ndarray) for e in epochs)
    ):
        return Outcome(0.0, "the training loader did not yield (x, y) batches")
    if not all(np.array_equal(np.sort(e), np.sort(reference_order)) for e in epochs):
        return Outcome(
            0.0,
            "an epoch of the training loader does not hold exactly the training samples once each",
        )
    if np.array_equal(epochs[0], epochs[1]) or np.array_equal(
        epochs[0], got.get("train_set_labels")
    ):
        return Outcome(0.0, "the training loader is not shuffled at every epoch (shuffle=True)")
    if not any(got.get("train_reads_differ") or []):
        return Outcome(
            0.0,
            "reading a training image twice gives the same tensor: the training set must use the random 'train' transform",
        )
    return Outcome(1.0, "splits, statistics, transforms and the three loaders match")


# ----------------------------------------------------------------------------- build_mlp and DigitsClassifier
def fill_parameters(model: Any, seed: int) -> None:
    """Overwrite every parameter, in order, with seeded values, so two implementations compute the same thing."""
    import torch

    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(
                torch.from_numpy(
                    rng.normal(0.0, 0.3, size=tuple(parameter.shape)).astype(np.float32)
                )
            )


def digit_batch(seed: int, n: int) -> tuple[Any, Any]:
    """n digit images (1, 8, 8), standardised roughly, and their labels."""
    from course_lib.digits_images import load_digit_images

    data = load_digit_images()
    rows = np.random.default_rng(seed).choice(len(data), size=n, replace=False)
    return (data.images[rows] - 0.3) / 0.4, data.labels[rows]


def probe_mlp(ns: dict[str, Any], hidden: int, n_classes: int, seed: int) -> dict[str, Any]:
    model = ns["build_mlp"](hidden, n_classes) if n_classes != 10 else ns["build_mlp"](hidden)
    shapes = [list(p.shape) for p in model.parameters()]
    fill_parameters(model, seed)
    x, _ = digit_batch(seed, 12)
    return {"parameter_shapes": shapes, "logits": model(x)}


def check_mlp(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the probe returned something unexpected")
    if got.get("parameter_shapes") != ref["parameter_shapes"]:
        return Outcome(
            0.0,
            f"expected parameters of shapes {ref['parameter_shapes']} (Linear(64, hidden), Linear(hidden, n_classes)), got {got.get('parameter_shapes')}",
        )
    problem = first_failing_part(
        got, ref, reveal, [("logits", NUMBERS, "logits with the same weights")]
    )
    if problem:
        return Outcome(
            0.0,
            problem.message
            + " (Flatten, Linear, ReLU, Linear: no activation after the last layer)",
            problem.detail,
        )
    return Outcome(1.0, "architecture and logits match")


def probe_classifier(
    ns: dict[str, Any], hidden: int, lr: float, seed: int, n: int
) -> dict[str, Any]:
    import torch

    model = ns["DigitsClassifier"](hidden=hidden, lr=lr)
    fill_parameters(model, seed)
    logged: list[list[Any]] = []
    model.log = lambda name, value, *args, **kwargs: logged.append(
        [str(name), float(value.detach() if hasattr(value, "detach") else value)]
    )
    x, y = digit_batch(seed, n)
    steps = {}
    loss = model.training_step((x, y), 0)
    steps["training_step"], logged[:] = list(logged), []
    with torch.no_grad():
        model.validation_step((x, y), 0)
        steps["validation_step"], logged[:] = list(logged), []
        model.test_step((x, y), 0)
        steps["test_step"], logged[:] = list(logged), []
    optimizer = model.configure_optimizers()
    if isinstance(optimizer, dict):
        optimizer = optimizer.get("optimizer")
    if isinstance(optimizer, list | tuple):
        optimizer = optimizer[0]
    optimized = {id(p) for group in optimizer.param_groups for p in group["params"]}
    return {
        "logits": model(x),
        "labels": y,
        "loss": loss.detach() if hasattr(loss, "detach") else loss,
        "loss_requires_grad": bool(getattr(loss, "requires_grad", False)),
        "logged": {
            step: {name: value for name, value in entries} for step, entries in steps.items()
        },
        "optimizer": type(optimizer).__name__,
        "lr": float(optimizer.param_groups[0]["lr"]),
        "optimizes_every_parameter": optimized == {id(p) for p in model.parameters()},
    }


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_softmax[np.arange(len(labels)), labels].mean())


def check_classifier(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Logits as the reference MLP; the returned and logged numbers are recomputed here from those logits."""
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [("logits", NUMBERS, "forward(x) with the same weights (self.net = build_mlp(hidden))")],
    )
    if problem:
        return problem
    logits, labels = ref["logits"], ref["labels"]
    expected = {
        "loss": _cross_entropy(logits, labels),
        "acc": float((logits.argmax(axis=1) == labels).mean()),
    }
    if not isinstance(got.get("loss"), float | np.ndarray) or not got.get("loss_requires_grad"):
        return Outcome(
            0.0,
            "training_step must return the loss tensor (with its graph, so Lightning can call backward)",
        )
    if not math.isclose(
        float(np.asarray(got["loss"])), expected["loss"], rel_tol=1e-5, abs_tol=1e-6
    ):
        return Outcome(
            0.0,
            "training_step returned the wrong loss (mean cross-entropy of the logits: F.cross_entropy)",
            expected_got(expected["loss"], float(np.asarray(got["loss"]))),
        )
    wanted = {
        "training_step": {"train_loss": expected["loss"]},
        "validation_step": {"val_loss": expected["loss"], "val_acc": expected["acc"]},
        "test_step": {"test_loss": expected["loss"], "test_acc": expected["acc"]},
    }
    logged = got.get("logged") or {}
    for step, metrics in wanted.items():
        for name, value in metrics.items():
            seen = (logged.get(step) or {}).get(name)
            if seen is None:
                return Outcome(
                    0.0,
                    f"{step} must call self.log({name!r}, ...); it logged {sorted(logged.get(step) or {})}",
                )
            if not math.isclose(seen, value, rel_tol=1e-5, abs_tol=1e-6):
                return Outcome(0.0, f"{step} logged a wrong {name}", expected_got(value, seen))
    if got.get("optimizer") != "Adam" or not math.isclose(
        got.get("lr", 0.0), ref["lr"], rel_tol=1e-9
    ):
        wrong = "optimizer" if got.get("optimizer") != "Adam" else "learning rate"
        return Outcome(
            0.0,
            f"configure_optimizers must return Adam with the model's lr (the {wrong} is not)",
            expected_got(f"Adam, lr={ref['lr']:g}", f"{got.get('optimizer')}, lr={got.get('lr')}"),
        )
    if not got.get("optimizes_every_parameter"):
        return Outcome(
            0.0, "the optimizer must receive every parameter of the model (self.parameters())"
        )
    return Outcome(1.0, "forward, the three steps, their logs and the optimizer match")


# ----------------------------------------------------------------------------- train_one_epoch / evaluate
def make_spies(seed: int, n: int, batch_size: int, dropout: float) -> dict[str, Any]:
    """A model, optimizer, loss function and loader that append what is called on them to ``events``."""
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    events: list[str] = []
    losses: list[list[float]] = []

    class SpyModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.linear = nn.Linear(5, 3)
            self.dropout = nn.Dropout(dropout)

        def train(self, mode: bool = True) -> Any:
            events.append("train" if mode else "eval")
            return super().train(mode)

        def forward(self, x: Any) -> Any:
            out = self.linear(self.dropout(x))
            # the graph itself says whether gradients were on, whatever torch.is_grad_enabled says
            events.append("forward" if out.requires_grad else "forward:no_grad")
            return out

    class SpyOptimizer(torch.optim.SGD):
        def zero_grad(self, set_to_none: bool = True) -> None:
            events.append("zero_grad")
            super().zero_grad(set_to_none)

        def step(self, closure: Any = None) -> Any:
            events.append("step")
            return super().step(closure)

    def loss_fn(logits: Any, targets: Any) -> Any:
        loss = F.cross_entropy(logits, targets)
        events.append("loss")
        losses.append([float(len(targets)), float(loss.detach())])
        if loss.requires_grad:
            loss.register_hook(lambda grad: events.append("backward"))
        return loss

    rng = np.random.default_rng(seed)
    X = torch.from_numpy(rng.normal(size=(n, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=n))
    torch.manual_seed(seed)
    model = SpyModel()
    model.training = (
        False  # start as a model leaves evaluate(): train_one_epoch must switch modes itself
    )
    return {
        "model": model,
        "optimizer": SpyOptimizer(model.parameters(), lr=0.5, momentum=0.5),
        "loss_fn": loss_fn,
        "loader": DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False),
        "events": events,
        "losses": losses,
    }


def probe_train_one_epoch(ns: dict[str, Any], seed: int, n: int, batch_size: int) -> dict[str, Any]:
    spies = make_spies(seed, n, batch_size, dropout=0.0)
    # plant stale gradients, so a loop that never zeroes them visibly accumulates
    x, y = next(iter(spies["loader"]))
    spies["loss_fn"](spies["model"](x), y).backward()
    del spies["events"][:], spies["losses"][:]
    returned = ns["train_one_epoch"](
        spies["model"], spies["loader"], spies["loss_fn"], spies["optimizer"]
    )
    return {
        "returned": returned,
        "events": list(spies["events"]),
        "losses": list(spies["losses"]),
        "weights": [p.detach().clone() for p in spies["model"].parameters()],
        "n_batches": len(spies["loader"]),
    }


def _per_sample_mean(losses: Any) -> tuple[float, float] | None:
    """(weighted by batch size, plain mean of batch means) from the spy's [[n_b, loss_b], ...]."""
    if not isinstance(losses, list) or not losses:
        return None
    table = np.asarray(losses, dtype=np.float64)
    if table.ndim != 2 or table.shape[1] != 2:
        return None
    return float((table[:, 0] * table[:, 1]).sum() / table[:, 0].sum()), float(table[:, 1].mean())


def _mode_at(events: list[str], index: int) -> str | None:
    """The last model.train()/model.eval() call before ``events[index]``."""
    modes = [e for e in events[:index] if e in ("train", "eval")]
    return modes[-1] if modes else None


def _loop_order_problem(events: list[str], n_batches: int) -> str | None:
    """zero_grad -> backward -> step in every batch, one forward per batch, model.train() first."""
    forwards = [i for i, e in enumerate(events) if e.startswith("forward")]
    if len(forwards) != n_batches:
        return f"expected one forward pass per batch ({n_batches}), got {len(forwards)}"
    if any(_mode_at(events, i) != "train" for i in forwards):
        return "call model.train() before the first batch (and stay in training mode)"
    if any(events[i] != "forward" for i in forwards):
        return "the forward passes ran without gradients: do not wrap training in torch.no_grad()"
    for name in ("backward", "step"):
        if events.count(name) != n_batches:
            return f"expected {n_batches} calls of {name} (one per batch), got {events.count(name)}"
    last_step = -1
    for batch in range(n_batches):
        end = forwards[batch + 1] if batch + 1 < n_batches else len(events)
        segment = events[last_step + 1 : end]
        if "backward" not in segment or "step" not in segment:
            return f"batch {batch + 1}: loss.backward() and optimizer.step() must both happen before the next batch"
        backward = segment.index("backward")
        if "step" in segment[:backward]:
            return f"batch {batch + 1}: optimizer.step() came before loss.backward()"
        if "zero_grad" not in segment[:backward]:
            return f"batch {batch + 1}: no optimizer.zero_grad() before loss.backward() (gradients accumulate)"
        last_step = last_step + 1 + backward + segment[backward:].index("step")
    return None


def check_train_one_epoch(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("events"), list):
        return Outcome(0.0, "the probe returned something unexpected")
    problem = _loop_order_problem([str(e) for e in got["events"]], ref["n_batches"])
    if problem:
        return Outcome(0.0, problem)
    means = _per_sample_mean(got.get("losses"))
    returned = got.get("returned")
    if type(returned) is not float:
        return Outcome(
            0.0, f"train_one_epoch must return a Python float, got {dtype_name(returned)}"
        )
    if means and not math.isclose(returned, means[0], rel_tol=1e-5, abs_tol=1e-7):
        if math.isclose(returned, means[1], rel_tol=1e-5, abs_tol=1e-7):
            return Outcome(
                0.0,
                "you returned the mean of the batch means: weight each batch's loss by its size (the last batch is smaller)",
            )
        return Outcome(
            0.0,
            "the returned value is not the mean loss per sample of this epoch",
            expected_got(means[0], returned),
        )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [
            ("weights", NUMBERS, "the weights after one epoch"),
            ("returned", NUMBERS, "the mean loss"),
        ],
    )
    if problem:
        return problem
    return Outcome(
        1.0, "zero_grad -> backward -> step in every batch, per-sample mean loss, same weights"
    )


def probe_evaluate(ns: dict[str, Any], seed: int, n: int, batch_size: int) -> dict[str, Any]:
    spies = make_spies(seed, n, batch_size, dropout=0.5)
    spies["model"].training = True  # as after training: evaluate must switch to eval mode itself
    before = [p.detach().clone() for p in spies["model"].parameters()]
    returned = ns["evaluate"](spies["model"], spies["loader"], spies["loss_fn"])
    import torch

    return {
        "returned": returned,
        "events": list(spies["events"]),
        "losses": list(spies["losses"]),
        "unchanged": all(
            torch.equal(a, b) for a, b in zip(before, spies["model"].parameters(), strict=True)
        ),
        "n_batches": len(spies["loader"]),
    }


def check_evaluate(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict) or not isinstance(got.get("events"), list):
        return Outcome(0.0, "the probe returned something unexpected")
    events = [str(e) for e in got["events"]]
    forwards = [i for i, e in enumerate(events) if e.startswith("forward")]
    if len(forwards) != ref["n_batches"]:
        return Outcome(
            0.0, f"expected one forward pass per batch ({ref['n_batches']}), got {len(forwards)}"
        )
    if any(_mode_at(events, i) != "eval" for i in forwards):
        return Outcome(
            0.0,
            "call model.eval() before the first batch and stay in eval mode (dropout must be off)",
        )
    if any(events[i] != "forward:no_grad" for i in forwards):
        return Outcome(
            0.0, "run the forward passes inside torch.no_grad() (no graph is needed to evaluate)"
        )
    if any(e in ("zero_grad", "step", "backward") for e in events) or not got.get("unchanged"):
        return Outcome(
            0.0, "evaluate must not train: no backward, no optimizer step, weights unchanged"
        )
    returned = got.get("returned")
    if not isinstance(returned, dict) or sorted(returned) != ["accuracy", "loss"]:
        return Outcome(0.0, "evaluate must return a dict with keys 'loss' and 'accuracy'")
    if any(type(returned[k]) is not float for k in returned):
        return Outcome(
            0.0,
            f"'loss' and 'accuracy' must be Python floats, got {[dtype_name(returned[k]) for k in ('loss', 'accuracy')]}",
        )
    means = _per_sample_mean(got.get("losses"))
    if means and not math.isclose(returned["loss"], means[0], rel_tol=1e-5, abs_tol=1e-7):
        if math.isclose(returned["loss"], means[1], rel_tol=1e-5, abs_tol=1e-7):
            return Outcome(
                0.0,
                "'loss' is the mean of the batch means: weight each batch's loss by its size (the last batch is smaller)",
            )
        return Outcome(0.0, "'loss' is not the mean loss per sample over the loader")
    problem = first_failing_part(got, ref, reveal, [("returned", NUMBERS, "evaluate's result")])
    if problem:
        return Outcome(
            0.0,
            problem.message + " (accuracy: the fraction of all samples with argmax(logits) == y)",
            problem.detail,
        )
    return Outcome(1.0, "eval mode, no gradients, per-sample mean loss and accuracy")


# ----------------------------------------------------------------------------- whole training runs
def probe_training_runs(ns: dict[str, Any], seeds: list[int]) -> list[dict[str, Any]]:
    """Each run's history, with the validation accuracy reduced to its length and last value.

    Accuracies are fractions k/359 of the validation set, so whole curves would share values with
    the hidden runs' references; what is graded is the last value anyway.
    """
    runs = []
    for seed in seeds:
        history = ns["train_digits_classifier"](seed)
        if (
            isinstance(history, dict)
            and isinstance(history.get("val_accuracy"), list)
            and history["val_accuracy"]
        ):
            accuracy = history["val_accuracy"]
            history = {**history, "val_accuracy": {"epochs": len(accuracy), "last": accuracy[-1]}}
        runs.append(history)
    return runs


def check_training_runs(threshold: float, epochs: int = 8) -> Any:
    """Each run: ``epochs`` numbers per history list; the last validation accuracy >= threshold."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, list) or len(got) != len(ref):
            return Outcome(0.0, "the probe returned something unexpected")
        accuracies = []
        for run in got:
            if not isinstance(run, dict) or sorted(run) != [
                "train_loss",
                "val_accuracy",
                "val_loss",
            ]:
                return Outcome(
                    0.0,
                    "train_digits_classifier must return a dict with 'train_loss', 'val_loss', 'val_accuracy'",
                )
            accuracy = run["val_accuracy"]
            lengths = [
                len(run[k]) if isinstance(run[k], list) else None
                for k in ("train_loss", "val_loss")
            ]
            if (
                lengths != [epochs, epochs]
                or not isinstance(accuracy, dict)
                or accuracy.get("epochs") != epochs
            ):
                return Outcome(0.0, f"each history list must hold one number per epoch ({epochs})")
            values = [accuracy.get("last"), *run["train_loss"]]
            if not all(type(v) in (int, float) and math.isfinite(v) for v in values):
                return Outcome(
                    0.0, "the history must hold finite Python floats (use .item() or float())"
                )
            if run["train_loss"][-1] >= run["train_loss"][0]:
                return Outcome(0.0, "the training loss did not go down: is the optimizer stepping?")
            accuracies.append(float(accuracy["last"]))
        worst = min(accuracies)
        shown = ", ".join(f"{a:.3f}" for a in accuracies)
        if worst < threshold:
            return Outcome(
                0.0,
                f"final validation accuracy per seed: {shown}; every seed needs >= {threshold:g}",
            )
        return Outcome(1.0, f"final validation accuracy per seed: {shown} (>= {threshold:g})")

    return check


def probe_lightning(ns: dict[str, Any], seed: int) -> dict[str, Any]:
    return ns["train_with_lightning"](seed)


def check_lightning(val_threshold: float, test_threshold: float, epochs: int = 5) -> Any:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or sorted(got) != ["epochs", "test_acc", "val_acc"]:
            return Outcome(
                0.0,
                "train_with_lightning must return a dict with 'val_acc', 'test_acc' and 'epochs'",
            )
        if got["epochs"] != epochs:
            return Outcome(
                0.0,
                f"expected the Trainer to run max_epochs={epochs} epochs, got {got['epochs']!r}",
            )
        for key, threshold in (("val_acc", val_threshold), ("test_acc", test_threshold)):
            outcome = checks.at_least(threshold, what=key)(got[key], None, reveal)
            if not outcome.passed:
                return outcome
        return Outcome(
            1.0,
            f"val_acc = {got['val_acc']:.3f}, test_acc = {got['test_acc']:.3f} after {epochs} epochs",
        )

    return check


# Thresholds from the reference solution over seeds 0-9 (OMP_NUM_THREADS=1, CPU). The random-shift
# augmentation makes the MLP's validation accuracy wander by a few points from epoch to epoch:
# train_digits_classifier, final val accuracy: min 0.858, mean 0.907, max 0.939 (spread 0.081) -> 0.80.
# train_with_lightning (5 epochs): val_acc min 0.869, mean 0.893, max 0.925 (spread 0.056) -> 0.80;
# test_acc min 0.855, mean 0.877, max 0.903 (spread 0.047) -> 0.80.
# A loop that never steps stays near chance (~0.1); one that never zeroes gradients, or skips the
# normalisation, is caught by the exact items above, not by these thresholds.
TRAINING_THRESHOLD = 0.80
LIGHTNING_VAL_THRESHOLD = 0.80
LIGHTNING_TEST_THRESHOLD = 0.80


ITEMS = [
    Item(
        "ArrayDataset",
        2,
        probe=lambda ns: probe_array_dataset(ns, seed=1, n=6, d=3),
        check=check_array_dataset,
        requires=("ArrayDataset",),
        hint="store torch.as_tensor(features, dtype=torch.float32); apply the transform in __getitem__, on x only.",
    ),
    Item(
        "build_transforms",
        2,
        probe=lambda ns: probe_transforms(ns, mean=0.3, std=0.4, seed=0, n=32),
        check=check_transforms,
        requires=("build_transforms",),
        hint="'train' = v2.Compose([v2.RandomCrop(8, padding=1), v2.Normalize([mean], [std])]); 'eval' = the Normalize alone.",
    ),
    Item(
        "pad_collate",
        2,
        probe=lambda ns: probe_collate(ns, seed=2, lengths=[3, 1, 4, 2, 5], batch_size=2),
        check=check_collate,
        requires=("pad_collate",),
        hint="padded = zeros(B, longest length in this batch); copy sequence i into row i from the left.",
    ),
    Item(
        "DigitsDataModule",
        3,
        probe=lambda ns: probe_datamodule(ns, 100, 0.2, 0.2, seed=3),
        check=check_datamodule,
        requires=("DigitsDataModule", "ArrayDataset", "build_transforms"),
        timeout=30.0,
        hint="permutation(n) from np.random.default_rng(seed): validation first, then test, then training; statistics from training pixels.",
    ),
    Item(
        "build_mlp",
        1,
        probe=lambda ns: probe_mlp(ns, hidden=16, n_classes=10, seed=4),
        check=check_mlp,
        requires=("build_mlp",),
        hint="nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)).",
    ),
    Item(
        "DigitsClassifier",
        2,
        probe=lambda ns: probe_classifier(ns, hidden=16, lr=0.005, seed=5, n=20),
        check=check_classifier,
        requires=("DigitsClassifier", "build_mlp"),
        hint="self.net = build_mlp(hidden); F.cross_entropy(self(x), y); log 'train_loss', 'val_loss', 'val_acc', ...; Adam(self.parameters(), lr).",
    ),
    Item(
        "train_one_epoch",
        3,
        probe=lambda ns: probe_train_one_epoch(ns, seed=6, n=10, batch_size=4),
        check=check_train_one_epoch,
        requires=("train_one_epoch",),
        hint="model.train(); per batch: zero_grad, loss = loss_fn(model(x), y), backward, step; return sum(n_b * loss_b) / N.",
    ),
    Item(
        "evaluate",
        3,
        probe=lambda ns: probe_evaluate(ns, seed=7, n=11, batch_size=4),
        check=check_evaluate,
        requires=("evaluate",),
        hint="model.eval() and torch.no_grad(); weight each batch's loss by its size; accuracy over all samples.",
    ),
    Item(
        "train_digits_classifier",
        3,
        probe=lambda ns: probe_training_runs(ns, [0]),
        check=check_training_runs(TRAINING_THRESHOLD),
        requires=("train_digits_classifier",),
        timeout=40.0,
        hint="seed_everything(seed) first; train_one_epoch then evaluate each epoch; Adam with lr=1e-2.",
    ),
    Item(
        "train_with_lightning",
        3,
        probe=lambda ns: probe_lightning(ns, seed=0),
        check=check_lightning(LIGHTNING_VAL_THRESHOLD, LIGHTNING_TEST_THRESHOLD),
        requires=("train_with_lightning",),
        timeout=40.0,
        hint="trainer.fit(model, datamodule=data); read callback_metrics['val_acc'] before trainer.test.",
    ),
]
