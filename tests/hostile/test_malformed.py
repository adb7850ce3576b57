"""Hostile submissions whose text or data is malformed: the grade is still honest, every file written.

* **Lone surrogates** (``chr(0xD800)``, which no UTF-8 writer accepts) in a
  cell's error and in an item's exception, in a batch (every submission's
  ``.json`` and ``.md``) and in an official regrade (``feedback/``,
  ``results/``, ``run.json``, the gradebook files).
* **Malformed numbers and nesting** in what reaches the trusted side: the
  notebook patches the harness's exporter and framing so that real frames
  carry an integer of 5,000 digits, an integer too large for a float, JSON
  nested 100,000 deep, or a header the parser cannot read. Each costs the
  items it touches (or, for an unreadable frame, the rest of the run), never
  a grader error.
* **Oversized output**: a notebook of thousands of failing cells with long
  messages, and an item whose check echoes 50,000 dict keys, give a record
  and a report of bounded size.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from autograder.course import locate_week
from tests.autograder.official.test_regrade import git
from tests.conftest import ROOT, code_cell
from tests.hostile.cases import LIGHT_FUNCTIONS, light_notebook
from tests.hostile.run_grader import Graded, grade_cli, shared_folder
from tests.hostile.secret_week import WEEK as SECRET_WEEK
from tests.hostile.secret_week import make_course
from tests.hostile.secret_week import notebook as secret_notebook

WEEK = locate_week("week01", ROOT)


def _light(*extra: str) -> bytes:
    notebook = light_notebook()
    notebook["cells"] += [code_cell(c) for c in extra]
    return json.dumps(notebook).encode()


def _items(record: dict[str, Any]) -> dict[str, float]:
    return {t["name"]: t["score"] for t in record["tests"]}


def _light_full(record: dict[str, Any], lose: tuple[str, ...] = ()) -> None:
    """Full marks on the light notebook's items, except those of the functions in ``lose``."""
    from tests.hostile.test_hostile import REQUIRES

    assert record["status"] == "graded", record.get("error")
    for t in record["tests"]:
        honest = REQUIRES[t["name"]] <= set(LIGHT_FUNCTIONS) and not REQUIRES[t["name"]] & set(lose)
        assert t["score"] == (t["max_score"] if honest else 0), (t["name"], t["message"])


# --------------------------------------------------------------------------- lone surrogates
SURROGATES = """\
bad = "broken " + chr(0xD800) + " text " + chr(0xDFFF)
def select_top_features(X, y, k):
    raise ValueError(bad)
raise RuntimeError(bad + "\\x1b]0;title\\x07")
"""


def test_lone_surrogates_in_a_batch_lose_no_one_s_files() -> None:
    graded = grade_cli({"a": _light(), "b_surrogates": _light(SURROGATES), "c": _light()})
    _light_full(graded.records["a"])
    _light_full(graded.records["c"])
    _light_full(graded.records["b_surrogates"], lose=("select_top_features",))
    report = graded.reports["b_surrogates"]
    assert "broken \ufffd text \ufffd" in report and "\x1b" not in report


