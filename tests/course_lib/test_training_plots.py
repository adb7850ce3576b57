"""course_lib.training_plots: every figure draws what it is given and saves as a PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from course_lib import training_plots  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def save_png(figure: Any, path: Path) -> Path:
    figure.savefig(path, format="png", dpi=60)
    plt.close(figure)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 2000  # something was drawn, not an empty canvas
    return path


def test_plot_history_from_dict_and_from_logged_rows(tmp_path: Path) -> None:
    history = {
        "train_loss": [1.0, 0.6, 0.4],
        "val_loss": [1.1, 0.8, 0.7],
        "train_acc": [0.5, 0.7, 0.9],
        "val_acc": [0.5, 0.6, 0.8],
    }
    fig = training_plots.plot_history(history, title="run")
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in loss_ax.get_lines()] == ["train_loss", "val_loss"]
    assert list(loss_ax.get_lines()[1].get_ydata()) == [1.1, 0.8, 0.7]
    assert acc_ax.get_ylabel() == "accuracy"
    save_png(fig, tmp_path / "history.png")

    rows = [{"step": i, "train_loss": v, "_runtime": 0.1} for i, v in enumerate([0.9, 0.5])]
    fig = training_plots.plot_history(rows, logy=True)
    assert len(fig.axes) == 1 and fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    with pytest.raises(ValueError, match="no loss or accuracy"):
        training_plots.plot_history({"lr": [0.1]})


def test_decision_grid_covers_the_data_with_padding() -> None:
    X = np.array([[0.0, -1.0], [2.0, 3.0]])
    grid = training_plots.decision_grid(X, resolution=5, pad=1.0)
    assert grid.points.shape == (25, 2) and grid.points.dtype == np.float32
    assert grid.shape == (5, 5)
    assert grid.points[:, 0].min() == -1.0 and grid.points[:, 0].max() == 3.0
    assert grid.points[:, 1].min() == -2.0 and grid.points[:, 1].max() == 4.0
    assert np.array_equal(grid.points[:, 0].reshape(5, 5), grid.xx.astype(np.float32))
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        training_plots.decision_grid(np.zeros((4, 3)))


def test_boundary_snapshots_one_panel_per_epoch(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    grid = training_plots.decision_grid(X, resolution=30)
    # a boundary that sharpens over "epochs": a logistic in x0 with a growing slope
    snapshots = {
        epoch: 0.5 * (1 + np.tanh(0.5 * epoch * grid.points[:, 0])) for epoch in (0, 1, 5, 20, 50)
    }
    fig = training_plots.plot_boundary_snapshots(grid, snapshots, X, y, columns=3)
    titled = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titled == ["epoch 0", "epoch 1", "epoch 5", "epoch 20", "epoch 50"]
    assert len(fig.axes) == 6  # 2 rows x 3 columns, the spare panel blank
    save_png(fig, tmp_path / "boundaries.png")
    with pytest.raises(ValueError, match="grid of 900 points"):
        training_plots.plot_boundary_snapshots(grid, {0: np.zeros(10)}, X, y)


def test_histograms_report_spread_and_saturation(tmp_path: Path) -> None:
    values = {"tanh1": np.array([-1.0, -0.99, 0.0, 0.5]), "tanh2": np.zeros((3, 4))}
    fig = training_plots.plot_histograms(values, kind="activation", saturation=0.97)
    first, second = fig.axes
    assert first.get_title().startswith("tanh1") and "|v|>0.97: 50%" in first.get_title()
    assert "std 0" in second.get_title()
    save_png(fig, tmp_path / "activations.png")
    fig = training_plots.plot_histograms({"w1": np.linspace(-1e-3, 1e-3, 100)}, kind="gradient")
    assert fig.axes[0].get_xlabel() == "gradient" and "|v|" not in fig.axes[0].get_title()
    save_png(fig, tmp_path / "gradients.png")


def test_update_ratio_and_lr_sweep_plots(tmp_path: Path) -> None:
    ax = training_plots.plot_update_ratios(
        {"0.weight": [-2.5, -2.9, -3.1], "2.weight": [-3.5, -3.4, -3.3]}
    )
    assert len(ax.get_lines()) == 3  # two layers and the guide line
    assert list(ax.get_lines()[2].get_ydata()) == [-3.0, -3.0]
    save_png(ax.figure, tmp_path / "ratios.png")
    ax = training_plots.plot_lr_sweep(
        [1e-3, 1e-2, 1e-1], {"train": [0.9, 0.4, 0.2], "val": [0.95, 0.5, 0.6]}, chosen=1e-2
    )
    assert ax.get_xscale() == "log" and len(ax.get_lines()) == 3
    save_png(ax.figure, tmp_path / "sweep.png")
    with pytest.raises(ValueError, match="2 losses for 3"):
        training_plots.plot_lr_sweep([1, 2, 3], {"val": [1, 2]})
