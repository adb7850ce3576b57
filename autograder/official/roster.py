"""The roster: who is in the course (a CSV with a ``student`` column and optional ids)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

STUDENT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class CollectError(Exception):
    """The roster, or the roster against the repositories, is inconsistent."""


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster (``student`` is the GitHub user name or course id)."""

    student: str
    repo: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def load_roster(path: Path) -> list[RosterEntry]:
    """Read a roster CSV (a ``student`` column; optional ``repo`` and any others, e.g. Canvas ids).

    Raises :class:`CollectError` for a missing column, a blank or malformed
    name, or a student listed twice.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream:
            rows = list(csv.DictReader(stream))
    except OSError as error:
        raise CollectError(f"cannot read the roster {path}: {error.strerror or error}") from error
    if not rows or "student" not in rows[0]:
        raise CollectError(f"the roster {path} needs a header with a 'student' column")
    entries, seen, problems = [], set(), []
    for number, row in enumerate(rows, start=2):
        student = (row.pop("student") or "").strip()
        if not STUDENT_PATTERN.match(student):
            problems.append(f"line {number}: {student!r} is not a valid student name")
            continue
        if student.lower() in seen:
            problems.append(f"line {number}: {student} is listed twice")
            continue
        seen.add(student.lower())
        repo = (row.pop("repo", "") or "").strip()
        entries.append(
            RosterEntry(student, repo, {k: (v or "").strip() for k, v in row.items() if k})
        )
    if problems:
        raise CollectError(f"the roster {path} is inconsistent:\n  " + "\n  ".join(problems))
    return entries
