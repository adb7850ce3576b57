"""``lock`` / ``unlock``: a student's access to their repository, read-only after their cutoff and back.

``lock`` sets a collaborator's permission to *read* once their own cutoff
has passed: their deadline (an extension from the late policy included),
plus the policy's grace, plus ``max_late_days`` under the ``penalty`` policy
(late work it still accepts must still be pushable). Whether it has passed
is judged by GitHub's clock (the ``Date`` of its answer), the clock that
stamps the pushes the regrade reads. Students whose cutoff is still ahead
stay open; run ``lock`` again later (it is idempotent), for example from a
scheduled workflow.

The grade of record still comes from push times; locking only stops the
confusion of work pushed after the deadline. ``unlock`` gives write access
back. A pending invitation is changed the same way, so a student who
accepts late gets the right permission.

Statuses: ``locked``, ``open until <time>``, ``unlocked``, ``failed: <reason>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from autograder.github.client import GitHubClient, GitHubError, RateLimited
from autograder.official import github_endpoints as api
from autograder.official.late_policy import LatePolicy
from autograder.official.naming import Assignee
from autograder.official.outcomes import Changes, Outcome, failure, github_refusal

# the collaborator API's names, and the invitation API's for the same levels
LOCKED = ("pull", "read")
OPEN = ("push", "write")


def set_access(
    client: GitHubClient,
    org: str,
    prefix: str,
    assignees: list[Assignee],
    *,
    lock: bool,
    policy: LatePolicy | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> list[Outcome]:
    """Lock (``lock=True``, each after their cutoff under ``policy`` at ``now``) or unlock every member."""
    outcomes: list[Outcome] = []
    stopped: RateLimited | None = None
    for assignee in assignees:
        full = f"{org}/{assignee.repository(prefix)}"
        pending: list[dict[str, Any]] | None = None
        for member in assignee.members:
            student = member.student
            if stopped is not None:
                outcomes.append(github_refusal(full, student, stopped))
                continue
            if lock and policy is not None and now is not None:
                cutoff = policy.cutoff_for(student)
                if now < cutoff:
                    outcomes.append(Outcome(full, student, f"open until {cutoff.isoformat()}"))
                    continue
            try:
                outcome, pending = _set_one(client, full, student, lock, pending, dry_run)
            except GitHubError as error:
                outcomes.append(github_refusal(full, student, error))
                if isinstance(error, RateLimited):
                    stopped = error
                continue
            outcomes.append(outcome)
    return outcomes


def _set_one(
    client: GitHubClient,
    full: str,
    student: str,
    lock: bool,
    pending: list[dict[str, Any]] | None,
    dry_run: bool,
) -> tuple[Outcome, list[dict[str, Any]] | None]:
    collaborator, invitation = LOCKED if lock else OPEN
    done = "locked" if lock else "unlocked"
    changes = Changes(dry_run)
    level = api.permission(client, full, student)
    if level != "none":  # a collaborator (a pending invitee has no permission yet)
        if level in ("admin", "maintain"):
            return failure(
                full, student, f"has {level} access: left alone", bad_input=True
            ), pending
        if level != invitation:
            changes.make(
                f"set {invitation} (was {level})",
                lambda: api.add_collaborator(client, full, student, collaborator),
            )
        return Outcome(full, student, done, changes.made), pending
    pending = api.invitations(client, full) if pending is None else pending
    found = api.pending_invitation(pending, student)
    if found is None:
        why = "neither a collaborator nor invited (run distribute)"
        return failure(full, student, why, bad_input=True), pending
    if found["permissions"] != invitation:
        changes.make(
            f"set the pending invitation to {invitation}",
            lambda: api.set_invitation_permission(client, full, int(found["id"]), invitation),
        )
    return Outcome(full, student, done, changes.made), pending


__all__ = ["set_access"]
