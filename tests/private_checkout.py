"""Run the suite from a checkout that other users cannot enter (``mktemp -d``, a 0700 home).

Run as root, the suite grades as other users: the sandbox's dedicated uids
(weak mode as root) and ``nobody`` (the hostile cases of an ordinary user).
They must reach the interpreter, its virtual environment and this checkout.
When a folder on the way stops them, :func:`open_the_way` moves this test
process into a private mount namespace in which each blocking folder is
covered with an empty traversable one holding only the entries on the way
(bound back from the original). Paths stay the same, nothing on disk
changes, and nothing else of the private folder becomes visible. Every
process the suite starts inherits that view.

Outside the tests the grader does not do this: it says which folder blocks
the sandbox's uid and what to do (:mod:`autograder.sandbox.reachability`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.sandbox.mounts import outermost
from autograder.sandbox.reachability import blocked_paths, needed_by_sandbox
from autograder.sandbox.syscalls import (
    CLONE_NEWNS,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_PRIVATE,
    MS_REC,
    mount,
    unshare,
)
from autograder.sandbox.uids import SANDBOX_UID_BASE

NOBODY = 65534
OTHER_USERS = (SANDBOX_UID_BASE, NOBODY)  # neither owns nor shares a group with the checkout


def needed_paths(root: Path) -> list[str]:
    """What other users must reach: the interpreter, its environment and the checkout."""
    paths = [*needed_by_sandbox(), str(root)]
    return list(dict.fromkeys([*paths, *(os.path.realpath(p) for p in paths)]))


def blocked_for_others(root: Path) -> list[str]:
    return sorted(
        {b.folder for uid in OTHER_USERS for b in blocked_paths(uid, uid, needed_paths(root))}
    )


def open_the_way(root: Path) -> str | None:
    """As root, when some folder blocks other users: enter a private mount namespace that opens
    the way (see the module docstring). Returns a line saying what was done, or None."""
    if os.geteuid() != 0 or not sys.platform.startswith("linux"):
        return None
    blocked = blocked_for_others(root)
    if not blocked:
        return None
    unshare(CLONE_NEWNS)  # before any thread shares this process's file-system context
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    paths = needed_paths(root)
    for _ in range(64):  # each round covers the outermost blocking folders
        folders = blocked_for_others(root)
        if not folders:
            return (
                f"the checkout's way is closed to other users at {', '.join(blocked)}: the tests "
                "run in a private mount namespace that opens it (nothing on disk changes)"
            )
        for folder in outermost(folders):
            _cover(folder, paths)
    raise RuntimeError(f"could not open the way to {paths}")


def _cover(folder: str, paths: list[str]) -> None:
    """Cover ``folder`` with a traversable tmpfs holding only its entries on the way to ``paths``."""
    entries = sorted(
        {
            os.path.relpath(p, folder).split("/")[0]
            for p in paths
            if p.startswith(folder.rstrip("/") + "/")
        }
    )
    if not entries:
        raise RuntimeError(f"{folder} itself must be readable by other users")
    kept = [(entry, os.open(os.path.join(folder, entry), os.O_PATH)) for entry in entries]
    mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
    for entry, fd in kept:
        target = os.path.join(folder, entry)
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.mkdir(target, 0o755)
        else:
            Path(target).touch(0o644)
        mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        os.close(fd)
