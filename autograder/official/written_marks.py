"""Marks of written questions: the ``marks.toml`` files markers fill, folded into a week's gradebook.

``python -m autograder answers weekNN grades/weekNN`` (:mod:`autograder.official.answers`)
writes, under the week's grades folder::

    written/students.toml          marker key -> student: the key of the anonymisation (private)
    written/<question>/answers.md  the question, model answer, rubric, then every answer
    written/<question>/marks.toml  one table per student (by marker key), to fill

An entry of ``marks.toml``::

    ["k3f9a2c1"]
    commit = "0123456789ab"          # the graded commit the answer was read from (do not edit)
    answer = "5e2c41d07a1b"          # digest of the answer (do not edit)
    items = ["tunes", "test-once"]   # the rubric items given; no `items`: not marked yet
    comment = "Clear, but say why."  # shown to the student

Folding the marks (the regrade does it, ``answers --apply`` does it without
re-grading) gives every graded row one column per question: the points of
its items under the **current** rubric (``solutions/weekNN/rubric.toml``), so
changing an item's points re-scores every student who was given it. A
question with no ``items`` yet, no entry, or an entry read from another
commit than the one graded is ``pending``: never a silent zero. The row's
maximum includes the written points (and a late multiplier applies to them
as to the rest of the score); ``feedback/<student>.md`` gets a
section with each question's points, the items given and the comment.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import CourseError, WeekPaths
from autograder.files import write_atomic
from autograder.official.gradebook import (
    GRADEBOOK,
    GRADED,
    PENDING,
    Row,
    differences,
    fmt,
    item_points_of,
    read_gradebook,
)
from autograder.official.regrade import TOTAL_PREFIX, Regrade, feedback_markdown, total_line
from autograder.official.roster import RosterEntry
from autograder.official.shard_manifest import RUN_META, SUBMISSIONS, file_digest
from autograder.official.week_outputs import write_gradebook
from autograder.reporting.untrusted import markdown_code, markdown_escaped, printable
from autograder.spec import load_week_spec
from autograder.spec.written import RubricError, WrittenQuestion, week_questions

WRITTEN = "written"
MARKS, ANSWERS, STUDENTS = "marks.toml", "answers.md", "students.toml"
BLANK = "blank"  # the ``answer`` of a student who wrote nothing
SECTION = "## Written questions"  # the feedback's last section, rewritten on every fold


class MarksError(CourseError):
    """A marks file a marker edited cannot be used (exit 2, nothing written)."""


@dataclass
class Mark:
    """One student's entry in a question's ``marks.toml``."""

    key: str
    commit: str
    answer: str  # digest of the answer text, or BLANK
    items: list[str] | None = None  # None: not marked yet
    comment: str = ""
    previous: list[str] = field(default_factory=list)  # superseded marks, kept as TOML comments
    note: str = ""  # for the marker (a TOML comment), never shown to the student


@dataclass(frozen=True)
class WrittenGrade:
    """A student's grade on one written question (``points`` None: pending, ``why`` says why)."""

    question: WrittenQuestion
    points: float | None
    items: tuple[str, ...] = ()
    comment: str = ""
    why: str = ""


def questions_of(paths: WeekPaths) -> dict[str, WrittenQuestion]:
    """The week's written questions with their current rubric (none for a week without any)."""
    if paths.private_dir is None:
        raise CourseError(f"{paths.name}: written questions need solutions/{paths.name}")
    try:
        return week_questions(paths.private_dir, json.loads(paths.solution_notebook.read_text()))
    except RubricError as error:
        raise CourseError(str(error)) from error


