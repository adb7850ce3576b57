"""The gradebook of a week: one row per roster student, and the files a regrade writes from the rows.

Files written into the output folder by :func:`autograder.official.week_outputs.write_gradebook`
(all byte-for-byte reproducible from the same rows: no timestamps, fixed
ordering, fixed number formatting):

``gradebook.csv``     student, repo, commit, commit_time, time_source, late,
                      days_late, status, notebook_sha256, one column per item,
                      score (before the late multiplier), adjustment (the
                      overrides' points), multiplier, total, max_score,
                      overrides (what the instructor decided, with reasons),
                      note. A negative adjustment is written ``'-2``, like
                      any cell starting with ``-``. Scores are fractional (up to 6 decimals), never
                      rounded to 0/1. A row without points (see below) has
                      its item, score and total cells blank, never 0.
                      A week with written questions has a column per
                      question (:mod:`autograder.official.written_marks`):
                      its points, or ``pending`` until it is marked; the
                      total of a row with a ``pending`` cell leaves that
                      question out, and every export leaves the row blank
                      (:meth:`Row.exported_total`): never a silently low grade.
``canvas.csv``        Canvas's gradebook import (:mod:`autograder.official.canvas`),
                      written only when the roster identifies every student;
                      a row with a written question ``pending`` is blank.
``moodle.csv``        Moodle's CSV grade import (:mod:`autograder.official.moodle`),
                      written only when the roster has every student's email;
                      rows without points or with a question ``pending`` are left out.
``similarity.csv``    pairs of similar submissions (:mod:`autograder.official.similarity`).
``summary.md``        counts per status, mean and median, per-item pass rates
                      (written questions included, their pending marks counted apart),
                      the overrides, the similar pairs, links to the plots.
``distribution.png``  histogram of totals, mean and median marked.
``items.png``         pass rate of every item (which items the class failed).

A cell that a spreadsheet would read as a formula (a roster value, a note
quoting git, a repository URL starting with ``=``, ``+``, ``-``, ``@``...)
is written with a leading ``'`` (:func:`autograder.reporting.untrusted.csv_cell`),
in every CSV here.

Statuses, and whether the row has points (:data:`WITH_POINTS`): ``graded``
(points); ``unreadable`` (points, 0: the notebook is missing from the commit,
a link, too large or not valid JSON, the reason in ``note``); without points:
``missing`` (no repository), ``empty`` (a repository without commits),
``not-submitted`` (the graded commit's notebook is the released template's,
byte for byte: the student never changed it), ``no-commit`` (no commit at or
before the cutoff), ``error`` (the grader, or a clone, failed: regrade again
after a fix). Only rows with points count in the mean and median and are
exported as a number; every other row is blank in every export.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.reporting.points import format_points
from autograder.reporting.untrusted import csv_text

GRADED, MISSING, EMPTY, NOT_SUBMITTED, NO_COMMIT, UNREADABLE, ERROR = (
    "graded",
    "missing",
    "empty",
    "not-submitted",
    "no-commit",
    "unreadable",
    "error",
)
STATUSES = (GRADED, MISSING, EMPTY, NOT_SUBMITTED, NO_COMMIT, UNREADABLE, ERROR)
# A new status (say, written answers still to be marked) joins STATUSES, and WITH_POINTS if it
# has a score to export; everything that writes or reads a gradebook follows from these two.
WITH_POINTS = (GRADED, UNREADABLE)
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
TAIL = ["score", "adjustment", "multiplier", "total", "max_score", "overrides", "note"]
GRADEBOOK, CANVAS, MOODLE, SUMMARY = "gradebook.csv", "canvas.csv", "moodle.csv", "summary.md"
PLOT, ITEMS_PLOT, SIMILARITY = "distribution.png", "items.png", "similarity.csv"
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
    adjustment: float = 0.0  # the overrides' points, before the multiplier
    overrides: str = ""  # what the instructor decided, with reasons ("; "-separated)
    pending: list[str] = field(default_factory=list)  # written questions not marked yet

    def __post_init__(self) -> None:
        # Quantised as the CSV stores them, so a row read back from a CSV (a shard) equals the original.
        self.items = {name: round(float(value), 6) for name, value in self.items.items()}
        self.multiplier = round(float(self.multiplier), 6)
        self.adjustment = round(float(self.adjustment), 6)

    @property
    def has_points(self) -> bool:
        """Whether the row has a score to count and export (:data:`WITH_POINTS`)."""
        return self.status in WITH_POINTS

    @property
    def score(self) -> float:
        return round(sum(self.items.values()), 6)

    @property
    def total(self) -> float:
        """(items + adjustment) x multiplier, never below zero (0 for a row without points)."""
        if not self.has_points:
            return 0.0
        total = (sum(self.items.values()) + self.adjustment) * self.multiplier
        return round(0.0 if total < 0 else total, 6)  # a nan stays nan, for the merge to refuse

    def shown_total(self) -> str:
        """The total as a gradebook shows it: blank for a row without points."""
        return fmt(self.total) if self.has_points else ""

    @property
    def complete(self) -> bool:
        """Whether the row's grade is final: it has points and no written question is pending."""
        return self.has_points and not self.pending

    def exported_total(self) -> str:
        """The total an export (Canvas, Moodle, the course gradebook) takes: blank unless
        :attr:`complete`, so a pending written question never uploads a silently low grade."""
        return fmt(self.total) if self.complete else ""

    def item_cell(self, name: str) -> str:
        """An item's cell: its points, ``pending`` (a written question not marked yet), or
        blank for a row without points."""
        if not self.has_points:
            return ""
        return PENDING if name in self.pending else fmt(self.items.get(name, 0.0))

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
        points = self.has_points
        items = [self.item_cell(name) for name in item_names]
        tail = [
            fmt(self.score) if points else "",
            fmt(self.adjustment) if points else "",
            fmt(self.multiplier),
            self.shown_total(),
            fmt(self.max_score),
            " ".join(self.overrides.split()),
            " ".join(self.note.split()),
        ]
        return head + items + tail


