"""``distribute``: every roster student (or team) gets a private repository and its Feedback pull request.

For each repository ``ORG/<prefix><owner>`` (the naming rule of
:mod:`autograder.official.naming`; a team's repository is shared by its members):

1. generate it from the week's template repository (GitHub's "generate from
   template" call, ``private: true``) unless it exists. One that exists but
   was not generated from this template is reported and left alone;
2. the Feedback pull request: a ``feedback`` branch at the repository's first
   commit (the template's files), an empty commit on ``main`` ("Set up the
   Feedback pull request", so that the two branches differ, as GitHub needs),
   and the pull request ``main`` -> ``feedback``. The grade workflow comments
   on it from the first push, and ``return`` posts the official feedback there;
3. invite each member as a collaborator with write access, unless they are
   one (accepted) or have a pending invitation.

Every step looks before it acts, so a second run creates only what is
missing and changes nothing when nothing is; no step deletes, rewrites or
force-pushes anything. A login that does not exist on GitHub fails its row
only (its repository is not created when it would be nobody's).

Statuses per student: ``created`` (the repository was created by this run),
``invited`` (the invitation is pending), ``accepted`` (a collaborator),
``exists`` (the repository existed and the student has access without an
invitation, e.g. as an organisation member), ``failed: <reason>``.

API calls: about 10 per new solo repository (one more per extra team
member), 4 per repository on a run that finds everything in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograder.github.client import GitHubClient, GitHubError, RateLimited, Response
from autograder.official import github_endpoints as api
from autograder.official.naming import Assignee
from autograder.official.outcomes import Changes, Outcome, failure, github_refusal

FEEDBACK_BRANCH = "feedback"
DEFAULT_BRANCH = "main"
SETUP_MESSAGE = "Set up the Feedback pull request"
PULL_TITLE = "Feedback"
PULL_BODY = """This is your **Feedback pull request**. Please do not merge or close it.

* Every push to `main` is graded by the workflow in `.github/workflows/grade.yml`
  with the public tests: one comment here (updated on each push) shows that
  practice grade.
* After the deadline your course staff post the **official feedback** here: the
  grade of the last commit you pushed before the deadline, with the hidden tests.

The pull request shows everything you changed since the assignment was handed out.
"""
WRITE = "push"  # the collaborator API's name for write access

Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class Assignment:
    """Where a week goes: the organisation, the template to generate from, the name prefix."""

    org: str
    template: str  # owner/name
    prefix: str
    week: str


def distribute(
    client: GitHubClient,
    assignment: Assignment,
    assignees: list[Assignee],
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Create what is missing for every assignee (see the module docstring); one row per student."""
    outcomes: list[Outcome] = []
    for index, assignee in enumerate(assignees):
        try:
            rows = distribute_one(client, assignment, assignee, dry_run=dry_run)
        except RateLimited as error:  # stop: the next (idempotent) run does the rest
            outcomes += [
                github_refusal(_full(assignment, rest), member.student, error)
                for rest in assignees[index:]
                for member in rest.members
            ]
            return outcomes
        outcomes.extend(rows)
        if progress is not None:
            progress(assignee.owner, "; ".join(sorted({r.status for r in rows})))
    return outcomes


def _full(assignment: Assignment, assignee: Assignee) -> str:
    return f"{assignment.org}/{assignee.repository(assignment.prefix)}"


def distribute_one(
    client: GitHubClient, assignment: Assignment, assignee: Assignee, *, dry_run: bool = False
) -> list[Outcome]:
    """One repository and its members' rows (the repository's own changes on the first row)."""
    full = _full(assignment, assignee)
    changes = Changes(dry_run)
    unknown: set[str] = set()
    try:
        existing = api.repository(client, full)
        if (
            existing is not None
            and api.generated_from(existing).lower() != assignment.template.lower()
        ):
            why = (
                f"{full} exists but was not generated from {assignment.template} "
                f"(its template: {api.generated_from(existing) or 'none'}): left alone"
            )
            return [failure(full, m.student, why, bad_input=True) for m in assignee.members]
        if existing is None:
            unknown = {
                m.student for m in assignee.members if not api.user_exists(client, m.student)
            }
            if len(unknown) == len(assignee.members):
                return [
                    failure(
                        full,
                        m.student,
                        f"no GitHub user {m.student!r}: repository not created",
                        bad_input=True,
                    )
                    for m in assignee.members
                ]
            changes.make("create the repository", lambda: _generate(client, assignment, assignee))
        _feedback_pull_request(client, full, changes, new=existing is None)
    except RateLimited:
        raise
    except GitHubError as error:
        return [failure(full, m.student, _reason(error)) for m in assignee.members]
    outcomes = []
    pending: list[dict[str, Any]] | None = None
    for member in assignee.members:
        student = member.student
        if student in unknown:
            outcomes.append(failure(full, student, f"no GitHub user {student!r}", bad_input=True))
            continue
        invite = Changes(dry_run)
        try:
            if existing is None:
                _invite(client, full, student, invite)
                status = "created"
            elif api.is_collaborator(client, full, student):
                status = "accepted"
            else:
                pending = api.invitations(client, full) if pending is None else pending
                if api.pending_invitation(pending, student) is not None:
                    status = "invited"
                elif not api.user_exists(client, student):
                    outcomes.append(
                        failure(full, student, f"no GitHub user {student!r}", bad_input=True)
                    )
                    continue
                else:
                    answer = _invite(client, full, student, invite)
                    status = "exists" if answer is not None and answer.status == 204 else "invited"
        except RateLimited:
            raise
        except GitHubError as error:
            outcomes.append(failure(full, student, _reason(error)))
            continue
        outcomes.append(Outcome(full, student, status, invite.made))
    if outcomes:
        outcomes[0].changes[:0] = changes.made
        outcomes[0].notes += changes.notes
    return outcomes


