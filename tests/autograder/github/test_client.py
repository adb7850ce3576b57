"""The REST client and the one-comment upsert, against a real HTTP server on 127.0.0.1.

:class:`FakeGitHub` implements the few endpoints the course uses (issue
comments: list/create/update; open pull requests of a branch; an
organisation's repositories) with GitHub's pagination (``Link`` headers)
and bearer-token check. Other test modules import it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from autograder.github.client import GitHubClient, GitHubError
from autograder.github.pull_request import upsert_comment

TOKEN = "ghs_test-token-never-logged"
MARKER = "<!-- ml-course-autograder:report -->"


class FakeGitHub:
    """A GitHub REST API subset, in memory, served on a free local port."""

    def __init__(self, *, token: str = TOKEN, page_size: int = 2) -> None:
        self.token = token
        self.page_size = page_size
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.pulls: list[dict[str, Any]] = []
        self.repos: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        self.fail_writes: int | None = None  # an HTTP status for POST/PATCH, e.g. 403 for a fork
        self._next_id = 1000
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def all_comments(self, number: int) -> list[dict[str, Any]]:
        return self.comments.get(number, [])

    def add_comment(self, number: int, body: str) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {"id": self._next_id, "body": body, "user": {"login": "someone"}}
            self.comments.setdefault(number, []).append(comment)
            return comment

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep pytest output clean
                pass

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _page(self, rows: list[Any], query: dict[str, list[str]]) -> None:
                size = min(int(query.get("per_page", ["30"])[0]), fake.page_size)
                page = int(query.get("page", ["1"])[0])
                chunk = rows[(page - 1) * size : page * size]
                headers = {}
                if page * size < len(rows):
                    parts = urlsplit(self.path)
                    rest = {k: v[0] for k, v in query.items() if k != "page"}
                    rest_q = "&".join(f"{k}={v}" for k, v in rest.items())
                    headers["Link"] = (
                        f'<{fake.url}{parts.path}?{rest_q}&page={page + 1}>; rel="next"'
                    )
                self._send(200, chunk, headers)

            def _authorised(self) -> bool:
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._send(401, {"message": "Bad credentials"})
                    return False
                return True

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length", "0"))
                return json.loads(self.rfile.read(length) or b"null")

            def do_GET(self) -> None:
                fake.requests.append(("GET", self.path))
                if not self._authorised():
                    return
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/(\d+)/comments", parts.path):
                    return self._page(fake.all_comments(int(m[3])), query)
                if re.fullmatch(r"/repos/([^/]+)/([^/]+)/pulls", parts.path):
                    head = query.get("head", [""])[0]
                    rows = [
                        p
                        for p in fake.pulls
                        if p["state"] == query.get("state", ["open"])[0] and p["head"] == head
                    ]
                    return self._page(rows, query)
                if re.fullmatch(r"/orgs/([^/]+)/repos", parts.path):
                    return self._page(fake.repos, query)
                self._send(404, {"message": "Not Found"})

            def do_POST(self) -> None:
                fake.requests.append(("POST", self.path))
                if not self._authorised():
                    return
                if fake.fail_writes:
                    return self._send(
                        fake.fail_writes, {"message": "Resource not accessible by integration"}
                    )
                if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/(\d+)/comments", self.path):
                    return self._send(201, fake.add_comment(int(m[3]), self._body()["body"]))
                self._send(404, {"message": "Not Found"})

            def do_PATCH(self) -> None:
                fake.requests.append(("PATCH", self.path))
                if not self._authorised():
                    return
                if fake.fail_writes:
                    return self._send(
                        fake.fail_writes, {"message": "Resource not accessible by integration"}
                    )
                if m := re.fullmatch(r"/repos/([^/]+)/([^/]+)/issues/comments/(\d+)", self.path):
                    for rows in fake.comments.values():
                        for comment in rows:
                            if comment["id"] == int(m[3]):
                                comment["body"] = self._body()["body"]
                                return self._send(200, comment)
                self._send(404, {"message": "Not Found"})

        return Handler


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub() as fake:
        yield fake


def test_paginate_follows_link_headers(github: FakeGitHub) -> None:
    github.repos = [{"name": f"week01-student{i}"} for i in range(5)]
    client = GitHubClient(TOKEN, github.url)
    names = [r["name"] for r in client.org_repositories("course-org")]
    assert names == [f"week01-student{i}" for i in range(5)]
    assert sum(1 for method, path in github.requests if path.startswith("/orgs/")) == 3


def test_upsert_creates_once_then_updates(github: FakeGitHub) -> None:
    client = GitHubClient(TOKEN, github.url)
    github.add_comment(7, "a classmate's comment")
    github.add_comment(7, "the teacher's comment")
    github.add_comment(7, "another comment")  # the marked comment will sit on page 2
    first, _ = upsert_comment(client, "org/repo", 7, f"{MARKER}\n3 / 11 points", MARKER)
    second, _ = upsert_comment(client, "org/repo", 7, f"{MARKER}\n11 / 11 points", MARKER)
    third, _ = upsert_comment(client, "org/repo", 7, f"{MARKER}\n11 / 11 points", MARKER)
    assert (first, second, third) == ("created", "updated", "unchanged")
    marked = [c for c in github.all_comments(7) if MARKER in c["body"]]
    assert len(marked) == 1 and marked[0]["body"].endswith("11 / 11 points")
    assert len(github.all_comments(7)) == 4  # nobody else's comment was touched


def test_upsert_adds_the_marker_when_the_body_lacks_it(github: FakeGitHub) -> None:
    client = GitHubClient(TOKEN, github.url)
    upsert_comment(client, "org/repo", 1, "plain report", MARKER)
    upsert_comment(client, "org/repo", 1, "plain report, again", MARKER)
    assert [c["body"] for c in github.all_comments(1)] == [f"{MARKER}\nplain report, again"]


def test_open_pull_requests_of_a_branch(github: FakeGitHub) -> None:
    github.pulls = [
        {"number": 1, "state": "open", "head": "org:main"},
        {"number": 2, "state": "closed", "head": "org:main"},
        {"number": 3, "state": "open", "head": "org:other"},
    ]
    assert GitHubClient(TOKEN, github.url).open_pull_requests("org/repo", "main") == [1]


def test_errors_name_the_call_and_never_the_token(github: FakeGitHub) -> None:
    with pytest.raises(GitHubError) as caught:
        list(GitHubClient("wrong-token", github.url).issue_comments("org/repo", 1))
    assert caught.value.status == 401 and "Bad credentials" in str(caught.value)
    github.fail_writes = 403
    client = GitHubClient(TOKEN, github.url)
    with pytest.raises(GitHubError) as caught:
        upsert_comment(client, "org/repo", 1, "report", MARKER)
    assert caught.value.status == 403
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)


def test_unreachable_server_is_a_github_error() -> None:
    with FakeGitHub() as fake:
        url = fake.url
    with pytest.raises(GitHubError) as caught:
        GitHubClient(TOKEN, url, timeout=2).get("/orgs/x/repos")
    assert caught.value.status is None


def test_token_is_not_sent_to_another_host(github: FakeGitHub) -> None:
    client = GitHubClient(TOKEN, github.url)
    with pytest.raises(ValueError, match="another host"):
        client.get("https://evil.example/steal")
    with pytest.raises(ValueError, match="owner/name"):
        upsert_comment(client, "../../orgs", 1, "x", MARKER)
