"""Dedicated sandbox uids, leased per run so that no two runs on a machine share one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass

from autograder.sandbox.leftovers import remove_leftovers
from autograder.sandbox.strays import kill_uid, tasks_of_uid

SANDBOX_UID_BASE = 61000  # a dedicated uid range; no passwd entry is needed
SANDBOX_UID_COUNT = 4000


@dataclass
class UidLease:
    """A sandbox uid no other run on this machine uses while the lease is held.

    The lease is an ``flock`` on a per-uid lock file, so parallel graders (a
    batch, several CI jobs in one container) never share a uid: the process
    limit is per run, and killing "every process of the uid" after a run
    never touches another submission's sandbox. A lease begins and ends with
    the uid owning nothing in the shared temp folders or System V IPC
    (:mod:`autograder.sandbox.leftovers`): one run under a uid never finds
    what an earlier run under it left.
    """

    uid: int
    fd: int

    def release(self) -> None:
        remove_leftovers(self.uid)
        with contextlib.suppress(OSError):
            os.close(self.fd)


def lock_dir() -> str:
    for candidate in ("/run/lock", "/var/lock", tempfile.gettempdir()):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return os.path.join(candidate, "autograder-uids")
    return os.path.join(tempfile.gettempdir(), "autograder-uids")


def lease_uid() -> UidLease:
    import fcntl  # POSIX only; only root leases uids (never in the portable mode)

    directory = lock_dir()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    first = os.getpid() % SANDBOX_UID_COUNT
    for offset in range(SANDBOX_UID_COUNT):
        uid = SANDBOX_UID_BASE + (first + offset) % SANDBOX_UID_COUNT
        fd = os.open(
            os.path.join(directory, str(uid)), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        kill_uid(uid)  # leftovers of a grader that died without cleaning up
        if tasks_of_uid(uid) == 0:  # killed processes not yet reaped still count
            remove_leftovers(uid)
            return UidLease(uid, fd)
        os.close(fd)
    raise RuntimeError("no free sandbox uid: too many grading runs at once")
