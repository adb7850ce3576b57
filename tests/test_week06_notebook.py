"""Week 6's notebook draws its pictures: executed in a Jupyter kernel, every plotting cell
leaves PNG images in its outputs (curves, decision-boundary snapshots, histograms, ...).

The solution notebook is executed with nbclient, without its test cells (they only give
instant feedback and are covered by tests/test_course.py), in a scratch folder, with W&B
disabled as in the grader (the run is logged to CSV there).
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

SOLUTION = ROOT / "solutions" / "week06" / "week06.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# cell id -> figures the cell must show (each plt.show() or returned figure is one PNG output)
EXPECTED_FIGURES = {
    "overfit-plot": 1,
    "independence-plot": 1,
    "history-plot": 1,
    "boundary-plot": 1,
    "inside-plot": 4,  # activations and gradients, for two initialisations
    "ratio-plot": 1,
    "sweep-plot": 1,
}


def _is_test_cell(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    notebook = nbformat.reads(SOLUTION.read_text(), as_version=4)
    notebook.cells = [cell for cell in notebook.cells if not _is_test_cell(cell)]
    workdir = tmp_path_factory.mktemp("week06-run")
    saved = {
        name: os.environ.get(name)
        for name in ("MPLBACKEND", "WANDB_MODE", "PYTHONPATH", "OMP_NUM_THREADS")
    }
    os.environ.pop(
        "MPLBACKEND", None
    )  # the kernel's inline backend turns plt.show() into PNG outputs
    os.environ["WANDB_MODE"] = "disabled"
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved["PYTHONPATH"]]))
    try:
        client = nbclient.NotebookClient(
            notebook,
            timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": str(workdir)}},
        )
        client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook, workdir


def _pngs(cell: Any) -> list[bytes]:
    images = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            images.append(base64.b64decode(data["image/png"]))
    return images


@pytest.mark.slow
def test_every_plotting_cell_renders_png_figures(executed: Any) -> None:
    notebook, _ = executed
    cells = {cell.get("id"): cell for cell in notebook.cells}
    errors = [
        out
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, f"the notebook raised: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    for cell_id, count in EXPECTED_FIGURES.items():
        images = _pngs(cells[cell_id])
        assert len(images) == count, (
            f"cell {cell_id} shows {len(images)} PNG figures, expected {count}"
        )
        for image in images:
            assert image[:8] == PNG_SIGNATURE
            assert len(image) > 5000, (
                f"cell {cell_id}: a suspiciously small figure ({len(image)} bytes)"
            )


@pytest.mark.slow
def test_the_logged_run_is_on_disk_as_csv_when_wandb_is_disabled(executed: Any) -> None:
    _, workdir = executed
    log = workdir / "runs" / "week06-moons.csv"
    assert log.is_file()
    rows = log.read_text().splitlines()
    header = rows[0].split(",")
    assert header[0] == "step" and sorted(header[1:]) == [
        "train_acc",
        "train_loss",
        "val_acc",
        "val_loss",
    ]
    assert len(rows) == 1 + 40  # one row per epoch
    assert json.loads((workdir / "runs" / "week06-moons.config.json").read_text())["epochs"] == 40


def test_expected_figure_cells_exist_in_the_notebook() -> None:
    """Cheap guard: a renamed plotting cell must update EXPECTED_FIGURES (no kernel needed)."""
    ids = {cell.get("id") for cell in json.loads(Path(SOLUTION).read_text())["cells"]}
    assert set(EXPECTED_FIGURES) <= ids
