"""A small GitHub REST client: JSON requests, pagination, errors that never show the token.

Only the standard library (``urllib``), so that a student repository's
workflow and the instructor's tools need nothing beyond the course install.
The token is sent as a header and never logged or put in an error message.
"""

from __future__ import annotations

import contextlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = "ml-course-autograder"
PER_PAGE = 100
MAX_PAGES = 50  # 5,000 rows: an organisation's repositories or a PR's comments, never unbounded
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(RuntimeError):
    """A GitHub API call failed (HTTP status, or the server could not be reached)."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method, self.path, self.status = method, path, status
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"GitHub {method} {path}: {where}: {message}")


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
    """

    def __init__(
        self, token: str | None, api_url: str = DEFAULT_API_URL, *, timeout: float = 30.0
    ) -> None:
        self._token = token
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout

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
        """Send one request and decode the JSON answer; raise :class:`GitHubError` on HTTP >= 400."""
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
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read()
                status, answer_headers = answer.status, dict(answer.headers.items())
        except urllib.error.HTTPError as error:
            detail = error.read()[:500].decode("utf-8", "replace")
            with contextlib.suppress(ValueError, AttributeError):
                detail = json.loads(detail).get("message", detail)
            raise GitHubError(method, path, error.code, str(detail)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GitHubError(method, path, None, str(reason)) from None
        return Response(status, json.loads(raw) if raw.strip() else None, answer_headers)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body=body).data

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body=body).data

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


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def repo_path(repo: str) -> str:
    """``owner/name`` with each half quoted; anything else is refused."""
    owner, sep, name = repo.partition("/")
    if not sep or not owner or not name or "/" in name:
        raise ValueError(f"not an owner/name repository: {repo!r}")
    return f"{_quote(owner)}/{_quote(name)}"