def test_lone_surrogates_in_a_regrade_lose_no_one_s_files(tmp_path: Path) -> None:
    repos = tmp_path / "repos"
    students = {"alice": _light(), "bob": _light(SURROGATES), "carol": _light()}
    for student, notebook in students.items():
        repo = repos / f"week01-{student}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        (repo / "week01.ipynb").write_bytes(notebook)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "work")
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "name", "sis_user_id"])
        writer.writerows([s, s.title(), f"U-{s}"] for s in students)
    out = tmp_path / "grades"
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "regrade", "week01", "--roster", str(roster)]
        + ["--repos", str(repos), "--deadline", "2026-11-01T23:59:00+00:00", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    for student in students:
        feedback = (out / "feedback" / f"{student}.md").read_bytes().decode("utf-8")
        record = json.loads((out / "results" / f"{student}.json").read_bytes().decode("utf-8"))
        assert record["status"] == "graded" and record["scope"] == "official", record.get("error")
        assert "\x1b" not in feedback
    assert json.loads((out / "run.json").read_text())["students"] == list(students)
    for name in ("gradebook.csv", "canvas.csv", "summary.md"):
        (out / name).read_bytes().decode("utf-8")
    bob = json.loads((out / "results" / "bob.json").read_text())
    alice = json.loads((out / "results" / "alice.json").read_text())
    assert _items(bob)["task_type"] == _items(alice)["task_type"] > 0
    assert _items(bob)["select_top_features"] == 0 < _items(alice)["select_top_features"]


# --------------------------------------------------------------------------- malformed numbers
PATCH_EXPORTER = """\
import autograder.wire.exchange as exchange
exchange.encode = lambda value: ({doc!r}, b"")
"""
PATCH_FRAMING = """\
import json, struct
import autograder.wire.framing as framing
def pack(header, *blobs):
    if header.get("type") == "item":
        head = {head!r}
        return struct.pack(">I", len(head)) + head
    return original(header, *blobs)
original = framing.pack
framing.pack = pack
"""
MALFORMED = {
    # exports (the payload of each item): every item costs its points, the run goes on
    "a_5000_digit_integer": PATCH_EXPORTER.format(doc=b'["i", ' + b"9" * 5000 + b"]"),
    "an_int_too_large_for_a_float": PATCH_EXPORTER.format(doc=b'["f", ' + b"9" * 400 + b"]"),
    "nesting_100000_deep": PATCH_EXPORTER.format(
        doc=b'["l", ' * 100_000 + b'["n"]' + b"]" * 100_000
    ),
    # frame headers: the stream cannot be read past them
    "a_header_with_a_5000_digit_integer": PATCH_FRAMING.format(
        head=b'{"type": "item", "item": "task_type", "seconds": ' + b"9" * 5000 + b"}"
    ),
    "a_header_nested_50000_deep": PATCH_FRAMING.format(
        head=b'{"type": "item", "error": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    ),
    "a_header_with_seconds_too_large_for_a_float": PATCH_FRAMING.format(
        head=b'{"type": "item", "item": "task_type", "variant": null, "status": "timeout", '
        b'"seconds": ' + b"9" * 400 + b"}"
    ),
}


def test_malformed_numbers_and_nesting_cost_the_submission_only_its_items() -> None:
    graded = grade_cli({name: _light(patch) for name, patch in MALFORMED.items()})
    for name, record in graded.records.items():
        assert record["status"] == "graded", (name, record.get("error"))
        assert record["score"] == 0, (name, _items(record))
        said = " ".join([t["message"] for t in record["tests"]] + record["notes"])
        assert "cannot be graded" in said or "malformed data" in said or "not graded" in said, (
            name,
            said,
        )


# --------------------------------------------------------------------------- oversized output
MANY_FAILING_CELLS = 5000
LONG_FAILURE = "raise ValueError('{i}: ' + 'x' * 5000 + '\\n' + 'second line ' * 500)\n"


def _many_failing_cells() -> bytes:
    notebook = light_notebook()
    notebook["cells"] += [code_cell(LONG_FAILURE.format(i=i)) for i in range(MANY_FAILING_CELLS)]
    return json.dumps(notebook).encode()


ECHO_50000_KEYS = "def echo(xs):\n    return {str(i): i for i in range(50_000)}\n"


def _assert_bounded(graded: Graded) -> None:
    for stem, record in graded.records.items():
        record_bytes = len(json.dumps(record, indent=2))
        assert record_bytes < 64 << 10, (stem, record_bytes)
        assert len(graded.reports[stem]) < 32 << 10, (stem, len(graded.reports[stem]))
        assert all(len(t["message"]) <= 1000 for t in record["tests"])


def test_many_failing_cells_give_a_bounded_record_and_report() -> None:
    graded = grade_cli({"cells": _many_failing_cells()})
    cells = graded.records["cells"]
    _light_full(cells)
    assert len(cells["cells"]) <= 20
    assert any(f"{MANY_FAILING_CELLS} of" in note for note in cells["notes"]), cells["notes"]
    assert all(len(c["error"]["error_message"]) <= 160 for c in cells["cells"])
    _assert_bounded(graded)


def test_a_check_that_echoes_50000_keys_gives_a_bounded_message() -> None:
    course = shared_folder()
    try:
        make_course(course)
        graded = grade_cli(
            {"keys": secret_notebook(ECHO_50000_KEYS)}, week=SECRET_WEEK, course=course
        )
    finally:
        shutil.rmtree(course, ignore_errors=True)
    record = graded.records["keys"]
    assert record["status"] == "graded" and record["score"] == 0
    assert "expected the keys" in record["tests"][0]["message"]
    _assert_bounded(graded)
