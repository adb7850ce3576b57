"""The portable mode: where the operating system has none of the Linux tools the sandbox uses.

Windows has no ``fork``, ``fcntl``, ``resource`` or signals for timers; macOS
has no namespaces, seccomp or ``prctl``. There, practice grading (``check``,
the in-notebook test cells) runs the harness as a plain subprocess:

* an isolated interpreter (``python -I``) with a clean environment in a
  fresh empty working folder, as in every mode;
* the results come back on the child's standard output (no extra file
  descriptor to pass), the notebook's own output on its standard error;
* the grader enforces every time limit from outside (a cell, an item, the
  whole run): it kills the child and starts it again past what hung;
* the items are probed one after another in the harness's own process (no
  ``fork``): the same probes on the same namespace, so the same results as
  on Linux for a notebook whose functions do not change global state.

Nothing is isolated: the student's code runs as the student, who already
owns the machine. Official grading never runs in this mode.
"""

from __future__ import annotations

import importlib
import os
import sys

PORTABLE = "portable"
RESULTS_ON_STDOUT = "stdout"  # the harness's results argument in this mode
PORTABLE_NOTE = (
    "graded in the portable mode (this system has no process isolation: time limits only); "
    "the official grade runs in the Linux sandbox"
)


def portable_reason() -> str | None:
    """Why this system needs the portable mode, or None where the Linux sandbox can run."""
    if not sys.platform.startswith("linux"):
        return f"{sys.platform} has no Linux namespaces, seccomp or prctl"
    for module in ("fcntl", "resource"):
        try:
            importlib.import_module(module)
        except ImportError:
            return f"the {module} module is not available"
    if not hasattr(os, "fork"):
        return "os.fork is not available"
    return None


def portable_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus what the interpreter needs to start on this system (Windows: SYSTEMROOT...)."""
    out = dict(env)
    for name in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "PATHEXT", "COMSPEC"):
        if name in os.environ:
            out[name] = os.environ[name]
    if os.name == "nt":
        out["PATH"] = os.environ.get("PATH", "")
    return out
