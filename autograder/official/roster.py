"""The roster: who is in the course (a CSV with a ``student`` column and optional ids)."""

from __future__ import annotations

import csv
import difflib
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


def roster_spelling(name: str, students: list[str], what: str) -> str:
    """The roster's spelling of ``name`` (matched case-insensitively, like :func:`load_roster`).

    Raises :class:`CollectError` for a name the roster does not hold, with
    the nearest roster names ("did you mean ...?") when some are close.
    ``what`` says where the name came from, e.g. "the late policy's extensions".
    """
    by_lower = {student.lower(): student for student in students}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(by_lower[c] for c in close)}?)" if close else ""
    raise CollectError(f"{what} names {name!r}, who is not on the roster{hint}")


def roster_spellings(names: list[str], students: list[str], what: str) -> dict[str, str]:
    """``name -> roster spelling`` for every name; one :class:`CollectError` listing every unknown."""
    out, problems = {}, []
    for name in names:
        try:
            out[name] = roster_spelling(name, students, what)
        except CollectError as error:
            problems.append(str(error))
    spelled = list(out.values())
    twice = sorted({s for s in spelled if spelled.count(s) > 1})
    problems += [f"{what} names {s} more than once (in different cases)" for s in twice]
    if problems:
        raise CollectError("\n  ".join(["the names do not match the roster:", *problems]))
    return out
