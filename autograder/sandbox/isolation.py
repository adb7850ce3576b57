"""Isolate the child before it runs student code: namespaces, mounts, limits, uid, environment.

``strict``  (the grader runs as root, as in CI containers) new network and
            mount namespaces, a private size-limited ``/tmp``, private
            course paths (``solutions/``, reference and output folders)
            hidden behind empty mounts, then a drop to a dedicated
            unprivileged uid/gid before any student code runs.
``userns``  (an ordinary user whose kernel allows user namespaces) the
            same namespaces inside a user namespace; the uid stays yours.
``weak``    neither is available: limits, clean environment and the empty
            working directory only. Network and the file system are NOT
            isolated; :func:`isolation` says so and every record carries it.

:func:`enter_sandbox` runs in the forked child between ``fork`` and ``exec``.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograder.sandbox.limits import Limits
from autograder.sandbox.strays import RUN_TAG_VARIABLE, tasks_of_uid
from autograder.sandbox.uids import SANDBOX_UID_BASE, lease_uid
from autograder.wire.export import Isolation

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)
PRIVATE_IN_ROOT = ("solutions", ".git", "tests")
PASS_THROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1,
    2,
    4,
    32,
    4096,
    16384,
    1 << 18,
)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38


# --------------------------------------------------------------------------- libc
@functools.cache
def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    libc = _libc()
    _check(
        libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


# --------------------------------------------------------------------------- child set-up
def _course_root() -> str | None:
    """The course repository this package runs from, or None for an installed package.

    In strict and userns mode the whole course repository is replaced by an
    empty file system in which only the code the harness needs (``autograder/``,
    ``course_lib/``, a virtual environment inside the repository) is mounted
    back: ``solutions/``, ``.git`` (whose objects hold the same files),
    tests and anything added later stay invisible without being listed.
    """
    root = PACKAGE_ROOT
    if any(part in ("site-packages", "dist-packages") for part in Path(root).parts):
        return None
    if root == "/" or not os.path.isdir(os.path.join(root, "autograder")):
        return None
    return root


def _kept_in_root(root: str) -> tuple[str, ...]:
    """Paths under ``root`` (relative) that must stay visible in the sandbox."""
    keep = {"autograder", "course_lib"}
    for path in (sys.prefix, sys.exec_prefix, sys.base_prefix, os.path.dirname(sys.executable)):
        for candidate in (os.path.abspath(path), os.path.realpath(path)):
            if candidate.startswith(root.rstrip("/") + "/"):
                keep.add(os.path.relpath(candidate, root))
    present = sorted(k for k in keep if os.path.isdir(os.path.join(root, k)))
    # a kept folder inside another kept folder comes along with it
    return tuple(k for k in present if not any(k.startswith(o + "/") for o in present if o != k))


def _needed_paths() -> list[str]:
    """Folders the harness needs: this package's root and the interpreter's prefixes."""
    paths = {
        os.path.realpath(p)
        for p in (PACKAGE_ROOT, sys.prefix, sys.base_prefix, os.path.dirname(sys.executable))
    }
    paths |= {os.path.abspath(p) for p in (sys.prefix, os.path.dirname(sys.executable))}
    ordered = sorted(paths)
    return [
        p for p in ordered if not any(p.startswith(o.rstrip("/") + "/") for o in ordered if o != p)
    ]


def _cover_course_root(root: str) -> None:
    """Mount an empty read-only file system over ``root``, keeping only :func:`_kept_in_root`."""
    kept = [
        (rel, os.open(os.path.join(root, rel), os.O_PATH | os.O_DIRECTORY))
        for rel in _kept_in_root(root)
    ]
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
    for rel, fd in kept:
        target = os.path.join(root, rel)
        os.makedirs(target, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    _mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=64k,mode=755")


SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")
TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
STAGING_ROOT = "/tmp/.autograder-root"
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
MNT_DETACH = 2


def _bind(source: str, target: str, *, read_only: bool = True) -> None:
    _mount(source, target, None, MS_BIND | MS_REC)
    if read_only:
        _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _enter_minimal_root(limits: Limits, course_root: str | None) -> None:
    """Make a new root holding only the system folders, the interpreter and this package.

    Other checkouts of the course, the instructor's home folder, other
    students' repositories: nothing outside the list is there to find.
    ``/dev`` and ``/proc`` are the host's (there is no PID namespace), the
    temporary folders are private and size-limited.
    """
    keep = sorted({*_needed_paths(), *([course_root] if course_root else [])})
    keep = [p for p in keep if not any(p.startswith(o.rstrip("/") + "/") for o in keep if o != p)]
    fds = [
        (path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in keep
    ]  # before /tmp is covered
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    new = STAGING_ROOT
    os.mkdir(new, 0o755)
    _mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for path in SYSTEM_DIRS:
        target = new + path
        if os.path.islink(path):  # merged /usr: /bin -> usr/bin
            os.symlink(os.readlink(path), target)
        elif os.path.isdir(path):
            os.makedirs(target, 0o755, exist_ok=True)
            _bind(path, target)
    for path in ("/dev", "/proc"):
        os.makedirs(new + path, 0o755, exist_ok=True)
        _bind(path, new + path, read_only=False)
    for tmp in TMP_DIRS:
        os.makedirs(new + tmp, 0o755, exist_ok=True)
        _mount(
            "tmpfs", new + tmp, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.tmp_bytes},mode=1777"
        )
    for path, fd in fds:
        os.makedirs(new + path, 0o755, exist_ok=True)
        _bind(f"/proc/self/fd/{fd}", new + path)
        os.close(fd)
    os.chdir(new)
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    os.mkdir(".old", 0o700)
    if number is not None and _libc().syscall(number, b".", b".old") == 0:
        os.chroot(".")
        _check(_libc().umount2(b"/.old", MNT_DETACH), "umount the old root")
        os.rmdir("/.old")
    else:  # without pivot_root the old root stays reachable only by a privileged process
        os.chroot(".")
    os.chdir("/")


def _private_tmps(limits: Limits) -> None:
    """Private, size-limited temporary folders over the host's file system."""
    for tmp in TMP_DIRS:
        if os.path.isdir(tmp):
            # a checkout or interpreter under /tmp must stay visible in the private /tmp
            needed = [
                (path, os.open(path, os.O_PATH | os.O_DIRECTORY))
                for path in _needed_paths()
                if path.startswith(tmp + "/")
            ]
            _mount(
                "tmpfs", tmp, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.tmp_bytes},mode=1777"
            )
            for path, fd in needed:
                os.makedirs(path, mode=0o755, exist_ok=True)
                _bind(f"/proc/self/fd/{fd}", path)
                os.close(fd)


