"""Reports of a graded submission: the results JSON (the record) and Markdown.

The Markdown is what a student reads (PR comment, job summary, terminal):
a headline with the score, a table of items, then for each item that lost
points what was expected, what came back and one hint. It never shows a
grader traceback or a hidden value, and when hidden items remain it says
so instead of claiming that everything passed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

COMMENT_MARKER = "<!-- ml-course-autograder:report -->"
STATUS_ICON = {"passed": "✅", "partial": "🟡", "failed": "❌", "error": "⚠️"}


def fmt_points(value: float) -> str:
    """Points with up to two decimals, never rounded to 0/1: 1.5 -> '1.5', 2.0 -> '2'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename: a planted symlink at ``path`` is replaced, not followed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def results_json(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, sort_keys=False, allow_nan=False) + "\n"


def _cell(text: str) -> str:
    """Escape text for a Markdown table cell (no pipes, no newlines, no HTML)."""
    text = " ".join(str(text).split())
    text = text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("`", "'")


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
    lines += [f"## {week}: {fmt_points(score)} / {fmt_points(max_score)} points ({scope})", ""]
    tests = results.get("tests", [])
    passed = sum(1 for t in tests if t["status"] == "passed")
    summary = f"{passed} of {len(tests)} graded items passed."
    if pending.get("items"):
        summary += (
            f" **{pending['items']} hidden items ({fmt_points(pending['points'])} points) are not part of "
            "this run**: they are graded after the deadline, so passing every item here does not "
            "guarantee full marks."
        )
    lines += [summary, "", "| | item | points | feedback |", "|---|---|---|---|"]
    for t in tests:
        icon = STATUS_ICON.get(t["status"], "")
        feedback = t["message"] if t["status"] != "passed" else "passed"
        lines.append(
            f"| {icon} | `{_cell(t['name'])}` | {fmt_points(t['score'])} / {fmt_points(t['max_score'])} | {_cell(feedback)} |"
        )
    # a hint helps an attempt that went wrong; an untouched stub needs none yet
    failing = [
        t
        for t in tests
        if t["status"] != "passed"
        and t.get("hint")
        and not t["message"].startswith("not implemented")
    ]
    if failing:
        lines += ["", "### Hints", ""]
        lines += [f"- `{_cell(t['name'])}`: {_cell(t['hint'])}" for t in failing]
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


def grade_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """A plain-text table of several results (label, record): the demo's output."""
    names: list[str] = []
    for _, record in rows:
        for t in record.get("tests", []):
            if t["name"] not in names:
                names.append(t["name"])
    width = max([len("submission")] + [len(label) for label, _ in rows])
    header = f"{'submission':<{width}}  {'score':>13}  status"
    out = [header, "-" * len(header)]
    for label, record in rows:
        total = f"{fmt_points(record.get('score', 0))}/{fmt_points(record.get('max_score', 0))}"
        tests = record.get("tests", [])
        passed = sum(1 for t in tests if t["status"] == "passed")
        out.append(f"{label:<{width}}  {total:>13}  {passed}/{len(tests)} items passed")
    out.append("")
    item_width = max([len("item")] + [len(n) for n in names])
    out.append(f"{'item':<{item_width}}  " + "  ".join(f"{label[:12]:>12}" for label, _ in rows))
    for name in names:
        cells = []
        for _, record in rows:
            t = next((t for t in record.get("tests", []) if t["name"] == name), None)
            cells.append(
                f"{fmt_points(t['score']) + '/' + fmt_points(t['max_score']) if t else '-':>12}"
            )
        out.append(f"{name:<{item_width}}  " + "  ".join(cells))
    return "\n".join(out) + "\n"
