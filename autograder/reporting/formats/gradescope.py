"""Gradescope's ``results.json`` (written to ``/autograder/results/results.json``).

Documented shape (Gradescope autograder specifications)::

    {"score": 8.0, "output": "...", "output_format": "md", "visibility": "visible",
     "stdout_visibility": "hidden",
     "tests": [{"name": ..., "score": 2.0, "max_score": 2.0, "status": "passed",
                "output": ..., "visibility": "visible"}]}

Public items are ``visible``. Hidden items (an official grade) are
``after_due_date``: Gradescope shows them once the deadline has passed, as
our own reports do. Messages never carry a hidden value, so the export does
not either. The overall output is our Markdown report (student text in code
spans); each test's output is plain ``text``, cleaned and capped like every
report's messages, so a student's message is never rendered as markup.
"""

from __future__ import annotations

from typing import Any

from autograder.reporting.markdown import markdown
from autograder.reporting.untrusted import brief
from autograder.reporting.view import MESSAGE_CHARS

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
TEST_STATUSES = ("passed", "failed")
OUTPUT_FORMATS = ("text", "html", "simple_format", "md", "ansi")


def results_json(results: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's results for one graded submission."""
    tests = []
    for t in results.get("tests", []):
        passed = t["status"] == "passed"
        output = "passed" if passed else brief(t.get("message") or "", MESSAGE_CHARS)
        if not passed and t.get("hint"):
            output += f"\n\nHint: {brief(t['hint'], MESSAGE_CHARS)}"
        tests.append(
            {
                "name": t["name"],
                "score": float(t["score"]),
                "max_score": float(t["max_score"]),
                "status": "passed" if passed else "failed",
                "output": output,
                "visibility": "after_due_date" if t.get("visibility") == "hidden" else "visible",
            }
        )
    return {
        "score": float(results.get("score", 0.0)) if results.get("status") == "graded" else 0.0,
        "output": markdown(results),
        "output_format": "md",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def validate(doc: Any) -> list[str]:
    """Problems with ``doc`` as a Gradescope ``results.json`` (empty when valid)."""
    if not isinstance(doc, dict):
        return ["results.json is not a JSON object"]
    problems = []
    tests = doc.get("tests")
    if tests is not None and not isinstance(tests, list):
        return ["tests must be a list"]
    tests = tests or []
    if "score" not in doc and any("score" not in t for t in tests if isinstance(t, dict)):
        problems.append("score is required unless every test has one")
    if "score" in doc and not _number(doc["score"]):
        problems.append("score must be a number")
    for key in ("visibility", "stdout_visibility"):
        if key in doc and doc[key] not in VISIBILITIES:
            problems.append(f"{key} must be one of {VISIBILITIES}")
    if "output" in doc and not isinstance(doc["output"], str):
        problems.append("output must be a string")
    for key in ("output_format", "test_output_format"):
        if key in doc and doc[key] not in OUTPUT_FORMATS:
            problems.append(f"{key} must be one of {OUTPUT_FORMATS}")
    for i, t in enumerate(tests):
        where = f"tests[{i}]"
        if not isinstance(t, dict):
            problems.append(f"{where} is not an object")
            continue
        for key in ("score", "max_score"):
            if key in t and not _number(t[key]):
                problems.append(f"{where}.{key} must be a number")
        for key in ("name", "output"):
            if key in t and not isinstance(t[key], str):
                problems.append(f"{where}.{key} must be a string")
        if "visibility" in t and t["visibility"] not in VISIBILITIES:
            problems.append(f"{where}.visibility must be one of {VISIBILITIES}")
        if "status" in t and t["status"] not in TEST_STATUSES:
            problems.append(f"{where}.status must be one of {TEST_STATUSES}")
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
