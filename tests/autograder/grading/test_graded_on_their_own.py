"""Items graded on their own, end to end on week 3, where ``train_softmax`` uses
``iterate_minibatches`` and ``softmax_loss_vectorized``.

The submission is the solution with the issue's mistake, an ``iterate_minibatches``
that drops the last partial batch. Officially ``train_softmax`` and
``average_minibatch_gradient`` (public and hidden) are probed with the solution's
``iterate_minibatches`` and keep their points; in practice it loses them,
and the report says to fix ``iterate_minibatches`` first. The solution's code never
reaches a practice run, and no text of it comes out of an official one: it is sent in
the job's private part, and the items that use it are worded like hidden ones.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from autograder.course import WeekPaths, locate_week
from autograder.grading import submission
from autograder.grading.submission import grade_submission
from autograder.reporting.markdown import markdown
from autograder.sandbox.supervisor import HarnessJob
from autograder.scoring.references import load_week_references
from autograder.scoring.results import Results
from tests.conftest import ROOT, code_cell

WEEK = locate_week("week03", ROOT)
pytestmark = pytest.mark.slow
KEEP_LAST = "for start in range(0, len(X), batch_size):"
DROP_LAST = "for start in range(0, len(X) - batch_size + 1, batch_size):"


def solution_with(change: Callable[[str], str], *extra_cells: str) -> bytes:
    """The solution notebook with ``change`` applied to every cell source, cells appended."""
    notebook = json.loads(WEEK.solution_notebook.read_text())
    for cell in notebook["cells"]:
        cell["source"] = change("".join(cell["source"]))
    notebook["cells"] += [code_cell(source) for source in extra_cells]
    return json.dumps(notebook).encode()


def drops_last(source: str) -> str:
    return source.replace(KEEP_LAST, DROP_LAST)


@cache
def graded(hidden: bool) -> Results:
    return grade_submission(WEEK, solution_with(drops_last), hidden=hidden)


def by_name(results: Results) -> dict[str, Any]:
    assert results.status == "graded", results.error
    return {t.name: t for t in results.tests}


def test_officially_a_wrong_used_function_costs_only_the_items_that_test_it() -> None:
    tests = by_name(graded(hidden=True))
    assert tests["train_softmax"].score == tests["train_softmax"].max_score == 2
    for name in ("iterate_minibatches", "iterate_minibatches.hidden"):
        assert tests[name].score == 0, name
    # every item that only uses it keeps its points, public and hidden
    for name in (
        "train_softmax.hidden",
        "average_minibatch_gradient",
        "average_minibatch_gradient.hidden",
    ):
        assert tests[name].score == tests[name].max_score, name
    assert all(not t.blocked_by for t in tests.values()), "no practice note in an official grade"


def test_in_practice_the_item_loses_points_and_says_which_function_to_fix_first() -> None:
    results = graded(hidden=False)
    tests = by_name(results)
    train = tests["train_softmax"]
    assert train.score < train.max_score and train.blocked_by == ("iterate_minibatches",)
    average = tests["average_minibatch_gradient"]
    assert average.score < average.max_score and average.blocked_by == ("iterate_minibatches",)
    # an item that tests iterate_minibatches itself is not "blocked": it names its own mistake
    assert not tests["iterate_minibatches"].blocked_by
    report = markdown(results.as_dict())
    assert "`train_softmax`: may fail only because `iterate_minibatches` does: fix that first" in (
        report
    )


def test_the_solution_still_scores_full_marks_officially() -> None:
    results = grade_submission(WEEK, WEEK.solution_notebook, hidden=True)
    assert results.score == results.max_score, [t.as_dict() for t in results.tests if t.score < 1]


# a submission that searches its process for the solution's code whenever train_softmax runs
SEARCH = """
import gc, sys, types
_train_softmax = train_softmax

def train_softmax(*args):
    harness = sys.modules.get("autograder.sandbox.harness")
    found = getattr(harness, "_REFERENCE_CODE", None) is not None or any(
        type(o) is types.FunctionType and o.__code__.co_filename == "<reference implementations>"
        for o in gc.get_objects()
    )
    if found:
        raise RuntimeError("found the solution's code")
    return _train_softmax(*args)
