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
import functools
import os
import resource
import select
import signal
import subprocess
import sys
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
PASS_THROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
MAX_ATTEMPTS = 3

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Defaults suit a 2-core CI runner."""

    run_seconds: float = 600.0
    cell_seconds: float = 120.0
    memory_bytes: int = 8 << 30  # address space: torch maps a lot of it without touching it
    processes: int = 256  # tasks (threads count) of the sandbox uid
    file_bytes: int = 64 << 20
    open_files: int = 1024
    tmp_bytes: int = 512 << 20
    output_bytes_kept: int = 64 << 10


@dataclass
class HarnessJob:
    """What to send the harness: the notebook and the spec sources, which items to probe."""

    notebook: bytes
    specs: list[tuple[str, str, bytes]]  # (role, filename, source)
    items: list[str]
    variants: list[dict[str, Any]] = field(default_factory=list)


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
def _sandbox_uid() -> int:
    return SANDBOX_UID_BASE + os.getpid() % 4000


def _enter_sandbox(
    mode: str, uid: int | None, limits: Limits, hide: tuple[str, ...], workdir: str
) -> None:
    """Runs in the forked child before exec (``preexec_fn``): namespaces, mounts, limits, uid."""
    libc = _libc()
    if mode in ("strict", "userns"):
        real_uid, real_gid = os.getuid(), os.getgid()
        flags = CLONE_NEWNS | CLONE_NEWNET | (CLONE_NEWUSER if mode == "userns" else 0)
        _check(libc.unshare(flags), "unshare")
        if mode == "userns":
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{real_uid} {real_uid} 1")
            Path("/proc/self/gid_map").write_text(f"{real_gid} {real_gid} 1")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        for path in hide:
            if os.path.isdir(path):
                _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=755")
            elif os.path.exists(path):
                _mount("/dev/null", path, None, MS_BIND)
        for tmp in ("/tmp", "/var/tmp", "/dev/shm"):
            if os.path.isdir(tmp):
                _mount(
                    "tmpfs",
                    tmp,
                    "tmpfs",
                    MS_NOSUID | MS_NODEV,
                    f"size={limits.tmp_bytes},mode=1777",
                )
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
    if uid is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _clean_env(workdir: str) -> dict[str, str]:
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
            preexec_fn=functools.partial(_enter_sandbox, mode, uid, Limits(), (), workdir),
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
    """
    forced = os.environ.get("AUTOGRADER_SANDBOX_MODE")
    candidates = [forced] if forced else ["strict", "userns", "weak"]
    notes: list[str] = []
    for mode in candidates:
        if mode == "strict":
            if os.geteuid() != 0:
                continue
            uid = _sandbox_uid()
            if _try_mode("strict", uid):
                return Isolation("strict", uid, True, True)
            notes.append("running as root, but namespaces or the uid drop failed")
        elif mode == "userns":
            if _try_mode("userns", None):
                return Isolation("userns", None, True, True, tuple(notes))
            notes.append("user namespaces are not available")
        elif mode == "weak":
            notes.append("student code can reach the network and read files the grader can read")
            return Isolation("weak", None, False, False, tuple(notes))
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
    skip: dict[int, str] = {}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report.attempts = attempt
        outcome = _attempt(job, limits, iso, hidden_paths, skip, report, started)
        if outcome is None:
            break
        skip[outcome[0]] = outcome[1]
    else:
        report.fatal = report.fatal or "the submission stopped the grader repeatedly"
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


def _attempt(
    job: HarnessJob,
    limits: Limits,
    iso: Isolation,
    hide: tuple[str, ...],
    skip: dict[int, str],
    report: RunReport,
    started: float,
) -> tuple[int, str] | None:
    """One run of the harness. Returns (cell, reason) when that cell must be skipped and retried."""
    report.cells = []
    if iso.mode == "weak":
        import tempfile

        workdir = tempfile.mkdtemp(prefix="autograder-")
    else:
        workdir = "/tmp/submission"
    read_fd, write_fd = os.pipe()
    done_pairs = [[k[0], k[1]] for k in report.items]
    header = {
        "type": "job",
        "specs": [{"role": role, "filename": filename} for role, filename, _ in job.specs],
        "items": job.items,
        "variants": job.variants,
        "skip_cells": sorted(skip),
        "cell_timeout": limits.cell_seconds,
        "already_done": done_pairs,
    }
    payload = protocol.pack(header, job.notebook, *(source for _, _, source in job.specs))
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", BOOT, str(write_fd), PACKAGE_ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        env=_clean_env(workdir),
        start_new_session=True,
        preexec_fn=functools.partial(_enter_sandbox, iso.mode, iso.uid, limits, hide, workdir),
    )
    os.close(write_fd)
    drain = _OutputDrain(process.stdout, limits.output_bytes_kept)
    drain.start()
    writer = threading.Thread(target=_feed_stdin, args=(process.stdin, payload), daemon=True)
    writer.start()
    reader = protocol.FrameReader()
    current_cell: tuple[int, float, int] | None = None
    last_frame = time.monotonic()
    finished = False
    retry: tuple[int, str] | None = None
    item_budget = 30.0
    try:
        while True:
            now = time.monotonic()
            if now - started > limits.run_seconds:
                report.fatal = f"grading stopped after the run limit of {limits.run_seconds:g} s"
                break
            if current_cell is not None and now - current_cell[1] > limits.cell_seconds + 5:
                retry = (
                    current_cell[0],
                    f"cell {current_cell[2]} ran longer than {limits.cell_seconds:g} s",
                )
                break
            if current_cell is None and now - last_frame > item_budget + 60:
                report.fatal = "the grader stopped answering while probing items"
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
                if kind == "cell_start":
                    current_cell = (int(h["cell"]), time.monotonic(), int(h["number"]))
                elif kind == "cell_end":
                    current_cell = None
                    report.cells.append(
                        CellReport(
                            int(h["cell"]),
                            int(h["number"]),
                            float(h["seconds"]),
                            h.get("error"),
                            tuple(h.get("defines", ())),
                        )
                    )
                elif kind == "notebook_error":
                    report.notebook_error = str(h.get("message", ""))[:300]
                elif kind == "item":
                    item = _item_report(frame)
                    report.items[(item.name, item.variant)] = item
                elif kind == "done":
                    finished = True
    except protocol.ProtocolError as error:
        report.fatal = f"the grader received malformed data from the sandbox ({error})"
    finally:
        os.close(read_fd)
        _kill(process, iso)
        drain.join(timeout=5)
        report.output_bytes += drain.total
        report.output_tail = drain.tail.decode("utf-8", "replace")
        if iso.mode == "weak":
            import shutil

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
        missing=tuple(str(m) for m in h.get("missing", ()) if isinstance(m, str)),
        seconds=float(h.get("seconds", 0.0)) if isinstance(h.get("seconds"), int | float) else 0.0,
    )


def _kill(process: subprocess.Popen[bytes], iso: Isolation) -> None:
    """Kill the child, its process group, and (strict mode) every process of the sandbox uid."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if iso.mode == "strict" and iso.uid is not None:
        _kill_uid(iso.uid)
    process.wait(timeout=10)  # SIGKILL cannot be ignored


def _kill_uid(uid: int) -> None:
    """Processes that escaped the group (setsid, double fork) die with their uid."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except OSError as error:
            os._exit(0 if error.errno == errno.ESRCH else 1)
        os._exit(0)
    os.waitpid(pid, 0)
