"""The grader's side of a batch's warm template (the template itself: :mod:`autograder.sandbox.template`).

A batch starts one :class:`WarmTemplate` per week and sandbox mode
(:meth:`WarmTemplate.start`); every grading run of the batch, in this
process or in a worker, reaches it by its :class:`TemplateAddress` and asks
it for a harness (:func:`fork_harness`) instead of starting an interpreter.
The harness it gets is isolated exactly as a cold one (the same
:class:`~autograder.sandbox.isolation.SandboxPlan`, environment and
arguments), has the week's libraries imported already, and is driven
through a :class:`ForkedHarness`, which stands in for the
``subprocess.Popen`` of the cold path (stdin, stdout, ``pid``, ``kill``,
``wait``) through a pidfd, since the harness is the template's child, not ours.

The template is offered only where a run's processes can be bounded
without being our children: in a PID namespace (strict, userns) or under a
dedicated uid (weak mode as root). In weak mode as an ordinary user the
submission would run as our uid, could reach the template's socket, and
its orphans would fall to the template instead of to us; batches there
stay cold (:func:`template_supported`).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.sandbox.isolation import (
    PACKAGE_ROOT,
    RUN_TAG_HEX,
    SandboxPlan,
    clean_env,
    workdir_shape,
)
from autograder.sandbox.template import RESULTS_FD, plan_fields
from autograder.wire.export import Isolation

TEMPLATE_BOOT = (
    "import sys, json; sys.path.insert(0, sys.argv[1]); "
    "from autograder.sandbox.template import main; "
    "main(int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4])"
)
START_SECONDS = 120.0  # the imports of a torch week take seconds; a broken start, not minutes
REPLY_BYTES = 1 << 16


class TemplateError(RuntimeError):
    """The template could not be started or could not fork a harness (the run then goes cold)."""


@dataclass(frozen=True)
class TemplateAddress:
    """What a grading run needs to reach a batch's template (picklable: workers get it)."""

    socket_path: str
    mode: str

    def serves(self, iso: Isolation) -> bool:
        return iso.mode == self.mode and template_supported(iso)


def template_supported(iso: Isolation) -> bool:
    """Whether a template may serve runs in ``iso`` (see the module docstring)."""
    return iso.processes_isolated or iso.uid is not None


