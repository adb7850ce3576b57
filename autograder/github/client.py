"""A small GitHub REST client: JSON requests, pagination, rate limits, errors that never show the token.

Only the standard library (``urllib``), so that a student repository's
workflow and the instructor's tools need nothing beyond the course install.
The token is sent as a header and never logged or put in an error message.

Rate limits (:mod:`autograder.github.rate_limits`) are waited out, and said
through ``on_wait``: a refused request is retried after ``Retry-After`` or
``X-RateLimit-Reset``, and no request is sent while the primary limit is used
up. ``pace`` spaces writes (POST, PATCH, PUT, DELETE) as GitHub asks of tools
that make many of them (one a second). ``calls`` counts the requests sent.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from autograder.github import rate_limits

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = "ml-course-autograder"
PER_PAGE = 100
MAX_PAGES = 50  # 5,000 rows: an organisation's repositories or a PR's comments, never unbounded
MAX_REFUSALS = 6  # rate-limit refusals of one request before giving up
MAX_WAIT = 3600.0  # seconds of rate-limit waiting per request: the primary limit's window
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(RuntimeError):
    """A GitHub API call failed (HTTP status, or the server could not be reached)."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.method, self.path, self.status, self.message = method, path, status, message
        self.headers = dict(headers or {})
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"GitHub {method} {path}: {where}: {message}")


class RateLimited(GitHubError):
    """GitHub's rate limit would keep us waiting longer than allowed: stop, and run again later."""


@dataclass(frozen=True)
class Identity:
    """Who a token is, what it may do, and GitHub's clock."""

    login: str
    scopes: frozenset[str] | None  # None: the token does not say (fine-grained or app token)
    server_time: dt.datetime | None  # the response's Date: the clock pushes are stamped with


@dataclass(frozen=True)
class Response:
    status: int
    data: Any
    headers: Mapping[str, str]


