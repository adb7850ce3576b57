"""Can the sandbox's uid reach the interpreter and this package?

In the weak mode as root, student code runs under a dedicated uid on the
host's own file system (there is no private root whose folders the grader
makes). Every folder on the way to the interpreter, the virtual environment
and the course package must then let that uid in: a checkout in a private
folder (``mktemp -d``, a 0700 home folder) does not. :func:`blocked_paths`
finds the folder that stops it, so the grader can say so before grading
instead of recording an ``error`` for every submission.

Only the permission bits are read (owner, group, others); ACLs are not.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass

from autograder.sandbox import mounts

EXECUTE, READ = 0o1, 0o4


class SandboxUnavailable(Exception):
    """The sandbox this machine offers cannot run here; the message says why and what to do."""


@dataclass(frozen=True)
class Blocked:
    """``folder`` stops ``uid`` on its way to ``needed``."""

    folder: str
    mode: int
    owner: int
    needed: str
    uid: int

    def explain(self) -> str:
        return (
            f"the sandbox runs student code as uid {self.uid}, which cannot enter {self.folder} "
            f"(mode {stat.S_IMODE(self.mode):04o}, owner uid {self.owner}) on its way to "
            f"{self.needed}. Clone the course into a folder every user can enter (not a private "
            f"home folder or `mktemp -d`), or run `chmod o+x {self.folder}`, or grade where the "
            "strict sandbox is available (root with user, mount and PID namespaces)."
        )


def allows(st: os.stat_result, uid: int, gid: int, bits: int) -> bool:
    """Whether ``uid`` (primary group ``gid``, no other groups) has ``bits`` on the file ``st``."""
    if uid == 0:
        return True
    if st.st_uid == uid:
        shift = 6
    elif st.st_gid == gid:
        shift = 3
    else:
        shift = 0
    return (st.st_mode >> shift) & bits == bits


def first_blocked(path: str, uid: int, gid: int) -> Blocked | None:
    """The first folder on the way to ``path`` (as written, and resolved) that ``uid`` cannot
    enter, or ``path`` itself when it cannot read it; None when nothing blocks it."""
    for candidate in dict.fromkeys((os.path.abspath(path), os.path.realpath(path))):
        parts = candidate.strip("/").split("/")
        folder = "/"
        for part in parts:
            try:
                st = os.stat(folder)
            except OSError:
                break
            if not allows(st, uid, gid, EXECUTE):
                return Blocked(folder, st.st_mode, st.st_uid, candidate, uid)
            folder = os.path.join(folder, part)
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        bits = READ | EXECUTE if stat.S_ISDIR(st.st_mode) else READ
        if not allows(st, uid, gid, bits):
            return Blocked(candidate, st.st_mode, st.st_uid, candidate, uid)
    return None


def needed_by_sandbox() -> list[str]:
    """What the harness needs to reach: the interpreter and the folders of :func:`mounts.needed_paths`."""
    return [sys.executable, *mounts.needed_paths()]


def blocked_paths(uid: int, gid: int, paths: list[str] | None = None) -> list[Blocked]:
    """Every distinct blocking folder on the way to ``paths`` (default :func:`needed_by_sandbox`)."""
    found: dict[str, Blocked] = {}
    for path in needed_by_sandbox() if paths is None else paths:
        blocked = first_blocked(path, uid, gid)
        if blocked is not None:
            found.setdefault(blocked.folder, blocked)
    return list(found.values())
