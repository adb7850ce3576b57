"""Start and supervise the untrusted child that runs a submission.

The child runs :mod:`autograder.harness` with an isolated interpreter
(``python -I``: no user site, no ``PYTHONPATH``, no current directory on
``sys.path``) and a clean environment, in a fresh empty working directory,
under resource limits (CPU time, address space, processes, file size, open
files) and, when the OS allows, in namespaces:

``strict``  (the grader runs as root, as in CI containers) new network and
            mount namespaces, a private size-limited ``/tmp``, private
            course paths (``solutions/``, reference and output folders)
            hidden behind empty mounts, then a drop to a dedicated
            unprivileged uid/gid before any student code runs.
``userns``  (an ordinary user whose kernel allows user namespaces) the
            same namespaces inside a user namespace; the uid stays yours.
``weak``    neither is available: limits, clean environment and the empty
            working directory only. Network and the file system are NOT
            isolated; :func:`isolation` says so and reports carry it.

The supervisor enforces a wall-clock limit per cell and per run; a cell
that hangs (even one that ignores signals) or kills the interpreter is
skipped on a restart, so it costs only what depends on it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import math
import os
import resource
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import protocol
from autograder.run_report import CellReport, Isolation, ItemReport, RunReport

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from autograder.harness import main; main(int(sys.argv[1]))"
)
SANDBOX_UID_BASE = 61000  # a dedicated uid range; no passwd entry is needed
SANDBOX_UID_COUNT = 4000
RUN_TAG_VARIABLE = "AUTOGRADER_RUN"
PRIVATE_IN_ROOT = ("solutions", ".git", "tests")
PASS_THROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
MAX_ATTEMPTS = 3
KILL_PASSES = 20
MAX_NOTEBOOK_BYTES = 32 << 20  # the same cap as reading a notebook file
ITEM_STATUSES = frozenset({"ok", "error", "timeout", "crashed", "missing"})

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


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Defaults suit a 2-core CI runner."""

    run_seconds: float = 600.0
    cell_seconds: float = 120.0
    item_seconds: float = 300.0  # caps every item's own timeout (tests set it low)
    memory_bytes: int = 8 << 30  # address space: torch maps a lot of it without touching it
    processes: int = 256  # tasks (threads count) of the sandbox uid
    file_bytes: int = 64 << 20
    open_files: int = 1024
    tmp_bytes: int = 512 << 20
    output_bytes_kept: int = 64 << 10
    startup_seconds: float = 120.0  # the harness's own imports, before any student code

    @property
    def cell_grace(self) -> float:
        """How long past ``cell_seconds`` the supervisor waits before killing a cell
        that ignores its in-process alarm (the alarm normally ends it first)."""
        return min(5.0, 1.0 + self.cell_seconds / 2)


@dataclass
class HarnessJob:
    """What to send the harness: the notebook and the spec sources, which items to probe."""

    notebook: bytes
    specs: list[tuple[str, str, bytes]]  # (role, filename, source)
    items: list[str]
    variants: list[dict[str, Any]] = field(default_factory=list)
    # probes run in parallel forks: 2 on a 2-core machine for one submission; a batch
    # that already grades several submissions at once passes 1
    item_workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))


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


# --------------------------------------------------------------------------- uids
@dataclass
class _UidLease:
    """A sandbox uid no other run on this machine uses while the lease is held.

    The lease is an ``flock`` on a per-uid lock file, so parallel graders (a
    batch, several CI jobs in one container) never share a uid: the process
    limit is per run, and killing "every process of the uid" after a run
    never touches another submission's sandbox.
    """

    uid: int
    fd: int

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _lock_dir() -> str:
    for candidate in ("/run/lock", "/var/lock", tempfile.gettempdir()):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return os.path.join(candidate, "autograder-uids")
    return os.path.join(tempfile.gettempdir(), "autograder-uids")


def _lease_uid() -> _UidLease:
    directory = _lock_dir()
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
        _kill_uid(uid)  # leftovers of a grader that died without cleaning up
        if _tasks_of_uid(uid) == 0:  # killed processes not yet reaped still count
            return _UidLease(uid, fd)
        os.close(fd)
    raise RuntimeError("no free sandbox uid: too many grading runs at once")


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


