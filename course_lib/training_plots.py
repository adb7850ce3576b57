"""Pictures of a network while it trains: curves, decision-boundary snapshots, histograms.

Everything here draws data you computed (per-epoch metrics, a network's
probabilities on a grid, activations and gradients you collected); nothing
here looks inside a model, so the notebooks' graded functions stay yours.
Each function returns the matplotlib ``Figure`` (or ``Axes``) it drew.
matplotlib is imported lazily.

* :func:`plot_history`: loss and accuracy over epochs, training vs validation;
* :func:`decision_grid` + :func:`plot_boundary_snapshots`: how the decision
  boundary of a classifier on 2-D data moves over the epochs;
* :func:`plot_histograms`: activation or gradient distributions, one panel per layer;
* :func:`plot_update_ratios`: log10 update-to-data ratio per layer over steps;
* :func:`plot_lr_sweep`: final losses against the learning rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.plotting import plot_curves

__all__ = [
    "DecisionGrid",
    "decision_grid",
    "plot_boundary_snapshots",
    "plot_histograms",
    "plot_history",
    "plot_lr_sweep",
    "plot_update_ratios",
]


def _columns_of(
    history: Mapping[str, Sequence[float]] | Sequence[Mapping[str, float]],
) -> dict[str, list[float]]:
    """A history as ``{metric: values}``, from either that or a list of logged rows."""
    if isinstance(history, Mapping):
        return {str(k): [float(v) for v in values] for k, values in history.items()}
    columns: dict[str, list[float]] = {}
    for row in history:
        for key, value in row.items():
            if key not in ("step", "epoch") and not str(key).startswith("_"):
                columns.setdefault(str(key), []).append(float(value))
    return columns


def plot_history(
    history: Mapping[str, Sequence[float]] | Sequence[Mapping[str, float]],
    *,
    logy: bool = False,
    title: str = "",
) -> Any:
    """Loss (left) and accuracy (right) per epoch, one line per split.

    Parameters
    ----------
    history : mapping or sequence of mappings
        ``{"train_loss": [...], "val_loss": [...], "train_acc": [...], ...}``,
        or the rows a logger recorded (``[{"step": 0, "train_loss": ...}, ...]``).
        Keys containing ``"loss"`` go to the left panel, ``"acc"`` to the right.
    logy : bool
        Log scale for the loss axis.
    title : str
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    columns = _columns_of(history)
    losses = {k: v for k, v in columns.items() if "loss" in k}
    accuracies = {k: v for k, v in columns.items() if "acc" in k}
    if not losses and not accuracies:
        raise ValueError(f"no loss or accuracy columns in the history (keys: {sorted(columns)})")
    panels = [p for p in (losses, accuracies) if p]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 3.5), squeeze=False)
    for ax, curves in zip(axes[0], panels, strict=True):
        is_loss = curves is losses
        plot_curves(curves, ylabel="loss" if is_loss else "accuracy", logy=logy and is_loss, ax=ax)
        if not is_loss:
            ax.set_ylim(-0.02, 1.02)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


@dataclass(frozen=True)
class DecisionGrid:
    """A regular grid over the plane of 2-D data.

    Attributes
    ----------
    xx, yy : numpy.ndarray
        The grid coordinates, each of shape ``(resolution, resolution)``.
    points : numpy.ndarray
        The same points as rows, shape ``(resolution**2, 2)``, float32 (ready
        for ``torch.from_numpy``); evaluate a classifier on these.
    """

    xx: np.ndarray
    yy: np.ndarray
    points: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.xx.shape[0]), int(self.xx.shape[1]))


