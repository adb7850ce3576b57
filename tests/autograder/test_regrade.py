"""The official regrade over a course of 32 local git repositories made here.

Students: correct, blank, partial (two kinds), late (a correct commit after
the deadline), an extension that covers a late commit, missing, empty, and
hostile ones (symlinked notebook, renamed notebook, garbage, a notebook that
hunts for the hidden references). One real regrade (-j 2) is shared by the
tests; shards and re-runs reuse its records by notebook hash, so they check
selection, merging and writing, not the sandbox again.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main as cli
from autograder.batch import Record, Submission, grade_one
from autograder.collect import CollectError, index_repositories, load_roster
from autograder.course import WeekPaths, locate_week
from autograder.demo import plant_bugs
from autograder.gradebook import CANVAS, GRADEBOOK, PLOT, SUMMARY, read_gradebook
from autograder.late_policy import LatePolicy
from autograder.regrade import check_changes, merge_shards, run_regrade, shard_slice, write_outputs
from autograder.sandbox import Limits
from tests.conftest import ROOT, notebook_with_extra_cells

# One real regrade of 32 repositories (about 30 s on 2 cores), shared by the tests on one xdist worker.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("regrade")]

WEEK = locate_week("week01", ROOT)
DEADLINE = "2026-11-01T23:59:00+00:00"
BEFORE, AFTER = "2026-10-30T12:00:00+00:00", "2026-11-02T09:00:00+00:00"
FULL = 23.0
HUNT = (
    "import glob\n"
    f"found = glob.glob('{ROOT}/solutions/*/references/*') + glob.glob('{ROOT}/solutions/*/*.py')\n"
    "found += glob.glob('/work/*/solutions/*/references/*') + glob.glob('../solutions/*/*')\n"
    "LEAKED = {p: open(p, 'rb').read()[:100] for p in found[:5]}\n"
)


def notebooks() -> dict[str, bytes]:
    solution = json.loads(WEEK.solution_notebook.read_text())
    one_bug = json.loads(WEEK.solution_notebook.read_text())
    for cell in one_bug["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = source.replace("std = X.std(axis=0)", "std = X.std(axis=0, ddof=1)")
    return {
        "correct": WEEK.solution_notebook.read_bytes(),
        "blank": WEEK.notebook.read_bytes(),
        "partial": json.dumps(plant_bugs(solution)).encode(),
        "one_bug": json.dumps(one_bug).encode(),
        "hunter": notebook_with_extra_cells(WEEK.notebook, after=[HUNT]),
        "garbage": b"this is not a notebook {",
    }


def git(repo: Path, *args: str, when: str = BEFORE) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "s",
        "GIT_AUTHOR_EMAIL": "s@example.org",
        "GIT_COMMITTER_NAME": "s",
        "GIT_COMMITTER_EMAIL": "s@example.org",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, files: dict[str, bytes | Path], when: str) -> None:
    for name, content in files.items():
        target = repo / name
        target.unlink(missing_ok=True)
        if isinstance(content, Path):
            target.symlink_to(content)
        else:
            target.write_bytes(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"work at {when}", when=when)


def make_course(root: Path) -> tuple[Path, Path, dict[str, tuple[str, float]]]:
    """Repos under root/repos, the roster, and each student's expected (status, total)."""
    nb = notebooks()
    repos = root / "repos"
    repos.mkdir()
    expected: dict[str, tuple[str, float]] = {}
    plan: list[tuple[str, list[tuple[dict[str, bytes | Path], str]], tuple[str, float]]] = []
    name = f"{WEEK.name}.ipynb"
    for i in range(8):
        plan.append(
            (
                f"correct{i}",
                [({name: nb["blank"]}, BEFORE), ({name: nb["correct"]}, BEFORE)],
                ("graded", FULL),
            )
        )
    for i in range(6):
        plan.append((f"blank{i}", [({name: nb["blank"]}, BEFORE)], ("graded", 0.0)))
    for i in range(3):
        plan.append((f"partial{i}", [({name: nb["partial"]}, BEFORE)], ("graded", 12.0)))
    for i in range(2):
        plan.append(
            (f"onebug{i}", [({name: nb["one_bug"]}, BEFORE)], ("graded", -1.0))
        )  # -1: strictly between 0 and FULL
    for i in range(3):
        plan.append(
            (
                f"late{i}",
                [({name: nb["blank"]}, BEFORE), ({name: nb["correct"]}, AFTER)],
                ("graded", 0.0),
            )
        )
    plan.append(
        (
            "extended",
            [({name: nb["blank"]}, BEFORE), ({name: nb["correct"]}, AFTER)],
            ("graded", FULL),
        )
    )
    plan.append(("symlinked", [({name: WEEK.solution_notebook}, BEFORE)], ("unreadable", 0.0)))
    plan.append(("renamed", [({"my_notebook.ipynb": nb["correct"]}, BEFORE)], ("unreadable", 0.0)))
    plan.append(("garbage", [({name: nb["garbage"]}, BEFORE)], ("graded", 0.0)))
    plan.append(("hunter", [({name: nb["hunter"]}, BEFORE)], ("graded", 0.0)))
    plan.append(("onlylate", [({name: nb["correct"]}, AFTER)], ("no-commit", 0.0)))
    for student, commits, outcome in plan:
        repo = repos / f"{WEEK.name}-{student}"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        for files, when in commits:
            commit(repo, files, when)
        expected[student] = outcome
    for i in range(2):
        (repos / f"{WEEK.name}-empty{i}").mkdir()
        git(repos / f"{WEEK.name}-empty{i}", "init", "-q")
        expected[f"empty{i}"] = ("empty", 0.0)
    for i in range(2):
        expected[f"missing{i}"] = ("missing", 0.0)
    roster = root / "roster.csv"
    with roster.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "name", "canvas_id", "section"])
        for n, student in enumerate(expected):
            writer.writerow([student, f"Student {student}", str(1000 + n), "A"])
    return repos, roster, expected


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("regrade")
    repos, roster_path, expected = make_course(root)
    policy_path = root / "late.toml"
    policy_path.write_text('policy = "cutoff"\n[extensions]\nextended = "2d"\n')
    roster = load_roster(roster_path)
    policy = LatePolicy.load(DEADLINE, policy_path)
    index = index_repositories(roster, str(repos), f"{WEEK.name}-")
    started = time.monotonic()
    result = run_regrade(WEEK, roster, index, policy, workers=2, progress=False, say=lambda _: None)
    seconds = time.monotonic() - started
    out = root / "single"
    write_outputs(WEEK, result, out, roster, policy)
    return {
        "root": root,
        "repos": repos,
        "roster_path": roster_path,
        "roster": roster,
        "policy": policy,
        "policy_path": policy_path,
        "index": index,
        "result": result,
        "out": out,
        "expected": expected,
        "seconds": seconds,
    }


