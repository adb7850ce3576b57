"""Hostile submissions against the isolation between runs, and between a run and the host.

* **Cross-submission IPC**: a *writer* submission leaves the solution's code
  in System V shared memory, a semaphore set, a message queue, a POSIX
  message queue, a kernel keyring or a file in a shared temp folder; a
  *reader* submission (the untouched stub plus one cell) graded next on the
  same machine executes what it finds. It must score zero: nothing IPC-like
  outlives a run. Also in weak mode as root, which shares IPC and ``/tmp``:
  what a run's uid owns there is removed when its lease ends.
* **Other processes' /proc**: a token on another process's command line
  (as a regrade's arguments would be) must not be readable from the sandbox.
* **Strays that drop their tag**: a process that forks, calls ``setsid`` and
  ``execve``s with an empty environment, then kills every harness it sees,
  must not survive its run to hand the next submission of the batch a zero.

Each runs the batch through ``python -m autograder grade --out`` (every
output file written) in strict mode as root and, where the machine allows,
as an ordinary user in the userns and weak modes.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import code_cell
from tests.hostile.cases import LIGHT_FUNCTIONS, _stub, light_notebook
from tests.hostile.other_user import can_become
from tests.hostile.run_grader import grade_cli

AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (strict mode), as in CI")


# (mode, user): strict as root; userns and weak as an ordinary user
MODES = [
    pytest.param("strict", None, marks=AS_ROOT, id="strict"),
    pytest.param(
        "userns",
        "nobody",
        marks=pytest.mark.skipif(
            not can_become("nobody", namespaces=True), reason="no user namespaces"
        ),
        id="userns-user",
    ),
    pytest.param(
        "weak",
        "nobody",
        marks=pytest.mark.skipif(not can_become("nobody"), reason="needs root to become nobody"),
        id="weak-user",
    ),
]
NAMESPACED_MODES = MODES[:2]
# weak mode as root: shared IPC and /tmp, but every lease of a uid begins and ends with
# nothing of that uid left there (autograder.sandbox.leftovers)
WEAK_AS_ROOT = pytest.param("weak", None, marks=AS_ROOT, id="weak-root")


def _notebook(base: str, *cells: str) -> bytes:
    notebook = light_notebook() if base == "light" else json.loads(_stub().read_text())
    notebook["cells"] = notebook["cells"] + [code_cell(c) for c in cells]
    return json.dumps(notebook).encode()


def _solution_code() -> str:
    """The source of the light notebook's two solution functions: what the writer smuggles."""
    cells = light_notebook()["cells"]
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
    )


def _light_items(record: dict[str, Any]) -> tuple[float, float]:
    """(score, max score) of the items that need only the light notebook's functions."""
    from tests.hostile.test_hostile import REQUIRES

    light = [t for t in record["tests"] if REQUIRES[t["name"]] <= set(LIGHT_FUNCTIONS)]
    return sum(t["score"] for t in light), sum(t["max_score"] for t in light)


def assert_honest_part_passes(record: dict[str, Any]) -> None:
    score, full = _light_items(record)
    assert record["status"] == "graded", record.get("error")
    assert score == full > 0, [(t["name"], t["message"]) for t in record["tests"]]


# --------------------------------------------------------------------------- IPC channels
PRELUDE = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
KEY = {key}  # one per test: tests run in parallel
QUEUE = b"/autograder-leak-{key}"
CODE = {code!r}.encode()
"""
WRITERS = {
    "sysv_shm": """\
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
shm = libc.shmget(KEY, 1 << 16, 0o1666)
address = libc.shmat(shm, None, 0)
ctypes.memmove(address, CODE + b"\\0", len(CODE) + 1)
""",
    "sysv_sem": """\
semaphores = libc.semget(KEY, len(CODE), 0o1666)
values = (ctypes.c_ushort * len(CODE))(*CODE)
libc.semctl(semaphores, 0, 17, values)  # SETALL
""",
    "sysv_msg": """\
class Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 8192)]
queue = libc.msgget(KEY, 0o1666)
libc.msgsnd(queue, ctypes.byref(Message(1, CODE)), len(CODE), 0o4000)
""",
    "posix_mqueue": """\
