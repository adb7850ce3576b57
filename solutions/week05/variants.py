"""Week 5 variants: wrong answers that must lose points, right ones written differently that must not.

This module is also loaded by the trusted process (the release gate), which
never imports torch or lightning: every variant imports them inside its body,
and classes are returned by small factories (``ns["ArrayDataset"](X, y)``
works the same with a function that returns an instance).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.spec import Variant


# ----------------------------------------------------------------------------- ArrayDataset
def _array_dataset(eager: bool = False, keep_float64: bool = False) -> Any:
    import torch
    from torch.utils.data import Dataset

    class NumpyBackedDataset(Dataset):
        """Keeps NumPy arrays and converts one sample at a time."""

        def __init__(self, features: Any, targets: Any, transform: Any = None) -> None:
            self.features = np.asarray(features, dtype=np.float64 if keep_float64 else np.float32)
            self.targets = np.asarray(targets)
            if len(self.features) != len(self.targets):
                raise ValueError("lengths differ")
            self.transform = transform
            if eager and transform is not None:
                self.features = np.stack(
                    [np.asarray(transform(torch.from_numpy(x))) for x in self.features]
                )

        def __len__(self) -> int:
            return self.features.shape[0]

        def __getitem__(self, index: int) -> Any:
            x = torch.from_numpy(self.features[index].copy())
            if self.transform is not None and not eager:
                x = self.transform(x)
            dtype = torch.float32 if np.issubdtype(self.targets.dtype, np.floating) else torch.int64
            return x, torch.tensor(self.targets[index].item(), dtype=dtype)

    return NumpyBackedDataset


def dataset_numpy_backed(features: Any, targets: Any, transform: Any = None) -> Any:
    """Right: NumPy storage, conversion in __getitem__."""
    return _array_dataset()(features, targets, transform)


def dataset_transform_in_init(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: applies the transform once, in __init__."""
    return _array_dataset(eager=True)(features, targets, transform)


def dataset_float64(features: Any, targets: Any, transform: Any = None) -> Any:
    """Wrong: features stay float64."""
    return _array_dataset(keep_float64=True)(features, targets, transform)


# ----------------------------------------------------------------------------- build_transforms
def transforms_by_hand(mean: float, std: float) -> dict[str, Any]:
    """Right: a hand-written random shift (F.pad + slicing), then arithmetic normalisation."""
    import torch
    import torch.nn.functional as F

    def normalise(image: Any) -> Any:
        return (image - mean) / std

    def shift_then_normalise(image: Any) -> Any:
        top, left = (int(v) for v in torch.randint(0, 3, (2,)))
        padded = F.pad(image, (1, 1, 1, 1))
        return normalise(padded[:, top : top + 8, left : left + 8])

    return {"eval": normalise, "train": shift_then_normalise}


def transforms_normalise_first(mean: float, std: float) -> dict[str, Any]:
    """Wrong: normalises, then pads with 0 (which is no longer background)."""
    from torchvision.transforms import v2

    normalize = v2.Normalize([mean], [std])
    return {"train": v2.Compose([normalize, v2.RandomCrop(8, padding=1)]), "eval": normalize}


def transforms_without_augmentation(mean: float, std: float) -> dict[str, Any]:
    """Wrong: the training transform does not shift."""
    from torchvision.transforms import v2

    normalize = v2.Normalize([mean], [std])
    return {"train": normalize, "eval": normalize}


def transforms_swapped(mean: float, std: float) -> dict[str, Any]:
    """Wrong: (x - std) / mean."""
    from torchvision.transforms import v2

    normalize = v2.Normalize([std], [mean])
    return {"train": v2.Compose([v2.RandomCrop(8, padding=1), normalize]), "eval": normalize}


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


