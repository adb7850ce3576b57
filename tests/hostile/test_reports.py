"""Hostile submissions against the reports: what a student's text can do to a terminal, Markdown, sizes.

Each submission is graded for real (strict sandbox where the machine allows)
through ``python -m autograder grade``; each test asserts the honest grade,
that every output file is written, and that the student's text reaches
stdout and the Markdown only as inert text:

* terminal escapes (window title, clipboard write, clear screen, C1 controls)
  and Markdown (image, link, raw HTML, mention, a pipe after a backslash) in a
  cell's error and in an item message that quotes what a function raised;
* a 700,000-character message and a report far over GitHub's comment limit,
  posted to a pull request (a local fake of the REST API);
* a lone surrogate in one notebook of a batch: every notebook still gets its
  record and report.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autograder.reporting.markdown import COMMENT_MARKER
from tests.autograder.cli.test_report import actions_env, run_report
from tests.autograder.github.test_client import FakeGitHub
from tests.autograder.reporting.rendering import rendered, table_rows, unescaped_pipes
from tests.hostile.conftest import start_flags
from tests.conftest import ROOT, code_cell
from tests.hostile.cases import Case, light_notebook
from tests.hostile.test_hostile import assert_honest_outcome

TERMINAL = r"\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x1b\\\x1b[2J\x1b[3J\x1bc\x9b31m\x90dcs\x9c"
MARKUP = r"![x](http://evil.example/x.png) <img src=x onerror=alert(1)> [here](http://evil.example) @octocat a \\| b | c"
PAYLOAD = f'"{TERMINAL} {MARKUP}"'
CELL_ERROR = f"raise ValueError({PAYLOAD})\n"
# select_top_features: its probe calls the function itself, so the item quotes what it raised
ITEM_MESSAGE = f"def select_top_features(X, y, k):\n    raise ValueError({PAYLOAD})\n"
SURROGATE = 'raise RuntimeError("lone \\ud800 surrogate " + chr(0xDC00))\n'
HUGE = (
    "def task_type(y):\n    raise ValueError('\U0001f642' * 700_000)\n"
    "def select_top_features(X, y, k):\n    raise ValueError('\U0001f642' * 700_000)\n"
)
MANY_CELLS = "raise ValueError('\U0001f642 ' * 100_000)\n"
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def notebook(tmp_path: Path, name: str, *extra: str) -> Path:
    doc = light_notebook()
    doc["cells"] += [code_cell(source) for source in extra]
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "week01", *args, *start_flags()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def grade_one(tmp_path: Path, *extra: str) -> tuple[dict[str, Any], str, str]:
    out = tmp_path / "out"
    done = grade(
        str(notebook(tmp_path, "week01.ipynb", *extra)),
        "--json",
        str(out / "results.json"),
        "--markdown",
        str(out / "report.md"),
    )
    assert done.returncode == 1, done.stderr[-3000:]  # graded, with items that lost points
    assert sorted(p.name for p in out.iterdir()) == ["report.md", "results.json"]
    return (
        json.loads((out / "results.json").read_text()),
        done.stdout,
        (out / "report.md").read_text(),
    )


def assert_inert(stdout: str, report: str) -> None:
    """No control character on the terminal, no markup of the student's in the Markdown."""
    assert not CONTROL.search(stdout), repr(stdout[:2000])
    assert "&lt;" not in stdout and "&gt;" not in stdout and "|---" not in stdout
    assert "octocat" in stdout, "the student's text is shown, as text"
    assert not CONTROL.search(report), repr(report[:2000])
    html = rendered(report)
    assert not {"img", "a", "script"} & set(html.tags), html.tags
    outside = " ".join(html.outside_code)
    assert "octocat" not in outside and "evil" not in outside and "pwned" not in outside
    for line in table_rows(report):
        assert unescaped_pipes(line) == 5, line


@pytest.mark.slow
def test_terminal_and_markdown_injection_in_a_cell_error(tmp_path: Path) -> None:
    record, stdout, report = grade_one(tmp_path, CELL_ERROR)
    assert_honest_outcome(Case("cell_error_injection", "", base="light"), record)
    assert any("octocat" in c["error"]["error_message"] for c in record["cells"] if c.get("error"))
    assert_inert(stdout, report)


@pytest.mark.slow
def test_terminal_and_markdown_injection_in_an_item_message(tmp_path: Path) -> None:
    record, stdout, report = grade_one(tmp_path, ITEM_MESSAGE)
    assert_honest_outcome(
        Case("item_message_injection", "", base="light", lose=("select_top_features",)), record
    )
    message = next(t["message"] for t in record["tests"] if t["name"] == "select_top_features")
    assert "octocat" in message, "the public item quotes what the function raised"
    assert_inert(stdout, report)


@pytest.mark.slow
def test_an_oversized_message_and_a_report_over_the_comment_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record, stdout, report = grade_one(tmp_path, HUGE, *([MANY_CELLS] * 30))
    assert_honest_outcome(
        Case("oversized", "", base="light", lose=("task_type", "select_top_features")), record
    )
    assert len(report) < 40_000, "every message is capped"
    assert len(stdout) < 40_000
    assert "more characters" in report
    with FakeGitHub() as server:
        env = actions_env(tmp_path, server, "pull_request", {"number": 1})
        assert run_report(monkeypatch, env, tmp_path / "out" / "results.json", "--github") == 0
        body = server.all_comments(1)[0]["body"]
    assert COMMENT_MARKER in body and len(body.encode("utf-8")) <= 65_536
    summary = (tmp_path / "summary").read_text()
    assert len(summary.encode("utf-8")) <= 1 << 20
    if len(report.encode("utf-8")) > 65_000:
        assert "the whole report is in the job summary" in body
    for line in table_rows(body):
        assert unescaped_pipes(line) == 5, line


@pytest.mark.slow
def test_a_lone_surrogate_does_not_stop_a_batch_from_writing_every_file(
    tmp_path: Path, harness_start: str
) -> None:
    paths = [
        notebook(tmp_path, "a.ipynb"),
        notebook(tmp_path, "b.ipynb", SURROGATE),
        notebook(tmp_path, "c.ipynb", CELL_ERROR),
    ]
    out = tmp_path / "out"
    done = grade(*map(str, paths), "--out", str(out), "-j", "2")
    assert done.returncode == 1, done.stderr[-3000:]
    assert sorted(p.name for p in out.iterdir()) == [
        f"{stem}.{ext}" for stem in "abc" for ext in ("json", "md")
    ]
    for stem in "abc":
        record = json.loads((out / f"{stem}.json").read_text())
        assert_honest_outcome(Case(stem, "", base="light"), record)
        (out / f"{stem}.md").read_text(encoding="utf-8")
    assert "\ufffd" in (out / "b.md").read_text(), "the odd character is shown replaced"
    assert not CONTROL.search(done.stdout)


@pytest.mark.slow
def test_check_prints_plain_text_without_terminal_escapes(tmp_path: Path) -> None:
    """A student's own ``check``, in a copy of the released week: the same guarantees on its stdout."""
    folder = tmp_path / "week01"
    shutil.copytree(ROOT / "assignments" / "week01", folder)
    notebook(folder, "week01.ipynb", CELL_ERROR, ITEM_MESSAGE)
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "check"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "PYTHONPATH": str(ROOT),
        },  # this checkout's grader
    )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "1 / 11 points" in done.stdout and "octocat" in done.stdout
    assert not CONTROL.search(done.stdout), repr(done.stdout[:2000])
    assert "&lt;" not in done.stdout and "|---" not in done.stdout
