"""Every instructor verb of ``python -m autograder`` is also a nox session that runs it.

The sessions are run for real (``nox -s SESSION -- --help``), in the shared
course environment this test already runs in; skipped when that environment
is out of date (the session would install it first, which needs the network).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_noxfile

# session name -> the verb it runs (`lock` is the requirements lock: the verb's session is lock-repos)
SESSIONS = {
    "publish": "publish",
    "distribute": "distribute",
    "sync": "sync",
    "lock-repos": "lock",
    "unlock-repos": "unlock",
    "regrade": "regrade",
    "answers": "answers",
    "gradebook": "gradebook",
    "return": "return",
    "demo": "demo",
}


def environment_is_current() -> bool:
    module = load_noxfile()
    stamp: Path = module.STAMP
    return (
        Path(sys.prefix).resolve() == module.VENV.resolve()
        and stamp.exists()
        and stamp.read_text() == module._stamp()
    )


@pytest.mark.skipif(not environment_is_current(), reason="the shared environment is not built")
@pytest.mark.parametrize(("session", "verb"), sorted(SESSIONS.items()))
def test_the_session_runs_its_verb(session: str, verb: str) -> None:
    nox = Path(sys.executable).parent / "nox"
    done = subprocess.run(
        [str(nox), "-s", session, "--", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert f"usage: python -m autograder {verb} " in done.stdout
