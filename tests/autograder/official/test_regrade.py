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
import datetime as dt
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
from autograder.course import WeekPaths, locate_week
from autograder.grading.batch import Record, Submission, grade_one
from autograder.instructor.demo import plant_bugs
from autograder.instructor.local_github import LocalGitHub
from autograder.official.gradebook import CANVAS, GRADEBOOK, PLOT, SUMMARY, read_gradebook
from autograder.official.late_policy import LatePolicy, PolicyError, Verdict
from autograder.official.regrade import check_changes, run_regrade, write_outputs
from autograder.official.repositories import (
    apply_push_times,
    choose_commit,
    clone_bare,
    history,
    index_repositories,
)
from autograder.official.roster import CollectError, RosterEntry, load_roster
from autograder.official.shards import merge_shards, parse_shard, shard_slice
from autograder.sandbox.limits import Limits
from tests.conftest import ROOT, notebook_with_extra_cells

# One real regrade of 32 repositories (about 30 s on 2 cores), shared by the tests on one xdist worker.
shared_regrade = [pytest.mark.slow, pytest.mark.xdist_group("regrade")]


def uses_the_shared_regrade(test: Callable[..., None]) -> Callable[..., None]:
    for mark in shared_regrade:
        test = mark(test)
    return test


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
        plan.append((f"blank{i}", [({name: nb["blank"]}, BEFORE)], ("not-submitted", 0.0)))
    for i in range(3):
        plan.append((f"partial{i}", [({name: nb["partial"]}, BEFORE)], ("graded", 13.0)))
    for i in range(2):
        plan.append(
            (f"onebug{i}", [({name: nb["one_bug"]}, BEFORE)], ("graded", -1.0))
        )  # -1: strictly between 0 and FULL
    for i in range(3):
        plan.append(
            (
                f"late{i}",
                [({name: nb["blank"]}, BEFORE), ({name: nb["correct"]}, AFTER)],
                ("not-submitted", 0.0),  # the on-time commit is the template's
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
    plan.append(("garbage", [({name: nb["garbage"]}, BEFORE)], ("unreadable", 0.0)))
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


@uses_the_shared_regrade
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


@uses_the_shared_regrade
def test_the_late_commit_is_not_graded_and_is_flagged(course: dict[str, Any]) -> None:
    rows = {r.student: r for r in read_gradebook(course["out"] / GRADEBOOK)[1]}
    assert rows["late0"].late and rows["late0"].commit_time.startswith("2026-10-30")
    assert rows["late0"].time_source == "commit"
    assert not rows["correct0"].late
    assert rows["extended"].commit_time.startswith("2026-11-02") and not rows["extended"].late
    assert rows["onlylate"].late and rows["onlylate"].commit == ""


@uses_the_shared_regrade
def test_hostile_repositories_get_a_row_and_nothing_private(course: dict[str, Any]) -> None:
    rows = {r.student: r for r in read_gradebook(course["out"] / GRADEBOOK)[1]}
    assert "symbolic link" in rows["symlinked"].note
    assert "never committed" in rows["renamed"].note
    record = course["result"].records["hunter"]
    assert record["status"] == "graded" and record["score"] == 0
    feedback = (course["out"] / "feedback" / "hunter.md").read_text()
    hidden = json.loads((WEEK.hidden_references / "hidden.json").read_text())
    assert json.dumps(hidden)[:60] not in feedback


@uses_the_shared_regrade
def test_every_record_carries_what_rederives_the_grade(course: dict[str, Any]) -> None:
    for student, record in course["result"].records.items():
        assert record["submission"]["commit"], student
        assert record["grader"]["version"] and record["grader"]["reference_sha256"], student
        if record["tests"] and record["submission"].get("sha256"):
            assert (course["out"] / "results" / f"{student}.json").is_file()


@uses_the_shared_regrade
def test_fractional_scores_survive_the_csv(course: dict[str, Any]) -> None:
    names, rows = read_gradebook(course["out"] / GRADEBOOK)
    record = course["result"].records["onebug0"]
    for test in record["tests"]:
        row = next(r for r in rows if r.student == "onebug0")
        assert row.items[test["name"]] == pytest.approx(test["score"], abs=1e-6)
    assert names == [t["name"] for t in course["result"].records["correct0"]["tests"]]


@uses_the_shared_regrade
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


@uses_the_shared_regrade
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


@uses_the_shared_regrade
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


@uses_the_shared_regrade
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


@uses_the_shared_regrade
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
    assert any(c.startswith("late0: - -> 23, status not-submitted -> graded") for c in changes), (
        changes
    )
    assert any(c.startswith("onlylate: - -> 23, status no-commit -> graded") for c in changes), (
        changes
    )
    assert not any(c.startswith("correct0") for c in changes)


@uses_the_shared_regrade
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
    # an old grade (week01's two written questions are pending: not marked yet, out of the total)
    text = (
        (out / GRADEBOOK)
        .read_text()
        .replace(",1,1,pending,pending,23,0,1,23,27,,", ",1,0,pending,pending,22,0,1,22,27,,")
    )
    assert text != (out / GRADEBOOK).read_text()
    (out / GRADEBOOK).write_text(text)
    assert cli(args) == 1 and (out / GRADEBOOK).read_text() == text, (
        "changed totals are not written without --yes"
    )
    assert cli([*args, "--yes"]) == 1 and (out / GRADEBOOK).read_text() != text


@uses_the_shared_regrade
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


# ----------------------------------------------------------------------------- late policy (fast)
def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_cutoff_policy_flags_later_commits_and_never_penalises() -> None:
    policy = LatePolicy.load(DEADLINE)
    assert policy.judge("x", utc(BEFORE), later_exist=False) == Verdict(
        utc(DEADLINE), False, 0, 1.0
    )
    assert policy.judge("x", utc(BEFORE), later_exist=True).late
    assert policy.cutoff_for("x") == utc(DEADLINE)


def test_penalty_policy_counts_started_days_and_keeps_fractions(tmp_path: Path) -> None:
    path = tmp_path / "late.toml"
    path.write_text(
        'policy = "penalty"\npenalty_per_day = 0.15\nmax_late_days = 3\ngrace_minutes = 10\n'
    )
    policy = LatePolicy.load(DEADLINE, path)
    deadline = utc(DEADLINE)
    assert policy.cutoff_for("x") == deadline + dt.timedelta(days=3, minutes=10)
    assert policy.judge("x", deadline + dt.timedelta(minutes=9), False).multiplier == 1.0, (
        "within the grace"
    )
    one = policy.judge("x", deadline + dt.timedelta(minutes=11), False)
    assert (one.late, one.days_late, one.multiplier) == (True, 1, 0.85)
    two = policy.judge("x", deadline + dt.timedelta(days=1, hours=1), False)
    assert two.days_late == 2 and two.multiplier == pytest.approx(0.7)


def test_extensions_are_read_from_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "late.toml"
    path.write_text('[extensions]\nana = "2026-11-05T12:00:00+01:00"\nben = "1d12h"\n')
    policy = LatePolicy.load(DEADLINE, path)
    assert policy.deadline_for("ana") == utc("2026-11-05T11:00:00+00:00")
    assert policy.deadline_for("ben") == utc(DEADLINE) + dt.timedelta(days=1, hours=12)
    assert policy.deadline_for("cem") == utc(DEADLINE)
    assert LatePolicy.load(DEADLINE, path) == policy, (
        "the same file gives the same result on every regrade"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('policy = "lenient"\n', "policy must be"),
        ("penalty_per_day = 2\n", "fraction"),
        ("typo = 1\n", "unknown keys"),
        ('[extensions]\nana = "soon"\n', "not a duration"),
        ('[extensions]\nana = "2026-11-05T12:00:00"\n', "no time zone"),
    ],
)
def test_a_bad_policy_file_is_refused_clearly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "late.toml"
    path.write_text(content)
    with pytest.raises(PolicyError, match=message):
        LatePolicy.load(DEADLINE, path)


def test_a_deadline_without_a_zone_is_refused() -> None:
    with pytest.raises(PolicyError, match="no time zone"):
        LatePolicy.load("2026-11-01T23:59:00")


# ----------------------------------------------------------------------------- commit choice and push times (fast)
def test_push_times_replace_forged_commit_dates(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"week01.ipynb": b"{}"}, BEFORE)
    commit(repo, {"week01.ipynb": b"{ }"}, BEFORE)  # forged: really pushed after the deadline
    bare, why = clone_bare(str(repo), tmp_path / "bare.git")
    assert bare is not None, why
    commits = history(bare)
    first, forged = commits[-1].sha, commits[0].sha
    pushes = [("0" * 40, first, utc("2026-10-30T12:05:00+00:00")), (first, forged, utc(AFTER))]
    timed = apply_push_times(bare, commits, pushes)
    assert {c.sha: (c.time, c.source) for c in timed} == {
        first: (utc("2026-10-30T12:05:00+00:00"), "push"),
        forged: (utc(AFTER), "push"),
    }
    chosen, later = choose_commit(timed, utc(DEADLINE))
    assert chosen is not None and chosen.sha == first and later
    chosen, _ = choose_commit(history(bare), utc(DEADLINE))
    assert chosen is not None and chosen.sha == forged, (
        "without push times the forged date wins (documented)"
    )


