"""The course gradebook over three weeks: weights, the dropped lowest week, refusals, one Canvas import."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.official.course_gradebook import CourseGradebookError, load_weights, parse_weeks
from autograder.official.gradebook import GRADEBOOK, Row
from autograder.official.week_outputs import write_gradebook
from tests.autograder.official.test_canvas import CanvasImport

POINTS = {"a": 6.0, "b": 4.0}


def row(student: str, status: str, a: float = 0.0, b: float = 0.0, **kw: object) -> Row:
    items = {"a": a, "b": b} if status in ("graded", "unreadable") else {}
    return Row(student, status, 10.0, items, **kw)  # type: ignore[arg-type]


WEEKS = {
    "week01": [
        row("ana", "graded", 6, 4),
        row("ben", "graded", 3, 2, late=True, days_late=1, multiplier=0.9),
        row("cem", "missing"),
        row("dia", "graded", 6, 2),
    ],
    "week02": [
        row("ana", "graded", 6, 2),
        row("ben", "graded", 6, 4),
        row("cem", "graded", 4, 2),
        row("dia", "error", note="internal error of the grader: boom"),
    ],
    "week03": [
        row("ana", "graded", 2, 0),
        row("ben", "not-submitted"),
        row("cem", "graded", 5, 4),
        row("dia", "graded", 6, 4),
    ],
}
WEIGHTS = """
drop_lowest = 1
[weights]
week03 = 2
[letters]
A = 90
B = 80
C = 70
F = 0
[canvas]
week01 = "Week 1 (101)"
week02 = "Week 2 (102)"
week03 = "Week 3 (103)"
"""


@pytest.fixture
def grades(tmp_path: Path) -> Path:
    for week, rows in WEEKS.items():
        write_gradebook(tmp_path / "grades" / week, week, rows, POINTS, {})
    (tmp_path / "weights.toml").write_text(WEIGHTS)
    (tmp_path / "roster.csv").write_text(
        "student,name,sis_user_id\nana,Ana,U1\nben,Ben,U2\ncem,Cem,U3\ndia,Dia,U4\n"
    )
    return tmp_path / "grades"


def course(grades: Path, *extra: str) -> int:
    return cli(
        [
            "gradebook", "--weeks", "week01..week03", "--grades", str(grades),
            "--weights", str(grades.parent / "weights.toml"), *extra,
        ]
    )  # fmt: skip


def test_three_weeks_make_one_row_per_student_with_weights_and_the_lowest_dropped(
    grades: Path,
) -> None:
    assert course(grades, "--roster", str(grades.parent / "roster.csv")) == 0
    with (grades / "course.csv").open() as stream:
        table = {r["student"]: r for r in csv.DictReader(stream)}
    # ana 100, 80, 20 -> week03 dropped: (100 + 80) / 2
    assert (table["ana"]["percent"], table["ana"]["letter"], table["ana"]["dropped"]) == (
        "90",
        "A",
        "week03",
    )
    # ben 45 (late), 100, 0 (not submitted) -> week03 dropped: (45 + 100) / 2
    assert (table["ben"]["percent"], table["ben"]["letter"], table["ben"]["late_days"]) == (
        "72.5",
        "C",
        "1",
    )
    assert (
        table["ben"]["week03"] == "" and table["ben"]["without_points"] == "week03 (not-submitted)"
    )
    # cem 0 (missing), 60, 90 (weight 2) -> week01 dropped: (60 + 2 * 90) / 3
    assert (table["cem"]["percent"], table["cem"]["letter"], table["cem"]["week01"]) == (
        "80",
        "B",
        "",
    )
    assert table["dia"]["percent"] == "" and table["dia"]["status"] == (
        "incomplete: regrade week02 (error)"
    ), "a week whose grade is not known is not counted as 0"
    assert table["ana"]["week01"] == "10" and table["ben"]["week01"] == "4.5"
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(1, 5)}
    changes = CanvasImport(users).read((grades / "course-canvas.csv").read_text())
    assert changes == {
        ("user1", "101"): 10.0,
        ("user1", "102"): 8.0,
        ("user1", "103"): 2.0,
        ("user2", "101"): 4.5,
        ("user2", "102"): 10.0,
        ("user3", "102"): 6.0,
        ("user3", "103"): 9.0,
        ("user4", "101"): 8.0,
        ("user4", "103"): 10.0,
    }, "one Canvas import for all weeks, blank wherever a week has no points"


def test_without_a_roster_there_is_no_canvas_file(grades: Path) -> None:
    (grades / "course-canvas.csv").write_text("old")
    assert course(grades) == 0
    assert (grades / "course.csv").is_file() and not (grades / "course-canvas.csv").exists()


def test_a_missing_week_or_different_students_are_refused_and_nothing_written(
    grades: Path,
) -> None:
    (grades / "week02" / GRADEBOOK).unlink()
    assert course(grades) == 2 and not (grades / "course.csv").exists()
    write_gradebook(grades / "week02", "week02", WEEKS["week02"][:3], POINTS, {})
    assert course(grades) == 2 and not (grades / "course.csv").exists()
    write_gradebook(grades / "week02", "week02", WEEKS["week02"], POINTS, {})
    (grades.parent / "roster.csv").write_text("student,sis_user_id\nana,U1\n")
    assert course(grades, "--roster", str(grades.parent / "roster.csv")) == 2
    assert course(grades) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("drop_lowest = 3\n", "drop_lowest must be a whole number from 0 to 2"),
        ("[weights]\nweek09 = 1\n", "not among --weeks"),
        ("[weights]\nweek01 = -1\n", "must be a number >= 0"),
        ('[canvas]\nweek01 = "Week 1"\n', "'Assignment Name (ID)' form"),
        ("[letters]\nA = 120\n", "percentage from 0 to 100"),
        ("colour = 1\n", "unknown keys"),
    ],
)
def test_a_bad_weights_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "w.toml").write_text(text)
    with pytest.raises(CourseGradebookError) as refused:
        load_weights(tmp_path / "w.toml", ["week01", "week02", "week03"])
    assert message in str(refused.value)


def test_week_ranges_and_lists() -> None:
    assert parse_weeks("week01..week03") == ["week01", "week02", "week03"]
    assert parse_weeks("week02,week05") == ["week02", "week05"]
    for bad in ("week03..week01", "week1..week3", "week01,week01", ""):
        with pytest.raises(CourseGradebookError):
            parse_weeks(bad)


def test_a_pending_written_question_leaves_the_course_total_blank_never_low(
    grades: Path,
) -> None:
    # week03 with a written question `essay` (2 points): ana's is marked, cem's pending
    points = {**POINTS, "essay": 2.0}
    week03 = [
        Row("ana", "graded", 12.0, {"a": 2, "b": 0, "essay": 2}),
        Row("ben", "not-submitted", 12.0),
        Row("cem", "graded", 12.0, {"a": 5, "b": 4}, pending=["essay"]),
        Row("dia", "graded", 12.0, {"a": 6, "b": 4, "essay": 1}),
    ]
    write_gradebook(grades / "week03", "week03", week03, points, {})
    with (grades / "week03" / GRADEBOOK).open() as stream:
        assert {r["student"]: r["essay"] for r in csv.DictReader(stream)} == {
            "ana": "2",
            "ben": "",
            "cem": "pending",
            "dia": "1",
        }, "points, blank without points, pending until marked"
    assert course(grades, "--roster", str(grades.parent / "roster.csv")) == 0
    with (grades / "course.csv").open() as stream:
        table = {r["student"]: r for r in csv.DictReader(stream)}
    assert (table["cem"]["week03"], table["cem"]["percent"]) == ("pending", "")
    assert table["cem"]["status"] == "incomplete: mark week03 (pending: essay)"
    # ana 100, 80, 4/12 -> week03 dropped; its total includes the written points
    assert (table["ana"]["week03"], table["ana"]["percent"]) == ("4", "90")
    assert table["dia"]["status"] == "incomplete: regrade week02 (error)"
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(1, 5)}
    changes = CanvasImport(users).read((grades / "course-canvas.csv").read_text())
    assert ("user3", "103") not in changes, "a pending week is blank in Canvas"
    assert changes[("user1", "103")] == 4.0 and changes[("user4", "103")] == 11.0
