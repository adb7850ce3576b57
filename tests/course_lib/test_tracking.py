"""course_lib.tracking: real offline W&B runs read back from disk, the CSV fallback, the sandbox rule."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from course_lib import tracking

pytest.importorskip("wandb")


@pytest.fixture
def wandb_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """W&B enabled, with every file it writes (settings, cache, artifacts) under tmp_path."""
    for name in ("WANDB_MODE", "WANDB_DISABLED", "WANDB_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "WANDB_DIR",
        "WANDB_CACHE_DIR",
        "WANDB_CONFIG_DIR",
        "WANDB_DATA_DIR",
        "WANDB_ARTIFACT_DIR",
    ):
        monkeypatch.setenv(name, str(tmp_path / "wandb-home"))
    monkeypatch.setenv("WANDB_SILENT", "true")
    return tmp_path


@pytest.mark.slow
def test_offline_wandb_run_writes_a_local_run_that_reads_back(wandb_env: Path) -> None:
    losses = [2.0 / (step + 1) for step in range(6)]
    with tracking.start_run(
        "week06-test", wandb_env / "runs", config={"lr": 0.05, "hidden": 16}
    ) as run:
        assert isinstance(run, tracking.WandbRun)
        for step, loss in enumerate(losses):
            run.log({"train_loss": loss, "val_acc": step / 10}, step=step)
        run.summary(best_val_acc=0.5)
    run_dir = Path(run.run_dir)
    assert run_dir.parent == wandb_env / "runs" / "wandb"
    assert run_dir.name.startswith("offline-run-") and run_dir.name.endswith(run.run_id)
    assert (run_dir / f"run-{run.run_id}.wandb").stat().st_size > 100
    assert (run_dir / "files").is_dir()

    record = tracking.read_wandb_run(run_dir)
    assert record.run_id == run.run_id
    assert record.config == {"lr": 0.05, "hidden": 16}
    assert record.metric("train_loss") == pytest.approx(losses)
    assert [row["_step"] for row in record.history] == list(range(6))
    assert record.summary["best_val_acc"] == pytest.approx(0.5)
    assert record.summary["train_loss"] == pytest.approx(losses[-1])  # the last logged value


def test_sandbox_setting_disables_wandb_and_falls_back_to_csv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WANDB_MODE", "disabled")  # what the grading sandbox sets
    assert not tracking.wandb_enabled()
    logger = tracking.start_run("sweep", tmp_path, config={"lr": 0.1}, name="lr0.1")
    assert isinstance(logger, tracking.CSVLogger)
    assert logger.path == tmp_path / "sweep-lr0.1.csv"
    assert not (tmp_path / "wandb").exists()


def test_csv_logger_rows_new_columns_and_tensors(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    path = tmp_path / "logs" / "run.csv"
    with tracking.CSVLogger(path, config={"epochs": 3}) as logger:
        logger.log({"loss": torch.tensor(1.5)})  # a 0-d tensor is logged as its number
        logger.log({"loss": 0.75, "acc": 0.5})  # a new column widens the header
        logger.log({"acc": 0.75}, step=10)
    rows = tracking.read_csv_log(path)
    assert rows == [
        {"step": 0, "loss": 1.5},
        {"step": 1, "loss": 0.75, "acc": 0.5},
        {"step": 10, "acc": 0.75},
    ]
    assert path.read_text().splitlines()[0] == "step,loss,acc"
    assert (tmp_path / "logs" / "run.config.json").is_file()
    assert logger.history == rows


def test_auto_backend_survives_a_failing_wandb(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no service")

    monkeypatch.setattr(tracking, "wandb_enabled", lambda: True)
    monkeypatch.setattr(tracking, "WandbRun", broken)
    with pytest.warns(UserWarning, match="logging to CSV"):
        logger = tracking.start_run("p", tmp_path)
    assert isinstance(logger, tracking.CSVLogger)
    with pytest.raises(RuntimeError):
        tracking.start_run("p", tmp_path, backend="wandb")
    with pytest.raises(ValueError, match="backend"):
        tracking.start_run("p", tmp_path, backend="tensorboard")


@pytest.mark.slow
def test_lightning_logger_offline_wandb_run(wandb_env: Path) -> None:
    torch = pytest.importorskip("torch")
    lightning = pytest.importorskip("lightning")

    class Tiny(lightning.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.layer = torch.nn.Linear(2, 1)

        def training_step(self, batch: tuple[torch.Tensor, torch.Tensor], _: int) -> torch.Tensor:
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.layer(x), y)
            self.log("train_loss", loss, on_step=True, on_epoch=False)
            return loss

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.SGD(self.parameters(), lr=0.1)

    torch.manual_seed(0)
    x = torch.randn(32, 2)
    data = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8
    )
    logger = tracking.lightning_logger("lit", wandb_env / "lit", config={"lr": 0.1})
    assert type(logger).__name__ == "WandbLogger"
    trainer = lightning.Trainer(
        max_epochs=1,
        logger=logger,
        log_every_n_steps=1,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(Tiny(), data)
    run_dir = Path(logger.experiment.dir).parent
    logger.experiment.finish()
    assert tracking.wait_until_written(run_dir)
    record = tracking.read_wandb_run(run_dir)
    losses = record.metric("train_loss")
    assert len(losses) == 4 and all(math.isfinite(v) for v in losses)
    assert record.config["lr"] == 0.1


def test_lightning_logger_falls_back_to_csv(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("lightning")
    monkeypatch.setenv("WANDB_MODE", "disabled")
    logger = tracking.lightning_logger("lit", tmp_path)
    assert type(logger).__name__ == "CSVLogger"
    assert Path(logger.save_dir) == tmp_path
