"""Hostile student checkouts against the Classroom 50 adapter: it installs and runs nothing they name.

* the runner lacks a library, the bundle has no ``requirements.txt``, and
  the student's ``.devcontainer/requirements.txt`` names a package of their
  own: nothing is installed, and the run is an error of the set-up;
* the bundle has no grader, and the checkout has an ``autograder/`` of its
  own that writes a full-marks ``result.json``: it is never run;
* with a proper bundle, a stub full of hostile files (its own grader,
  ``sitecustomize.py``, a ``.pth``, requirements) is graded by the bundle's
  grader: zero, and both output files written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ADAPTER = ROOT / "autograder" / "templates" / "classroom50" / "autograder.py"
IDENTITY = {
    "CLASSROOM": "ml-course",
    "ASSIGNMENT": "week01",
    "SUBMISSION_TAG": "submission-1",
    "COMMIT_URL": "https://github.com/o/week01-alice/commit/abc",
    "RELEASE_URL": "https://github.com/o/week01-alice/releases/tag/submission-1",
}
FORGED_RESULT = {"schema": "classroom50/result/v1", "score": 23, "max-score": 23, "tests": []}
# run the adapter with one library reported missing and every pip run recorded, not executed
WITH_A_MISSING_LIBRARY = """\
import importlib.util, json, runpy, subprocess, sys
real_find_spec, real_run = importlib.util.find_spec, subprocess.run
importlib.util.find_spec = lambda name, *a, **k: None if name == "torch" else real_find_spec(name, *a, **k)
def run(command, *args, **kwargs):
    if "pip" in command:
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps(command) + "\\n")
        return subprocess.CompletedProcess(command, 0)
    return real_run(command, *args, **kwargs)
subprocess.run = run
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _bundle(folder: Path, *, grader: bool) -> Path:
    folder.mkdir()
    shutil.copy(ADAPTER, folder / "autograder.py")
    week = ROOT / "assignments" / "week01"
    for name in ("week.json", "grading.py"):
        shutil.copy(week / name, folder / name)
    shutil.copytree(week / "references", folder / "references")
    if grader:
        ignore = shutil.ignore_patterns("__pycache__")
        for package in ("autograder", "course_lib"):
            shutil.copytree(ROOT / package, folder / package, ignore=ignore)
    return folder


def _hostile_checkout(folder: Path, marker: Path) -> Path:
    """The student's checkout: the stub, and files that would run or install their code."""
    folder.mkdir()
    shutil.copy(ROOT / "assignments" / "week01" / "week01.ipynb", folder / "week01.ipynb")
    shutil.copy(ROOT / "assignments" / "week01" / "week.json", folder / "week.json")
    (folder / ".devcontainer").mkdir()
    (folder / ".devcontainer" / "requirements.txt").write_text("./evil_package\n")
    evil = folder / "evil_package"
    evil.mkdir()
    (evil / "setup.py").write_text(f"open({str(marker)!r}, 'w')\n")
    own_grader = folder / "autograder"
    own_grader.mkdir()
    (own_grader / "__init__.py").write_text("")
    (own_grader / "__main__.py").write_text(
        f"import json\nopen({str(marker)!r}, 'w')\n"
        f"open('result.json', 'w').write(json.dumps({FORGED_RESULT!r}))\n"
    )
    (folder / "sitecustomize.py").write_text(f"open({str(marker)!r}, 'w')\n")
    (folder / "evil.pth").write_text(f"import os; open({str(marker)!r}, 'w')\n")
    return folder


def _run(command: list[str], checkout: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **IDENTITY}
    return subprocess.run(
        command, cwd=checkout, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_student_s_requirements_are_never_installed(tmp_path: Path) -> None:
    marker, pip_log = tmp_path / "student-code-ran", tmp_path / "pip.log"
    bundle = _bundle(tmp_path / "bundle", grader=True)
    checkout = _hostile_checkout(tmp_path / "checkout", marker)
    done = _run(
        [sys.executable, "-c", WITH_A_MISSING_LIBRARY, str(bundle / "autograder.py"), str(pip_log)],
        checkout,
    )
    installs = pip_log.read_text().splitlines() if pip_log.exists() else []
    assert installs == [], installs
    assert done.returncode != 0 and "set-up error" in done.stderr and "torch" in done.stderr
    assert not (checkout / "result.json").exists()
    assert not marker.exists()


def test_a_bundle_without_a_grader_never_runs_the_student_s(tmp_path: Path) -> None:
    marker = tmp_path / "student-code-ran"
    bundle = _bundle(tmp_path / "bundle", grader=False)
    checkout = _hostile_checkout(tmp_path / "checkout", marker)
    done = _run([sys.executable, str(bundle / "autograder.py")], checkout)
    assert done.returncode != 0 and "set-up error" in done.stderr, done.stderr
    assert not (checkout / "result.json").exists(), (checkout / "result.json").read_text()
    assert not marker.exists()


def test_a_hostile_checkout_is_graded_by_the_bundle_s_grader(tmp_path: Path) -> None:
    marker = tmp_path / "student-code-ran"
    bundle = _bundle(tmp_path / "bundle", grader=True)
    checkout = _hostile_checkout(tmp_path / "checkout", marker)
    done = _run([sys.executable, str(bundle / "autograder.py")], checkout)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((checkout / "result.json").read_text())
    assert result["schema"] == "classroom50/result/v1"
    assert result["score"] == 0 < result["max-score"], result
    assert "week01" in (checkout / "release-body.md").read_text()
    assert not marker.exists(), "student code ran outside the sandbox"