def _enter_sandbox(
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


def _tasks_of_uid(uid: int) -> int:
    """How many tasks (processes and threads) ``uid`` runs now (for a weak-mode process limit)."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.stat(entry.path).st_uid == uid:
                count += len(os.listdir(os.path.join(entry.path, "task")))
    return count


def _process_limit(uid: int | None, limits: Limits) -> int:
    """RLIMIT_NPROC for the child: its own budget on a dedicated uid, else on top of ours."""
    if uid is not None:
        return limits.processes
    if os.geteuid() == 0:
        return 0  # root ignores RLIMIT_NPROC; only the uid drop gives a process limit
    return _tasks_of_uid(os.getuid()) + limits.processes


def _clean_env(workdir: str, run_tag: str = "") -> dict[str, str]:
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
            preexec_fn=functools.partial(_enter_sandbox, mode, uid, Limits(), (), workdir, 0),
            env=_clean_env(workdir),
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
            lease = _lease_uid()
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


# --------------------------------------------------------------------------- supervision
class _OutputDrain(threading.Thread):
    """Reads the child's stdout+stderr, keeping only the tail; never blocks the child."""

    def __init__(self, stream: Any, keep: int) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._keep = keep
        self.total = 0
        self.tail = bytearray()

    def run(self) -> None:
        while True:
            data = self._stream.read1(1 << 16)
            if not data:
                return
            self.total += len(data)
            self.tail += data
            if len(self.tail) > self._keep:
                del self.tail[: len(self.tail) - self._keep]


def run_in_sandbox(
    job: HarnessJob,
    *,
    limits: Limits | None = None,
    hide: Sequence[str | os.PathLike[str]] = (),
) -> RunReport:
    """Run ``job`` in the sandbox, restarting past cells that hang or kill the interpreter."""
    limits = limits or Limits()
    iso = isolation()
    hidden_paths = _hideable(hide)
    report = RunReport(items={}, cells=[], isolation=iso)
    started = time.monotonic()
    if len(job.notebook) > MAX_NOTEBOOK_BYTES:
        report.notebook_error = (
            f"the notebook is {len(job.notebook) / 2**20:.0f} MiB; "
            f"the limit is {MAX_NOTEBOOK_BYTES >> 20} MiB (clear large outputs and save again)"
        )
        return _finish(report, job, {}, started)
    skip: dict[int, str] = {}
    lease = _lease_uid() if iso.uid is not None else None
    if lease is None:
        _protect_grader_process()
    try:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report.attempts = attempt
            outcome = _attempt(
                job, limits, iso, lease.uid if lease else None, hidden_paths, skip, report, started
            )
            if outcome is None:
                break
            skip[outcome[0]] = outcome[1]
        else:
            report.fatal = report.fatal or "the submission stopped the grader repeatedly"
    finally:
        if lease is not None:
            lease.release()
    return _finish(report, job, skip, started)


def _finish(report: RunReport, job: HarnessJob, skip: dict[int, str], started: float) -> RunReport:
    report.skipped_cells = skip
    for name in job.items:
        report.items.setdefault((name, None), ItemReport(name, None, "not_run"))
    for request in job.variants:
        for name in request["items"]:
            report.items.setdefault(
                (name, request["key"]), ItemReport(name, request["key"], "not_run")
            )
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _protect_grader_process() -> None:
    """Without a dedicated uid the submission runs as our uid: make this process
    non-dumpable, so that it cannot read our ``/proc/<pid>/environ``, ``mem``,
    ``cwd`` or ``root`` (the references are in memory; secrets may be in the
    environment). Other processes of the same user stay readable (documented)."""
    with contextlib.suppress(Exception):
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def _hideable(paths: Sequence[str | os.PathLike[str]]) -> tuple[str, ...]:
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


def _expected_keys(job: HarnessJob) -> set[tuple[str, str | None]]:
    keys: set[tuple[str, str | None]] = {(name, None) for name in job.items}
    for request in job.variants:
        keys.update((name, request["key"]) for name in request["items"])
    return keys


def _disk_usage(directory: str, max_entries: int = 20_000) -> int:
    """Bytes under ``directory`` (weak mode has no size-limited tmpfs to stop a disk filler)."""
    total, seen = 0, 0
    stack = [directory]
    while stack and seen < max_entries:
        with contextlib.suppress(OSError), os.scandir(stack.pop()) as entries:
            for entry in entries:
                seen += 1
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
    return total


def _attempt(
    job: HarnessJob,
    limits: Limits,
    iso: Isolation,
    uid: int | None,
    hide: tuple[str, ...],
    skip: dict[int, str],
    report: RunReport,
    started: float,
) -> tuple[int, str] | None:
    """One run of the harness. Returns (cell, reason) when that cell must be skipped and retried."""
    report.cells = []
    run_tag = secrets.token_hex(16)
    if iso.mode == "weak":
        workdir = tempfile.mkdtemp(prefix="autograder-")
        if uid is not None:
            os.chown(workdir, uid, uid)
    else:
        workdir = "/tmp/submission"
    read_fd, write_fd = os.pipe()
    expected = _expected_keys(job)
    done_pairs = [[k[0], k[1]] for k, v in report.items.items() if v.status != "not_run"]
    header = {
        "type": "job",
        "specs": [{"role": role, "filename": filename} for role, filename, _ in job.specs],
        "items": job.items,
        "variants": job.variants,
        "skip_cells": sorted(skip),
        "cell_timeout": limits.cell_seconds,
        "item_timeout_cap": limits.item_seconds,
        "item_workers": job.item_workers,
        "dedicated_uid": uid is not None,
        "already_done": done_pairs,
    }
    payload = protocol.pack(header, job.notebook, *(source for _, _, source in job.specs))
    processes = _process_limit(uid, limits)
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", BOOT, str(write_fd), PACKAGE_ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        env=_clean_env(workdir, run_tag),
        start_new_session=True,
        preexec_fn=functools.partial(
            _enter_sandbox, iso.mode, uid, limits, hide, workdir, processes
        ),
    )
    os.close(write_fd)
    drain = _OutputDrain(process.stdout, limits.output_bytes_kept)
    drain.start()
    writer = threading.Thread(target=_feed_stdin, args=(process.stdin, payload), daemon=True)
    writer.start()
    reader = protocol.FrameReader()
    current_cell: tuple[int, float, int] | None = None
    last_frame = time.monotonic()
    last_disk_check = 0.0
    phase = "startup"  # startup -> cells -> items
    finished = False
    retry: tuple[int, str] | None = None
    try:
        while True:
            now = time.monotonic()
            if now - started > limits.run_seconds:
                report.fatal = f"grading stopped after the run limit of {limits.run_seconds:g} s"
                break
            if (
                current_cell is not None
                and now - current_cell[1] > limits.cell_seconds + limits.cell_grace
            ):
                retry = (
                    current_cell[0],
                    f"cell {current_cell[2]} ran longer than {limits.cell_seconds:g} s",
                )
                break
            if current_cell is None:
                allowed = limits.item_seconds + 15 if phase == "items" else limits.startup_seconds
                if now - last_frame > allowed:
                    report.fatal = "the sandboxed process stopped answering"
                    break
            if iso.mode == "weak" and now - last_disk_check > 0.5:
                last_disk_check = now
                if _disk_usage(workdir) > limits.tmp_bytes:
                    wrote = f"wrote more than {limits.tmp_bytes >> 20} MiB of files"
                    if current_cell is not None:
                        retry = (current_cell[0], f"cell {current_cell[2]} {wrote}")
                    else:
                        report.fatal = f"the notebook {wrote}; grading stopped"
                    break
            ready, _, _ = select.select([read_fd], [], [], 0.5)
            if not ready:
                continue
            data = os.read(read_fd, 1 << 20)
            if not data:
                break
            last_frame = time.monotonic()
            for frame in reader.feed(data):
                kind = frame.kind
                h = frame.header
                if kind == "cell_start" and phase != "items":
                    phase = "cells"
                    current_cell = (_int(h.get("cell")), time.monotonic(), _int(h.get("number")))
                elif kind == "cell_end" and current_cell is not None:
                    current_cell = None
                    error = h.get("error")
                    report.cells.append(
                        CellReport(
                            _int(h.get("cell")),
                            _int(h.get("number")),
                            _float(h.get("seconds")),
                            _cell_error(error),
                            tuple(str(d)[:100] for d in _list(h.get("defines"))[:50]),
                        )
                    )
                elif kind == "cells_done":
                    phase, current_cell = "items", None
                elif kind == "notebook_error":
                    report.notebook_error = str(h.get("message", ""))[:300]
                elif kind == "item":
                    item = _item_report(frame)
                    key = (item.name, item.variant)
                    if key not in expected:
                        continue  # not asked for: a forged frame, ignored
                    previous = report.items.get(key)
                    if previous is not None and previous.status != "not_run":
                        # only the submission itself can write a second report for an item
                        report.items[key] = ItemReport(
                            item.name,
                            item.variant,
                            "error",
                            error_type="ExportError",
                            error_message="this item was reported twice: the notebook wrote "
                            "to the grader's result channel",
                        )
                    else:
                        report.items[key] = item
                elif kind == "done":
                    finished = True
    except protocol.ProtocolError as error:
        report.fatal = f"the grader received malformed data from the sandbox ({error})"
    finally:
        os.close(read_fd)
        _kill(process, iso, uid, run_tag)
        drain.join(timeout=5)
        report.output_bytes += drain.total
        report.output_tail = drain.tail.decode("utf-8", "replace")
        if iso.mode == "weak":
            shutil.rmtree(workdir, ignore_errors=True)
    if retry is not None:
        return retry
    if not finished and report.fatal is None and current_cell is not None:
        return (
            current_cell[0],
            f"cell {current_cell[2]} ended the grading process (os._exit, a signal or running out of memory)",
        )
    if not finished and report.fatal is None and not report.notebook_error:
        report.fatal = "the sandboxed process ended before it finished"
        return None
    return None


