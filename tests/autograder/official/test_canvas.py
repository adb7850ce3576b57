"""The Canvas export, read back the way Canvas's gradebook import documents it.

Canvas (Grades > Import, "How do I import grades in the Gradebook?"): the
header row holds Student, ID, SIS User ID, SIS Login ID, Section, then one
column per assignment as ``Assignment Name (ID)``; a student is found by ID,
else SIS User ID, else SIS Login ID; a header without an ID creates a new
assignment; a blank cell leaves the grade as it is; a score is a number
(or EX for excused).
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from autograder.official.canvas import (
    CANVAS_IDS,
    CanvasError,
    assignment_header,
    canvas_csv,
    canvas_refusal,
)
from autograder.official.gradebook import STATUSES, WITH_POINTS, Row

POINTS = 4.5


class CanvasImport:
    """What Canvas would do with an uploaded CSV: (student, assignment id) -> new score."""

    def __init__(self, users: dict[str, dict[str, str]]) -> None:
        self.users = users  # Canvas user -> {"ID": ..., "SIS User ID": ..., "SIS Login ID": ...}

    def find(self, cells: dict[str, str]) -> str:
        for column in ("ID", "SIS User ID", "SIS Login ID"):
            value = cells.get(column, "")
            if value:
                found = [u for u, ids in self.users.items() if ids.get(column) == value]
                if found:
                    return found[0]
        raise AssertionError(f"Canvas finds no student for {cells}")

    def read(self, text: str) -> dict[tuple[str, str], float | str]:
        table = list(csv.reader(io.StringIO(text)))
        header = table[0]
        assert header[: len(CANVAS_IDS)] == CANVAS_IDS
        assignments = {}
        for column in header[len(CANVAS_IDS) :]:
            match = re.fullmatch(r"(.+) \((\d+)\)", column)
            assert match, f"Canvas would create a new assignment for the header {column!r}"
            assignments[column] = match[2]
        changes: dict[tuple[str, str], float | str] = {}
        for cells in table[1:]:
            row = dict(zip(header, cells, strict=True))
            if row["Student"] == "Points Possible":
                continue
            user = self.find(row)
            for column, assignment in assignments.items():
                value = row[column]
                if value == "":
                    continue  # a blank cell changes nothing
                changes[(user, assignment)] = "EX" if value == "EX" else float(value)
        return changes


def every_status() -> list[Row]:
    rows = []
    for n, status in enumerate(STATUSES):
        items = {"a": 2.0, "b": 0.5} if status in WITH_POINTS else {}
        row = Row(f"s{n}", status, POINTS, items, multiplier=0.9 if n == 0 else 1.0)
        if status == "unreadable":
            row.items = {"a": 0.0, "b": 0.0}
        rows.append(row)
    return rows


def test_a_round_trip_through_canvas_rules_gives_each_status_its_documented_export() -> None:
    rows = every_status()
    extra = {
        r.student: {"name": f"Student {r.student}", "sis_user_id": f"U{n}", "section": "A"}
        for n, r in enumerate(rows)
    }
    extra["s0"]["name"] = '=HYPERLINK("http://evil")'  # a formula in the roster stays text
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(len(rows))}
    text = canvas_csv(rows, extra, assignment_header("Week 1 (12345)"))
    changes = CanvasImport(users).read(text)
    assert changes == {("user0", "12345"): 2.25, ("user5", "12345"): 0.0}, (
        "graded and unreadable rows export their total; every other status changes nothing"
    )
    names = [cells[0] for cells in csv.reader(io.StringIO(text))]
    assert names[1] == '\'=HYPERLINK("http://evil")', "the formula is neutralised"
    assert all(cells[2] and not cells[3] for cells in list(csv.reader(io.StringIO(text)))[1:]), (
        "the SIS Login ID column is not filled with the GitHub login"
    )


def test_canvas_is_refused_without_an_identifying_column_or_with_a_student_lacking_one() -> None:
    rows = every_status()[:3]
    assert "no identifying column" in canvas_refusal(
        [r.student for r in rows], {r.student: {"name": "x", "section": "A"} for r in rows}
    )
    extra = {"s0": {"canvas_id": "1"}, "s1": {"sis_login_id": "b@u"}, "s2": {"canvas_id": ""}}
    assert canvas_refusal([r.student for r in rows], extra) == (
        "1 roster students have no canvas_id, sis_user_id or sis_login_id: s2"
    )
    extra["s2"]["sis_user_id"] = "U2"
    assert canvas_refusal([r.student for r in rows], extra) == ""


@pytest.mark.parametrize(
    "header", ["Week 1", "Week 1 (abc)", "(12345)", " (1)", "Week 1 (12345) x"]
)
def test_an_assignment_header_not_in_canvas_form_is_refused(header: str) -> None:
    with pytest.raises(CanvasError, match="Assignment Name \\(ID\\)"):
        assignment_header(header)
    assert assignment_header("Week 1: k-NN (98765)") == "Week 1: k-NN (98765)"