def organisation(root: Path) -> tuple[LocalGitHub, str]:
    """A local GitHub with the organisation "course" and a template holding the blank notebook."""
    hub = LocalGitHub(root / "github")
    token = hub.add_user("staff")
    hub.add_organisation("course", owners=("staff",))
    template = hub.create_repository("course", "week01-template", is_template=True)
    work = root / "template"
    work.mkdir()
    git(work, "init", "-q", "-b", "main")
    commit(work, {"week01.ipynb": notebooks()["blank"]}, BEFORE)
    git(work, "push", "-q", str(template.path), "main")
    return hub, token


def push_at(
    hub: LocalGitHub,
    token: str,
    repo: str,
    clone: Path,
    when: str,
    files: dict[str, bytes | Path],
    dated: str,
) -> str:
    """Commit ``files`` dated ``dated`` and push them when the server's clock says ``when``."""
    if not clone.exists():
        git(clone.parent, "clone", "-q", hub.authenticated_url(repo, token), str(clone))
    commit(clone, files, dated)
    hub.set_time(when)
    git(clone, "push", "-q", "origin", "main")
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True
    ).stdout.strip()


def test_organisation_listing_by_prefix_with_push_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("student\nAna\nben\n")
    hub, token = organisation(tmp_path)
    with hub:
        template = hub.repository("course/week01-template")
        for name in ("week01-ana", "Week01-Ben", "week02-ana", "course-infra"):
            hub.generate(template, "course", name, True, "staff")
        sha = push_at(
            hub,
            token,
            "course/week01-ana",
            tmp_path / "ana",
            "2026-10-30T12:00:00Z",
            {"week01.ipynb": b"{}"},
            BEFORE,
        )
        monkeypatch.setenv("GITHUB_API_URL", hub.api_url)
        index = index_repositories(load_roster(roster), "course", "week01-", token=token)
        assert index.locations == {
            "Ana": hub.clone_url("course/week01-ana"),
            "ben": hub.clone_url("course/Week01-Ben"),
        }, "the template and other weeks are not students' repositories"
        assert index.pushes is not None and [p[1:] for p in index.pushes["Ana"]] == [
            (sha, utc("2026-10-30T12:00:00+00:00"))
        ]
        index.check_against(load_roster(roster))
        hub.generate(template, "course", "week01-zed", True, "staff")
        with pytest.raises(CollectError, match="week01-zed"):
            index_repositories(load_roster(roster), "course", "week01-", token=token).check_against(
                load_roster(roster)
            )
        with pytest.raises(CollectError, match="cannot list"):
            index_repositories(load_roster(roster), "course", "week01-", token="wrong")


