"""The isolation mechanisms one by one: namespaces, keyrings, strays, the phases of a run.

``tests/hostile`` attacks them with whole submissions; these pin each piece.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.grading.submission import spec_sources
from autograder.sandbox import strays
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.process_tree import descendants, end_tree, process_table
from autograder.sandbox.seccomp import KEYRING_SYSCALLS, keyring_filter, refuse_keyrings
from autograder.sandbox.supervisor import HarnessJob, _FrameReader, run_in_sandbox
from autograder.sandbox.syscalls import PR_SET_NO_NEW_PRIVS, prctl
from autograder.wire import framing
from autograder.wire.export import Isolation, RunExport
from tests.conftest import ROOT, make_notebook

WEEK = locate_week("week01", ROOT)
FAST = Limits(run_seconds=60, cell_seconds=5, item_seconds=5, memory_bytes=2 << 30)
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (strict mode), as in CI")


@pytest.fixture(autouse=True)
def _fresh_isolation() -> Iterator[None]:
    isolation.cache_clear()
    yield
    isolation.cache_clear()


def _cell_errors(*sources: str, notebook: bytes | None = None) -> list[dict[str, Any]]:
    job = HarnessJob(
        notebook=notebook or make_notebook(*sources), specs=spec_sources(WEEK, False), items=[]
    )
    run = run_in_sandbox(job, limits=FAST)
    return [c.error for c in run.cells if c.error]


# --------------------------------------------------------------------------- what each mode says
def test_weak_mode_reports_ipc_and_processes_as_not_isolated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", "weak")
    iso = isolation()
    assert not iso.ipc_isolated and not iso.processes_isolated
    summary = iso.summary()
    assert "IPC NOT isolated" in summary and "processes NOT isolated" in summary


@AS_ROOT
def test_strict_mode_isolates_ipc_processes_and_keyrings() -> None:
    iso = isolation()
    assert iso.mode == "strict" and iso.ipc_isolated and iso.processes_isolated
    assert iso.keyring_isolated
    assert "private IPC" in iso.summary() and "own processes only" in iso.summary()


# --------------------------------------------------------------------------- namespaces
SEE_PROCESSES_AND_IPC = """\
import json, os, subprocess
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
ipcs = subprocess.run(["ipcs", "-m"], capture_output=True, text=True).stdout
raise RuntimeError(json.dumps([os.getpid(), pids, {key!r} in ipcs, sorted(os.listdir("/dev"))]))
"""


@AS_ROOT
def test_the_child_sees_only_its_own_processes_and_ipc() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    key = 0x5EED2000 + os.getpid() % 4096
    shm = libc.shmget(key, 4096, 0o1600)  # in the host's IPC namespace
    assert shm >= 0
    try:
        (error,) = _cell_errors(SEE_PROCESSES_AND_IPC.format(key=hex(key)))
        pid, pids, host_segment_seen, dev = json.loads(error["error_message"])
    finally:
        libc.shmctl(shm, 0, None)  # IPC_RMID
    assert pid == 2, "the harness is PID 2 below the namespace's init"
    assert set(pids) <= {1, 2, *range(3, 60)}, pids  # init, harness, what the cell started
    assert not host_segment_seen
    assert "mqueue" in dev and "shm" in dev and "sda" not in dev and "kmsg" not in dev


KEYCTL = """\
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
number = {"x86_64": 250, "aarch64": 219}[os.uname().machine]
result = libc.syscall(number, 0, -4, 0)
raise RuntimeError(f"keyctl {result} errno {ctypes.get_errno()}")
"""


def test_the_kernel_keyrings_are_refused_in_every_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for mode in (None, "weak"):
        if mode:
            monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", mode)
        isolation.cache_clear()
        if not isolation().keyring_isolated:
            pytest.skip("this kernel refuses seccomp filters")
        (error,) = _cell_errors(KEYCTL)
        assert error["error_message"] == "keyctl -1 errno 1", (mode, error)


@pytest.mark.parametrize("machine", sorted(KEYRING_SYSCALLS))
def test_the_keyring_filter_is_a_whole_bpf_program(machine: str) -> None:
    program = keyring_filter(machine)
    assert program is not None and len(program) % 8 == 0 and len(program) // 8 == 10
    assert keyring_filter("sparc") is None


def test_the_filter_refuses_keyctl_and_allows_the_rest() -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        try:
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            refuse_keyrings()
            libc = ctypes.CDLL(None, use_errno=True)
            refused = libc.syscall(KEYRING_SYSCALLS[os.uname().machine][3], 0, -4, 0) == -1
            os._exit(0 if refused and ctypes.get_errno() == 1 and os.getppid() > 0 else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


# --------------------------------------------------------------------------- strays
FORKING_TREE = """\
import os, time
for _ in range(6):
    if os.fork() == 0:
        continue  # the child forks on
    break
