"""The Markdown report of a results record: what a student reads (PR comment, job summary).

The Markdown is what a student reads (PR comment, job summary, terminal):
a headline with the score, a table of items, then for each item that lost
points what was expected, what came back and one hint. An item that fails
while a function it uses fails too says to fix that function first, instead
of a hint about its own code. It never shows a grader traceback or a hidden
value, and when hidden items remain it says so instead of claiming that
everything passed.
"""

from __future__ import annotations

from typing import Any

from autograder.reporting.points import format_points

COMMENT_MARKER = "<!-- ml-course-autograder:report -->"
STATUS_ICON = {"passed": "✅", "partial": "🟡", "failed": "❌", "error": "⚠️"}


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell (no pipes, no newlines, no HTML)."""
    text = " ".join(str(text).split())
    text = text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("`", "'")


def blocked_note(names: list[str]) -> str:
    """What an item that uses failing functions says: their names, never a value."""
    quoted = " and ".join(f"`{_cell(n)}`" for n in names)
    return f"may fail only because {quoted} {'does' if len(names) == 1 else 'do'}: fix that first"


def markdown(results: dict[str, Any], *, marker: bool = False) -> str:
    """Render a results record as Markdown."""
    lines = [COMMENT_MARKER] if marker else []
    week = results.get("assignment", "?")
    score, max_score = results.get("score", 0.0), results.get("max_score", 0.0)
    pending = results.get("hidden_pending") or {}
    if results.get("status") != "graded":
        lines += [
            f"## {week}: the grader could not grade this submission",
            "",
            "This is a problem with the grader, not with your work; your course staff has been told.",
            "The submission was recorded and will be graded again.",
        ]
        return "\n".join(lines) + "\n"
    scope = (
        "practice grade, public tests" if results.get("scope") == "practice" else "official grade"
    )
    lines += [
        f"## {week}: {format_points(score)} / {format_points(max_score)} points ({scope})",
        "",
    ]
    tests = results.get("tests", [])
    passed = sum(1 for t in tests if t["status"] == "passed")
    summary = f"{passed} of {len(tests)} graded items passed."
    if pending.get("items"):
        summary += (
            f" **{pending['items']} hidden items ({format_points(pending['points'])} points) are not part of "
            "this run**: they are graded after the deadline, so passing every item here does not "
            "guarantee full marks."
        )
    lines += [summary, "", "| | item | points | feedback |", "|---|---|---|---|"]
    for t in tests:
        icon = STATUS_ICON.get(t["status"], "")
        feedback = _cell(t["message"]) if t["status"] != "passed" else "passed"
        if t.get("blocked_by"):
            feedback = f"{blocked_note(t['blocked_by'])}. {feedback}"
        lines.append(
            f"| {icon} | `{_cell(t['name'])}` | {format_points(t['score'])} / {format_points(t['max_score'])} | {feedback} |"
        )
    # a hint helps an attempt that went wrong; an untouched stub needs none yet, and an
    # item that fails with a function it uses is pointed at that function instead
    hints = [
        f"- `{_cell(t['name'])}`: {blocked_note(t['blocked_by'])}."
        if t.get("blocked_by")
        else f"- `{_cell(t['name'])}`: {_cell(t['hint'])}"
        for t in tests
        if t["status"] != "passed"
        and (t.get("hint") or t.get("blocked_by"))
        and not t["message"].startswith("not implemented")
    ]
    if hints:
        lines += ["", "### Hints", "", *hints]
    notes = results.get("notes") or []
    errors = [c for c in results.get("cells", []) if c.get("error")]
    if notes or errors:
        lines += ["", "### Notes", ""]
        lines += [f"- {_cell(n)}" for n in notes]
        for cell in errors[:10]:
            e = cell["error"]
            lines.append(
                f"- cell {cell['number']} raised `{_cell(e.get('error_type', ''))}`: {_cell(e.get('error_message', ''))}"
            )
    sha = (results.get("submission") or {}).get("sha256", "")
    lines += [
        "",
        f"<sub>graded in {results.get('seconds', 0):.1f} s · notebook sha256 {sha[:12]} · grader {results.get('grader', {}).get('version', '?')}</sub>",
    ]
    return "\n".join(lines) + "\n"