def gradebook_csv(rows: list[Row], item_names: list[str]) -> str:
    return csv_text([HEAD + item_names + TAIL, *(row.cells(item_names) for row in rows)])


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
        points = record["status"] in WITH_POINTS
        blank = [c for c in [*names, "score", "adjustment", "total"] if not record[c]]
        if points and blank:
            raise GradebookError(f"{where}: status {record['status']} but {blank[0]} is blank")
        if not points and len(blank) != len(names) + 3:
            raise GradebookError(
                f"{where}: status {record['status']} has no points, but its score cells are not blank"
            )
        row = Row(
            student=record["student"],
            status=record["status"],
            max_score=_parsed(record, "max_score", float, where),
            items={n: _parsed(record, n, float, where) for n in names if record[n] != PENDING}
            if points
            else {},
            pending=[n for n in names if record[n] == PENDING] if points else [],
            repo=record["repo"],
            commit=record["commit"],
            commit_time=record["commit_time"],
            time_source=record["time_source"],
            late=record["late"] == "yes",
            days_late=_parsed(record, "days_late", int, where),
            multiplier=_parsed(record, "multiplier", float, where),
            sha256=record["notebook_sha256"],
            note=record["note"],
            adjustment=_parsed(record, "adjustment", float, where) if points else 0.0,
            overrides=record["overrides"],
        )
        for column, value in (("score", row.score), ("total", row.total)):
            if points and record[column] != fmt(value):
                raise GradebookError(
                    f"{where}: {column} {record[column]!r} is not what its items and multiplier give ({fmt(value)})"
                )
        rows.append(row)
    return names, rows


def _parsed(record: dict[str, str], column: str, kind: type, where: str) -> Any:
    text = record[column]
    if text.startswith("'-"):  # a negative number (an adjustment), written inert for spreadsheets
        text = text[1:]
    try:
        return kind(text)
    except ValueError:
        raise GradebookError(f"{where}: {column} {record[column]!r} is not a number") from None


def differences(old: list[Row], new: list[Row]) -> list[str]:
    """Students whose total, status or commit changed between two gradebooks."""
    before = {row.student: row for row in old}
    lines = []
    for row in new:
        was = before.pop(row.student, None)
        if was is None:
            lines.append(f"{row.student}: new row, {row.shown_total() or '-'} ({row.status})")
        elif (was.total, was.status, was.commit) != (row.total, row.status, row.commit):
            change = f"{was.shown_total() or '-'} -> {row.shown_total() or '-'}"
            if was.status != row.status:
                change += f", status {was.status} -> {row.status}"
            if was.commit != row.commit:
                change += f", commit {was.commit[:10] or '-'} -> {row.commit[:10] or '-'}"
            lines.append(f"{row.student}: {change}")
    lines += [
        f"{student}: row removed (was {row.shown_total() or '-'})"
        for student, row in before.items()
    ]
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
    "GRADEBOOK",
    "STATUSES",
    "WITH_POINTS",
    "GradebookError",
    "Row",
    "differences",
    "fmt",
    "gradebook_csv",
    "item_points_of",
    "read_gradebook",
    "rows_in_roster_order",
]
