"""Written answers graded by hand, end to end, on a synthetic week with two written questions.

The week (``week98``, made in a temporary course) is released by the real
release (nbgrader, the sandbox, the gate); three students push notebooks to
local git repositories; the real regrade grades them; ``answers`` extracts
their answers per question; the test fills the marks as a marker would (by
editing ``marks.toml``); ``answers --apply`` and the regrade fold them into
the gradebook, ``canvas.csv``, ``summary.md`` and the feedback. A rubric
change re-scores everyone; a question not marked is ``pending``.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main as cli
from autograder.course import WeekPaths
from autograder.exit_codes import ExitCode
from autograder.grading.submission import grade_submission
from autograder.instructor import gate
from autograder.instructor.release import build_release, write_release
from autograder.official.answers import NO_ANSWER, Answer, answers_in, merged_marks
from autograder.official.gradebook import read_gradebook
from autograder.reporting.markdown import markdown
from autograder.reporting.text import report_text
from autograder.spec.written import TEXT_STUB, load_rubric
from tests.autograder.official.test_regrade import BEFORE, git
from tests.conftest import code_cell

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("written")]

WEEK = "week98"
DEADLINE = "2026-11-01T23:59:00+00:00"
SOLUTION = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
GRADING = """\
from autograder.spec import Item, checks

ITEMS = [
    Item("double", 1, probe=lambda ns: [ns["double"](x) for x in (1, 2.5, -3)],
         check=checks.equal(), requires=("double",), hint="twice the input"),
]
"""
VARIANTS = """\
from autograder.spec import Variant

WRONG = [Variant("double", lambda x: x, "returns its input")]
RIGHT = [Variant("double", lambda x: x + x, "adds instead of multiplying")]
"""
MODEL_1 = (
    "Keeping the best of ten validation scores fits the noise of the validation samples, "
    "so that score is optimistic. Report the test score, measured once at the very end."
)
MODEL_2 = "The features were selected with the validation labels, which leaked into training."
RUBRIC = """\
[why_validation]
[[why_validation.items]]
id = "optimistic"
points = 1
comment = "The best of several validation scores is optimistic."
[[why_validation.items]]
id = "test-once"
points = 1
comment = "Report the test score, measured once."
[[why_validation.items]]
id = "fits-on-validation"
points = -1
comment = "Fitting on validation data removes the independent check."

