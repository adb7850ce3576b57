"""``summary.md``: what an instructor reads after a regrade.

Counts per status, mean and median of the totals with points, the plots,
per-item pass rates, what each export leaves blank, every override with its
reason, the students without a normal grade, and the similar submissions.
"""

from __future__ import annotations

import statistics
from collections import Counter

from autograder.official.gradebook import (
    GRADED,
    ITEMS_PLOT,
    PENDING,
    PLOT,
    SIMILARITY,
    STATUSES,
    Row,
    fmt,
)
from autograder.official.similarity import SimilarPair, similarity_markdown
from autograder.reporting.untrusted import markdown_code, markdown_escaped


def item_pass_counts(
    rows: list[Row], item_points: dict[str, float]
) -> dict[str, tuple[int, int, int]]:
    """Item -> (students with full points, students with some, students marked), over the
    graded rows; a written question still ``pending`` for a student is not marked."""
    graded = [row for row in rows if row.status == GRADED]
    counts = {}
    for name, points in item_points.items():
        marked = [row for row in graded if name not in row.pending]
        counts[name] = (
            sum(1 for row in marked if row.items.get(name, 0.0) >= points),
            sum(1 for row in marked if 0.0 < row.items.get(name, 0.0) < points),
            len(marked),
        )
    return counts


def summary_markdown(
    week: str,
    rows: list[Row],
    item_points: dict[str, float],
    policy: str = "",
    *,
    similar: list[SimilarPair] | None = None,
    canvas: str = "",
    moodle: str = "",
) -> str:
    """The text of ``summary.md``; ``canvas`` and ``moodle`` say what became of those exports."""
    counts = Counter(row.status for row in rows)
    graded = [row for row in rows if row.status == GRADED]
    totals = [row.total for row in rows if row.has_points]
    max_score = sum(item_points.values())
    lines = [f"# {markdown_escaped(week, limit=100)}: gradebook summary", ""]
    if policy:
        lines += [f"Late policy: {markdown_escaped(policy, limit=500)}.", ""]
    lines += [
        f"{len(rows)} students: "
        + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
        + ".",
        "",
    ]
    late = sum(1 for row in rows if row.late)
    if late:
        lines += [f"{late} student(s) with commits after their deadline (the `late` column).", ""]
    if totals:
        lines += [
            f"Totals of the {len(totals)} students with points (out of {fmt(max_score)}): "
            f"mean {fmt(statistics.fmean(totals))}, median {fmt(statistics.median(totals))}, "
            f"min {fmt(min(totals))}, max {fmt(max(totals))}.",
            "",
        ]
    lines += [
        f"![distribution of the totals, mean and median marked]({PLOT})",
        "",
        f"Pass rate of every item: [{ITEMS_PLOT}]({ITEMS_PLOT}).",
        "",
        "| item | points | passed | partial | pass rate |",
        "|---|---|---|---|---|",
    ]
    for name, (passed, partial, marked) in item_pass_counts(rows, item_points).items():
        rate = f"{100 * passed / marked:.1f}%" if marked else "-"
        waiting = len(graded) - marked
        rate += f" ({waiting} {PENDING})" if waiting else ""
        lines.append(f"| `{name}` | {fmt(item_points[name])} | {passed} | {partial} | {rate} |")
    unmarked = [row for row in rows if row.has_points and row.pending]
    if unmarked:
        lines += [
            "",
            f"{len(unmarked)} student(s) with written questions {PENDING} (not marked yet): "
            "their totals in gradebook.csv leave those out, and every export leaves them blank.",
        ]
    blank = [row for row in rows if not row.has_points]
    lines += ["", "## Exports", ""]
    lines.append(f"- canvas.csv: {canvas}." if canvas else "- canvas.csv: not written.")
    if moodle:
        lines.append(f"- moodle.csv: {moodle}.")
    lines.append(
        "- Rule: a row with points (graded, unreadable) exports its total; every other "
        "status is blank in gradebook.csv and canvas.csv (left out of moodle.csv), never 0"
        + (
            ": "
            + ", ".join(f"{markdown_escaped(r.student, limit=100)} ({r.status})" for r in blank)
            + "."
            if blank
            else " (no such row here)."
        )
    )
    if unmarked:
        lines.append(
            f"- A written question {PENDING} (not marked yet): blank in canvas.csv, left out of "
            "moodle.csv: "
            + ", ".join(markdown_escaped(r.student, limit=100) for r in unmarked)
            + "."
        )
    overridden = [row for row in rows if row.overrides]
    if overridden:
        lines += ["", "## Overrides", "", "From the overrides file, applied by this regrade:", ""]
        for row in overridden:
            decisions = [markdown_escaped(d, limit=300) for d in row.overrides.split("; ")]
            lines.append(f"- {markdown_escaped(row.student, limit=100)}: " + "; ".join(decisions))
    problems = [row for row in rows if row.status != GRADED]
    if problems:
        lines += ["", "## Students without a normal grade", ""]
        lines += [
            f"- {markdown_escaped(row.student, limit=100)}: {row.status}"
            + (f" ({markdown_code(row.note, limit=500)})" if row.note.strip() else "")
            for row in problems
        ]
    if similar is not None:
        lines += ["", *similarity_markdown(similar)]
        lines.append(f"Every pair is in [{SIMILARITY}]({SIMILARITY}).")
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["item_pass_counts", "summary_markdown"]
