"""``python -m autograder report``: GitHub Actions files, the PR comment, other formats.

The GitHub environment files are temporary files, and the comment goes to a
real local HTTP server (:class:`tests.autograder.github.test_client.FakeGitHub`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main
from autograder.instructor.local_actions import read_outputs
from autograder.reporting.formats import classroom, classroom50, gradescope
from autograder.reporting.markdown import COMMENT_MARKER
from tests.autograder.github.test_client import TOKEN, FakeGitHub
from tests.autograder.reporting.test_formats import IDENTITY_ENV, MIXED, record


def actions_env(
    tmp_path: Path, server: FakeGitHub, event_name: str, event: dict[str, Any]
) -> dict[str, str]:
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    for name in ("output", "summary"):
        (tmp_path / name).write_text("")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_REPOSITORY": "ml-2026/week01-alice",
        "GITHUB_REF_NAME": "main",
        "GITHUB_API_URL": server.url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "GITHUB_TOKEN": TOKEN,
    }


@pytest.fixture
def server() -> Any:
    with FakeGitHub() as fake:
        yield fake


def run_report(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], results: Path, *extra: str
) -> int:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return main(["report", str(results), *extra])


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(doc))
    return path


def test_pull_request_run_writes_everything_and_keeps_one_comment(
    tmp_path: Path,
    server: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = actions_env(
        tmp_path, server, "pull_request", {"number": 1, "pull_request": {"number": 1}}
    )
    server.add_comment(1, "welcome to the course")
    assert (
        run_report(monkeypatch, env, write(tmp_path, MIXED), "--github") == 0
    )  # a low score is not a failure
    out = capsys.readouterr().out
    assert "::notice title=Autograding complete::Points 4.5/6" in out

    summary = (tmp_path / "summary").read_text()
    assert "4.5 / 6 points" in summary and "9 hidden items" in summary
    outputs = read_outputs(tmp_path / "output")
    assert (outputs["score"], outputs["max-score"], outputs["points"], outputs["status"]) == (
        "4.5",
        "6",
        "4.5/6",
        "graded",
    )
    runner = classroom.decode(outputs["result"])
    assert classroom.validate(runner) == []
    assert (
        sum(t["score"] for t in runner["tests"]) == MIXED["score"]
        and runner["max_score"] == MIXED["max_score"]
    )

    better = record(("split_indices", 2, 2, "passed"), ("task_type", 1, 1, "passed"))
    assert run_report(monkeypatch, env, write(tmp_path, better), "--github") == 0
    marked = [c for c in server.all_comments(1) if COMMENT_MARKER in c["body"]]
    assert len(server.all_comments(1)) == 2 and len(marked) == 1
    assert "3 / 3 points" in marked[0]["body"]
    assert "https://github.com/ml-2026/week01-alice/actions/runs/42" in marked[0]["body"]
    assert "comment updated" in capsys.readouterr().out


def test_push_run_comments_on_the_open_pull_request_of_its_branch(
    tmp_path: Path, server: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add_pull_request(3, "main")
    env = actions_env(tmp_path, server, "push", {"ref": "refs/heads/main"})
    assert run_report(monkeypatch, env, write(tmp_path, MIXED), "--github") == 0
    assert len(server.all_comments(3)) == 1


def test_a_push_without_a_pull_request_still_reports(
    tmp_path: Path, server: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = actions_env(tmp_path, server, "push", {"ref": "refs/heads/main"})
    assert run_report(monkeypatch, env, write(tmp_path, MIXED), "--github") == 0
    assert server.comments == {} and "4.5 / 6 points" in (tmp_path / "summary").read_text()
    assert "result" in read_outputs(tmp_path / "output")


def test_a_comment_that_cannot_be_posted_is_a_warning(
    tmp_path: Path,
    server: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server.fail_writes = True  # e.g. a pull request from a fork: read-only token
    env = actions_env(tmp_path, server, "pull_request", {"number": 5})
    assert run_report(monkeypatch, env, write(tmp_path, MIXED), "--github") == 0
    out = capsys.readouterr().out
    assert "::warning::could not comment on pull request #5" in out and "fork" in out
    assert TOKEN not in out


def test_without_a_token_the_comment_is_skipped(
    tmp_path: Path,
    server: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {**actions_env(tmp_path, server, "pull_request", {"number": 1}), "GITHUB_TOKEN": ""}
    assert run_report(monkeypatch, env, write(tmp_path, MIXED), "--github") == 0
    assert server.requests == [] and "comment was skipped" in capsys.readouterr().out


def test_missing_results_is_an_internal_error_that_is_still_reported(
    tmp_path: Path,
    server: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = actions_env(tmp_path, server, "pull_request", {"number": 1})
    assert run_report(monkeypatch, env, tmp_path / "nothing.json", "--github") == 3
    assert "could not grade" in (tmp_path / "summary").read_text()
    outputs = read_outputs(tmp_path / "output")
    assert outputs["status"] == "error" and classroom.decode(outputs["result"])["status"] == "error"
    assert "could not grade" in server.all_comments(1)[0]["body"]
    assert "::error title=Autograder::" in capsys.readouterr().out


def test_text_in_workflow_commands_cannot_start_another_command(
    tmp_path: Path,
    server: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    doc = {
        **record(),
        "status": "error",
        "error": "boom\n::add-mask::x\r\n::set-output name=score::100",
    }
    env = actions_env(tmp_path, server, "push", {})
    run_report(monkeypatch, env, write(tmp_path, doc), "--github")
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("::")] == [
        next(line for line in lines if line.startswith("::error"))
    ]
    assert "%0A::add-mask::x%0D%0A" in lines[0]


def test_formats_written_to_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = write(tmp_path, MIXED)
    assert (
        main(["report", str(results), "--format", "gradescope", "-o", str(tmp_path / "gs.json")])
        == 0
    )
    assert gradescope.validate(json.loads((tmp_path / "gs.json").read_text())) == []
    for key, value in IDENTITY_ENV.items():
        monkeypatch.setenv(key, value)
    assert (
        main(
            ["report", str(results), "--format", "classroom50", "-o", str(tmp_path / "result.json")]
        )
        == 0
    )
    assert classroom50.validate(json.loads((tmp_path / "result.json").read_text())) == []
    assert (
        main(["report", str(results), "--format", "classroom", "-o", str(tmp_path / "c.json")]) == 0
    )
    assert classroom.validate(json.loads((tmp_path / "c.json").read_text())) == []


def test_plain_report_prints_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(write(tmp_path, MIXED)), "--markdown", str(tmp_path / "r.md")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## week01: 4.5 / 6 points") and out == (tmp_path / "r.md").read_text()


def test_a_report_too_long_for_a_comment_is_cut_with_a_pointer_to_the_summary(
    tmp_path: Path, server: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = record(*[(f"item_{i}", 0, 1, "failed") for i in range(300)])
    for test in doc["tests"]:
        test["message"] = "🙂 " * 600  # 4 bytes a character: over the limit however GitHub counts
    env = actions_env(tmp_path, server, "pull_request", {"number": 1})
    assert run_report(monkeypatch, env, write(tmp_path, doc), "--github") == 0
    body = server.all_comments(1)[0]["body"]
    assert len(body.encode("utf-8")) <= 65_536 and COMMENT_MARKER in body
    assert "the whole report is in the job summary" in body
    assert "actions/runs/42" in body, "the link to the run survives the cut"
    summary = (tmp_path / "summary").read_text()
    assert "item_299" in summary and "item_299" not in body
    assert len(summary.encode("utf-8")) < 1 << 20
