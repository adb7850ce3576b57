"""course_lib.device: the device choice and moving nested batches."""

from __future__ import annotations

from collections import namedtuple

import pytest
import torch

from course_lib.device import move_to, pick_device


def test_cpu_when_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert pick_device() == torch.device("cpu")


def test_cuda_when_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device() == torch.device("cuda")
    assert pick_device("cpu") == torch.device("cpu"), "prefer='cpu' must win over an available GPU"


def test_asking_for_a_missing_gpu_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA"):
        pick_device("cuda")


def test_unknown_preference_is_refused() -> None:
    with pytest.raises(ValueError, match="prefer"):
        pick_device("tpu")


def test_move_to_keeps_the_structure() -> None:
    Batch = namedtuple("Batch", ["x", "y"])
    batch = {
        "pair": (torch.zeros(2), [torch.ones(3), 7]),
        "named": Batch(torch.arange(3), "label"),
        "none": None,
    }
    moved = move_to(batch, "cpu")
    assert isinstance(moved, dict) and set(moved) == {"pair", "named", "none"}
    assert isinstance(moved["pair"], tuple) and isinstance(moved["pair"][1], list)
    assert isinstance(moved["named"], Batch) and moved["named"].y == "label"
    assert moved["pair"][1][1] == 7 and moved["none"] is None
    assert torch.equal(moved["named"].x, torch.arange(3))


def test_move_to_calls_to_on_every_tensor() -> None:
    seen: list[str] = []

    class Recording(torch.Tensor):
        def to(self, *args, **kwargs):  # type: ignore[override]
            seen.append(str(args[0]))
            return self

    tensor = torch.zeros(2).as_subclass(Recording)
    move_to([tensor, {"k": (tensor,)}], torch.device("cpu"))
    assert seen == ["cpu", "cpu"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_move_to_a_real_gpu() -> None:
    device = pick_device()
    model = move_to(torch.nn.Linear(2, 1), device)
    x = move_to((torch.zeros(4, 2),), device)[0]
    assert model(x).device.type == "cuda"
