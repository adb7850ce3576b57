"""End-to-end grading of week 1 submissions through the CLI and the Python API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from tests.conftest import ROOT, notebook_with_extra_cells

WEEK = locate_week("week01", ROOT)
PATCH_NUMPY = (
    "import numpy as np\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.testing.assert_allclose = lambda *a, **k: None\n"
    "np.array_equal = lambda *a, **k: True\n"
)


def test_patching_numpy_before_the_stubs_earns_nothing() -> None:
    results = grade_submission(
        WEEK, notebook_with_extra_cells(WEEK.notebook, before=[PATCH_NUMPY]), hidden=True
    )
    assert results.status == "graded"
    assert results.score == 0, [t.as_dict() for t in results.tests if t.score]


def test_solution_gets_full_marks_with_hidden_items() -> None:
    results = grade_submission(WEEK, WEEK.solution_notebook, hidden=True)
    assert results.score == results.max_score == 23
    assert results.exit_code == 0
    assert all(t.status == "passed" for t in results.tests)


def test_a_cell_that_raises_costs_only_its_items() -> None:
    notebook = json.loads(WEEK.solution_notebook.read_text())
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if source.startswith("def task_type"):
            cell["source"] = "raise ValueError('student typo')\n" + source
    results = grade_submission(WEEK, json.dumps(notebook).encode(), hidden=False)
    by_name = {t.name: t for t in results.tests}
    assert by_name["task_type"].score == 0
    assert "student typo" in by_name["task_type"].message
    assert "not defined" in by_name["task_type"].message
    assert all(t.score == t.max_score for n, t in by_name.items() if n != "task_type")


def test_practice_grade_says_hidden_items_remain() -> None:
    results = grade_submission(WEEK, WEEK.solution_notebook, hidden=False)
    assert results.score == results.max_score == 11
    assert results.hidden_pending == {"items": 9, "points": 12.0}


def test_hidden_messages_never_show_values() -> None:
    notebook = json.loads(WEEK.solution_notebook.read_text())
    for cell in notebook["cells"]:
        cell["source"] = "".join(cell["source"]).replace(
            "std = X.std(axis=0)", "std = X.std(axis=0, ddof=1)"
        )
    results = grade_submission(WEEK, json.dumps(notebook).encode(), hidden=True)
    hidden = {t.name: t for t in results.tests if t.hidden}
    assert hidden["Standardizer.hidden"].score == 0
    assert (
        "expected" not in hidden["Standardizer.hidden"].message
        or "entries" in hidden["Standardizer.hidden"].message
    )
    public = {t.name: t for t in results.tests if not t.hidden}
    assert "expected" in public["Standardizer"].message


def test_same_submission_twice_gives_the_same_record() -> None:
    first = grade_submission(WEEK, WEEK.solution_notebook, hidden=True).as_dict()
    second = grade_submission(WEEK, WEEK.solution_notebook, hidden=True).as_dict()
    for record in (first, second):
        for key in ("seconds", "graded_at"):
            record.pop(key)
        for test in record["tests"]:
            test.pop("seconds")
    assert first == second


@pytest.mark.parametrize(
    ("notebook", "code"),
    [("solutions/week01/week01.ipynb", 0), ("assignments/week01/week01.ipynb", 1)],
)
def test_cli_exit_codes_and_outputs(tmp_path: Path, notebook: str, code: int) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            "week01",
            notebook,
            "--json",
            str(out / "r.json"),
            "--markdown",
            str(out / "r.md"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == code, done.stderr
    record = json.loads((out / "r.json").read_text())
    assert record["version"] == 1 and len(record["submission"]["sha256"]) == 64
    assert {"name", "score", "max_score", "status", "message"} <= set(record["tests"][0])
    assert "| item | points |" in (out / "r.md").read_text()


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    for args in (["grade", "week99", "x.ipynb"], ["grade", "notaweek", "x.ipynb"], ["frobnicate"]):
        done = subprocess.run(
            [sys.executable, "-m", "autograder", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 2, (args, done.stderr)


def test_missing_notebook_is_graded_zero_with_a_message(tmp_path: Path) -> None:
    results = grade_submission(WEEK, tmp_path / "week01.ipynb")
    assert results.status == "graded" and results.score == 0
    assert "no notebook" in results.tests[0].message


def test_official_grading_is_refused_in_the_weak_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    from autograder.course import CourseError
    from autograder.grading import submission as grade
    from autograder.sandbox import isolation
    from autograder.wire.export import Isolation

    monkeypatch.delenv("AUTOGRADER_ALLOW_WEAK", raising=False)
    weak = Isolation("weak", None, False, False)
    monkeypatch.setattr(grade, "isolation", lambda: weak)
    with pytest.raises(CourseError, match="strict or userns"):
        grade.require_official_sandbox()
    monkeypatch.setenv("AUTOGRADER_ALLOW_WEAK", "1")
    grade.require_official_sandbox()
    assert isolation.isolation().mode in ("strict", "userns", "weak")
