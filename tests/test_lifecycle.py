"""The whole life of a week on a local GitHub, end to end, offline: ``python -m autograder demo --lifecycle``.

publish -> distribute (three students and a team of two) -> the students
clone and push correct, partial and late work, the template's grade workflow
commenting on each Feedback pull request -> sync after a template fix ->
lock -> regrade --repos ORG (push times from the server) -> return, twice ->
unlock. Every step is checked by the story itself
(:mod:`autograder.instructor.lifecycle_demo`); this test runs it through the
command line and checks again, from what it left on disk (the gradebook, the
bare repositories the local GitHub served), that it did what it says.
"""

from __future__ import annotations

import csv
import io
import subprocess
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.instructor.lifecycle_demo import EXPECTED, ORG, REPOSITORIES, WEEK
from tests.conftest import ROOT

STEPS = (
    "publish",
    "distribute",
    "distribute again",
    "sync",
    "lock",
    "regrade",
    "return",
    "unlock",
)


def branches(bare: Path) -> list[str]:
    done = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname:short)", "refs/heads"],
        cwd=bare,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.mark.slow
def test_a_week_from_publish_to_return_on_a_local_github(tmp_path: Path) -> None:
    scratch = tmp_path / "lifecycle"
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["demo", "--lifecycle", "--course", str(ROOT), "--keep", str(scratch)])
    text = out.getvalue()
    assert code == 0 and text.rstrip().splitlines()[-1] == "lifecycle OK", text
    assert "FAILED" not in text
    for step in STEPS:  # each step ran its command and was checked
        assert f"$ python -m autograder {step.split()[0]} " in text, step
    assert text.count("   ok: ") >= len(STEPS) + 5, "every push's workflow run is checked too"
    assert "second distribute writes: 0" in text and "second return writes: 0" in text

    with (scratch / "grades" / WEEK / "gradebook.csv").open(newline="") as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    assert {s: float(r["total"]) for s, r in rows.items()} == EXPECTED
    assert {r["time_source"] for r in rows.values()} == {"push"}, "push times from the server"

    repositories = scratch / "github" / "repositories" / ORG.lower()
    for owner in sorted(set(REPOSITORIES.values())):
        found = branches(repositories / f"{WEEK}-{owner}.git")
        assert "main" in found and "feedback" in found, (owner, found)
        assert any(b.startswith("template-update-") for b in found), "sync's pull request branch"