class Attr(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_long), ("maxmsg", ctypes.c_long), ("msgsize", ctypes.c_long), ("cur", ctypes.c_long), ("pad", ctypes.c_long * 4)]
queue = libc.mq_open(QUEUE, os.O_CREAT | os.O_RDWR, 0o666, ctypes.byref(Attr(0, 1, 8192, 0)))
libc.mq_send(queue, CODE, len(CODE), 0)
""",
    "keyring": """\
for keyring in (-4, -5, -3):  # the user, user session and session keyrings
    libc.syscall(248, b"user", QUEUE, CODE, len(CODE), keyring)  # add_key
""",
    "tmp_file": """\
for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        with open(os.open(f"{folder}/autograder-leak-{KEY}", os.O_CREAT | os.O_WRONLY, 0o600), "wb") as f:
            f.write(CODE)
    except OSError:
        pass
""",
}
READERS = {
    "sysv_shm": """\
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
shm = libc.shmget(KEY, 0, 0)
found = ctypes.string_at(libc.shmat(shm, None, 0o10000)) if shm >= 0 else b""
""",
    "sysv_sem": """\
semaphores = libc.semget(KEY, 0, 0)
values = (ctypes.c_ushort * 32000)()
found = bytes(v for v in values if v) if semaphores >= 0 and libc.semctl(semaphores, 0, 13, values) >= 0 else b""  # GETALL
""",
    "sysv_msg": """\
class Message(ctypes.Structure):
    _fields_ = [("mtype", ctypes.c_long), ("mtext", ctypes.c_char * 8192)]
queue, message = libc.msgget(KEY, 0), Message()
size = libc.msgrcv(queue, ctypes.byref(message), 8192, 0, 0o4000) if queue >= 0 else -1
found = message.mtext[:size] if size > 0 else b""
""",
    "posix_mqueue": """\
queue = libc.mq_open(QUEUE, os.O_RDONLY | os.O_NONBLOCK)
buffer = ctypes.create_string_buffer(8192)
size = libc.mq_receive(queue, buffer, 8192, None) if queue >= 0 else -1
found = buffer.raw[:size] if size > 0 else b""
""",
    "keyring": """\
found = b""
for keyring in (-4, -5, -3):
    key = libc.syscall(249, b"user", QUEUE, None, keyring)  # request_key
    buffer = ctypes.create_string_buffer(65536)
    size = libc.syscall(250, 11, key, buffer, 65536) if key > 0 else -1  # KEYCTL_READ
    found = found or (buffer.raw[:size] if size > 0 else b"")
""",
    "tmp_file": """\
found = b""
for folder in ("/tmp", "/var/tmp", "/dev/shm"):
    try:
        with open(f"{folder}/autograder-leak-{KEY}", "rb") as f:
            found = found or f.read()
    except OSError:
        pass
""",
}
EXECUTE = "exec(found.decode(), globals())\nraise RuntimeError(f'found {len(found)} bytes')\n"


@pytest.fixture
def ipc_key(request: pytest.FixtureRequest) -> Iterator[int]:
    """A key of this test's own; what a writer left in the host's IPC is removed afterwards
    (only a machine that does not isolate IPC has any)."""
    key = 0x5EED0000 + zlib.crc32(request.node.name.encode()) % 0xFFFF
    yield key
    for flag in ("-M", "-S", "-Q"):
        subprocess.run(["ipcrm", flag, str(key)], capture_output=True)
    ctypes.CDLL(None).mq_unlink(f"/autograder-leak-{key}".encode())
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{folder}/autograder-leak-{key}")


def _weak_as_root_reaches(channel: str) -> bool:
    """POSIX message queues are found only where /dev/mqueue is mounted; keyrings are refused
    by the seccomp filter in every mode."""
    return channel != "posix_mqueue" or os.path.isdir("/dev/mqueue")


@pytest.mark.parametrize("channel", sorted(WRITERS))
@pytest.mark.parametrize(("mode", "user"), [*NAMESPACED_MODES, WEAK_AS_ROOT])
def test_one_submission_cannot_leave_code_for_the_next(
    channel: str, mode: str, user: str | None, ipc_key: int
) -> None:
    if mode == "weak" and not _weak_as_root_reaches(channel):
        pytest.skip("weak mode: POSIX message queues cannot be listed without /dev/mqueue")
    prelude = PRELUDE.format(key=ipc_key, code=_solution_code())
    writer = _notebook("light", prelude + WRITERS[channel])
    reader = _notebook("stub", prelude + READERS[channel] + EXECUTE)
    graded = grade_cli({"writer": writer, "reader": reader}, mode=mode, user=user)
    writer_record, reader_record = graded.records["writer"], graded.records["reader"]
    assert_honest_part_passes(writer_record)
    assert reader_record["status"] == "graded"
    assert reader_record["score"] == 0, [
        (t["name"], t["score"]) for t in reader_record["tests"] if t["score"]
    ]
    said = json.dumps(reader_record["cells"])
    assert "found 0 bytes" in said, said


# --------------------------------------------------------------------------- other processes
TOKEN = "ghs_" + "commandline0token0of0another0process"
READ_OTHER_PROCESSES = """\
import os
seen = []
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        for name in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as f:
                    seen += [a.decode(errors="replace") for a in f.read().split(b"\\0") if b"ghs_" in a]
            except OSError:
                pass
