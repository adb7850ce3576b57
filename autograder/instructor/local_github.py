"""A local GitHub on 127.0.0.1: the REST calls the course makes, and its repositories served to git.

For the tests and the lifecycle demo (``python -m autograder demo --lifecycle``),
which run a whole course with no network. It holds, in memory:

* users, each with a token and that token's OAuth scopes (sent back as
  ``X-OAuth-Scopes``, as GitHub does for classic tokens; a token made with
  ``scopes=None`` behaves like a fine-grained one, which has no such header);
* organisations and their owners and members;
* repositories, each a **real bare git repository** on disk, served to git
  over HTTP (:mod:`autograder.instructor.local_git_http`), so clones and
  pushes are real and authenticated; template repositories and the
  "generate from template" call, which makes a new repository whose one
  commit holds the template's files;
* collaborators, invitations (accepted with the invitee's own token) and
  collaborator permissions; branches and refs; commits made through the API;
  pull requests, issues and their comments;
* the repository activity API: every change of a branch, by a push or an API
  call, timestamped with this server's clock, which a test can set
  (:meth:`LocalGitHub.set_time`) to push "late".

And the failures a client must handle: 401 (bad credentials), 403 (no
permission or scope), 404 (what the token may not see: GitHub hides a
private repository rather than refuse it), 409 (a generated repository whose
content is not there yet, see ``generation_delay``), 422 (validation), and
rate limits: a primary budget per token (``X-RateLimit-*`` headers, see
:meth:`LocalGitHub.limit_rate`) and secondary-limit refusals with
``Retry-After`` on demand (:meth:`LocalGitHub.refuse_next`).

The REST root is ``api_url`` (``http://127.0.0.1:PORT/api``), the web and
git root ``url``. :attr:`LocalGitHub.requests` lists every REST call made.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import re
import secrets
import shutil
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from autograder.instructor import local_git_http as githttp

# permission levels, weakest first; the collaborator API's names map onto them
LEVELS = ("none", "read", "triage", "write", "maintain", "admin")
API_PERMISSIONS = {
    "pull": "read",
    "triage": "triage",
    "push": "write",
    "maintain": "maintain",
    "admin": "admin",
}
INVITATION_PERMISSIONS = {"read", "triage", "write", "maintain", "admin"}
DEFAULT_SCOPES = frozenset({"repo", "workflow", "read:org"})
MAX_BODY_CHARACTERS = 65_536  # GitHub refuses longer bodies of issues, pull requests, comments
STAFF = ("Course staff", "course-staff@users.noreply.github.com")
GIT_PATH = re.compile(r"^/([A-Za-z0-9._-]+)/([A-Za-z0-9._-]+?)\.git(/.*)$")


class ApiError(Exception):
    """An HTTP error answer, with GitHub's body: ``{"message": ..., "errors": [...]}``."""

    def __init__(
        self, status: int, message: str, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or []
        self.headers: dict[str, str] = {}


@dataclass
class Token:
    value: str
    login: str
    scopes: frozenset[str] | None  # None: a fine-grained token (no X-OAuth-Scopes header)
    read_only: bool = False  # like the GITHUB_TOKEN of a pull request from a fork


@dataclass
class Budget:
    """A primary rate limit: ``limit`` requests per ``window`` seconds."""

    limit: int
    window: float
    used: int = 0
    reset: float = 0.0  # epoch seconds


@dataclass
class Refusal:
    status: int
    retry_after: float | None
    writes_only: bool


@dataclass
class Invitation:
    id: int
    invitee: str
    inviter: str
    permissions: str  # read, triage, write, maintain, admin
    created_at: str


@dataclass
class Issue:
    """An issue, or a pull request when ``head`` is set (they share numbers, as on GitHub)."""

    number: int
    title: str
    body: str
    user: str
    created_at: str
    state: str = "open"
    head: str | None = None  # branch names of this repository
    base: str | None = None
    merged: bool = False


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    user: str
    created_at: str
    updated_at: str


@dataclass
class Repo:
    owner: str
    name: str
    path: Path
    private: bool
    id: int
    is_template: bool = False
    template: str | None = None  # full name of the template it was generated from
    description: str = ""
    collaborators: dict[str, str] = field(default_factory=dict)  # lower login -> level
    invitations: list[Invitation] = field(default_factory=list)
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    pending: int = 0  # requests to answer "409 Git Repository is empty" (generation)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def pulls(self) -> list[Issue]:
        return [i for i in self.issues.values() if i.head is not None]

    def comments_on(self, number: int) -> list[Comment]:
        return [c for c in self.comments if c.issue == number]


@dataclass
class Organisation:
    login: str
    id: int
    members: dict[str, str] = field(default_factory=dict)  # lower login -> "admin" | "member"
    base_permission: str = "read"


@dataclass
class Call:
    """One REST request, as the route functions see it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    user: str | None  # login, None when anonymous
    token: Token | None
    groups: tuple[str, ...]


Answer = tuple[int, Any, dict[str, str]]


class LocalGitHub:
    """A GitHub REST API and git server on a free local port (see the module docstring).

    Use it as a context manager; ``root`` holds the bare repositories.
    """

    def __init__(self, root: Path, *, page_size: int = 100) -> None:
        self.root = root
        self.repos_root = root / "repositories"
        self.repos_root.mkdir(parents=True, exist_ok=True)
        self.page_size = page_size
        self.generation_delay = 0
        self.requests: list[tuple[str, str]] = []
        self.tokens: dict[str, Token] = {}
        self.users: dict[str, str] = {}  # lower login -> login
        self.user_ids: dict[str, int] = {}
        self.orgs: dict[str, Organisation] = {}
        self.repos: dict[str, Repo] = {}  # lower full name -> repo
        self.budgets: dict[str, Budget] = {}  # token -> its primary limit
        self.refusals: list[Refusal] = []
        self._ids = itertools.count(1001)
        self._frozen: dt.datetime | None = None
        self._lock = threading.RLock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.api_url = f"{self.url}/api"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalGitHub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ the clock
    def now(self) -> dt.datetime:
        """This server's time: real time, or the time set by :meth:`set_time`."""
        return self._frozen or dt.datetime.now(dt.UTC).replace(microsecond=0)

    def set_time(self, when: dt.datetime | str | None) -> None:
        """Freeze the clock at ``when`` (None: back to real time)."""
        if isinstance(when, str):
            when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
        self._frozen = when.astimezone(dt.UTC) if when is not None else None

    def stamp(self) -> str:
        return self.now().strftime("%Y-%m-%dT%H:%M:%SZ")

    # ------------------------------------------------------------------ seeding (no HTTP)
    def add_user(
        self,
        login: str,
        *,
        scopes: frozenset[str] | None = DEFAULT_SCOPES,
        token: str | None = None,
    ) -> str:
        """A user with a token (returned); ``scopes=None`` makes it a fine-grained token."""
        with self._lock:
            self.users.setdefault(login.lower(), login)
            self.user_ids.setdefault(login.lower(), next(self._ids))
            value = token or f"ghp_{secrets.token_hex(18)}"
            self.tokens[value] = Token(value, self.users[login.lower()], scopes)
            return value

    def add_token(
        self, login: str, scopes: frozenset[str] | None, *, read_only: bool = False
    ) -> str:
        """Another token of an existing user (one without a scope, or one that may only read)."""
        if login.lower() not in self.users:
            raise KeyError(login)
        value = self.add_user(login, scopes=scopes)
        self.tokens[value].read_only = read_only
        return value

    def add_organisation(
        self, login: str, *, owners: tuple[str, ...] = (), members: tuple[str, ...] = ()
    ) -> Organisation:
        with self._lock:
            org = Organisation(login, next(self._ids))
            org.members.update({m.lower(): "member" for m in members})
            org.members.update({o.lower(): "admin" for o in owners})
            self.orgs[login.lower()] = org
            self.users.setdefault(login.lower(), login)
            self.user_ids.setdefault(login.lower(), org.id)
            return org

    def create_repository(
        self, owner: str, name: str, *, private: bool = True, is_template: bool = False
    ) -> Repo:
        """An empty repository (``main`` as default branch)."""
        with self._lock:
            key = f"{owner}/{name}".lower()
            if key in self.repos:
                raise ApiError(
                    422,
                    "Repository creation failed.",
                    [
                        {
                            "resource": "Repository",
                            "code": "custom",
                            "field": "name",
                            "message": "name already exists on this account",
                        }
                    ],
                )
            owner = self.orgs[owner.lower()].login if owner.lower() in self.orgs else owner
            path = self.repos_root / owner.lower() / f"{name.lower()}.git"
            githttp.init_bare(path)
            repo = Repo(owner, name, path, private, next(self._ids), is_template)
            self.repos[key] = repo
            return repo

    def repository(self, full_name: str) -> Repo:
        return self.repos[full_name.lower()]

    def add_issue(
        self,
        full_name: str,
        title: str,
        body: str = "",
        user: str = "someone",
        *,
        head: str | None = None,
        base: str | None = None,
    ) -> Issue:
        """An issue, or a pull request ``head`` -> ``base`` (branches need not exist)."""
        repo = self.repository(full_name)
        with self._lock:
            number = len(repo.issues) + 1
            issue = Issue(number, title, body, user, self.stamp(), head=head, base=base)
            repo.issues[number] = issue
            return issue

    def add_comment(self, full_name: str, number: int, body: str, user: str = "someone") -> Comment:
        repo = self.repository(full_name)
        with self._lock:
            comment = Comment(next(self._ids), number, body, user, self.stamp(), self.stamp())
            repo.comments.append(comment)
            return comment

    def limit_rate(self, token: str, limit: int, window: float) -> None:
        """Allow ``token`` only ``limit`` REST calls per ``window`` seconds (a primary limit)."""
        self.budgets[token] = Budget(limit, window, 0, time.time() + window)

    def refuse_next(
        self,
        count: int,
        *,
        status: int = 403,
        retry_after: float | None = 1,
        writes_only: bool = False,
    ) -> None:
        """Refuse the next ``count`` REST calls with a secondary rate limit."""
        self.refusals.extend(Refusal(status, retry_after, writes_only) for _ in range(count))

    def clone_url(self, full_name: str) -> str:
        repo = self.repository(full_name)
        return f"{self.url}/{repo.owner}/{repo.name}.git"

    def authenticated_url(self, full_name: str, token: str) -> str:
        """A clone URL that carries ``token`` (for a student's own clone)."""
        login = self.tokens[token].login
        return self.clone_url(full_name).replace("://", f"://{login}:{token}@", 1)

    # ------------------------------------------------------------------ access
    def level(self, repo: Repo, login: str | None) -> str:
        """The permission ``login`` has on ``repo`` (``none`` for strangers to a private one)."""
        best = "none" if repo.private else "read"
        if login is None:
            return best
        key = login.lower()
        if key == repo.owner.lower():
            return "admin"
        org = self.orgs.get(repo.owner.lower())
        if org is not None and key in org.members:
            member = "admin" if org.members[key] == "admin" else org.base_permission
            best = max(best, member, key=LEVELS.index)
        return max(best, repo.collaborators.get(key, "none"), key=LEVELS.index)

    def access(self, repo: Repo, token: Token | None) -> str:
        """What ``token`` may do on ``repo``: its user's level, less what its scopes withhold."""
        if (
            repo.private
            and token is not None
            and token.scopes is not None
            and "repo" not in token.scopes
        ):
            return "none"  # a classic token without `repo` sees no private repository
        return self.level(repo, token.login if token else None)

    def _visible(self, call: Call, repo: Repo) -> str:
        """The caller's level on ``repo``, or 404 when they may not see it."""
        level = self.access(repo, call.token)
        if level == "none":
            raise ApiError(404, "Not Found")
        return level

    def _repo(self, call: Call, need: str = "read") -> Repo:
        owner, name = call.groups[0], call.groups[1]
        repo = self.repos.get(f"{owner}/{name}".lower())
        if repo is None:
            raise ApiError(404, "Not Found")
        level = self._visible(call, repo)
        if LEVELS.index(level) < LEVELS.index(need):
            message = (
                "Must have admin rights to Repository."
                if need == "admin"
                else "Resource not accessible by personal access token"
            )
            raise ApiError(403, message)
        return repo

    # ------------------------------------------------------------------ JSON shapes
    def user_json(self, login: str) -> dict[str, Any]:
        key = login.lower()
        spelled = self.users.get(key, login)
        kind = "Organization" if key in self.orgs else "User"
        return {
            "login": spelled,
            "id": self.user_ids.get(key, 0),
            "type": kind,
            "html_url": f"{self.url}/{spelled}",
        }

    def repo_json(self, repo: Repo, viewer: str | None = None) -> dict[str, Any]:
        level = self.level(repo, viewer)
        template = self.repos.get((repo.template or "").lower())
        return {
            "id": repo.id,
            "name": repo.name,
            "full_name": repo.full_name,
            "owner": self.user_json(repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "is_template": repo.is_template,
            "template_repository": self.repo_json(template) if template else None,
            "description": repo.description,
            "default_branch": "main",
            "html_url": f"{self.url}/{repo.full_name}",
            "clone_url": self.clone_url(repo.full_name),
            "url": f"{self.api_url}/repos/{repo.full_name}",
            "permissions": {
                "admin": level == "admin",
                "maintain": LEVELS.index(level) >= LEVELS.index("maintain"),
                "push": LEVELS.index(level) >= LEVELS.index("write"),
                "triage": LEVELS.index(level) >= LEVELS.index("triage"),
                "pull": LEVELS.index(level) >= LEVELS.index("read"),
            },
        }

    def issue_json(self, repo: Repo, issue: Issue) -> dict[str, Any]:
        kind = "pull" if issue.head is not None else "issues"
        out: dict[str, Any] = {
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "user": self.user_json(issue.user),
            "created_at": issue.created_at,
            "html_url": f"{self.url}/{repo.full_name}/{kind}/{issue.number}",
        }
        if issue.head is not None:
            out["pull_request"] = {
                "url": f"{self.api_url}/repos/{repo.full_name}/pulls/{issue.number}"
            }
        return out

    def pull_json(self, repo: Repo, pull: Issue) -> dict[str, Any]:
        out = self.issue_json(repo, pull)
        out.pop("pull_request", None)

        def side(branch: str | None) -> dict[str, Any]:
            sha = githttp.resolve(repo.path, f"refs/heads/{branch}") if branch else None
            return {
                "ref": branch,
                "label": f"{repo.owner}:{branch}",
                "sha": sha,
                "repo": {"full_name": repo.full_name},
            }

        out.update(head=side(pull.head), base=side(pull.base), merged=pull.merged)
        return out

    def comment_json(self, repo: Repo, comment: Comment) -> dict[str, Any]:
        return {
            "id": comment.id,
            "body": comment.body,
            "user": self.user_json(comment.user),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "html_url": f"{self.url}/{repo.full_name}/issues/{comment.issue}#issuecomment-{comment.id}",
        }

    def invitation_json(self, repo: Repo, invitation: Invitation) -> dict[str, Any]:
        return {
            "id": invitation.id,
            "invitee": self.user_json(invitation.invitee),
            "inviter": self.user_json(invitation.inviter),
            "permissions": invitation.permissions,
            "created_at": invitation.created_at,
            "repository": self.repo_json(repo),
        }

    # ------------------------------------------------------------------ activity
    def record(self, repo: Repo, ref: str, before: str, after: str, actor: str) -> None:
        """One entry of the activity API for a branch change (push or API)."""
        if before == githttp.ZERO:
            kind = "branch_creation"
        elif after == githttp.ZERO:
            kind = "branch_deletion"
        elif githttp.is_ancestor(repo.path, before, after):
            kind = "push"
        else:
            kind = "force_push"
        with self._lock:
            repo.activity.append(
                {
                    "id": next(self._ids),
                    "node_id": f"RA_{len(repo.activity)}",
                    "before": before,
                    "after": after,
                    "ref": ref,
                    "timestamp": self.stamp(),
                    "activity_type": kind,
                    "actor": self.user_json(actor),
                }
            )

    def move_ref(self, repo: Repo, ref: str, sha: str, actor: str) -> None:
        before = githttp.resolve(repo.path, ref) or githttp.ZERO
        githttp.git(repo.path, "update-ref", ref, sha)
        self.record(repo, ref, before, sha, actor)

    # ------------------------------------------------------------------ generation
    def generate(self, template: Repo, owner: str, name: str, private: bool, by: str) -> Repo:
        """A new repository whose one commit holds the template's ``main`` files."""
        repo = self.create_repository(owner, name, private=private)
        try:
            tree = githttp.copy_tip(template.path, repo.path, "main")
            login = self.users.get(by.lower(), by)
            sha = githttp.new_commit(
                repo.path,
                tree,
                [],
                "Initial commit",
                (login, f"{login}@users.noreply.github.com"),
                self.now().isoformat(),
            )
            self.move_ref(repo, "refs/heads/main", sha, by)
        except Exception:
            with self._lock:
                del self.repos[repo.full_name.lower()]
            shutil.rmtree(repo.path, ignore_errors=True)
            raise
        repo.template, repo.pending = template.full_name, self.generation_delay
        return repo

    def _git_ready(self, repo: Repo) -> None:
        """GitHub fills a generated repository a moment after answering: until then, 409."""
        with self._lock:
            if repo.pending > 0:
                repo.pending -= 1
                raise ApiError(409, "Git Repository is empty.")

    # ------------------------------------------------------------------ REST dispatch
    def answer(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """Status, JSON body and extra headers for one REST request."""
        parts = urllib.parse.urlsplit(raw_path)
        path = parts.path[len("/api") :] or "/"
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        self.requests.append((method, path))
        extra: dict[str, str] = {}
        try:
            token = self._authenticate(headers)
            if token is not None and token.scopes is not None:
                extra["X-OAuth-Scopes"] = ", ".join(sorted(token.scopes))
                extra["X-Accepted-OAuth-Scopes"] = "repo"
            extra.update(self._spend(token, method))
            if token is not None and token.read_only and method != "GET":
                raise ApiError(403, "Resource not accessible by integration")
            try:
                document = json.loads(body) if body.strip() else None
            except ValueError as error:
                raise ApiError(400, "Problems parsing JSON") from error
            for verb, pattern, route in ROUTES:
                if verb != method:
                    continue
                match = pattern.fullmatch(path)
                if match:
                    call = Call(
                        method,
                        path,
                        query,
                        document,
                        token.login if token else None,
                        token,
                        tuple(urllib.parse.unquote(g) for g in match.groups()),
                    )
                    status, payload, more = route(self, call)
                    extra.update(more)
                    return status, payload, extra
            raise ApiError(404, "Not Found")
        except ApiError as error:
            extra.update(error.headers)
            payload = {
                "message": error.message,
                "documentation_url": "https://docs.github.com/rest",
            }
            if error.errors:
                payload["errors"] = error.errors
            return error.status, payload, extra

    def _authenticate(self, headers: dict[str, str]) -> Token | None:
        value = _credential(headers)
        if value is None:
            return None
        token = self.tokens.get(value)
        if token is None:
            raise ApiError(401, "Bad credentials")
        return token

    def _spend(self, token: Token | None, method: str) -> dict[str, str]:
        """Charge one call to the token's budget; refuse when a limit says so."""
        with self._lock:
            if self.refusals and (method != "GET" or not self.refusals[0].writes_only):
                refusal = self.refusals.pop(0)
                error = ApiError(
                    refusal.status,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                )
                if refusal.retry_after is not None:
                    error.headers["Retry-After"] = str(int(refusal.retry_after))
                raise error
            budget = self.budgets.get(token.value if token else "")
            if budget is None:
                return {
                    "X-RateLimit-Limit": "5000",
                    "X-RateLimit-Remaining": "4999",
                    "X-RateLimit-Reset": str(int(time.time()) + 3600),
                    "X-RateLimit-Resource": "core",
                }
            now = time.time()
            if now >= budget.reset:
                budget.used, budget.reset = 0, now + budget.window
            headers = {
                "X-RateLimit-Limit": str(budget.limit),
                "X-RateLimit-Reset": str(int(budget.reset + 0.999)),
                "X-RateLimit-Resource": "core",
            }
            if budget.used >= budget.limit:
                error = ApiError(
                    403, f"API rate limit exceeded for user {token.login if token else ''}."
                )
                error.headers.update(
                    headers, **{"X-RateLimit-Remaining": "0", "X-RateLimit-Used": str(budget.used)}
                )
                raise error
            budget.used += 1
            headers["X-RateLimit-Remaining"] = str(budget.limit - budget.used)
            headers["X-RateLimit-Used"] = str(budget.used)
            return headers

    def page(self, call: Call, rows: list[Any]) -> Answer:
        """One page of ``rows`` with GitHub's ``Link`` header."""
        size = max(1, min(int(call.query.get("per_page", "30")), self.page_size, 100))
        number = max(1, int(call.query.get("page", "1")))
        chunk = rows[(number - 1) * size : number * size]
        links = []
        rest = {k: v for k, v in call.query.items() if k != "page"}
        last = max(1, -(-len(rows) // size))
        if number < last:
            for rel, target in (("next", number + 1), ("last", last)):
                query = urllib.parse.urlencode({**rest, "page": target})
                links.append(f'<{self.api_url}{call.path}?{query}>; rel="{rel}"')
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})

    # ------------------------------------------------------------------ git over HTTP
    def serve_git(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> githttp.CgiAnswer:
        parts = urllib.parse.urlsplit(raw_path)
        match = GIT_PATH.match(parts.path)
        repo = self.repos.get(f"{match[1]}/{match[2]}".lower()) if match else None
        deny = githttp.CgiAnswer(404, [("Content-Type", "text/plain")], b"Repository not found.\n")
        if match is None or repo is None:
            return deny
        pushing = "git-receive-pack" in (parts.query + match[3])
        try:
            token = self._authenticate(headers)
        except ApiError:
            token = None
            if repo.private:
                return _ask_for_credentials()
        login = token.login if token else None
        level = self.access(repo, token)
        if level == "none":
            return _ask_for_credentials() if token is None else deny
        if pushing and LEVELS.index(level) < LEVELS.index("write"):
            if token is None:
                return _ask_for_credentials()
            message = f"Permission to {repo.full_name}.git denied to {login}.\n"
            return githttp.CgiAnswer(403, [("Content-Type", "text/plain")], message.encode())
        workflow = token is None or token.scopes is None or "workflow" in token.scopes
        call = dict(
            method=method,
            path_info=f"/{repo.owner.lower()}/{repo.name.lower()}.git{match[3]}",
            query=parts.query,
            headers=headers,
            body=body,
            remote_user=login or "anonymous",
            workflow_scope=workflow,
        )
        if not (pushing and method == "POST"):
            return githttp.http_backend(self.repos_root, **call)  # type: ignore[arg-type]
        with repo.lock:  # before/after of the refs, for the activity API
            before = githttp.branches(repo.path)
            answer = githttp.http_backend(self.repos_root, **call)  # type: ignore[arg-type]
            after = githttp.branches(repo.path)
        for ref in sorted(set(before) | set(after)):
            old, new = before.get(ref, githttp.ZERO), after.get(ref, githttp.ZERO)
            if old != new:
                self.record(repo, ref, old, new, login or "anonymous")
        return answer


def _ask_for_credentials() -> githttp.CgiAnswer:
    return githttp.CgiAnswer(
        401,
        [("WWW-Authenticate", 'Basic realm="GitHub"'), ("Content-Type", "text/plain")],
        b"Authentication required.\n",
    )


def _credential(headers: dict[str, str]) -> str | None:
    """The token of an ``Authorization`` header (``Bearer``, ``token`` or Basic's password)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, rest = value.partition(" ")
    if scheme.lower() in ("bearer", "token") and rest:
        return rest.strip()
    if scheme.lower() == "basic" and rest:
        try:
            decoded = base64.b64decode(rest.strip()).decode("utf-8", "replace")
        except ValueError:
            return ""
        return decoded.partition(":")[2]
    return None


# ============================================================================== routes
Route = Callable[[LocalGitHub, Call], Answer]
ROUTES: list[tuple[str, re.Pattern[str], Route]] = []
_R = r"/repos/([^/]+)/([^/]+)"


def route(method: str, pattern: str) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        ROUTES.append((method, re.compile(pattern), function))
        return function

    return register


def _login_required(call: Call) -> str:
    if call.user is None:
        raise ApiError(401, "Requires authentication")
    return call.user


def _field(call: Call, name: str, kind: type = str, required: bool = True) -> Any:
    body = call.body if isinstance(call.body, dict) else {}
    if name not in body:
        if required:
            raise ApiError(422, f'Invalid request.\n\n"{name}" wasn\'t supplied.')
        return None
    value = body[name]
    if not isinstance(value, kind):
        raise ApiError(
            422, f"Invalid request.\n\nFor '{name}', {value!r} is not a {kind.__name__}."
        )
    too_long = isinstance(value, str) and len(value) > MAX_BODY_CHARACTERS
    if name == "body" and too_long:  # of an issue, a pull request, a comment
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {MAX_BODY_CHARACTERS} characters)",
                }
            ],
        )
    return value


# -- users and organisations ---------------------------------------------------------
@route("GET", r"/user")
def _get_self(hub: LocalGitHub, call: Call) -> Answer:
    return 200, hub.user_json(_login_required(call)), {}


@route("GET", r"/user/orgs")
def _get_own_orgs(hub: LocalGitHub, call: Call) -> Answer:
    login = _login_required(call).lower()
    rows = [hub.user_json(o.login) for o in hub.orgs.values() if login in o.members]
    return hub.page(call, rows)


@route("GET", r"/users/([^/]+)")
def _get_user(hub: LocalGitHub, call: Call) -> Answer:
    if call.groups[0].lower() not in hub.users:
        raise ApiError(404, "Not Found")
    return 200, hub.user_json(call.groups[0]), {}


@route("GET", r"/orgs/([^/]+)")
def _get_org(hub: LocalGitHub, call: Call) -> Answer:
    org = hub.orgs.get(call.groups[0].lower())
    if org is None:
        raise ApiError(404, "Not Found")
    return 200, hub.user_json(org.login), {}


@route("GET", r"/orgs/([^/]+)/repos")
def _get_org_repos(hub: LocalGitHub, call: Call) -> Answer:
    org = hub.orgs.get(call.groups[0].lower())
    if org is None:
        raise ApiError(404, "Not Found")
    rows = []
    for repo in sorted(hub.repos.values(), key=lambda r: r.id):
        if repo.owner.lower() == org.login.lower():
            try:
                hub._visible(call, repo)
            except ApiError:
                continue
            rows.append(hub.repo_json(repo, call.user))
    return hub.page(call, rows)


@route("POST", r"/orgs/([^/]+)/repos")
def _create_org_repo(hub: LocalGitHub, call: Call) -> Answer:
    login = _login_required(call)
    org = hub.orgs.get(call.groups[0].lower())
    if org is None:
        raise ApiError(404, "Not Found")
    if login.lower() not in org.members:
        raise ApiError(
            403, "You need admin access to the organization before adding a repository to it."
        )
    private = bool(_field(call, "private", bool, required=False))
    _require_scope(call, "repo" if private else "public_repo", "repo")
    repo = hub.create_repository(
        org.login,
        _field(call, "name"),
        private=private,
        is_template=bool(_field(call, "is_template", bool, required=False)),
    )
    return 201, hub.repo_json(repo, login), {}


def _require_scope(call: Call, *accepted: str) -> None:
    scopes = call.token.scopes if call.token else None
    if scopes is not None and not scopes & set(accepted):
        raise ApiError(
            403,
            f"This request needs the `{accepted[-1]}` scope; the token has: {', '.join(sorted(scopes)) or 'none'}.",
        )


# -- repositories --------------------------------------------------------------------
@route("GET", _R)
def _get_repo(hub: LocalGitHub, call: Call) -> Answer:
    return 200, hub.repo_json(hub._repo(call), call.user), {}


@route("PATCH", _R)
def _edit_repo(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "admin")
    for name in ("is_template", "private"):
        value = _field(call, name, bool, required=False)
        if value is not None:
            setattr(repo, name, value)
    description = _field(call, "description", str, required=False)
    if description is not None:
        repo.description = description
    return 200, hub.repo_json(repo, call.user), {}


@route("POST", _R + r"/generate")
def _generate(hub: LocalGitHub, call: Call) -> Answer:
    login = _login_required(call)
    template = hub._repo(call)
    if not template.is_template:
        raise ApiError(422, f"{template.full_name} is not a template repository")
    owner = _field(call, "owner", str, required=False) or login
    name = _field(call, "name")
    private = bool(_field(call, "private", bool, required=False))
    _require_scope(call, "repo" if private else "public_repo", "repo")
    org = hub.orgs.get(owner.lower())
    if org is not None and login.lower() not in org.members:
        raise ApiError(403, f"You must be a member of {org.login} to create repositories in it.")
    if org is None and owner.lower() != login.lower():
        raise ApiError(422, "Invalid owner", [{"field": "owner", "code": "invalid"}])
    repo = hub.generate(template, owner, name, private, login)
    description = _field(call, "description", str, required=False)
    repo.description = description or ""
    return 201, hub.repo_json(repo, login), {}


# -- refs and commits ----------------------------------------------------------------
@route("GET", _R + r"/git/ref/(.+)")
def _get_ref(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    hub._git_ready(repo)
    ref = f"refs/{call.groups[2]}"
    sha = githttp.resolve(repo.path, ref) if ref.startswith("refs/heads/") else None
    if sha is None:
        if not githttp.branches(repo.path):
            raise ApiError(409, "Git Repository is empty.")
        raise ApiError(404, "Not Found")
    return 200, {"ref": ref, "object": {"sha": sha, "type": "commit"}}, {}


@route("POST", _R + r"/git/refs")
def _create_ref(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    hub._git_ready(repo)
    ref, sha = _field(call, "ref"), _field(call, "sha")
    if not re.fullmatch(r"refs/heads/[A-Za-z0-9._/-]+", ref):
        raise ApiError(422, "Reference name is not valid")
    if githttp.resolve(repo.path, ref) is not None:
        raise ApiError(422, "Reference already exists")
    if githttp.read_commit(repo.path, sha) is None:
        raise ApiError(422, "Object does not exist")
    hub.move_ref(repo, ref, sha, call.user or "")
    return 201, {"ref": ref, "object": {"sha": sha, "type": "commit"}}, {}


@route("PATCH", _R + r"/git/refs/(.+)")
def _update_ref(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    hub._git_ready(repo)
    ref, sha = f"refs/{call.groups[2]}", _field(call, "sha")
    old = githttp.resolve(repo.path, ref)
    if old is None:
        raise ApiError(422, "Reference does not exist")
    if githttp.read_commit(repo.path, sha) is None:
        raise ApiError(422, "Object does not exist")
    if not _field(call, "force", bool, required=False) and not githttp.is_ancestor(
        repo.path, old, sha
    ):
        raise ApiError(422, "Update is not a fast forward")
    hub.move_ref(repo, ref, sha, call.user or "")
    return 200, {"ref": ref, "object": {"sha": sha, "type": "commit"}}, {}


def _commit_json(repo: Repo, commit: githttp.CommitObject) -> dict[str, Any]:
    def person(who: tuple[str, str, str]) -> dict[str, str]:
        return {"name": who[0], "email": who[1], "date": who[2]}

    return {
        "sha": commit.sha,
        "tree": {"sha": commit.tree},
        "parents": [{"sha": p} for p in commit.parents],
        "message": commit.message,
        "author": person(commit.author),
        "committer": person(commit.committer),
    }


@route("GET", _R + r"/git/commits/([0-9a-f]{40})")
def _get_git_commit(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    hub._git_ready(repo)
    commit = githttp.read_commit(repo.path, call.groups[2])
    if commit is None:
        raise ApiError(404, "Not Found")
    return 200, _commit_json(repo, commit), {}


@route("POST", _R + r"/git/commits")
def _create_git_commit(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    hub._git_ready(repo)
    login = call.user or ""
    try:
        githttp.git(repo.path, "cat-file", "-e", f"{_field(call, 'tree')}^{{tree}}")
    except githttp.GitFailed as error:
        raise ApiError(422, "Tree SHA does not exist") from error
    parents = _field(call, "parents", list, required=False) or []
    if any(githttp.read_commit(repo.path, str(p)) is None for p in parents):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    who = (hub.users.get(login.lower(), login), f"{login}@users.noreply.github.com")
    sha = githttp.new_commit(
        repo.path,
        call.body["tree"],
        [str(p) for p in parents],
        _field(call, "message"),
        who,
        hub.now().isoformat(),
    )
    commit = githttp.read_commit(repo.path, sha)
    assert commit is not None
    return 201, _commit_json(repo, commit), {}


@route("GET", _R + r"/commits")
def _list_commits(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    hub._git_ready(repo)
    start = call.query.get("sha", "main")
    sha = githttp.resolve(repo.path, f"refs/heads/{start}") or githttp.resolve(repo.path, start)
    if sha is None:
        if not githttp.branches(repo.path):
            raise ApiError(409, "Git Repository is empty.")
        raise ApiError(404, f"No commit found for SHA: {start}")
    rows = []
    for each in githttp.log(repo.path, sha):
        commit = githttp.read_commit(repo.path, each)
        assert commit is not None
        data = _commit_json(repo, commit)
        rows.append({"sha": each, "commit": data, "parents": data["parents"]})
    return hub.page(call, rows)


# -- pull requests, issues, comments -------------------------------------------------
def _issue(repo: Repo, number: str, pulls_only: bool = False) -> Issue:
    issue = repo.issues.get(int(number))
    if issue is None or (pulls_only and issue.head is None):
        raise ApiError(404, "Not Found")
    return issue


def _branch_of(repo: Repo, spec: str) -> str:
    owner, sep, branch = spec.rpartition(":")
    if sep and owner.lower() != repo.owner.lower():
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
        )
    return branch


@route("GET", _R + r"/pulls")
def _list_pulls(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    state = call.query.get("state", "open")
    head = call.query.get("head")
    base = call.query.get("base")
    rows = [
        hub.pull_json(repo, p)
        for p in repo.pulls()
        if state in ("all", p.state)
        and (head is None or f"{repo.owner}:{p.head}".lower() == head.lower())
        and (base is None or p.base == base)
    ]
    return hub.page(call, rows)


@route("POST", _R + r"/pulls")
def _create_pull(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    head, base = _branch_of(repo, _field(call, "head")), _field(call, "base")
    head_sha = githttp.resolve(repo.path, f"refs/heads/{head}")
    base_sha = githttp.resolve(repo.path, f"refs/heads/{base}")
    if head_sha is None or base_sha is None:
        field_name = "head" if head_sha is None else "base"
        raise ApiError(
            422,
            "Validation Failed",
            [{"resource": "PullRequest", "field": field_name, "code": "invalid"}],
        )
    if any(p.state == "open" and p.head == head and p.base == base for p in repo.pulls()):
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"A pull request already exists for {repo.owner}:{head}.",
                }
            ],
        )
    if not githttp.git(repo.path, "rev-list", f"{base_sha}..{head_sha}").strip():
        raise ApiError(
            422,
            "Validation Failed",
            [
                {
                    "resource": "PullRequest",
                    "code": "custom",
                    "message": f"No commits between {base} and {head}",
                }
            ],
        )
    pull = hub.add_issue(
        repo.full_name,
        _field(call, "title"),
        _field(call, "body", str, False) or "",
        call.user or "",
        head=head,
        base=base,
    )
    return 201, hub.pull_json(repo, pull), {}


@route("GET", _R + r"/pulls/(\d+)")
def _get_pull(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    return 200, hub.pull_json(repo, _issue(repo, call.groups[2], pulls_only=True)), {}


@route("PATCH", _R + r"/pulls/(\d+)")
def _edit_pull(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    pull = _issue(repo, call.groups[2], pulls_only=True)
    _edit_issue_fields(call, pull)
    return 200, hub.pull_json(repo, pull), {}


def _edit_issue_fields(call: Call, issue: Issue) -> None:
    for name in ("title", "body", "state"):
        value = _field(call, name, str, required=False)
        if value is not None:
            if name == "state" and value not in ("open", "closed"):
                raise ApiError(422, "Validation Failed", [{"field": "state", "code": "invalid"}])
            setattr(issue, name, value)


@route("GET", _R + r"/issues")
def _list_issues(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    state, creator = call.query.get("state", "open"), call.query.get("creator")
    rows = [
        hub.issue_json(repo, i)
        for i in sorted(repo.issues.values(), key=lambda i: -i.number)
        if state in ("all", i.state) and (creator is None or i.user.lower() == creator.lower())
    ]
    return hub.page(call, rows)


@route("POST", _R + r"/issues")
def _create_issue(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)  # anyone who can read a repository may open an issue in it
    issue = hub.add_issue(
        repo.full_name,
        _field(call, "title"),
        _field(call, "body", str, False) or "",
        _login_required(call),
    )
    return 201, hub.issue_json(repo, issue), {}


@route("GET", _R + r"/issues/(\d+)")
def _get_issue(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    return 200, hub.issue_json(repo, _issue(repo, call.groups[2])), {}


@route("PATCH", _R + r"/issues/(\d+)")
def _edit_issue(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "triage")
    issue = _issue(repo, call.groups[2])
    _edit_issue_fields(call, issue)
    return 200, hub.issue_json(repo, issue), {}


@route("GET", _R + r"/issues/(\d+)/comments")
def _list_comments(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    issue = _issue(repo, call.groups[2])
    return hub.page(call, [hub.comment_json(repo, c) for c in repo.comments_on(issue.number)])


@route("POST", _R + r"/issues/(\d+)/comments")
def _create_comment(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)  # reading a repository is enough to comment in it
    issue = _issue(repo, call.groups[2])
    comment = hub.add_comment(
        repo.full_name, issue.number, _field(call, "body"), _login_required(call)
    )
    return 201, hub.comment_json(repo, comment), {}


@route("PATCH", _R + r"/issues/comments/(\d+)")
def _edit_comment(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    comment = next((c for c in repo.comments if c.id == int(call.groups[2])), None)
    if comment is None:
        raise ApiError(404, "Not Found")
    if comment.user.lower() != (call.user or "").lower() and LEVELS.index(
        hub.level(repo, call.user)
    ) < LEVELS.index("triage"):
        raise ApiError(403, "Resource not accessible by personal access token")
    comment.body, comment.updated_at = _field(call, "body"), hub.stamp()
    return 200, hub.comment_json(repo, comment), {}


# -- collaborators and invitations ---------------------------------------------------
@route("GET", _R + r"/collaborators")
def _list_collaborators(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    rows = []
    for key, level in sorted(repo.collaborators.items()):
        user = hub.user_json(key)
        user["role_name"] = level
        user["permissions"] = {
            name: LEVELS.index(level) >= LEVELS.index(mapped)
            for name, mapped in API_PERMISSIONS.items()
        }
        rows.append(user)
    return hub.page(call, rows)


@route("GET", _R + r"/collaborators/([^/]+)")
def _is_collaborator(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    key = call.groups[2].lower()
    org = hub.orgs.get(repo.owner.lower())
    if key not in repo.collaborators and (org is None or key not in org.members):
        raise ApiError(404, "Not Found")
    return 204, None, {}


@route("GET", _R + r"/collaborators/([^/]+)/permission")
def _collaborator_permission(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "write")
    login = call.groups[2]
    if login.lower() not in hub.users:
        raise ApiError(404, "Not Found")
    level = hub.level(repo, login)
    legacy = {"triage": "read", "maintain": "write"}.get(level, level)
    return 200, {"permission": legacy, "role_name": level, "user": hub.user_json(login)}, {}


@route("PUT", _R + r"/collaborators/([^/]+)")
def _add_collaborator(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "admin")
    login = call.groups[2]
    if login.lower() not in hub.users or login.lower() in hub.orgs:
        raise ApiError(404, "Not Found")
    wanted = API_PERMISSIONS.get(_field(call, "permission", str, required=False) or "push")
    if wanted is None:
        raise ApiError(422, "Validation Failed", [{"field": "permission", "code": "invalid"}])
    key = login.lower()
    with hub._lock:
        if key in repo.collaborators:
            repo.collaborators[key] = wanted
            return 204, None, {}
        pending = next((i for i in repo.invitations if i.invitee.lower() == key), None)
        if pending is not None:
            pending.permissions = wanted
            return 201, hub.invitation_json(repo, pending), {}
        org = hub.orgs.get(repo.owner.lower())
        if org is not None and key in org.members:
            repo.collaborators[key] = wanted  # members are added without an invitation
            return 204, None, {}
        invitation = Invitation(
            next(hub._ids), hub.users[key], call.user or "", wanted, hub.stamp()
        )
        repo.invitations.append(invitation)
        return 201, hub.invitation_json(repo, invitation), {}


@route("DELETE", _R + r"/collaborators/([^/]+)")
def _remove_collaborator(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "admin")
    repo.collaborators.pop(call.groups[2].lower(), None)
    return 204, None, {}


@route("GET", _R + r"/invitations")
def _list_invitations(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "admin")
    return hub.page(call, [hub.invitation_json(repo, i) for i in repo.invitations])


@route("PATCH", _R + r"/invitations/(\d+)")
def _edit_invitation(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call, "admin")
    invitation = next((i for i in repo.invitations if i.id == int(call.groups[2])), None)
    if invitation is None:
        raise ApiError(404, "Not Found")
    permissions = _field(call, "permissions")
    if permissions not in INVITATION_PERMISSIONS:
        raise ApiError(422, "Validation Failed", [{"field": "permissions", "code": "invalid"}])
    invitation.permissions = permissions
    return 200, hub.invitation_json(repo, invitation), {}


def _own_invitations(hub: LocalGitHub, login: str) -> Iterator[tuple[Repo, Invitation]]:
    for repo in hub.repos.values():
        for invitation in repo.invitations:
            if invitation.invitee.lower() == login.lower():
                yield repo, invitation


@route("GET", r"/user/repository_invitations")
def _list_own_invitations(hub: LocalGitHub, call: Call) -> Answer:
    login = _login_required(call)
    return hub.page(call, [hub.invitation_json(r, i) for r, i in _own_invitations(hub, login)])


@route("PATCH", r"/user/repository_invitations/(\d+)")
def _accept_invitation(hub: LocalGitHub, call: Call) -> Answer:
    login = _login_required(call)
    for repo, invitation in list(_own_invitations(hub, login)):
        if invitation.id == int(call.groups[0]):
            with hub._lock:
                repo.invitations.remove(invitation)
                repo.collaborators[login.lower()] = invitation.permissions
            return 204, None, {}
    raise ApiError(404, "Not Found")


# -- activity ----------------------------------------------------------------------
@route("GET", _R + r"/activity")
def _list_activity(hub: LocalGitHub, call: Call) -> Answer:
    repo = hub._repo(call)
    kind = call.query.get("activity_type")
    ref = call.query.get("ref")
    rows = [
        a
        for a in reversed(repo.activity)  # newest first, as GitHub lists them
        if (kind is None or a["activity_type"] == kind)
        and (ref is None or a["ref"] in (ref, f"refs/heads/{ref}"))
    ]
    if call.query.get("direction") == "asc":
        rows.reverse()
    return hub.page(call, rows)


# ============================================================================== HTTP
def _handler(hub: LocalGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # so that git's "Expect: 100-continue" is answered

        def log_message(self, *args: Any) -> None:  # quiet: tests and the demo print their own
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            from email.utils import format_datetime

            return format_datetime(hub.now(), usegmt=True)  # GitHub's clock is the server's

        def _serve(self) -> None:
            headers = dict(self.headers.items())
            try:
                body = githttp.read_body(headers, self.rfile)  # type: ignore[arg-type]
            except ValueError:
                self._send(413, b"request too large", [("Content-Type", "text/plain")])
                return
            path = urllib.parse.urlsplit(self.path).path
            if path == "/api" or path.startswith("/api/"):
                status, payload, extra = hub.answer(self.command, self.path, headers, body)
                data = b"" if payload is None else json.dumps(payload).encode()
                out = [("Content-Type", "application/json; charset=utf-8"), *extra.items()]
                self._send(status, data, out)
                return
            answer = hub.serve_git(self.command, self.path, headers, body)
            self._send(answer.status, answer.body, answer.headers)

        def _send(self, status: int, data: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler


__all__ = ["DEFAULT_SCOPES", "ApiError", "LocalGitHub", "Repo"]
