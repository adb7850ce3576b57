"""Git over HTTP for the local GitHub: ``git http-backend`` as a CGI program, and the bare repositories.

:class:`autograder.instructor.local_github.LocalGitHub` serves each of its
repositories to ``git`` at ``http://127.0.0.1:PORT/OWNER/NAME.git``: it
authenticates the request and checks the permission itself (as GitHub does:
401 without credentials, 404 for a private repository the user may not read,
403 for a push without write access), then hands the request to git's own
smart-HTTP server, ``git http-backend``. So clones and pushes are real git.

A push is refused, as GitHub refuses it, when it creates or changes a file
under ``.github/workflows/`` with a classic token that lacks the ``workflow``
scope: a ``pre-receive`` hook checks it, told by the environment whether the
pusher's token has that scope.

Also here: the few plumbing commands the REST side needs on a bare
repository (refs, commit objects, new commits), each one ``git`` call.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ZERO = "0" * 40
WORKFLOW_SCOPE_ENV = "LOCAL_GITHUB_WORKFLOW_SCOPE"
MAX_BODY = 512 << 20  # a push this large is refused rather than buffered
GIT_TIMEOUT = 120

# The hook: stdin has "<old> <new> <ref>" lines; a non-zero exit refuses the whole push.
PRE_RECEIVE = f"""#!/bin/sh
[ "${WORKFLOW_SCOPE_ENV}" = "1" ] && exit 0
status=0
while read -r old new ref; do
  [ "$new" = "{ZERO}" ] && continue
  if [ "$old" = "{ZERO}" ]; then
    changed=$(git log --format= --name-only "$new" --not --all -- .github/workflows)
  else
    changed=$(git diff --name-only "$old" "$new" -- .github/workflows)
  fi
  for file in $changed; do
    echo "refusing to allow a Personal Access Token to create or update workflow \\`$file\\` without \\`workflow\\` scope" >&2
    status=1
  done
done
exit $status
"""


def git(
    bare: Path, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> str:
    """Run one git command in ``bare``; its stdout (raises on failure, with git's message)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(bare),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "LC_ALL": "C",
        **(env or {}),
    }
    done = subprocess.run(
        ["git", "-c", "safe.directory=*", *args],
        cwd=bare,
        input=input,
        env=environment,
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise GitFailed(f"git {args[0]}: {done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    return done.stdout.decode("utf-8", "replace")


class GitFailed(RuntimeError):
    """A plumbing command failed (an unknown object, a bad ref)."""


def init_bare(path: Path) -> Path:
    """A new empty bare repository whose default branch is ``main``, with the scope hook."""
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "--bare", "--initial-branch=main", ".")
    git(path, "config", "http.receivepack", "true")
    git(path, "config", "receive.denyNonFastForwards", "false")
    hook = path / "hooks" / "pre-receive"
    hook.write_text(PRE_RECEIVE)
    hook.chmod(0o755)
    return path


def branches(bare: Path) -> dict[str, str]:
    """``refs/heads/NAME`` -> commit of every branch."""
    out = git(bare, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
    pairs = (line.split(" ", 1) for line in out.splitlines() if line)
    return {ref: sha for ref, sha in pairs}


def resolve(bare: Path, ref: str) -> str | None:
    """The commit ``ref`` points at, or None."""
    try:
        return git(bare, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip() or None
    except GitFailed:
        return None


@dataclass(frozen=True)
class CommitObject:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: tuple[str, str, str]  # name, email, ISO date
    committer: tuple[str, str, str]
    message: str


def read_commit(bare: Path, sha: str) -> CommitObject | None:
    """The commit ``sha`` (None when there is no such commit)."""
    fmt = "%H%n%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B"
    try:
        out = git(bare, "show", "-s", f"--format={fmt}", f"{sha}^{{commit}}", "--")
    except GitFailed:
        return None
    lines = out.split("\n")
    return CommitObject(
        lines[0],
        lines[1],
        tuple(lines[2].split()),
        (lines[3], lines[4], lines[5]),
        (lines[6], lines[7], lines[8]),
        "\n".join(lines[9:]).rstrip("\n"),
    )


def log(bare: Path, start: str) -> list[str]:
    """Commits reachable from ``start``, newest first (as GitHub lists a branch's commits)."""
    return git(bare, "rev-list", start, "--").split()


def new_commit(
    bare: Path, tree: str, parents: list[str], message: str, who: tuple[str, str], when: str
) -> str:
    """Write a commit object (no ref moves); its sha."""
    env = {
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_COMMITTER_DATE": when,
    }
    args = ["commit-tree", tree]
    for parent in parents:
        args += ["-p", parent]
    return git(bare, *args, input=message.encode(), env=env).strip()


def is_ancestor(bare: Path, old: str, new: str) -> bool:
    try:
        git(bare, "merge-base", "--is-ancestor", old, new)
    except GitFailed:
        return False
    return True


def copy_tip(source: Path, target: Path, branch: str) -> str:
    """Fetch ``branch`` of ``source`` into ``target``'s objects (no ref); the tip's tree."""
    git(target, "fetch", "--quiet", "--no-tags", str(source), f"refs/heads/{branch}")
    return git(target, "rev-parse", "FETCH_HEAD^{tree}").strip()


# ----------------------------------------------------------------------------- the CGI bridge
@dataclass(frozen=True)
class CgiAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def read_body(headers: Mapping[str, str], stream: BinaryIO) -> bytes:
    """The request body, by Content-Length or chunked transfer (git sends large pushes chunked)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        size = 0
        while True:
            line = stream.readline(1024).strip()
            length = int(line.split(b";")[0] or b"0", 16)
            if length == 0:
                while stream.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            size += length
            if size > MAX_BODY:
                raise ValueError("request body too large")
            parts.append(stream.read(length))
            stream.readline(1024)  # the CRLF after each chunk
    length = int(lowered.get("content-length") or 0)
    if length > MAX_BODY:
        raise ValueError("request body too large")
    return stream.read(length) if length else b""


def http_backend(
    project_root: Path,
    *,
    method: str,
    path_info: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    remote_user: str,
    workflow_scope: bool,
) -> CgiAnswer:
    """Run ``git http-backend`` for one request and parse its CGI answer."""
    lowered = {k.lower(): v for k, v in headers.items()}
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(project_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": str(project_root),
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "CONTENT_TYPE": lowered.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": remote_user,
        "REMOTE_ADDR": "127.0.0.1",
        "GIT_HTTP_MAX_REQUEST_BUFFER": str(MAX_BODY),
        WORKFLOW_SCOPE_ENV: "1" if workflow_scope else "0",
    }
    for name in ("content-encoding", "git-protocol", "accept"):
        if name in lowered:
            env["HTTP_" + name.upper().replace("-", "_")] = lowered[name]
    done = subprocess.run(
        ["git", "http-backend"],
        input=body,
        env=env,
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    raw = done.stdout
    if b"\r\n\r\n" in raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
    else:
        head, _, rest = raw.partition(b"\n\n")
    status, answer_headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name:
            answer_headers.append((name.strip(), value.strip()))
    if done.returncode != 0 and not raw:
        return CgiAnswer(500, [], done.stderr[-500:])
    return CgiAnswer(status, answer_headers, rest)


__all__ = [
    "ZERO",
    "CgiAnswer",
    "CommitObject",
    "GitFailed",
    "branches",
    "copy_tip",
    "git",
    "http_backend",
    "init_bare",
    "is_ancestor",
    "log",
    "new_commit",
    "read_body",
    "read_commit",
    "resolve",
]
