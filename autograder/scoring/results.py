"""The results record: what grading one submission produced (written as the results JSON).

One versioned JSON document per graded submission; every report
(:mod:`autograder.reporting`) and every gradebook row is rendered from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from autograder.exit_codes import ExitCode
from autograder.scoring.compare import ItemResult

RESULTS_SCHEMA = "ml-course-autograder/results"
RESULTS_VERSION = 1
PRACTICE, OFFICIAL = "practice", "official"


@dataclass
class Results:
    """The record of grading one submission (written as the results JSON)."""

    assignment: str
    scope: str
    tests: list[ItemResult]
    submission: dict[str, Any]
    grader: dict[str, Any]
    status: str = "graded"
    error: str | None = None
    hidden_pending: dict[str, float] = field(default_factory=lambda: {"items": 0, "points": 0.0})
    # written questions, graded by the course staff: [{"name", "points"}] (practice records)
    written: list[dict[str, Any]] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    graded_at: str = ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def all_passed(self) -> bool:
        return self.status == "graded" and all(t.status == "passed" for t in self.tests)

    @property
    def exit_code(self) -> int:
        if self.status != "graded":
            return ExitCode.INTERNAL
        return ExitCode.OK if self.all_passed else ExitCode.FAILED

    def as_dict(self) -> dict[str, Any]:
        record = {
            "schema": RESULTS_SCHEMA,
            "version": RESULTS_VERSION,
            "assignment": self.assignment,
            "scope": self.scope,
            "status": self.status,
            "error": self.error,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [t.as_dict() for t in self.tests],
            "hidden_pending": self.hidden_pending,
            "submission": self.submission,
            "grader": self.grader,
            "cells": self.cells,
            "notes": self.notes,
            "seconds": self.seconds,
            "graded_at": self.graded_at,
        }
        if self.written:  # only weeks with written questions: other records stay as they were
            record["written"] = self.written
        return record


def results_json(results: dict[str, Any]) -> str:
    """The record as the JSON text every tool writes (no NaN: a record is always valid JSON)."""
    return json.dumps(results, indent=2, sort_keys=False, allow_nan=False) + "\n"
