"""References record the environment that computed them; grading notices when its own differs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy
import pytest

from autograder.__main__ import main
from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.scoring import provenance
from tests.conftest import ROOT

WEEK = "week01"


def _with(recorded: dict[str, Any], **libraries: str | None) -> dict[str, Any]:
    return {**recorded, "libraries": {**recorded["libraries"], **libraries}}


def test_the_environment_names_the_installed_versions_without_importing() -> None:
    here = provenance.environment()
    assert here["libraries"]["numpy"] == numpy.__version__
    assert set(here["libraries"]) == set(provenance.NUMERIC_LIBRARIES)
    assert here["python"].count(".") == 2 and here["platform"]


def test_saved_and_loaded_back(tmp_path: Path) -> None:
    assert provenance.load(tmp_path) is None  # nothing recorded
    provenance.save(tmp_path)
    assert provenance.load(tmp_path) == provenance.environment()
    (tmp_path / provenance.PROVENANCE).write_text("{not json")
    assert provenance.load(tmp_path) is None


def test_which_differences_count() -> None:
    here = provenance.environment()
    assert provenance.drift(here, here) == []
    older = _with(here, numpy="1.26.4")
    (line,) = provenance.library_drift(older, here)
    assert line == f"numpy 1.26.4 (references) vs {here['libraries']['numpy']} (here)"
    gone = _with(here, torch="2.0.0")
    assert provenance.library_drift(gone, _with(here, torch=None)) == [
        "torch 2.0.0 (references) vs absent (here)"
    ]
    major, minor, _ = here["python"].split(".")
    assert provenance.drift({**here, "python": f"{major}.{minor}.0"}, here) == []  # a patch release
    other = provenance.drift({**here, "python": f"{major}.{int(minor) + 1}.0"}, here)
    assert len(other) == 1 and other[0].startswith("Python ")
    (platform,) = provenance.drift({**here, "platform": "win32-AMD64"}, here)
    assert platform.startswith("platform win32-AMD64 (references)")
    # a library the references did not record is no drift (an older provenance file)
    partial = {**here, "libraries": {"numpy": here["libraries"]["numpy"]}}
    assert provenance.library_drift(partial, here) == []


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of week 1 whose references say numpy 1.0.0 computed them."""
    root = tmp_path / "course"
    for side in ("assignments", "solutions"):
        shutil.copytree(ROOT / side / WEEK, root / side / WEEK)
    here = provenance.environment()
    for refs in (
        root / "assignments" / WEEK / "references",
        root / "solutions" / WEEK / "references",
    ):
        provenance.save(refs, _with(here, numpy="1.0.0"))
    return root


def test_a_practice_grade_notes_the_drift(course: Path) -> None:
    record = grade_submission(
        locate_week(WEEK, course), course / "assignments" / WEEK / f"{WEEK}.ipynb"
    )
    notes = [n for n in record.as_dict()["notes"] if "computed elsewhere" in n]
    assert notes == [
        f"the references were computed elsewhere: numpy 1.0.0 (references) vs {numpy.__version__} "
        "(here) (numbers may differ in the last digits)"
    ]


def test_the_official_regrade_refuses_drift_unless_allowed(
    course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["regrade", WEEK, "--roster", str(tmp_path / "absent.csv"), "--repos", str(tmp_path)]
    args += ["--course", str(course), "--out", str(tmp_path / "grades")]
    args += ["--deadline", "2026-01-01T00:00:00+00:00"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "numpy 1.0.0 (references)" in error and "--allow-version-drift" in error
    assert not (tmp_path / "grades").exists()
    assert main([*args, "--allow-version-drift"]) == 2  # now it reaches the roster, which is absent
    error = capsys.readouterr().err
    assert "version drift accepted: numpy 1.0.0" in error and "absent.csv" in error
