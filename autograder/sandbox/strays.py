"""Find and kill every process a run left behind, by something the submission cannot shed.

``namespace``  (strict, userns) the run's PID namespace: killing its init
               makes the kernel kill every process in it; nothing leaves a
               PID namespace.
``uid``        (strict, weak as root) every process of the run's dedicated uid.
``descent``    (weak mode as an ordinary user, which has neither) the grader
               makes itself a child subreaper, so whatever the submission
               starts stays in the grader's process tree however it detaches
               (a double fork, ``setsid``, an empty environment): the harness's
               tree is killed, and so are processes that fell to the grader
               from a sandbox's tree (they live in a session of their own).

The run's environment tag (:data:`RUN_TAG_VARIABLE`) is one more way,
never the only one: it finds a process that left the tree through a
service of the user's session but kept its environment. Whatever of the
run still lives after all that is reported (:func:`kill_run` returns how
many) and remembered: :func:`refuse_if_strays_survived` then stops further
runs in this process (``descent`` mode has no uid to change to).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import threading
import time
from typing import Protocol

from autograder.sandbox.process_tree import Task, descendants, end_tree, process_table
from autograder.sandbox.syscalls import PR_SET_CHILD_SUBREAPER, prctl
from autograder.wire.export import Isolation

RUN_TAG_VARIABLE = "AUTOGRADER_RUN"
KILL_PASSES = 20

_running: set[int] = set()  # the harnesses this process has started and not yet cleaned up
_running_lock = threading.Lock()
_survivors: set[tuple[int, int]] = set()  # (pid, start time) of strays that outlived clean-up


class HarnessProcess(Protocol):
    """The process a run started: a ``subprocess.Popen``, or a harness a warm template forked."""

    @property
    def pid(self) -> int: ...

    def kill(self) -> None: ...

    def wait(self, timeout: float | None = None) -> int | None: ...


class StraysSurvived(RuntimeError):
    """Processes of an earlier submission outlived its clean-up: grading here is unsafe."""


def tasks_of_uid(uid: int) -> int:
    """How many tasks (processes and threads) ``uid`` runs now (for a weak-mode process limit)."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if os.stat(entry.path).st_uid == uid:
                count += len(os.listdir(os.path.join(entry.path, "task")))
    return count


def prepare_run(iso: Isolation, uid: int | None) -> None:
    """Before a run starts: in ``descent`` mode adopt orphans, and refuse to go on where an
    earlier run's strays survived."""
    if uid is None and not iso.processes_isolated:
        adopt_orphans()
        refuse_if_strays_survived()


def track(process: HarnessProcess) -> None:
    """Note a harness this process started, until :func:`kill_run` ends it."""
    with _running_lock:
        _running.add(process.pid)


def adopt_orphans() -> None:
    """Make this process a child subreaper: orphans of its descendants become its children."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def refuse_if_strays_survived() -> None:
    """Raise :class:`StraysSurvived` while a stray of an earlier run is alive."""
    table = process_table()
    alive = {(p, s) for p, s in _survivors if p in table and table[p].started == s}
    _survivors.intersection_update(alive)
    if alive:
        pids = ", ".join(str(p) for p, _ in sorted(alive))
        raise StraysSurvived(
            f"processes of an earlier submission (pid {pids}) survived its clean-up under this "
            "uid; grading more submissions under it could hand them a false result. Stop them, "
            "or grade in the strict sandbox (as root) or the userns one"
        )


def kill_run(process: HarnessProcess, iso: Isolation, uid: int | None, run_tag: str) -> int:
    """Kill the child and every process of its run; return how many of them still live."""
    survivors = 0
    if iso.processes_isolated:  # the child waits outside; its only child is the namespace's init
        for init in _children(process.pid):
            with contextlib.suppress(OSError):
                os.kill(init, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()  # by pidfd where a template forked it: it may not lead its group yet
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if uid is not None:
        kill_uid(uid)
    elif not iso.processes_isolated:
        survivors = _kill_descent(process.pid)
    kill_tagged(run_tag)
    process.wait(timeout=10)  # SIGKILL cannot be ignored
    with _running_lock:
        _running.discard(process.pid)
    return survivors


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError, ValueError), open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]
    return [p for p, task in process_table().items() if task.ppid == pid]


def _kill_descent(harness: int) -> int:
    """Kill the harness's tree and the sandbox orphans this process adopted (see the docstring)."""
    me, my_session = os.getpid(), os.getsid(0)

    def run_processes(table: dict[int, Task]) -> set[int]:
        with _running_lock:
            others = _running - {harness}
        adopted = {
            pid
            for pid, task in table.items()
            if task.ppid == me and task.session != my_session and pid not in others
        }
        return {harness} | adopted | descendants({harness} | adopted, table)

    left = end_tree(run_processes) - {harness}
    table = process_table()
    for pid, task in table.items():  # adopted ones are our children now: reap them
        if task.ppid == me and task.session != my_session and pid != harness:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    _survivors.update((p, table[p].started) for p in left if p in table)
    return len(left)


def kill_uid(uid: int) -> None:
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


def kill_tagged(run_tag: str) -> None:
    """Processes whose environment carries this run's tag (wherever they are in the tree)."""
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
