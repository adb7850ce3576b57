"""The naming rule, in one place: which repository of a week belongs to whom.

A week's repository is ``<prefix><owner>`` in the course organisation: the
prefix is ``weekNN-`` unless ``--prefix`` says otherwise, and the owner is
the student's GitHub login, or their team when the roster has a ``team``
column (one repository per team, shared by its members):
``week03-alice``, ``week03-red-team``. The template the students'
repositories are generated from is ``<prefix>template`` (``week03-template``),
so no student or team may be called ``template``.

GitHub compares repository names without regard to case, and so does this
rule: ``Week03-Alice`` is alice's. A name that differs only in its
separators (``week03_alice``, ``week03.alice``), puts the owner first
(``alice-week03``), drops the week's leading zero (``week3-alice``) or has a
typo (``week03-alcie``) is nobody's, but is recognised as a misnamed copy
so that it can be reported, not skipped.

``distribute`` creates these names and ``regrade --repos`` finds them with
the same functions, so the two can never disagree.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from autograder.official.roster import STUDENT_PATTERN, CollectError, RosterEntry

TEAM_COLUMN = "team"
TEMPLATE_SUFFIX = "template"
_SEPARATORS = re.compile(r"[-_. ]+")


def default_prefix(week: str) -> str:
    """``week03`` -> ``week03-``."""
    return f"{week}-"


def template_name(prefix: str) -> str:
    """The template repository's name, ``<prefix>template``: ``week03-template``."""
    return repository_name(prefix, TEMPLATE_SUFFIX)


def repository_name(prefix: str, owner: str) -> str:
    """``<prefix><owner>``: the repository of a student or a team."""
    return f"{prefix}{owner}"


def owner_of_entry(entry: RosterEntry) -> str:
    """Who owns the entry's repository: its team if it has one, else the student."""
    return (entry.extra.get(TEAM_COLUMN) or "").strip() or entry.student


@dataclass(frozen=True)
class Assignee:
    """One repository's owner (a student or a team) and the roster entries who work in it."""

    owner: str
    members: tuple[RosterEntry, ...]

    @property
    def is_team(self) -> bool:
        return len(self.members) > 1 or self.members[0].student != self.owner

    def repository(self, prefix: str) -> str:
        return repository_name(prefix, self.owner)


def assignees(roster: list[RosterEntry]) -> list[Assignee]:
    """The roster grouped into repositories, in roster order (a team where its first member is).

    Raises :class:`CollectError` for a team name that is not a valid
    repository name, one that is some other student's login (their
    repositories would be the same), or an owner called ``template``.
    """
    groups: dict[str, list[RosterEntry]] = {}
    spelling: dict[str, str] = {}
    problems = []
    for entry in roster:
        owner = owner_of_entry(entry)
        if owner != entry.student and not STUDENT_PATTERN.match(owner):
            problems.append(f"{entry.student}: {owner!r} is not a valid team name")
            continue
        spelling.setdefault(owner.lower(), owner)
        groups.setdefault(owner.lower(), []).append(entry)
    if TEMPLATE_SUFFIX in groups:
        problems.append(f"{spelling[TEMPLATE_SUFFIX]!r}: the name of the template repository")
    teams = {owner_of_entry(e).lower() for e in roster if owner_of_entry(e) != e.student}
    # a team named like a student who is not in it would share their repository
    for entry in roster:
        key = entry.student.lower()
        if key in teams and (entry.extra.get(TEAM_COLUMN) or "").strip().lower() != key:
            problems.append(
                f"the team {spelling[key]!r} has the login of another student, {entry.student}: "
                "their repositories would have the same name"
            )
    if problems:
        raise CollectError("the roster's teams are inconsistent:\n  " + "\n  ".join(problems))
    return [Assignee(spelling[key], tuple(members)) for key, members in groups.items()]


def owner_in_name(name: str, prefix: str, owners: Mapping[str, object]) -> str | None:
    """The (lower-cased) owner whose repository ``name`` is, or None; ``owners`` is keyed by lower-cased owner."""
    lowered, start = name.lower(), prefix.lower()
    if not lowered.startswith(start):
        return None
    owner = lowered[len(start) :]
    return owner if owner in owners else None


def of_this_week(name: str, prefix: str) -> bool:
    """Whether ``name`` has the week's prefix (case-insensitively)."""
    return name.lower().startswith(prefix.lower())


def misnamed_owner(name: str, prefix: str, owners: Mapping[str, object]) -> str | None:
    """The owner a near-miss name was meant for, or None.

    Near misses: other separators or case (``week03_alice``), the owner
    before the week (``alice-week03``), the week number without its leading
    zero (``week3-alice``), a typo (``week03-alcie``). A name with other
    numbers than the rule's is never one: ``week04-alice`` is another week's.
    """

    def canonical(text: str) -> str:
        return _SEPARATORS.sub("-", text.lower())

    if owner_in_name(name, prefix, owners) is not None:
        return None
    wanted = {canonical(repository_name(prefix, owner)): owner for owner in owners}
    if canonical(name) in wanted:
        return wanted[canonical(name)]
    core = _letters_and_digits(name)
    stems = {_letters_and_digits(p) for p in (prefix, re.sub(r"0+(\d)", r"\1", prefix))} - {""}
    by_core = {_letters_and_digits(owner): owner for owner in owners}
    for stem in stems:
        for rest in (core.removeprefix(stem), core.removesuffix(stem)):
            if rest != core and rest in by_core:
                return by_core[rest]
    near = {
        repository_name(prefix, owner).lower(): owner
        for owner in owners
        if _numbers(repository_name(prefix, owner)) == _numbers(name)
    }
    close = difflib.get_close_matches(name.lower(), list(near), n=1, cutoff=0.85)
    return near[close[0]] if close else None


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


__all__ = [
    "TEAM_COLUMN",
    "Assignee",
    "assignees",
    "default_prefix",
    "misnamed_owner",
    "of_this_week",
    "owner_in_name",
    "owner_of_entry",
    "repository_name",
    "template_name",
]
