"""The gradebook of a week: one row per roster student, CSV, Canvas CSV, summary and plot.

Files written into the output folder (all byte-for-byte reproducible from
the same rows: no timestamps, fixed ordering, fixed number formatting):

``gradebook.csv``     student, repo, commit, commit_time, time_source, late,
                      days_late, status, notebook_sha256, one column per item,
                      score (before the late multiplier), multiplier, total,
                      max_score, note. Scores are fractional (up to 6 decimals),
                      never rounded to 0/1. A week with written questions has
                      a column per question (:mod:`autograder.official.written_marks`):
                      its points, or ``pending`` until it is marked.
``canvas.csv``        Canvas's gradebook import format (Student, ID, SIS User ID,
                      SIS Login ID, Section, then the assignment column), ids
                      taken from the roster's ``name``, ``canvas_id``,
                      ``sis_user_id``, ``sis_login_id``, ``section`` columns.
                      Students without a repository, rows the grader
                      failed on and rows with a written question still
                      ``pending`` are left blank, never a silent zero.
``summary.md``        counts per status, mean and median, per-item pass rates
                      (written questions included, their pending marks counted apart).
``distribution.png``  histogram of totals.

A cell that a spreadsheet would read as a formula (a roster value, a note
quoting git, a repository URL starting with ``=``, ``+``, ``-``, ``@``...)
is written with a leading ``'`` (:func:`autograder.reporting.untrusted.csv_cell`),
in every CSV here.

Statuses: ``graded``; ``missing`` (no repository); ``empty`` (a repository
without commits); ``no-commit`` (no commit at or before the cutoff);
``unreadable`` (the notebook is missing from the commit, a symlink or too
large: zero, with the reason in ``note``); ``error`` (the grader failed:
regrade again after a fix).
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.files import write_atomic
from autograder.reporting.points import format_points
from autograder.reporting.untrusted import csv_cell, markdown_code, markdown_escaped

GRADED, MISSING, EMPTY, NO_COMMIT, UNREADABLE, ERROR = (
    "graded",
    "missing",
    "empty",
    "no-commit",
    "unreadable",
    "error",
)
STATUSES = (GRADED, MISSING, EMPTY, NO_COMMIT, UNREADABLE, ERROR)
HEAD = [
    "student",
    "repo",
    "commit",
    "commit_time",
    "time_source",
    "late",
    "days_late",
    "status",
    "notebook_sha256",
]
TAIL = ["score", "multiplier", "total", "max_score", "note"]
GRADEBOOK, CANVAS, SUMMARY, PLOT = "gradebook.csv", "canvas.csv", "summary.md", "distribution.png"
CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
PENDING = "pending"  # a written question's cell before it is marked (never a silent 0)


class GradebookError(Exception):
    """A gradebook (or a set of shard gradebooks) is inconsistent."""


def fmt(value: float) -> str:
    """A score in a gradebook: up to 6 decimals, trailing zeros dropped (1.5, 2, 0.333333)."""
    return format_points(value, decimals=6)


@dataclass
class Row:
    """One roster student's grade."""

    student: str
    status: str
    max_score: float
    items: dict[str, float] = field(default_factory=dict)
    repo: str = ""
    commit: str = ""
    commit_time: str = ""
    time_source: str = ""
    late: bool = False
    days_late: int = 0
    multiplier: float = 1.0
    sha256: str = ""
    note: str = ""
    pending: list[str] = field(default_factory=list)  # written questions not marked yet

    def __post_init__(self) -> None:
        # Quantised as the CSV stores them, so a row read back from a CSV (a shard) equals the original.
        self.items = {name: round(float(value), 6) for name, value in self.items.items()}
        self.multiplier = round(float(self.multiplier), 6)

    @property
    def score(self) -> float:
        return round(sum(self.items.values()), 6)

    @property
    def total(self) -> float:
        return round(sum(self.items.values()) * self.multiplier, 6)

    def cells(self, item_names: list[str]) -> list[str]:
        head = [
            self.student,
            self.repo,
            self.commit,
            self.commit_time,
            self.time_source,
            "yes" if self.late else "no",
            str(self.days_late),
            self.status,
            self.sha256,
        ]
        items = [
            PENDING if name in self.pending else fmt(self.items.get(name, 0.0))
            for name in item_names
        ]
        tail = [
            fmt(self.score),
            fmt(self.multiplier),
            fmt(self.total),
            fmt(self.max_score),
            " ".join(self.note.split()),
        ]
        return head + items + tail