# ----------------------------------------------------------------------------- marks.toml
def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; control characters are removed first)."""
    return json.dumps(printable(text), ensure_ascii=False)


def read_marks(path: Path, question: WrittenQuestion) -> dict[str, Mark]:
    """The entries of ``path`` (none when it does not exist); refuses an unknown rubric item."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise MarksError(f"{path}: cannot be read: {error}") from error
    marks = {}
    for key, entry in data.items():
        where = f"{path} [{key!r}]"
        if not isinstance(entry, dict):
            raise MarksError(f"{where}: not a table")
        items = entry.get("items")
        if items is not None:
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise MarksError(f'{where}: items must be a list of rubric ids, e.g. ["a", "b"]')
            unknown = [i for i in items if question.item(i) is None]
            if unknown:
                known = ", ".join(i.id for i in question.items)
                raise MarksError(
                    f"{where}: no rubric item {', '.join(map(repr, unknown))} (items: {known})"
                )
            if len(set(items)) != len(items):
                raise MarksError(f"{where}: an item is given twice")
        comment = entry.get("comment", "")
        if not isinstance(comment, str):
            raise MarksError(f"{where}: comment must be a string")
        marks[str(key)] = Mark(
            str(key), str(entry.get("commit", "")), str(entry.get("answer", "")), items, comment
        )
    return marks