def replay(
    records: dict[str, Record],
) -> Callable[[WeekPaths, Submission, bool, Limits | None], Record]:
    """A grader that returns the shared run's record for the same notebook bytes."""
    by_sha = {
        r["submission"].get("sha256"): r for r in records.values() if r["submission"].get("sha256")
    }

    def grader(
        paths: WeekPaths, submission: Submission, hidden: bool, limits: Limits | None
    ) -> Record:
        import hashlib

        if submission.notebook is None:
            return grade_one(paths, submission, hidden, limits)
        record = json.loads(json.dumps(by_sha[hashlib.sha256(submission.notebook).hexdigest()]))
        record["submission"].update(path=submission.label, commit=submission.commit)
        return record

    return grader


def test_regrade_of_32_repositories_gives_the_expected_gradebook(course: dict[str, Any]) -> None:
    _, rows = read_gradebook(course["out"] / GRADEBOOK)
    assert [r.student for r in rows] == list(course["expected"]), (
        "one row per roster entry, in roster order"
    )
    for row in rows:
        status, total = course["expected"][row.student]
        assert row.status == status, (row.student, row.status, row.note)
        if total >= 0:
            assert row.total == total, (row.student, row.total)
        else:
            assert 0 < row.total < FULL, (row.student, row.total)
    assert course["seconds"] < 90, f"the regrade of 32 repositories took {course['seconds']:.0f} s"


