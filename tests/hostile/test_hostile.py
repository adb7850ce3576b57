"""Every hostile submission of :mod:`tests.hostile.cases`, graded against week 1.

Each case runs in the strongest sandbox this machine allows (``strict`` when
the tests run as root, as in CI) and, where it says so, again in the
``weak`` mode (``AUTOGRADER_SANDBOX_MODE=weak``), each time started cold and
forked from a warm template (``harness_start``, see ``conftest.py``). When the tests run as root,
the cases about processes, disk, hangs and secrets also run as an ordinary
user (``nobody``) in the ``weak`` and ``userns`` modes, where no dedicated
uid exists. Tight limits keep the hang and bomb cases to a few seconds each.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.wire import exchange
from autograder.scoring import references
from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.scoring.results import Results
from autograder.spec import load_week
from tests.conftest import ROOT, code_cell
from tests.hostile.other_user import as_user, can_become
from tests.hostile.cases import CASES, LIGHT_FUNCTIONS, STRICT, WEAK, Case, light_notebook
from tests.hostile.conftest import COLD, HARNESS_STARTS, WARM, Templates

WEEK = locate_week("week01", ROOT)
REQUIRES = {
    i.name: set(i.requires) for i in load_week(WEEK.name, WEEK.public_dir, WEEK.private_dir).items
}
# The whole solution imports matplotlib, scikit-learn and loads data sets: on a
# busy 2-core runner a cell of it can take several seconds, so it gets room.
SOLUTION_LIMITS = Limits(
    run_seconds=120,
    cell_seconds=20,
    item_seconds=20,
    memory_bytes=3 << 30,
    processes=96,
    file_bytes=16 << 20,
    tmp_bytes=64 << 20,
    startup_seconds=60,
)
# The light notebook's cells take milliseconds: hangs are cut after 2 s.
LIGHT_LIMITS = Limits(
    run_seconds=60,
    cell_seconds=2,
    item_seconds=3,
    memory_bytes=2 << 30,
    processes=96,
    file_bytes=16 << 20,
    tmp_bytes=64 << 20,
    startup_seconds=60,
)
SECRET = "ghs_" + "hostile0suite0fake0token0" * 2
NEEDS_ISOLATION = {
    "network_access",
    "pip_install_subprocess",
    "environment_secrets",
    "read_private_paths",
    "search_filesystem",
    "write_results_files",
}


@pytest.fixture
def sandbox_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``strict`` = whatever this machine allows best; ``weak`` = forced weak mode."""
    mode = request.param
    if mode == WEAK:
        monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", WEAK)
    else:
        monkeypatch.delenv("AUTOGRADER_SANDBOX_MODE", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)  # a secret in the grader's environment
    isolation.cache_clear()
    yield mode
    isolation.cache_clear()


def _forged_frames() -> str:
    """Item frames carrying the published reference values, as a Python literal."""
    values = references.load(WEEK.public_references, references.PUBLIC)
    frames = []
    for name, value in values.items():
        doc, npz = exchange.encode(value)
        frames.append(({"type": "item", "item": name, "variant": None, "status": "ok"}, doc, npz))
    return repr(frames)


def _fill(source: str, tmp_path: Path) -> str:
    """Fill the placeholders of :mod:`tests.hostile.cases` (``987.654`` becomes a per-test tag)."""
    return (
        source.replace("@MARKER@", str(tmp_path / "marker"))
        .replace("@OUT@", str(tmp_path / "out"))
        .replace("@SECRET@", SECRET)
        .replace("@COURSE@", str(ROOT))
        .replace("987.654", _sleep_tag(tmp_path))
        .replace("@FORGED@", _forged_frames() if "@FORGED@" in source else "")
    )


def _sleep_tag(tmp_path: Path) -> str:
    """A distinctive argument for the escaped ``sleep`` process, unique to this test."""
    return "987." + str(int.from_bytes(str(tmp_path).encode()[-6:], "big") % 10**9)


def _submission(case: Case, tmp_path: Path) -> Path | bytes:
    if case.build is not None:
        return case.build(tmp_path)  # type: ignore[no-any-return]
    if case.base == "light":
        notebook = light_notebook()
    elif case.base in ("solution", "stub"):
        notebook = json.loads(
            (WEEK.solution_notebook if case.base == "solution" else WEEK.notebook).read_text()
        )
    else:
        notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    notebook["cells"] = (
        [code_cell(_fill(s, tmp_path)) for s in case.before]
        + notebook["cells"]
        + [code_cell(_fill(s, tmp_path)) for s in case.after]
    )
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    for name, text in case.files.items():
        (folder / name).write_text(_fill(text, tmp_path))
    path = folder / "week01.ipynb"
    path.write_text(json.dumps(notebook))
    return path


