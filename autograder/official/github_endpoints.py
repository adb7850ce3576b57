"""The GitHub REST calls of the lifecycle verbs, one small function each.

``repo`` is always ``owner/name``. A function that looks something up
returns ``None`` (or ``False``) for GitHub's 404, and lets every other
:class:`~autograder.github.client.GitHubError` through. Paths are quoted by
:func:`autograder.github.client.repo_path`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from autograder.github.client import GitHubClient, GitHubError, Response, repo_path

CONTENT_WAIT = 90.0  # seconds GitHub may take to fill a repository generated from a template


def _q(part: str) -> str:
    return quote(part, safe="")


def _or_none(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except GitHubError as error:
        if error.status == 404:
            return None
        raise


# -- users and repositories ---------------------------------------------------------
def user_exists(client: GitHubClient, login: str) -> bool:
    return _or_none(lambda: client.get(f"/users/{_q(login)}")) is not None


def repository(client: GitHubClient, repo: str) -> dict[str, Any] | None:
    return _or_none(lambda: client.get(f"/repos/{repo_path(repo)}"))


def generate(
    client: GitHubClient, template: str, owner: str, name: str, description: str
) -> dict[str, Any]:
    """``POST /repos/T/generate``: a private repository holding the template's default branch."""
    body = {
        "owner": owner,
        "name": name,
        "description": description,
        "private": True,
        "include_all_branches": False,
    }
    return dict(client.post(f"/repos/{repo_path(template)}/generate", body))


def generated_from(repo: dict[str, Any]) -> str:
    """The full name of the template a repository was generated from ("" if none)."""
    template = repo.get("template_repository") or {}
    return str(template.get("full_name") or "")


# -- branches and commits -----------------------------------------------------------
def branch_head(client: GitHubClient, repo: str, branch: str) -> str | None:
    """The commit ``branch`` points at (None: no such branch; 409 raised for an empty repository)."""
    ref = _or_none(lambda: client.get(f"/repos/{repo_path(repo)}/git/ref/heads/{_q(branch)}"))
    return None if ref is None else str(ref["object"]["sha"])


def wait_for_content(
    client: GitHubClient,
    repo: str,
    branch: str = "main",
    *,
    sleep: Callable[[float], None] = time.sleep,
    timeout: float = CONTENT_WAIT,
) -> str:
    """``branch``'s commit once GitHub has filled a just-generated repository (it answers 409 or 404 until then)."""
    waited, delay = 0.0, 0.25
    while True:
        try:
            sha = branch_head(client, repo, branch)
        except GitHubError as error:
            if error.status != 409:
                raise
            sha = None
        if sha is not None:
            return sha
        if waited >= timeout:
            raise GitHubError(
                "GET",
                f"/repos/{repo}/git/ref/heads/{branch}",
                409,
                f"the repository is still empty after {timeout:.0f} s",
            )
        sleep(delay)
        waited, delay = waited + delay, min(delay * 2, 5.0)


def tree_of(client: GitHubClient, repo: str, commit: str) -> str:
    return str(client.get(f"/repos/{repo_path(repo)}/git/commits/{_q(commit)}")["tree"]["sha"])


def root_commit(client: GitHubClient, repo: str, branch: str) -> str:
    """The first commit of ``branch`` (the last one the commit list reaches)."""
    last = None
    for commit in client.paginate(f"/repos/{repo_path(repo)}/commits", {"sha": branch}):
        last = commit
    if last is None:
        raise GitHubError("GET", f"/repos/{repo}/commits", 409, f"{branch} has no commits")
    return str(last["sha"])


def create_branch(client: GitHubClient, repo: str, branch: str, sha: str) -> None:
    client.post(f"/repos/{repo_path(repo)}/git/refs", {"ref": f"refs/heads/{branch}", "sha": sha})


def create_commit(
    client: GitHubClient, repo: str, message: str, tree: str, parents: list[str]
) -> str:
    body = {"message": message, "tree": tree, "parents": parents}
    return str(client.post(f"/repos/{repo_path(repo)}/git/commits", body)["sha"])


