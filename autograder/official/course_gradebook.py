"""The course gradebook: every week's gradebook merged into one row per student.

``python -m autograder gradebook --weeks week01..week08 [--weights weights.toml]``
reads ``grades/weekNN/gradebook.csv`` of each week (as the regrade wrote
them) and writes ``grades/course.csv`` and, when the roster identifies every
student, ``grades/course-canvas.csv`` (one column per week, the same export
rule as a week's ``canvas.csv``: :mod:`autograder.official.canvas`).

``weights.toml`` (optional; kept in the course repository)::

    drop_lowest = 1           # the N lowest week percentages do not count
    [weights]                 # relative weights; a week not listed weighs 1
    week08 = 2
    [letters]                 # optional: the lowest percentage of each letter
    A = 90
    B = 80
    C = 70
    F = 0
    [canvas]                  # optional: each week's Canvas header, "Name (ID)"
    week01 = "Week 1 (12345)"

Rules, in this order:

* it refuses (exit 2, nothing written) when a week's gradebook is missing or
  unreadable, or when the weeks do not hold the same students;
* a week with points counts as its total / max_score, in percent; a week
  without points counts 0 when the student submitted nothing (``missing``,
  ``empty``, ``not-submitted``, ``no-commit``: the ``without_points`` column
  names them); a week whose grade is not known (``error``) makes the
  student's course total blank and their ``status`` says which week to regrade;
* a week with a written question still ``pending`` (not marked yet,
  :mod:`autograder.official.written_marks`) shows ``pending`` in its column
  and leaves the course total blank, ``status`` naming the week and the
  questions to mark: never a silently low grade. A week's total includes its
  written points once they are marked;
* the ``drop_lowest`` lowest percentages are dropped (ties: the earlier week);
* the course percentage is the weighted mean of the weeks kept; the letter
  is the first whose threshold it reaches;
* ``late_days`` adds up the days late of every graded commit.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.official.canvas import assignment_header, canvas_refusal, canvas_table
from autograder.official.gradebook import (
    ERROR,
    GRADEBOOK,
    PENDING,
    GradebookError,
    Row,
    fmt,
    read_gradebook,
)
from autograder.official.roster import CollectError
from autograder.reporting.untrusted import csv_text

COURSE, COURSE_CANVAS = "course.csv", "course-canvas.csv"
WEEK_RANGE = re.compile(r"^(?P<first>week\d{2})\.\.(?P<last>week\d{2})$")
UNKNOWN = (ERROR,)  # statuses whose grade is not known yet: the course total waits for them


class CourseGradebookError(CollectError):
    """The weeks cannot be merged (a missing gradebook, different students, a bad weights file)."""


def parse_weeks(text: str) -> list[str]:
    """``week01..week08`` or ``week01,week03``: the weeks, in order."""
    match = WEEK_RANGE.match(text.strip())
    if match:
        first, last = int(match["first"][4:]), int(match["last"][4:])
        if first > last:
            raise CourseGradebookError(f"--weeks {text!r}: the first week comes after the last")
        return [f"week{n:02d}" for n in range(first, last + 1)]
    weeks = [w.strip() for w in text.split(",") if w.strip()]
    bad = [w for w in weeks if not re.fullmatch(r"week\d{2}", w)]
    if not weeks or bad or len(set(weeks)) != len(weeks):
        raise CourseGradebookError(
            f"--weeks takes week01..week08 or week01,week03 (each week once), got {text!r}"
        )
    return weeks


@dataclass(frozen=True)
class Weights:
    """How the weeks add up (see the module docstring)."""

    weights: dict[str, float] = field(default_factory=dict)
    drop_lowest: int = 0
    letters: tuple[tuple[str, float], ...] = ()  # highest threshold first
    canvas: dict[str, str] = field(default_factory=dict)

    def weight(self, week: str) -> float:
        return self.weights.get(week, 1.0)


def load_weights(path: Path | None, weeks: list[str]) -> Weights:
    """The weights file at ``path`` (None: every week weighs 1, nothing dropped)."""
    if path is None:
        return Weights()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CourseGradebookError(f"cannot read the weights {path}: {error}") from None
    problems = []
    unknown = sorted(set(doc) - {"drop_lowest", "weights", "letters", "canvas"})
    if unknown:
        problems.append(f"unknown keys {unknown}")
    drop = doc.get("drop_lowest", 0)
    if type(drop) is not int or not 0 <= drop < len(weeks):
        problems.append(
            f"drop_lowest must be a whole number from 0 to {len(weeks) - 1}, got {drop!r}"
        )
        drop = 0
    weights: dict[str, float] = {}
    for week, value in (doc.get("weights") or {}).items():
        if week not in weeks:
            problems.append(f"[weights] names {week}, which is not among --weeks")
        elif type(value) not in (int, float) or not math.isfinite(value) or value < 0:
            problems.append(f"[weights] {week} must be a number >= 0, got {value!r}")
        else:
            weights[week] = float(value)
    if weeks and sum(weights.get(w, 1.0) for w in weeks) <= 0:
        problems.append("[weights] gives every week the weight 0")
    letters = []
    for letter, value in (doc.get("letters") or {}).items():
        if type(value) not in (int, float) or not 0 <= value <= 100:
            problems.append(f"[letters] {letter} must be a percentage from 0 to 100, got {value!r}")
        else:
            letters.append((str(letter), float(value)))
    canvas = {}
    for week, header in (doc.get("canvas") or {}).items():
        if week not in weeks:
            problems.append(f"[canvas] names {week}, which is not among --weeks")
            continue
        try:
            canvas[week] = assignment_header(str(header))
        except CollectError as error:
            problems.append(f"[canvas] {week}: {error}")
    if problems:
        raise CourseGradebookError(
            f"the weights {path} cannot be used:\n  " + "\n  ".join(problems)
        )
    return Weights(weights, drop, tuple(sorted(letters, key=lambda p: -p[1])), canvas)


def read_weeks(grades: Path, weeks: list[str]) -> dict[str, list[Row]]:
    """Week -> its gradebook rows; refuses a missing week or weeks with different students."""
    out, problems = {}, []
    for week in weeks:
        path = grades / week / GRADEBOOK
        if not path.is_file():
            problems.append(f"{week}: no gradebook at {path} (run the regrade of {week} first)")
            continue
        try:
            out[week] = read_gradebook(path)[1]
        except GradebookError as error:
            problems.append(f"{week}: {error}")
    if problems:
        raise CourseGradebookError(
            "the course gradebook needs every week:\n  " + "\n  ".join(problems)
        )
    first = weeks[0]
    students = [row.student for row in out[first]]
    for week in weeks[1:]:
        theirs = [row.student for row in out[week]]
        if sorted(theirs) != sorted(students):
            only_here = sorted(set(theirs) - set(students))
            only_there = sorted(set(students) - set(theirs))
            problems.append(
                f"{week} and {first} do not hold the same students"
                + (f"; only in {week}: {', '.join(only_here)}" if only_here else "")
                + (f"; only in {first}: {', '.join(only_there)}" if only_there else "")
            )
    if problems:
        raise CourseGradebookError(
            "regrade the weeks with the same roster:\n  " + "\n  ".join(problems)
        )
    return out


@dataclass
class CourseRow:
    """One student's course grade."""

    student: str
    weeks: dict[str, Row]
    percents: dict[str, float | None]  # None: not known (an error row, a written mark pending)
    dropped: list[str]
    percent: float | None  # None: incomplete
    letter: str
    status: str

    @property
    def late_days(self) -> int:
        return sum(row.days_late for row in self.weeks.values())