def test_the_late_commit_is_not_graded_and_is_flagged(course: dict[str, Any]) -> None:
    rows = {r.student: r for r in read_gradebook(course["out"] / GRADEBOOK)[1]}
    assert rows["late0"].late and rows["late0"].commit_time.startswith("2026-10-30")
    assert rows["late0"].time_source == "commit"
    assert not rows["correct0"].late
    assert rows["extended"].commit_time.startswith("2026-11-02") and not rows["extended"].late
    assert rows["onlylate"].late and rows["onlylate"].commit == ""


def test_hostile_repositories_get_a_row_and_nothing_private(course: dict[str, Any]) -> None:
    rows = {r.student: r for r in read_gradebook(course["out"] / GRADEBOOK)[1]}
    assert "symbolic link" in rows["symlinked"].note
    assert "never committed" in rows["renamed"].note
    record = course["result"].records["hunter"]
    assert record["status"] == "graded" and record["score"] == 0
    feedback = (course["out"] / "feedback" / "hunter.md").read_text()
    hidden = json.loads((WEEK.hidden_references / "hidden.json").read_text())
    assert json.dumps(hidden)[:60] not in feedback


def test_every_record_carries_what_rederives_the_grade(course: dict[str, Any]) -> None:
    for student, record in course["result"].records.items():
        assert record["submission"]["commit"], student
        assert record["grader"]["version"] and record["grader"]["reference_sha256"], student
        if record["tests"] and record["submission"].get("sha256"):
            assert (course["out"] / "results" / f"{student}.json").is_file()


def test_fractional_scores_survive_the_csv(course: dict[str, Any]) -> None:
    names, rows = read_gradebook(course["out"] / GRADEBOOK)
    record = course["result"].records["onebug0"]
    for test in record["tests"]:
        row = next(r for r in rows if r.student == "onebug0")
        assert row.items[test["name"]] == pytest.approx(test["score"], abs=1e-6)
    assert names == [t["name"] for t in course["result"].records["correct0"]["tests"]]


def test_summary_plot_and_canvas_export(course: dict[str, Any]) -> None:
    summary = (course["out"] / SUMMARY).read_text()
    assert "32 students" in summary and "2 missing" in summary and "2 empty" in summary
    assert "median" in summary and "| `split_indices` |" in summary
    assert (course["out"] / PLOT).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with (course["out"] / CANVAS).open() as stream:
        canvas = {row["Student"]: row for row in csv.DictReader(stream)}
    assert canvas["Student correct0"]["week01"] == "23" and canvas["Student correct0"]["ID"]
    assert canvas["Student missing0"]["week01"] == "", (
        "a missing student is not a silent zero in Canvas"
    )


def test_merged_shards_equal_a_single_run(course: dict[str, Any], tmp_path: Path) -> None:
    grader = replay(course["result"].records)
    shard_dirs = []
    for k in (1, 2, 3):
        result = run_regrade(
            WEEK,
            course["roster"],
            course["index"],
            course["policy"],
            shard=(k, 3),
            progress=False,
            say=lambda _: None,
            grader=grader,
        )
        assert [r.student for r in result.rows] == [
            e.student for e in shard_slice(course["roster"], k, 3)
        ]
        write_outputs(
            WEEK, result, tmp_path / f"shard{k}", course["roster"], course["policy"], shard=(k, 3)
        )
        shard_dirs.append(tmp_path / f"shard{k}")
    merge_shards(WEEK, course["roster"], shard_dirs, tmp_path / "merged")
    for name in (GRADEBOOK, CANVAS, SUMMARY, PLOT):
        assert (tmp_path / "merged" / name).read_bytes() == (course["out"] / name).read_bytes(), (
            name
        )
    assert sorted(p.name for p in (tmp_path / "merged" / "feedback").iterdir()) == sorted(
        f"{s}.md" for s in course["expected"]
    )


