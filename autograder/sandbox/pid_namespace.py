"""A PID namespace of the sandbox's own: the supervisor's child waits outside, an init inside.

``unshare(CLONE_NEWPID)`` does not move the calling process: its first child
becomes PID 1 of the new namespace, and when PID 1 ends the kernel kills
every process left in it. After that unshare, :func:`split_into_namespace`
forks twice, and the three processes are

outside  the process the supervisor started (and will kill): it waits for
         init and exits with the harness's status;
init     PID 1: it builds the file system (it must be inside the namespace
         to mount its ``/proc``), then reaps orphans; when the harness ends it
         exits, and every process of the submission dies with it. It is not
         dumpable, and the submission can neither signal it (the kernel
         shields a namespace's init from signals sent inside it) nor change
         its death signal, which fires when the outside process dies;
harness  PID 2: the only process that returns, to become the harness.

outside and init hold no file descriptor while they wait, so the pipes to
the harness close when the harness ends, as they would without them.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from typing import NoReturn

from autograder.sandbox.syscalls import PR_SET_DUMPABLE, PR_SET_PDEATHSIG, prctl


def split_into_namespace(prepare: Callable[[], None]) -> None:
    """Fork into outside/init/harness (see the module docstring); returns in the harness.

    ``prepare`` runs in init before the harness is forked; if it raises, the
    exception reaches the caller of ``preexec_fn`` in init, as it would have
    without the namespace (the supervisor then sees the start fail).
    """
    supervisor = os.getppid()
    init = os.fork()
    if init:
        _die_with(supervisor)
        _wait_then_exit(init)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    prepare()
    harness = os.fork()
    if harness:
        prctl(PR_SET_DUMPABLE, 0)
        _wait_then_exit(harness, reap_all=True)


def _die_with(parent: int) -> None:
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the supervisor died before the line above
        os._exit(1)


def _wait_then_exit(child: int, *, reap_all: bool = False) -> NoReturn:
    """Hold no descriptor, wait for ``child`` (reaping any other child meanwhile), exit as it did."""
    try:
        os.closerange(0, os.sysconf("SC_OPEN_MAX"))
        while True:
            try:
                pid, status = os.waitpid(-1 if reap_all else child, 0)
            except ChildProcessError:
                os._exit(1)
            except BaseException:  # a signal the grader had a handler for: keep waiting
                continue
            if pid == child:
                code = os.waitstatus_to_exitcode(status)
                os._exit(code if code >= 0 else 128 - code)
    finally:
        with contextlib.suppress(BaseException):
            os._exit(1)
