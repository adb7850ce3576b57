"""A batch in which grading workers die (killed, out of memory): no submission is lost.

The grader below kills its own worker process for the submissions named
``killed*`` (every time) and ``flaky*`` (the first time only), as the
kernel's out-of-memory killer or an operator would. The killed submission
gets its own ``error`` row; the flaky one is graded on its retry; the
others, graded in the same pool at the same time, are unaffected. Every
record is one that the CLI writes as ``.json`` and ``.md``.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path
from typing import Any

from autograder.course import WeekPaths, locate_week
from autograder.files import write_atomic
from autograder.grading.batch import Submission, grade_batch, grade_one
from autograder.reporting.markdown import markdown
from autograder.sandbox.limits import Limits
from autograder.scoring.results import results_json
from tests.conftest import ROOT
from tests.hostile.cases import light_notebook

WEEK = locate_week("week01", ROOT)


def dying_grader(
    paths: WeekPaths, submission: Submission, hidden: bool, limits: Limits | None
) -> dict[str, Any]:
    if submission.label.startswith("killed"):
        os.kill(os.getpid(), signal.SIGKILL)
    if submission.label.startswith("flaky"):
        marker = Path(tempfile.gettempdir()) / f"autograder-{submission.label}"
        if not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    return grade_one(paths, submission, hidden, limits, item_workers=1)


def test_a_killed_worker_costs_only_its_own_submission(tmp_path: Path) -> None:
    light = json.dumps(light_notebook()).encode()
    stub = WEEK.notebook.read_bytes()
    flaky = f"flaky-{os.getpid()}-{tmp_path.name}"
    submissions = [
        Submission("killed", stub),
        Submission("alice", light),
        Submission(flaky, light + b" "),  # other bytes: graded, not copied from alice
        Submission("bob", light + b"  "),
    ]
    try:
        records = grade_batch(WEEK, submissions, hidden=False, workers=2, grader=dying_grader)
    finally:
        (Path(tempfile.gettempdir()) / f"autograder-{flaky}").unlink(missing_ok=True)
    assert list(records) == ["killed", "alice", flaky, "bob"]
    for label in ("alice", flaky, "bob"):
        record = records[label]
        assert record["status"] == "graded", (label, record.get("error"))
        by_name = {t["name"]: t for t in record["tests"]}
        assert by_name["task_type"]["score"] == by_name["task_type"]["max_score"], label
        assert by_name["select_top_features"]["score"] > 0, label
    killed = records["killed"]
    assert killed["status"] == "error" and "died" in killed["error"], killed["error"]
    for label, record in records.items():  # what the CLI writes for each
        write_atomic(tmp_path / f"{label}.json", results_json(record))
        write_atomic(tmp_path / f"{label}.md", markdown(record))
    assert len(list(tmp_path.glob("*.json"))) == len(list(tmp_path.glob("*.md"))) == 4
