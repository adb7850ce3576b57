"""The grade on a pull request: job summary, step outputs, the Points notice, one upserted comment.

A pull request carries at most one grader comment, recognised by a hidden
HTML marker (:data:`autograder.reporting.markdown.COMMENT_MARKER`), so ten
pushes leave one comment (updated), not ten. The comment is fitted to
GitHub's size limit and the job summary to the runner's, each cut at a line
with a note saying where the whole report is (the job summary; the results
record for the summary itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TextIO

from autograder.github.actions import (
    MAX_SUMMARY_BYTES,
    ActionsEnv,
    append_summary,
    emit,
    pull_request_number,
    set_output,
)
from autograder.github.client import GitHubClient, GitHubError, repo_path
from autograder.reporting.formats import classroom
from autograder.reporting.markdown import COMMENT_MARKER, fit, markdown
from autograder.reporting.points import format_points

# GitHub rejects bodies over 65,536 characters; counted in UTF-8 bytes, which
# are never fewer than characters however GitHub counts them
MAX_COMMENT_BYTES = 65_000
IN_THE_SUMMARY = "the whole report is in the job summary of the workflow run"
IN_THE_RECORD = "the whole report is in the results record of the workflow run"


def upsert_comment(
    client: GitHubClient, repo: str, number: int, body: str, marker: str
) -> tuple[str, dict[str, Any]]:
    """Create or update the one comment on PR/issue ``number`` that contains ``marker``.

    Returns ``("created" | "updated" | "unchanged", comment)``. If several
    marked comments exist (e.g. two runs raced), the oldest is updated and
    the others are left alone: deleting is not this tool's business.
    """
    if marker not in body:
        body = f"{marker}\n{body}"
    if len(body.encode("utf-8")) > MAX_COMMENT_BYTES:  # a last resort: reports come fitted
        body = fit([], body.splitlines(), [], MAX_COMMENT_BYTES, IN_THE_SUMMARY)
    for comment in client.issue_comments(repo, number):
        if marker in (comment.get("body") or ""):
            if comment.get("body") == body:
                return "unchanged", comment
            updated = client.patch(
                f"/repos/{repo_path(repo)}/issues/comments/{int(comment['id'])}", {"body": body}
            )
            return "updated", updated
    created = client.post(f"/repos/{repo_path(repo)}/issues/{int(number)}/comments", {"body": body})
    return "created", created


def report_to_github(
    record: dict[str, Any],
    env: Mapping[str, str],
    stdout: TextIO,
    *,
    client_factory: Callable[[str, str], Any] | None = None,
) -> list[str]:
    """Job summary, step outputs, the Points notice and the PR comment; returns what happened to comments."""
    actions = ActionsEnv.from_env(env)
    append_summary(
        actions, markdown(record, limit=MAX_SUMMARY_BYTES - 1024, elsewhere=IN_THE_RECORD)
    )
    runner = classroom.runner_result(record)
    for name, value in (
        ("result", classroom.encode(runner)),
        ("score", format_points(float(record.get("score", 0.0)))),
        ("max-score", format_points(float(record.get("max_score", 0.0)))),
        (
            "points",
            f"{format_points(float(record.get('score', 0.0)))}/{format_points(float(record.get('max_score', 0.0)))}",
        ),
        ("status", str(record.get("status"))),
    ):
        set_output(actions, name, value)
    if record.get("status") == "graded":
        emit(stdout, "notice", classroom.points_line(runner), title="Autograding complete")
    else:
        emit(
            stdout,
            "error",
            f"the grader could not grade this submission: {record.get('error') or 'internal error'}",
            title="Autograder",
        )

    done: list[str] = []
    if not actions.repository:
        return done
    if not actions.token:
        emit(
            stdout,
            "notice",
            "no GITHUB_TOKEN in the environment: the pull-request comment was skipped",
        )
        return done
    make = client_factory or (lambda token, url: GitHubClient(token, url))
    client = make(actions.token, actions.api_url)
    link = f"\n<sub>[workflow run]({actions.run_url})</sub>\n" if actions.run_url else ""
    limit = MAX_COMMENT_BYTES - len(link.encode("utf-8"))
    body = markdown(record, marker=True, limit=limit, elsewhere=IN_THE_SUMMARY) + link
    try:
        number = pull_request_number(actions, actions.event())
        if number is not None:
            numbers = [number]
        elif actions.event_name == "push" and actions.ref_name:
            numbers = client.open_pull_requests(actions.repository, actions.ref_name)
        else:
            numbers = []
    except (GitHubError, ValueError) as error:
        emit(stdout, "warning", f"could not look up the pull request to comment on: {error}")
        return done
    for number in numbers:
        try:
            action, _ = upsert_comment(client, actions.repository, number, body, COMMENT_MARKER)
        except GitHubError as error:
            hint = (
                " (a pull request from a fork gets a read-only token)"
                if error.status == 403
                else ""
            )
            emit(stdout, "warning", f"could not comment on pull request #{number}: {error}{hint}")
            continue
        done.append(f"#{number} {action}")
        print(f"pull request #{number}: grade comment {action}", file=stdout, flush=True)
    return done