while True:
    try:
        if os.fork() == 0:
            time.sleep(60)
            os._exit(0)
    except OSError:
        pass
    time.sleep(0.01)
"""


def test_end_tree_stops_a_tree_that_keeps_forking() -> None:
    root = subprocess.Popen([sys.executable, "-c", FORKING_TREE])
    seen: set[int] = set()

    def tree(table: dict[int, Any]) -> set[int]:
        found = {root.pid} | descendants({root.pid}, table)
        seen.update(found)
        return found

    try:
        time.sleep(0.5)
        assert len(tree(process_table())) > 6, "the tree has grown"
        assert end_tree(tree) == set()
        root.wait(timeout=10)
        table = process_table()
        assert not [p for p in seen if p in table and table[p].state not in "ZX"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            root.kill()


def test_a_surviving_stray_stops_further_runs_until_it_is_gone() -> None:
    survivor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        task = process_table()[survivor.pid]
        strays._survivors.add((survivor.pid, task.started))
        with pytest.raises(strays.StraysSurvived, match="survived"):
            strays.refuse_if_strays_survived()
    finally:
        survivor.kill()
        survivor.wait()
    strays.refuse_if_strays_survived()  # gone: grading may go on
    assert not strays._survivors


# --------------------------------------------------------------------------- the phases of a run
class _FakeChild:
    def __init__(self) -> None:
        self.sent = 0

    def send_private_part(self) -> None:
        self.sent += 1


def _reader(job: HarnessJob) -> tuple[_FrameReader, _FakeChild, RunExport]:
    export = RunExport(items={}, cells=[], isolation=Isolation("strict", 61000, True, True))
    child = _FakeChild()
    return _FrameReader(export, job, child), child, export  # type: ignore[arg-type]


def _item(name: str, **fields: Any) -> framing.Frame:
    return framing.Frame(
        {"type": "item", "item": name, "variant": None, "status": "error", **fields}
    )


def test_the_private_part_goes_out_only_after_the_cells_and_the_public_items() -> None:
    job = HarnessJob(b"{}", [("public", "g.py", b""), ("hidden", "h.py", b"")], ["a", "h"])
    job.private_items = ["h"]
    frames, child, export = _reader(job)
    frames.apply(framing.Frame({"type": "public_done"}))  # forged during the cells: ignored
    frames.apply(framing.Frame({"type": "cell_start", "cell": 0, "number": 1}))
    frames.apply(_item("a", error_message="forged in a cell"))
    assert child.sent == 0 and "result channel" in export.items[("a", None)].error_message
    frames.apply(framing.Frame({"type": "cell_end", "cell": 0, "number": 1}))
    frames.apply(framing.Frame({"type": "cells_done"}))
    frames.apply(framing.Frame({"type": "public_done"}))
    assert child.sent == 1
    # after it: cells, notes and public items are dropped; private items are taken
    frames.apply(framing.Frame({"type": "cell_end", "cell": 1, "number": 2, "error": {}}))
    frames.apply(framing.Frame({"type": "notebook_error", "message": "secret"}))
    frames.apply(_item("a", error_message="late secret"))
    frames.apply(_item("h", error_type="ValueError", error_message="secret"))
    assert export.cells_run == 1 and export.notebook_error is None
    assert "late secret" not in export.items[("a", None)].error_message
    assert export.items[("h", None)].after_private


def test_a_job_without_hidden_items_has_no_private_part() -> None:
    job = HarnessJob(b"{}", spec_sources(WEEK, False), ["task_type"])
    assert not job.has_private_part and job.public_keys() == {("task_type", None)}


# --------------------------------------------------------------------------- cell numbers
def test_cells_are_named_as_jupyter_numbers_them() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# intro"},
            {
                "cell_type": "code",
                "execution_count": 7,
                "metadata": {},
                "outputs": [],
                "source": "x = 1",
            },
            {"cell_type": "markdown", "metadata": {}, "source": "more"},
            {
                "cell_type": "code",
                "execution_count": 9,
                "metadata": {},
                "outputs": [],
                "source": "1 / 0",
            },
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": "y = z",
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    errors = _cell_errors(notebook=json.dumps(notebook).encode())
    assert [e["location"] for e in errors] == ["cell 4 (In [9]), line 1", "cell 5, line 1"]


def test_a_killed_cell_is_skipped_by_its_jupyter_number() -> None:
    notebook = make_notebook("x = 1").decode()
    data = json.loads(notebook)
    data["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "title"})
    data["cells"].append(
        {
            "cell_type": "code",
            "execution_count": 3,
            "metadata": {},
            "outputs": [],
            "source": "import os\nos._exit(1)",
        }
    )
    job = HarnessJob(json.dumps(data).encode(), spec_sources(WEEK, False), [])
    run = run_in_sandbox(job, limits=FAST)
    assert list(run.skipped_cells.values()) == [
        "cell 3 (In [3]) ended the grading process (os._exit, a signal or running out of memory)"
    ]
