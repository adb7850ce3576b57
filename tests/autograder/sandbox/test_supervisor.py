"""The trust boundary piece by piece: sandbox set-up, frames, exported data, scoring.

``tests/hostile`` attacks the whole grader with submissions; these tests pin
the mechanisms those defences rest on, each on its own.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.course import locate_week
from autograder.files import MAX_NOTEBOOK_BYTES, read_notebook
from autograder.grading.submission import grade_submission, spec_sources
from autograder.reporting.markdown import markdown
from autograder.sandbox.isolation import PACKAGE_ROOT, isolation, process_limit
from autograder.sandbox.limits import Limits
from autograder.sandbox.mounts import kept_in_root
from autograder.sandbox.supervisor import HarnessJob, run_in_sandbox
from autograder.sandbox.uids import lease_uid
from autograder.scoring.compare import score_item
from autograder.spec import Item, Outcome
from autograder.wire import exchange
from autograder.wire import framing as protocol
from autograder.wire.export import ItemExport, RunExport, item_export
from tests.conftest import ROOT, make_notebook

WEEK = locate_week("week01", ROOT)
FAST = Limits(run_seconds=60, cell_seconds=5, item_seconds=5, memory_bytes=2 << 30)
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (strict mode), as in CI")


@pytest.fixture
def weak(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", "weak")
    isolation.cache_clear()
    yield
    isolation.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_isolation() -> Any:
    isolation.cache_clear()
    yield
    isolation.cache_clear()


def cell_report(*sources: str, items: tuple[str, ...] = ()) -> RunExport:
    job = HarnessJob(
        notebook=make_notebook(*sources), specs=spec_sources(WEEK, False), items=list(items)
    )
    return run_in_sandbox(job, limits=FAST)


def last_error(run: RunExport) -> str:
    errors = [c.error for c in run.cells if c.error]
    assert errors, run
    return str(errors[-1]["error_message"])


# --------------------------------------------------------------------------- the child process
def test_the_child_runs_an_isolated_interpreter_with_a_clean_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_not_for_students")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    probe = (
        "import os, sys, json\n"
        "raise RuntimeError(json.dumps([sys.flags.isolated, sys.flags.no_user_site, sorted(os.environ),"
        " os.getcwd(), os.listdir('.'), '' in sys.path or os.getcwd() in sys.path]))"
    )
    isolated, no_user_site, names, cwd, files, cwd_on_path = json.loads(
        last_error(cell_report(probe))
    )
    assert isolated == 1 and no_user_site == 1 and not cwd_on_path
    assert "GITHUB_TOKEN" not in names and "PYTHONPATH" not in names
    assert files == [] and cwd != str(ROOT), "a fresh, empty working folder"


@AS_ROOT
def test_strict_mode_drops_to_a_dedicated_uid_without_network_or_course_files() -> None:
    assert isolation().mode == "strict"
    probe = (
        "import os, socket, json\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=1); net = True\n"
        "except OSError:\n    net = False\n"
        f"raise RuntimeError(json.dumps([os.getuid(), os.getgid(), net, sorted(os.listdir({str(ROOT)!r})),"
        " sorted(os.listdir('/'))]))"
    )
    uid, gid, network, visible, top = json.loads(last_error(cell_report(probe)))
    assert uid >= 61000 and gid == uid and not network
    assert set(visible) <= {"autograder", "course_lib", ".nox", ".venv", "venv"}
    assert "solutions" not in visible and ".git" not in visible
    # a new root: system folders, the interpreter, this package; no home folders, no other checkouts
    system = {
        "usr",
        "bin",
        "sbin",
        "lib",
        "lib32",
        "lib64",
        "libx32",
        "etc",
        "sys",
        "dev",
        "proc",
        "tmp",
        "var",
    }
    assert set(top) - system <= {Path(p).parts[1] for p in (str(ROOT), sys.prefix, sys.base_prefix)}
    assert not {"root", "home", "srv", "mnt", "run"} & set(top) - {Path(str(ROOT)).parts[1]}


@AS_ROOT
def test_if_the_course_root_cannot_be_covered_its_private_folders_still_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(root: str) -> None:
        raise OSError("bind mounts refused")

    monkeypatch.setattr("autograder.sandbox.mounts.cover_course_root", refuse)
    # .git is a folder in a clone and a file in a git worktree: either must read as empty
    probe = (
        "import os, json\n"
        "def seen(p):\n"
        "    return os.listdir(p) if os.path.isdir(p) else list(open(p).read())\n"
        f"raise RuntimeError(json.dumps([seen(os.path.join({str(ROOT)!r}, p)) for p in"
        f" ('solutions', '.git', 'tests')] + [os.path.isdir(os.path.join({str(ROOT)!r}, 'assignments'))]))"
    )
    *private, assignments = json.loads(last_error(cell_report(probe)))
    assert private == [[], [], []] and assignments


def test_weak_mode_says_what_it_does_not_isolate(weak: Any) -> None:
    iso = isolation()
    assert iso.mode == "weak" and not iso.network_isolated and not iso.filesystem_hidden
    assert "NOT isolated" in iso.summary()
    run = cell_report("x = 1")
    assert run.isolation.mode == "weak" and run.fatal is None


def test_only_the_code_the_harness_needs_stays_visible_in_the_course_root() -> None:
    kept = kept_in_root(PACKAGE_ROOT)
    assert {"autograder", "course_lib"} <= set(kept)
    assert not {"solutions", ".git", "tests", "assignments"} & set(kept)


@AS_ROOT
def test_parallel_runs_lease_different_uids() -> None:
    first, second = lease_uid(), lease_uid()
    try:
        assert first.uid != second.uid
    finally:
        first.release()
        second.release()


def test_process_limit_is_per_run_with_a_dedicated_uid() -> None:
    assert process_limit(61234, Limits(processes=50)) == 50
    if os.geteuid() != 0:  # on top of what this user already runs
        assert process_limit(None, Limits(processes=50)) > 50


def test_a_cell_past_its_time_limit_is_skipped_and_the_rest_still_runs() -> None:
    run = run_in_sandbox(
        HarnessJob(
            notebook=make_notebook(
                "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True: pass",
                "x = 1",
            ),
            specs=spec_sources(WEEK, False),
            items=[],
        ),
        limits=Limits(cell_seconds=1, run_seconds=30),
    )
    assert run.attempts == 2 and list(run.skipped_cells.values()) == ["cell 1 ran longer than 1 s"]
    assert [c.number for c in run.cells] == [2] and run.fatal is None


def test_the_limit_on_notebook_size_holds_for_bytes_too() -> None:
    job = HarnessJob(
        notebook=b" " * (MAX_NOTEBOOK_BYTES + 1),
        specs=spec_sources(WEEK, False),
        items=["task_type"],
    )
    run = run_in_sandbox(job, limits=FAST)
    assert (
        "the limit is" in (run.notebook_error or "")
        and run.items[("task_type", None)].status == "not_run"
    )


# --------------------------------------------------------------------------- the frames
@pytest.mark.parametrize(
    "stream",
    [
        (2_000_000).to_bytes(4, "big") + b"{}",  # a header too large
        (2).to_bytes(4, "big") + b"[]",  # not an object
        (14).to_bytes(4, "big") + b'{"blobs":[-1]}',  # a negative length
        (4).to_bytes(4, "big") + b"\xff\xfe{}",  # not JSON
    ],
)
def test_malformed_frames_are_refused(stream: bytes) -> None:
    with pytest.raises(protocol.ProtocolError):
        list(protocol.FrameReader().feed(stream))


def test_a_frame_stream_has_a_total_cap() -> None:
    reader = protocol.FrameReader(max_bytes=100)
    with pytest.raises(protocol.ProtocolError):
        list(reader.feed(protocol.pack({"type": "x"}, b"0" * 200)))


def test_an_item_frame_with_an_unknown_status_is_an_error() -> None:
    frame = protocol.Frame(
        {"type": "item", "item": "task_type", "status": "passed", "missing": "abc"}
    )
    report = item_export(frame)
    assert report.status == "error" and report.missing == ()


# --------------------------------------------------------------------------- exported data
class AlwaysEqual:
    def __eq__(self, other: object) -> bool:
        return True


class LyingFloat(float):
    def __eq__(self, other: object) -> bool:
        return True


class LyingArray(np.ndarray):
    def __eq__(self, other: object) -> Any:
        return True


@pytest.mark.parametrize(
    "value",
    [
        AlwaysEqual(),
        LyingFloat(1.0),
        np.array([AlwaysEqual()], dtype=object),
        np.zeros(2, dtype=[("a", "f8")]),
        {1, 2},
    ],
    ids=["object", "float-subclass", "object-array", "structured-array", "set"],
)
def test_lying_types_cannot_be_exported(value: Any) -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.encode(value)


def test_an_ndarray_subclass_arrives_as_a_plain_array_with_its_values() -> None:
    got = exchange.decode(*exchange.encode(np.arange(3).view(LyingArray)))
    assert type(got) is np.ndarray and got.tolist() == [0, 1, 2]
    assert not np.array_equal(got, np.zeros(3))


def test_nan_and_inf_survive_as_floats_so_checks_can_refuse_them() -> None:
    got = exchange.decode(*exchange.encode({"x": float("nan"), "a": np.array([np.inf])}))
    assert np.isnan(got["x"]) and np.isinf(got["a"][0])


class Evil:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> Any:
        return (open, (str(self.marker), "w"))


def test_a_pickle_inside_the_npz_is_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    buffer = io.BytesIO()
    np.savez(buffer, a0=np.array([Evil(marker)], dtype=object))
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(b'["a", "a0"]', buffer.getvalue())
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        archive.writestr("a0.npy", pickle.dumps(Evil(marker)))
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(b'["a", "a0"]', raw.getvalue())
    assert not marker.exists()


@pytest.mark.parametrize(
    "doc",
    [b'{"__array__": 1}', b'["a", "missing"]', b'["i", 1.5]', b"[" * 100_000, b'["s", 1]', b"\xff"],
)
def test_malformed_exported_trees_are_refused(doc: bytes) -> None:
    with pytest.raises(exchange.ExchangeError):
        exchange.decode(doc, b"")


# --------------------------------------------------------------------------- trusted scoring
def _item(check: Any) -> Item:
    return Item("x", 2, probe=lambda ns: None, check=check)


def _ok(value: Any) -> ItemExport:
    return ItemExport("x", None, "ok", payload=exchange.encode(value))


def _run() -> RunExport:
    return RunExport(items={}, cells=[], isolation=isolation())


def test_a_check_that_breaks_on_odd_data_costs_only_its_item() -> None:
    def fragile(got: Any, ref: Any, reveal: bool) -> Outcome:
        return Outcome(1.0) if got["key"] == ref else Outcome(0.0)

    result = score_item(_item(fragile), _ok([1, 2]), {"x": 3}, _run())
    assert result.score == 0 and "unexpected form" in result.message


def test_a_check_without_a_verdict_scores_zero() -> None:
    result = score_item(_item(lambda got, ref, reveal: True), _ok(1), {"x": 1}, _run())
    assert result.score == 0


def test_malformed_payload_scores_zero_with_a_message() -> None:
    report = ItemExport("x", None, "ok", payload=(b'["f", "not a number"]', b""))
    result = score_item(_item(lambda got, ref, reveal: Outcome(1.0)), report, {"x": 1}, _run())
    assert result.score == 0 and "cannot be graded" in result.message


# --------------------------------------------------------------------------- one record per submission
def test_an_internal_error_still_gives_one_record_with_status_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> RunExport:
        raise RuntimeError("the grader itself failed")

    monkeypatch.setattr("autograder.grading.submission.run_in_sandbox", broken)
    results = grade_submission(WEEK, make_notebook("x = 1"), commit="abc123")
    record = results.as_dict()
    assert record["status"] == "error" and results.exit_code == 3
    assert (
        "the grader itself failed" in record["error"] and record["submission"]["commit"] == "abc123"
    )
    assert "could not grade" in markdown(record)


# --------------------------------------------------------------------------- reading the notebook
def test_a_symlinked_notebook_is_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "week01.ipynb"
    link.symlink_to(WEEK.solution_notebook)
    with pytest.raises(OSError, match="symbolic link"):
        read_notebook(link)


def test_a_fifo_notebook_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "week01.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        read_notebook(fifo)


def test_an_oversized_notebook_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "week01.ipynb"
    with path.open("wb") as stream:
        stream.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk used
    with pytest.raises(OSError, match="the limit is"):
        read_notebook(path)


def test_submissions_graded_at_the_same_time_do_not_disturb_each_other() -> None:
    """Each run leases its own uid, so one run's clean-up never kills the other's processes."""
    from concurrent.futures import ThreadPoolExecutor

    notebook = WEEK.solution_notebook.read_bytes()
    with ThreadPoolExecutor(2) as pool:
        records = list(
            pool.map(
                lambda _: grade_submission(WEEK, notebook, limits=Limits(run_seconds=120)), range(2)
            )
        )
    assert [r.status for r in records] == ["graded", "graded"]
    assert [r.score for r in records] == [r.max_score for r in records]