def course_rows(by_week: dict[str, list[Row]], weights: Weights) -> list[CourseRow]:
    """The course grade of every student (in the first week's order)."""
    weeks = list(by_week)
    index = {week: {row.student: row for row in rows} for week, rows in by_week.items()}
    out = []
    for first in by_week[weeks[0]]:
        rows = {week: index[week][first.student] for week in weeks}
        percents: dict[str, float | None] = {}
        for week, row in rows.items():
            if row.status in UNKNOWN or (row.has_points and row.pending):
                percents[week] = None
            elif row.has_points and row.max_score > 0:
                percents[week] = 100 * row.total / row.max_score
            else:
                percents[week] = 0.0
        unknown = [w for w, row in rows.items() if row.status in UNKNOWN]
        pending = [w for w, row in rows.items() if row.has_points and row.pending]
        if unknown or pending:
            waiting = []
            if unknown:
                waiting.append("regrade " + ", ".join(f"{w} ({rows[w].status})" for w in unknown))
            if pending:
                waiting.append(
                    "mark "
                    + ", ".join(f"{w} ({PENDING}: {' '.join(rows[w].pending)})" for w in pending)
                )
            out.append(
                CourseRow(
                    first.student, rows, percents, [], None, "", "incomplete: " + "; ".join(waiting)
                )
            )
            continue
        known = {w: p for w, p in percents.items() if p is not None}
        by_lowest = sorted(weeks, key=lambda w: (known[w], weeks.index(w)))
        dropped = sorted(by_lowest[: weights.drop_lowest], key=weeks.index)
        kept = [w for w in weeks if w not in dropped]
        total_weight = sum(weights.weight(w) for w in kept)
        percent = (
            sum(weights.weight(w) * known[w] for w in kept) / total_weight if total_weight else 0.0
        )
        percent = round(percent, 6)
        letter = next((name for name, floor in weights.letters if percent >= floor), "")
        out.append(CourseRow(first.student, rows, percents, dropped, percent, letter, "complete"))
    return out


