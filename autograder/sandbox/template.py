"""Runs INSIDE the warm template process of a batch: import once, then fork each harness.

The grader side (:mod:`autograder.sandbox.fork_server`) starts this module
once per batch as ``python -I`` with the same clean environment a harness
gets, and hands it a listening Unix socket. The template

1. imports what the week's notebooks import (``numpy``, ``sklearn``,
   ``matplotlib.pyplot`` with the Agg backend, ``torch``, ``course_lib``...),
   the grading spec's library and the harness, and checks that it runs no
   thread but its own (a BLAS, OpenMP or torch pool started at import would
   not survive a fork; the environment limits them to one thread, so none
   starts);
2. answers each request on the socket by forking: the new child takes the
   descriptors the request carried as its stdin, stdout/stderr and results
   pipe, closes every other descriptor, replaces its environment and
   ``sys.argv`` by the harness's, applies the request's
   :class:`~autograder.sandbox.isolation.SandboxPlan` (namespaces, file
   system, rlimits, uid) exactly as the cold path's ``preexec_fn`` does,
   re-seeds the random number generators and becomes the harness; the
   template replies with a pidfd of the child, so the grader can signal and
   wait for a process that is not its own child.

The template never runs student code: every submission runs in a child
forked for it alone, and a child is never handed to a second one. Nothing
a child does (patching ``numpy``, writing module caches, planting start-up
files) reaches the template: the child's memory is its own copy, its
``/tmp`` and root are private, and start-up files are read only when an
interpreter starts, which the template did before any submission ran.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
from typing import Any, NoReturn

from autograder.sandbox import harness
from autograder.sandbox.isolation import SandboxPlan, enter_sandbox
from autograder.sandbox.limits import Limits
from autograder.sandbox.strays import tasks_of_uid
from autograder.sandbox.syscalls import PR_SET_DUMPABLE, PR_SET_PDEATHSIG, libc, prctl

MAX_REQUEST_BYTES = 1 << 20
RESULTS_FD = 3  # where the child's results pipe is, as the cold path's argv says
TORCH_DEFAULT_SEED = 67280421310721  # what a freshly imported torch seeds its generator with


# ----------------------------------------------------------------------------- warming up
def warm_up(modules: list[str]) -> dict[str, str]:
    """Import ``modules`` (each: "ok", or why not); a module that fails costs only itself."""
    report: dict[str, str] = {}
    for name in modules:
        try:
            importlib.import_module(name)
            report[name] = "ok"
        except Exception as error:  # not installed, or broken: the child imports it cold
            report[name] = f"{type(error).__name__}: {error}"[:200]
    return report


def thread_count() -> int:
    """Threads of this process (the kernel's count: pools started by C libraries included)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return -1


# ----------------------------------------------------------------------------- serving
class Template:
    """The template's socket loop: one forked harness per request."""

    def __init__(self, listener: socket.socket, imports: dict[str, str]) -> None:
        self.listener = listener
        self.connections: list[socket.socket] = []
        self.imports = imports

    def serve(self) -> NoReturn:
        while True:
            ready, _, _ = select.select([self.listener, *self.connections], [], [], 1.0)
            _reap()
            for sock in ready:
                if sock is self.listener:
                    connection, _ = self.listener.accept()
                    self.connections.append(connection)
                else:
                    self._answer(sock)

    def _answer(self, connection: socket.socket) -> None:
        try:
            data, fds, _, _ = socket.recv_fds(connection, MAX_REQUEST_BYTES, 3)
            if len(fds) > 3:  # more than asked for cannot arrive; closed all the same
                raise OSError("too many descriptors")
        except OSError:
            data, fds = b"", []
        if not data:
            self.connections.remove(connection)
            connection.close()
            for fd in fds:
                os.close(fd)
            return
        reply_fds: list[int] = []
        try:
            request = json.loads(data)
            if request.get("type") == "hello":
                reply = self._hello()
            elif len(fds) != 3:
                reply = {"error": "a fork request carries 3 descriptors"}
            else:
                pid = self._fork(request, fds)
                reply, reply_fds = {"pid": pid}, [os.pidfd_open(pid)]
        except Exception as error:  # a bad request costs that request only
            reply = {"error": f"{type(error).__name__}: {error}"[:300]}
        finally:
            for fd in fds:
                os.close(fd)
        with contextlib.suppress(OSError):
            socket.send_fds(connection, [json.dumps(reply).encode()], reply_fds)
        for fd in reply_fds:
            os.close(fd)

    def _hello(self) -> dict[str, Any]:
        return {
            "imports": self.imports,
            "threads": thread_count(),
            "python": sys.version.split()[0],
            "pid": os.getpid(),
        }

    def _fork(self, request: dict[str, Any], fds: list[int]) -> int:
        threads = thread_count()
        if threads != 1:  # a fork would copy a lock some pool thread holds
            raise RuntimeError(f"the template runs {threads} threads; it forks only with one")
        plan = _plan(request["plan"])
        if plan.uid is not None:
            _settle(plan.uid)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        pid = os.fork()
        if pid == 0:
            self._become_harness(plan, request, fds)
        return pid

    def _become_harness(
        self, plan: SandboxPlan, request: dict[str, Any], fds: list[int]
    ) -> NoReturn:
        """In the new child: take the run's descriptors, environment and sandbox; run the harness."""
        try:
            for sock in (self.listener, *self.connections):
                sock.detach()  # closed below with every other descriptor; never by a finalizer
            os.setsid()
            stdin, output, results = (os.dup(fd) for fd in fds)  # out of the way of 0-3
            for fd, target in ((stdin, 0), (output, 1), (output, 2), (results, RESULTS_FD)):
                os.dup2(fd, target)
            os.closerange(RESULTS_FD + 1, os.sysconf("SC_OPEN_MAX"))
            env = {str(k): str(v) for k, v in request["env"].items()}
            rewrite_start_environment(env)
            os.environ.clear()
            os.environ.update(env)
            tempfile.tempdir = None  # a folder an import cached is the template's, not the run's
            sys.argv = [str(a) for a in request["argv"]]
            enter_sandbox(plan)
            # exec would make the harness dumpable again after the uid drop; so must we,
            # or its own /proc files would belong to root
            prctl(PR_SET_DUMPABLE, 1)
            reseed_generators()
            harness.main(RESULTS_FD)
        except BaseException:
            pass
        os._exit(1)


def _plan(fields: dict[str, Any]) -> SandboxPlan:
    return SandboxPlan(
        mode=str(fields["mode"]),
        uid=None if fields["uid"] is None else int(fields["uid"]),
        limits=Limits(**fields["limits"]),
        hide=tuple(str(p) for p in fields["hide"]),
        workdir=str(fields["workdir"]),
        processes=int(fields["processes"]),
    )


def plan_fields(plan: SandboxPlan) -> dict[str, Any]:
    """``plan`` as the JSON a fork request carries (the inverse of :func:`_plan`)."""
    fields = dataclasses.asdict(plan)
    fields["hide"] = list(plan.hide)
    return fields


def _settle(uid: int, seconds: float = 5.0) -> None:
    """Wait (reaping) until the uid of the next harness runs nothing: a restarted run's uid
    still counts the killed processes of its last attempt until they are reaped, and they
    would take its process limit (a cold start's interpreter start hides that wait)."""
    deadline = time.monotonic() + seconds
    while tasks_of_uid(uid) and time.monotonic() < deadline:
        _reap()
        time.sleep(0.005)


def _reap() -> None:
    """Collect the children that ended (the grader waits on their pidfds, not on us)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


# ----------------------------------------------------------------------------- the child's state
def rewrite_start_environment(env: dict[str, str]) -> None:
    """Write ``env``'s values over the environment this process was started with, in place.

    ``/proc/self/environ`` shows the block the kernel gave the template at
    its start, not ``os.environ``. The template was started with the values a
    harness gets, with placeholders of the same length where a run's differ
    (its tag; in weak mode its folder), so overwriting them makes that block
    read exactly as a cold harness's would, and finds the run by its tag.
    """
    with open("/proc/self/stat") as stream:
        fields = stream.read().rsplit(")", 1)[1].split()
    start, end = int(fields[47]), int(fields[48])  # env_start, env_end (fields 50 and 51)
    block = ctypes.string_at(start, end - start)
    offset = 0
    for entry in block.split(b"\0"):
        key, sep, value = entry.partition(b"=")
        new = env.get(key.decode("utf-8", "replace"), "").encode()
        if sep and len(new) == len(value) and new != value:
            ctypes.memmove(start + offset + len(key) + 1, new, len(new))
        offset += len(entry) + 1


def reseed_generators() -> None:
    """Give this child the generators a freshly started interpreter would have.

    Python's ``random`` re-seeds itself in a forked child; NumPy's global
    generator is seeded from the OS's entropy as at its import; torch's
    default generator starts from its fixed default seed, as at its import.
    """
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    torch = sys.modules.get("torch")
    if torch is not None and hasattr(torch, "manual_seed"):
        torch.manual_seed(TORCH_DEFAULT_SEED)


# ----------------------------------------------------------------------------- main
def main(listen_fd: int, modules: list[str], home: str) -> NoReturn:
    """Warm up, then serve forever (the grader kills the template when its batch is done)."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the batch that started it ends: so does it
    prctl(PR_SET_DUMPABLE, 0)  # no process of a submission can read its memory
    libc()  # loaded before any fork (see syscalls)
    listener = socket.socket(fileno=listen_fd)
    # what the imports cache (matplotlib's font list) goes to the template's own folder, not to
    # a run's: the start environment (a harness's) is left as it is for the children
    os.environ.update(HOME=home, TMPDIR=home, MPLCONFIGDIR=os.path.join(home, "matplotlib"))
    imports = warm_up(modules)
    # what the imports built moves out of the collector's reach: a child's collections then
    # never touch (and copy) the pages it shares with the template (gc.freeze's purpose)
    gc.collect()
    gc.freeze()
    Template(listener, imports).serve()
