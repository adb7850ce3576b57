"""Isolate the child before it runs student code: namespaces, file system, limits, uid, environment.

``strict``  (the grader runs as root, as in CI containers) new network,
            mount, IPC and PID namespaces: no network, the file system of
            :mod:`autograder.sandbox.mounts` (private course paths hidden, a
            fresh ``/proc`` and ``/dev``, private ``/tmp``), System V and
            POSIX IPC of its own, only its own processes to see or signal;
            then a drop to a dedicated unprivileged uid/gid.
``userns``  (an ordinary user whose kernel allows user namespaces) the
            same namespaces inside a user namespace; the uid stays yours.
``weak``    neither is available: limits, clean environment and the empty
            working directory only. Network, file system, IPC and other
            processes are NOT isolated; :func:`isolation` says so and every
            record carries it.
``portable`` (Windows, macOS: no namespaces, rlimits or ``fork``) a plain
            subprocess with time limits enforced from outside; practice
            grading only (:mod:`autograder.sandbox.portable`).

In every Linux mode the kernel keyrings are refused (:mod:`autograder.sandbox.seccomp`).

:func:`enter_sandbox` takes a :class:`SandboxPlan` and runs in a process
freshly forked from the grader: between ``fork`` and ``exec`` (the
supervisor's ``preexec_fn``), or in a fork server's new child. It returns
only in the process that is to become the harness.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import mounts
from autograder.sandbox.limits import Limits
from autograder.sandbox.pid_namespace import split_into_namespace
from autograder.sandbox.portable import PORTABLE, portable_reason
from autograder.sandbox.reachability import SandboxUnavailable, blocked_paths
from autograder.sandbox.seccomp import refuse_keyrings
from autograder.sandbox.strays import RUN_TAG_VARIABLE, tasks_of_uid
from autograder.sandbox.syscalls import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUSER,
    PR_SET_DUMPABLE,
    PR_SET_NO_NEW_PRIVS,
    PR_SET_PDEATHSIG,
    libc,
    prctl,
    unshare,
)
from autograder.sandbox.uids import SANDBOX_UID_BASE, lease_uid
from autograder.wire.export import Isolation

PACKAGE_ROOT = mounts.PACKAGE_ROOT
PASS_THROUGH_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "TZ")
NAMESPACED_MODES = ("strict", "userns")
NAMESPACED_WORKDIR = "/tmp/submission"  # inside the run's own /tmp
RUN_TAG_HEX = 32
WEAK_WORKDIR_PREFIX = "autograder-"


@dataclass(frozen=True)
class SandboxPlan:
    """Everything :func:`enter_sandbox` needs, fixed before the child is forked."""

    mode: str
    uid: int | None  # the dedicated uid to drop to (strict, or weak as root)
    limits: Limits
    hide: tuple[str, ...]  # the grader's private paths (namespaced modes)
    workdir: str
    processes: int  # RLIMIT_NPROC, 0 for none (see process_limit)


def enter_sandbox(plan: SandboxPlan) -> None:
    """Isolate this freshly forked process as ``plan`` says; returns in the future harness."""
    # the grader made itself non-dumpable; its child must not be, or it could
    # not write its own /proc/self/uid_map (exec makes the harness dumpable anyway)
    prctl(PR_SET_DUMPABLE, 1)
    if plan.mode in NAMESPACED_MODES:
        real_uid, real_gid = os.getuid(), os.getgid()
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWPID
        unshare(flags | (CLONE_NEWUSER if plan.mode == "userns" else 0))
        if plan.mode == "userns":
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"{real_uid} {real_uid} 1")
            Path("/proc/self/gid_map").write_text(f"{real_gid} {real_gid} 1")
        split_into_namespace(functools.partial(_prepare_namespace, plan))
    _confine(plan)


def _prepare_namespace(plan: SandboxPlan) -> None:
    """In the namespace's init: the file system and the working folder."""
    mounts.private_file_system(plan.limits, plan.hide)
    os.mkdir(plan.workdir, 0o700)
    if plan.uid is not None:
        os.chown(plan.workdir, plan.uid, plan.uid)


