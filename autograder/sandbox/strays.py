"""Find and kill every process a run left behind, including those that escaped its group.

With a dedicated uid that is every process of the uid; without one (weak or
userns mode as an ordinary user) every process carrying the run's tag in its
environment.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import time

from autograder.wire.export import Isolation

RUN_TAG_VARIABLE = "AUTOGRADER_RUN"
KILL_PASSES = 20


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


def kill_run(
    process: subprocess.Popen[bytes], iso: Isolation, uid: int | None, run_tag: str
) -> None:
    """Kill the child, its process group, and every process that escaped the group.

    With a dedicated uid that is every process of the uid; without one (weak
    or userns mode as an ordinary user) every process carrying this run's tag
    in its environment, which catches ``setsid`` and double forks that keep
    the environment they were started with.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    if uid is not None:
        kill_uid(uid)
    else:
        kill_tagged(run_tag)
    process.wait(timeout=10)  # SIGKILL cannot be ignored


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
