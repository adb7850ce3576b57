"""The Canvas gradebook import: ``canvas.csv``, safe to upload as it is.

Canvas's documented CSV format (Grades > Import): a header row ``Student, ID,
SIS User ID, SIS Login ID, Section``, then one column per assignment headed
``Assignment Name (ID)``; Canvas finds each student by ``ID`` (its user id),
else ``SIS User ID``, else ``SIS Login ID``, and an assignment by the ID in
its header (a header without one creates a new assignment). A blank cell
changes nothing; a number is the score.

What this export guarantees:

* it is written only when the roster identifies every student: a
  ``canvas_id``, ``sis_user_id`` or ``sis_login_id`` column with a value on
  every row. Otherwise it is not written and the regrade says why (the
  GitHub login is never put in *SIS Login ID* in their place);
* the assignment header is given with ``--canvas-assignment "Week 1 (12345)"``
  and must have that form; without it the header is the week's name, which
  Canvas would take for a new assignment (the regrade says so);
* one rule for every status: a row with points (``graded``, ``unreadable``)
  exports its total; every other status (``missing``, ``empty``,
  ``not-submitted``, ``no-commit``, ``error``) is blank, never a silent 0,
  and ``summary.md`` lists those students; a row with a written question
  still ``pending`` (:mod:`autograder.official.written_marks`) is blank too;
* a cell that could start a spreadsheet formula gets a leading ``'``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from autograder.official.roster import CollectError
from autograder.reporting.untrusted import csv_text

if TYPE_CHECKING:
    from autograder.official.gradebook import Row

CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ROSTER_IDS = {"canvas_id": "ID", "sis_user_id": "SIS User ID", "sis_login_id": "SIS Login ID"}
ASSIGNMENT_HEADER = re.compile(r"^(?P<name>\S.*?) \((?P<id>[0-9]+)\)$")


class CanvasError(CollectError):
    """An assignment header that is not in Canvas's ``Name (ID)`` form."""


def assignment_header(text: str) -> str:
    """``text`` if it is ``Assignment Name (ID)`` (Canvas's form); :class:`CanvasError` otherwise."""
    if not ASSIGNMENT_HEADER.match(text.strip()):
        raise CanvasError(
            f"the Canvas assignment {text!r} is not in Canvas's 'Assignment Name (ID)' form, "
            "e.g. 'Week 1 (12345)': copy it from the header of a CSV exported from Canvas"
        )
    return text.strip()


def canvas_refusal(students: list[str], roster_extra: dict[str, dict[str, str]]) -> str:
    """Why ``canvas.csv`` cannot be written for these students ("" when it can)."""
    columns = {key for extra in roster_extra.values() for key, value in extra.items() if value}
    if not columns & set(ROSTER_IDS):
        return (
            "the roster has no identifying column for Canvas (canvas_id, sis_user_id or "
            "sis_login_id): add one to write canvas.csv"
        )
    unknown = [
        s for s in students if not any(roster_extra.get(s, {}).get(key) for key in ROSTER_IDS)
    ]
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        return f"{len(unknown)} roster students have no canvas_id, sis_user_id or sis_login_id: {shown}"
    return ""


def canvas_table(
    students: list[str],
    roster_extra: dict[str, dict[str, str]],
    columns: list[str],
    cells: dict[str, list[str]],
) -> str:
    """The CSV text: the id columns of each student, then ``cells[student]`` under ``columns``."""
    table = [[*CANVAS_IDS, *columns]]
    for student in students:
        extra = roster_extra.get(student, {})
        ids = [extra.get(key, "") for key in ROSTER_IDS]
        table.append(
            [extra.get("name") or student, *ids, extra.get("section", ""), *cells[student]]
        )
    return csv_text(table)


def canvas_csv(rows: list[Row], roster_extra: dict[str, dict[str, str]], column: str) -> str:
    """A week's ``canvas.csv``: each row's total under ``column`` (blank for a row without
    points or with a written question pending)."""
    return canvas_table(
        [row.student for row in rows],
        roster_extra,
        [column],
        {row.student: [row.exported_total()] for row in rows},
    )


__all__ = [
    "ASSIGNMENT_HEADER",
    "CANVAS_IDS",
    "CanvasError",
    "assignment_header",
    "canvas_csv",
    "canvas_refusal",
    "canvas_table",
]