def _grade_cli(
    notebook: Path | bytes, case: Case, tmp_path: Path, out: Path
) -> tuple[Results | dict[str, Any], str]:
    assert isinstance(notebook, Path)
    record_path = out / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            "week01",
            str(notebook),
            "--json",
            str(record_path),
            "--markdown",
            str(out / "report.md"),
        ]
        + (["--hidden"] if case.hidden else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return json.loads(record_path.read_text()), done.stdout


def _stray_processes(tag: str) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(os.path.join(entry.path, "cmdline"), "rb") as stream:
                    if tag.encode() in stream.read():
                        pids.append(int(entry.name))
            except OSError:
                continue
    return pids


CASE_PARAMS = [
    pytest.param(case, mode, id=f"{case.name}-{mode}") for case in CASES for mode in case.modes
]


@pytest.mark.parametrize(("case", "sandbox_mode"), CASE_PARAMS, indirect=["sandbox_mode"])
def test_hostile_submission(
    case: Case, sandbox_mode: str, tmp_path: Path, harness_start: str, warm_templates: Templates
) -> None:
    """``harness_start``: cold, or forked from a warm template (one per mode, for the session)."""
    iso = isolation()
    if case.name in NEEDS_ISOLATION and not (iso.network_isolated and iso.filesystem_hidden):
        if sandbox_mode == STRICT:
            pytest.skip(f"{iso.summary()}: this machine cannot isolate what {case.name} attacks")
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    notebook = _submission(case, tmp_path)
    sleep_tag = _sleep_tag(tmp_path) if "987.654" in "".join(case.before + case.after) else ""
    limits = LIGHT_LIMITS if case.base == "light" else SOLUTION_LIMITS
    if case.imports_torch:
        limits = dataclasses.replace(SOLUTION_LIMITS, memory_bytes=8 << 30)
    template = warm_templates.address(WEEK) if harness_start == WARM else None
    started = time.monotonic()
    # the CLI grades one notebook cold: the warm path grades the same case in this process
    cli = case.cli and template is None
    if cli:
        record, stdout = _grade_cli(notebook, case, tmp_path, out)
    else:
        results = grade_submission(
            WEEK, notebook, hidden=case.hidden, limits=limits, hide=[out], template=template
        )
        record, stdout = results.as_dict(), ""
    elapsed = time.monotonic() - started

    assert elapsed < limits.run_seconds + 30, f"grading took {elapsed:.0f} s"
    assert_honest_outcome(case, record)

    # nothing ran in the trusted process, nothing leaked, nothing was left behind
    assert not (tmp_path / "marker").exists(), "student code ran outside the sandbox"
    assert SECRET not in json.dumps(record)
    assert sorted(p.name for p in out.iterdir()) == (["report.md", "results.json"] if cli else [])
    if cli:
        assert not [line for line in stdout.splitlines() if line.lstrip().startswith("::")], stdout
        assert "Points 23/23" not in stdout
        assert f"{record['score']:g} / {record['max_score']:g} points" in stdout.replace(".0 ", " ")
    if sleep_tag:
        assert not _stray_processes(sleep_tag), "a process of the submission outlived grading"


def assert_honest_outcome(case: Case, record: dict[str, Any]) -> None:
    """One graded record, no points beyond the honest part, the expected message."""
    assert record["status"] == "graded", record.get("error")
    tests = record["tests"]
    assert tests, "every item is in the record"

    # no points beyond the honest part
    by_name = {t["name"]: t for t in tests}
    if case.public_may_pass:
        assert all(t["score"] == 0 for t in tests if t["visibility"] == "hidden"), by_name
    elif case.base in ("solution", "light"):
        for name, t in by_name.items():
            honest = case.base == "solution" or REQUIRES[name] <= set(LIGHT_FUNCTIONS)
            must_lose = "*" in case.lose or name.split(".")[0] in case.lose
            expected = t["max_score"] if honest and not must_lose else 0
            assert t["score"] == expected, (
                name,
                t["score"],
                t["message"],
                record["notes"],
                record["cells"],
            )
    else:
        assert record["score"] == 0, [
            (t["name"], t["score"], t["message"]) for t in tests if t["score"]
        ]

    # a clear message
    if case.message:
        said = (
            [t["message"] for t in tests]
            + record["notes"]
            + [
                f"{c['error']['error_type']}: {c['error']['error_message']}"
                for c in record["cells"]
                if c.get("error")
            ]
        )
        assert any(m in text for m in case.message.split("|") for text in said), said


# As an ordinary user there is no dedicated uid: the process limit sits on top
# of the user's own processes, and escaped processes are found by a tag. The
# weak mode has no namespaces; the userns mode has them (no network, a new
# root) and is what an instructor's laptop usually gets. kill(-1) is left out:
# as an ordinary user it reaches the grader too (see the README, "Security model"), which
# is why official grades need strict mode.
AS_USER = (
    "fork_bomb",
    "escaped_process",
    "disk_filler",
    "one_huge_file",
    "infinite_loop_ignoring_signals",
    "graded_function_hangs",
    "os_exit_in_graded_function",
    "memory_bomb",
    "environment_secrets",
)
AS_USER_IN_NAMESPACES = ("network_access", "read_private_paths", "search_filesystem")
GRADE_AS_USER = """
import dataclasses, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.sandbox.limits import Limits
from autograder.sandbox.fork_server import WarmTemplate
from autograder.sandbox.template_imports import template_imports
from autograder.sandbox.isolation import isolation
week = locate_week("week01", Path(sys.argv[1]))
limits, data = Limits(**json.loads(sys.argv[2])), sys.stdin.buffer.read()
if sys.argv[3] == "warm":
    modules = template_imports(week.notebook, week.public_dir / "grading.py")
    with WarmTemplate.start(isolation(), modules) as template:
        results = grade_submission(week, data, limits=limits, template=template.address)
else:
    results = grade_submission(week, data, limits=limits)
print(json.dumps(results.as_dict()))
"""


USER_PARAMS = [
    pytest.param(case, mode, start, id=f"{case.name}-{mode}-user-{start}")
    for mode, names in (("weak", AS_USER), ("userns", AS_USER + AS_USER_IN_NAMESPACES))
    for case in CASES
    if case.name in names
    # weak mode as an ordinary user has no warm template (fork_server.template_supported)
    for start in (HARNESS_STARTS if mode == "userns" else (COLD,))
]


@pytest.mark.skipif(not can_become("nobody"), reason="needs root to become another user")
@pytest.mark.parametrize(("case", "mode", "start"), USER_PARAMS)
def test_hostile_submission_as_an_ordinary_user(
    case: Case, mode: str, start: str, tmp_path: Path
) -> None:
    if mode == "userns" and not can_become("nobody", namespaces=True):
        pytest.skip("this kernel does not give ordinary users namespaces")
    notebook = _submission(case, tmp_path)
    assert isinstance(notebook, Path)
    sleep_tag = _sleep_tag(tmp_path) if "987.654" in "".join(case.before + case.after) else ""
    done = subprocess.run(
        as_user(
            "nobody",
            [
                "env",
                "-i",
                "HOME=/tmp",
                f"AUTOGRADER_SANDBOX_MODE={mode}",
                f"GITHUB_TOKEN={SECRET}",
                sys.executable,
                "-c",
                GRADE_AS_USER,
                str(ROOT),
                json.dumps(dataclasses.asdict(LIGHT_LIMITS)),
                start,
            ],
        ),
        input=notebook.read_bytes(),
        capture_output=True,
        timeout=LIGHT_LIMITS.run_seconds + 30,
        cwd="/",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    record = json.loads(done.stdout)
    assert (
        record["grader"]["sandbox"].startswith(mode) and "same uid" in record["grader"]["sandbox"]
    )
    assert_honest_outcome(case, record)
    assert SECRET not in json.dumps(record)
    if sleep_tag:
        assert not _stray_processes(sleep_tag), "a process of the submission outlived grading"


def test_the_suite_has_every_kind_of_attack() -> None:
    names = {case.name for case in CASES}
    assert len(CASES) >= 35 and len(names) == len(CASES)
    for required in (
        "os_exit_in_cell",
        "sys_exit_in_cell",
        "raise_system_exit_and_keyboard_interrupt",
        "infinite_loop_ignoring_signals",
        "memory_bomb",
        "fork_bomb",
        "disk_filler",
        "giant_stdout",
        "network_access",
        "pip_install_subprocess",
        "monkeypatch_numpy",
        "monkeypatch_math_builtins",
        "always_equal_object",
        "ndarray_subclass",
        "nan_answer",
        "wrong_dtype",
        "wrong_shape",
        "pickle_and_pt_files",
        "pickled_npz_frame",
        "read_private_paths",
        "write_results_files",
        "forged_grade_printed",
        "atexit_handlers",
        "student_conftest_sitecustomize_shadows",
        "test_cells_deleted",
        "test_cells_edited",
        "environment_secrets",
        "search_filesystem",
        "invalid_json",
        "missing_notebook",
        "empty_file",
        "huge_notebook_file",
    ):
        assert required in names, required
