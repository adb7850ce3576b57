"""The Markdown report of a results record: what a student reads in a PR comment, job summary or file.

A headline with the score, a table of items, then for each item that lost
points what was expected, what came back and one hint. An item that fails
while a function it uses fails too says to fix that function first, instead
of a hint about its own code. It never shows a grader traceback or a hidden
value, and when hidden items remain it says so instead of claiming that
everything passed.

Text a submission controls (item messages, notes, cell errors), clipped by
the view (:mod:`autograder.reporting.view`), is shown in code spans (:mod:`autograder.reporting.untrusted`): no image, link, HTML,
mention or table cell of the student's making is ever rendered, and no HTML
entity appears in the file. A report can be fitted to a size (``limit``, in
UTF-8 bytes, which no way of counting GitHub's characters exceeds): whole
lines are kept from the top and the cut is said, so a PR comment always fits
GitHub's limit and points to where the whole report is.
"""

from __future__ import annotations

from typing import Any

from autograder.reporting.untrusted import markdown_code, markdown_escaped
from autograder.reporting.view import WRITTEN_BY_STAFF, Hint, ReportView, blocked_note, report_view

COMMENT_MARKER = "<!-- ml-course-autograder:report -->"
STATUS_ICON = {"passed": "✅", "partial": "🟡", "failed": "❌", "error": "⚠️"}
WHOLE_REPORT_ELSEWHERE = "the whole report is in the results record"


def markdown(
    results: dict[str, Any],
    *,
    marker: bool = False,
    limit: int | None = None,
    elsewhere: str = WHOLE_REPORT_ELSEWHERE,
) -> str:
    """Render a results record as Markdown, at most ``limit`` UTF-8 bytes (``elsewhere`` says where the rest is)."""
    view = report_view(results)
    head = [COMMENT_MARKER] if marker else []
    if not view.graded:
        head += [
            f"## {markdown_escaped(view.week)}: the grader could not grade this submission",
            "",
            "This is a problem with the grader, not with your work; your course staff has been told.",
            "The submission was recorded and will be graded again.",
        ]
        return "\n".join(head) + "\n"
    head += [f"## {markdown_escaped(view.week)}: {view.score}", ""]
    summary = view.passed
    if view.pending[0]:
        summary += f" **{view.pending[0]}**{view.pending[1]}"
    head.append(summary)
    if view.written:
        head += [
            "",
            f"{WRITTEN_BY_STAFF}: "
            + ", ".join(f"{markdown_code(name)} ({points} points)" for name, points in view.written)
            + ".",
        ]
    body = _body(view)
    foot = ["", f"<sub>{markdown_escaped(view.footer)}</sub>"]
    return fit(head, body, foot, limit, elsewhere)


def _body(view: ReportView) -> list[str]:
    lines = ["", "| | item | points | feedback |", "|---|---|---|---|"]
    for item in view.items:
        feedback = (
            "passed" if item.status == "passed" else markdown_code(item.feedback, in_table=True)
        )
        if item.blocked_by and item.status != "passed":
            feedback = f"{blocked_note(item.blocked_by, _table_code)}. {feedback}"
        lines.append(
            f"| {STATUS_ICON[item.status]} | {markdown_code(item.name, in_table=True)} "
            f"| {item.points} | {feedback} |"
        )
    if view.hints:
        lines += ["", "### Hints", ""]
        lines += [f"- {markdown_code(hint.item)}: {_hint_text(hint)}" for hint in view.hints]
    if view.notes or view.cell_errors:
        lines += ["", "### Notes", ""]
        lines += [f"- {markdown_code(note)}" for note in view.notes]
        for cell in view.cell_errors:
            raised = markdown_code(cell.error_type) or "an error"
            message = markdown_code(cell.message)
            lines.append(
                f"- cell {markdown_escaped(cell.number)} raised {raised}"
                + (f": {message}" if message else "")
            )
        if view.not_shown:
            lines.append(f"- … and {view.not_shown} more notes and cell errors")
    return lines


def _table_code(name: str) -> str:
    return markdown_code(name, in_table=True)


def _hint_text(hint: Hint) -> str:
    if hint.blocked_by:
        return blocked_note(hint.blocked_by, markdown_code) + "."
    return markdown_escaped(hint.text)


def fit(
    head: list[str], body: list[str], foot: list[str], limit: int | None, elsewhere: str
) -> str:
    """``head + body + foot`` as one text of at most ``limit`` UTF-8 bytes, cutting ``body``'s tail.

    Only whole lines are dropped, so no code span or table row is left open,
    and the note that says so starts a paragraph of its own (after a blank
    line, so it cannot become a table row).
    """
    text = "\n".join([*head, *body, *foot]) + "\n"
    if limit is None or len(text.encode("utf-8")) <= limit:
        return text

    def note(dropped: int) -> list[str]:
        return ["", f"*The report was cut here: {dropped} more lines are not shown; {elsewhere}.*"]

    budget = limit - len(("\n".join([*head, *note(len(body)), *foot]) + "\n").encode("utf-8"))
    kept: list[str] = []
    for line in body:
        cost = len(line.encode("utf-8")) + 1
        if cost > budget:
            break
        kept.append(line)
        budget -= cost
    return "\n".join([*head, *kept, *note(len(body) - len(kept)), *foot]) + "\n"


__all__ = ["COMMENT_MARKER", "STATUS_ICON", "WHOLE_REPORT_ELSEWHERE", "fit", "markdown"]
