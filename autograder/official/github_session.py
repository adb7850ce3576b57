"""The lifecycle verbs' connection to GitHub, and the checks each makes before it changes anything.

The token comes from ``GITHUB_TOKEN`` (or ``GH_TOKEN``), the API root from
``GITHUB_API_URL`` (default ``https://api.github.com``; a local server in
the tests and the demo). Before a verb touches a single repository it
checks, and refuses with a clear :class:`~autograder.course.CourseError`
(exit code 2, nothing done), that:

* the token is valid, and has the OAuth scopes the verb needs, named when
  missing (a classic token says its scopes in ``X-OAuth-Scopes``; a
  fine-grained one does not, and is then judged by its answers);
* the organisation exists, suggesting the closest of the user's own
  organisations when it is misspelt;
* (``distribute``, ``sync``) the template repository exists and is marked
  as a template.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from typing import Any

from autograder.course import CourseError
from autograder.github.client import DEFAULT_API_URL, GitHubClient, GitHubError, Identity
from autograder.github.rate_limits import Wait

DEFAULT_PACE = 1.0  # seconds between writes, as GitHub asks of tools that make many


def environment_token() -> str:
    """``GITHUB_TOKEN`` (or ``GH_TOKEN``); refuses when neither is set."""
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        raise CourseError("set GITHUB_TOKEN to a token of a course organisation owner")
    return token


def connect(pace: float = DEFAULT_PACE, token: str | None = None) -> GitHubClient:
    """A client with ``token`` (default: the environment's); rate-limit waits are said on stderr."""
    token = token or environment_token()

    def say(wait: Wait) -> None:
        print(f"GitHub {wait.reason}: waiting {wait.seconds:.0f} s", file=sys.stderr, flush=True)

    api = os.environ.get("GITHUB_API_URL", DEFAULT_API_URL)
    return GitHubClient(token, api, pace=pace, on_wait=say)


def check_token(client: GitHubClient, needs: Iterable[str], verb: str) -> Identity:
    """Who the token is; refuses a bad token, or a classic one without the scopes ``verb`` needs."""
    try:
        identity = client.identity()
    except GitHubError as error:
        if error.status == 401:
            raise CourseError(
                "GitHub refused the token (Bad credentials): check GITHUB_TOKEN"
            ) from None
        raise CourseError(f"cannot reach GitHub at {client.api_url}: {error}") from None
    missing = sorted(set(needs) - (identity.scopes or set()))
    if identity.scopes is not None and missing:
        has = ", ".join(sorted(identity.scopes)) or "none"
        raise CourseError(
            f"the token of {identity.login} lacks the scope(s) {verb} needs: {', '.join(missing)} "
            f"(it has: {has}); make a token with {', '.join(sorted(needs))}"
        )
    return identity


def check_organisation(client: GitHubClient, org: str) -> dict[str, Any]:
    """The organisation ``org``; refuses an unknown one, naming the closest the user belongs to."""
    try:
        return dict(client.get(f"/orgs/{_quoted(org)}"))
    except GitHubError as error:
        if error.status != 404:
            raise CourseError(f"cannot read the organisation {org}: {error}") from None
    try:
        own = [str(o.get("login", "")) for o in client.paginate("/user/orgs")]
    except GitHubError:
        own = []
    close = difflib.get_close_matches(org, own, n=1, cutoff=0.6) or difflib.get_close_matches(
        org.lower(), [o.lower() for o in own], n=1, cutoff=0.6
    )
    hint = f": did you mean {close[0]}?" if close else ""
    raise CourseError(f"there is no GitHub organisation {org!r} that this token can see{hint}")


def check_template(client: GitHubClient, full_name: str) -> dict[str, Any]:
    """The template repository; refuses one that is missing or not marked as a template."""
    try:
        repo = dict(client.get(f"/repos/{full_name}"))
    except GitHubError as error:
        if error.status == 404:
            raise CourseError(
                f"the template repository {full_name} does not exist (or the token cannot see it): "
                "publish the week first (`nox -s publish -- WEEK OUT --github ORG/NAME`)"
            ) from None
        raise CourseError(f"cannot read the template {full_name}: {error}") from None
    if not repo.get("is_template"):
        raise CourseError(
            f"{full_name} is not a template repository: mark it as one (Settings -> Template "
            "repository), or publish with --github, which does"
        )
    return repo


def _quoted(part: str) -> str:
    from urllib.parse import quote

    return quote(part, safe="")


__all__ = [
    "DEFAULT_PACE",
    "check_organisation",
    "check_template",
    "check_token",
    "connect",
    "environment_token",
]