def _csv(table: list[list[str]]) -> str:
    """Rows as CSV text, every cell made safe for a spreadsheet."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    for cells in table:
        writer.writerow([csv_cell(cell) for cell in cells])
    return stream.getvalue()


def gradebook_csv(rows: list[Row], item_names: list[str]) -> str:
    return _csv([HEAD + item_names + TAIL, *(row.cells(item_names) for row in rows)])


def read_gradebook(path: Path) -> tuple[list[str], list[Row]]:
    """(item names, rows) of a ``gradebook.csv`` written by :func:`write_gradebook`.

    Raises :class:`GradebookError`, naming the student and the column, for
    a cell that is not what this grader writes: a number that does not
    parse, or a ``score``/``total`` that the items and multiplier do not give.
    """
    try:
        with path.open(newline="", encoding="utf-8") as stream:
            table = list(csv.reader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GradebookError(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
        ) from error
    if not table or table[0][: len(HEAD)] != HEAD or table[0][-len(TAIL) :] != TAIL:
        raise GradebookError(f"{path} is not a gradebook written by this grader")
    header = table[0]
    names = header[len(HEAD) : -len(TAIL)]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if len(cells) != len(header):
            raise GradebookError(f"{path}, line {number}: {len(cells)} cells, not {len(header)}")
        record = dict(zip(header, cells, strict=True))
        where = f"{path}: row of {record['student']}"
        row = Row(
            student=record["student"],
            status=record["status"],
            max_score=_parsed(record, "max_score", float, where),
            items={n: _parsed(record, n, float, where) for n in names if record[n] != PENDING},
            pending=[n for n in names if record[n] == PENDING],
            repo=record["repo"],
            commit=record["commit"],
            commit_time=record["commit_time"],
            time_source=record["time_source"],
            late=record["late"] == "yes",
            days_late=_parsed(record, "days_late", int, where),
            multiplier=_parsed(record, "multiplier", float, where),
            sha256=record["notebook_sha256"],
            note=record["note"],
        )
        for column, value in (("score", row.score), ("total", row.total)):
            if record[column] != fmt(value):
                raise GradebookError(
                    f"{where}: {column} {record[column]!r} is not what its items and multiplier give ({fmt(value)})"
                )
        rows.append(row)
    return names, rows


def _parsed(record: dict[str, str], column: str, kind: type, where: str) -> Any:
    try:
        return kind(record[column])
    except ValueError:
        raise GradebookError(f"{where}: {column} {record[column]!r} is not a number") from None


def canvas_csv(rows: list[Row], roster_extra: dict[str, dict[str, str]], column: str) -> str:
    """Canvas's gradebook import: the id columns, then ``column`` with each total."""
    table = [[*CANVAS_IDS, column]]
    for row in rows:
        extra = roster_extra.get(row.student, {})
        score = "" if row.status in (ERROR, MISSING) or row.pending else fmt(row.total)
        table.append(
            [
                extra.get("name", row.student),
                extra.get("canvas_id", ""),
                extra.get("sis_user_id", ""),
                extra.get("sis_login_id", row.student),
                extra.get("section", ""),
                score,
            ]
        )
    return _csv(table)


def summary_markdown(
    week: str, rows: list[Row], item_points: dict[str, float], policy: str = ""
) -> str:
    """Counts per status, mean/median of totals, per-item pass rates."""
    counts = Counter(row.status for row in rows)
    graded = [row for row in rows if row.status == GRADED]
    totals = [row.total for row in graded]
    max_score = sum(item_points.values())
    lines = [f"# {week}: gradebook summary", ""]
    if policy:
        lines += [f"Late policy: {policy}.", ""]
    lines += [
        f"{len(rows)} students: "
        + ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])
        + ".",
        "",
    ]
    late = sum(1 for row in rows if row.late)
    if late:
        lines += [f"{late} students have commits after their deadline (the `late` column).", ""]
    if totals:
        lines += [
            f"Totals of the {len(totals)} graded students (out of {fmt(max_score)}): "
            f"mean {fmt(statistics.fmean(totals))}, median {fmt(statistics.median(totals))}, "
            f"min {fmt(min(totals))}, max {fmt(max(totals))}.",
            "",
        ]
    lines += ["| item | points | passed | partial | pass rate |", "|---|---|---|---|---|"]
    for name, points in item_points.items():
        marked = [row for row in graded if name not in row.pending]
        passed = sum(1 for row in marked if row.items.get(name, 0.0) >= points)
        partial = sum(1 for row in marked if 0.0 < row.items.get(name, 0.0) < points)
        rate = f"{100 * passed / len(marked):.1f}%" if marked else "-"
        waiting = len(graded) - len(marked)
        rate += f" ({waiting} {PENDING})" if waiting else ""
        lines.append(f"| `{name}` | {fmt(points)} | {passed} | {partial} | {rate} |")
    unmarked = sum(1 for row in graded if row.pending)
    if unmarked:
        lines += [
            "",
            f"{unmarked} graded students have written questions {PENDING} (not marked yet): "
            "their totals leave those out, and canvas.csv leaves them blank.",
        ]
    problems = [row for row in rows if row.status not in (GRADED,)]
    if problems:
        lines += ["", "## Students without a normal grade", ""]
        lines += [
            f"- {markdown_escaped(row.student, limit=100)}: {row.status}"
            + (f" ({markdown_code(row.note, limit=500)})" if row.note.strip() else "")
            for row in problems
        ]
    return "\n".join(lines) + "\n"