raise RuntimeError("seen: " + " ".join(seen)[:400])
"""


@pytest.mark.parametrize(("mode", "user"), NAMESPACED_MODES)
def test_other_processes_command_lines_are_not_readable(mode: str, user: str | None) -> None:
    bystander = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)", f"--api-token={TOKEN}"]
    )
    try:
        graded = grade_cli(
            {"reader": _notebook("light", READ_OTHER_PROCESSES)}, mode=mode, user=user
        )
    finally:
        bystander.kill()
        bystander.wait()
    record = graded.records["reader"]
    assert_honest_part_passes(record)
    assert "seen:" in json.dumps(record["cells"])
    assert TOKEN not in graded.everything()
    assert "commandline0token" not in graded.everything()


# --------------------------------------------------------------------------- strays without a tag
STRAY_TAG = "stray-without-tag-5c1e"
# the stray kills only processes named VICTIM (their comm): the next submission of its own
# batch names itself so, and no other test's runs are disturbed
KILLER = """\
import os, signal, time
deadline = time.time() + 60
while time.time() < deadline:  # STRAY_TAG
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and open(f"/proc/{pid}/comm", "rb").read().strip() == VICTIM:
                os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.01)
"""
DROP_THE_TAG = """\
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execve(sys.executable, [sys.executable, "-c", KILLER], {})
    os._exit(0)
os.wait()
time.sleep(0.5)  # until the stray has exec'd: its environment is empty from then on
"""
# the first cell of the next, honest submission: if a stray kills it here, the cell is
# skipped on the restart, numpy is never imported, and the honest functions score nothing
NAME_THE_VICTIM = """\
import ctypes, time
ctypes.CDLL(None).prctl(15, VICTIM, 0, 0, 0)  # PR_SET_NAME
time.sleep(1.0)
"""


def _dropper(victim: bytes) -> bytes:
    killer = KILLER.replace("STRAY_TAG", _stray_tag(victim)).replace("VICTIM", repr(victim))
    return _notebook("light", DROP_THE_TAG.replace("KILLER", repr(killer)))


def _victim(victim: bytes) -> bytes:
    notebook = light_notebook()
    first = notebook["cells"][0]
    first["source"] = NAME_THE_VICTIM.replace("VICTIM", repr(victim)) + "".join(first["source"])
    return json.dumps(notebook).encode()


def _stray_tag(victim: bytes) -> str:
    return f"{STRAY_TAG}-{victim.decode()}"


def _strays(victim: bytes) -> list[int]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as stream:
                if _stray_tag(victim).encode() in stream.read():
                    found.append(int(pid))
        except (OSError, ValueError):
            continue
    return found


@pytest.mark.parametrize(("mode", "user"), MODES)
def test_a_stray_that_drops_its_tag_does_not_harm_the_next_submission(
    mode: str, user: str | None
) -> None:
    victim = f"victim-{mode}".encode()
    try:
        graded = grade_cli(
            {"a_dropper": _dropper(victim), "b_honest": _victim(victim)},
            mode=mode,
            user=user,
        )
        time.sleep(0.5)
        left = _strays(victim)
    finally:
        for pid in _strays(victim):
            os.kill(pid, 9)
    assert_honest_part_passes(graded.records["b_honest"])
    assert not left, "a process of the submission outlived grading"
