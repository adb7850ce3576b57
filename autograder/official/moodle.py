"""The Moodle gradebook import: ``moodle.csv`` (Grades > Import > CSV file).

Moodle maps one column to a user field (*Map from* / *Map to*: here the
``Email address`` column to the user's email) and each other column to a
grade item. Unlike Canvas, Moodle reads a blank or ``-`` cell as "no grade"
and clears a grade already there, so a row without points (``missing``,
``empty``, ``not-submitted``, ``no-commit``, ``error``) is left out of the
file rather than blank; ``summary.md`` lists those students as for Canvas.
It is written only when the roster has an ``email`` for every student.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograder.reporting.untrusted import csv_text

if TYPE_CHECKING:
    from autograder.official.gradebook import Row

EMAIL = "Email address"


def moodle_refusal(students: list[str], roster_extra: dict[str, dict[str, str]]) -> str:
    """Why ``moodle.csv`` cannot be written ("" when it can)."""
    lacking = [s for s in students if not roster_extra.get(s, {}).get("email")]
    if len(lacking) == len(students):
        return "the roster has no email column"
    if lacking:
        shown = ", ".join(lacking[:10]) + (" ..." if len(lacking) > 10 else "")
        return f"{len(lacking)} roster students have no email: {shown}"
    return ""


def moodle_csv(rows: list[Row], roster_extra: dict[str, dict[str, str]], column: str) -> str:
    """``Email address`` and ``column`` (the grade item), one line per complete row (points,
    no written question pending): Moodle clears a grade on a blank, so the others are left out."""
    table = [[EMAIL, column]]
    table += [[roster_extra[r.student]["email"], r.exported_total()] for r in rows if r.complete]
    return csv_text(table)


__all__ = ["EMAIL", "moodle_csv", "moodle_refusal"]