def _int(value: Any) -> int:
    return value if type(value) is int else -1


def _float(value: Any) -> float:
    return float(value) if type(value) in (int, float) and math.isfinite(value) else 0.0


def _list(value: Any) -> list[Any]:
    return value if type(value) is list else []


def _cell_error(error: Any) -> dict[str, Any] | None:
    """A cell's error as three short strings (whatever the sandbox sent)."""
    if not isinstance(error, dict):
        return None
    return {
        key: str(error.get(key, ""))[:limit]
        for key, limit in (("error_type", 80), ("error_message", 500), ("location", 80))
    }


def _feed_stdin(stream: Any, payload: bytes) -> None:
    try:
        stream.write(payload)
        stream.close()
    except (BrokenPipeError, OSError):
        pass


def _item_report(frame: protocol.Frame) -> ItemReport:
    h = frame.header
    payload = (
        (frame.blobs[0], frame.blobs[1])
        if h.get("status") == "ok" and len(frame.blobs) == 2
        else None
    )
    status = str(h.get("status", "error"))
    if status not in ITEM_STATUSES:
        status = "error"
    if status == "ok" and payload is None:
        status = "error"
    return ItemReport(
        name=str(h.get("item", "")),
        variant=h.get("variant") if isinstance(h.get("variant"), str) else None,
        status=status,
        payload=payload,
        error_type=str(h.get("error_type", ""))[:80],
        error_message=str(h.get("error_message", ""))[:500],
        location=str(h.get("location", ""))[:80],
        missing=tuple(str(m)[:100] for m in _list(h.get("missing"))[:20] if isinstance(m, str)),
        seconds=_float(h.get("seconds")),
    )


