"""The late policy: which commit counts for a student, and what lateness costs.

A policy is the course deadline plus an optional TOML file
(``--late-policy policy.toml``) that the instructor keeps in the course
repository, so every regrade reads the same extensions and gives the same
result::

    policy = "penalty"        # "cutoff" (default) or "penalty"
    penalty_per_day = 0.10    # fraction of the score lost per started late day
    max_late_days = 3         # commits later than this are ignored
    grace_minutes = 5         # pushes this close to the deadline are on time
    take = "last"             # "best": also grade the last on-time commit, keep the higher total

    [extensions]              # per student: a new deadline, or extra time
    alice = "2026-12-03T23:59:00+00:00"
    bob = "2d"                # "36h", "90m" and "1d12h" work too

``cutoff``: the last commit at or before the student's deadline is graded;
later commits are ignored (the gradebook's ``late`` column says that some
exist). ``penalty``: the last commit at or before deadline + ``max_late_days``
is graded; when it is after the deadline, the total is multiplied by
``1 - penalty_per_day * started_days`` (never below zero). Scores stay
fractional. With ``take = "best"`` (penalty only), a student whose graded
commit is late also has their last on-time commit graded, and the higher of
the two totals (the late one after its penalty) counts: a worse late commit
never costs a student their better on-time work.

Extensions name roster students, matched case-insensitively as the roster
check does (:meth:`LatePolicy.for_roster`): a name the roster does not hold
stops the regrade before anything is graded, with "did you mean".
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.official.roster import CollectError, roster_spellings

CUTOFF, PENALTY = "cutoff", "penalty"
TAKE_LAST, TAKE_BEST = "last", "best"
DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


class PolicyError(ValueError):
    """The policy file or a deadline cannot be understood."""


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 time with a zone (``Z`` allowed); a time without a zone is refused."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise PolicyError(f"not an ISO 8601 time: {text!r}") from error
    if when.tzinfo is None:
        raise PolicyError(f"{text!r} has no time zone: write e.g. 2026-12-01T23:59:00+00:00")
    return when.astimezone(dt.UTC)


def parse_duration(text: str) -> dt.timedelta:
    """``"2d"``, ``"36h"``, ``"90m"``, ``"1d12h"``."""
    match = DURATION.match(text.strip())
    if not match or not any(match.groups()):
        raise PolicyError(f"not a duration: {text!r} (write e.g. 2d, 36h, 1d12h, 90m)")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


@dataclass(frozen=True)
class Verdict:
    """What the policy says about one student's chosen commit."""

    cutoff: dt.datetime  # the latest time a commit may have to be graded
    late: bool  # the graded commit is after the deadline, or later commits were ignored
    days_late: int  # started days after the deadline of the graded commit (0 if on time)
    multiplier: float  # applied to the total


@dataclass(frozen=True)
class Penalty:
    """What lateness can cost under a policy: the multipliers a gradebook row may carry.

    A shard's ``run.json`` records it, so a merge can refuse a row whose
    multiplier no deadline of this policy could have given.
    """

    kind: str = CUTOFF
    per_day: float = 0.0
    max_days: int = 0  # the most started days late a graded commit can be (0 under cutoff)

    def multiplier(self, days_late: int) -> float:
        """The factor on the total of a commit graded ``days_late`` started days late."""
        return max(0.0, 1.0 - self.per_day * days_late) if days_late else 1.0

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "per_day": self.per_day, "max_days": self.max_days}

    @classmethod
    def from_dict(cls, doc: object) -> Penalty:
        """The penalty a ``run.json`` recorded (:class:`PolicyError` when it is malformed)."""
        if not isinstance(doc, dict) or set(doc) != {"kind", "per_day", "max_days"}:
            raise PolicyError(f"not a late penalty: {doc!r}")
        kind, per_day, max_days = doc["kind"], doc["per_day"], doc["max_days"]
        if (
            kind not in (CUTOFF, PENALTY)
            or type(per_day) not in (int, float)
            or not 0.0 <= per_day <= 1.0
            or type(max_days) is not int
            or max_days < 0
            or (kind == CUTOFF and max_days != 0)
        ):
            raise PolicyError(f"not a late penalty: {doc!r}")
        return cls(kind, float(per_day), max_days)