def move_branch(client: GitHubClient, repo: str, branch: str, sha: str) -> None:
    """Fast-forward ``branch`` to ``sha`` (GitHub refuses anything else)."""
    client.patch(
        f"/repos/{repo_path(repo)}/git/refs/heads/{_q(branch)}", {"sha": sha, "force": False}
    )


# -- pull requests and issues -------------------------------------------------------
def pull_requests(
    client: GitHubClient, repo: str, head: str, base: str, state: str = "all"
) -> list[dict[str, Any]]:
    """Pull requests of ``repo`` from its branch ``head`` into ``base``, newest first."""
    owner = repo.partition("/")[0]
    params = {"state": state, "head": f"{owner}:{head}", "base": base}
    rows = list(client.paginate(f"/repos/{repo_path(repo)}/pulls", params))
    return sorted(rows, key=lambda pr: -int(pr["number"]))


def open_pull_request(
    client: GitHubClient, repo: str, head: str, base: str, title: str, body: str
) -> dict[str, Any]:
    payload = {"title": title, "head": head, "base": base, "body": body}
    return dict(client.post(f"/repos/{repo_path(repo)}/pulls", payload))


def issues_opened_by(client: GitHubClient, repo: str, login: str) -> list[dict[str, Any]]:
    """Issues (not pull requests) of ``repo`` that ``login`` opened, any state."""
    rows = client.paginate(f"/repos/{repo_path(repo)}/issues", {"state": "all", "creator": login})
    return [issue for issue in rows if "pull_request" not in issue]


def open_issue(client: GitHubClient, repo: str, title: str, body: str) -> dict[str, Any]:
    return dict(client.post(f"/repos/{repo_path(repo)}/issues", {"title": title, "body": body}))


def edit_issue(client: GitHubClient, repo: str, number: int, **fields: str) -> dict[str, Any]:
    return dict(client.patch(f"/repos/{repo_path(repo)}/issues/{int(number)}", fields))


# -- collaborators and invitations --------------------------------------------------
def is_collaborator(client: GitHubClient, repo: str, login: str) -> bool:
    """Whether ``login`` has accepted an invitation (or is an organisation member with access)."""
    path = f"/repos/{repo_path(repo)}/collaborators/{_q(login)}"
    return _or_none(lambda: client.request("GET", path)) is not None


def permission(client: GitHubClient, repo: str, login: str) -> str:
    """``admin``, ``maintain``, ``write``, ``triage``, ``read`` or ``none`` (the role name)."""
    path = f"/repos/{repo_path(repo)}/collaborators/{_q(login)}/permission"
    answer = client.get(path)
    return str(answer.get("role_name") or answer.get("permission") or "none")


def invitations(client: GitHubClient, repo: str) -> list[dict[str, Any]]:
    return list(client.paginate(f"/repos/{repo_path(repo)}/invitations"))


def pending_invitation(pending: list[dict[str, Any]], login: str) -> dict[str, Any] | None:
    return next((i for i in pending if str(i["invitee"]["login"]).lower() == login.lower()), None)


def add_collaborator(client: GitHubClient, repo: str, login: str, permission: str) -> Response:
    """``PUT .../collaborators/LOGIN``: 201 with a new invitation, or 204 when the permission was set."""
    path = f"/repos/{repo_path(repo)}/collaborators/{_q(login)}"
    return client.put(path, {"permission": permission})


def set_invitation_permission(
    client: GitHubClient, repo: str, invitation: int, permissions: str
) -> None:
    path = f"/repos/{repo_path(repo)}/invitations/{int(invitation)}"
    client.patch(path, {"permissions": permissions})


__all__ = [
    "add_collaborator",
    "branch_head",
    "create_branch",
    "create_commit",
    "edit_issue",
    "generate",
    "generated_from",
    "invitations",
    "is_collaborator",
    "issues_opened_by",
    "move_branch",
    "open_issue",
    "open_pull_request",
    "pending_invitation",
    "permission",
    "pull_requests",
    "repository",
    "root_commit",
    "set_invitation_permission",
    "tree_of",
    "user_exists",
    "wait_for_content",
]