[leakage]
[[leakage.items]]
id = "labels-used"
points = 2
comment = "The selection saw the validation labels."
"""


NBGRADER = {"grade": False, "solution": False, "locked": False, "schema_version": 3, "task": False}


def markdown_cell(text: str, grade_id: str, points: float | None = None) -> dict[str, Any]:
    answer = points is not None
    nbgrader: dict[str, Any] = {
        "grade": answer,
        "solution": answer,
        "locked": not answer,
        "grade_id": grade_id,
        "schema_version": 3,
        "task": False,
    }
    if answer:
        nbgrader["points"] = points
    return {"cell_type": "markdown", "metadata": {"nbgrader": nbgrader}, "source": text}


def solution_notebook() -> dict[str, Any]:
    solution = code_cell(SOLUTION)
    solution["metadata"] = {"nbgrader": {**NBGRADER, "solution": True, "grade_id": "double"}}
    test = code_cell("assert double(2) == 4")
    test["metadata"] = {
        "nbgrader": {**NBGRADER, "grade": True, "grade_id": "t", "points": 1, "locked": True}
    }
    cells = [
        markdown_cell("# Week 98\n\nWrite `double(x)`.", "intro"),
        solution,
        test,
        markdown_cell("**Question 1.** Why is the best validation score optimistic?", "q1"),
        markdown_cell(MODEL_1, "why_validation", 2),
        markdown_cell("**Question 2.** Where does the leaky accuracy come from?", "q2"),
        markdown_cell(MODEL_2, "leakage", 2),
    ]
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_week(root: Path) -> WeekPaths:
    private = root / "solutions" / WEEK
    private.mkdir(parents=True)
    (private / f"{WEEK}.ipynb").write_text(json.dumps(solution_notebook(), indent=1))
    (private / "grading.py").write_text(GRADING)
    (private / "variants.py").write_text(VARIANTS)
    (private / "rubric.toml").write_text(RUBRIC)
    return WeekPaths(WEEK, root / "assignments" / WEEK, private)


def student_notebook(released: Path, code: str, answers: dict[str, str]) -> bytes:
    """The released notebook, with the code cell and the answer cells filled in."""
    notebook = json.loads(released.read_text())
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id == "double":
            cell["source"] = code
        elif grade_id in answers:
            assert source == TEXT_STUB
            cell["source"] = answers[grade_id]
    return json.dumps(notebook).encode()


ANSWER_A = "Choosing the best of ten is optimistic; report the test score once."
STUDENTS = {
    # alice and bob wrote the same first answer (up to spacing); carol left the second blank
    "alice": {"why_validation": ANSWER_A, "leakage": "The selection used the validation labels."},
    "bob": {"why_validation": ANSWER_A.replace(" ", "  "), "leakage": "Random luck."},
    "carol": {"why_validation": "Because we also fit the model on it, it is fine."},
}
CORRECT = "def double(x):\n    return 2 * x\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("written")
    paths = write_week(root)
    build = build_release(paths)
    assert build.ok, [str(o) for o in build.failures()]
    write_release(build)
    repos = root / "repos"
    for student, answers in STUDENTS.items():
        repo = repos / f"{WEEK}-{student}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        (repo / f"{WEEK}.ipynb").write_bytes(student_notebook(paths.notebook, CORRECT, answers))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "work", when=BEFORE)
    roster = root / "roster.csv"
    roster.write_text(
        "student,name,canvas_id\n"
        + "".join(f"{s},Student {s},{100 + n}\n" for n, s in enumerate(STUDENTS))
    )
    return {"root": root, "paths": paths, "build": build, "repos": repos, "roster": roster}


def regrade(course: dict[str, Any], out: Path, *extra: str) -> int:
    return cli(
        [
            "regrade",
            WEEK,
            "--roster",
            str(course["roster"]),
            "--repos",
            str(course["repos"]),
            "--deadline",
            DEADLINE,
            "--out",
            str(out),
            "--course",
            str(course["root"]),
            *extra,
        ]
    )


def answers(course: dict[str, Any], out: Path, *extra: str) -> int:
    return cli(["answers", WEEK, str(out), "--course", str(course["root"]), *extra])


def apply(course: dict[str, Any], out: Path) -> int:
    return answers(course, out, "--apply", "--roster", str(course["roster"]))


def give(marks: Path, key: str, items: list[str], comment: str = "") -> None:
    """Edit ``marks.toml`` as a marker would: the entry of ``key`` gets ``items`` and ``comment``."""
    text = marks.read_text()
    head = f'["{key}"]\n'
    start = text.index(head)
    end = text.find("\n[", start + len(head))
    end = len(text) if end < 0 else end
    entry = text[start:end]
    entry = re.sub(r"^#? ?items = .*$", f"items = {json.dumps(items)}", entry, flags=re.M)
    entry = re.sub(r"^comment = .*$", f"comment = {json.dumps(comment)}", entry, flags=re.M)
    marks.write_text(text[:start] + entry + text[end:])


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with (out / "gradebook.csv").open(newline="") as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


def canvas(out: Path) -> dict[str, str]:
    with (out / "canvas.csv").open(newline="") as stream:
        return {row["Student"]: row[WEEK] for row in csv.DictReader(stream)}


def test_the_release_keeps_the_questions_empties_the_answers_and_names_them(
    course: dict[str, Any],
) -> None:
    build = course["build"]
    step = next(o for o in build.outcomes if o.name.startswith("written questions"))
    assert step.ok and "2 questions, 4 points" in step.detail
    released = json.loads(course["paths"].notebook.read_text())
    sources = ["".join(c["source"]) for c in released["cells"]]
    assert "**Question 1.** Why is the best validation score optimistic?" in sources
    assert sources.count(TEXT_STUB) == 2
    tree_text = "\n".join(
        p.read_text() for p in course["paths"].public_dir.rglob("*") if p.is_file()
    )
    assert "optimistic. Report the test score" not in tree_text
    assert not (course["paths"].public_dir / "rubric.toml").exists()
    meta = json.loads((course["paths"].public_dir / "week.json").read_text())
    assert meta["written"] == [
        {"name": "why_validation", "points": 2.0},
        {"name": "leakage", "points": 2.0},
    ]


def test_a_practice_report_names_the_written_questions_graded_by_the_staff(
    course: dict[str, Any], tmp_path: Path
) -> None:
    notebook = tmp_path / f"{WEEK}.ipynb"
    notebook.write_bytes(student_notebook(course["paths"].notebook, CORRECT, STUDENTS["alice"]))
    record = grade_submission(course["paths"], notebook).as_dict()
    assert (
        record["score"] == record["max_score"] == 1
    )  # the written points are not in a practice score
    for text in (markdown(record), report_text(record)):
        assert "graded by your course staff" in text
        assert "why_validation" in text and "leakage" in text and "(2 points)" in text


def test_answers_extracted_marked_and_folded_into_gradebook_canvas_and_feedback(
    course: dict[str, Any],
) -> None:
    out = course["root"] / "grades" / WEEK
    assert regrade(course, out) == ExitCode.OK
    # before any marking: every written question pending, never 0; Canvas blank
    rows = gradebook(out)
    assert {rows[s]["why_validation"] for s in STUDENTS} == {"pending"}
    assert rows["alice"]["total"] == "1" and rows["alice"]["max_score"] == "5"
    assert set(canvas(out).values()) == {""}

    assert answers(course, out) == ExitCode.OK
    written = out / "written"
    key = tomllib.loads((written / "students.toml").read_text())
    assert key["anonymous"] is True and sorted(key["students"].values()) == sorted(STUDENTS)
    keys = {student: k for k, student in key["students"].items()}
    q1 = (written / "why_validation" / "answers.md").read_text()
    assert "3 students, 2 distinct answers" in q1
    pair = next(line for line in q1.splitlines() if "(2 student(s))" in line)
    assert keys["alice"] in pair and keys["bob"] in pair and keys["carol"] not in pair
    assert MODEL_1 in q1 and "`fits-on-validation` | -1" in q1
    for file in written.rglob("*"):
        if file.is_file() and file.name != "students.toml":
            assert not any(student in file.read_text() for student in STUDENTS), file
    q2_marks = tomllib.loads((written / "leakage" / "marks.toml").read_text())
    assert q2_marks[keys["carol"]]["items"] == []  # blank: 0 points, said so, not pending
    assert "items" not in q2_marks[keys["bob"]]

    # the marker fills the marks; bob's second answer stays unmarked
    q1_marks = written / "why_validation" / "marks.toml"
    give(q1_marks, keys["alice"], ["optimistic", "test-once"], "Clear and complete.")
    give(q1_marks, keys["bob"], ["optimistic"])
    give(q1_marks, keys["carol"], ["optimistic", "fits-on-validation"], "Never fit on it.")
    give(written / "leakage" / "marks.toml", keys["alice"], ["labels-used"])
    assert apply(course, out) == ExitCode.OK

    rows = gradebook(out)
    assert [rows["alice"][c] for c in ("why_validation", "leakage", "total")] == ["2", "2", "5"]
    assert [rows["bob"][c] for c in ("why_validation", "leakage", "total")] == ["1", "pending", "2"]
    assert [rows["carol"][c] for c in ("why_validation", "leakage", "total")] == ["0", "0", "1"]
    assert canvas(out) == {"Student alice": "5", "Student bob": "", "Student carol": "1"}
    _, read_back = read_gradebook(out / "gradebook.csv")
    assert {r.student: r.pending for r in read_back} == {
        "alice": [],
        "bob": ["leakage"],
        "carol": [],
    }
    summary = (out / "summary.md").read_text()
    assert "| `why_validation` | 2 | 1 | 1 | 33.3% |" in summary
    assert "| `leakage` | 2 | 1 | 0 | 50.0% (1 pending) |" in summary
    alice = (out / "feedback" / "alice.md").read_text()
    assert "**Total: 5 / 5**" in alice and "## Written questions" in alice
    assert "The best of several validation scores is optimistic." in alice
    assert "Clear and complete." in alice
    bob = (out / "feedback" / "bob.md").read_text()
    assert "pending / 2" in bob and "1 question(s) **pending**" in bob
    assert "(+1 not given): Report the test score, measured once." in bob
    carol = (out / "feedback" / "carol.md").read_text()
    assert "-1: Fitting on validation data" in carol and "No answer was written" in carol

    # a rubric change re-scores everyone who was given the items
    rubric = course["paths"].private_dir / "rubric.toml"
    original = rubric.read_text()
    try:
        rubric.write_text(
            original.replace(
                'id = "optimistic"\npoints = 1', 'id = "optimistic"\npoints = 1.5'
            ).replace('id = "test-once"\npoints = 1', 'id = "test-once"\npoints = 0.5')
        )
        assert apply(course, out) == ExitCode.OK
        rows = gradebook(out)
        assert {s: rows[s]["why_validation"] for s in STUDENTS} == {
            "alice": "2",
            "bob": "1.5",
            "carol": "0.5",
        }
        assert rows["bob"]["total"] == "2.5" and rows["carol"]["total"] == "1.5"
    finally:
        rubric.write_text(original)

    # extracting again keeps every mark; a regrade folds them in as --apply did
    assert answers(course, out) == ExitCode.OK
    assert tomllib.loads(q1_marks.read_text())[keys["alice"]]["items"] == [
        "optimistic",
        "test-once",
    ]
    assert regrade(course, out, "--yes") == ExitCode.OK
    rows = gradebook(out)
    assert [rows["alice"]["total"], rows["bob"]["total"], rows["bob"]["leakage"]] == [
        "5",
        "2",
        "pending",
    ]
    assert "Clear and complete." in (out / "feedback" / "alice.md").read_text()

    # a mark naming no rubric item is refused, and nothing is written
    before = (out / "gradebook.csv").read_bytes()
    give(q1_marks, keys["bob"], ["optimistic", "tunes"])
    assert apply(course, out) == ExitCode.USAGE
    assert (out / "gradebook.csv").read_bytes() == before


def test_the_gate_refuses_a_written_question_without_its_rubric_or_model_answer(
    course: dict[str, Any], tmp_path: Path
) -> None:
    built = course["paths"]
    private = tmp_path / "solutions" / WEEK
    shutil.copytree(built.private_dir, private)
    paths = WeekPaths(WEEK, built.public_dir, private)
    student = built.notebook
    assert gate.written_questions_complete(paths, student).ok

    rubric = private / "rubric.toml"
    rubric.write_text(RUBRIC.replace("points = 2", "points = 3"))
    outcome = gate.written_questions_complete(paths, student)
    assert not outcome.ok and "add up to 3, the cell has 2 points" in outcome.detail

    rubric.write_text(RUBRIC.split("[leakage]")[0])
    outcome = gate.written_questions_complete(paths, student)
    assert not outcome.ok and "leakage: no rubric" in outcome.detail

    rubric.write_text(RUBRIC)
    notebook = json.loads((private / f"{WEEK}.ipynb").read_text())
    notebook["cells"][6]["source"] = ""
    (private / f"{WEEK}.ipynb").write_text(json.dumps(notebook))
    outcome = gate.written_questions_complete(paths, student)
    assert not outcome.ok and "leakage: no model answer" in outcome.detail

    filled = tmp_path / "filled.ipynb"
    filled.write_bytes(student_notebook(student, CORRECT, {"leakage": "an answer"}))
    outcome = gate.written_questions_complete(paths, filled)
    assert not outcome.ok and "answer cell is not empty" in outcome.detail


@pytest.mark.parametrize(
    "planted", [MODEL_2, "Report the test score, measured once at the very end."]
)
def test_a_model_answer_in_the_student_tree_is_a_leak(
    course: dict[str, Any], tmp_path: Path, planted: str
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(course["paths"].public_dir, tree)
    notebook = json.loads((tree / f"{WEEK}.ipynb").read_text())
    notebook["cells"][0]["source"] = f"# Week 98\n\nHint: {planted}"
    (tree / f"{WEEK}.ipynb").write_text(json.dumps(notebook))
    outcome = gate.no_private_material(course["paths"], tree, course["build"].hidden_refs)
    assert not outcome.ok and "model answer line" in outcome.detail


def test_a_notebook_without_the_answer_cell_is_left_pending_for_a_person(tmp_path: Path) -> None:
    notebook = solution_notebook()
    del notebook["cells"][6]  # the student deleted the second answer cell
    notebook["cells"][4]["source"] = "My answer."
    (tmp_path / "rubric.toml").write_text(RUBRIC)
    questions = load_rubric(tmp_path / "rubric.toml")
    found = answers_in(json.dumps(notebook).encode(), questions)
    assert found == {"why_validation": "My answer.", "leakage": None}
    answer = Answer("dave", "k1", "0" * 40, "", found=False)
    reset: list[str] = []
    (mark,) = merged_marks(questions["leakage"], [answer], {}, reset)
    assert mark.items is None and "read the notebook itself" in mark.note
    blank = Answer("erin", "k2", "0" * 40, TEXT_STUB)
    (mark,) = merged_marks(questions["leakage"], [blank], {}, reset)
    assert mark.items == [] and mark.comment == NO_ANSWER
