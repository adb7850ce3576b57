"""What a leased uid leaves in the shared temp folders and System V IPC is removed (as root)."""

from __future__ import annotations

import ctypes
import os
import uuid
from pathlib import Path

import pytest

from autograder.sandbox.leftovers import remove_leftovers
from autograder.sandbox.uids import lease_uid

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root leases sandbox uids")


def _as_uid(uid: int, action: str) -> None:
    """Run ``action`` (Python source) in a child that became ``uid``."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            exec(action, {"os": os, "ctypes": ctypes})
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert status == 0


def _shm_owned_by(uid: int) -> list[str]:
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()
    column = lines[0].split().index("uid")
    return [line for line in lines[1:] if int(line.split()[column]) == uid]


def test_a_uid_leaves_nothing_in_tmp_or_ipc_for_the_next_lease(tmp_path: Path) -> None:
    lease = lease_uid()
    uid, tag = lease.uid, uuid.uuid4().hex
    ours = tmp_path / "ours.txt"  # what a symbolic link of the uid points at is not its own
    ours.write_text("keep")
    os.chmod(tmp_path, 0o755)
    _as_uid(
        uid,
        f"""
for folder in ("/tmp", "/dev/shm"):
    with open(f"{{folder}}/left-{tag}", "w") as f:
        f.write("for the next run")
os.makedirs("/tmp/dir-{tag}/deep/er")
open("/tmp/dir-{tag}/deep/er/x.py", "w").close()
os.symlink("{ours}", "/tmp/link-{tag}")
libc = ctypes.CDLL(None, use_errno=True)
assert libc.shmget(ctypes.c_int(0x7A000000 + {uid}), 4096, 0o1600) >= 0
""",
    )
    other = Path(f"/tmp/other-{tag}")  # another uid's (ours) stays
    other.write_text("not the run's")
    assert Path(f"/tmp/left-{tag}").exists() and _shm_owned_by(uid)
    try:
        lease.release()
        for gone in (
            f"/tmp/left-{tag}",
            f"/dev/shm/left-{tag}",
            f"/tmp/dir-{tag}",
            f"/tmp/link-{tag}",
        ):
            assert not os.path.lexists(gone), gone
        assert _shm_owned_by(uid) == []
        assert ours.read_text() == "keep" and other.read_text() == "not the run's"
        assert remove_leftovers(uid) == 0  # nothing more to find
    finally:
        other.unlink()