def _confine(plan: SandboxPlan) -> None:
    """The working folder, resource limits, the uid drop, no new privileges, no keyrings."""
    import resource  # POSIX only: the portable mode never confines (see sandbox.portable)

    limits = plan.limits
    os.chdir(plan.workdir)
    os.umask(0o077)
    for which, value in (
        (resource.RLIMIT_CPU, int(limits.run_seconds * 2)),
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (value, value))
    if plan.processes > 0:
        # RLIMIT_NPROC counts every task (threads too) of the real uid; root ignores it
        resource.setrlimit(resource.RLIMIT_NPROC, (plan.processes, plan.processes))
    if plan.uid is not None:
        os.setgroups([])
        os.setgid(plan.uid)
        os.setuid(plan.uid)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    if plan.mode in NAMESPACED_MODES:
        refuse_keyrings()  # a namespaced mode promises it: no filter, no start
    else:
        with contextlib.suppress(OSError):
            refuse_keyrings()  # isolation() reports whether it took
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def process_limit(uid: int | None, limits: Limits) -> int:
    """RLIMIT_NPROC for the child: its own budget on a dedicated uid, else on top of ours."""
    if uid is not None:
        return limits.processes
    if os.geteuid() == 0:
        return 0  # root ignores RLIMIT_NPROC; only the uid drop gives a process limit
    return tasks_of_uid(os.getuid()) + limits.processes


def new_run_tag() -> str:
    return secrets.token_hex(RUN_TAG_HEX // 2)


def new_workdir(mode: str, uid: int | None) -> str:
    """The run's working folder: fixed inside a namespace's own ``/tmp``, else a new one
    (the names have one length, so a warm template's environment can be rewritten in place)."""
    if mode in NAMESPACED_MODES:
        return NAMESPACED_WORKDIR
    while True:
        workdir = workdir_shape(mode, secrets.token_hex(8))
        try:
            os.mkdir(workdir, 0o700)
        except FileExistsError:
            continue
        if uid is not None:
            os.chown(workdir, uid, uid)
        return workdir


def workdir_shape(mode: str, name: str = "0" * 16) -> str:
    """A working folder's path for ``mode``; with the default name, a placeholder of its length."""
    if mode in NAMESPACED_MODES:
        return NAMESPACED_WORKDIR
    return os.path.join(tempfile.gettempdir(), WEAK_WORKDIR_PREFIX + name)


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
        env[RUN_TAG_VARIABLE] = run_tag  # one more way to find the run's strays (not the only one)
    for name in PASS_THROUGH_ENV:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


# --------------------------------------------------------------------------- isolation
# What a probe child reports about the sandbox it runs in: measured, not assumed.
PROBE = """\
import ctypes, json, os
libc = ctypes.CDLL(None, use_errno=True)
keyctl = {"x86_64": 250, "aarch64": 219}.get(os.uname().machine)
refused = keyctl is not None and libc.syscall(keyctl, 0, -4, 0) == -1 and ctypes.get_errno() == 1
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print(json.dumps({"pid": os.getpid(), "pids": pids, "keyring_refused": refused}))
"""


PROBE_ATTEMPTS = 3  # a probe that times out on a loaded machine is tried again
PROBE_SECONDS = 30


@dataclass(frozen=True)
class _ProbeFailed:
    why: str
    final: bool = False  # the system refused: asking again changes nothing


def _probe_mode(mode: str, uid: int | None) -> dict[str, object] | str:
    """Start a child in ``mode`` and return what it saw, or why the mode does not work.

    With ``uid`` (root) the child runs under a leased sandbox uid, as a real run would.
    """
    lease = lease_uid() if uid is not None else None
    try:
        why = ""
        for attempt in range(PROBE_ATTEMPTS):  # a busy machine must not make us pick a weaker mode
            if attempt:
                time.sleep(0.5 * attempt)
            facts = _probe(mode, lease.uid if lease else None)
            if isinstance(facts, _ProbeFailed):
                why = facts.why
                if facts.final:
                    break
            elif mode == "weak" or _own_processes_only(facts):
                return facts
            else:
                why = f"the probe saw other processes: {facts}"
        return why
    finally:
        if lease is not None:
            lease.release()


def _probe(mode: str, uid: int | None) -> dict[str, object] | _ProbeFailed:
    workdir = f"/tmp/autograder-probe-{os.getpid()}" if mode in NAMESPACED_MODES else "/"
    plan = SandboxPlan(mode, uid, Limits(), (), workdir, 0)
    libc()  # loaded before the fork (see syscalls)
    try:
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", PROBE],
            preexec_fn=functools.partial(enter_sandbox, plan),
            env=clean_env(workdir),
            capture_output=True,
            timeout=PROBE_SECONDS,
        )
    except subprocess.TimeoutExpired:
        return _ProbeFailed(f"the probe did not finish in {PROBE_SECONDS} s")
    except subprocess.SubprocessError as error:  # unshare, mount or setuid was refused
        return _ProbeFailed(f"the system refused to set the sandbox up: {error}", final=True)
    except OSError as error:  # fork failed: the machine is out of processes or memory
        return _ProbeFailed(f"the probe could not start: {error}")
    if result.returncode != 0:
        said = result.stderr.decode(errors="replace").strip().splitlines()
        return _ProbeFailed(
            f"the probe exited with status {result.returncode}"
            + (f" ({said[-1][:200]})" if said else "")
        )
    try:
        facts = json.loads(result.stdout)
    except ValueError:
        facts = None
    return facts if isinstance(facts, dict) else _ProbeFailed("the probe printed no report")


