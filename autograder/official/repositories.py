"""Students' repositories: where they are, bare clones, commit history, the notebook from git objects.

Where a student's repository comes from (in this order):

1. the roster's ``repo`` column: a local path or a git URL;
2. ``--repos DIR``: ``DIR/<prefix><owner>`` or ``DIR/<owner>`` (local clones);
3. ``--repos URL_TEMPLATE`` with ``{student}`` (filled with the owner), e.g.
   ``https://github.com/my-course/week01-{student}.git``;
4. ``--repos ORG`` (a GitHub organisation, needs ``GITHUB_TOKEN``): the
   organisation's repositories named ``<prefix><owner>``.

The owner is the student, or their team (the roster's ``team`` column): the
naming rule of :mod:`autograder.official.naming`, the one ``distribute``
creates repositories with. A name of the week that belongs to nobody on the
roster, or a misspelt one (``week01_alice``, ``alice-week01``, ``Week1-alice``,
``week01-alcie``: listed with the name it was probably meant to have), stops
the regrade with the list. A ``--repos`` folder that does not exist says so.

A clone that fails because the repository does not exist gives the student
the status ``missing``; any other failure (an expired token, a network
error, a timeout) is ``error`` with git's whole message, every credential
in it replaced by ``***`` (:func:`redacted`), so a bad token never marks a
class missing.

Every repository is first copied into a **bare** clone in the grader's
work folder (``git clone --bare``, so no hook, config or work tree of the
student's copy is used), and the notebook is read from git objects with
``git cat-file`` at the chosen commit: a symlinked or oversized notebook is
refused, never followed, so it cannot point at instructor files.

Commit times: a commit's date is set by the student and can be forged. When
the repositories come from GitHub, the time GitHub *received* each push
(the repository activity API) is used instead, and the gradebook's
``time_source`` column says ``push``; otherwise it says ``commit``. A commit
whose date is missing, malformed or outside any real time (before git
existed, or beyond what a date can hold, such as the year 11476) has no
usable time: it is never chosen for the deadline (unless a push time gives
it one), the newest commit with a usable time is graded instead, and the
row's note says which commits were passed over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from autograder.files import MAX_NOTEBOOK_BYTES
from autograder.github.git_auth import git_auth_env
from autograder.official import naming
from autograder.official.roster import CollectError, RosterEntry

GIT_TIMEOUT = 300
TIME_COMMIT, TIME_PUSH = "commit", "push"
EARLIEST_COMMIT = dt.datetime(2005, 4, 7, tzinfo=dt.UTC)  # git's first commit: nothing is older
SECONDS_PER_YEAR = 31_556_952  # the mean Gregorian year


@dataclass(frozen=True)
class Commit:
    sha: str
    time: dt.datetime | None  # None: the commit's date is unusable (see ``problem``)
    source: str  # TIME_COMMIT or TIME_PUSH
    problem: str = ""  # why the date is unusable, e.g. "dated in the year 11476"


class RestClient(Protocol):
    """What we use of ``autograder.github.client.GitHubClient``."""

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> Iterable[Any]: ...


# ----------------------------------------------------------------------------- where the repos are
@dataclass
class RepoIndex:
    """Student -> repository location (path or URL), plus push times where GitHub knows them."""

    locations: dict[str, str]
    unknown: list[str] = field(default_factory=list)  # repositories of no roster student
    pushes: dict[str, list[tuple[str, str, dt.datetime]]] | None = (
        None  # student -> (before, after, time)
    )
    auth_header: str | None = None

    def check_against(self, roster: list[RosterEntry]) -> None:
        """Refuse (loudly) repositories that belong to nobody on the roster."""
        if self.unknown:
            raise CollectError(
                f"{len(self.unknown)} repositories belong to no student on the roster: "
                + ", ".join(sorted(self.unknown)[:20])
                + " (add them to the roster, or move them out of the way)"
            )


def index_repositories(
    roster: list[RosterEntry],
    repos: str,
    prefix: str,
    *,
    client: RestClient | None = None,
    token: str | None = None,
) -> RepoIndex:
    """Find each roster student's repository in ``repos`` (see the module docstring)."""
    owners = {a.owner.lower(): a for a in naming.assignees(roster)}
    index = RepoIndex({})
    if "{student}" in repos:
        for assignee in owners.values():
            _place(index, assignee, repos.format(student=assignee.owner))
    elif Path(repos).is_dir():
        for child in sorted(Path(repos).iterdir()):
            if not child.is_dir() or child.name.startswith("."):
                continue
            owner = naming.owner_in_name(child.name, prefix, owners)
            if owner is None and child.name.lower() in owners:
                owner = child.name.lower()  # DIR/<owner> without the prefix
            if owner is not None:
                _place(index, owners[owner], str(child.resolve()))
            else:
                _note_stranger(index, child.name, prefix, owners)
    elif "://" not in repos and (Path(repos).exists() or "/" in repos or repos.startswith(".")):
        raise CollectError(f"--repos {repos!r} is not a folder (no such directory here)")
    elif re.match(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", repos):
        index = _index_organisation(repos, prefix, owners, client=client, token=token)
    else:
        raise CollectError(
            f"--repos {repos!r} is not a folder, a URL template with {{student}}, or an organisation"
        )
    for entry in roster:
        if entry.repo:
            index.locations[entry.student] = entry.repo
    return index


def _place(index: RepoIndex, assignee: naming.Assignee, location: str) -> None:
    for member in assignee.members:
        index.locations[member.student] = location


def _note_stranger(
    index: RepoIndex, name: str, prefix: str, owners: dict[str, naming.Assignee]
) -> None:
    """A repository of the week that is nobody's, or a misnamed one, is listed; others are not ours."""
    meant = naming.misnamed_owner(name, prefix, owners)
    if meant is not None:
        right = naming.repository_name(prefix, owners[meant].owner)
        index.unknown.append(f"{name} (misnamed: {right}?)")
    elif naming.of_this_week(name, prefix):
        index.unknown.append(name)


def _index_organisation(
    org: str,
    prefix: str,
    owners: dict[str, naming.Assignee],
    *,
    client: RestClient | None,
    token: str | None,
) -> RepoIndex:
    token = token or os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if client is None:
        if not token:
            raise CollectError(
                f"--repos {org!r} is no folder here, and listing the repositories of a GitHub "
                "organisation of that name needs a token: set GITHUB_TOKEN"
            )
        from autograder.github.client import DEFAULT_API_URL, GitHubClient

        client = GitHubClient(token, os.environ.get("GITHUB_API_URL", DEFAULT_API_URL))
    if not prefix:
        raise CollectError("listing an organisation's repositories needs a name prefix (--prefix)")
    index = RepoIndex({}, pushes={})
    try:
        listed = list(client.paginate(f"/orgs/{org}/repos", {"per_page": 100, "type": "all"}))
    except Exception as error:  # the API said no (token, organisation name): a usage problem
        raise CollectError(f"cannot list the repositories of {org}: {error}") from error
    template = naming.template_name(prefix).lower()
    for repo in listed:
        name = str(repo.get("name", ""))
        owner = naming.owner_in_name(name, prefix, owners)
        if owner is None:
            if not repo.get("is_template") and name.lower() != template:
                _note_stranger(index, name, prefix, owners)
            continue
        _place(
            index,
            owners[owner],
            str(repo.get("clone_url") or f"https://github.com/{org}/{name}.git"),
        )
        try:
            events = push_events(client, org, name)
        except Exception:  # no activity for this repository: its rows say time_source "commit"
            continue
        assert index.pushes is not None
        for member in owners[owner].members:
            index.pushes[member.student] = events
    if token:
        from autograder.github.git_auth import basic_auth_header

        index.auth_header = basic_auth_header(token)
    return index


def push_events(client: RestClient, owner: str, name: str) -> list[tuple[str, str, dt.datetime]]:
    """(before, after, received) for every push GitHub recorded on the repository."""
    events = []
    for activity in client.paginate(
        f"/repos/{owner}/{name}/activity", {"per_page": 100, "activity_type": "push"}
    ):
        when = dt.datetime.fromisoformat(
            str(activity["timestamp"]).replace("Z", "+00:00")
        ).astimezone(dt.UTC)
        events.append((str(activity.get("before", "")), str(activity["after"]), when))
    return events


def _is_git_repository(path: Path) -> bool:
    return (path / ".git").exists() or (path / "HEAD").is_file()


# ----------------------------------------------------------------------------- git, read-only
def _git(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
    }
    base.update(env or {})
    command = [
        "git",
        "-c",
        "safe.directory=*",
        "-c",
        "protocol.file.allow=always",
        "-c",
        "core.hooksPath=/dev/null",
        *args,
    ]
    try:
        return subprocess.run(
            command, cwd=cwd, env=base, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        # A huge or stalling repository fails like any other git error: the student still gets a row.
        message = f"git {args[0]} timed out after {GIT_TIMEOUT} s".encode()
        return subprocess.CompletedProcess(command, 124, b"", message)


NO_REPOSITORY = "no git repository there"
# What git says when the repository itself is not there (GitHub over https and ssh, a local path).
_ABSENT = re.compile(
    r"repository not found|does not appear to be a git repository|repository '[^']*' not found",
    re.IGNORECASE,
)


def repository_absent(message: str) -> bool:
    """Whether a failed clone's message says the repository does not exist (else: an error)."""
    return message == NO_REPOSITORY or bool(_ABSENT.search(message))


def redacted(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with credentials replaced by ``***``: user:password in URLs, and each secret given.

    The tokens in ``GITHUB_TOKEN`` / ``GH_TOKEN`` are always among the secrets.
    """
    known = [*secrets, os.environ.get("GITHUB_TOKEN", ""), os.environ.get("GH_TOKEN", "")]
    for secret in sorted({s for s in known if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    text = re.sub(r"(?i)(authorization:\s*\w+\s+)\S+", r"\1***", text)
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", text)


def clone_bare(
    location: str, dest: Path, auth_header: str | None = None
) -> tuple[Path | None, str]:
    """A bare copy of ``location`` at ``dest``: (path, "") or (None, why it failed).

    ``why`` is git's whole message (credentials redacted); :func:`repository_absent`
    tells a repository that is not there from a clone that failed.
    """
    source = location
    if not re.match(r"^[a-z+]+://|^[^/]+@[^/]+:", location):
        path = Path(location)
        if not _is_git_repository(path):
            return None, NO_REPOSITORY
        source = path.resolve().as_uri()
    env = git_auth_env(auth_header) if auth_header else {}
    done = _git("clone", "--bare", "--quiet", "--no-hardlinks", "--", source, str(dest), env=env)
    if done.returncode != 0:
        why = " ".join(done.stderr.decode("utf-8", "replace").split()) or "git clone failed"
        secrets = [auth_header.split()[-1]] if auth_header else []
        return None, redacted(why, secrets)[:2000]
    return dest, ""


def history(bare: Path) -> list[Commit]:
    """Every commit reachable from HEAD, newest first (empty repository: []).

    A commit whose committer date is unusable is listed with ``time=None``
    and the reason (see the module docstring), never dropped and never a crash.
    """
    done = _git("log", "--format=%H %ct", "HEAD", cwd=bare)
    commits = []
    for line in done.stdout.decode("ascii", "replace").split("\n"):
        sha, _, stamp = line.strip().partition(" ")
        if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
            time, problem = commit_time(stamp.strip())
            commits.append(Commit(sha, time, TIME_COMMIT, problem))
    return commits  # none when there is no HEAD: an empty repository


def commit_time(stamp: str) -> tuple[dt.datetime | None, str]:
    """The time of a ``%ct`` timestamp, or (None, why it cannot be a commit's time)."""
    if not re.fullmatch(r"-?[0-9]{1,30}", stamp):
        return None, "has no valid date"
    seconds = int(stamp)
    try:
        time = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None, f"is dated in the year {1970 + seconds // SECONDS_PER_YEAR}"
    if time < EARLIEST_COMMIT:
        return None, f"is dated {time.date().isoformat()}, before git existed"
    return time, ""


def apply_push_times(
    bare: Path, commits: list[Commit], pushes: list[tuple[str, str, dt.datetime]]
) -> list[Commit]:
    """Replace commit dates by the time GitHub received each commit (the earliest push that brought it)."""
    received: dict[str, dt.datetime] = {}
    for before, after, when in sorted(pushes, key=lambda p: p[2]):
        spec = [after] + ([f"^{before}"] if before and set(before) != {"0"} else [])
        done = _git("rev-list", *spec, cwd=bare)
        if done.returncode != 0:
            continue  # a force-pushed-over commit we no longer have
        for sha in done.stdout.decode().split():
            received.setdefault(sha, when)
    return [Commit(c.sha, received[c.sha], TIME_PUSH) if c.sha in received else c for c in commits]


def choose_commit(commits: list[Commit], cutoff: dt.datetime) -> tuple[Commit | None, bool]:
    """(the newest commit at or before ``cutoff``, whether newer commits exist).

    Commits without a usable time are neither: see :func:`unusable_dates`.
    """
    timed = [(c, c.time) for c in commits if c.time is not None]
    eligible = [(c, time) for c, time in timed if time <= cutoff]
    later = any(time > cutoff for _, time in timed)
    if not eligible:
        return None, later
    # max keeps the first (newest in history) on ties
    return max(eligible, key=lambda pair: pair[1])[0], later


def unusable_dates(commits: list[Commit], shown: int = 3) -> str:
    """A note naming the commits whose dates could not be used for the deadline ("" if none)."""
    unusable = [c for c in commits if c.time is None]
    if not unusable:
        return ""
    named = "; ".join(f"commit {c.sha[:12]} {c.problem}" for c in unusable[:shown])
    more = f" and {len(unusable) - shown} more" if len(unusable) > shown else ""
    return (
        f"{len(unusable)} commit(s) without a usable date were not considered for the deadline "
        f"({named}{more})"
    )


def notebook_problem(data: bytes) -> str:
    """Why ``data`` is not a notebook (invalid JSON, say after a merge conflict), or "" if it is one."""
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as error:
        return f"the notebook is not UTF-8 text ({error.reason} at byte {error.start})"
    except json.JSONDecodeError as error:
        return f"the notebook is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
    except (ValueError, RecursionError) as error:
        return f"the notebook is not valid JSON: {error}"
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        return "the file is JSON but not a notebook (no list of cells)"
    return ""


def read_notebook_blob(bare: Path, commit: str, path: str) -> tuple[bytes | None, str]:
    """The notebook at ``commit:path`` from git objects: (bytes, "") or (None, why not)."""
    done = _git("ls-tree", "-z", commit, "--", path, cwd=bare)
    entry = done.stdout.decode("utf-8", "replace").rstrip("\0")
    if done.returncode != 0 or not entry:
        return None, f"no {path} in this commit: was it renamed, moved or never committed?"
    meta, _, _ = entry.partition("\t")
    mode, kind, blob = meta.split()
    if mode == "120000":
        return None, f"{path} is a symbolic link; commit the notebook file itself"
    if kind != "blob" or mode not in ("100644", "100755"):
        return None, f"{path} is not a regular file in this commit"
    size = _git("cat-file", "-s", blob, cwd=bare)
    if size.returncode != 0 or int(size.stdout or 0) > MAX_NOTEBOOK_BYTES:
        return None, f"{path} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB"
    data = _git("cat-file", "blob", blob, cwd=bare)
    if data.returncode != 0:
        return None, f"{path} cannot be read from git"
    return data.stdout, ""


__all__ = [
    "Commit",
    "RepoIndex",
    "apply_push_times",
    "choose_commit",
    "clone_bare",
    "commit_time",
    "history",
    "index_repositories",
    "notebook_problem",
    "push_events",
    "read_notebook_blob",
    "redacted",
    "repository_absent",
    "unusable_dates",
]
