"""Batch grading: one record per submission whatever happens, parallel workers, the notebook-hash cache."""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import pytest

from autograder.course import WeekPaths, locate_week
from autograder.grading.batch import (
    ProgressBar,
    Record,
    Submission,
    error_record,
    exit_code,
    grade_batch,
    grade_one,
)
from autograder.grading.submission import STRAYS_SURVIVED
from autograder.sandbox.limits import Limits
from tests.conftest import ROOT

WEEK = locate_week("week01", ROOT)


def scripted(
    paths: WeekPaths, submission: Submission, hidden: bool, limits: Limits | None
) -> Record:
    """A grader for the plumbing tests: no sandbox; 'boom*' raises, 'die*' kills its worker,
    'slow*' takes a while, 'stray*' reports processes that outlived its run."""
    if submission.label.startswith("boom"):
        raise RuntimeError("the grader tripped")
    if submission.label.startswith("die"):
        os._exit(7)
    if submission.label.startswith("slow"):
        time.sleep(0.3)
    record = error_record(paths.name, submission, hidden, "placeholder")
    record.update(
        status="graded", error=None, score=float(len(submission.notebook or b"")), max_score=10.0
    )
    record["tests"] = [{"name": "x", "status": "passed", "score": 1.0, "max_score": 1.0}]
    if submission.label.startswith("stray"):
        record["grader"][STRAYS_SURVIVED] = 1
    return record


def test_an_internal_error_gives_that_submission_an_error_record_and_exit_code_3() -> None:
    submissions = [Submission(f"s{i}", b"x" * i) for i in range(1, 4)] + [Submission("boom", b"y")]
    records = grade_batch(WEEK, submissions, workers=2, grader=scripted)
    assert list(records) == ["s1", "s2", "s3", "boom"], "one record per submission, in input order"
    assert records["boom"]["status"] == "error" and "tripped" in records["boom"]["error"]
    assert exit_code(records["boom"]) == 3
    assert [exit_code(records[f"s{i}"]) for i in range(1, 4)] == [0, 0, 0]
    assert records["s2"]["score"] == 2.0


def test_a_worker_that_dies_still_leaves_one_record_each() -> None:
    submissions = [Submission("die", b"a"), Submission("ok1", b"bb"), Submission("ok2", b"ccc")]
    records = grade_batch(WEEK, submissions, workers=2, grader=scripted)
    assert list(records) == ["die", "ok1", "ok2"]
    assert records["die"]["status"] == "error" and "worker" in records["die"]["error"]
    assert all(r["status"] in ("graded", "error") for r in records.values())


def test_the_others_graded_with_a_dying_worker_are_graded_again_not_lost() -> None:
    submissions = [Submission("die", b"a")] + [Submission(f"ok{i}", b"b" * i) for i in range(1, 6)]
    records = grade_batch(WEEK, submissions, workers=2, grader=scripted)
    assert records["die"]["status"] == "error" and "again" in records["die"]["error"]
    assert all(records[f"ok{i}"]["status"] == "graded" for i in range(1, 6)), records
    assert [records[f"ok{i}"]["score"] for i in range(1, 6)] == [1.0, 2.0, 3.0, 4.0, 5.0]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_stops_where_a_submission_s_processes_survived(workers: int) -> None:
    slow = [Submission(f"slow{i}", b"b" * i) for i in range(1, 9)]
    records = grade_batch(
        WEEK, [Submission("stray", b"a"), *slow], workers=workers, grader=scripted
    )
    assert list(records) == ["stray"] + [s.label for s in slow], "one record each still"
    assert records["stray"]["status"] == "graded"
    stopped = [label for label, r in records.items() if r["status"] == "error"]
    # the workers may already have taken a few: the rest are not graded, and say why
    assert "slow8" in stopped
    assert all("survived" in records[label]["error"] for label in stopped)


def test_identical_notebooks_are_graded_once_unless_cache_is_off() -> None:
    calls: list[str] = []

    def counting(
        paths: WeekPaths, submission: Submission, hidden: bool, limits: Limits | None
    ) -> Record:
        calls.append(submission.label)
        return scripted(paths, submission, hidden, limits)

    same = [
        Submission("a", b"same", "c1"),
        Submission("b", b"same", "c2"),
        Submission("c", b"other", "c3"),
    ]
    records = grade_batch(WEEK, same, grader=counting)
    assert calls == ["a", "c"]
    assert (
        records["b"]["submission"]["commit"] == "c2" and records["b"]["submission"]["path"] == "b"
    )
    assert (
        records["b"]["grader"]["cached_from"] == "a"
        and records["b"]["score"] == records["a"]["score"]
    )
    calls.clear()
    records = grade_batch(WEEK, same, grader=counting, cache=False)
    assert calls == ["a", "b", "c"] and "cached_from" not in records["b"]["grader"]


def test_labels_must_be_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        grade_batch(WEEK, [Submission("a", b""), Submission("a", b"")], grader=scripted)


def test_progress_bar_reports_every_submission() -> None:
    stream = io.StringIO()
    bar = ProgressBar(3, stream)
    subs = [Submission("a", b"1"), Submission("b", b"1"), Submission("c", b"22")]
    grade_batch(WEEK, subs, grader=scripted, progress=bar)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("[" + "#" * 30 + "] 3/3")
    assert "(same notebook)" in lines[1]


def test_nothing_to_grade_gives_zero_with_the_reason() -> None:
    record = grade_one(
        WEEK, Submission("x", None, "abc", "week01.ipynb is a symbolic link"), hidden=True
    )
    assert record["status"] == "graded" and record["score"] == 0 and record["max_score"] == 23
    assert all("symbolic link" in t["message"] for t in record["tests"])
    assert record["grader"]["reference_sha256"] and record["submission"]["commit"] == "abc"


def test_corrupt_references_are_an_internal_error_not_a_zero(tmp_path: Path) -> None:
    public = tmp_path / "week01"
    shutil.copytree(WEEK.public_dir, public)
    (public / "references" / "public.json").write_text("{not json")
    broken = WeekPaths("week01", public, WEEK.private_dir)
    record = grade_one(broken, Submission("x", WEEK.notebook.read_bytes()), hidden=True)
    assert record["status"] == "error" and exit_code(record) == 3 and record["tests"] == []


@pytest.mark.slow
def test_real_grading_in_two_workers() -> None:
    subs = [
        Submission("correct", WEEK.solution_notebook.read_bytes()),
        Submission("blank", WEEK.notebook.read_bytes()),
        Submission("garbage", b"{ not a notebook"),
        Submission("correct-again", WEEK.solution_notebook.read_bytes()),
    ]
    records = grade_batch(WEEK, subs, workers=2)
    scores = {label: (r["status"], r["score"]) for label, r in records.items()}
    assert scores == {
        "correct": ("graded", 23.0),
        "blank": ("graded", 0.0),
        "garbage": ("graded", 0.0),
        "correct-again": ("graded", 23.0),
    }
    assert [exit_code(records[k]) for k in ("correct", "blank")] == [0, 1]
    assert (
        records["correct"]["submission"]["sha256"]
        == records["correct-again"]["submission"]["sha256"]
    )
