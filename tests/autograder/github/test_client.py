"""The REST client and the one-comment upsert, against the local GitHub (a real HTTP server on 127.0.0.1).

Pagination, errors that never show the token, and GitHub's rate limits:
the secondary limit's ``Retry-After`` and the primary limit's
``X-RateLimit-Remaining``/``X-RateLimit-Reset`` are waited out, never run into.
:class:`FakeGitHub` (the name it had when it was a stand-in) is the local
GitHub with one student repository; the report and workflow tests use it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.github import rate_limits
from autograder.github.client import GitHubClient, GitHubError, RateLimited
from autograder.github.pull_request import upsert_comment
from autograder.instructor.local_github import LocalGitHub

TOKEN = "ghs_test-token-never-logged"
MARKER = "<!-- ml-course-autograder:report -->"
REPO = "ml-2026/week01-alice"


class FakeGitHub:
    """The local GitHub holding one student repository, ``ml-2026/week01-alice``, with issues #1-#7.

    What the report tests use of it: comments on issues and pull requests, the
    requests made, a token (``TOKEN``) that may become read-only like a fork's.
    """

    def __init__(self, *, page_size: int = 2) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="local-github-"))
        self.hub = LocalGitHub(self._root, page_size=page_size)
        self.token = self.hub.add_user("teacher", token=TOKEN)
        self.hub.add_organisation("ml-2026", owners=("teacher",))
        self.hub.create_repository("ml-2026", "week01-alice")
        for number in range(1, 8):
            self.hub.add_issue(REPO, f"issue {number}")
        self.url = self.hub.api_url

    def __enter__(self) -> FakeGitHub:
        self.hub.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.hub.__exit__(*exc)
        shutil.rmtree(self._root, ignore_errors=True)

    @property
    def requests(self) -> list[tuple[str, str]]:
        return self.hub.requests

    @property
    def comments(self) -> dict[int, list[dict[str, Any]]]:
        found: dict[int, list[dict[str, Any]]] = {}
        for comment in self.hub.repository(REPO).comments:
            found.setdefault(comment.issue, []).append({"id": comment.id, "body": comment.body})
        return found

    def all_comments(self, number: int) -> list[dict[str, Any]]:
        return self.comments.get(number, [])

    def add_comment(self, number: int, body: str) -> None:
        self.hub.add_comment(REPO, number, body)

    def add_pull_request(self, number: int, head: str, state: str = "open") -> None:
        issue = self.hub.repository(REPO).issues[number]
        issue.head, issue.base, issue.state = head, "feedback", state

    @property
    def fail_writes(self) -> bool:
        return self.hub.tokens[TOKEN].read_only

    @fail_writes.setter
    def fail_writes(self, read_only: bool) -> None:
        """A read-only token: writes get 403, as from a pull request of a fork."""
        self.hub.tokens[TOKEN].read_only = read_only

    def client(self, **options: Any) -> GitHubClient:
        return GitHubClient(TOKEN, self.url, **options)

    def count(self, method: str, path_part: str = "") -> int:
        return sum(1 for m, p in self.requests if m == method and path_part in p)


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


def test_paginate_follows_link_headers(github: FakeGitHub) -> None:
    for i in range(5):
        github.hub.create_repository("ml-2026", f"week01-student{i}")
    names = [r["name"] for r in github.client().org_repositories("ml-2026")]
    assert names == ["week01-alice", *(f"week01-student{i}" for i in range(5))]
    assert github.count("GET", "/orgs/") == 3


def test_upsert_creates_once_then_updates(github: FakeGitHub) -> None:
    client = github.client()
    for text in ("a classmate's comment", "the teacher's comment", "another comment"):
        github.hub.add_comment(REPO, 7, text)  # the marked comment will sit on page 2
    first, _ = upsert_comment(client, REPO, 7, f"{MARKER}\n3 / 11 points", MARKER)
    second, _ = upsert_comment(client, REPO, 7, f"{MARKER}\n11 / 11 points", MARKER)
    third, _ = upsert_comment(client, REPO, 7, f"{MARKER}\n11 / 11 points", MARKER)
    assert (first, second, third) == ("created", "updated", "unchanged")
    bodies = [c.body for c in github.hub.repository(REPO).comments_on(7)]
    marked = [b for b in bodies if MARKER in b]
    assert len(marked) == 1 and marked[0].endswith("11 / 11 points")
    assert len(bodies) == 4, "nobody else's comment was touched"
    assert (github.count("POST"), github.count("PATCH")) == (1, 1)


def test_upsert_adds_the_marker_when_the_body_lacks_it(github: FakeGitHub) -> None:
    client = github.client()
    upsert_comment(client, REPO, 1, "plain report", MARKER)
    upsert_comment(client, REPO, 1, "plain report, again", MARKER)
    bodies = [c.body for c in github.hub.repository(REPO).comments_on(1)]
    assert bodies == [f"{MARKER}\nplain report, again"]


def test_open_pull_requests_of_a_branch(github: FakeGitHub) -> None:
    for number, head, state in ((1, "main", "open"), (2, "main", "closed"), (3, "other", "open")):
        github.add_pull_request(number, head, state)
    assert github.client().open_pull_requests(REPO, "main") == [1]


def test_errors_name_the_call_and_never_the_token(github: FakeGitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        list(GitHubClient("wrong-token", github.hub.api_url).issue_comments(REPO, 1))
    assert caught.value.status == 401 and "Bad credentials" in str(caught.value)
    github.fail_writes = True  # a fork's read-only token
    client = github.client()
    with pytest.raises(GitHubError) as caught:
        upsert_comment(client, REPO, 1, "report", MARKER)
    assert caught.value.status == 403 and "not accessible" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)


def test_validation_errors_say_github_s_reasons(github: FakeGitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        github.client().post(f"/repos/{REPO}/pulls", {"title": "x", "head": "main", "base": "nope"})
    assert caught.value.status == 422 and "Validation Failed" in caught.value.message


def test_unreachable_server_is_a_github_error() -> None:
    with FakeGitHub() as gone:
        url = gone.url
    with pytest.raises(GitHubError) as caught:
        GitHubClient("t", url, timeout=2).get("/orgs/x/repos")
    assert caught.value.status is None


def test_token_is_not_sent_to_another_host(github: FakeGitHub) -> None:
    client = github.client()
    with pytest.raises(ValueError, match="another host"):
        client.get("https://evil.example/steal")
    with pytest.raises(ValueError, match="owner/name"):
        upsert_comment(client, "../../orgs", 1, "x", MARKER)


def test_identity_reports_scopes_and_githubs_clock(github: FakeGitHub) -> None:
    github.hub.set_time("2026-11-02T09:30:00Z")
    me = github.client().identity()
    assert me.login == "teacher" and me.scopes == frozenset({"repo", "workflow", "read:org"})
    assert me.server_time == dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
    fine_grained = github.hub.add_token("teacher", None)
    assert GitHubClient(fine_grained, github.hub.api_url).identity().scopes is None


# -- rate limits -----------------------------------------------------------------------
def test_a_secondary_limit_is_waited_out_as_retry_after_says(github: FakeGitHub) -> None:
    waits: list[rate_limits.Wait] = []
    slept: list[float] = []
    client = github.client(on_wait=waits.append, sleep=slept.append)
    github.hub.refuse_next(2, status=429, retry_after=7)
    assert client.get(f"/repos/{REPO}")["full_name"] == REPO
    assert [w.reason for w in waits] == ["secondary rate limit (Retry-After)"] * 2
    assert slept == [7, 7] and client.calls == 3


def test_a_secondary_limit_without_headers_backs_off_from_a_minute(github: FakeGitHub) -> None:
    slept: list[float] = []
    client = github.client(sleep=slept.append)
    github.hub.refuse_next(2, retry_after=None)
    client.post(f"/repos/{REPO}/issues", {"title": "t"})
    assert slept == [60.0, 120.0], "GitHub: at least a minute, then exponentially longer"
    assert github.count("POST", "/issues") == 3


def test_the_primary_limit_is_never_run_into(github: FakeGitHub) -> None:
    waits: list[rate_limits.Wait] = []
    client = github.client(on_wait=waits.append)
    github.hub.limit_rate(TOKEN, limit=2, window=1.0)
    for _ in range(3):
        client.get(f"/repos/{REPO}")
    assert [w.reason for w in waits] == ["primary rate limit used up"]
    assert client.calls == 3, "the third call waited for the reset instead of being refused"


def test_a_limit_longer_than_allowed_stops_with_the_time_to_retry(github: FakeGitHub) -> None:
    client = github.client(max_wait=5.0)
    github.hub.limit_rate(TOKEN, limit=1, window=600.0)
    client.get(f"/repos/{REPO}")
    with pytest.raises(RateLimited, match="retry after"):
        client.get(f"/repos/{REPO}")
    fresh = github.client(max_wait=5.0)
    with pytest.raises(RateLimited, match="primary rate limit"):
        fresh.get(f"/repos/{REPO}")  # refused by the server: the budget is spent


def test_writes_are_paced(github: FakeGitHub) -> None:
    slept: list[float] = []
    client = github.client(pace=30.0, sleep=slept.append)
    client.post(f"/repos/{REPO}/issues", {"title": "one"})
    client.post(f"/repos/{REPO}/issues", {"title": "two"})
    client.get(f"/repos/{REPO}")
    assert len(slept) == 1 and 29 < slept[0] <= 30, "one pause, before the second write only"