@dataclass(frozen=True)
class LatePolicy:
    """The deadline, the policy and the per-student extensions."""

    deadline: dt.datetime
    kind: str = CUTOFF
    penalty_per_day: float = 0.0
    max_late_days: int = 0
    grace: dt.timedelta = dt.timedelta(0)
    extensions: dict[str, dt.datetime] = field(default_factory=dict)
    take: str = TAKE_LAST

    @classmethod
    def load(cls, deadline: str | dt.datetime, path: Path | None = None) -> LatePolicy:
        """The policy for ``deadline``, read from the TOML file at ``path`` if given."""
        when = parse_time(deadline) if isinstance(deadline, str) else deadline.astimezone(dt.UTC)
        if path is None:
            return cls(when)
        try:
            doc = tomllib.loads(path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise PolicyError(f"cannot read the late policy {path}: {error}") from error
        unknown = set(doc) - {
            "policy",
            "penalty_per_day",
            "max_late_days",
            "grace_minutes",
            "extensions",
            "take",
        }
        if unknown:
            raise PolicyError(f"{path}: unknown keys {sorted(unknown)}")
        kind = str(doc.get("policy", CUTOFF))
        if kind not in (CUTOFF, PENALTY):
            raise PolicyError(f"{path}: policy must be {CUTOFF!r} or {PENALTY!r}, got {kind!r}")
        penalty = float(doc.get("penalty_per_day", 0.0))
        if not 0.0 <= penalty <= 1.0:
            raise PolicyError(f"{path}: penalty_per_day is a fraction in [0, 1], got {penalty}")
        max_days = int(doc.get("max_late_days", 0))
        if max_days < 0:
            raise PolicyError(f"{path}: max_late_days is a number of days >= 0, got {max_days}")
        take = str(doc.get("take", TAKE_LAST))
        if take not in (TAKE_LAST, TAKE_BEST):
            raise PolicyError(f"{path}: take must be {TAKE_LAST!r} or {TAKE_BEST!r}, got {take!r}")
        if take == TAKE_BEST and kind != PENALTY:
            raise PolicyError(
                f"{path}: take = {TAKE_BEST!r} needs policy = {PENALTY!r} (a cutoff grades no late commit)"
            )
        extensions = {}
        for student, value in (doc.get("extensions") or {}).items():
            text = str(value)
            extensions[student] = (
                parse_time(text) if "T" in text or "-" in text else when + parse_duration(text)
            )
        return cls(
            when,
            kind,
            penalty,
            max_days,
            dt.timedelta(minutes=float(doc.get("grace_minutes", 0))),
            extensions,
            take,
        )

    def for_roster(self, students: list[str]) -> LatePolicy:
        """This policy with every extension under the roster's spelling of the name.

        Raises :class:`PolicyError` (naming near misses) for a name the roster does not hold.
        """
        try:
            spelled = roster_spellings(
                list(self.extensions), students, "the late policy's [extensions]"
            )
        except CollectError as error:
            raise PolicyError(str(error)) from None
        return replace(self, extensions={spelled[k]: v for k, v in self.extensions.items()})

    def on_time_until(self, student: str) -> dt.datetime:
        """The latest time a commit is graded without a penalty."""
        return self.deadline_for(student) + self.grace

    def deadline_for(self, student: str) -> dt.datetime:
        """The student's own deadline: the course deadline, or their extension."""
        return self.extensions.get(student, self.deadline)

    def cutoff_for(self, student: str) -> dt.datetime:
        """The latest time a commit may have and still be graded."""
        cutoff = self.on_time_until(student)
        if self.kind == PENALTY:
            cutoff += dt.timedelta(days=self.max_late_days)
        return cutoff

    @property
    def penalty(self) -> Penalty:
        if self.kind != PENALTY:
            return Penalty()
        return Penalty(PENALTY, self.penalty_per_day, self.max_late_days)

    def judge(self, student: str, graded: dt.datetime | None, later_exist: bool) -> Verdict:
        """The verdict for the commit graded at time ``graded`` (None: nothing graded)."""
        cutoff = self.cutoff_for(student)
        on_time_until = self.on_time_until(student)
        if graded is None or graded <= on_time_until:
            return Verdict(cutoff, later_exist, 0, 1.0)
        days = math.ceil((graded - on_time_until) / dt.timedelta(days=1))
        return Verdict(cutoff, True, days, self.penalty.multiplier(days))

    def describe(self) -> str:
        text = f"deadline {self.deadline.isoformat()}, policy {self.kind}"
        if self.kind == PENALTY:
            text += f" ({self.penalty_per_day:g} per started day, up to {self.max_late_days} days)"
        if self.grace:
            text += f", grace {self.grace}"
        if self.take == TAKE_BEST:
            text += ", the better of the last on-time and the last late commit"
        if self.extensions:
            text += f", {len(self.extensions)} extension(s)"
        return text


__all__ = [
    "CUTOFF",
    "PENALTY",
    "TAKE_BEST",
    "TAKE_LAST",
    "LatePolicy",
    "Penalty",
    "PolicyError",
    "Verdict",
    "parse_duration",
    "parse_time",
]