def distribution_png(week: str, rows: list[Row], max_score: float) -> bytes:
    """A histogram of graded totals (PNG, no timestamp in its metadata)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    totals = [row.total for row in rows if row.status == GRADED]
    figure = Figure(figsize=(6, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bins = max(1, min(20, int(max_score) or 1))
    axes.hist(
        totals, bins=bins, range=(0, max(max_score, 1e-9)), color="#4878a8", edgecolor="white"
    )
    axes.set_xlabel("total points")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{week}: {len(totals)} graded of {len(rows)}")
    figure.tight_layout()
    stream = io.BytesIO()
    figure.savefig(stream, format="png", metadata={"Software": None})
    return stream.getvalue()


def write_gradebook(
    out: Path,
    week: str,
    rows: list[Row],
    item_points: dict[str, float],
    roster_extra: dict[str, dict[str, str]],
    *,
    canvas_column: str | None = None,
    policy: str = "",
) -> list[Path]:
    """Write the four gradebook files into ``out``; return their paths."""
    names = list(item_points)
    written = {
        GRADEBOOK: gradebook_csv(rows, names),
        CANVAS: canvas_csv(rows, roster_extra, canvas_column or week),
        SUMMARY: summary_markdown(week, rows, item_points, policy),
    }
    paths = []
    for name, text in written.items():
        write_atomic(out / name, text)
        paths.append(out / name)
    write_atomic(out / PLOT, distribution_png(week, rows, sum(item_points.values())))
    return [*paths, out / PLOT]


def differences(old: list[Row], new: list[Row]) -> list[str]:
    """Students whose total, status or commit changed between two gradebooks."""
    before = {row.student: row for row in old}
    lines = []
    for row in new:
        was = before.pop(row.student, None)
        if was is None:
            lines.append(f"{row.student}: new row, {fmt(row.total)} ({row.status})")
        elif (was.total, was.status, was.commit) != (row.total, row.status, row.commit):
            change = f"{fmt(was.total)} -> {fmt(row.total)}"
            if was.status != row.status:
                change += f", status {was.status} -> {row.status}"
            if was.commit != row.commit:
                change += f", commit {was.commit[:10] or '-'} -> {row.commit[:10] or '-'}"
            lines.append(f"{row.student}: {change}")
    lines += [f"{student}: row removed (was {fmt(row.total)})" for student, row in before.items()]
    return lines


def rows_in_roster_order(rows: list[Row], roster: list[str]) -> list[Row]:
    """``rows`` ordered as ``roster``; refuses unknown, missing or duplicate students."""
    by_student: dict[str, Row] = {}
    duplicates = []
    for row in rows:
        if row.student in by_student:
            duplicates.append(row.student)
        by_student[row.student] = row
    unknown = sorted(set(by_student) - set(roster))
    missing = [s for s in roster if s not in by_student]
    problems = []
    if duplicates:
        problems.append(f"graded twice: {', '.join(sorted(set(duplicates)))}")
    if unknown:
        problems.append(f"not on the roster: {', '.join(unknown)}")
    if missing:
        problems.append(
            f"no row: {', '.join(missing[:20])}" + (" ..." if len(missing) > 20 else "")
        )
    if problems:
        raise GradebookError("the gradebooks and the roster disagree: " + "; ".join(problems))
    return [by_student[s] for s in roster]


def item_points_of(week: Any) -> dict[str, float]:
    """Item name -> points, in the spec's order (public then hidden)."""
    return {item.name: float(item.points) for item in week.items}


__all__ = [
    "CANVAS",
    "GRADEBOOK",
    "PLOT",
    "STATUSES",
    "SUMMARY",
    "GradebookError",
    "Row",
    "canvas_csv",
    "differences",
    "distribution_png",
    "fmt",
    "gradebook_csv",
    "item_points_of",
    "read_gradebook",
    "rows_in_roster_order",
    "summary_markdown",
    "write_gradebook",
]
