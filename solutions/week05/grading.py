"""Week 5 grading spec (public items): datasets, transforms, collate, data module, loops, Lightning.

Probes run in the sandbox: they build the inputs (and, for the training
loop, spies that record what happened to the model, in order, as plain
strings and numbers) and return what came back. Every verdict (were the
gradients clear when backward ran? is the loss averaged per sample? is each
augmented image a one-pixel shift?) is computed by the checks, in the
trusted process, from that raw data.

Training functions are graded on what the trusted side measures itself: the
returned model's logits on validation and test images the probe prepares
(labels from the reference run), so a function that reports good numbers
without training earns nothing; the numbers it reports must agree with
those measurements. The hidden spec reuses these helpers.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from autograder.spec import Item, Outcome, checks
from autograder.spec.checks import first_failing_part
from autograder.spec.messages import describe, expected_got
from autograder.spec.probes import attempt

SETTINGS = {"title": "Week 5: PyTorch data pipelines and training loops"}


# ----------------------------------------------------------------------------- shared helpers
def dtype_name(value: Any) -> str:
    """``"torch.float32"`` for a tensor, the type name for anything else."""
    return str(value.dtype) if hasattr(value, "dtype") else type(value).__name__


EXACT = checks.equal()
# float32 arithmetic summed in another order differs by ~1e-7 relative
NUMBERS = checks.close(rtol=1e-5, atol=1e-6)


def scramble_global_rng(seed: int) -> None:
    """Put Python's, NumPy's and torch's global generators in a state the notebook cannot expect."""
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy in float64 (trusted side: computed here, not taken from the student)."""
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_softmax[np.arange(len(labels)), labels].mean())


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


# ----------------------------------------------------------------------------- ArrayDataset
def dataset_targets(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """Targets of one kind: class labels as int32 or booleans, or floating-point values."""
    if kind == "float":
        return rng.normal(size=n)
    if kind == "bool":
        return rng.permutation(np.arange(n) % 2).astype(bool)
    return rng.integers(0, 5, size=n).astype(np.int32)


def probe_array_dataset(
    ns: dict[str, Any], seed: int, n: int, d: int, kinds: tuple[str, ...] = ("int",)
) -> dict[str, Any]:
    """One record per kind of targets: items read plainly, and through a counting transform."""
    import torch

    ArrayDataset = ns["ArrayDataset"]
    records = {}
    for kind in kinds:
        rng = np.random.default_rng([seed, len(records)])
        X = rng.normal(size=(n, d))  # float64: the dataset must hand out float32
        y = dataset_targets(rng, n, kind)
        plain = ArrayDataset(X, y)
        calls = [0]

        def counting_transform(x: Any, calls: list[int] = calls) -> Any:
            calls[0] += 1
            return x * 2.0 + calls[0]

        transformed = ArrayDataset(
            torch.from_numpy(X), torch.from_numpy(y), transform=counting_transform
        )
        calls_in_init = calls[0]
        first, again = transformed[1], transformed[1]
        x0, y0 = plain[0]
        records[kind] = {
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
    return records


TARGET_KINDS = {
    "int": "integer targets",
    "bool": "boolean targets",
    "float": "floating-point targets",
}


def _check_one_dataset(got: Any, ref: dict[str, Any], reveal: bool) -> Outcome:
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
            f"dataset[i] must return (x, y) with dtypes {ref['dtypes']}, got {got.get('dtypes')}"
            " (float32 features; int64 class labels, from integers or booleans; float32 regression targets)",
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
            "items are right, but features and targets of different lengths must raise ValueError"
            f" (it {checks.what_happened(got.get('mismatch'))})",
        )
    return Outcome(1.0, "len, dtypes, items and a lazily applied transform all match")


def check_array_dataset(got: Any, ref: Any, reveal: bool) -> Outcome:
    if not isinstance(got, dict):
        return Outcome(0.0, "the probe returned something unexpected")
    for kind, expected in ref.items():
        outcome = _check_one_dataset(got.get(kind), expected, reveal)
        if not outcome.passed:
            return outcome.within(f"with {TARGET_KINDS[kind]}")
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
    keys = sorted(str(k) for k in transforms) if isinstance(transforms, dict) else None
    if keys is None or not {"eval", "train"} <= set(keys):
        return {"keys": keys}
    images = torch.from_numpy(transform_inputs(seed, n))
    # the shifts are random and the text fixes no seed: seed here, the check only asks "a shift, varied"
    torch.manual_seed(seed)
    evaluated = [transforms["eval"](image) for image in images]
    trained = [transforms["train"](image) for image in images]
    return {
        "mean": mean,
        "std": std,
        "seed": seed,
        "n": n,
        "keys": keys,
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
    keys = got.get("keys") if isinstance(got, dict) else None
    if not isinstance(keys, list) or not {"eval", "train"} <= set(keys):
        return Outcome(
            0.0,
            f"build_transforms must return a dict with the keys 'train' and 'eval', got keys {keys}",
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
                f"'train' output {index} is not the normalised image shifted by at most one pixel"
                " (no flips, no larger shifts: RandomCrop(8, padding=1), then Normalize)",
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
def collate_inputs(
    seed: int, lengths: list[int], real_zeros: bool = False
) -> list[tuple[Any, int]]:
    """(sequence, label) pairs; with ``real_zeros`` some values are exactly 0.0, the last of a sequence too."""
    import torch

    rng = np.random.default_rng(seed)
    samples = []
    for index, length in enumerate(lengths):
        values = rng.normal(size=length).astype(np.float32)
        if real_zeros and length:
            values[rng.random(length) < 0.3] = 0.0
            if index % 2 == 0:
                values[-1] = 0.0  # a sequence that *ends* with a real zero
        samples.append((torch.from_numpy(values), int(rng.integers(0, 4))))
    return samples


def probe_collate(
    ns: dict[str, Any], seed: int, lengths: list[int], batch_size: int, real_zeros: bool = False
) -> dict[str, Any]:
    from torch.utils.data import DataLoader

    pad_collate = ns["pad_collate"]
    samples = collate_inputs(seed, lengths, real_zeros)
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
    hints = {
        "padded": " (keep the sample order and pad with zeros at the end)",
        "lengths": " (the original lengths: a sequence may hold real zeros, so do not count non-zero values)",
        "labels": " (keep the sample order)",
    }
    for index, part in enumerate(("padded", "lengths", "labels")):
        outcome = EXACT(direct[index], ref["direct"][index], reveal)
        if not outcome.passed:
            return Outcome(
                0.0, f"{part} of pad_collate(batch): {outcome.message}{hints[part]}", outcome.detail
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
            problem.message + " (pad each batch to its own longest sequence, zeros at the end)",
            problem.detail,
        )
    return Outcome(1.0, "padded, lengths and labels match, directly and inside a DataLoader")


# ----------------------------------------------------------------------------- DigitsDataModule
def _first_training_batch(data: Any) -> Any:
    """The labels of the first batch a fresh training loader hands out."""
    return next(iter(data.train_dataloader()))[1]


def probe_datamodule(
    ns: dict[str, Any],
    batch_size: int,
    val_fraction: float,
    test_fraction: float,
    seed: int,
    stages: tuple[str, ...],
) -> dict[str, Any]:
    """The module after ``setup`` for each of ``stages`` (as Lightning may call it), and a second,
    identical module whose first training batch is read from another global random state (the
    shuffling must not depend on it)."""
    import torch

    def build() -> Any:
        data = ns["DigitsDataModule"](
            batch_size=batch_size, val_fraction=val_fraction, test_fraction=test_fraction, seed=seed
        )
        data.prepare_data()
        for stage in stages:
            data.setup(stage)
        return data

    scramble_global_rng(101)
    data = build()
    sets = {"train": data.train_set, "val": data.val_set, "test": data.test_set}
    val_batches = list(data.val_dataloader())
    test_batches = list(data.test_dataloader())
    train_loader = data.train_dataloader()
    epochs = [list(train_loader) for _ in range(2)]  # one loader, two epochs: as a Trainer uses it
    first_items = [data.train_set[i][0] for i in range(8)]
    second_items = [data.train_set[i][0] for i in range(8)]
    scramble_global_rng(202)
    rerun = _first_training_batch(build())
    return {
        "sizes": [len(sets[name]) for name in ("train", "val", "test")],
        "mean": data.mean_,
        "std": data.std_,
        "val_x": torch.cat([x for x, _ in val_batches]),
        "val_y": torch.cat([y for _, y in val_batches]),
        "test_y": torch.cat([y for _, y in test_batches]),
        "val_batch_sizes": [len(y) for _, y in val_batches],
        "test_batch_sizes": [len(y) for _, y in test_batches],
        "train_labels": [torch.cat([y for _, y in epoch]) for epoch in epochs],
        "rerun_first_batch": rerun,
        "train_batch_sizes": [len(y) for _, y in epochs[0]],
        "train_x_shapes": sorted({tuple(x.shape[1:]) for x, _ in epochs[0]}),
        "train_x_dtypes": sorted({dtype_name(x) for x, _ in epochs[0]}),
        "train_reads_differ": [
            not torch.equal(a, b) for a, b in zip(first_items, second_items, strict=True)
        ],
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
    for key in ("mean", "std"):
        if type(got.get(key)) is not float:
            return Outcome(
                0.0, f"{key}_ must be a Python float (float(...)), got {describe(got.get(key))}"
            )
    # ddof=1 differs from ddof=0 by 7.2e-6 relative here; float32 instead of float64 arithmetic by
    # 4e-8 at most (seeds 0-7): 1e-6 relative accepts either precision and refuses ddof=1
    stats = checks.close(rtol=1e-6, atol=1e-9)
    problem = first_failing_part(
        got, ref, reveal, [("mean", stats, "mean_"), ("std", stats, "std_")]
    )
    if problem:
        return Outcome(
            0.0,
            problem.message
            + " (mean and population std, ddof=0, of all pixels of the training images only)",
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
            + " (split with np.random.default_rng(seed).permutation(n): validation first, then test,"
            " then training; setup may be called several times, with any stage, and must build the"
            " same three splits each time)",
            problem.detail,
        )
    reference_order = ref["train_labels"][0]
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
    if np.array_equal(epochs[0], epochs[1]):
        return Outcome(0.0, "the training loader is not shuffled at every epoch (shuffle=True)")
    rerun = got.get("rerun_first_batch")
    if not (isinstance(rerun, np.ndarray) and np.array_equal(epochs[0][: len(rerun)], rerun)):
        return Outcome(
            0.0,
            "the shuffled order changes from run to run: pass"
            " generator=torch.Generator().manual_seed(self.seed) to the training DataLoader",
        )
    if not any(got.get("train_reads_differ") or []):
        return Outcome(
            0.0,
            "reading a training image twice gives the same tensor: the training set must use the random 'train' transform",
        )
    return Outcome(1.0, "splits, statistics, transforms and the three loaders match")


# ----------------------------------------------------------------------------- build_mlp and DigitsClassifier
def fill_parameters(model: Any, seed: int) -> None:
    """Overwrite every parameter with seeded values that depend on its shape only (not on the order
    in which a module registered its layers), so two implementations compute the same thing."""
    import torch

    with torch.no_grad():
        for parameter in model.parameters():
            rng = np.random.default_rng([seed, *parameter.shape])
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
    shapes = sorted(list(p.shape) for p in model.parameters())
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


def logged_number(value: Any) -> Any:
    """What Lightning would record for a logged value: a torchmetrics metric is computed, tensors detached."""
    if callable(getattr(value, "compute", None)) and callable(getattr(value, "update", None)):
        value = value.compute()
    if hasattr(value, "detach"):
        value = value.detach().double()
    return value


def first_optimizer(configured: Any) -> Any:
    """The optimizer in any form ``configure_optimizers`` may return (Lightning's documented forms)."""
    while isinstance(configured, dict | list | tuple):
        if isinstance(configured, dict):
            configured = configured.get("optimizer")
        else:
            configured = configured[0] if configured else None
    return configured


def probe_classifier(
    ns: dict[str, Any], hidden: int, lr: float, seed: int, n: int
) -> dict[str, Any]:
    """One batch through each step with fixed weights, what was logged, the gradients of what
    training_step returned, and the weights after one step of the configured optimizer."""
    import torch

    model = ns["DigitsClassifier"](hidden=hidden, lr=lr)
    fill_parameters(model, seed)
    calls: list[tuple[str, Any]] = []

    def log(name: Any, value: Any, *args: Any, **kwargs: Any) -> None:
        calls.append((str(name), value))

    model.log = log  # self.log_dict calls self.log for each entry
    x, y = digit_batch(seed, n)
    logits = model(x)
    logged: dict[str, dict[str, Any]] = {}
    returned = model.training_step((x, y), 0)
    logged["training_step"] = {name: logged_number(value) for name, value in calls}
    with torch.no_grad():
        for step in ("validation_step", "test_step"):
            calls.clear()
            getattr(model, step)((x, y), 0)
            logged[step] = {name: logged_number(value) for name, value in calls}
    # Lightning accepts the loss tensor or a dict holding it under "loss"
    loss = returned["loss"] if isinstance(returned, dict) and "loss" in returned else returned
    for parameter in model.parameters():
        parameter.grad = None
    backward = attempt(lambda: loss.backward(), keep_value=False)
    gradients = by_shape(p.grad for p in model.parameters())
    before = by_shape(p.detach().clone() for p in model.parameters())
    optimizer = first_optimizer(model.configure_optimizers())
    optimizer.step()
    return {
        "logits": logits,
        "labels": y,
        "loss": loss.detach() if hasattr(loss, "detach") else loss,
        "backward": backward,
        "gradients": gradients if all(g is not None for g in gradients.values()) else None,
        "logged": logged,
        "before_step": before,
        "after_step": by_shape(p.detach() for p in model.parameters()),
    }


def by_shape(tensors: Any) -> dict[str, Any]:
    """Parameters (or their gradients) keyed by shape: the order in which a module registers its
    layers is its own business. The probes' shapes are all different (hidden != n_classes)."""
    return {
        "x".join(map(str, t.shape)) if t is not None else f"none{i}": t
        for i, t in enumerate(tensors)
    }


def _median_update(after: Any, before: Any) -> float | None:
    """The median absolute change of the weights over one optimizer step (Adam's first: about lr)."""
    try:
        changes = [np.abs(after[key] - value).ravel() for key, value in before.items()]
        return float(np.median(np.concatenate(changes)))
    except (KeyError, TypeError, ValueError):
        return None


def check_classifier(got: Any, ref: Any, reveal: bool) -> Outcome:
    """Logits as the reference MLP; the returned and logged numbers are recomputed here from those
    logits; the gradients and one optimizer step are compared with the reference's."""
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
    loss = checks.as_number(got.get("loss"))
    if loss is None or not math.isclose(loss, expected["loss"], rel_tol=1e-5, abs_tol=1e-6):
        return Outcome(
            0.0,
            "training_step must return the mean cross-entropy of the logits (F.cross_entropy),"
            " as a tensor or as {'loss': loss}",
            expected_got(expected["loss"], got.get("loss")),
        )
    if got.get("gradients") is None or "value" not in (got.get("backward") or {}):
        return Outcome(
            0.0,
            "what training_step returned cannot be backpropagated: return the loss tensor itself,"
            " with its graph (not loss.item())",
        )
    problem = first_failing_part(
        got,
        ref,
        reveal,
        [("gradients", checks.close(rtol=1e-4, atol=1e-6), "gradients of the returned loss")],
    )
    if problem:
        return problem
    wanted = {
        "training_step": {"train_loss": expected["loss"]},
        "validation_step": {"val_loss": expected["loss"], "val_acc": expected["acc"]},
        "test_step": {"test_loss": expected["loss"], "test_acc": expected["acc"]},
    }
    logged = got.get("logged") or {}
    for step, metrics in wanted.items():
        seen_step = logged.get(step) if isinstance(logged.get(step), dict) else {}
        for name, value in metrics.items():
            if name not in seen_step:
                return Outcome(
                    0.0,
                    f"{step} must call self.log({name!r}, ...); it logged {sorted(seen_step)}",
                )
            seen = checks.as_number(seen_step[name])
            if seen is None or not math.isclose(seen, value, rel_tol=1e-5, abs_tol=1e-6):
                what = "the fraction of argmax(logits) == y" if "acc" in name else "F.cross_entropy"
                return Outcome(
                    0.0,
                    f"{step} logged a wrong {name} ({what})",
                    expected_got(value, seen_step[name]),
                )
    after, reference_after = got.get("after_step"), ref["after_step"]
    outcome = checks.close(rtol=1e-5, atol=1e-6)(after, reference_after, reveal)
    if not outcome.passed:
        moved = _median_update(after, ref["before_step"])
        expected_move = _median_update(reference_after, ref["before_step"])
        return Outcome(
            0.0,
            "one step of the optimizer configure_optimizers returns moved the weights differently"
            " from torch.optim.Adam(self.parameters(), lr=lr) with the lr given to DigitsClassifier",
            ""
            if moved is None or expected_move is None
            else expected_got(expected_move, moved, what="median |weight change| of the step"),
        )
    return Outcome(
        1.0, "forward, the three steps, their logs, the gradients and the optimizer step match"
    )


# ----------------------------------------------------------------------------- train_one_epoch / evaluate
def make_spies(seed: int, n: int, batch_size: int, dropout: float) -> dict[str, Any]:
    """A model, optimizer, loss function and loader that record what happens, in ``events``:
    each forward pass with the model's mode and whether a graph was built, each backward with
    whether the gradients were all zero (or unset) when it started, and each optimizer step."""
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

        def forward(self, x: Any) -> Any:
            out = self.linear(self.dropout(x))
            # the graph itself says whether gradients were on, whatever torch.is_grad_enabled says
            mode = "train" if self.training else "eval"
            events.append(f"forward:{mode}:{'graph' if out.requires_grad else 'no_grad'}")
            return out

    class SpyOptimizer(torch.optim.SGD):
        def step(self, closure: Any = None) -> Any:
            events.append("step")
            return super().step(closure)

    torch.manual_seed(seed)
    model = SpyModel()

    def loss_fn(logits: Any, targets: Any) -> Any:
        loss = F.cross_entropy(logits, targets)
        losses.append([float(len(targets)), float(loss.detach())])
        if loss.requires_grad:

            def at_backward(grad: Any) -> None:
                # runs before any parameter gradient of this backward is accumulated
                clear = all(p.grad is None or not bool(p.grad.any()) for p in model.parameters())
                events.append("backward" if clear else "backward:stale")

            loss.register_hook(at_backward)
        return loss

    rng = np.random.default_rng(seed)
    X = torch.from_numpy(rng.normal(size=(n, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=n))
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
    spies["model"].eval()  # as a model leaves evaluate(): train_one_epoch must switch modes itself
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


def _loop_order_problem(events: list[str], n_batches: int) -> str | None:
    """Per batch: a forward in training mode with a graph, a backward that starts from clear
    gradients, then an optimizer step, before the next batch."""
    forwards = [i for i, e in enumerate(events) if e.startswith("forward")]
    if len(forwards) != n_batches:
        return f"expected one forward pass per batch ({n_batches}), got {len(forwards)}"
    if any(events[i].split(":")[1] != "train" for i in forwards):
        return "the model was not in training mode during the forward passes: call model.train() before the first batch"
    if any(events[i].split(":")[2] != "graph" for i in forwards):
        return "the forward passes ran without gradients: do not wrap training in torch.no_grad()"
    backwards = [e for e in events if e.startswith("backward")]
    for name, count in (
        ("loss.backward()", len(backwards)),
        ("optimizer.step()", events.count("step")),
    ):
        if count != n_batches:
            return f"expected {n_batches} calls of {name} (one per batch), got {count}"
    for batch in range(n_batches):
        end = forwards[batch + 1] if batch + 1 < n_batches else len(events)
        segment = events[forwards[batch] + 1 : end]
        if "step" not in segment or not any(e.startswith("backward") for e in segment):
            return f"batch {batch + 1}: loss.backward() and optimizer.step() must both happen before the next batch"
        backward = next(i for i, e in enumerate(segment) if e.startswith("backward"))
        if "step" in segment[:backward]:
            return f"batch {batch + 1}: optimizer.step() came before loss.backward()"
        if segment[backward] == "backward:stale":
            return (
                f"batch {batch + 1}: the gradients were not zero when loss.backward() ran, so the new"
                " ones were added to the old: call optimizer.zero_grad() before backward in every batch"
            )
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
            0.0,
            f"train_one_epoch must return a Python float (use loss.item()), got {describe(returned)}",
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
        1.0, "per batch: clear gradients -> backward -> step; per-sample mean loss; same weights"
    )


def probe_evaluate(ns: dict[str, Any], seed: int, n: int, batch_size: int) -> dict[str, Any]:
    import torch

    spies = make_spies(seed, n, batch_size, dropout=0.5)
    spies["model"].train()  # as after training: evaluate must switch to eval mode itself
    before = [p.detach().clone() for p in spies["model"].parameters()]
    returned = ns["evaluate"](spies["model"], spies["loader"], spies["loss_fn"])
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
    forwards = [e for e in events if e.startswith("forward")]
    if len(forwards) != ref["n_batches"]:
        return Outcome(
            0.0, f"expected one forward pass per batch ({ref['n_batches']}), got {len(forwards)}"
        )
    if any(e.split(":")[1] != "eval" for e in forwards):
        return Outcome(
            0.0,
            "the model was in training mode during evaluation: call model.eval() before the first batch (dropout must be off)",
        )
    if any(e.split(":")[2] != "no_grad" for e in forwards):
        return Outcome(
            0.0, "run the forward passes inside torch.no_grad() (no graph is needed to evaluate)"
        )
    if any(e.startswith("backward") or e == "step" for e in events) or not got.get("unchanged"):
        return Outcome(
            0.0, "evaluate must not train: no backward, no optimizer step, weights unchanged"
        )
    returned = got.get("returned")
    if not isinstance(returned, dict) or not {"accuracy", "loss"} <= set(returned):
        return Outcome(0.0, "evaluate must return a dict with the keys 'loss' and 'accuracy'")
    if any(type(returned[k]) is not float for k in ("loss", "accuracy")):
        return Outcome(
            0.0,
            f"'loss' and 'accuracy' must be Python floats, got {[describe(returned[k]) for k in ('loss', 'accuracy')]}",
        )
    means = _per_sample_mean(got.get("losses"))
    if means and not math.isclose(returned["loss"], means[0], rel_tol=1e-5, abs_tol=1e-7):
        if math.isclose(returned["loss"], means[1], rel_tol=1e-5, abs_tol=1e-7):
            return Outcome(
                0.0,
                "'loss' is the mean of the batch means: weight each batch's loss by its size (the last batch is smaller)",
            )
        return Outcome(0.0, "'loss' is not the mean loss per sample over the loader")
    expected = {k: ref["returned"][k] for k in ("loss", "accuracy")}
    problem = first_failing_part(
        {"returned": {k: returned[k] for k in expected}},
        {"returned": expected},
        reveal,
        [("returned", NUMBERS, "evaluate's result")],
    )
    if problem:
        return Outcome(
            0.0,
            problem.message + " (accuracy: the fraction of all samples with argmax(logits) == y)",
            problem.detail,
        )
    return Outcome(1.0, "eval mode, no gradients, per-sample mean loss and accuracy")


# ----------------------------------------------------------------------------- whole training runs
def held_out_images(seed: int) -> dict[str, tuple[Any, Any]]:
    """The validation and test images of ``seed``'s split with the default fractions, normalised with
    the statistics of the training pixels: the notebook's rules, applied here so that a trained model
    is measured on inputs that do not pass through the student's DigitsDataModule."""
    from course_lib.digits_images import load_digit_images

    data = load_digit_images()
    n = len(data)
    cut = int(np.floor(0.2 * n))
    order = np.random.default_rng(seed).permutation(n)
    val, test, train = order[:cut], order[cut : 2 * cut], order[2 * cut :]
    pixels = data.images[train].double()
    mean, std = float(pixels.mean()), float(pixels.std(correction=0))
    return {
        part: ((data.images[rows] - mean) / std, data.labels[rows])
        for part, rows in (("val", val), ("test", test))
    }


def model_logits(model: Any, images: Any) -> Any:
    """The model's outputs on ``images``, on the CPU, in eval mode, without gradients."""
    import torch

    if not callable(getattr(model, "eval", None)):
        return None
    model.cpu().eval()
    with torch.no_grad():
        return model(images)


class WatchedLoader:
    """A loader that records, for each pass over it, the batch sizes and labels it handed out."""

    def __init__(self, loader: Any, passes: list[dict[str, Any]]) -> None:
        self._loader, self._passes = loader, passes

    def __iter__(self) -> Any:
        record: dict[str, Any] = {"sizes": [], "labels": []}
        self._passes.append(record)
        for batch in self._loader:
            labels = batch[1]
            record["sizes"].append(len(labels))
            record["labels"].append(labels.detach().clone())
            yield batch

    def __len__(self) -> int:
        return len(self._loader)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


def watch_training_loaders(ns: dict[str, Any], make: Any) -> list[dict[str, Any]]:
    """Make every DigitsDataModule the notebook creates (with ``make``) record the passes over its
    training loader."""
    passes: list[dict[str, Any]] = []

    def watched(*args: Any, **kwargs: Any) -> Any:
        data = make(*args, **kwargs)
        loader_of = data.train_dataloader
        data.train_dataloader = lambda: WatchedLoader(loader_of(), passes)
        return data

    ns["DigitsDataModule"] = watched
    return passes


def _times(value: Any, n: int) -> Any:
    """An accuracy as the count of correct samples it implies (numbers only; anything else as it is)."""
    return value * n if _is_number(value) or hasattr(value, "detach") else value


def probe_training_runs(ns: dict[str, Any], runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each run: the returned model's logits on its seed's validation images, its parameter shapes,
    the history it reported and the passes over the training loader.

    Accuracies are exported as the count of correct samples they imply (k/359 fractions would
    share their digits with other runs' references).
    """
    records = []
    make = ns["DigitsDataModule"]
    try:  # in a student's kernel (the in-notebook check) the namespace is theirs: restore it
        for index, arguments in enumerate(runs):
            passes = watch_training_loaders(ns, make)
            scramble_global_rng(1000 + index)  # two runs of one seed start from different states
            returned = ns["train_digits_classifier"](**arguments)
            records.append(training_record(returned, arguments["seed"], passes))
    finally:
        ns["DigitsDataModule"] = make
    return records


def training_record(returned: Any, seed: int, passes: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    if not isinstance(returned, tuple | list) or len(returned) != 2:
        return {"pair": False, "returned": type(returned).__name__}
    model, history = returned
    images, labels = held_out_images(seed)["val"]
    if isinstance(history, dict):
        history = {
            key: [_times(v, len(labels)) for v in value]
            if key == "val_accuracy" and isinstance(value, list)
            else value
            for key, value in history.items()
        }
    return {
        "pair": True,
        "history": history if isinstance(history, dict) else describe(history),
        "parameter_shapes": sorted(list(p.shape) for p in model.parameters())
        if callable(getattr(model, "parameters", None))
        else None,
        "val_logits": model_logits(model, images),
        "val_labels": labels,
        "train_passes": [
            {"sizes": p["sizes"], "labels": torch.cat(p["labels"]) if p["labels"] else []}
            for p in passes
        ],
    }


HISTORY_KEYS = ("train_loss", "val_loss", "val_accuracy")


def _history_problem(history: Any, epochs: int) -> str | None:
    if not isinstance(history, dict) or not set(HISTORY_KEYS) <= set(history):
        return f"the history must be a dict with the keys {list(HISTORY_KEYS)}"
    for key in HISTORY_KEYS:
        values = history[key]
        if not isinstance(values, list) or len(values) != epochs:
            return f"history[{key!r}] must hold one number per epoch ({epochs})"
        if not all(type(v) is float and math.isfinite(v) for v in values):
            return f"history[{key!r}] must hold finite Python floats (use .item() or float())"
    return None


def _passes_problem(passes: Any, reference: list[dict[str, Any]], epochs: int) -> str | None:
    if not isinstance(passes, list) or not passes:
        return (
            "the training loader of DigitsDataModule(batch_size=batch_size, seed=seed) was never"
            " iterated: train on data.train_dataloader(), one pass per epoch"
        )
    if len(passes) != epochs:
        return (
            f"expected {epochs} passes over the training loader (one per epoch), got {len(passes)}"
        )
    expected_sizes, expected_labels = reference[0]["sizes"], np.sort(reference[0]["labels"])
    for number, one in enumerate(passes, start=1):
        if one.get("sizes") != expected_sizes:
            return (
                f"epoch {number}: the training batches do not have the sizes of"
                " DigitsDataModule(batch_size=batch_size, ...)'s loader (pass batch_size on)"
            )
        labels = one.get("labels")
        if not isinstance(labels, np.ndarray) or not np.array_equal(
            np.sort(labels), expected_labels
        ):
            return f"epoch {number}: the training loader did not hand out the training split of seed's DigitsDataModule"
    orders = [p["labels"] for p in passes]
    if any(np.array_equal(a, b) for a, b in itertools.pairwise(orders)):
        return (
            "two epochs saw the training samples in the same order: make the training loader once,"
            " before the loop (a new loader replays the same shuffled order)"
        )
    return None


def check_training_runs(
    *,
    epochs: int,
    at_least: float | None = None,
    at_most: float | None = None,
    hidden: int = 64,
    same_runs: bool = False,
) -> Any:
    """Each run: (model, history); the trusted side measures the model's validation accuracy and
    loss from its logits, which must pass ``at_least`` (or stay below ``at_most``: nothing can be
    learned at that learning rate) and agree with the history's last values; one pass over the
    training loader per epoch, each in a new order; with ``same_runs``, the runs must be identical."""

    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, list) or len(got) != len(ref):
            return Outcome(0.0, "the probe returned something unexpected")
        measured = []
        for run, expected in zip(got, ref, strict=True):
            if not isinstance(run, dict) or not run.get("pair"):
                return Outcome(0.0, "train_digits_classifier must return (model, history)")
            problem = _history_problem(run.get("history"), epochs)
            if problem:
                return Outcome(0.0, problem)
            if run.get("parameter_shapes") != expected["parameter_shapes"]:
                return Outcome(
                    0.0,
                    f"the returned model must be build_mlp(hidden) with hidden={hidden}: expected"
                    f" parameters of shapes {expected['parameter_shapes']}, got {run.get('parameter_shapes')}",
                )
            problem = _passes_problem(run.get("train_passes"), expected["train_passes"], epochs)
            if problem:
                return Outcome(0.0, problem)
            logits, labels = run.get("val_logits"), expected["val_labels"]
            if not isinstance(logits, np.ndarray) or logits.shape != (len(labels), 10):
                return Outcome(
                    0.0, "the returned model must map (B, 1, 8, 8) images to (B, 10) logits"
                )
            accuracy = float((logits.argmax(axis=1) == labels).mean())
            loss = _cross_entropy(logits, labels)
            measured.append(accuracy)
            if at_least is not None and accuracy < at_least:
                return Outcome(
                    0.0,
                    f"the returned model's validation accuracy must reach {at_least:g} with every seed"
                    " (is the optimizer stepping? are the images normalised?)",
                    f"measured {accuracy:.3f}",
                )
            if at_most is not None and accuracy > at_most:
                return Outcome(
                    0.0,
                    f"with this tiny learning rate the model should stay near chance (below {at_most:g}):"
                    " pass lr to torch.optim.Adam",
                    f"measured {accuracy:.3f}",
                )
            history = run["history"]
            # same model, same images: the student's evaluate and this measurement differ by
            # float32 summation order only (1e-6 relative); one borderline argmax may flip
            if not math.isclose(history["val_loss"][-1], loss, rel_tol=1e-4, abs_tol=1e-6):
                return Outcome(
                    0.0,
                    "the last 'val_loss' is not the returned model's mean loss on the validation"
                    " images: evaluate on the validation loader after each epoch, and return that model",
                    expected_got(loss, history["val_loss"][-1]),
                )
            if abs(history["val_accuracy"][-1] - accuracy * len(labels)) > 1.5:
                return Outcome(
                    0.0,
                    "the last 'val_accuracy' is not the returned model's accuracy on the validation"
                    " images (a fraction between 0 and 1)",
                    expected_got(accuracy, history["val_accuracy"][-1] / len(labels)),
                )
        if same_runs:
            first, second = (run["val_logits"] for run in got)
            if not np.allclose(first, second, rtol=1e-6, atol=1e-7):
                return Outcome(
                    0.0,
                    "two runs with the same seed gave different models: call seed_everything(seed) first",
                )
        shown = ", ".join(f"{a:.3f}" for a in measured)
        return Outcome(1.0, f"validation accuracy measured on the returned model: {shown}")

    return check


def probe_lightning(
    ns: dict[str, Any], seed: int, max_epochs: int | None = None, repeat: int = 1
) -> dict[str, Any]:
    """Each run in an empty working directory (what it writes is recorded): the returned model's
    logits on the seed's validation and test images, what the Trainer it is attached to counted,
    and the scores it reported (accuracies as counts of correct samples, see probe_training_runs)."""
    import os
    import tempfile

    images = held_out_images(seed)
    runs = []
    for index in range(repeat):
        scramble_global_rng(2000 + index)
        workdir = tempfile.mkdtemp(prefix="week05-lightning-")
        home = os.getcwd()
        os.chdir(workdir)
        try:
            if max_epochs is None:
                returned = ns["train_with_lightning"](seed)
            else:
                returned = ns["train_with_lightning"](seed, max_epochs=max_epochs)
        finally:
            os.chdir(home)
        written = sorted(
            os.path.relpath(os.path.join(root, name), workdir)
            for root, _, names in os.walk(workdir)
            for name in names
        )
        if not isinstance(returned, tuple | list) or len(returned) != 2:
            runs.append({"pair": False, "returned": type(returned).__name__})
            continue
        model, scores = returned
        try:
            trainer = model.trainer
            counted = {"epochs": trainer.current_epoch, "steps": trainer.global_step}
        except Exception:  # not a LightningModule, or not the one trainer.fit trained
            counted = None
        if isinstance(scores, dict):
            sizes = {"val_acc": len(images["val"][1]), "test_acc": len(images["test"][1])}
            scores = {k: _times(v, sizes[k]) if k in sizes else v for k, v in scores.items()}
        runs.append(
            {
                "pair": True,
                "scores": scores if isinstance(scores, dict) else describe(scores),
                "trainer": counted,
                "written": written[:20],
                "val_logits": model_logits(model, images["val"][0]),
                "test_logits": model_logits(model, images["test"][0]),
                "val_labels": images["val"][1],
                "test_labels": images["test"][1],
            }
        )
    return {"max_epochs": 5 if max_epochs is None else max_epochs, "runs": runs}


def check_lightning(
    *, val_threshold: float = 0.0, test_threshold: float = 0.0, same_runs: bool = False
) -> Any:
    def check(got: Any, ref: Any, reveal: bool) -> Outcome:
        if not isinstance(got, dict) or not isinstance(got.get("runs"), list):
            return Outcome(0.0, "the probe returned something unexpected")
        epochs = ref["max_epochs"]
        measured = []
        for run, expected in zip(got["runs"], ref["runs"], strict=True):
            if not isinstance(run, dict) or not run.get("pair"):
                return Outcome(0.0, "train_with_lightning must return (model, scores)")
            scores = run.get("scores")
            if not isinstance(scores, dict) or not {"val_acc", "test_acc", "epochs"} <= set(scores):
                return Outcome(
                    0.0, "scores must be a dict with the keys 'val_acc', 'test_acc' and 'epochs'"
                )
            if run.get("written"):
                return Outcome(
                    0.0,
                    "the Trainer wrote files (a logger or checkpoints): pass logger=False and"
                    " enable_checkpointing=False",
                    f"wrote {run['written'][:3]}",
                )
            if type(scores["epochs"]) is not int or not all(
                type(scores[k]) is float for k in ("val_acc", "test_acc")
            ):
                return Outcome(
                    0.0,
                    "the scores must be Python numbers: float(...) for the accuracies,"
                    " int(trainer.current_epoch) for the epochs",
                )
            if scores["epochs"] != epochs:
                return Outcome(
                    0.0,
                    f"expected the Trainer to run max_epochs={epochs} epochs (pass max_epochs on),"
                    " and 'epochs' to say so",
                    expected_got(epochs, scores["epochs"]),
                )
            if run.get("trainer") != expected["trainer"]:
                return Outcome(
                    0.0,
                    "the returned model is not attached to a Trainer that ran max_epochs epochs of"
                    " DigitsDataModule(seed=seed)'s batches: return the model you passed to trainer.fit",
                    expected_got(expected["trainer"], run.get("trainer")),
                )
            for part, threshold in (("val", val_threshold), ("test", test_threshold)):
                logits, labels = run.get(f"{part}_logits"), expected[f"{part}_labels"]
                if not isinstance(logits, np.ndarray) or logits.shape != (len(labels), 10):
                    return Outcome(0.0, "the returned model must map images to (B, 10) logits")
                accuracy = float((logits.argmax(axis=1) == labels).mean())
                measured.append(f"{part} {accuracy:.3f}")
                if accuracy < threshold:
                    return Outcome(
                        0.0,
                        f"the returned model's {part} accuracy must reach {threshold:g}",
                        f"measured {accuracy:.3f}",
                    )
                reported = scores[f"{part}_acc"]
                # one borderline argmax may flip between Lightning's batches and this measurement
                if abs(reported - accuracy * len(labels)) > 1.5:
                    source = (
                        "trainer.callback_metrics['val_acc'], read before trainer.test"
                        if part == "val"
                        else "what trainer.test returned"
                    )
                    return Outcome(
                        0.0,
                        f"scores['{part}_acc'] is not the returned model's accuracy on the {part}"
                        f" images ({source}; a fraction between 0 and 1)",
                        expected_got(accuracy, reported / len(labels)),
                    )
        if same_runs:
            first, second = (run["val_logits"] for run in got["runs"])
            if not np.allclose(first, second, rtol=1e-6, atol=1e-7):
                return Outcome(
                    0.0,
                    "two runs with the same seed gave different models: call seed_everything(seed) first",
                )
        return Outcome(1.0, f"measured on the returned model: {', '.join(measured)}")

    return check


# Thresholds from the reference solution over seeds 0-9 (OMP_NUM_THREADS=1, CPU). The random-shift
# augmentation makes the MLP's validation accuracy wander by a few points from epoch to epoch:
# train_digits_classifier with epochs=5 (the grader's run; 8 epochs, the default, give min 0.858,
# mean 0.907), validation accuracy measured on the returned model: min 0.869, mean 0.893, max 0.925
# (spread 0.056) -> 0.80.
# train_with_lightning (5 epochs): val_acc min 0.869, mean 0.893, max 0.925 (spread 0.056) -> 0.80;
# test_acc min 0.855, mean 0.877, max 0.903 (spread 0.047) -> 0.80.
# The accuracies are measured here on the returned model (the same numbers the reference reports).
# A loop that never steps stays near chance (~0.1); one that never zeroes gradients, or skips the
# normalisation, is caught by the exact items above, not by these thresholds.
TRAINING_THRESHOLD = 0.80
TRAINING_EPOCHS = 5
LIGHTNING_VAL_THRESHOLD = 0.80
LIGHTNING_TEST_THRESHOLD = 0.80
TRAINING_USES = ("DigitsDataModule", "build_mlp", "train_one_epoch", "evaluate")
LIGHTNING_USES = ("DigitsDataModule", "DigitsClassifier")


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
        probe=lambda ns: probe_datamodule(ns, 100, 0.2, 0.2, seed=3, stages=("fit", "test")),
        check=check_datamodule,
        requires=("DigitsDataModule", "ArrayDataset", "build_transforms"),
        uses=("ArrayDataset", "build_transforms"),
        timeout=45.0,
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
        uses=("build_mlp",),
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
        probe=lambda ns: probe_training_runs(ns, [{"seed": 0, "epochs": TRAINING_EPOCHS}]),
        check=check_training_runs(epochs=TRAINING_EPOCHS, at_least=TRAINING_THRESHOLD),
        requires=("train_digits_classifier", *TRAINING_USES),
        uses=TRAINING_USES,
        timeout=60.0,
        hint="seed_everything(seed) first; train_one_epoch then evaluate each epoch; Adam with lr=1e-2; return (model, history).",
    ),
    Item(
        "train_with_lightning",
        3,
        probe=lambda ns: probe_lightning(ns, seed=0),
        check=check_lightning(
            val_threshold=LIGHTNING_VAL_THRESHOLD, test_threshold=LIGHTNING_TEST_THRESHOLD
        ),
        requires=("train_with_lightning", *LIGHTNING_USES),
        uses=LIGHTNING_USES,
        timeout=60.0,
        hint="trainer.fit(model, datamodule=data); read callback_metrics['val_acc'] before trainer.test; return (model, scores).",
    ),
]
