"""Real Lightning runs of week 5's reference DigitsDataModule and DigitsClassifier, on the CPU.

The classes come from the solution notebook itself (its setup cell and its
solution cells, executed here), so this tests what students are asked to
write, trained by a real ``lightning.Trainer`` with a ``CSVLogger``: the run
happens, the data module's hooks are called, metrics are logged every
epoch, and the model learns. A second run logs to an offline Weights &
Biases run (through ``course_lib.tracking``) that is read back from disk.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

L = pytest.importorskip("lightning", reason="lightning is part of the course environment")
torch = pytest.importorskip("torch")

NOTEBOOK = ROOT / "solutions" / "week05" / "week05.ipynb"
EPOCHS = 3

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def week05() -> dict[str, Any]:
    """The namespace of week 5's setup cell and solution cells (no plots, no test cells)."""
    notebook = json.loads(NOTEBOOK.read_text())
    namespace: dict[str, Any] = {"__name__": "week05_solution"}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and (
            meta.get("solution") or meta.get("grade_id") == "imports"
        ):
            exec(
                compile("".join(cell["source"]), f"<week05 {meta['grade_id']}>", "exec"), namespace
            )
    return namespace


@pytest.fixture(scope="module")
def fitted(week05: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from lightning.pytorch.loggers import CSVLogger

    week05["seed_everything"](0)
    calls: list[str] = []

    class RecordingDataModule(week05["DigitsDataModule"]):  # type: ignore[misc, valid-type]
        def prepare_data(self) -> None:
            calls.append("prepare_data")
            super().prepare_data()

        def setup(self, stage: str | None = None) -> None:
            calls.append(f"setup:{getattr(stage, 'value', stage)}")  # a TrainerFn enum
            super().setup(stage)

    root = tmp_path_factory.mktemp("lightning")
    data = RecordingDataModule(batch_size=64, seed=0)
    model = week05["DigitsClassifier"](hidden=32, lr=1e-2)
    before = [p.detach().clone() for p in model.parameters()]
    trainer = L.Trainer(
        max_epochs=EPOCHS,
        accelerator="cpu",
        devices=1,
        logger=CSVLogger(root, name="week05"),
        log_every_n_steps=5,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
    )
    trainer.fit(model, datamodule=data)
    val_acc = float(trainer.callback_metrics["val_acc"])
    train_batches = trainer.num_training_batches
    tested = trainer.test(model, datamodule=data, verbose=False)
    return {
        "trainer": trainer,
        "model": model,
        "before": before,
        "calls": calls,
        "val_acc": val_acc,
        "train_batches": train_batches,
        "train_samples": len(data.train_set),
        "tested": tested,
        "log_dir": Path(trainer.logger.log_dir),
    }


def _metrics(log_dir: Path) -> list[dict[str, str]]:
    with (log_dir / "metrics.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_the_trainer_ran_every_epoch_on_the_cpu(fitted: dict[str, Any]) -> None:
    trainer = fitted["trainer"]
    assert trainer.current_epoch == EPOCHS
    assert trainer.state.finished
    assert fitted["train_batches"] == -(-fitted["train_samples"] // 64)
    assert trainer.global_step == EPOCHS * fitted["train_batches"]
    assert next(fitted["model"].parameters()).device.type == "cpu"


def test_the_data_module_hooks_were_called(fitted: dict[str, Any]) -> None:
    calls = fitted["calls"]
    assert "prepare_data" in calls
    assert "setup:fit" in calls and "setup:test" in calls
    assert calls.index("prepare_data") < calls.index("setup:fit")


def test_training_changed_the_weights_and_learned(fitted: dict[str, Any]) -> None:
    after = list(fitted["model"].parameters())
    assert all(not torch.equal(a, b) for a, b in zip(fitted["before"], after, strict=True))
    # chance is 0.1; 3 epochs of this run reach far more (about 0.85-0.9)
    assert fitted["val_acc"] > 0.7
    assert fitted["tested"][0]["test_acc"] > 0.7


def test_metrics_were_logged_every_epoch_to_csv(fitted: dict[str, Any]) -> None:
    rows = _metrics(fitted["log_dir"])
    assert rows, "metrics.csv is empty"
    columns = set(rows[0])
    assert {"train_loss", "val_loss", "val_acc", "test_acc", "epoch", "step"} <= columns
    val_rows = [r for r in rows if r["val_acc"]]
    assert [int(r["epoch"]) for r in val_rows] == list(range(EPOCHS)), (
        "one validation row per epoch"
    )
    train_losses = [float(r["train_loss"]) for r in rows if r["train_loss"]]
    assert len(train_losses) >= EPOCHS, "train_loss is logged during each epoch"
    assert train_losses[-1] < train_losses[0], "the training loss goes down"
    assert len([r for r in rows if r["test_acc"]]) == 1
    assert (fitted["log_dir"] / "hparams.yaml").read_text().count("lr") == 1, (
        "save_hyperparameters() was logged"
    )


def test_an_offline_wandb_logger_records_the_same_run(
    week05: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lightning's WandbLogger (offline, through course_lib.tracking) logs every epoch to disk."""
    pytest.importorskip("wandb")
    from course_lib import tracking

    for name in ("WANDB_MODE", "WANDB_DISABLED", "WANDB_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("WANDB_DIR", "WANDB_CACHE_DIR", "WANDB_CONFIG_DIR", "WANDB_DATA_DIR"):
        monkeypatch.setenv(name, str(tmp_path / "wandb-home"))
    monkeypatch.setenv("WANDB_SILENT", "true")

    week05["seed_everything"](1)
    logger = tracking.lightning_logger(
        "week05-test", tmp_path / "runs", config={"hidden": 16}, backend="wandb"
    )
    trainer = L.Trainer(
        max_epochs=2,
        accelerator="cpu",
        devices=1,
        logger=logger,
        log_every_n_steps=5,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tmp_path,
    )
    trainer.fit(
        week05["DigitsClassifier"](hidden=16), datamodule=week05["DigitsDataModule"](seed=1)
    )
    run_dir = Path(logger.experiment.dir).parent
    logger.experiment.finish()
    assert tracking.wait_until_written(run_dir, timeout=30.0), "the offline run was not finalised"

    record = tracking.read_wandb_run(run_dir)
    assert record.config.get("hidden") == 16
    assert len(record.metric("val_acc")) == 2, "one validation accuracy per epoch"
    assert len(record.metric("train_loss")) >= 2
    assert record.metric("val_acc")[-1] > 0.5