def course_csv(rows: list[CourseRow], weeks: list[str], letters: bool) -> str:
    """``course.csv``: a column per week (points, ``pending``, blank without), the percentage,
    letter, late days."""
    header = ["student", *weeks, "dropped", "without_points", "late_days", "percent"]
    header += ["letter"] if letters else []
    header += ["status"]
    table = [header]
    for row in rows:
        without = [f"{w} ({r.status})" for w, r in row.weeks.items() if not r.has_points]
        cells = [row.student, *(_week_cell(row.weeks[w]) for w in weeks)]
        cells += [" ".join(row.dropped), " ".join(without), str(row.late_days)]
        cells += ["" if row.percent is None else fmt(row.percent)]
        cells += [row.letter] if letters else []
        cells += [row.status]
        table.append(cells)
    return csv_text(table)


def _week_cell(row: Row) -> str:
    """A week's cell of ``course.csv``: its total, ``pending`` while a written mark is, blank without points."""
    return PENDING if row.has_points and row.pending else row.shown_total()


def course_canvas_csv(
    rows: list[CourseRow],
    weeks: list[str],
    weights: Weights,
    roster_extra: dict[str, dict[str, str]],
) -> str:
    """One Canvas import for every week: each week's total under its header (blank without
    points, or with a written question pending)."""
    return canvas_table(
        [row.student for row in rows],
        roster_extra,
        [weights.canvas.get(w, w) for w in weeks],
        {row.student: [row.weeks[w].exported_total() for w in weeks] for row in rows},
    )


def course_canvas_refusal(
    rows: list[CourseRow], roster_extra: dict[str, dict[str, str]] | None
) -> str:
    """Why the course's Canvas CSV cannot be written ("" when it can)."""
    if roster_extra is None:
        return "no --roster was given: Canvas needs the roster's canvas_id, sis_user_id or sis_login_id"
    return canvas_refusal([row.student for row in rows], roster_extra)


__all__ = [
    "COURSE",
    "COURSE_CANVAS",
    "CourseGradebookError",
    "CourseRow",
    "Weights",
    "course_canvas_csv",
    "course_canvas_refusal",
    "course_csv",
    "course_rows",
    "load_weights",
    "parse_weeks",
    "read_weeks",
]