# ----------------------------------------------------------------------------- DigitsDataModule
def _datamodule(leak_statistics: bool = False, shuffle: bool = True) -> Any:
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

        def setup(self, stage: str | None = None) -> None:
            data = load_digit_images()
            n = len(data)
            order = np.random.default_rng(self.seed).permutation(n)
            cuts = [
                int(self.val_fraction * n),
                int(self.val_fraction * n) + int(self.test_fraction * n),
            ]
            val, test, train = np.split(order, cuts)
            pixels = data.images.numpy()
            stats_from = pixels if leak_statistics else pixels[train]
            self.mean_, self.std_ = (
                float(np.mean(stats_from, dtype=np.float64)),
                float(np.std(stats_from, dtype=np.float64)),
            )
            normalize = v2.Normalize([self.mean_], [self.std_])
            augment = v2.Compose([v2.Pad(1), v2.RandomCrop(8), normalize])
            self.train_set = Images(data.images[train], data.labels[train], augment)
            self.val_set = Images(data.images[val], data.labels[val], normalize)
            self.test_set = Images(data.images[test], data.labels[test], normalize)

        def train_dataloader(self) -> Any:
            generator = torch.Generator().manual_seed(self.seed + 1)
            return DataLoader(
                self.train_set, batch_size=self.batch_size, shuffle=shuffle, generator=generator
            )

        def val_dataloader(self) -> Any:
            return DataLoader(self.val_set, batch_size=self.batch_size)

        def test_dataloader(self) -> Any:
            return DataLoader(self.test_set, batch_size=self.batch_size)

    return SplitWithNumpy


def datamodule_with_numpy(**kwargs: Any) -> Any:
    """Right: np.split, NumPy statistics in float64, Pad + RandomCrop, its own Dataset class."""
    return _datamodule()(**kwargs)


def datamodule_leaky_statistics(**kwargs: Any) -> Any:
    """Wrong: mean and std over all images (validation and test leak in)."""
    return _datamodule(leak_statistics=True)(**kwargs)


def datamodule_unshuffled(**kwargs: Any) -> Any:
    """Wrong: the training loader is not shuffled."""
    return _datamodule(shuffle=False)(**kwargs)


# ----------------------------------------------------------------------------- build_mlp
def _mlp(hidden: int, n_classes: int, activation: str) -> Any:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class TwoLayerPerceptron(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(64, hidden)
            self.fc2 = nn.Linear(hidden, n_classes)

        def forward(self, x: Any) -> Any:
            h = self.fc1(x.reshape(len(x), -1))
            h = torch.sigmoid(h) if activation == "sigmoid" else F.relu(h)
            out = self.fc2(h)
            return out.softmax(dim=1) if activation == "softmax" else out

    return TwoLayerPerceptron()


def mlp_module(hidden: int = 64, n_classes: int = 10) -> Any:
    """Right: an nn.Module with reshape and F.relu."""
    return _mlp(hidden, n_classes, "relu")


def mlp_sigmoid(hidden: int = 64, n_classes: int = 10) -> Any:
    """Wrong: sigmoid instead of ReLU."""
    return _mlp(hidden, n_classes, "sigmoid")


def mlp_softmax_output(hidden: int = 64, n_classes: int = 10) -> Any:
    """Wrong: returns probabilities, not logits."""
    return _mlp(hidden, n_classes, "softmax")


# ----------------------------------------------------------------------------- DigitsClassifier
def _classifier(mistake: str = "") -> Any:
    import lightning as L
    import torch
    import torch.nn.functional as F
    from torch import nn

    class Classifier(L.LightningModule):
        def __init__(self, hidden: int = 64, lr: float = 1e-2) -> None:
            super().__init__()
            self.net = nn.Sequential(
                nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10)
            )
            self.lr = lr

        def forward(self, x: Any) -> Any:
            return self.net(x)

        def _scores(self, batch: Any) -> tuple[Any, Any]:
            x, y = batch
            log_probs = F.log_softmax(self(x), dim=1)
            loss = F.nll_loss(log_probs, y)
            accuracy = (log_probs.argmax(dim=1) == y).sum() / len(y)
            return loss, accuracy * (100 if mistake == "percent" else 1)

        def training_step(self, batch: Any, batch_idx: int) -> Any:
            loss, _ = self._scores(batch)
            self.log("train_loss", loss, prog_bar=True)
            return loss.item() if mistake == "item" else {"loss": loss}["loss"]

        def validation_step(self, batch: Any, batch_idx: int) -> None:
            loss, accuracy = self._scores(batch)
            self.log("val_loss", loss)
            self.log("val_acc", accuracy)

        def test_step(self, batch: Any, batch_idx: int) -> None:
            loss, accuracy = self._scores(batch)
            self.log("test_loss", loss)
            self.log("test_acc", accuracy)

        def configure_optimizers(self) -> Any:
            if mistake == "sgd":
                return torch.optim.SGD(self.parameters(), lr=self.lr)
            return {"optimizer": torch.optim.Adam(self.parameters(), lr=self.lr)}

    return Classifier