def marks_toml(week: str, question: WrittenQuestion, marks: list[Mark]) -> str:
    """The text of a question's ``marks.toml``: a header that explains it, then each entry."""
    rubric = ", ".join(f"{i.id} ({i.points:+g})" for i in question.items)
    lines = [
        f"# {week}, written question {question.name} ({question.points:g} points): marks to fill.",
        f"# Rubric items ({ANSWERS} has their comments): {rubric}.",
        '# Give items by id: items = ["id", ...]; items = [] is 0 points. An entry without',
        "# `items` is pending (not graded yet). `comment` is shown to the student. Do not edit",
        "# commit or answer. `answers` rewrites this file, keeping every mark: write notes in comment.",
        "",
    ]
    for mark in marks:
        lines.append(f"[{_toml(mark.key)}]")
        lines += [f"# before: {line}" for line in mark.previous]
        lines += [f"# note: {mark.note}"] if mark.note else []
        lines += [f"commit = {_toml(mark.commit)}", f"answer = {_toml(mark.answer)}"]
        if mark.items is None:
            lines.append("# items = []")
        else:
            lines.append(f"items = [{', '.join(_toml(i) for i in mark.items)}]")
        lines += [f"comment = {_toml(mark.comment)}", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- students.toml
@dataclass
class StudentKey:
    """Marker key <-> student, and whether the keys are anonymous."""

    anonymous: bool
    salt: str
    students: dict[str, str] = field(default_factory=dict)  # key -> student

    def key_of(self, student: str) -> str | None:
        return next((k for k, s in self.students.items() if s == student), None)


def read_key(folder: Path) -> StudentKey | None:
    path = folder / WRITTEN / STUDENTS
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        students = data["students"]
        key = StudentKey(bool(data["anonymous"]), str(data["salt"]), dict(students))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise MarksError(f"{path}: cannot be read: {error}") from error
    return key


def key_toml(key: StudentKey) -> str:
    lines = [
        "# Marker key -> student, for the written answers of this week (private: TAs see keys only).",
        "# Written by `python -m autograder answers`; delete it only with every marks.toml.",
        f"anonymous = {'true' if key.anonymous else 'false'}",
        f"salt = {_toml(key.salt)}",
        "",
        "[students]",
        *(f"{_toml(k)} = {_toml(s)}" for k, s in sorted(key.students.items())),
    ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- folding
def written_grades(
    out: Path, rows: list[Row], questions: dict[str, WrittenQuestion]
) -> dict[str, list[WrittenGrade]]:
    """Each graded student's grade on every question, from the marks under ``out``."""
    key = read_key(out)
    keys = {s: k for k, s in key.students.items()} if key else {}
    marks = {name: read_marks(out / WRITTEN / name / MARKS, q) for name, q in questions.items()}
    grades: dict[str, list[WrittenGrade]] = {}
    for row in rows:
        if row.status != GRADED:
            continue
        student_key = keys.get(row.student)
        grades[row.student] = [
            _grade(q, marks[name].get(student_key) if student_key else None, row)
            for name, q in questions.items()
        ]
    return grades


def _grade(question: WrittenQuestion, mark: Mark | None, row: Row) -> WrittenGrade:
    if mark is None:
        return WrittenGrade(question, None, why="not extracted for marking yet")
    if mark.commit and row.commit and not row.commit.startswith(mark.commit):
        return WrittenGrade(
            question, None, why="marked on another commit than the one graded: extract again"
        )
    if mark.items is None:
        return WrittenGrade(question, None, why="not marked yet")
    return WrittenGrade(question, question.score(mark.items), tuple(mark.items), mark.comment)


def apply_grades(
    rows: list[Row],
    grades: dict[str, list[WrittenGrade]],
    questions: dict[str, WrittenQuestion],
    code_points: dict[str, float],
) -> None:
    """Set every row's written columns (points or pending) and its maximum (code + written)."""
    clash = sorted(set(questions) & set(code_points))
    if clash:
        raise MarksError(f"written questions named like graded items: {', '.join(clash)}")
    max_score = sum(code_points.values()) + sum(q.points for q in questions.values())
    for row in rows:
        row.items = {n: v for n, v in row.items.items() if n not in questions}
        row.pending = [n for n in row.pending if n not in questions]
        row.max_score = round(max_score, 6)
        for grade in grades.get(row.student, []):
            if grade.points is None:
                row.pending.append(grade.question.name)
            else:
                row.items[grade.question.name] = grade.points


def feedback_section(grades: list[WrittenGrade]) -> str:
    """The feedback's section on written questions: points, the rubric items, the comment."""
    if not grades:
        return ""
    earned = sum(g.points for g in grades if g.points is not None)
    pending = [g for g in grades if g.points is None]
    possible = sum(g.question.points for g in grades)
    lines = [SECTION, ""]
    summary = f"**{fmt(earned)} / {fmt(possible)} points**, graded by your course staff"
    if pending:
        summary += (
            f"; {len(pending)} question(s) **pending** (not graded yet: the total above does "
            "not include them)"
        )
    lines += [summary + ".", ""]
    for grade in grades:
        question = grade.question
        name = markdown_code(question.name)
        if grade.points is None:
            lines += [f"### {name}: pending / {fmt(question.points)}", "", "Not graded yet.", ""]
            continue
        lines += [f"### {name}: {fmt(grade.points)} / {fmt(question.points)}", ""]
        for item in question.items:
            if item.id in grade.items:
                mark = "✅" if item.points > 0 else "➖"  # earned, or a deduction
                lines.append(f"- {mark} {item.points:+g}: {markdown_escaped(item.comment)}")
            elif item.points > 0:
                lines.append(f"- ⬜ (+{item.points:g} not given): {markdown_escaped(item.comment)}")
        if grade.comment.strip():
            lines += ["", f"Comment: {markdown_escaped(grade.comment, limit=2000)}"]
        lines.append("")
    return "\n".join(lines)


def marks_digest(paths: WeekPaths, out: Path) -> str:
    """A digest of what the written columns depend on: the questions and their current rubric,
    the marker key and every ``marks.toml`` under ``out`` ("" for a week without questions).

    The regrade adds it to its inputs, so a changed mark or rubric is never "nothing changed".
    """
    questions = questions_of(paths)
    if not questions:
        return ""
    digest = hashlib.sha256(repr(sorted(questions.items())).encode())
    for path in [out / WRITTEN / STUDENTS, *(out / WRITTEN / n / MARKS for n in questions)]:
        try:
            data = path.read_bytes()
        except OSError:
            data = b"(none)"
        digest.update(f"\0{path.relative_to(out)}\0".encode() + data)
    return digest.hexdigest()


def with_written_section(text: str, row: Row, grades: list[WrittenGrade]) -> str:
    """A feedback text with its total line restated (written points included) and its
    written-questions section replaced by ``grades``'; the rest (the graded commit, lateness,
    the instructor's decisions, the report) is kept as the regrade wrote it."""
    cut = text.rfind("\n" + SECTION + "\n")
    body = text[:cut] if cut >= 0 else text
    lines = [
        total_line(row) if line.startswith(TOTAL_PREFIX) else line for line in body.split("\n")
    ]
    section = feedback_section(grades)
    return "\n".join(lines) + ("\n" + section if section else "")


def fold_into_regrade(paths: WeekPaths, result: Regrade, out: Path) -> None:
    """The regrade's hook: the marks under ``out`` folded into its rows and feedback (no-op
    for a week without written questions)."""
    questions = questions_of(paths)
    if not questions:
        return
    week = load_week_spec(paths, hidden=True)
    grades = written_grades(out, result.rows, questions)
    apply_grades(result.rows, grades, questions, item_points_of(week))
    result.written_points = {name: q.points for name, q in questions.items()}
    for row in result.rows:
        result.feedback[row.student] = with_written_section(
            result.feedback[row.student], row, grades.get(row.student, [])
        )


def apply_marks(paths: WeekPaths, out: Path, roster: list[RosterEntry]) -> list[str]:
    """``answers --apply``: fold the marks into the gradebook in ``out`` without re-grading.

    Rewrites the gradebook files (:func:`autograder.official.week_outputs.write_gradebook`,
    the similarity report from ``submissions/``) and every ``feedback/<student>.md``
    (its total line and written section; the rest as the regrade wrote it);
    returns the totals that changed (old -> new).
    """
    questions = questions_of(paths)
    if not questions:
        raise CourseError(f"{paths.name} has no written questions")
    path = out / GRADEBOOK
    if not path.is_file():
        raise CourseError(f"no {path}: run the regrade first")
    _, old_rows = read_gradebook(path)
    _, rows = read_gradebook(path)
    extra = {e.student: e.extra for e in roster}
    unknown = [row.student for row in rows if row.student not in extra]
    if unknown:
        raise CourseError(f"not on the roster: {', '.join(unknown[:20])}")
    week = load_week_spec(paths, hidden=True)
    code_points = item_points_of(week)
    grades = written_grades(out, rows, questions)
    apply_grades(rows, grades, questions, code_points)
    meta = _run_meta(out)
    column = str(meta.get("canvas_column") or paths.name)
    write_gradebook(
        out,
        paths.name,
        rows,
        {**code_points, **{n: q.points for n, q in questions.items()}},
        extra,
        canvas_assignment=None if column == paths.name else column,
        policy=str(meta.get("policy", "")),
        submissions=_graded_notebooks(out, rows),
        template=paths.notebook.read_bytes(),
    )
    files = dict(meta.get("files", {}))
    for row in rows:
        name = f"feedback/{row.student}.md"
        try:  # the regrade's feedback (commit, lateness, decisions), its total and section renewed
            old = (out / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = feedback_markdown(paths.name, row, _record(out, row.student))
        text = with_written_section(old, row, grades.get(row.student, []))
        write_atomic(out / name, text)
        files[name] = file_digest(text)
    if meta:
        meta["files"] = files
        write_atomic(out / RUN_META, json.dumps(meta, indent=2) + "\n")
    return differences(old_rows, rows)


def _graded_notebooks(out: Path, rows: list[Row]) -> dict[str, bytes]:
    """Student -> the notebook the regrade graded (``submissions/``), for the similarity report."""
    notebooks = {}
    for row in rows:
        path = out / SUBMISSIONS / f"{row.student}.ipynb"
        if row.status == GRADED and path.is_file():
            notebooks[row.student] = path.read_bytes()
    return notebooks


def _run_meta(out: Path) -> dict[str, Any]:
    try:
        meta = json.loads((out / RUN_META).read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _record(out: Path, student: str) -> dict[str, Any] | None:
    try:
        record = json.loads((out / "results" / f"{student}.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) else None


__all__ = [
    "ANSWERS",
    "BLANK",
    "MARKS",
    "PENDING",
    "STUDENTS",
    "WRITTEN",
    "Mark",
    "MarksError",
    "StudentKey",
    "WrittenGrade",
    "apply_grades",
    "apply_marks",
    "feedback_section",
    "fold_into_regrade",
    "key_toml",
    "marks_digest",
    "marks_toml",
    "questions_of",
    "read_key",
    "read_marks",
    "with_written_section",
    "written_grades",
]