def enter_sandbox(
    mode: str,
    uid: int | None,
    limits: Limits,
    hide: tuple[str, ...],
    workdir: str,
    processes: int,
) -> None:
    """Runs in the forked child before exec (``preexec_fn``): namespaces, mounts, limits, uid."""
    libc = _libc()
    # the grader made itself non-dumpable; its child must not be, or it could
    # not write its own /proc/self/uid_map (exec makes it dumpable anyway)
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    if mode in ("strict", "userns"):
        real_uid, real_gid = os.getuid(), os.getgid()
        flags = CLONE_NEWNS | CLONE_NEWNET | (CLONE_NEWUSER if mode == "userns" else 0)
        _check(libc.unshare(flags), "unshare")
        if mode == "userns":
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{real_uid} {real_uid} 1")
            Path("/proc/self/gid_map").write_text(f"{real_gid} {real_gid} 1")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        root: str | None = _course_root()
        if root is not None:
            try:
                _cover_course_root(root)
            except OSError:  # then at least what is known to be private
                hide = (*hide, *(os.path.join(root, p) for p in PRIVATE_IN_ROOT))
        for path in hide:
            if os.path.isdir(path):
                _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=755")
            elif os.path.exists(path):
                _mount("/dev/null", path, None, MS_BIND)
        try:
            _enter_minimal_root(limits, root)
        except OSError:  # then the whole file system, with private /tmp folders
            _private_tmps(limits)
        os.mkdir(workdir, 0o700)
        if uid is not None:
            os.chown(workdir, uid, uid)
    os.chdir(workdir)
    os.umask(0o077)
    for which, value in (
        (resource.RLIMIT_CPU, int(limits.run_seconds * 2)),
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (value, value))
    if processes > 0:
        # RLIMIT_NPROC counts every task (threads too) of the real uid; root ignores it
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def process_limit(uid: int | None, limits: Limits) -> int:
    """RLIMIT_NPROC for the child: its own budget on a dedicated uid, else on top of ours."""
    if uid is not None:
        return limits.processes
    if os.geteuid() == 0:
        return 0  # root ignores RLIMIT_NPROC; only the uid drop gives a process limit
    return tasks_of_uid(os.getuid()) + limits.processes


