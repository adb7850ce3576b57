"""The demo: release week 1 into a scratch course, grade three submissions, print the table.

The three submissions are the reference solution (full marks), the untouched
student notebook (zero) and a planted wrong one: the solution with two bugs
typed in (no shuffling in ``split_indices``; ``ddof=1`` in ``Standardizer``),
which loses exactly the items those bugs touch.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.instructor.release import build_release, describe, write_release
from autograder.reporting.text import grade_table

WEEK = "week01"
PLANTED_BUGS = [
    ("members = rng.permutation(members)", "members = np.sort(members)"),
    ("std = X.std(axis=0)", "std = X.std(axis=0, ddof=1)"),
]


def plant_bugs(notebook: dict[str, Any]) -> dict[str, Any]:
    """The solution notebook with PLANTED_BUGS typed into its cells."""
    planted = json.loads(json.dumps(notebook))
    found = 0
    for cell in planted["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for old, new in PLANTED_BUGS:
            if old in source:
                source = source.replace(old, new)
                found += 1
        cell["source"] = source
    if found < len(PLANTED_BUGS):
        raise RuntimeError("the demo's planted bugs no longer match the week 1 solution")
    return planted


def run_demo(
    course_root: Path, keep: Path | None = None
) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    scratch = keep or Path(tempfile.mkdtemp(prefix="course-demo-"))
    started = time.monotonic()
    shutil.copytree(
        course_root / "solutions" / WEEK,
        scratch / "solutions" / WEEK,
        ignore=shutil.ignore_patterns("references", "__pycache__"),
    )
    paths = locate_week(WEEK, scratch)
    print(f"1. releasing {WEEK} into {scratch} with nbgrader and the release gate ...", flush=True)
    build = build_release(paths, progress=lambda line: print("   " + line, flush=True))
    print("   " + describe(build).replace("\n", "\n   "))
    if not build.ok:
        raise RuntimeError("the release gate refused week 1")
    write_release(build)
    submissions = scratch / "submissions"
    submissions.mkdir()
    solution = json.loads(paths.solution_notebook.read_text())
    (submissions / "correct.ipynb").write_text(json.dumps(solution))
    shutil.copy2(paths.notebook, submissions / "blank.ipynb")
    (submissions / "wrong.ipynb").write_text(json.dumps(plant_bugs(solution)))
    rows = []
    print("2. grading three submissions in the sandbox (public + hidden items) ...", flush=True)
    for label in ("correct", "blank", "wrong"):
        results = grade_submission(paths, submissions / f"{label}.ipynb", hidden=True)
        record = results.as_dict()
        (submissions / f"{label}.json").write_text(json.dumps(record, indent=2))
        print(
            f"   {label:<8} {results.score:g}/{results.max_score:g} in {results.seconds:.1f} s",
            flush=True,
        )
        rows.append((label, record))
    table = grade_table(rows)
    print(f"\n3. grade table ({time.monotonic() - started:.1f} s in all; files in {scratch}):\n")
    print(table)
    return table, rows
