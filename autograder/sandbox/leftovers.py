"""Remove what a sandbox uid left outside its processes: shared temp files and System V IPC.

In the weak mode as root a submission runs under a leased uid but shares
the machine's ``/tmp``, ``/var/tmp``, ``/dev/shm``, POSIX message queues
and System V IPC. Whatever it leaves there outlives its processes, and the
uid is leased again later, to another submission, which could then read
it (a file created ``0600`` by the same uid is readable by the next run under
that uid) or be misled by it (``/tmp/numpy.py`` is imported by any Python
started in ``/tmp``). So every lease begins and ends by removing what its
uid owns in those places (:func:`remove_leftovers`). The namespaced modes
give each run a private ``/tmp`` and IPC namespace: there is nothing to find.

Only top-level entries of the shared folders are removed (a uid can create
nothing deeper in a sticky folder it does not own); a folder is removed
with :func:`shutil.rmtree`, which does not follow symbolic links.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil

from autograder.sandbox.syscalls import libc

SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/dev/mqueue")
IPC_RMID = 0
# /proc/sysvipc file -> (the libc call that removes one, whether it takes a semaphore number)
SYSV_TABLES = {"shm": ("shmctl", False), "msg": ("msgctl", False), "sem": ("semctl", True)}


def remove_leftovers(uid: int) -> int:
    """Remove every shared temp entry and System V IPC object ``uid`` owns; return how many."""
    return _remove_files(uid) + _remove_sysv_ipc(uid)


def _remove_files(uid: int) -> int:
    removed = 0
    for folder in SHARED_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if st.st_uid != uid:
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
    return removed


def _remove_sysv_ipc(uid: int) -> int:
    removed = 0
    for table, (call, numbered) in SYSV_TABLES.items():
        for identifier in _sysv_ids(table, uid):
            arguments: tuple[int, ...] = (
                (identifier, 0, IPC_RMID) if numbered else (identifier, IPC_RMID)
            )
            try:
                function = getattr(libc(), call)
                done = function(*map(ctypes.c_int, arguments), None) == 0
            except (OSError, AttributeError):
                done = False
            removed += done
    return removed


def _sysv_ids(table: str, uid: int) -> list[int]:
    """The ids of ``table``'s objects (``/proc/sysvipc/<table>``) whose owner is ``uid``."""
    try:
        with open(f"/proc/sysvipc/{table}") as stream:
            lines = stream.read().splitlines()
    except OSError:
        return []
    if not lines:
        return []
    header = lines[0].split()
    if "uid" not in header or len(header) < 2:
        return []
    owner, ident = header.index("uid"), 1  # key, then the object's id
    ids = []
    for line in lines[1:]:
        fields = line.split()
        with contextlib.suppress(IndexError, ValueError):
            if int(fields[owner]) == uid:
                ids.append(int(fields[ident]))
    return ids
