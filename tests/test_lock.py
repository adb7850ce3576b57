"""requirements.lock: the one pinned environment, and the drift check `nox -s lint` runs on it."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from tests.conftest import ROOT, load_noxfile

# the numbers of every week depend on these: each must be pinned exactly
NUMERIC = (
    "numpy",
    "scipy",
    "scikit-learn",
    "torch",
    "torchvision",
    "lightning",
    "matplotlib",
    "pillow",
)


@pytest.fixture(scope="module")
def noxfile() -> ModuleType:
    return load_noxfile()


@pytest.fixture(scope="module")
def lock() -> str:
    return (ROOT / "requirements.lock").read_text()


def test_the_committed_lock_matches_pyproject(noxfile: ModuleType, lock: str) -> None:
    assert noxfile.lock_problems(lock) == []


def test_every_library_that_makes_the_numbers_is_pinned_exactly(
    noxfile: ModuleType, lock: str
) -> None:
    pins = noxfile.lock_pins(lock)
    for name in NUMERIC:
        assert re.fullmatch(r"\d+(\.\d+)*", pins[name]), f"{name} is not pinned to one version"
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"


def test_the_cuda_runtime_is_left_to_the_platform(noxfile: ModuleType, lock: str) -> None:
    assert not [
        name for name in noxfile.lock_pins(lock) if name.startswith("nvidia-") or name == "triton"
    ]
    compiled = "torch==2.14.1\n    # via ml-course\nnvidia-cublas==13.1\n    # via torch\ntriton==3.8.0\n    # via torch\nzipp==3.0\n"
    assert noxfile.strip_unpinned(compiled) == "torch==2.14.1\n    # via ml-course\nzipp==3.0\n"


def test_drift_is_found(noxfile: ModuleType, lock: str) -> None:
    moved = re.sub(r"^numpy==\S+", "numpy==1.20.0", lock, flags=re.M)
    assert any("numpy==1.20.0" in p for p in noxfile.lock_problems(moved))
    dropped = re.sub(r"^wandb==\S+\n", "", lock, flags=re.M)
    assert any("wandb is not pinned" in p for p in noxfile.lock_problems(dropped))
    stale = re.sub(r"^# inputs-sha256: \S+", "# inputs-sha256: 0", lock, flags=re.M)
    assert any("changed since" in p for p in noxfile.lock_problems(stale))
    cuda = lock + "nvidia-cublas==13.1.1.3\n"
    assert any("CUDA runtime" in p for p in noxfile.lock_problems(cuda))