def _invite(client: GitHubClient, full: str, student: str, changes: Changes) -> Response | None:
    return changes.make(
        f"invite {student}", lambda: api.add_collaborator(client, full, student, WRITE)
    )


def _generate(client: GitHubClient, assignment: Assignment, assignee: Assignee) -> None:
    who = ", ".join(m.student for m in assignee.members)
    api.generate(
        client,
        assignment.template,
        assignment.org,
        assignee.repository(assignment.prefix),
        f"{assignment.week} for {who}",
    )


def _feedback_pull_request(client: GitHubClient, full: str, changes: Changes, *, new: bool) -> None:
    """The ``feedback`` branch at the first commit and the pull request ``main`` -> ``feedback``."""
    if new and changes.dry_run:
        for step in (
            f"create branch {FEEDBACK_BRANCH}",
            "commit the setup",
            "open the Feedback pull request",
        ):
            changes.make(step, lambda: None)
        return
    if new:  # main holds the generated commit only: it is the first commit
        first = api.wait_for_content(client, full, DEFAULT_BRANCH)
        _create_feedback_branch(client, full, changes, first)
        _open_pull_request(client, full, changes, head=first, base=first)
        return
    base = api.branch_head(client, full, FEEDBACK_BRANCH)
    if base is None:
        base = api.root_commit(client, full, DEFAULT_BRANCH)
        _create_feedback_branch(client, full, changes, base)
    pulls = api.pull_requests(client, full, DEFAULT_BRANCH, FEEDBACK_BRANCH)
    if any(p.get("state") == "open" for p in pulls):
        return
    if pulls:  # closed by someone: say so, never reopen behind their back
        changes.note(f"the Feedback pull request #{pulls[0]['number']} is closed")
        return
    head = api.branch_head(client, full, DEFAULT_BRANCH)
    if head is None:
        raise GitHubError("GET", f"/repos/{full}/git/ref/heads/main", 404, "main is missing")
    _open_pull_request(client, full, changes, head=head, base=base)


def _create_feedback_branch(client: GitHubClient, full: str, changes: Changes, at: str) -> None:
    changes.make(
        f"create branch {FEEDBACK_BRANCH}",
        lambda: api.create_branch(client, full, FEEDBACK_BRANCH, at),
    )


def _open_pull_request(
    client: GitHubClient, full: str, changes: Changes, *, head: str, base: str
) -> None:
    """Open main -> feedback, first giving main an empty commit if the two are equal (GitHub refuses those)."""
    if changes.dry_run:
        if head == base:
            changes.make("commit the setup", lambda: None)
        changes.make("open the Feedback pull request", lambda: None)
        return
    if head == base:
        tree = api.tree_of(client, full, head)
        commit = api.create_commit(client, full, SETUP_MESSAGE, tree, [head])
        changes.make(
            "commit the setup", lambda: api.move_branch(client, full, DEFAULT_BRANCH, commit)
        )
    pull = api.open_pull_request(
        client, full, DEFAULT_BRANCH, FEEDBACK_BRANCH, PULL_TITLE, PULL_BODY
    )
    changes.record(f"open the Feedback pull request #{pull['number']}")


def _reason(error: GitHubError) -> str:
    where = f"HTTP {error.status}" if error.status is not None else "no response"
    return f"GitHub said {where}: {error.message} ({error.method} {error.path})"


__all__ = [
    "DEFAULT_BRANCH",
    "FEEDBACK_BRANCH",
    "PULL_BODY",
    "PULL_TITLE",
    "Assignment",
    "distribute",
    "distribute_one",
]
