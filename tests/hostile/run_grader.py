"""Grade hostile notebooks the way an instructor does: ``python -m autograder grade --out DIR``.

Every hostile test of the newer files goes through here, on both paths of
a batch (cold, and forked from a warm template: ``tests/hostile/conftest.py``),
so each one also checks that every output file was written (one ``.json`` and one ``.md``
per notebook, both valid UTF-8, the JSON a results record), whatever the
submissions did.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.hostile.cases import light_notebook
from tests.hostile.conftest import COLD, WARM, current_start
from tests.hostile.other_user import as_user

COMPANION = "zz-warm-companion"


@dataclass
class Graded:
    records: dict[str, dict[str, Any]]  # notebook stem -> results record
    reports: dict[str, str]  # notebook stem -> Markdown report
    stdout: str
    stderr: str

    def everything(self) -> str:
        """All the text the grader wrote for people (to search for what must not be there)."""
        return "\n".join(
            [self.stdout, *self.reports.values(), *(json.dumps(r) for r in self.records.values())]
        )


def shared_folder() -> Path:
    """A folder an ordinary user (``nobody``) can use too."""
    folder = Path(tempfile.mkdtemp(prefix="hostile-", dir="/tmp"))
    folder.chmod(0o777)
    return folder


def grade_cli(
    notebooks: dict[str, bytes],
    *,
    week: str = "week01",
    course: Path = ROOT,
    hidden: bool = False,
    jobs: int = 1,
    user: str | None = None,
    mode: str | None = None,
    timeout: float = 600,
    start: str | None = None,
) -> Graded:
    """Grade ``notebooks`` (stem -> bytes) in one batch; assert that every output file exists.

    ``start`` (default: the test's ``harness_start``) is ``"cold"`` or ``"warm"``. A warm
    batch of one notebook gets a light companion graded after it (one notebook alone is
    graded cold), which the result leaves out.
    """
    start = start or current_start()
    notebooks = dict(notebooks)
    companion = start == WARM and len(notebooks) == 1
    if companion:
        notebooks[COMPANION] = json.dumps(light_notebook()).encode()
    work = shared_folder()
    try:
        graded = _grade_in(work, notebooks, week, course, hidden, jobs, user, mode, timeout, start)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if companion:
        assert graded.records.pop(COMPANION)["status"] == "graded"
        graded.reports.pop(COMPANION)
    return graded


def _grade_in(
    work: Path,
    notebooks: dict[str, bytes],
    week: str,
    course: Path,
    hidden: bool,
    jobs: int,
    user: str | None,
    mode: str | None,
    timeout: float,
    start: str,
) -> Graded:
    inputs, out = work / "in", work / "out"
    for folder in (inputs, out):
        folder.mkdir()
        folder.chmod(0o777)  # mkdir's mode is masked by the umask
    paths = []
    for stem, data in notebooks.items():
        path = inputs / f"{stem}.ipynb"
        path.write_bytes(data)
        path.chmod(0o644)
        paths.append(str(path))
    flags = ["--course", str(course), "-j", str(jobs), *(["--hidden"] if hidden else [])]
    flags += ["--cold"] if start == COLD else []  # else forked from a warm template
    command = [sys.executable, "-m", "autograder", "grade", week, *paths, "--out", str(out)]
    command += flags
    env = dict(os.environ)
    if mode is not None:
        env["AUTOGRADER_SANDBOX_MODE"] = mode
    if user is not None:
        keep = {k: env[k] for k in ("AUTOGRADER_SANDBOX_MODE", "AUTOGRADER_ALLOW_WEAK") if k in env}
        inner = ["env", "-i", "HOME=/tmp", "PATH=/usr/bin:/bin"]
        inner += [f"{k}={v}" for k, v in keep.items()]
        inner += [sys.executable, "-m", "autograder", "grade", week, *paths, "--out", str(out)]
        inner += flags
        command = as_user(user, inner)
    # cwd: `python -m autograder` imports the grader under test from there
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env
    )
    assert done.returncode in (0, 1), (done.returncode, done.stderr[-3000:])
    records, reports = {}, {}
    for stem in notebooks:
        records[stem] = json.loads((out / f"{stem}.json").read_bytes().decode("utf-8"))
        reports[stem] = (out / f"{stem}.md").read_bytes().decode("utf-8")
        assert records[stem]["schema"] == "ml-course-autograder/results", stem
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{stem}{suffix}" for stem in notebooks for suffix in (".json", ".md")
    )
    return Graded(records, reports, done.stdout, done.stderr)
