"""Extract the written answers a regrade graded, one file per question, for marking by hand.

``python -m autograder answers weekNN grades/weekNN`` reads the gradebook the
regrade wrote there, takes each graded student's notebook **at the commit the
regrade graded** (cloned again from the recorded repository, and refused
unless its SHA-256 is the one graded), and writes for every written question
``written/<question>/answers.md`` (the question, the model answer, the rubric,
then every answer, identical answers together, each under the marker keys of
the students who gave it) and ``written/<question>/marks.toml`` to fill (see
:mod:`autograder.official.written_marks`). Students are anonymised by default:
a marker sees keys, ``written/students.toml`` maps them back. Several markers
can work in parallel, one question (one folder) each.

Running it again keeps every mark: an entry whose answer is unchanged keeps
its items and comment; one whose answer changed (another commit graded)
becomes pending again, its old mark kept as a comment line. A student whose
answer cell is blank gets ``items = []`` and the comment "No answer was
written." (0 points, not pending), which a marker may change; one whose
notebook has no answer cell with the question's id is left pending, with a
note to read the notebook itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import CourseError, WeekPaths
from autograder.files import write_atomic
from autograder.github.git_auth import basic_auth_header
from autograder.official.gradebook import GRADEBOOK, GRADED, Row, fmt, read_gradebook
from autograder.official.regrade import CLONE_THREADS
from autograder.official.repositories import clone_bare, read_notebook_blob
from autograder.official.written_marks import (
    ANSWERS,
    BLANK,
    MARKS,
    STUDENTS,
    WRITTEN,
    Mark,
    StudentKey,
    key_toml,
    marks_toml,
    questions_of,
    read_key,
    read_marks,
)
from autograder.reporting.untrusted import markdown_block, markdown_code, markdown_escaped
from autograder.spec.written import WrittenQuestion, answer_cells, is_blank_answer

ANSWER_CHARS = 20_000  # longer answers are cut in answers.md (the digest covers the whole)
NO_ANSWER = "No answer was written."
NO_CELL = "no-cell"
NO_CELL_NOTE = (
    "no answer cell with this question's id in the notebook (deleted, or its metadata changed): "
    "read the notebook itself before marking"
)
Say = Callable[[str], None]


@dataclass(frozen=True)
class Answer:
    student: str
    key: str
    commit: str
    text: str
    found: bool = True  # False: no answer cell with the question's grade_id in the notebook

    @property
    def blank(self) -> bool:
        return self.found and is_blank_answer(self.text)

    @property
    def digest(self) -> str:
        if not self.found:
            return NO_CELL
        return BLANK if self.blank else hashlib.sha256(_normal(self.text).encode()).hexdigest()[:12]


@dataclass
class Extraction:
    """What ``answers`` did: students read, problems (students whose notebook could not be read)."""

    students: int = 0
    questions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reset: list[str] = field(default_factory=list)  # marks made pending because the answer changed


def _normal(text: str) -> str:
    """An answer compared with others: whitespace folded, case ignored."""
    return " ".join(text.split()).casefold()


def notebook_at_commit(row: Row, name: str, workdir: Path) -> tuple[bytes | None, str]:
    """The notebook the regrade graded for ``row``: cloned from its repository at its commit."""
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    header = basic_auth_header(token) if token and "://" in row.repo else None
    bare, why = clone_bare(row.repo, workdir / f"{row.student}.git", header)
    if bare is None:
        return None, f"the repository cannot be cloned: {why}"
    data, why = read_notebook_blob(bare, row.commit, name)
    if data is None:
        return None, why
    if row.sha256 and hashlib.sha256(data).hexdigest() != row.sha256:
        return None, "the notebook at the graded commit is not the one graded (sha256 differs)"
    return data, ""


def answers_in(data: bytes, questions: dict[str, WrittenQuestion]) -> dict[str, str | None]:
    """Question -> the student's answer (the text of their answer cells with its grade_id), or
    None where the notebook has no such cell."""
    try:
        notebook: Any = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        notebook = {}
    texts: dict[str, list[str]] = {}
    for cell in answer_cells(notebook):
        if cell.name in questions:
            texts.setdefault(cell.name, []).append(cell.source)
    return {name: "\n\n".join(texts[name]) if name in texts else None for name in questions}


def student_key(students: list[str], anonymous: bool, existing: StudentKey | None) -> StudentKey:
    """Keys for ``students``: existing ones kept, new ones a salted digest (or the login itself)."""
    if existing is not None and existing.anonymous != anonymous:
        mode = "anonymous" if existing.anonymous else "named (--names)"
        raise CourseError(
            f"the marks here use {mode} keys: run `answers` the same way (or start a new folder)"
        )
    key = existing or StudentKey(anonymous, secrets.token_hex(8))
    for student in students:
        if key.key_of(student) is not None:
            continue
        if not anonymous:
            key.students[student] = student
            continue
        digest = hashlib.sha256(f"{key.salt}:{student}".encode()).hexdigest()
        length = 8
        while f"k{digest[:length]}" in key.students:
            length += 2
        key.students[f"k{digest[:length]}"] = student
    return key


def merged_marks(
    question: WrittenQuestion, answers: list[Answer], existing: dict[str, Mark], reset: list[str]
) -> list[Mark]:
    """The entries of a ``marks.toml``: in the order of ``answers``, every existing mark kept."""
    out = []
    for answer in answers:
        old = existing.pop(answer.key, None)
        mark = Mark(answer.key, answer.commit[:12], answer.digest)
        if answer.blank:
            mark.items, mark.comment = [], NO_ANSWER
        if not answer.found:
            mark.note = NO_CELL_NOTE  # pending: a person looks, never an automatic 0
        if old is not None and old.answer == answer.digest:
            mark.items, mark.comment, mark.previous = old.items, old.comment, old.previous
        elif old is not None and (old.items is not None or old.comment):
            mark.previous = [
                *old.previous,
                f"commit {old.commit}: items = {old.items}, comment = {old.comment!r}",
            ]
            reset.append(f"{question.name}: {answer.key}")
        out.append(mark)
    out += existing.values()  # students not read this time: their marks stay as they are
    return out


def answers_markdown(week: str, question: WrittenQuestion, cell_question: str, model: str,
                     answers: list[Answer], groups: list[list[Answer]]) -> str:  # fmt: skip
    """``answers.md``: the question, model answer and rubric, then each distinct answer."""
    lines = [
        f"# {markdown_escaped(week)}: {markdown_code(question.name)} ({fmt(question.points)} points)",
        "",
        f"{len(answers)} students, {len(groups)} distinct answers (identical ones together); "
        f"marks go in `{MARKS}` beside this file, by key.",
        "",
        "## Question",
        "",
        cell_question.strip(),
        "",
        "## Model answer (private)",
        "",
        model.strip(),
        "",
        "## Rubric",
        "",
        "| item | points | comment shown to the student |",
        "|---|---|---|",
        *(f"| `{i.id}` | {i.points:+g} | {markdown_escaped(i.comment)} |" for i in question.items),
        "",
        "## Answers",
    ]
    for number, group in enumerate(groups, start=1):
        keys = ", ".join(f"`{a.key}`" for a in group)
        lines += ["", f"### Answer {number} ({len(group)} student(s)): {keys}", ""]
        if not group[0].found:
            lines.append(f"*{NO_CELL_NOTE[0].upper()}{NO_CELL_NOTE[1:]}.*")
        elif group[0].blank:
            lines.append(f"*{NO_ANSWER}*")
        else:
            lines.append(markdown_block(group[0].text, limit=ANSWER_CHARS))
    return "\n".join(lines) + "\n"


def grouped(answers: list[Answer]) -> list[list[Answer]]:
    """Identical answers together; the largest groups first, blank answers last."""
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        groups.setdefault(answer.digest, []).append(answer)
    return sorted(
        groups.values(),
        key=lambda g: (not g[0].found, g[0].blank, -len(g), _normal(g[0].text), g[0].key),
    )


def extract_answers(
    paths: WeekPaths, out: Path, *, anonymous: bool = True, say: Say = print
) -> Extraction:
    """Write ``written/`` under ``out`` from the graded commits (see the module docstring)."""
    questions = questions_of(paths)
    if not questions:
        raise CourseError(f"{paths.name} has no written questions (no manually graded answer cell)")
    if not (out / GRADEBOOK).is_file():
        raise CourseError(
            f"no {out / GRADEBOOK}: run the regrade first (answers are read at the commits it graded)"
        )
    _, rows = read_gradebook(out / GRADEBOOK)
    graded = [row for row in rows if row.status == GRADED and row.commit and row.repo]
    cells = {c.name: c for c in answer_cells(json.loads(paths.solution_notebook.read_text()))}
    # every mark file is read (and checked) before anything is written
    existing = {name: read_marks(out / WRITTEN / name / MARKS, q) for name, q in questions.items()}
    key = student_key([row.student for row in graded], anonymous, read_key(out))
    report = Extraction(questions=list(questions))
    say(
        f"{paths.name}: reading the answers of {len(graded)} graded students at their graded commits ..."
    )
    with (
        tempfile.TemporaryDirectory(prefix="answers-") as scratch,
        ThreadPoolExecutor(CLONE_THREADS) as pool,
    ):
        read = list(
            pool.map(
                lambda row: notebook_at_commit(row, f"{paths.name}.ipynb", Path(scratch)), graded
            )
        )
    answers: dict[str, list[Answer]] = {name: [] for name in questions}
    for row, (data, why) in zip(graded, read, strict=True):
        if data is None:
            report.problems.append(f"{row.student}: {why}")
            continue
        report.students += 1
        student = key.key_of(row.student)
        assert student is not None
        for name, text in answers_in(data, questions).items():
            answers[name].append(
                Answer(row.student, student, row.commit, text or "", found=text is not None)
            )
    write_atomic(out / WRITTEN / STUDENTS, key_toml(key))
    for name, question in questions.items():
        groups = grouped(answers[name])
        ordered = [a for group in groups for a in group]
        marks = merged_marks(question, ordered, dict(existing[name]), report.reset)
        folder = out / WRITTEN / name
        write_atomic(folder / MARKS, marks_toml(paths.name, question, marks))
        text = answers_markdown(
            paths.name, question, cells[name].question, cells[name].source, ordered, groups
        )
        write_atomic(folder / ANSWERS, text)
    return report


__all__ = ["ANSWER_CHARS", "NO_ANSWER", "Answer", "Extraction", "extract_answers", "grouped"]
