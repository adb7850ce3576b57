"""What a lifecycle verb did to each student's repository: one row per student, the table at the end.

``distribute``, ``sync``, ``lock``/``unlock`` and ``return`` each end with the
same table, so that an instructor reads every verb's result the same way::

    repository               student  status    changes
    ml-2026/week03-alice     alice    created   create repository, ..., invite alice
    ml-2026/week03-bob       bob      failed: no GitHub user 'bob'

With ``--dry-run`` every change reads "would ...", and nothing was changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from autograder.github.client import GitHubError, RateLimited

T = TypeVar("T")
FAILED = "failed"


@dataclass
class Outcome:
    """One student's row: the repository, the status word (or ``failed: why``) and what changed."""

    repository: str
    student: str
    status: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was seen, not changed
    bad_input: bool = False  # the failure is the roster's or the course's, not GitHub's

    @property
    def failed(self) -> bool:
        return self.status.startswith(FAILED)


def failure(repository: str, student: str, why: str, *, bad_input: bool = False) -> Outcome:
    return Outcome(repository, student, f"{FAILED}: {why}", bad_input=bad_input)


def github_refusal(repository: str, student: str, error: GitHubError) -> Outcome:
    """A student's row when GitHub refused a call: under a rate limit "not reached" (every later
    student gets the same row without a call, and the next run, idempotent, does the rest);
    on a 404 "no repository"; else what GitHub said."""
    if isinstance(error, RateLimited):
        why = f"not reached: {error.message}; run again then"
    elif error.status == 404:
        why = f"no repository {repository}"
    else:
        why = str(error)
    return failure(repository, student, why)


class Changes:
    """The changes of one repository, made or (in a dry run) only described.

    ``make("create branch feedback", action)`` runs ``action`` and records the
    change; in a dry run it records "would create branch feedback" and returns None.
    """

    def __init__(self, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.made: list[str] = []
        self.notes: list[str] = []

    def make(self, what: str, action: Callable[[], T]) -> T | None:
        if self.dry_run:
            self.made.append(f"would {what}")
            return None
        result = action()
        self.made.append(what)
        return result

    def record(self, what: str) -> None:
        """A change made (or, in a dry run, planned) by a call that also had to answer something."""
        self.made.append(f"would {what}" if self.dry_run else what)

    def note(self, what: str) -> None:
        """Something seen and left alone (a closed pull request): shown, not counted as a change."""
        self.notes.append(what)


def table(outcomes: Iterable[Outcome]) -> str:
    """The per-student table, columns aligned; ``-`` where nothing changed."""
    rows = [("repository", "student", "status", "changes")]
    rows += [
        (
            o.repository,
            o.student,
            o.status,
            ", ".join([*o.changes, *(f"({n})" for n in o.notes)]) or "-",
        )
        for o in outcomes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
        )
    return "\n".join(line.rstrip() for line in lines)


def summary(outcomes: list[Outcome]) -> str:
    """``5 students: 3 created, 1 invited, 1 failed; 14 changes``."""
    counts: dict[str, int] = {}
    for outcome in outcomes:
        word = FAILED if outcome.failed else outcome.status
        counts[word] = counts.get(word, 0) + 1
    changes = sum(1 for o in outcomes for c in o.changes if not c.startswith("would "))
    planned = sum(1 for o in outcomes for c in o.changes if c.startswith("would "))
    parts = ", ".join(f"{n} {word}" for word, n in counts.items())
    tail = f"{planned} changes planned, none made (dry run)" if planned else f"{changes} changes"
    return f"{len(outcomes)} students: {parts or 'none'}; {tail}"


def exit_status(outcomes: list[Outcome]) -> int:
    """0 all done; 2 some rows failed on bad input (the others were done); 1 other failures."""
    if any(o.failed and o.bad_input for o in outcomes):
        return 2
    return 1 if any(o.failed for o in outcomes) else 0


__all__ = ["FAILED", "Changes", "Outcome", "exit_status", "failure", "summary", "table"]