def _own_processes_only(facts: dict[str, object]) -> bool:
    """The probe saw a fresh /proc: its init and itself, nothing of the host. Itself is PID 2,
    or later where short-lived tasks of the new namespace took the PIDs before it (a full
    suite run saw PID 6 and nothing else: [1, 6])."""
    pid = facts.get("pid")
    return isinstance(pid, int) and pid > 1 and facts.get("pids") == [1, pid]


@functools.cache
def isolation() -> Isolation:
    """Detect the strongest sandbox this machine allows (cached per process).

    ``AUTOGRADER_SANDBOX_MODE=weak|userns|strict|portable`` forces a mode (tests use it).
    Where the system lacks what the Linux modes need, the mode is ``portable``
    (:mod:`autograder.sandbox.portable`).
    ``uid`` is the first uid of the dedicated range when the grader runs as
    root (each run leases its own uid from that range); in weak mode as root
    student code still runs under a dedicated uid.
    """
    forced = os.environ.get("AUTOGRADER_SANDBOX_MODE")
    reason = portable_reason()
    if forced == PORTABLE or (reason is not None and forced is None):
        return Isolation(
            PORTABLE, None, False, False, (reason or "the portable mode was asked for",)
        )
    if reason is not None:
        raise SandboxUnavailable(f"sandbox mode {forced!r} is not available here: {reason}")
    candidates = [forced] if forced else ["strict", "userns", "weak"]
    notes: list[str] = []
    for mode in candidates:
        if mode == "strict":
            if os.geteuid() != 0:
                continue
            facts = _probe_mode("strict", SANDBOX_UID_BASE)
            if isinstance(facts, dict):
                return _namespaced("strict", SANDBOX_UID_BASE, facts, notes)
            notes.append(
                "running as root, but namespaces, a private /proc or the uid drop failed: " + facts
            )
        elif mode == "userns":
            facts = _probe_mode("userns", None)
            if isinstance(facts, dict):
                return _namespaced("userns", None, facts, notes)
            notes.append("user namespaces (with a private /proc) are not available: " + facts)
        elif mode == "weak":
            notes.append(
                "student code can reach the network, read files the grader can read, "
                "use shared IPC and see other processes"
            )
            uid = SANDBOX_UID_BASE if os.geteuid() == 0 else None
            if uid is not None and (blocked := blocked_paths(uid, uid)):
                raise SandboxUnavailable(blocked[0].explain())
            weak = _probe_mode("weak", uid)
            return Isolation(
                "weak",
                uid,
                False,
                False,
                tuple(notes),
                keyring_isolated=isinstance(weak, dict) and weak.get("keyring_refused") is True,
            )
    raise SandboxUnavailable(
        f"sandbox mode {forced!r} is not available on this machine"
        + (f": {'; '.join(notes)}" if notes else "")
    )


def _namespaced(
    mode: str, uid: int | None, facts: dict[str, object], notes: list[str]
) -> Isolation:
    return Isolation(
        mode,
        uid,
        True,
        True,
        tuple(notes),
        ipc_isolated=True,
        processes_isolated=True,
        keyring_isolated=facts.get("keyring_refused") is True,
    )


def protect_grader_process() -> None:
    """Without a dedicated uid the submission runs as our uid: make this process
    non-dumpable, so that it cannot read our ``/proc/<pid>/environ``, ``mem``,
    ``cwd`` or ``root`` (the references are in memory; secrets may be in the
    environment). Other processes of the same user stay readable in weak mode
    (documented); the namespaced modes cannot see them at all."""
    with contextlib.suppress(Exception):
        prctl(PR_SET_DUMPABLE, 0)


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
