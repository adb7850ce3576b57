"""Week 5 variants: wrong answers that must lose points, right ones written differently that must not.

This module is also loaded by the trusted process (the release gate), which
never imports torch or lightning: every variant imports them inside its body,
and classes are returned by small factories (``ns["ArrayDataset"](X, y)``
works the same with a function that returns an instance).

A variant replaces one name of the solution's namespace; the training-run
variants build on the notebook's other functions as a student's would (see
:func:`notebook`).
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from autograder.spec import Variant


def notebook() -> dict[str, Any]:
    """The notebook namespace this variant was swapped into (the probe's ``ns``, found on the call
    stack): a variants module cannot import the notebook, yet a training run written like a
    student's calls the notebook's DigitsDataModule, build_mlp, train_one_epoch and evaluate."""
    frame = sys._getframe(1)
    while frame is not None:
        for value in frame.f_locals.values():
            if isinstance(value, dict) and "__builtins__" in value and "DigitsDataModule" in value:
                return value
        frame = frame.f_back
    raise LookupError("no notebook namespace on the call stack")


# ----------------------------------------------------------------------------- ArrayDataset
def _array_dataset(
    eager: bool = False,
    keep_float64: bool = False,
    bools_as_float: bool = False,
    check_lengths: bool = True,
    length_of_values: bool = False,
    transform_targets: bool = False,
) -> Any:
    import torch
    from torch.utils.data import Dataset

    class LengthMismatch(ValueError):
        """A student's own error class: still a ValueError."""

    class NumpyBackedDataset(Dataset):
        """Keeps NumPy arrays and converts one sample at a time."""

        def __init__(self, features: Any, targets: Any, transform: Any = None) -> None:
            self.features = np.asarray(features, dtype=np.float64 if keep_float64 else np.float32)
            self.targets = np.asarray(targets)
            if check_lengths and len(self.features) != len(self.targets):
                raise LengthMismatch("lengths differ")
            self.transform = transform
            if eager and transform is not None:
                self.features = np.stack(
                    [np.asarray(transform(torch.from_numpy(x))) for x in self.features]
                )

        def __len__(self) -> int:
            return self.features.size if length_of_values else self.features.shape[0]

        def __getitem__(self, index: int) -> Any:
            x = torch.from_numpy(self.features[index].copy())
            if self.transform is not None and not eager:
                x = self.transform(x)
            if bools_as_float:
                integer = np.issubdtype(self.targets.dtype, np.integer)
            else:
                integer = not np.issubdtype(self.targets.dtype, np.floating)
            dtype = torch.int64 if integer else torch.float32
            y = torch.tensor(self.targets[index].item(), dtype=dtype)
            if transform_targets and self.transform is not None:
                y = self.transform(y)
            return x, y

    return NumpyBackedDataset


def dataset_numpy_backed(features: Any, targets: Any, transform: Any = None) -> Any:
    """Right: NumPy storage, conversion in __getitem__, its own subclass of ValueError."""
    return _array_dataset()(features, targets, transform)


