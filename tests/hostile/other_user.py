"""Run commands as another user (``nobody``), the way an ordinary user runs the grader."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

from tests.conftest import ROOT


def as_user(user: str, command: list[str]) -> list[str]:
    """``command`` run as ``user`` (needs root; a private checkout is opened by
    :mod:`tests.private_checkout`)."""
    return ["runuser", "-u", user, "--", *command]


@cache
def can_become(user: str = "nobody", namespaces: bool = False) -> bool:
    """Whether this process can run commands as ``user`` (and, with ``namespaces``, whether that
    user gets user, network, PID and IPC namespaces from this kernel)."""
    if os.geteuid() != 0 or not shutil.which("runuser"):
        return False
    probe = ["unshare", "-Urn", "--pid", "--fork", "--ipc", "true"] if namespaces else ["true"]
    return subprocess.run(as_user(user, probe), capture_output=True, cwd=ROOT).returncode == 0
