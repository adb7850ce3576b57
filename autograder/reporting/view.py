"""What a report of a results record says, before it is written as Markdown or as plain text.

Both renderers (:mod:`~autograder.reporting.markdown`, :mod:`~autograder.reporting.text`)
read a :class:`ReportView`, so a PR comment and a terminal say the same
things: the headline, the items, the hints of attempts that went wrong, the
notes and the cells that raised. The view reads a record defensively (a
record may come from a file): a missing or odd field is shown as such, never
a crash. Every text is put on one line without what a terminal would act
on (:func:`~autograder.reporting.untrusted.brief`); the Markdown renderer
then also keeps the student's text out of the markup. The view bounds how
much there is: every message is clipped to :data:`MESSAGE_CHARS`, and at
most :data:`NOTES_SHOWN` notes and :data:`CELL_ERRORS_SHOWN` cell errors are
listed, so no submission can make a report grow without bound.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograder.reporting.points import format_points
from autograder.reporting.untrusted import brief

MESSAGE_CHARS = 500  # an item message, a note, a cell's error: enough to say what went wrong
NAME_CHARS = 100  # an item name, an exception type, a week name
NOTES_SHOWN = 20
CELL_ERRORS_SHOWN = 10
BLOCKED_BY_SHOWN = 5  # the used functions an item names (a spec declares a few)
PRACTICE_SCOPE, OFFICIAL_SCOPE = "practice grade, public tests", "official grade"
WRITTEN_BY_STAFF = (
    "Written questions, graded by your course staff after the deadline (not part of this score)"
)


@dataclass(frozen=True)
class ItemLine:
    """One graded item as a report shows it."""

    status: str  # passed | partial | failed | error (anything else: shown as "error")
    name: str
    points: str  # "1.5 / 2"
    feedback: str  # "passed", or the message
    # the functions it uses whose own items fail too (practice runs): fix those first
    blocked_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hint:
    """The hint of an item that lost points, or, when it is blocked, the functions to fix first."""

    item: str
    text: str
    blocked_by: tuple[str, ...] = ()


def blocked_note(names: Sequence[str], quote: Callable[[str], str]) -> str:
    """What an item that fails with functions it uses that fail too says: their names, never a
    value (``quote`` shows a name as the renderer shows code)."""
    quoted = " and ".join(quote(name) for name in names)
    return f"may fail only because {quoted} {'does' if len(names) == 1 else 'do'}: fix that first"


@dataclass(frozen=True)
class CellError:
    number: str
    error_type: str
    message: str


@dataclass(frozen=True)
class ReportView:
    """Everything a report of one record shows, bounded in size."""

    week: str
    graded: bool
    score: str  # "3.5 / 11 points (practice grade, public tests)"
    passed: str  # "3 of 6 graded items passed."
    pending: tuple[str, str]  # (the emphasised part, the rest) of the hidden-items sentence
    written: list[tuple[str, str]]  # written questions graded by the course staff: (name, points)
    items: list[ItemLine]
    hints: list[Hint]
    notes: list[str]
    cell_errors: list[CellError]
    not_shown: int  # notes and cell errors left out of the lists
    footer: str


def report_view(results: dict[str, Any]) -> ReportView:
    """The view of a results record (see the module docstring)."""
    week = brief(results.get("assignment") or "?", NAME_CHARS)
    tests = [t for t in _list(results.get("tests")) if isinstance(t, dict)]
    items = [
        ItemLine(
            status=_status(t.get("status")),
            name=brief(t.get("name", "?"), NAME_CHARS),
            points=f"{format_points(_number(t.get('score')))} / {format_points(_number(t.get('max_score')))}",
            feedback="passed"
            if t.get("status") == "passed"
            else brief(t.get("message", ""), MESSAGE_CHARS),
            blocked_by=tuple(
                brief(name, NAME_CHARS) for name in _list(t.get("blocked_by"))[:BLOCKED_BY_SHOWN]
            ),
        )
        for t in tests
    ]
    # a hint helps an attempt that went wrong; an untouched stub needs none yet, and an
    # item that fails with a function it uses is pointed at that function instead
    hints = [
        Hint(item.name, brief(t.get("hint", ""), MESSAGE_CHARS), item.blocked_by)
        for item, t in zip(items, tests, strict=True)
        if item.status != "passed"
        and (t.get("hint") or item.blocked_by)
        and not str(t.get("message", "")).startswith("not implemented")
    ]
    all_notes = _list(results.get("notes"))
    notes = [brief(n, MESSAGE_CHARS) for n in all_notes[:NOTES_SHOWN]]
    failing_cells = [
        c
        for c in _list(results.get("cells"))
        if isinstance(c, dict) and isinstance(c.get("error"), dict)
    ]
    cell_errors = [
        CellError(
            brief(c.get("number", "?"), NAME_CHARS),
            brief(c["error"].get("error_type", ""), NAME_CHARS),
            brief(c["error"].get("error_message", ""), MESSAGE_CHARS),
        )
        for c in failing_cells[:CELL_ERRORS_SHOWN]
    ]
    not_shown = max(0, len(all_notes) - NOTES_SHOWN) + max(
        0, len(failing_cells) - CELL_ERRORS_SHOWN
    )
    pending = _dict(results.get("hidden_pending"))
    pending_items = _number(pending.get("items"))
    passed = sum(1 for item in items if item.status == "passed")
    return ReportView(
        week=week,
        graded=results.get("status") == "graded",
        score=(
            f"{format_points(_number(results.get('score')))} / "
            f"{format_points(_number(results.get('max_score')))} points "
            f"({PRACTICE_SCOPE if results.get('scope') == 'practice' else OFFICIAL_SCOPE})"
        ),
        passed=f"{passed} of {len(items)} graded items passed.",
        pending=(
            (
                f"{format_points(pending_items)} hidden items "
                f"({format_points(_number(pending.get('points')))} points) are not part of this run",
                ": they are graded after the deadline, so passing every item here does not "
                "guarantee full marks.",
            )
            if pending_items
            else ("", "")
        ),
        items=items,
        written=[
            (brief(q.get("name", "?"), NAME_CHARS), format_points(_number(q.get("points"))))
            for q in _list(results.get("written"))[:NOTES_SHOWN]
            if isinstance(q, dict)
        ],
        hints=hints,
        notes=notes,
        cell_errors=cell_errors,
        not_shown=not_shown,
        footer=_footer(results),
    )


def _footer(results: dict[str, Any]) -> str:
    submission = _dict(results.get("submission"))
    sha = re.sub(r"[^0-9a-f]", "", str(submission.get("sha256", "")))[:12]
    grader = _dict(results.get("grader"))
    version = brief(grader.get("version", "?"), NAME_CHARS)
    return f"graded in {_number(results.get('seconds')):.1f} s · notebook sha256 {sha} · grader {version}"


def _status(value: Any) -> str:
    return value if value in ("passed", "partial", "failed") else "error"


def _number(value: Any) -> float:
    """A number of the record, or 0 when it is missing, not a number, or not finite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return 0.0
    return number if math.isfinite(number) else 0.0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


__all__ = [
    "BLOCKED_BY_SHOWN",
    "CELL_ERRORS_SHOWN",
    "MESSAGE_CHARS",
    "NOTES_SHOWN",
    "WRITTEN_BY_STAFF",
    "CellError",
    "Hint",
    "ItemLine",
    "ReportView",
    "blocked_note",
    "report_view",
]
