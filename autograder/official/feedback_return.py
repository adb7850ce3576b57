"""``return``: each student's official feedback, posted as one comment on their Feedback pull request.

The regrade writes ``grades/weekNN/feedback/<student>.md``. ``return`` posts
each as one comment on the student's Feedback pull request (``main`` ->
``feedback``, made by ``distribute``), recognised by a hidden marker naming
the week and the student, so a second run updates it in place (or leaves
it, when the text is the same) instead of adding another: the same upsert
as the grade workflow's practice comment. When the repository has no open
Feedback pull request (the student closed or merged it), the feedback goes
to an issue, opened once and updated in place after.

Before anything is posted, every file of the feedback folder is scanned for
hidden material with the release gate's leak scan
(:func:`autograder.instructor.gate.week_secrets`,
:func:`autograder.instructor.leaks.scan_tree`): hidden reference values,
hidden-spec and solution lines. One finding refuses the whole return,
naming the file.

Statuses: ``posted`` (a new comment or issue), ``updated``, ``unchanged``,
``failed: <reason>``.
"""

from __future__ import annotations

from pathlib import Path

from autograder.course import CourseError, WeekPaths
from autograder.github.client import GitHubClient, GitHubError, RateLimited
from autograder.github.pull_request import MAX_COMMENT_BYTES, upsert_comment
from autograder.instructor import gate, leaks
from autograder.official import github_endpoints as api
from autograder.official.distribution import DEFAULT_BRANCH, FEEDBACK_BRANCH
from autograder.official.naming import Assignee
from autograder.official.outcomes import Changes, Outcome, failure, github_refusal
from autograder.scoring import references

FEEDBACK = "feedback"


def marker(week: str, student: str) -> str:
    """The hidden line that identifies a student's official feedback of a week."""
    return f"<!-- ml-course-autograder:official-feedback {week} {student.lower()} -->"


def feedback_files(grades: Path) -> Path:
    folder = grades / FEEDBACK
    if not folder.is_dir():
        raise CourseError(f"{folder} does not exist: run the regrade first (it writes feedback/)")
    return folder


def leaks_in(paths: WeekPaths, folder: Path) -> list[leaks.Leak]:
    """Hidden material in any file under ``folder`` (the release gate's scan and secrets)."""
    if paths.private_dir is None:
        raise CourseError(
            f"scanning the feedback for hidden material needs solutions/{paths.name}, which is not here"
        )
    hidden = references.load(paths.hidden_references, references.HIDDEN)
    secrets = gate.week_secrets(paths, hidden, paths.public_dir)  # public references: public text
    return leaks.scan_tree(folder, secrets)


def body_of(week: str, student: str, text: str) -> str | None:
    """The comment's body, or None when it is longer than GitHub takes."""
    body = f"{marker(week, student)}\n{text.rstrip()}\n"
    return body if len(body.encode("utf-8")) <= MAX_COMMENT_BYTES else None


def return_feedback(
    client: GitHubClient,
    org: str,
    prefix: str,
    week: str,
    folder: Path,
    assignees: list[Assignee],
    *,
    me: str,
    dry_run: bool = False,
) -> list[Outcome]:
    """Post (or update) every roster student's feedback; one row per student."""
    outcomes: list[Outcome] = []
    stopped: RateLimited | None = None
    for assignee in assignees:
        full = f"{org}/{assignee.repository(prefix)}"
        number: int | None = None
        looked = False
        for member in assignee.members:
            student = member.student
            if stopped is not None:
                outcomes.append(github_refusal(full, student, stopped))
                continue
            path = folder / f"{student}.md"
            if not path.is_file():
                outcomes.append(failure(full, student, f"no feedback file {path}", bad_input=True))
                continue
            body = body_of(week, student, path.read_text(encoding="utf-8"))
            if body is None:
                reason = (
                    f"{path} is over {MAX_COMMENT_BYTES} bytes, more than a GitHub comment takes"
                )
                outcomes.append(failure(full, student, reason, bad_input=True))
                continue
            try:
                if not looked:
                    number, looked = _feedback_pull_request(client, full), True
                outcomes.append(
                    _post(client, full, number, week, student, body, me=me, dry_run=dry_run)
                )
            except GitHubError as error:
                outcomes.append(github_refusal(full, student, error))
                if isinstance(error, RateLimited):
                    stopped = error
    return outcomes


def _feedback_pull_request(client: GitHubClient, full: str) -> int | None:
    """The number of the open Feedback pull request, or None (404 when there is no repository)."""
    if api.repository(client, full) is None:
        raise GitHubError("GET", f"/repos/{full}", 404, "Not Found")
    pulls = api.pull_requests(client, full, DEFAULT_BRANCH, FEEDBACK_BRANCH, state="open")
    return int(pulls[0]["number"]) if pulls else None


def _post(
    client: GitHubClient,
    full: str,
    number: int | None,
    week: str,
    student: str,
    body: str,
    *,
    me: str,
    dry_run: bool,
) -> Outcome:
    mark = marker(week, student)
    changes = Changes(dry_run)
    if number is not None:
        where = f"pull request #{number}"
        if dry_run:
            old = next(
                (c for c in client.issue_comments(full, number) if mark in (c.get("body") or "")),
                None,
            )
            action = (
                "unchanged"
                if old and old.get("body") == body
                else ("updated" if old else "created")
            )
        else:
            action, _ = upsert_comment(client, full, number, body, mark)
        if action != "unchanged":
            verb = "comment on" if action == "created" else "update the comment on"
            changes.record(f"{verb} {where}")
        return Outcome(full, student, _status(action), changes.made)
    issue = next(
        (i for i in api.issues_opened_by(client, full, me) if mark in (i.get("body") or "")), None
    )
    if issue is not None and issue.get("body") == body:
        seen = [f"issue #{issue['number']}: no open Feedback pull request"]
        return Outcome(full, student, "unchanged", notes=seen)
    if issue is not None:
        changes.make(
            f"update issue #{issue['number']} (no open Feedback pull request)",
            lambda: api.edit_issue(client, full, int(issue["number"]), body=body),
        )
        return Outcome(full, student, "updated", changes.made)
    opened = changes.make(
        "open an issue (no open Feedback pull request)",
        lambda: api.open_issue(client, full, f"{week}: official feedback for {student}", body),
    )
    if opened is not None:
        changes.made[-1] = f"open issue #{opened['number']} (no open Feedback pull request)"
    return Outcome(full, student, "posted", changes.made)


def _status(action: str) -> str:
    return {"created": "posted", "updated": "updated"}.get(action, "unchanged")


__all__ = ["feedback_files", "leaks_in", "marker", "return_feedback"]