def decision_grid(X: np.ndarray, *, resolution: int = 80, pad: float = 0.5) -> DecisionGrid:
    """A ``resolution`` x ``resolution`` grid covering ``X`` (``(n, 2)``) plus ``pad`` on every side."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_grid needs 2-D points of shape (n, 2), got shape {X.shape}")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    return DecisionGrid(xx, yy, points)


def plot_boundary_snapshots(
    grid: DecisionGrid,
    snapshots: Mapping[Any, np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    columns: int = 4,
    label: str = "epoch",
) -> Any:
    """One panel per snapshot: the plane coloured by P(class 1), the data on top.

    Parameters
    ----------
    grid : DecisionGrid
        The grid the probabilities were computed on.
    snapshots : mapping
        ``{epoch: p}`` with ``p`` the probability of class 1 at each grid point
        (shape ``(len(grid.points),)``), in the order to show.
    X, y : numpy.ndarray
        The 2-D data and its 0/1 labels.
    columns : int
        Panels per row.
    label : str
        What the snapshot keys are (panel titles read ``"<label> <key>"``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not snapshots:
        raise ValueError("no snapshots to plot")
    X, y = np.asarray(X), np.asarray(y)
    rows = int(np.ceil(len(snapshots) / columns))
    width = min(columns, len(snapshots))
    fig, axes = plt.subplots(rows, width, figsize=(3.0 * width, 3.0 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (key, probabilities) in zip(axes.ravel(), snapshots.items(), strict=False):
        p = np.asarray(probabilities, dtype=np.float64)
        if p.size != grid.points.shape[0]:
            raise ValueError(
                f"snapshot {key!r} has {p.size} values for a grid of {grid.points.shape[0]} points"
            )
        ax.contourf(
            grid.xx,
            grid.yy,
            p.reshape(grid.shape),
            levels=np.linspace(0, 1, 11),
            cmap="coolwarm",
            alpha=0.6,
        )
        ax.contour(grid.xx, grid.yy, p.reshape(grid.shape), levels=[0.5], colors="k", linewidths=1)
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=10, linewidths=0.4)
        ax.set_title(f"{label} {key}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_histograms(
    values: Mapping[str, np.ndarray],
    *,
    bins: int = 50,
    kind: str = "activation",
    saturation: float | None = None,
    sharex: bool = False,
) -> Any:
    """One histogram per layer (activations or gradients), with mean and std in the title.

    Parameters
    ----------
    values : mapping
        ``{layer name: array}``, any shape (flattened).
    bins : int
        Histogram bins.
    kind : str
        Word for the titles and x label, e.g. ``"activation"`` or ``"gradient"``.
    saturation : float, optional
        If given, the title also shows the fraction with ``|v| > saturation``
        (e.g. ``0.97`` for tanh: units stuck in the flat tails learn slowly).
    sharex : bool
        Same x range on every panel (compare layers' scales at a glance).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if not values:
        raise ValueError("no layers to plot")
    fig, axes = plt.subplots(
        1, len(values), figsize=(3.2 * len(values), 2.8), squeeze=False, sharex=sharex
    )
    for ax, (name, array) in zip(axes[0], values.items(), strict=True):
        flat = np.asarray(array, dtype=np.float64).ravel()
        ax.hist(
            flat, bins=bins, color="tab:purple" if kind == "gradient" else "tab:blue", alpha=0.8
        )
        title = f"{name}\nmean {flat.mean():+.2g}, std {flat.std():.2g}"
        if saturation is not None:
            title += f", |v|>{saturation:g}: {np.mean(np.abs(flat) > saturation):.0%}"
        ax.set_title(title, fontsize=8)
        ax.set_xlabel(kind)
    axes[0][0].set_ylabel("count")
    fig.tight_layout()
    return fig


def plot_update_ratios(
    ratios: Mapping[str, Sequence[float]],
    *,
    guide: float | None = -3.0,
    ax: Any | None = None,
) -> Any:
    """log10(update / data) per layer over training steps, with a guide line (default 1e-3).

    Parameters
    ----------
    ratios : mapping
        ``{layer name: [log10 ratio at step 0, step 1, ...]}``.
    guide : float or None
        Where to draw the dashed reference line; around -3 is a healthy rate
        for many networks (much lower: learning too slowly; much higher: unstable).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from course_lib.plotting import _axes

    ax = _axes(ax, (6, 3.5))
    for name, values in ratios.items():
        ax.plot(np.arange(len(values)), np.asarray(values, dtype=np.float64), label=name)
    if guide is not None:
        ax.axhline(guide, color="k", linestyle="--", linewidth=1, label=f"1e{guide:g}")
    ax.set_xlabel("step")
    ax.set_ylabel("log10(update std / data std)")
    ax.legend(fontsize=8)
    return ax


def plot_lr_sweep(
    learning_rates: Sequence[float],
    losses: Mapping[str, Sequence[float]],
    *,
    chosen: float | None = None,
    ax: Any | None = None,
) -> Any:
    """Final losses against the learning rate (log x axis), with the chosen rate marked.

    Parameters
    ----------
    learning_rates : sequence of float
    losses : mapping
        ``{"train": [...], "val": [...]}``, one value per learning rate.
    chosen : float, optional
        The learning rate picked (on validation!), drawn as a vertical line.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    from course_lib.plotting import _axes

    ax = _axes(ax, (5, 3.5))
    rates = np.asarray(learning_rates, dtype=np.float64)
    for name, values in losses.items():
        if len(values) != len(rates):
            raise ValueError(f"{name!r} has {len(values)} losses for {len(rates)} learning rates")
        ax.plot(rates, np.asarray(values, dtype=np.float64), marker="o", label=name)
    if chosen is not None:
        ax.axvline(chosen, color="k", linestyle=":", label=f"chosen lr={chosen:g}")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("final loss")
    ax.legend()
    return ax