def test_shards_partition_the_roster() -> None:
    roster = [RosterEntry(f"s{i}") for i in range(10)]
    slices = [shard_slice(roster, k, 3) for k in (1, 2, 3)]
    assert sorted(e.student for part in slices for e in part) == sorted(e.student for e in roster)
    assert [len(part) for part in slices] == [4, 3, 3]
    with pytest.raises(CollectError):
        parse_shard("4/3")


def test_a_failure_while_collecting_is_an_error_row_not_a_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.official import regrade
    from autograder.official.repositories import RepoIndex

    real = regrade.prepare

    def broken(paths: WeekPaths, entry: RosterEntry, *args: Any) -> Any:
        if entry.student == "ben":
            raise OSError("disk full")
        return real(paths, entry, *args)

    monkeypatch.setattr(regrade, "prepare", broken)
    index = RepoIndex({"ana": str(tmp_path / "nowhere")})
    result = run_regrade(
        WEEK,
        [RosterEntry("ana"), RosterEntry("ben")],
        index,
        LatePolicy.load(DEADLINE),
        progress=False,
        say=lambda _: None,
    )
    assert [(r.student, r.status) for r in result.rows] == [("ana", "missing"), ("ben", "error")]
    assert "disk full" in result.rows[1].note and "no git repository" in result.rows[0].note