def _kill(process: subprocess.Popen[bytes], iso: Isolation, uid: int | None, run_tag: str) -> None:
    """Kill the child, its process group, and every process that escaped the group.

    With a dedicated uid that is every process of the uid; without one (weak
    or userns mode as an ordinary user) every process carrying this run's tag
    in its environment, which catches ``setsid`` and double forks that keep
    the environment they were started with.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if uid is not None:
        _kill_uid(uid)
    else:
        _kill_tagged(run_tag)
    process.wait(timeout=10)  # SIGKILL cannot be ignored


def _kill_uid(uid: int) -> None:
    """Processes that escaped the group (setsid, double fork) die with their uid."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            # repeated: a fork bomb's process may fork while the first pass runs
            for _ in range(KILL_PASSES):
                os.kill(-1, signal.SIGKILL)
                time.sleep(0.002)
        except OSError as error:
            os._exit(0 if error.errno == errno.ESRCH else 1)
        os._exit(0)
    os.waitpid(pid, 0)


def _kill_tagged(run_tag: str) -> None:
    marker = f"{RUN_TAG_VARIABLE}={run_tag}".encode()
    for _ in range(3):  # a process may fork while we look
        found = False
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                with open(os.path.join(entry.path, "environ"), "rb") as stream:
                    if marker in stream.read(1 << 20).split(b"\0"):
                        os.kill(int(entry.name), signal.SIGKILL)
                        found = True
            except OSError:
                continue
        if not found:
            return
