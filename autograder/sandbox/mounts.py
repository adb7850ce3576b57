"""The sandbox's file system, built in its own mount namespace (strict and userns mode).

:func:`private_file_system` runs in the namespace's init process, before the
harness is forked, and makes

* the course repository an empty read-only file system in which only
  ``autograder/``, ``course_lib/`` and a virtual environment inside it are
  mounted back (``solutions/``, ``.git``, tests stay invisible unlisted);
* the grader's private paths (``hide``) empty;
* a new root (``pivot_root``) holding only the system folders (read-only),
  the interpreter and this package, a fresh ``/proc`` that shows the PID
  namespace's processes only, a ``/dev`` with the usual character devices
  and nothing else, private size-limited ``/tmp``, ``/var/tmp`` and
  ``/dev/shm``, and a fresh POSIX message queue file system.

Where the new root cannot be made, the whole file system stays, with private
temporary folders and the same fresh ``/proc`` and ``/dev/mqueue``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autograder.sandbox.limits import Limits
from autograder.sandbox.syscalls import (
    MS_BIND,
    MS_NODEV,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
    bind,
    mount,
    pivot_root,
    umount_detached,
)

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
PRIVATE_IN_ROOT = ("solutions", ".git", "tests")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
DEV_LINKS = {
    "fd": "/proc/self/fd",
    "stdin": "/proc/self/fd/0",
    "stdout": "/proc/self/fd/1",
    "stderr": "/proc/self/fd/2",
}
STAGING_ROOT = "/tmp/.autograder-root"


def private_file_system(limits: Limits, hide: tuple[str, ...]) -> None:
    """Build the sandbox's file system (see the module docstring); the caller's mount
    namespace must be new, and the caller the init of a new PID namespace."""
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    root = course_root()
    if root is not None:
        try:
            cover_course_root(root)
        except OSError:  # then at least what is known to be private
            hide = (*hide, *(os.path.join(root, p) for p in PRIVATE_IN_ROOT))
    for path in hide:
        if os.path.isdir(path):
            mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=755")
        elif os.path.exists(path):
            mount("/dev/null", path, None, MS_BIND)
    try:
        _enter_minimal_root(limits, root)
    except OSError:  # then the whole file system, with private folders over the shared ones
        _private_tmps(limits)
        _fresh_proc("/proc")
        _fresh_mqueue("/dev/mqueue")


def course_root() -> str | None:
    """The course repository this package runs from, or None for an installed package."""
    root = PACKAGE_ROOT
    if any(part in ("site-packages", "dist-packages") for part in Path(root).parts):
        return None
    if root == "/" or not os.path.isdir(os.path.join(root, "autograder")):
        return None
    return root


def kept_in_root(root: str) -> tuple[str, ...]:
    """Paths under ``root`` (relative) that must stay visible in the sandbox."""
    keep = {"autograder", "course_lib"}
    for path in (sys.prefix, sys.exec_prefix, sys.base_prefix, os.path.dirname(sys.executable)):
        for candidate in (os.path.abspath(path), os.path.realpath(path)):
            if candidate.startswith(root.rstrip("/") + "/"):
                keep.add(os.path.relpath(candidate, root))
    present = sorted(k for k in keep if os.path.isdir(os.path.join(root, k)))
    # a kept folder inside another kept folder comes along with it
    return tuple(k for k in present if not any(k.startswith(o + "/") for o in present if o != k))


def needed_paths() -> list[str]:
    """Folders the harness needs: this package's root and the interpreter's prefixes."""
    paths = {
        os.path.realpath(p)
        for p in (PACKAGE_ROOT, sys.prefix, sys.base_prefix, os.path.dirname(sys.executable))
    }
    paths |= {os.path.abspath(p) for p in (sys.prefix, os.path.dirname(sys.executable))}
    return outermost(paths)


def outermost(paths: set[str] | list[str]) -> list[str]:
    """``paths`` without those inside another of them, sorted."""
    ordered = sorted(paths)
    return [
        p for p in ordered if not any(p.startswith(o.rstrip("/") + "/") for o in ordered if o != p)
    ]


def cover_course_root(root: str) -> None:
    """Mount an empty read-only file system over ``root``, keeping only :func:`kept_in_root`."""
    kept = [
        (rel, os.open(os.path.join(root, rel), os.O_PATH | os.O_DIRECTORY))
        for rel in kept_in_root(root)
    ]
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
    for rel, fd in kept:
        target = os.path.join(root, rel)
        os.makedirs(target, mode=0o755, exist_ok=True)
        mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=64k,mode=755")


def _enter_minimal_root(limits: Limits, course: str | None) -> None:
    """Make a new root holding only the system folders, the interpreter and this package.

    Other checkouts of the course, the instructor's home folder, other
    students' repositories, the host's devices and processes: nothing
    outside the list is there to find.
    """
    keep = outermost({*needed_paths(), *([course] if course else [])})
    fds = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in keep]  # before /tmp goes
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    new = STAGING_ROOT
    os.mkdir(new, 0o755)
    mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for path in SYSTEM_DIRS:
        target = new + path
        if os.path.islink(path):  # merged /usr: /bin -> usr/bin
            os.symlink(os.readlink(path), target)
        elif os.path.isdir(path):
            os.makedirs(target, 0o755, exist_ok=True)
            bind(path, target)
    _fresh_proc(new + "/proc")
    _minimal_dev(new + "/dev")
    for tmp in TMP_DIRS:
        os.makedirs(new + tmp, 0o755, exist_ok=True)
        _private_tmp(new + tmp, limits)
    for path, fd in fds:
        os.makedirs(new + path, 0o755, exist_ok=True)
        bind(f"/proc/self/fd/{fd}", new + path)
        os.close(fd)
    os.chdir(new)
    os.mkdir(".old", 0o700)
    if pivot_root(".", ".old"):
        os.chroot(".")
        umount_detached("/.old")
        os.rmdir("/.old")
    else:  # without pivot_root the old root stays reachable only by a privileged process
        os.chroot(".")
    os.chdir("/")


def _fresh_proc(target: str) -> None:
    """A ``/proc`` of this PID namespace: the host's processes and their command lines are not in it."""
    os.makedirs(target, 0o555, exist_ok=True)
    mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _minimal_dev(target: str) -> None:
    """``/dev`` with the character devices programs expect, bound from the host, and no others."""
    os.makedirs(target, 0o755, exist_ok=True)
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            Path(target, name).touch(0o666)
            mount(f"/dev/{name}", f"{target}/{name}", None, MS_BIND)
    for name, points_to in DEV_LINKS.items():
        os.symlink(points_to, f"{target}/{name}")
    os.mkdir(f"{target}/shm", 0o1777)  # a private tmpfs is mounted on it
    os.mkdir(f"{target}/mqueue", 0o1777)
    _fresh_mqueue(f"{target}/mqueue")
    mount(None, target, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")


def _fresh_mqueue(target: str) -> None:
    """The POSIX message queues of this IPC namespace at ``target`` (the host's queues are not)."""
    if os.path.isdir(target):
        mount("mqueue", target, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC)


def _private_tmp(target: str, limits: Limits) -> None:
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.tmp_bytes},mode=1777")


def _private_tmps(limits: Limits) -> None:
    """Private, size-limited temporary folders over the host's file system."""
    for tmp in TMP_DIRS:
        if os.path.isdir(tmp):
            # a checkout or interpreter under /tmp must stay visible in the private /tmp
            needed = [
                (path, os.open(path, os.O_PATH | os.O_DIRECTORY))
                for path in needed_paths()
                if path.startswith(tmp + "/")
            ]
            _private_tmp(tmp, limits)
            for path, fd in needed:
                os.makedirs(path, mode=0o755, exist_ok=True)
                bind(f"/proc/self/fd/{fd}", path)
                os.close(fd)
