"""Plain-text reports for a terminal, which renders no Markdown: one record, or a table of several.

``check`` and ``grade`` print these; files and PR comments get the Markdown
of :mod:`autograder.reporting.markdown`, which says the same things
(:mod:`autograder.reporting.view`). No Markdown syntax, no HTML entity, and
no character that a terminal would act on: every text a submission
controls passes :func:`~autograder.reporting.untrusted.one_line`.
"""

from __future__ import annotations

import textwrap
from typing import Any

from autograder.reporting.points import format_points
from autograder.reporting.untrusted import one_line
from autograder.reporting.view import WRITTEN_BY_STAFF, blocked_note, report_view

WIDTH = 100
STATUS_WORD = {"passed": "passed", "partial": "PARTIAL", "failed": "FAILED", "error": "ERROR"}


def report_text(results: dict[str, Any]) -> str:
    """One record as a terminal shows it: headline, one line per item, hints, notes."""
    view = report_view(results)
    if not view.graded:
        return (
            f"{view.week}: the grader could not grade this submission\n\n"
            "This is a problem with the grader, not with your work; your course staff has been told.\n"
            "The submission was recorded and will be graded again.\n"
        )
    out = [f"{view.week}: {view.score}", ""]
    out += _wrapped(
        view.passed + (f" {view.pending[0]}{view.pending[1]}" if view.pending[0] else "")
    )
    if view.written:
        questions = ", ".join(f"{name} ({points} points)" for name, points in view.written)
        out += ["", *_wrapped(f"{WRITTEN_BY_STAFF}: {questions}.")]
    out.append("")
    name_width = min(40, max([len("item")] + [len(item.name) for item in view.items]))
    points_width = max([0] + [len(item.points) for item in view.items])
    for item in view.items:
        out.append(
            f"  {STATUS_WORD[item.status]:<8} {item.name:<{name_width}}  {item.points:>{points_width}}"
        )
        if item.status != "passed":
            feedback = item.feedback
            if item.blocked_by:
                feedback = f"{blocked_note(item.blocked_by, str)}. {feedback}"
            out += _wrapped(feedback, indent=11)
    if view.hints:
        out += ["", "Hints"]
        for hint in view.hints:
            text = blocked_note(hint.blocked_by, str) + "." if hint.blocked_by else hint.text
            out += _wrapped(f"{hint.item}: {text}", indent=2)
    if view.notes or view.cell_errors:
        out += ["", "Notes"]
        for note in view.notes:
            out += _wrapped(note, indent=2)
        for cell in view.cell_errors:
            raised = f"cell {cell.number} raised {cell.error_type or 'an error'}"
            out += _wrapped(f"{raised}: {cell.message}" if cell.message else raised, indent=2)
        if view.not_shown:
            out.append(f"  ... and {view.not_shown} more notes and cell errors")
    out += ["", view.footer]
    return "\n".join(out) + "\n"


def _wrapped(text: str, indent: int = 0) -> list[str]:
    prefix = " " * indent
    return textwrap.wrap(
        text, WIDTH, initial_indent=prefix, subsequent_indent=prefix, break_on_hyphens=False
    ) or [prefix.rstrip()]


def grade_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """A plain-text table of several results (label, record): the demo's and a batch's output."""
    rows = [(one_line(label), record) for label, record in rows]
    names: list[str] = []
    for _, record in rows:
        for t in record.get("tests", []):
            if t["name"] not in names:
                names.append(t["name"])
    width = max([len("submission")] + [len(label) for label, _ in rows])
    header = f"{'submission':<{width}}  {'score':>13}  status"
    out = [header, "-" * len(header)]
    for label, record in rows:
        total = (
            f"{format_points(record.get('score', 0))}/{format_points(record.get('max_score', 0))}"
        )
        tests = record.get("tests", [])
        passed = sum(1 for t in tests if t["status"] == "passed")
        out.append(f"{label:<{width}}  {total:>13}  {passed}/{len(tests)} items passed")
    out.append("")
    item_width = max([len("item")] + [len(one_line(n)) for n in names])
    out.append(f"{'item':<{item_width}}  " + "  ".join(f"{label[:12]:>12}" for label, _ in rows))
    for name in names:
        cells = []
        for _, record in rows:
            t = next((t for t in record.get("tests", []) if t["name"] == name), None)
            cells.append(
                f"{format_points(t['score']) + '/' + format_points(t['max_score']) if t else '-':>12}"
            )
        out.append(f"{one_line(name):<{item_width}}  " + "  ".join(cells))
    return "\n".join(out) + "\n"