def test_merge_refuses_a_missing_shard(course: dict[str, Any], tmp_path: Path) -> None:
    code = cli(
        [
            "merge",
            "week01",
            "--course",
            str(ROOT),
            "--roster",
            str(course["roster_path"]),
            "--out",
            str(tmp_path / "m"),
            str(course["out"]),
            str(course["out"]),
        ]
    )
    assert code == 1, "a student graded twice must be refused"
    assert not (tmp_path / "m" / GRADEBOOK).exists()


def test_rerun_on_the_same_commits_is_byte_identical(
    course: dict[str, Any], tmp_path: Path
) -> None:
    again = run_regrade(
        WEEK,
        course["roster"],
        course["index"],
        course["policy"],
        progress=False,
        say=lambda _: None,
        grader=replay(course["result"].records),
    )
    assert check_changes(again, course["out"]) == []
    write_outputs(WEEK, again, tmp_path, course["roster"], course["policy"])
    for name in (GRADEBOOK, CANVAS, SUMMARY, PLOT):
        assert (tmp_path / name).read_bytes() == (course["out"] / name).read_bytes(), name


def test_a_later_deadline_shows_old_and_new_before_writing(course: dict[str, Any]) -> None:
    later = LatePolicy.load("2026-11-03T00:00:00+00:00", course["policy_path"])
    again = run_regrade(
        WEEK,
        course["roster"],
        course["index"],
        later,
        progress=False,
        say=lambda _: None,
        grader=replay(course["result"].records),
    )
    changes = check_changes(again, course["out"])
    assert any(c.startswith("late0: 0 -> 23") for c in changes), changes
    assert any(c.startswith("onlylate: 0 -> 23, status no-commit -> graded") for c in changes), (
        changes
    )
    assert not any(c.startswith("correct0") for c in changes)


def test_cli_refuses_strangers_and_overwriting_changes_without_yes(
    course: dict[str, Any], tmp_path: Path
) -> None:
    repos = tmp_path / "repos"
    shutil.copytree(course["repos"] / "week01-correct0", repos / "week01-correct0", symlinks=True)
    (repos / "week01-missing0").mkdir()  # a folder that is no repository
    roster = tmp_path / "roster.csv"
    roster.write_text("student\ncorrect0\nmissing0\n")
    out = tmp_path / "out"
    args = [
        "regrade",
        "week01",
        "--course",
        str(ROOT),
        "--roster",
        str(roster),
        "--repos",
        str(repos),
        "--deadline",
        DEADLINE,
        "--out",
        str(out),
    ]
    (repos / "week01-stranger").mkdir()
    assert cli(args) == 2, "repositories of students not on the roster are refused"
    assert not out.exists(), "nothing is written when the roster and the repositories disagree"
    (repos / "week01-stranger").rmdir()
    assert cli(args) == 1, (
        "a student without a repository makes the run exit 1 (rows still written)"
    )
    assert [r.status for r in read_gradebook(out / GRADEBOOK)[1]] == ["graded", "missing"]
    text = (
        (out / GRADEBOOK).read_text().replace(",1,1,23,1,23,23,", ",1,0,22,1,22,23,")
    )  # an old grade
    assert text != (out / GRADEBOOK).read_text()
    (out / GRADEBOOK).write_text(text)
    assert cli(args) == 1 and (out / GRADEBOOK).read_text() == text, (
        "changed totals are not written without --yes"
    )
    assert cli([*args, "--yes"]) == 1 and (out / GRADEBOOK).read_text() != text


def test_unknown_and_duplicate_students_are_refused(course: dict[str, Any], tmp_path: Path) -> None:
    short = tmp_path / "short.csv"
    short.write_text("student\ncorrect0\n")
    index = index_repositories(load_roster(short), str(course["repos"]), "week01-")
    with pytest.raises(CollectError, match="belong to no student"):
        index.check_against(load_roster(short))
    twice = tmp_path / "twice.csv"
    twice.write_text("student\nalice\nbob\nALICE\n")
    with pytest.raises(CollectError, match="listed twice"):
        load_roster(twice)
