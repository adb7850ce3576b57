"""The few system calls the sandbox needs that Python's ``os`` module does not wrap.

``unshare``, ``mount``, ``pivot_root``, ``prctl`` and ``umount2`` through
libc. :func:`libc` is loaded in the grader before any child is forked
(loading a library in a child forked from a threaded process can deadlock).
"""

from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP = 1, 4, 22
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}


@functools.cache
def libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def check(result: int, what: str) -> None:
    """Raise :class:`OSError` with errno's message when a libc call returned non-zero."""
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def unshare(flags: int) -> None:
    check(libc().unshare(flags), "unshare")


def prctl(option: int, value: int) -> int:
    return int(libc().prctl(option, value, 0, 0, 0))


def mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    check(
        libc().mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def bind(source: str, target: str, *, read_only: bool = True) -> None:
    mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def pivot_root(new_root: str, put_old: str) -> bool:
    """``pivot_root(2)`` where this architecture's number is known; False if not done."""
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    return number is not None and libc().syscall(number, new_root.encode(), put_old.encode()) == 0


def umount_detached(target: str) -> None:
    check(libc().umount2(target.encode(), MNT_DETACH), f"umount {target}")