@pytest.mark.slow
def test_organisation_regrade_uses_the_time_github_received_each_push(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nb = notebooks()
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("student\nhonest\nforger\n")
    roster = load_roster(roster_path)
    hub, token = organisation(tmp_path)
    with hub:
        template = hub.repository("course/week01-template")
        for student in ("honest", "forger"):
            hub.generate(template, "course", f"week01-{student}", True, "staff")
        push_at(
            hub,
            token,
            "course/week01-honest",
            tmp_path / "honest",
            "2026-10-30T12:01:00Z",
            {"week01.ipynb": nb["correct"]},
            BEFORE,
        )
        on_time = push_at(
            hub,
            token,
            "course/week01-forger",
            tmp_path / "forger",
            "2026-10-30T12:01:00Z",
            {"week01.ipynb": nb["partial"]},
            BEFORE,
        )
        # the forger's commit date is a lie: GitHub received the push after the deadline
        push_at(
            hub,
            token,
            "course/week01-forger",
            tmp_path / "forger",
            "2026-11-02T08:00:00Z",
            {"week01.ipynb": nb["correct"]},
            BEFORE,
        )
        monkeypatch.setenv("GITHUB_API_URL", hub.api_url)
        index = index_repositories(roster, "course", "week01-", token=token)
        result = run_regrade(
            WEEK, roster, index, LatePolicy.load(DEADLINE), progress=False, say=lambda _: None
        )
    rows = {r.student: r for r in result.rows}
    assert rows["honest"].total == FULL and rows["honest"].time_source == "push"
    assert rows["forger"].commit == on_time, "the commit pushed before the deadline"
    assert (
        rows["forger"].total == 13 and rows["forger"].late and rows["forger"].time_source == "push"
    )
    assert rows["forger"].commit_time == "2026-10-30T12:01:00+00:00"


def test_notebooks_are_read_from_git_objects_with_a_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.official import repositories as collect

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"week01.ipynb": b"0123456789" * 10, "folder.ipynb": b"x"}, BEFORE)
    bare, _ = clone_bare(str(repo), tmp_path / "bare.git")
    assert bare is not None
    sha = history(bare)[0].sha
    (repo / "week01.ipynb").write_bytes(b"edited in the work tree, never committed")
    assert collect.read_notebook_blob(bare, sha, "week01.ipynb") == (b"0123456789" * 10, "")
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 50)
    data, why = collect.read_notebook_blob(bare, sha, "week01.ipynb")
    assert data is None and "larger than" in why
    assert collect.read_notebook_blob(bare, sha, "nothere.ipynb")[0] is None