def clean_env(workdir: str, run_tag: str = "") -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{workdir}/.matplotlib",
        # one thread: identical floating-point results on every machine, and
        # batch grading scales across cores instead of oversubscribing them
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "CUDA_VISIBLE_DEVICES": "",
        # a student's logging call can never wait on a network or slow grading
        "WANDB_MODE": "disabled",
        "WANDB_SILENT": "true",
        "AUTOGRADER_SANDBOX": "1",
    }
    if run_tag:
        env[RUN_TAG_VARIABLE] = run_tag  # finds the run's stray processes when no uid is dedicated
    for name in PASS_THROUGH_ENV:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


# --------------------------------------------------------------------------- isolation
def _try_mode(mode: str, uid: int | None) -> bool:
    workdir = f"/tmp/autograder-probe-{os.getpid()}" if mode != "weak" else "/"
    try:
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", "import os; os.listdir('.')"],
            preexec_fn=functools.partial(enter_sandbox, mode, uid, Limits(), (), workdir, 0),
            env=clean_env(workdir),
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


@functools.cache
def isolation() -> Isolation:
    """Detect the strongest sandbox this machine allows (cached per process).

    ``AUTOGRADER_SANDBOX_MODE=weak|userns|strict`` forces a mode (tests use it).
    ``uid`` is the first uid of the dedicated range when the grader runs as
    root (each run leases its own uid from that range); in weak mode as root
    student code still runs under a dedicated uid.
    """
    forced = os.environ.get("AUTOGRADER_SANDBOX_MODE")
    candidates = [forced] if forced else ["strict", "userns", "weak"]
    notes: list[str] = []
    for mode in candidates:
        if mode == "strict":
            if os.geteuid() != 0:
                continue
            lease = lease_uid()
            try:
                works = _try_mode("strict", lease.uid)
            finally:
                lease.release()
            if works:
                return Isolation("strict", SANDBOX_UID_BASE, True, True)
            notes.append("running as root, but namespaces or the uid drop failed")
        elif mode == "userns":
            if _try_mode("userns", None):
                return Isolation("userns", None, True, True, tuple(notes))
            notes.append("user namespaces are not available")
        elif mode == "weak":
            notes.append("student code can reach the network and read files the grader can read")
            uid = SANDBOX_UID_BASE if os.geteuid() == 0 else None
            return Isolation("weak", uid, False, False, tuple(notes))
    raise RuntimeError(f"sandbox mode {forced!r} is not available on this machine")


def protect_grader_process() -> None:
    """Without a dedicated uid the submission runs as our uid: make this process
    non-dumpable, so that it cannot read our ``/proc/<pid>/environ``, ``mem``,
    ``cwd`` or ``root`` (the references are in memory; secrets may be in the
    environment). Other processes of the same user stay readable (documented)."""
    with contextlib.suppress(Exception):
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def hideable(paths: Sequence[str | os.PathLike[str]]) -> tuple[str, ...]:
    """Private paths to hide, minus any that would hide the interpreter or this package."""
    needed = [os.path.realpath(sys.executable), os.path.realpath(sys.prefix), PACKAGE_ROOT]
    out = []
    for path in paths:
        real = os.path.realpath(path)
        if not os.path.exists(real):
            continue
        if any(n == real or n.startswith(real.rstrip("/") + "/") for n in needed):
            continue
        out.append(real)
    return tuple(out)