@dataclass
class WarmTemplate:
    """A running template process and its private folder (socket, log, its own caches)."""

    process: subprocess.Popen[bytes]
    folder: str
    address: TemplateAddress
    imports: dict[str, str]  # module -> "ok" or why it was not imported
    start_seconds: float

    @classmethod
    def start(cls, iso: Isolation, modules: list[str]) -> WarmTemplate:
        """Start a template for runs in ``iso`` that imports ``modules``; wait until it is warm."""
        if not template_supported(iso):
            raise TemplateError(f"no warm template in {iso.mode} mode without a dedicated uid")
        started = time.monotonic()
        folder = tempfile.mkdtemp(prefix="autograder-template-")
        path = os.path.join(folder, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            listener.bind(path)
            listener.listen(64)
            # the environment a harness gets, placeholders where a run's values differ
            env = clean_env(workdir_shape(iso.mode), "0" * RUN_TAG_HEX)
            # the template's own folders for what its imports cache (matplotlib's font list)
            home = os.path.join(folder, "home")
            os.mkdir(home, 0o700)
            with open(os.path.join(folder, "log"), "wb") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-I",
                        "-c",
                        TEMPLATE_BOOT,
                        PACKAGE_ROOT,
                        str(listener.fileno()),
                        json.dumps(modules),
                        home,
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    pass_fds=(listener.fileno(),),
                    env=env,
                    cwd=home,
                    start_new_session=True,
                )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            listener.close()
        template = cls(process, folder, TemplateAddress(path, iso.mode), {}, 0.0)
        try:
            hello = _request(template.address, {"type": "hello"}, [], START_SECONDS)[0]
        except TemplateError as error:
            template.close()
            raise TemplateError(f"{error}; its log: {template.log_tail()}") from None
        template.imports = dict(hello.get("imports", {}))
        template.start_seconds = round(time.monotonic() - started, 3)
        return template

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return Path(self.folder, "log").read_text(errors="replace")[-2000:]
        return ""

    def close(self) -> None:
        """Stop the template (the harnesses it forked are the runs' to end) and remove its folder."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> WarmTemplate:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# --------------------------------------------------------------------------- one harness
class ForkedHarness:
    """A harness forked by the template, driven like the cold path's ``Popen``."""

    def __init__(self, pid: int, pidfd: int, stdin: int, stdout: int) -> None:
        self.pid = pid
        self._pidfd = pidfd
        self.stdin: io.BufferedWriter = open(stdin, "wb")  # noqa: SIM115
        self.stdout: io.BufferedReader = open(stdout, "rb")  # noqa: SIM115
        self.returncode: int | None = None

    def kill(self) -> None:
        if self._pidfd >= 0:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait until the harness (the process the template forked) has ended."""
        if self._pidfd < 0:
            return self.returncode
        ready, _, _ = select.select([self._pidfd], [], [], timeout)
        if not ready:
            raise subprocess.TimeoutExpired(f"harness {self.pid}", timeout or 0.0)
        os.close(self._pidfd)
        self._pidfd = -1
        self.returncode = -signal.SIGKILL  # the template reaps it; only its end is known here
        return self.returncode


def fork_harness(
    address: TemplateAddress, plan: SandboxPlan, env: dict[str, str], argv: list[str]
) -> tuple[ForkedHarness, int]:
    """Ask the template for a harness isolated by ``plan``; (the harness, our end of its results pipe).

    ``argv`` is the cold harness's ``sys.argv`` (its results descriptor is
    :data:`~autograder.sandbox.template.RESULTS_FD` here).
    """
    stdin_read, stdin_write = os.pipe()
    output_read, output_write = os.pipe()
    results_read, results_write = os.pipe()
    request = {"type": "fork", "plan": plan_fields(plan), "env": env, "argv": argv}
    try:
        reply, fds = _request(address, request, [stdin_read, output_write, results_write], 30.0)
    except BaseException:
        for fd in (stdin_write, output_read, results_read):
            os.close(fd)
        raise
    finally:
        for fd in (stdin_read, output_write, results_write):
            os.close(fd)
    if "pid" not in reply or len(fds) != 1:
        for fd in (stdin_write, output_read, results_read, *fds):
            os.close(fd)
        raise TemplateError(f"the template did not fork a harness: {reply.get('error', reply)}")
    return ForkedHarness(int(reply["pid"]), fds[0], stdin_write, output_read), results_read


def harness_argv() -> list[str]:
    """The ``sys.argv`` a cold harness has (``python -I -c BOOT <results fd> <package root>``)."""
    return ["-c", str(RESULTS_FD), PACKAGE_ROOT]


def _request(
    address: TemplateAddress, request: dict[str, Any], fds: list[int], timeout: float
) -> tuple[dict[str, Any], list[int]]:
    """One request on a connection of its own: the reply and the descriptors it carried."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as connection:
            connection.settimeout(timeout)
            connection.connect(address.socket_path)
            socket.send_fds(connection, [json.dumps(request).encode()], fds)
            data, got, _, _ = socket.recv_fds(connection, REPLY_BYTES, 1)
    except OSError as error:
        raise TemplateError(f"the warm template did not answer ({error})") from None
    if not data:
        for fd in got:
            os.close(fd)
        raise TemplateError("the warm template closed the connection")
    return json.loads(data), got


__all__ = [
    "ForkedHarness",
    "TemplateAddress",
    "TemplateError",
    "WarmTemplate",
    "fork_harness",
    "harness_argv",
    "template_supported",
]
