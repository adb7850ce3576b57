"""Figures the notebooks draw: images, distributions, split sizes, curves, decision boundaries.

Every function draws on a given matplotlib ``Axes`` (or makes one) and
returns the ``Axes``, so notebooks can compose figures. matplotlib is
imported lazily: importing ``course_lib`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np


def _axes(ax: Any | None, figsize: tuple[float, float] = (6, 4)) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def show_images(
    images: np.ndarray,
    labels: Sequence[Any] | None = None,
    *,
    columns: int = 10,
    cmap: str = "gray_r",
) -> Any:
    """Show a grid of images (``(n, h, w)`` or ``(n, h*w)`` with square images).

    Returns the matplotlib ``Figure``.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images)
    if images.ndim == 2:
        side = round(float(np.sqrt(images.shape[1])))
        images = images.reshape(len(images), side, side)
    rows = int(np.ceil(len(images) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.9, rows * 1.0), squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if index < len(images):
            ax.imshow(images[index], cmap=cmap)
            if labels is not None:
                ax.set_title(str(labels[index]), fontsize=8)
    fig.tight_layout()
    return fig


def plot_split_sizes(sizes: Mapping[str, int], ax: Any | None = None) -> Any:
    """Bar chart of how many samples each split holds."""
    ax = _axes(ax, (4, 3))
    names = list(sizes)
    ax.bar(
        names,
        [sizes[n] for n in names],
        color=["tab:blue", "tab:orange", "tab:green"][: len(names)],
    )
    for x, name in enumerate(names):
        ax.text(x, sizes[name], str(sizes[name]), ha="center", va="bottom")
    ax.set_ylabel("samples")
    ax.set_title("split sizes")
    return ax


def plot_class_balance(labels_by_split: Mapping[str, np.ndarray], ax: Any | None = None) -> Any:
    """Class frequencies per split, side by side (is the split stratified?)."""
    ax = _axes(ax)
    classes = np.unique(np.concatenate([np.asarray(v) for v in labels_by_split.values()]))
    width = 0.8 / max(1, len(labels_by_split))
    for offset, (name, labels) in enumerate(labels_by_split.items()):
        labels = np.asarray(labels)
        freq = [(labels == c).mean() if len(labels) else 0 for c in classes]
        ax.bar(np.arange(len(classes)) + offset * width, freq, width=width, label=name)
    ax.set_xticks(
        np.arange(len(classes)) + width * (len(labels_by_split) - 1) / 2, [str(c) for c in classes]
    )
    ax.set_ylabel("fraction of split")
    ax.legend()
    return ax


def compare_distributions(
    columns: Mapping[str, np.ndarray], *, bins: int = 30, ax: Any | None = None, title: str = ""
) -> Any:
    """Overlaid histograms of one feature under several transformations (raw, standardised, ...)."""
    ax = _axes(ax)
    for name, values in columns.items():
        ax.hist(np.asarray(values).ravel(), bins=bins, alpha=0.5, label=name)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "epoch",
    ylabel: str = "loss",
    logy: bool = False,
    ax: Any | None = None,
) -> Any:
    """Line plot of named curves (training/validation loss, accuracy, ...)."""
    ax = _axes(ax)
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    ax.legend()
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    resolution: int = 200,
    ax: Any | None = None,
    title: str = "",
) -> Any:
    """Colour the plane by ``predict`` (labels for an ``(m, 2)`` array) and scatter the data on top."""
    ax = _axes(ax, (5, 5))
    X = np.asarray(X)
    pad = 0.5
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    labels = np.asarray(predict(np.column_stack([grid_x.ravel(), grid_y.ravel()]))).reshape(
        grid_x.shape
    )
    ax.contourf(grid_x, grid_y, labels, alpha=0.3, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=15)
    if title:
        ax.set_title(title)
    return ax
