"""Classroom 50's ``result.json`` (schema ``classroom50/result/v1``).

Classroom 50 runs an assignment's ``autograder.py`` in the student's
checkout and reads ``./result.json``::

    {"schema": "classroom50/result/v1", "classroom": ..., "assignment": ...,
     "submission": <submit tag>, "commit": <url>, "release": <url>, "review": <url>,
     "datetime": "2026-06-01T14:32:01Z", "score": 4, "max-score": 5,
     "tests": [{"test-name": ..., "passed": true, "score": 4, "max-score": 4}]}

The identity fields come from the runner's environment (``CLASSROOM``,
``ASSIGNMENT``, ``SUBMISSION_TAG``, ``COMMIT_URL``, ``RELEASE_URL``,
``REVIEW_URL``). Scores are integers in the contract; when a run awards
fractional partial credit, every score and max-score is multiplied by the
smallest factor that makes them whole (recorded per test as
``points-scale``, an extra diagnostic field the contract preserves), so the
percentage stays exact. Extra per-test fields also carry our own points and
status.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

SCHEMA = "classroom50/result/v1"
IDENTITY_ENV = {
    "classroom": "CLASSROOM",
    "assignment": "ASSIGNMENT",
    "submission": "SUBMISSION_TAG",
    "commit": "COMMIT_URL",
    "release": "RELEASE_URL",
    "review": "REVIEW_URL",
}
REQUIRED = ("schema", *IDENTITY_ENV, "datetime", "score", "max-score", "tests")
TEST_KEYS = ("test-name", "passed", "score", "max-score")
SCALES = (1, 2, 4, 5, 10, 20, 100, 1000)
UTC_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class MissingIdentity(ValueError):
    """The Classroom 50 runner did not provide an identity variable."""


def identity_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """The submission's identity from the runner's environment (``review`` falls back to the commit)."""
    values = {field: env.get(var, "").strip() for field, var in IDENTITY_ENV.items()}
    values["review"] = values["review"] or values["commit"]
    missing = [IDENTITY_ENV[f] for f, v in values.items() if not v]
    if missing:
        raise MissingIdentity(
            f"not run by the Classroom 50 runner: {', '.join(missing)} not set in the environment"
        )
    return values


def points_scale(values: list[float]) -> int:
    """The smallest factor in :data:`SCALES` that turns every value into a whole number."""
    for scale in SCALES:
        if all(math.isclose(v * scale, round(v * scale), abs_tol=1e-6) for v in values):
            return scale
    return SCALES[-1]


def result(
    results: dict[str, Any], identity: Mapping[str, str], *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Classroom 50's result for one graded submission."""
    tests = results.get("tests", []) if results.get("status") == "graded" else []
    scale = points_scale(
        [float(t["score"]) for t in tests] + [float(t["max_score"]) for t in tests]
    )
    rows = [
        {
            "test-name": t["name"],
            "passed": t["status"] == "passed",
            "score": round(float(t["score"]) * scale),
            "max-score": round(float(t["max_score"]) * scale),
            "points-scale": scale,
            "status": t["status"],
        }
        for t in tests
    ]
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return {
        "schema": SCHEMA,
        **{field: identity[field] for field in IDENTITY_ENV},
        "datetime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "score": sum(r["score"] for r in rows),
        "max-score": sum(r["max-score"] for r in rows),
        "tests": rows,
    }


def validate(doc: Any) -> list[str]:
    """Problems with ``doc`` as a ``classroom50/result/v1`` result (empty when valid)."""
    if not isinstance(doc, dict):
        return ["result.json is not a JSON object"]
    problems = [f"missing field {key!r}" for key in REQUIRED if key not in doc]
    if doc.get("schema") != SCHEMA:
        problems.append(f"schema must be {SCHEMA!r}")
    for key in (*IDENTITY_ENV, "datetime"):
        if key in doc and (not isinstance(doc[key], str) or not doc[key]):
            problems.append(f"{key} must be a non-empty string")
    if isinstance(doc.get("datetime"), str) and not UTC_DATETIME.match(doc["datetime"]):
        problems.append("datetime must be UTC ISO 8601 like 2026-06-01T14:32:01Z")
    for key in ("score", "max-score"):
        if key in doc and not _int(doc[key]):
            problems.append(f"{key} must be an integer")
    tests = doc.get("tests")
    if not isinstance(tests, list):
        return [*problems, "tests must be a list"]
    for i, t in enumerate(tests):
        if not isinstance(t, dict) or any(k not in t for k in TEST_KEYS):
            problems.append(f"tests[{i}] must have {', '.join(TEST_KEYS)}")
            continue
        if not isinstance(t["test-name"], str) or not t["test-name"]:
            problems.append(f"tests[{i}].test-name must be a non-empty string")
        if not isinstance(t["passed"], bool):
            problems.append(f"tests[{i}].passed must be true or false")
        if not (_int(t["score"]) and _int(t["max-score"])):
            problems.append(f"tests[{i}].score and max-score must be integers")
    if not problems:
        if doc["score"] != sum(t["score"] for t in tests):
            problems.append("score must be the sum of the tests' scores")
        if doc["max-score"] != sum(t["max-score"] for t in tests):
            problems.append("max-score must be the sum of the tests' max-scores")
    return problems


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