class GitHubClient:
    """JSON over HTTPS against the GitHub REST API (or any server that speaks it).

    Parameters
    ----------
    token
        A token sent as ``Authorization: Bearer``; ``None`` for anonymous calls.
    api_url
        The API root (``GITHUB_API_URL`` in Actions; a local server in tests).
    timeout
        Seconds to wait for each response.
    pace
        Least seconds between two writes (GitHub asks for 1 from tools that make many).
    max_wait
        Most seconds to wait out a rate limit for one request; beyond, :class:`RateLimited`.
    on_wait
        Called with each rate-limit wait before it is slept (to tell the user).
    """

    def __init__(
        self,
        token: str | None,
        api_url: str = DEFAULT_API_URL,
        *,
        timeout: float = 30.0,
        pace: float = 0.0,
        max_wait: float = MAX_WAIT,
        on_wait: Callable[[rate_limits.Wait], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._token = token
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.pace, self.max_wait, self.on_wait, self._sleep = pace, max_wait, on_wait, sleep
        self.calls = 0
        self._blocked_until = 0.0  # epoch seconds: the primary limit is used up until then
        self._last_write = -float("inf")  # monotonic time of the last write

    def __repr__(self) -> str:  # never show the token
        return f"GitHubClient(api_url={self.api_url!r})"

    def url(self, path: str) -> str:
        """The absolute URL of an API ``path`` (an absolute URL on the same host is kept)."""
        if path.startswith(("http://", "https://")):
            if urllib.parse.urlsplit(path).netloc != urllib.parse.urlsplit(self.api_url).netloc:
                raise ValueError(f"refusing to send the token to another host: {path}")
            return path
        return f"{self.api_url}/{path.lstrip('/')}"

    def request(
        self, method: str, path: str, body: Any = None, params: Mapping[str, Any] | None = None
    ) -> Response:
        """Send one request and decode the JSON answer; raise :class:`GitHubError` on HTTP >= 400.

        Rate-limit refusals are waited out and retried (see the module docstring).
        """
        url = self.url(path)
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        refusals, waited = 0, 0.0
        while True:
            self._before_sending(method, path)
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            self.calls += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                    raw = answer.read()
                    status, answer_headers = answer.status, dict(answer.headers.items())
            except urllib.error.HTTPError as error:
                answer_headers = dict(error.headers.items()) if error.headers else {}
                detail = _error_detail(error.read()[:4000])
                wait = rate_limits.after_refusal(
                    error.code, answer_headers, detail, refusals, time.time()
                )
                if wait is None:
                    raise GitHubError(method, path, error.code, detail, answer_headers) from None
                if refusals >= MAX_REFUSALS or waited + wait.seconds > self.max_wait:
                    raise RateLimited(
                        method, path, error.code, f"{detail} ({_retry_at(wait)})", answer_headers
                    ) from None
                self._wait(wait)
                refusals, waited = refusals + 1, waited + wait.seconds
                continue
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise GitHubError(method, path, None, str(reason)) from None
            primary = rate_limits.until_reset(answer_headers, time.time())
            if primary is not None:
                self._blocked_until = time.time() + primary.seconds
            return Response(status, json.loads(raw) if raw.strip() else None, answer_headers)

    def _before_sending(self, method: str, path: str) -> None:
        """Wait out a used-up primary limit, and space writes by ``pace``."""
        blocked = self._blocked_until - time.time()
        if blocked > 0:
            wait = rate_limits.Wait(blocked, "primary rate limit used up")
            if blocked > self.max_wait:
                raise RateLimited(
                    method, path, None, f"the rate limit is used up ({_retry_at(wait)})"
                )
            self._wait(wait)
        if method in WRITES and self.pace > 0:
            gap = self.pace - (time.monotonic() - self._last_write)
            if gap > 0:
                self._sleep(gap)
            self._last_write = time.monotonic()

    def _wait(self, wait: rate_limits.Wait) -> None:
        if self.on_wait is not None:
            self.on_wait(wait)
        self._sleep(wait.seconds)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body).data

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body=body).data

    def put(self, path: str, body: Any = None) -> Response:
        return self.request("PUT", path, body=body if body is not None else {})

    def delete(self, path: str) -> Response:
        return self.request("DELETE", path)

    def identity(self) -> Identity:
        """``GET /user``: the token's login, its OAuth scopes (when it has any) and GitHub's time."""
        answer = self.request("GET", "/user")
        lowered = {k.lower(): v for k, v in answer.headers.items()}
        scopes = lowered.get("x-oauth-scopes")
        when = None
        if lowered.get("date"):
            try:
                when = email.utils.parsedate_to_datetime(lowered["date"]).astimezone(dt.UTC)
            except (TypeError, ValueError):
                when = None
        return Identity(
            str((answer.data or {}).get("login", "")),
            None
            if scopes is None
            else frozenset(s.strip() for s in scopes.split(",") if s.strip()),
            when,
        )

    def paginate(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Yield every item of a list endpoint, following ``Link: rel="next"`` headers."""
        query = {"per_page": PER_PAGE, **(params or {})}
        url: str | None = path
        for _ in range(MAX_PAGES):
            if url is None:
                return
            answer = self.request("GET", url, params=query)
            page = answer.data
            # Some list endpoints wrap the rows: {"total_count": n, "repositories": [...]}.
            if isinstance(page, dict):
                page = next((v for v in page.values() if isinstance(v, list)), [])
            yield from page or []
            link = {k.lower(): v for k, v in answer.headers.items()}.get("link", "")
            match = _NEXT_LINK.search(link)
            url, query = (match.group(1), {}) if match else (None, {})

    # -- what the course needs -------------------------------------------------

    def org_repositories(self, org: str) -> Iterator[dict[str, Any]]:
        """Every repository of organisation ``org`` that the token can see."""
        yield from self.paginate(f"/orgs/{_quote(org)}/repos", {"type": "all"})

    def open_pull_requests(self, repo: str, head_branch: str) -> list[int]:
        """Numbers of the open pull requests of ``repo`` whose head is ``head_branch`` of ``repo``."""
        owner = repo.partition("/")[0]
        params = {"state": "open", "head": f"{owner}:{head_branch}"}
        return [
            int(pr["number"]) for pr in self.paginate(f"/repos/{repo_path(repo)}/pulls", params)
        ]

    def issue_comments(self, repo: str, number: int) -> Iterator[dict[str, Any]]:
        yield from self.paginate(f"/repos/{repo_path(repo)}/issues/{int(number)}/comments")


def _error_detail(raw: bytes) -> str:
    """GitHub's error message, with the reasons of a 422 (``errors[].message``) appended."""
    text = raw.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        return text[:500]
    if not isinstance(doc, dict):
        return text[:500]
    message = str(doc.get("message", text))
    reasons = [
        str(e.get("message") or e.get("code") or "")
        for e in doc.get("errors") or []
        if isinstance(e, dict)
    ]
    reasons = [r for r in reasons if r and r not in message]
    return f"{message}: {'; '.join(reasons)}" if reasons else message


def _retry_at(wait: rate_limits.Wait) -> str:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait.seconds)
    return f"{wait.reason}: retry after {until.strftime('%H:%M:%S')} UTC"


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def repo_path(repo: str) -> str:
    """``owner/name`` with each half quoted; anything else is refused."""
    owner, sep, name = repo.partition("/")
    if not sep or not owner or not name or "/" in name:
        raise ValueError(f"not an owner/name repository: {repo!r}")
    return f"{_quote(owner)}/{_quote(name)}"
