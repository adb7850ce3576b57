"""Every export format against its documented shape, with points equal to our record's."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest

from autograder.reporting.formats import classroom, classroom50, gradescope
from autograder.scoring.compare import ItemResult
from autograder.scoring.results import Results

IDENTITY_ENV = {
    "CLASSROOM": "ml-2026",
    "ASSIGNMENT": "week01",
    "SUBMISSION_TAG": "submit/2026-11-25T10-00-00Z-abc1234",
    "COMMIT_URL": "https://github.com/ml-2026/week01-alice/commit/abc1234",
    "RELEASE_URL": "https://github.com/ml-2026/week01-alice/releases/tag/submit%2F2026",
    "REVIEW_URL": "",
}


def record(*items: tuple[str, float, float, str], hidden: tuple[str, ...] = ()) -> dict[str, Any]:
    tests = [
        ItemResult(
            name,
            score,
            top,
            status,
            "" if status == "passed" else f"{name}: expected shape (3,), got (4,)",
            name in hidden,
            "check the axis",
        )
        for name, score, top, status in items
    ]
    results = Results(
        "week01",
        "practice",
        tests,
        {"path": "week01.ipynb", "sha256": "0" * 64},
        {"version": "0.1.0"},
    )
    results.hidden_pending = {"items": 9, "points": 12.0}
    return results.as_dict()


MIXED = record(
    ("split_indices", 2, 2, "passed"),
    ("task_type", 0, 1, "failed"),
    ("Standardizer", 1.5, 2, "partial"),
    ("leakage_experiment", 1, 1, "passed"),
    hidden=("leakage_experiment",),
)
ERROR = {**record(), "status": "error", "error": "RuntimeError: sandbox could not start"}


# -- Classroom autograding reporter ---------------------------------------------


def test_classroom_runner_result_is_valid_and_scores_are_ours() -> None:
    result = classroom.runner_result(MIXED)
    assert classroom.validate(result) == []
    assert result["max_score"] == MIXED["max_score"] == 6
    assert sum(t["score"] for t in result["tests"]) == MIXED["score"] == 4.5
    assert [t["status"] for t in result["tests"]] == ["pass", "fail", "fail", "pass"]
    assert result["status"] == "fail"
    assert classroom.points_line(result) == "Points 4.5/6"


def test_classroom_status_pass_only_when_everything_passed_and_error_on_grader_failure() -> None:
    assert classroom.runner_result(record(("a", 1, 1, "passed")))["status"] == "pass"
    errored = classroom.runner_result(ERROR)
    assert errored["status"] == "error" and classroom.validate(errored) == []
    assert classroom.points_line(errored) == "Points 0/0"


def test_classroom_output_round_trips_through_base64() -> None:
    result = classroom.runner_result(MIXED)
    encoded = classroom.encode(result)
    assert "\n" not in encoded and classroom.decode(encoded) == result
    assert json.loads(base64.b64decode(encoded)) == result  # what the reporter itself does


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"version": 2}, "version"),
        ({"status": "passed"}, "status"),
        ({"max_score": "6"}, "max_score"),
        ({"tests": {}}, "tests must be a list"),
        ({"tests": [{"name": "", "status": "pass"}]}, "name"),
        ({"tests": [{"name": "a", "status": "ok"}]}, "status"),
        ({"tests": [{"name": "a", "status": "pass", "score": True}]}, "score"),
        ({"tests": [{"name": "a", "status": "pass", "line_no": "3"}]}, "line_no"),
    ],
)
def test_classroom_validator_rejects_broken_results(change: dict[str, Any], problem: str) -> None:
    broken = {**classroom.runner_result(MIXED), **change}
    assert any(problem in p for p in classroom.validate(broken))


# -- Classroom 50 -----------------------------------------------------------------


def test_classroom50_result_matches_the_contract() -> None:
    identity = classroom50.identity_from_env(IDENTITY_ENV)
    moment = dt.datetime(2026, 11, 25, 10, 0, 5, tzinfo=dt.UTC)
    doc = classroom50.result(
        record(("a", 2, 2, "passed"), ("b", 0, 1, "failed")), identity, now=moment
    )
    assert classroom50.validate(doc) == []
    assert doc["schema"] == "classroom50/result/v1"
    assert doc["review"] == IDENTITY_ENV["COMMIT_URL"]  # REVIEW_URL empty: falls back to the commit
    assert doc["datetime"] == "2026-11-25T10:00:05Z"
    assert (doc["score"], doc["max-score"]) == (2, 3)
    assert [(t["test-name"], t["passed"], t["score"], t["max-score"]) for t in doc["tests"]] == [
        ("a", True, 2, 2),
        ("b", False, 0, 1),
    ]


def test_classroom50_fractional_points_are_scaled_to_whole_numbers() -> None:
    doc = classroom50.result(MIXED, classroom50.identity_from_env(IDENTITY_ENV))
    assert classroom50.validate(doc) == []
    assert {t["points-scale"] for t in doc["tests"]} == {2}
    assert (doc["score"], doc["max-score"]) == (9, 12)  # 4.5 / 6, exactly
    assert doc["score"] / doc["max-score"] == MIXED["score"] / MIXED["max_score"]


def test_classroom50_needs_the_runner_identity() -> None:
    with pytest.raises(classroom50.MissingIdentity, match="SUBMISSION_TAG"):
        classroom50.identity_from_env({**IDENTITY_ENV, "SUBMISSION_TAG": ""})


def test_classroom50_grader_error_is_a_valid_empty_result() -> None:
    doc = classroom50.result(ERROR, classroom50.identity_from_env(IDENTITY_ENV))
    assert classroom50.validate(doc) == [] and doc["tests"] == [] and doc["score"] == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"schema": "classroom50/result/v2"}, "schema"),
        ({"score": 1.5}, "score must be an integer"),
        ({"datetime": "2026-11-25 10:00"}, "datetime"),
        ({"score": 99}, "sum of the tests' scores"),
        ({"classroom": ""}, "classroom"),
        ({"tests": [{"test-name": "a", "passed": "yes", "score": 1, "max-score": 1}]}, "passed"),
    ],
)
def test_classroom50_validator_rejects_broken_results(change: dict[str, Any], problem: str) -> None:
    good = classroom50.result(
        record(("a", 1, 1, "passed")), classroom50.identity_from_env(IDENTITY_ENV)
    )
    assert any(problem in p for p in classroom50.validate({**good, **change}))
    missing = dict(good)
    del missing["release"]
    assert "missing field 'release'" in classroom50.validate(missing)


# -- Gradescope ---------------------------------------------------------------------


def test_gradescope_results_match_the_documented_shape() -> None:
    doc = gradescope.results_json(MIXED)
    assert gradescope.validate(doc) == []
    assert doc["score"] == MIXED["score"] == sum(t["score"] for t in doc["tests"])
    by_name = {t["name"]: t for t in doc["tests"]}
    assert by_name["leakage_experiment"]["visibility"] == "after_due_date"
    assert by_name["split_indices"]["visibility"] == "visible"
    assert by_name["task_type"]["status"] == "failed"
    assert "expected shape (3,), got (4,)" in by_name["task_type"]["output"]
    assert "Hint: check the axis" in by_name["task_type"]["output"]
    assert "hidden items" in doc["output"]  # the report says hidden items are still to come


def test_gradescope_grader_error_scores_zero_with_the_message() -> None:
    doc = gradescope.results_json(ERROR)
    assert gradescope.validate(doc) == [] and doc["score"] == 0
    assert "could not grade" in doc["output"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"score": "4.5"}, "score"),
        ({"visibility": "public"}, "visibility"),
        ({"output_format": "markdown"}, "output_format"),
        (
            {"tests": [{"name": "a", "score": 1, "max_score": 1, "visibility": "sometimes"}]},
            "visibility",
        ),
        ({"tests": [{"name": "a", "score": 1, "status": "partial"}]}, "status"),
    ],
)
def test_gradescope_validator_rejects_broken_results(change: dict[str, Any], problem: str) -> None:
    assert any(
        problem in p for p in gradescope.validate({**gradescope.results_json(MIXED), **change})
    )