def dataset_transform_in_init(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: applies the transform once, in __init__."""
    return _array_dataset(eager=True)(features, targets, transform)


def dataset_float64(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: features stay float64."""
    return _array_dataset(keep_float64=True)(features, targets, transform)


def dataset_bools_as_float(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: int64 only for integer targets; boolean class labels become float32."""
    return _array_dataset(bools_as_float=True)(features, targets, transform)


def dataset_without_length_check(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: features and targets of different lengths are accepted."""
    return _array_dataset(check_lengths=False)(features, targets, transform)


def dataset_length_of_values(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: len() counts every value (features.size), not the samples."""
    return _array_dataset(length_of_values=True)(features, targets, transform)


def dataset_transforms_targets(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: the transform is applied to the target as well."""
    return _array_dataset(transform_targets=True)(features, targets, transform)


# ----------------------------------------------------------------------------- build_transforms
def transforms_by_hand(mean: float, std: float) -> dict[str, Any]:
    """Right: a hand-written random shift (F.pad + slicing), then arithmetic normalisation; an
    extra "test" entry."""
    import torch
    import torch.nn.functional as F

    def normalise(image: Any) -> Any:
        return (image - mean) / std

    def shift_then_normalise(image: Any) -> Any:
        top, left = (int(v) for v in torch.randint(0, 3, (2,)))
        padded = F.pad(image, (1, 1, 1, 1))
        return normalise(padded[:, top : top + 8, left : left + 8])

    return {"eval": normalise, "train": shift_then_normalise, "test": normalise}


def _v2_transforms(mean: float, std: float, train: list[Any], *, swap: bool = False) -> Any:
    from torchvision.transforms import v2

    normalize = v2.Normalize([std], [mean]) if swap else v2.Normalize([mean], [std])
    return {"train": v2.Compose([*train, normalize]), "eval": normalize}


def transforms_normalise_first(mean: float, std: float) -> dict[str, Any]:
    """Wrong: normalises, then pads with 0 (which is no longer background)."""
    from torchvision.transforms import v2

    normalize = v2.Normalize([mean], [std])
    return {"train": v2.Compose([normalize, v2.RandomCrop(8, padding=1)]), "eval": normalize}


def transforms_without_augmentation(mean: float, std: float) -> dict[str, Any]:
    """Wrong: the training transform does not shift."""
    return _v2_transforms(mean, std, [])


def transforms_swapped(mean: float, std: float) -> dict[str, Any]:
    """Wrong: (x - std) / mean."""
    from torchvision.transforms import v2

    return _v2_transforms(mean, std, [v2.RandomCrop(8, padding=1)], swap=True)


def transforms_with_flip(mean: float, std: float) -> dict[str, Any]:
    """Wrong: a random horizontal flip as well (a flipped 2 looks like a 5)."""
    from torchvision.transforms import v2

    return _v2_transforms(mean, std, [v2.RandomHorizontalFlip(), v2.RandomCrop(8, padding=1)])


def transforms_two_pixel_shift(mean: float, std: float) -> dict[str, Any]:
    """Wrong: shifts by up to two pixels (padding=2)."""
    from torchvision.transforms import v2

    return _v2_transforms(mean, std, [v2.RandomCrop(8, padding=2)])


def transforms_other_keys(mean: float, std: float) -> dict[str, Any]:
    """Wrong: the keys "training" and "validation" instead of "train" and "eval"."""
    from torchvision.transforms import v2

    both = _v2_transforms(mean, std, [v2.RandomCrop(8, padding=1)])
    return {"training": both["train"], "validation": both["eval"]}


def transforms_float64(mean: float, std: float) -> dict[str, Any]:
    """Wrong: normalises in float64 (the images come out as float64 tensors)."""
    from torchvision.transforms import v2

    crop = v2.RandomCrop(8, padding=1)

    def normalise(image: Any) -> Any:
        return (image.double() - mean) / std

    return {"train": lambda image: normalise(crop(image)), "eval": normalise}


# ----------------------------------------------------------------------------- pad_collate
def collate_with_pad_sequence(batch: list[Any]) -> Any:
    """Right: torch.nn.utils.rnn.pad_sequence."""
    import torch
    from torch.nn.utils.rnn import pad_sequence

    sequences, labels = zip(*batch, strict=True)
    padded = pad_sequence(
        [torch.as_tensor(s, dtype=torch.float32) for s in sequences], batch_first=True
    )
    lengths = torch.as_tensor([len(s) for s in sequences])
    return padded, lengths.long(), torch.as_tensor(labels).long()


def collate_padding_in_front(batch: list[Any]) -> Any:
    """Wrong: zeros before the sequence."""
    import torch

    longest = max(len(s) for s, _ in batch)
    padded = torch.zeros(len(batch), longest)
    for row, (sequence, _) in enumerate(batch):
        if len(sequence):
            padded[row, longest - len(sequence) :] = sequence
    return (
        padded,
        torch.tensor([len(s) for s, _ in batch]),
        torch.tensor([int(y) for _, y in batch]),
    )


def collate_sorted_by_length(batch: list[Any]) -> Any:
    """Wrong: reorders the batch, longest first (as packed sequences want, but not asked here)."""
    return collate_with_pad_sequence(sorted(batch, key=lambda pair: -len(pair[0])))


def collate_lengths_from_nonzero(batch: list[Any]) -> Any:
    """Wrong: recovers the lengths by counting non-zero values (a real 0.0 is not padding)."""
    padded, _, labels = collate_with_pad_sequence(batch)
    return padded, (padded != 0).sum(dim=1).long(), labels


def collate_to_fixed_length(batch: list[Any]) -> Any:
    """Wrong: pads every batch to a fixed length of 10, not to its own longest sequence."""
    import torch

    padded = torch.zeros(len(batch), 10)
    for row, (sequence, _) in enumerate(batch):
        padded[row, : len(sequence)] = torch.as_tensor(sequence, dtype=torch.float32)
    return (
        padded,
        torch.tensor([len(s) for s, _ in batch]),
        torch.tensor([int(y) for _, y in batch]),
    )


def collate_int32_labels(batch: list[Any]) -> Any:
    """Wrong: labels as int32."""
    padded, lengths, labels = collate_with_pad_sequence(batch)
    return padded, lengths, labels.int()


def collate_skips_empty(batch: list[Any]) -> Any:
    """Wrong: drops empty sequences from the batch."""
    return collate_with_pad_sequence([pair for pair in batch if len(pair[0])])


# ----------------------------------------------------------------------------- DigitsDataModule
def _datamodule(mistake: str = "") -> Any:
    import lightning as L
    import torch
    from torch.utils.data import DataLoader, Dataset
    from torchvision.transforms import v2

    from course_lib.digits_images import load_digit_images

    class Images(Dataset):
        def __init__(self, images: Any, labels: Any, transform: Any) -> None:
            self.images, self.labels, self.transform = images, labels, transform

        def __len__(self) -> int:
            return len(self.labels)

        def __getitem__(self, index: int) -> Any:
            return self.transform(self.images[index]), self.labels[index]

    class SplitWithNumpy(L.LightningDataModule):
        def __init__(
            self,
            batch_size: int = 64,
            val_fraction: float = 0.2,
            test_fraction: float = 0.2,
            seed: int = 0,
        ) -> None:
            super().__init__()
            self.batch_size, self.val_fraction, self.test_fraction, self.seed = (
                batch_size,
                val_fraction,
                test_fraction,
                seed,
            )
            self.rng = np.random.default_rng(seed)

        def setup(self, stage: str | None = None) -> None:
            data = load_digit_images()
            n = len(data)
            if mistake == "rng_in_init":
                order = self.rng.permutation(n)  # a second setup draws another split
            else:
                order = np.random.default_rng(self.seed).permutation(n)
            size = round if mistake == "rounded" else int
            n_val, n_test = size(self.val_fraction * n), size(self.test_fraction * n)
            if mistake == "train_first":
                train, val, test = np.split(order, [n - n_val - n_test, n - n_test])
            else:
                val, test, train = np.split(order, [n_val, n_val + n_test])
            pixels = data.images.numpy()
            stats_from = pixels if mistake == "leak" else pixels[train]
            self.mean_ = float(np.mean(stats_from, dtype=np.float64))
            self.std_ = float(np.std(stats_from, dtype=np.float64, ddof=int(mistake == "ddof1")))
            normalize = v2.Normalize([self.mean_], [self.std_])
            if mistake == "tensor_statistics":
                self.mean_, self.std_ = torch.tensor(self.mean_), torch.tensor(self.std_)
            augment = v2.Compose([v2.Pad(1), v2.RandomCrop(8), normalize])
            sets = {
                "train": Images(data.images[train], data.labels[train], augment),
                "val": Images(
                    data.images[val],
                    data.labels[val],
                    augment if mistake == "augments_validation" else normalize,
                ),
                "test": Images(data.images[test], data.labels[test], normalize),
            }
            if mistake == "by_stage":  # the Lightning docs' sketch, not the rule here
                wanted = {"fit": ("train", "val"), "test": ("test",)}.get(str(stage), ())
                sets = {k: v for k, v in sets.items() if k in wanted}
            for name, dataset in sets.items():
                setattr(self, f"{name}_set", dataset)

        def train_dataloader(self) -> Any:
            generator = torch.Generator().manual_seed(self.seed + 1)
            return DataLoader(
                self.train_set,
                batch_size=64 if mistake == "fixed_batch_size" else self.batch_size,
                shuffle=mistake != "unshuffled",
                generator=None if mistake == "unseeded" else generator,
                drop_last=mistake == "drop_last",
            )

        def val_dataloader(self) -> Any:
            return DataLoader(
                self.val_set, batch_size=self.batch_size, shuffle=mistake == "shuffles_validation"
            )

        def test_dataloader(self) -> Any:
            return DataLoader(self.test_set, batch_size=self.batch_size)

    return SplitWithNumpy


def datamodule_with_numpy(**kwargs: Any) -> Any:
    """Right: np.split, NumPy statistics in float64, Pad + RandomCrop, its own Dataset class, a
    generator seeded with seed + 1 (reproducible all the same)."""
    return _datamodule()(**kwargs)


def datamodule_leaky_statistics(**kwargs: Any) -> Any:
    """Wrong: mean and std over all images (validation and test leak in)."""
    return _datamodule("leak")(**kwargs)


def datamodule_unshuffled(**kwargs: Any) -> Any:
    """Wrong: the training loader is not shuffled."""
    return _datamodule("unshuffled")(**kwargs)


def datamodule_unbiased_std(**kwargs: Any) -> Any:
    """Wrong: the sample standard deviation (ddof=1, torch.std's default)."""
    return _datamodule("ddof1")(**kwargs)


def datamodule_tensor_statistics(**kwargs: Any) -> Any:
    """Wrong: mean_ and std_ left as 0-d tensors."""
    return _datamodule("tensor_statistics")(**kwargs)


def datamodule_unseeded_shuffle(**kwargs: Any) -> Any:
    """Wrong: shuffle=True without a generator: the order depends on torch's global state."""
    return _datamodule("unseeded")(**kwargs)


def datamodule_rng_in_init(**kwargs: Any) -> Any:
    """Wrong: the permutation comes from a generator made in __init__: a second setup splits anew."""
    return _datamodule("rng_in_init")(**kwargs)


def datamodule_by_stage(**kwargs: Any) -> Any:
    """Wrong: builds only the sets of the stage it is called with."""
    return _datamodule("by_stage")(**kwargs)


def datamodule_drop_last(**kwargs: Any) -> Any:
    """Wrong: the training loader drops its last, smaller batch."""
    return _datamodule("drop_last")(**kwargs)


def datamodule_train_first(**kwargs: Any) -> Any:
    """Wrong: training takes the first part of the permutation, validation and test the end."""
    return _datamodule("train_first")(**kwargs)


def datamodule_rounded_sizes(**kwargs: Any) -> Any:
    """Wrong: rounds the validation and test sizes instead of flooring them."""
    return _datamodule("rounded")(**kwargs)


def datamodule_augments_validation(**kwargs: Any) -> Any:
    """Wrong: the validation set gets the random 'train' transform."""
    return _datamodule("augments_validation")(**kwargs)


def datamodule_shuffles_validation(**kwargs: Any) -> Any:
    """Wrong: the validation loader is shuffled."""
    return _datamodule("shuffles_validation")(**kwargs)


def datamodule_fixed_batch_size(**kwargs: Any) -> Any:
    """Wrong: the training loader always uses batches of 64."""
    return _datamodule("fixed_batch_size")(**kwargs)


# ----------------------------------------------------------------------------- build_mlp
def _mlp(hidden: int, n_classes: int, activation: str, ignore_classes: bool = False) -> Any:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class TwoLayerPerceptron(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # registered in the opposite order of use: the grader must not depend on it
            self.fc2 = nn.Linear(hidden, 10 if ignore_classes else n_classes)
            self.fc1 = nn.Linear(64, hidden)

        def forward(self, x: Any) -> Any:
            h = self.fc1(x.reshape(len(x), -1))
            h = torch.sigmoid(h) if activation == "sigmoid" else F.relu(h)
            out = self.fc2(h)
            return out.softmax(dim=1) if activation == "softmax" else out

    return TwoLayerPerceptron()


def mlp_module(hidden: int = 64, n_classes: int = 10) -> Any:
    """Right: an nn.Module with reshape and F.relu, layers registered in another order."""
    return _mlp(hidden, n_classes, "relu")


def mlp_sigmoid(hidden: int = 64, n_classes: int = 10) -> Any:
    """Wrong: sigmoid instead of ReLU."""
    return _mlp(hidden, n_classes, "sigmoid")


def mlp_softmax_output(hidden: int = 64, n_classes: int = 10) -> Any:
    """Wrong: returns probabilities, not logits."""
    return _mlp(hidden, n_classes, "softmax")


def mlp_ten_classes(hidden: int = 64, n_classes: int = 10) -> Any:
    """Wrong: always ten outputs, whatever n_classes says."""
    return _mlp(hidden, n_classes, "relu", ignore_classes=True)


# ----------------------------------------------------------------------------- DigitsClassifier
def _classifier(mistake: str = "", metrics: bool = False) -> Any:
    import lightning as L
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Classifier(L.LightningModule):
        def __init__(self, hidden: int = 64, lr: float = 1e-2) -> None:
            super().__init__()
            width = 64 if mistake == "fixed_hidden" else hidden
            self.net = nn.Sequential(
                nn.Flatten(), nn.Linear(64, width), nn.ReLU(), nn.Linear(width, 10)
            )
            self.lr = lr
            if metrics:
                import torchmetrics

                def accuracy() -> Any:
                    return torchmetrics.Accuracy(task="multiclass", num_classes=10, average="micro")

                self.val_accuracy, self.test_accuracy = accuracy(), accuracy()

        def forward(self, x: Any) -> Any:
            logits = self.net(x)
            return logits.softmax(dim=1) if mistake == "softmax_forward" else logits

        def _scores(self, batch: Any) -> tuple[Any, Any, Any]:
            x, y = batch
            log_probs = F.log_softmax(self(x), dim=1)
            loss = F.nll_loss(log_probs, y, reduction="sum" if mistake == "sum" else "mean")
            accuracy = (log_probs.argmax(dim=1) == y).sum() / len(y)
            return loss, accuracy * (100 if mistake == "percent" else 1), log_probs

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            loss, _, _ = self._scores(batch)
            if mistake != "no_train_log":
                self.log("train_loss", loss, prog_bar=True)
            return loss.item() if mistake == "item" else {"loss": loss}

        def _evaluate(self, batch: Any, split: str) -> None:
            loss, accuracy, log_probs = self._scores(batch)
            if metrics:
                metric = getattr(self, f"{split}_accuracy")
                metric(log_probs, batch[1])
                self.log_dict({f"{split}_loss": loss, f"{split}_acc": metric})
            else:
                self.log(f"{split}_loss", loss)
                self.log(f"{split}_acc", accuracy)

        def validation_step(self, batch: Any, batch_idx: int) -> None:
            self._evaluate(batch, "val")

        def test_step(self, batch: Any, batch_idx: int) -> None:
            self._evaluate(batch, "test")

        def configure_optimizers(self) -> Any:
            if mistake == "sgd":
                return torch.optim.SGD(self.parameters(), lr=self.lr)
            if mistake == "default_lr":
                return torch.optim.Adam(self.parameters())
            return {"optimizer": torch.optim.Adam(self.parameters(), lr=self.lr)}

    return Classifier


def classifier_nll(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Right: log_softmax + nll_loss, training_step returns {"loss": loss}, optimizer in a dict."""
    return _classifier()(hidden=hidden, lr=lr)


def classifier_torchmetrics(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Right: torchmetrics Accuracy objects logged as such, through self.log_dict."""
    return _classifier(metrics=True)(hidden=hidden, lr=lr)


def classifier_returns_float(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: training_step returns loss.item() (no graph for backward)."""
    return _classifier("item")(hidden=hidden, lr=lr)


def classifier_accuracy_percent(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: logs accuracy in percent."""
    return _classifier("percent")(hidden=hidden, lr=lr)


def classifier_sgd(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: SGD instead of Adam."""
    return _classifier("sgd")(hidden=hidden, lr=lr)


def classifier_default_lr(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: Adam(self.parameters()) ignores the lr it was given (Adam's default is 1e-3)."""
    return _classifier("default_lr")(hidden=hidden, lr=lr)


def classifier_fixed_hidden(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: always 64 hidden units, whatever hidden says."""
    return _classifier("fixed_hidden")(hidden=hidden, lr=lr)


def classifier_softmax_forward(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: forward returns probabilities, not the logits."""
    return _classifier("softmax_forward")(hidden=hidden, lr=lr)


def classifier_summed_loss(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: the summed cross-entropy, not the mean."""
    return _classifier("sum")(hidden=hidden, lr=lr)


def classifier_no_train_log(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: training_step never logs train_loss."""
    return _classifier("no_train_log")(hidden=hidden, lr=lr)


# ----------------------------------------------------------------------------- train_one_epoch
def train_epoch_zero_grad_after_forward(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Right: zero_grad between forward and backward, totals kept as tensors."""
    import torch

    model.train()
    total, count = torch.zeros((), dtype=torch.float64), 0
    for _, (x, y) in enumerate(loader):
        logits = model(x.to(device))
        loss = loss_fn(logits, y.to(device))
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        optimizer.step()
        total += loss.detach().double() * x.shape[0]
        count += x.shape[0]
    return float(total / count)


def _epoch(
    model: Any,
    loader: Any,
    loss_fn: Any,
    optimizer: Any,
    *,
    zero: str = "optimizer",
    train: bool = True,
    mean_of_means: bool = False,
    step_first: bool = False,
    skip_last: bool = False,
    as_tensor: bool = False,
) -> Any:
    import torch

    if train:
        model.train()
    losses, sizes = [], []
    batches = list(loader)
    for x, y in batches[:-1] if skip_last and len(batches[-1][1]) < len(batches[0][1]) else batches:
        if zero == "optimizer":
            optimizer.zero_grad()
        elif zero == "model":
            model.zero_grad()
        loss = loss_fn(model(x), y)
        if step_first:
            optimizer.step()
        loss.backward()
        if not step_first:
            optimizer.step()
        losses.append(loss.item())
        sizes.append(len(y))
    if mean_of_means:
        return float(np.mean(losses))
    mean = float(np.dot(losses, sizes) / np.sum(sizes))
    return torch.tensor(mean) if as_tensor else mean


def train_epoch_model_zero_grad(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Right: model.zero_grad() instead of optimizer.zero_grad() (the same gradients are cleared)."""
    return _epoch(model, loader, loss_fn, optimizer, zero="model")


def train_epoch_no_zero_grad(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: never zeroes the gradients."""
    return _epoch(model, loader, loss_fn, optimizer, zero="")


def train_epoch_mean_of_means(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: averages the batch means (the last batch is smaller)."""
    return _epoch(model, loader, loss_fn, optimizer, mean_of_means=True)


def train_epoch_no_train_mode(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: never calls model.train()."""
    return _epoch(model, loader, loss_fn, optimizer, train=False)


def train_epoch_step_before_backward(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: optimizer.step() before loss.backward()."""
    return _epoch(model, loader, loss_fn, optimizer, step_first=True)


def train_epoch_skips_last_batch(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: skips the last, smaller batch."""
    return _epoch(model, loader, loss_fn, optimizer, skip_last=True)


def train_epoch_returns_tensor(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> Any:
    """Wrong: returns a 0-d tensor instead of a Python float."""
    return _epoch(model, loader, loss_fn, optimizer, as_tensor=True)


# ----------------------------------------------------------------------------- evaluate
def evaluate_inference_mode(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Right: torch.inference_mode, per-batch lists combined at the end, an extra "samples" key."""
    import torch

    model.eval()
    losses, sizes, hits = [], [], []
    with torch.inference_mode():
        for x, y in loader:
            logits = model(x)
            losses.append(float(loss_fn(logits, y)))
            sizes.append(len(y))
            hits.append(int(torch.eq(torch.argmax(logits, 1), y).sum().item()))
    n = sum(sizes)
    return {
        "accuracy": sum(hits) / n,
        "loss": sum(loss * size for loss, size in zip(losses, sizes, strict=True)) / n,
        "samples": float(n),
    }


def _evaluate(
    model: Any,
    loader: Any,
    loss_fn: Any,
    *,
    eval_mode: bool = True,
    no_grad: bool = True,
    mean_of_means: bool = False,
    percent: bool = False,
    backward: bool = False,
    tensors: bool = False,
) -> dict[str, Any]:
    import contextlib

    import torch

    if eval_mode:
        model.eval()
    losses, sizes, hits = [], [], 0
    with torch.no_grad() if no_grad else contextlib.nullcontext():
        for x, y in loader:
            logits = model(x)
            loss = loss_fn(logits, y)
            if backward:  # "gradients for diagnostics": they land in the model's .grad
                loss.backward()
            losses.append(loss.item())
            sizes.append(len(y))
            hits += int((logits.argmax(1) == y).sum())
    loss = float(np.mean(losses)) if mean_of_means else float(np.dot(losses, sizes) / sum(sizes))
    accuracy = hits / sum(sizes) * (100 if percent else 1)
    if tensors:
        return {"loss": torch.tensor(loss), "accuracy": torch.tensor(accuracy)}
    return {"loss": loss, "accuracy": accuracy}


def evaluate_without_eval_mode(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Wrong: dropout stays on."""
    return _evaluate(model, loader, loss_fn, eval_mode=False)


def evaluate_with_gradients(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Wrong: builds graphs (no torch.no_grad())."""
    return _evaluate(model, loader, loss_fn, no_grad=False)


def evaluate_mean_of_means(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Wrong: averages the batch means."""
    return _evaluate(model, loader, loss_fn, mean_of_means=True)


def evaluate_accuracy_percent(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Wrong: accuracy in percent."""
    return _evaluate(model, loader, loss_fn, percent=True)


def evaluate_with_backward(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Wrong: backpropagates each batch's loss (the model's gradients change)."""
    return _evaluate(model, loader, loss_fn, no_grad=False, backward=True)


def evaluate_returns_tensors(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, Any]:
    """Wrong: 0-d tensors instead of Python floats."""
    return _evaluate(model, loader, loss_fn, tensors=True)


# ----------------------------------------------------------------------------- train_digits_classifier
def _train_digits(
    seed: int,
    epochs: int,
    hidden: int,
    lr: float,
    batch_size: int,
    *,
    mistake: str = "",
) -> tuple[Any, dict[str, list[float]]]:
    """A run written like a student's, on the notebook's DigitsDataModule and build_mlp, with its
    own loop (model.zero_grad, F.cross_entropy, inference-mode metrics), or one mistake."""
    import torch
    import torch.nn.functional as F

    from course_lib import seed_everything

    ns = notebook()
    if mistake == "arguments:epochs":
        epochs = 8
    if mistake == "arguments:hidden":
        hidden = 64
    if mistake == "arguments:lr":
        lr = 1e-2
    if mistake == "arguments:batch_size":
        batch_size = 64
    if mistake != "unseeded":
        seed_everything(seed)
    data = ns["DigitsDataModule"](
        batch_size=batch_size, seed=0 if mistake == "split_seed" else seed
    )
    data.setup("fit")
    model = ns["build_mlp"](hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    train_loader = data.train_dataloader()
    history: dict[str, list[float]] = {
        "train_loss": [],
        "val_loss": [],
        "val_accuracy": [],
        "train_accuracy": [],
    }
    for _ in range(epochs):
        if mistake == "new_loader_each_epoch":
            train_loader = data.train_dataloader()
        model.train()
        total, correct, count = 0.0, 0, 0
        for x, y in train_loader:
            model.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            if mistake != "no_step":
                optimizer.step()
            total += loss.item() * len(y)
            correct += int((logits.argmax(1) == y).sum())
            count += len(y)
        model.eval()
        loader = data.train_dataloader() if mistake == "val_on_train" else data.val_dataloader()
        with torch.inference_mode():
            pairs = [(model(x), y) for x, y in loader]
        logits = torch.cat([p[0] for p in pairs])
        labels = torch.cat([p[1] for p in pairs])
        accuracy = (logits.argmax(1) == labels).double().mean().item()
        history["train_loss"].append(total / count)
        history["train_accuracy"].append(correct / count)
        history["val_loss"].append(F.cross_entropy(logits, labels).item())
        history["val_accuracy"].append(accuracy * (100 if mistake == "percent" else 1))
    return model, history


def train_own_loop(
    seed: int, epochs: int = 8, hidden: int = 64, lr: float = 1e-2, batch_size: int = 64
) -> Any:
    """Right: the notebook's data module and MLP, its own loop (model.zero_grad, inference_mode,
    metrics over the concatenated logits), an extra "train_accuracy" in the history."""
    return _train_digits(seed, epochs, hidden, lr, batch_size)


def _wrong_run(mistake: str, label: str) -> Any:
    def run(
        seed: int, epochs: int = 8, hidden: int = 64, lr: float = 1e-2, batch_size: int = 64
    ) -> Any:
        return _train_digits(seed, epochs, hidden, lr, batch_size, mistake=mistake)

    run.__name__ = label
    return run


train_without_step = _wrong_run("no_step", "train_without_step")
train_unseeded = _wrong_run("unseeded", "train_unseeded")
train_new_loader_each_epoch = _wrong_run("new_loader_each_epoch", "train_new_loader_each_epoch")
train_validates_on_training_data = _wrong_run("val_on_train", "train_validates_on_training_data")
train_accuracy_percent = _wrong_run("percent", "train_accuracy_percent")
train_ignores_epochs = _wrong_run("arguments:epochs", "train_ignores_epochs")
train_ignores_hidden = _wrong_run("arguments:hidden", "train_ignores_hidden")
train_ignores_lr = _wrong_run("arguments:lr", "train_ignores_lr")
train_ignores_batch_size = _wrong_run("arguments:batch_size", "train_ignores_batch_size")
train_ignores_seed_in_split = _wrong_run("split_seed", "train_ignores_seed_in_split")


def train_fake_history(
    seed: int, epochs: int = 8, hidden: int = 64, lr: float = 1e-2, batch_size: int = 64
) -> Any:
    """Wrong: no training at all; an untrained model and a made-up, plausible history."""
    from torch import nn

    model = nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    decay = [0.9**epoch for epoch in range(epochs)]
    return model, {
        "train_loss": [0.3 + 1.5 * d for d in decay],
        "val_loss": [0.25 + 1.4 * d for d in decay],
        "val_accuracy": [0.93 - 0.5 * d for d in decay],
    }


# ----------------------------------------------------------------------------- train_with_lightning
def _lightning(
    seed: int,
    max_epochs: int,
    *,
    train_batches: float | int = 1.0,
    run_epochs: int | None = None,
    mistake: str = "",
) -> tuple[Any, dict[str, Any]]:
    """Its own loaders (the same split rules) and the classifier variant above; or one mistake."""
    import lightning as L
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from course_lib import seed_everything

    if mistake == "validate_again":
        L.seed_everything(seed, verbose=False)
    elif mistake != "unseeded":
        seed_everything(seed)
    from course_lib.digits_images import load_digit_images

    data = load_digit_images()
    order = np.random.default_rng(0 if mistake == "split_seed" else seed).permutation(len(data))
    val, test, train = order[:359], order[359:718], order[718:]
    mean, std = data.images[train].mean(), data.images[train].std(correction=0)
    images = (data.images - mean) / std

    def loader(rows: np.ndarray, shuffle: bool = False) -> Any:
        return DataLoader(
            TensorDataset(images[rows], data.labels[rows]), batch_size=64, shuffle=shuffle
        )

    model = classifier_nll()
    quiet = mistake != "writes_files"
    trainer = L.Trainer(
        max_epochs=run_epochs or max_epochs,
        accelerator="auto",
        devices=1,
        logger=not quiet,
        enable_checkpointing=not quiet,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_train_batches=train_batches,
    )
    trainer.fit(model, loader(train, shuffle=True), loader(val))
    if mistake == "validate_again":
        val_acc = trainer.validate(model, loader(val), verbose=False)[0]["val_acc"]
    else:
        val_acc = trainer.callback_metrics["val_acc"].item()
    tested = trainer.test(model, loader(test), verbose=False)[0]
    if mistake == "test_as_val":
        val_acc = tested["test_acc"]
    scores = {
        "val_acc": val_acc,
        "test_acc": float(tested["test_acc"]),
        "epochs": trainer.current_epoch,
    }
    if mistake == "tensors":
        scores = {
            **scores,
            "val_acc": torch.tensor(val_acc),
            "test_acc": torch.tensor(tested["test_acc"]),
        }
    if mistake == "validate_again":
        scores["test_loss"] = float(tested["test_loss"])
    return model, scores


def lightning_plain_loaders(seed: int, max_epochs: int = 5) -> Any:
    """Right: plain DataLoaders passed to fit, accelerator='auto' (the CPU in the grader)."""
    return _lightning(seed, max_epochs)


def lightning_validate_again(seed: int, max_epochs: int = 5) -> Any:
    """Right: L.seed_everything; val_acc from a trainer.validate run after fit (the same model, the
    same number); an extra "test_loss" score."""
    return _lightning(seed, max_epochs, mistake="validate_again")


def lightning_one_epoch(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: ignores max_epochs and trains a single epoch."""
    return _lightning(seed, max_epochs, run_epochs=1)


def lightning_no_training(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: one training batch per epoch (limit_train_batches=1): five steps, far from trained."""
    return _lightning(seed, max_epochs, train_batches=1)


def lightning_unseeded(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: never seeds: two runs of one seed differ."""
    return _lightning(seed, max_epochs, mistake="unseeded")


def lightning_test_as_val(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: reports the test accuracy as val_acc (metrics of the wrong split)."""
    return _lightning(seed, max_epochs, mistake="test_as_val")


def lightning_writes_files(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: the default logger and checkpoints write lightning_logs/ into the working directory."""
    return _lightning(seed, max_epochs, mistake="writes_files")


def lightning_tensor_scores(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: the accuracies are returned as tensors, not Python numbers."""
    return _lightning(seed, max_epochs, mistake="tensors")


def lightning_ignores_seed_in_split(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: the data are always split with seed 0."""
    return _lightning(seed, max_epochs, mistake="split_seed")


def lightning_fake_scores(seed: int, max_epochs: int = 5) -> Any:
    """Wrong: no training at all; an untrained classifier and made-up, plausible scores."""
    return classifier_nll(), {"val_acc": 0.93, "test_acc": 0.91, "epochs": max_epochs}


def _own(target: str) -> tuple[str, ...]:
    """The items of ``target`` itself: a mistake there must not be required to break the items
    that only use it (see Item.uses)."""
    return (target, f"{target}.hidden")


ARGUMENTS_ITEM = ("train_digits_classifier.arguments",)
LIGHTNING_ARGUMENTS = ("train_with_lightning.arguments",)

WRONG = [
    Variant(
        "ArrayDataset",
        dataset_transform_in_init,
        "transform applied once in __init__",
        breaks=_own("ArrayDataset"),
    ),
    Variant(
        "ArrayDataset", dataset_float64, "features kept as float64", breaks=_own("ArrayDataset")
    ),
    Variant(
        "ArrayDataset",
        dataset_bools_as_float,
        "boolean labels become float32",
        breaks=("ArrayDataset.hidden",),
    ),
    Variant(
        "ArrayDataset",
        dataset_length_of_values,
        "len counts values, not samples",
        breaks=_own("ArrayDataset"),
    ),
    Variant(
        "ArrayDataset",
        dataset_transforms_targets,
        "transform applied to y too",
        breaks=_own("ArrayDataset"),
    ),
    Variant(
        "ArrayDataset",
        dataset_without_length_check,
        "no ValueError on a length mismatch",
        breaks=_own("ArrayDataset"),
    ),
    Variant(
        "build_transforms",
        transforms_normalise_first,
        "normalises before the shift",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_without_augmentation,
        "no random shift",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_swapped,
        "mean and std swapped",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_with_flip,
        "random horizontal flips",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_two_pixel_shift,
        "shifts of up to two pixels",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_other_keys,
        "keys 'training' and 'validation'",
        breaks=_own("build_transforms"),
    ),
    Variant(
        "build_transforms",
        transforms_float64,
        "float64 images",
        breaks=_own("build_transforms"),
    ),
    Variant("pad_collate", collate_padding_in_front, "pads at the front"),
    Variant("pad_collate", collate_int32_labels, "int32 labels"),
    Variant(
        "pad_collate", collate_skips_empty, "drops empty sequences", breaks=("pad_collate.hidden",)
    ),
    Variant("pad_collate", collate_sorted_by_length, "reorders the batch"),
    Variant(
        "pad_collate",
        collate_lengths_from_nonzero,
        "lengths from non-zero counts",
        breaks=("pad_collate.hidden",),
    ),
    Variant("pad_collate", collate_to_fixed_length, "pads to a fixed length"),
    Variant(
        "DigitsDataModule",
        datamodule_leaky_statistics,
        "statistics over all images",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_unshuffled,
        "training loader not shuffled",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule", datamodule_unbiased_std, "std with ddof=1", breaks=("DigitsDataModule",)
    ),
    Variant(
        "DigitsDataModule",
        datamodule_tensor_statistics,
        "mean_ and std_ as tensors",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_unseeded_shuffle,
        "shuffle without a seeded generator",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_rng_in_init,
        "a second setup splits anew",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_by_stage,
        "builds only the stage's sets",
        breaks=("DigitsDataModule.hidden",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_drop_last,
        "training loader drops the last batch",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_train_first,
        "training split taken first",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_rounded_sizes,
        "sizes rounded, not floored",
        breaks=("DigitsDataModule.hidden",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_augments_validation,
        "validation images augmented",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_shuffles_validation,
        "validation loader shuffled",
        breaks=("DigitsDataModule",),
    ),
    Variant(
        "DigitsDataModule",
        datamodule_fixed_batch_size,
        "batch_size ignored by the training loader",
        breaks=("DigitsDataModule",),
    ),
    Variant("build_mlp", mlp_sigmoid, "sigmoid activation", breaks=_own("build_mlp")),
    Variant("build_mlp", mlp_softmax_output, "softmax output", breaks=_own("build_mlp")),
    Variant("build_mlp", mlp_ten_classes, "n_classes ignored", breaks=("build_mlp.hidden",)),
    Variant(
        "DigitsClassifier",
        classifier_returns_float,
        "training_step returns a float",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier",
        classifier_accuracy_percent,
        "accuracy in percent",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier", classifier_sgd, "SGD instead of Adam", breaks=_own("DigitsClassifier")
    ),
    Variant(
        "DigitsClassifier",
        classifier_default_lr,
        "Adam's default lr, not the given one",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier",
        classifier_fixed_hidden,
        "hidden ignored",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier",
        classifier_softmax_forward,
        "forward returns probabilities",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier",
        classifier_summed_loss,
        "summed cross-entropy",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "DigitsClassifier",
        classifier_no_train_log,
        "train_loss not logged",
        breaks=_own("DigitsClassifier"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_no_zero_grad,
        "never zeroes gradients",
        breaks=_own("train_one_epoch"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_mean_of_means,
        "mean of batch means",
        breaks=_own("train_one_epoch"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_no_train_mode,
        "no model.train()",
        breaks=_own("train_one_epoch"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_step_before_backward,
        "step before backward",
        breaks=_own("train_one_epoch"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_skips_last_batch,
        "last batch skipped",
        breaks=_own("train_one_epoch"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_returns_tensor,
        "returns a tensor",
        breaks=_own("train_one_epoch"),
    ),
    Variant("evaluate", evaluate_without_eval_mode, "no model.eval()", breaks=_own("evaluate")),
    Variant("evaluate", evaluate_with_gradients, "no torch.no_grad()", breaks=_own("evaluate")),
    Variant("evaluate", evaluate_mean_of_means, "mean of batch means", breaks=_own("evaluate")),
    Variant("evaluate", evaluate_accuracy_percent, "accuracy in percent", breaks=_own("evaluate")),
    Variant(
        "evaluate",
        evaluate_with_backward,
        "backpropagates while evaluating",
        breaks=_own("evaluate"),
    ),
    Variant("evaluate", evaluate_returns_tensors, "tensors, not floats", breaks=_own("evaluate")),
    Variant(
        "train_digits_classifier",
        train_without_step,
        "never steps: accuracy near chance",
        breaks=("train_digits_classifier",),
    ),
    Variant("train_digits_classifier", train_fake_history, "made-up history, untrained model"),
    Variant("train_digits_classifier", train_unseeded, "no seed_everything", breaks=ARGUMENTS_ITEM),
    Variant(
        "train_digits_classifier",
        train_new_loader_each_epoch,
        "same shuffled order every epoch",
        breaks=ARGUMENTS_ITEM,
    ),
    Variant(
        "train_digits_classifier",
        train_validates_on_training_data,
        "val metrics on the training loader",
        breaks=ARGUMENTS_ITEM,
    ),
    Variant(
        "train_digits_classifier",
        train_accuracy_percent,
        "val accuracy in percent",
        breaks=ARGUMENTS_ITEM,
    ),
    Variant(
        "train_digits_classifier", train_ignores_epochs, "epochs ignored", breaks=ARGUMENTS_ITEM
    ),
    Variant(
        "train_digits_classifier", train_ignores_hidden, "hidden ignored", breaks=ARGUMENTS_ITEM
    ),
    Variant("train_digits_classifier", train_ignores_lr, "lr ignored", breaks=ARGUMENTS_ITEM),
    Variant(
        "train_digits_classifier",
        train_ignores_batch_size,
        "batch_size ignored",
        breaks=ARGUMENTS_ITEM,
    ),
    Variant(
        "train_digits_classifier",
        train_ignores_seed_in_split,
        "the data always split with seed 0",
        breaks=ARGUMENTS_ITEM,
    ),
    Variant(
        "train_with_lightning",
        lightning_one_epoch,
        "one epoch instead of max_epochs",
        breaks=("train_with_lightning",),
    ),
    Variant(
        "train_with_lightning",
        lightning_no_training,
        "one batch per epoch: far from trained",
        breaks=("train_with_lightning",),
    ),
    Variant("train_with_lightning", lightning_fake_scores, "made-up scores, untrained model"),
    Variant(
        "train_with_lightning", lightning_unseeded, "no seed_everything", breaks=LIGHTNING_ARGUMENTS
    ),
    Variant(
        "train_with_lightning",
        lightning_test_as_val,
        "test accuracy reported as val_acc",
        breaks=LIGHTNING_ARGUMENTS,
    ),
    Variant(
        "train_with_lightning",
        lightning_writes_files,
        "logger and checkpoints write files",
        breaks=LIGHTNING_ARGUMENTS,
    ),
    Variant(
        "train_with_lightning",
        lightning_tensor_scores,
        "scores as tensors",
        breaks=LIGHTNING_ARGUMENTS,
    ),
    Variant(
        "train_with_lightning",
        lightning_ignores_seed_in_split,
        "the data always split with seed 0",
        breaks=LIGHTNING_ARGUMENTS,
    ),
]

RIGHT = [
    Variant("ArrayDataset", dataset_numpy_backed, "NumPy storage, its own ValueError subclass"),
    Variant(
        "build_transforms", transforms_by_hand, "hand-written shift and normalisation, an extra key"
    ),
    Variant("pad_collate", collate_with_pad_sequence, "pad_sequence"),
    Variant(
        "DigitsDataModule", datamodule_with_numpy, "np.split, float64 statistics, Pad + RandomCrop"
    ),
    Variant(
        "build_mlp", mlp_module, "an nn.Module with F.relu, layers registered in another order"
    ),
    Variant(
        "DigitsClassifier",
        classifier_nll,
        "log_softmax + nll_loss, {'loss': loss}, optimizer in a dict",
    ),
    Variant(
        "DigitsClassifier", classifier_torchmetrics, "torchmetrics objects logged with log_dict"
    ),
    Variant(
        "train_one_epoch",
        train_epoch_zero_grad_after_forward,
        "zero_grad after the forward pass, tensor totals",
    ),
    Variant("train_one_epoch", train_epoch_model_zero_grad, "model.zero_grad()"),
    Variant("evaluate", evaluate_inference_mode, "inference_mode, lists combined, an extra key"),
    Variant(
        "train_digits_classifier", train_own_loop, "its own loop on the notebook's data module"
    ),
    Variant(
        "train_with_lightning", lightning_plain_loaders, "plain DataLoaders, accelerator='auto'"
    ),
    Variant(
        "train_with_lightning",
        lightning_validate_again,
        "L.seed_everything, val_acc from trainer.validate, an extra score",
    ),
]