"""


def test_the_reference_code_never_reaches_a_practice_run() -> None:
    notebook = solution_with(lambda source: source, SEARCH)
    practice = by_name(grade_submission(WEEK, notebook, hidden=False))
    assert practice["train_softmax"].status == "passed", practice["train_softmax"].message
    official = by_name(grade_submission(WEEK, notebook, hidden=True))["train_softmax"]
    # the search works, and its words stay in the sandbox: the message is fixed wording
    assert (official.status, official.message) == (
        "failed",
        "raised a RuntimeError in the official run",
    )


def test_only_an_official_job_carries_the_reference_code(monkeypatch: pytest.MonkeyPatch) -> None:
    jobs: list[HarnessJob] = []

    def capture(job: HarnessJob, **_: Any) -> Any:
        jobs.append(job)
        raise RuntimeError("captured")

    monkeypatch.setattr(submission, "run_in_sandbox", capture)
    grade_submission(WEEK, WEEK.solution_notebook, hidden=False)
    grade_submission(WEEK, WEEK.solution_notebook, hidden=True)
    practice, official = jobs
    assert practice.reference_code == b""
    assert official.reference_code == WEEK.reference_implementations.read_bytes()
    assert b"def iterate_minibatches" in official.reference_code


def test_an_error_inside_the_reference_never_quotes_the_solution() -> None:
    """train_softmax passes a float batch size: the solution's iterate_minibatches raises."""
    bad_call = solution_with(
        lambda source: source.replace(
            "iterate_minibatches(X, y, batch_size, seed + 1 + epoch)",
            "iterate_minibatches(X, y, float(batch_size), seed + 1 + epoch)",
        ).replace("must be a positive integer", "is not what my check wants")
    )
    results = grade_submission(WEEK, bad_call, hidden=True)
    tests = by_name(results)
    train = tests["train_softmax"]
    # probed once the solution's code was in the sandbox: a fixed text, no word from the sandbox
    assert train.score == 0 and train.message == "raised a ValueError in the official run"
    # every item that runs train_softmax officially uses the solution's (gd_vs_sgd uses it too)
    assert tests["gd_vs_sgd"].status == "passed", tests["gd_vs_sgd"].message
    assert "positive integer" not in markdown(results.as_dict()), "the solution's error message"
    # in practice the student's own iterate_minibatches raises, in their words
    practice = by_name(grade_submission(WEEK, bad_call, hidden=False))["train_softmax"]
    assert practice.score == 0 and "is not what my check wants" in practice.message


@pytest.fixture
def scratch_week(tmp_path: Path) -> WeekPaths:
    assert WEEK.private_dir is not None
    public, private = tmp_path / "assignments" / "week03", tmp_path / "solutions" / "week03"
    shutil.copytree(WEEK.public_dir, public)
    shutil.copytree(WEEK.private_dir, private, ignore=shutil.ignore_patterns("__pycache__"))
    return WeekPaths("week03", public, private)


def test_a_missing_reference_file_is_a_grader_error_not_a_student_grade(
    scratch_week: WeekPaths,
) -> None:
    scratch_week.reference_implementations.unlink()
    results = grade_submission(scratch_week, WEEK.solution_notebook, hidden=True)
    assert results.status == "error" and results.error is not None
    assert "reference_implementations.py is missing" in results.error
    assert grade_submission(scratch_week, WEEK.solution_notebook, hidden=False).status == "graded"


def test_the_official_record_names_the_reference_code_that_graded_it(
    scratch_week: WeekPaths,
) -> None:
    before = load_week_references(scratch_week, hidden=True)[1]
    practice = load_week_references(scratch_week, hidden=False)[1]
    with scratch_week.reference_implementations.open("a") as stream:
        stream.write("# edited\n")
    assert load_week_references(scratch_week, hidden=True)[1] != before
    assert load_week_references(scratch_week, hidden=False)[1] == practice
