"""The portable mode (Windows, macOS): practice grading without fork, fcntl, resource or timers.

Tested here by forcing the mode (``AUTOGRADER_SANDBOX_MODE=portable``: the
harness then probes items in its own process and the grader enforces every
limit from outside) and by running the grader with ``fcntl`` and
``resource`` made unimportable, as on Windows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.instructor.demo import plant_bugs
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.portable import PORTABLE_NOTE
from autograder.sandbox.reachability import SandboxUnavailable
from autograder.sandbox.supervisor import HarnessJob, run_in_sandbox
from tests.conftest import ROOT, make_notebook

WEEK = locate_week("week01", ROOT)
SOLUTION = ROOT / "solutions" / "week01" / "week01.ipynb"
STUB = ROOT / "assignments" / "week01" / "week01.ipynb"
SPEC = """\
from autograder.spec import Item
ITEMS = [
    Item("first", 1, lambda ns: ns["f"](1), check=None, requires=("f",), timeout=2),
    Item("second", 1, lambda ns: ns["g"](2), check=None, requires=("g",), timeout=2),
    Item("third", 1, lambda ns: ns["h"](3), check=None, requires=("h",), timeout=2),
]
"""
FAST = Limits(run_seconds=120, cell_seconds=2, item_seconds=2, memory_bytes=2 << 30)


@pytest.fixture
def portable(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", "portable")
    isolation.cache_clear()
    yield
    isolation.cache_clear()


def _notebooks() -> dict[str, bytes]:
    solution = json.loads(SOLUTION.read_text())
    return {
        "solution": SOLUTION.read_bytes(),
        "stub": STUB.read_bytes(),
        "wrong": json.dumps(plant_bugs(solution)).encode(),
    }


def _items(record: dict[str, Any]) -> dict[str, tuple[float, str]]:
    return {t["name"]: (t["score"], t["status"]) for t in record["tests"]}


def _run(notebook: str, limits: Limits = FAST) -> dict[tuple[str, str | None], Any]:
    job = HarnessJob(
        notebook=make_notebook(notebook),
        specs=[("public", "grading.py", SPEC.encode())],
        items=["first", "second", "third"],
    )
    return run_in_sandbox(job, limits=limits).items


@pytest.fixture(scope="module")
def linux() -> dict[str, dict[str, Any]]:
    """The practice records of the solution, the stub and a wrong notebook in the Linux sandbox."""
    return {k: grade_submission(WEEK, nb).as_dict() for k, nb in _notebooks().items()}


def test_practice_grades_match_the_linux_sandbox_item_by_item(
    monkeypatch: pytest.MonkeyPatch, linux: dict[str, dict[str, Any]]
) -> None:
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", "portable")
    isolation.cache_clear()
    try:
        ported = {k: grade_submission(WEEK, nb).as_dict() for k, nb in _notebooks().items()}
    finally:
        isolation.cache_clear()
    for name in linux:
        assert _items(ported[name]) == _items(linux[name]), name
        assert (
            ported[name]["notes"][0] == PORTABLE_NOTE and PORTABLE_NOTE not in linux[name]["notes"]
        )
    assert ported["solution"]["score"] == ported["solution"]["max_score"] > 0
    assert ported["stub"]["score"] == 0
    assert 0 < ported["wrong"]["score"] < ported["wrong"]["max_score"]


def test_a_hanging_item_times_out_and_the_others_are_still_graded(portable: None) -> None:
    items = _run(
        "import time\nf = lambda x: x\ndef g(x):\n    while True: time.sleep(0.01)\nh = lambda x: x"
    )
    assert items["first", None].status == "ok" and items["third", None].status == "ok"
    assert items["second", None].status == "timeout"
    assert "ran longer than 2 s" in items["second", None].error_message


def test_an_item_that_ends_the_process_costs_only_that_item(portable: None) -> None:
    items = _run("import os\nf = lambda x: x\ng = lambda x: os._exit(3)\nh = lambda x: x")
    assert items["first", None].status == "ok" and items["third", None].status == "ok"
    assert items["second", None].status == "crashed"


def test_a_hanging_cell_is_skipped_by_the_grader(portable: None) -> None:
    job = HarnessJob(
        notebook=make_notebook("f = lambda x: x", "while True: pass", "g = lambda x: x\nh = g"),
        specs=[("public", "grading.py", SPEC.encode())],
        items=["first", "second", "third"],
    )
    run = run_in_sandbox(job, limits=FAST)
    assert all(run.items[name, None].status == "ok" for name in ("first", "second", "third"))
    assert any("ran longer than 2 s" in reason for reason in run.skipped_cells.values())


def test_hidden_items_are_refused_in_the_portable_mode(portable: None) -> None:
    job = HarnessJob(
        notebook=make_notebook("f = 1"),
        specs=[("public", "grading.py", SPEC.encode()), ("hidden", "hidden.py", b"ITEMS = []")],
        items=["first"],
    )
    with pytest.raises(SandboxUnavailable, match="Linux sandbox"):
        run_in_sandbox(job, limits=FAST)


WITHOUT_POSIX = """\
import sys
sys.modules["fcntl"] = None  # as on Windows: importing them fails
sys.modules["resource"] = None
from autograder.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("name", ["solution", "stub", "wrong"])
def test_check_runs_where_fcntl_and_resource_do_not_exist(
    name: str, tmp_path: Path, linux: dict[str, dict[str, Any]]
) -> None:
    notebook = tmp_path / "week01.ipynb"
    notebook.write_bytes(_notebooks()[name])
    record = tmp_path / "record.json"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_POSIX,
            "grade",
            "week01",
            str(notebook),
            "--json",
            str(record),
            "--course",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    graded = json.loads(record.read_text())
    assert graded["grader"]["sandbox"].startswith("portable")
    assert PORTABLE_NOTE in " ".join(done.stdout.split())  # the report says so (wrapped)
    assert _items(graded) == _items(linux[name])
