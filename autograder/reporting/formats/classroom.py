"""The GitHub Classroom autograding reporter's format: what a runner action hands to it.

Classroom's test-runner actions (``autograding-command-grader``,
``autograding-io-grader``, ...) set a step output ``result``: base64 of a
JSON object ::

    {"version": 1, "status": "pass" | "fail" | "error", "max_score": 11,
     "tests": [{"name": ..., "status": "pass" | "fail" | "error", "score": 2,
                "message": ..., "test_code": ..., "filename": ..., "line_no": 0,
                "execution_time": "0.12s"}]}

The ``autograding-grading-reporter`` reads it from an env var
``<RUNNER>_RESULTS`` (``runners: <runner>``), adds up ``tests[].score``
against ``max_score`` and records ``Points <score>/<max>`` on the check run;
Classroom read the grade from that line. We emit the same JSON and print the
same line as a workflow notice, so either path reads our points.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from autograder.reporting.points import format_points
from autograder.reporting.untrusted import brief

VERSION = 1
RUN_STATUSES = ("pass", "fail", "error")
_TEST_STATUS = {"passed": "pass", "partial": "fail", "failed": "fail", "error": "error"}
MAX_MESSAGE_CHARS = 1_000


def runner_result(results: dict[str, Any]) -> dict[str, Any]:
    """The reporter's runner result for one graded submission (scores exactly ours)."""
    tests = []
    for t in results.get("tests", []):
        status = _TEST_STATUS.get(t.get("status", ""), "fail")
        message = "passed" if status == "pass" else brief(t.get("message") or "", MAX_MESSAGE_CHARS)
        tests.append(
            {
                "name": t["name"],
                "status": status,
                "score": t["score"],
                "message": message,
                "test_code": "",
                "filename": results.get("submission", {}).get("path", "") or "",
                "line_no": 0,
                "execution_time": f"{float(t.get('seconds', 0.0)):.2f}s",
            }
        )
    if results.get("status") != "graded":
        status = "error"
    elif all(t["status"] == "pass" for t in tests):
        status = "pass"
    else:
        status = "fail"
    return {
        "version": VERSION,
        "status": status,
        "max_score": results.get("max_score", 0),
        "tests": tests,
    }


def encode(result: dict[str, Any]) -> str:
    """Base64 of the compact JSON, as the ``result`` step output carries it."""
    return base64.b64encode(json.dumps(result, separators=(",", ":")).encode()).decode("ascii")


def decode(text: str) -> dict[str, Any]:
    """The inverse of :func:`encode` (what the reporter does with ``<RUNNER>_RESULTS``)."""
    value = json.loads(base64.b64decode(text, validate=True))
    if not isinstance(value, dict):
        raise ValueError("the decoded result is not a JSON object")
    return value


def points_line(result: dict[str, Any]) -> str:
    """``Points <score>/<max>``: the reporter's sum of test scores over ``max_score``."""
    total = sum(float(t.get("score", 0)) for t in result.get("tests", []))
    return f"Points {format_points(total)}/{format_points(float(result.get('max_score', 0)))}"


def validate(result: Any) -> list[str]:
    """Problems with ``result`` as a reporter runner result (empty when valid)."""
    if not isinstance(result, dict):
        return ["the result is not a JSON object"]
    problems = []
    if result.get("version") != VERSION:
        problems.append(f"version must be {VERSION}")
    if result.get("status") not in RUN_STATUSES:
        problems.append(f"status must be one of {RUN_STATUSES}")
    if not _number(result.get("max_score")):
        problems.append("max_score must be a number")
    tests = result.get("tests")
    if not isinstance(tests, list):
        return [*problems, "tests must be a list"]
    for i, t in enumerate(tests):
        where = f"tests[{i}]"
        if not isinstance(t, dict):
            problems.append(f"{where} is not an object")
            continue
        if not isinstance(t.get("name"), str) or not t["name"]:
            problems.append(f"{where}.name must be a non-empty string")
        if t.get("status") not in RUN_STATUSES:
            problems.append(f"{where}.status must be one of {RUN_STATUSES}")
        if "score" in t and not _number(t["score"]):
            problems.append(f"{where}.score must be a number")
        for key in ("message", "test_code", "filename", "execution_time"):
            if key in t and not isinstance(t[key], str):
                problems.append(f"{where}.{key} must be a string")
        if "line_no" in t and not isinstance(t["line_no"], int):
            problems.append(f"{where}.line_no must be an integer")
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