def classifier_nll(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Right: log_softmax + nll_loss, optimizer returned in a dict."""
    return _classifier()(hidden=hidden, lr=lr)


def classifier_returns_float(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: training_step returns loss.item() (no graph for backward)."""
    return _classifier("item")(hidden=hidden, lr=lr)


def classifier_accuracy_percent(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: logs accuracy in percent."""
    return _classifier("percent")(hidden=hidden, lr=lr)


def classifier_sgd(hidden: int = 64, lr: float = 1e-2) -> Any:
    """Wrong: SGD instead of Adam."""
    return _classifier("sgd")(hidden=hidden, lr=lr)


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
    zero: bool = True,
    train: bool = True,
    mean_of_means: bool = False,
    step_first: bool = False,
) -> float:
    if train:
        model.train()
    losses, sizes = [], []
    for x, y in loader:
        if zero:
            optimizer.zero_grad()
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
    return float(np.dot(losses, sizes) / np.sum(sizes))


def train_epoch_no_zero_grad(
    model: Any, loader: Any, loss_fn: Any, optimizer: Any, device: str = "cpu"
) -> float:
    """Wrong: never zeroes the gradients."""
    return _epoch(model, loader, loss_fn, optimizer, zero=False)


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


# ----------------------------------------------------------------------------- evaluate
def evaluate_inference_mode(
    model: Any, loader: Any, loss_fn: Any, device: str = "cpu"
) -> dict[str, float]:
    """Right: torch.inference_mode, per-batch lists combined at the end."""
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
    }


def _evaluate(
    model: Any,
    loader: Any,
    loss_fn: Any,
    *,
    eval_mode: bool = True,
    no_grad: bool = True,
    mean_of_means: bool = False,
) -> dict[str, float]:
    import contextlib

    import torch

    if eval_mode:
        model.eval()
    losses, sizes, hits = [], [], 0
    with torch.no_grad() if no_grad else contextlib.nullcontext():
        for x, y in loader:
            logits = model(x)
            losses.append(loss_fn(logits, y).item())
            sizes.append(len(y))
            hits += int((logits.argmax(1) == y).sum())
    loss = float(np.mean(losses)) if mean_of_means else float(np.dot(losses, sizes) / sum(sizes))
    return {"loss": loss, "accuracy": hits / sum(sizes)}


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


# ----------------------------------------------------------------------------- train_digits_classifier
def _train_mlp(
    seed: int, epochs: int, hidden: int, lr: float, batch_size: int, *, step: bool
) -> dict[str, list[float]]:
    import torch
    import torch.nn.functional as F
    from torch import nn

    from course_lib import seed_everything
    from course_lib.digits_images import load_digit_images

    seed_everything(seed)
    data = load_digit_images()
    order = np.random.default_rng(seed).permutation(len(data))
    n_val = n_test = int(0.2 * len(data))
    val, train = order[:n_val], order[n_val + n_test :]
    mean, std = data.images[train].mean(), data.images[train].std()
    images = (data.images - mean) / std
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        model.train()
        total = 0.0
        for rows in torch.randperm(len(train)).split(batch_size):
            x, y = images[train][rows], data.labels[train][rows]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            if step:
                optimizer.step()
            total += loss.item() * len(rows)
        model.eval()
        with torch.no_grad():
            logits = model(images[val])
            history["val_loss"].append(F.cross_entropy(logits, data.labels[val]).item())
            history["val_accuracy"].append(
                (logits.argmax(1) == data.labels[val]).double().mean().item()
            )
        history["train_loss"].append(total / len(train))
    return history


def train_with_tensor_batches(
    seed: int, epochs: int = 8, hidden: int = 64, lr: float = 1e-2, batch_size: int = 64
) -> dict[str, list[float]]:
    """Right: its own loop over index batches, no DataLoader and no augmentation."""
    return _train_mlp(seed, epochs, hidden, lr, batch_size, step=True)


def train_without_step(
    seed: int, epochs: int = 8, hidden: int = 64, lr: float = 1e-2, batch_size: int = 64
) -> dict[str, list[float]]:
    """Wrong: never calls optimizer.step()."""
    return _train_mlp(seed, epochs, hidden, lr, batch_size, step=False)


# ----------------------------------------------------------------------------- train_with_lightning
def _lightning(
    seed: int, max_epochs: int, *, train_batches: float | int = 1.0, run_epochs: int | None = None
) -> dict[str, Any]:
    import lightning as L
    from torch.utils.data import DataLoader, TensorDataset

    from course_lib import seed_everything
    from course_lib.digits_images import load_digit_images

    seed_everything(seed)
    data = load_digit_images()
    order = np.random.default_rng(seed).permutation(len(data))
    val, test, train = order[:359], order[359:718], order[718:]
    mean, std = data.images[train].mean(), data.images[train].std()
    images = (data.images - mean) / std

    def loader(rows: np.ndarray, shuffle: bool = False) -> Any:
        return DataLoader(
            TensorDataset(images[rows], data.labels[rows]), batch_size=64, shuffle=shuffle
        )

    model = classifier_nll()
    trainer = L.Trainer(
        max_epochs=run_epochs or max_epochs,
        accelerator="auto",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_train_batches=train_batches,
    )
    trainer.fit(model, loader(train, shuffle=True), loader(val))
    val_acc = trainer.callback_metrics["val_acc"].item()
    test_acc = trainer.test(model, loader(test), verbose=False)[0]["test_acc"]
    return {"val_acc": val_acc, "test_acc": float(test_acc), "epochs": trainer.current_epoch}


def lightning_plain_loaders(seed: int, max_epochs: int = 5) -> dict[str, Any]:
    """Right: plain DataLoaders passed to fit, accelerator='auto' (the CPU in the grader)."""
    return _lightning(seed, max_epochs)


def lightning_one_epoch(seed: int, max_epochs: int = 5) -> dict[str, Any]:
    """Wrong: ignores max_epochs and trains a single epoch."""
    return _lightning(seed, max_epochs, run_epochs=1)


def lightning_no_training(seed: int, max_epochs: int = 5) -> dict[str, Any]:
    """Wrong: one training batch per epoch (limit_train_batches=1): five steps, far from trained."""
    return _lightning(seed, max_epochs, train_batches=1)


WRONG = [
    Variant(
        "ArrayDataset",
        dataset_transform_in_init,
        "transform applied once in __init__",
        breaks=("ArrayDataset", "ArrayDataset.hidden"),
    ),
    Variant(
        "ArrayDataset",
        dataset_float64,
        "features kept as float64",
        breaks=("ArrayDataset", "ArrayDataset.hidden"),
    ),
    Variant(
        "build_transforms",
        transforms_normalise_first,
        "normalises before the shift",
        breaks=("build_transforms", "build_transforms.hidden"),
    ),
    Variant(
        "build_transforms",
        transforms_without_augmentation,
        "no random shift",
        breaks=("build_transforms", "build_transforms.hidden"),
    ),
    Variant(
        "build_transforms",
        transforms_swapped,
        "mean and std swapped",
        breaks=("build_transforms", "build_transforms.hidden"),
    ),
    Variant("pad_collate", collate_padding_in_front, "pads at the front"),
    Variant("pad_collate", collate_sorted_by_length, "reorders the batch"),
    Variant("DigitsDataModule", datamodule_leaky_statistics, "statistics over all images"),
    Variant("DigitsDataModule", datamodule_unshuffled, "training loader not shuffled"),
    Variant(
        "build_mlp", mlp_sigmoid, "sigmoid activation", breaks=("build_mlp", "build_mlp.hidden")
    ),
    Variant(
        "build_mlp", mlp_softmax_output, "softmax output", breaks=("build_mlp", "build_mlp.hidden")
    ),
    Variant("DigitsClassifier", classifier_returns_float, "training_step returns a float"),
    Variant("DigitsClassifier", classifier_accuracy_percent, "accuracy in percent"),
    Variant("DigitsClassifier", classifier_sgd, "SGD instead of Adam"),
    Variant(
        "train_one_epoch",
        train_epoch_no_zero_grad,
        "never zeroes gradients",
        breaks=("train_one_epoch", "train_one_epoch.hidden"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_mean_of_means,
        "mean of batch means",
        breaks=("train_one_epoch", "train_one_epoch.hidden"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_no_train_mode,
        "no model.train()",
        breaks=("train_one_epoch", "train_one_epoch.hidden"),
    ),
    Variant(
        "train_one_epoch",
        train_epoch_step_before_backward,
        "step before backward",
        breaks=("train_one_epoch", "train_one_epoch.hidden"),
    ),
    Variant(
        "evaluate",
        evaluate_without_eval_mode,
        "no model.eval()",
        breaks=("evaluate", "evaluate.hidden"),
    ),
    Variant(
        "evaluate",
        evaluate_with_gradients,
        "no torch.no_grad()",
        breaks=("evaluate", "evaluate.hidden"),
    ),
    Variant(
        "evaluate",
        evaluate_mean_of_means,
        "mean of batch means",
        breaks=("evaluate", "evaluate.hidden"),
    ),
    Variant("train_digits_classifier", train_without_step, "never steps: accuracy near chance"),
    Variant("train_with_lightning", lightning_one_epoch, "one epoch instead of max_epochs"),
    Variant(
        "train_with_lightning",
        lightning_no_training,
        "one batch per epoch: accuracy far below the threshold",
    ),
]

RIGHT = [
    Variant("ArrayDataset", dataset_numpy_backed, "NumPy storage, converted per item"),
    Variant("build_transforms", transforms_by_hand, "hand-written shift and normalisation"),
    Variant("pad_collate", collate_with_pad_sequence, "pad_sequence"),
    Variant(
        "DigitsDataModule", datamodule_with_numpy, "np.split, float64 statistics, Pad + RandomCrop"
    ),
    Variant("build_mlp", mlp_module, "an nn.Module with F.relu"),
    Variant("DigitsClassifier", classifier_nll, "log_softmax + nll_loss, optimizer in a dict"),
    Variant(
        "train_one_epoch",
        train_epoch_zero_grad_after_forward,
        "zero_grad after the forward pass, tensor totals",
    ),
    Variant("evaluate", evaluate_inference_mode, "inference_mode, lists combined at the end"),
    Variant("train_digits_classifier", train_with_tensor_batches, "own loop over index batches"),
    Variant(
        "train_with_lightning", lightning_plain_loaders, "plain DataLoaders, accelerator='auto'"
    ),
]
