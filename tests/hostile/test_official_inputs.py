"""Hostile inputs to the official grade: what students (and edited shards) hand the regrade and merge.

A small course of local repositories is regraded for real (hidden tests, the
sandbox), in one run and in two shards:

* ``dated``: an honest commit, then commits dated in the year 11476 and with
  no date at all: the honest commit is graded, with a note, never an error row;
* ``surrogate``: a cell raises a message with lone surrogates: every student's
  feedback, record and the gradebook files are still written;

(each graded with ``honest`` in a regrade of its own, so no case hides another);
* ``formula``: roster values (name, ids, section, the repository) that a
  spreadsheet would run as formulas: every CSV cell is inert;
* ``late``: one day late under a penalty policy (multiplier 0.9);
* ``honest``: the light notebook, on time.

Then edited shards are merged: an item above its points, a multiplier of 5,
``nan``, a row that disagrees with its results record, and a results record
edited to agree with it: each is refused (exit 2) with the student and the
field named, and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main as cli
from autograder.official.gradebook import fmt
from tests.autograder.official.test_regrade import AFTER, BEFORE, DEADLINE, commit, git
from tests.autograder.reporting.rendering import rendered
from tests.hostile.conftest import COLD, HARNESS_STARTS, WARM
from tests.conftest import ROOT, code_cell
from tests.hostile.cases import Case, light_notebook
from tests.hostile.test_hostile import assert_honest_outcome

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile_official")]

SURROGATE = 'raise RuntimeError("lone \\ud800 surrogate " + chr(0xDC00) + " <img src=x>")\n'
FORMULAS = {
    "name": '=HYPERLINK("http://evil.example","click")',
    "canvas_id": "+1+1",
    "sis_user_id": "-2+3",
    "sis_login_id": "@SUM(A1:A9)",
    "section": "\t=1+1",
}
FORMULA_REPO = "=cmd|' /C calc'!A0"
ALL_FILES = [
    "canvas.csv",
    "distribution.png",
    "feedback",
    "gradebook.csv",
    "items.png",
    "results",
    "run.json",
    "similarity.csv",
    "submissions",
    "summary.md",
]


def plumbing(repo: Path, *args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, input=stdin, check=True, capture_output=True, text=True
    ).stdout.strip()


def notebook_bytes(*extra: str) -> bytes:
    doc = light_notebook()
    doc["cells"] += [code_cell(source) for source in extra]
    return json.dumps(doc).encode()


def raw_commit(repo: Path, data: bytes, date: str) -> None:
    """A commit object written by hand, with ``date`` as its author and committer date."""
    (repo / "week01.ipynb").write_bytes(data)
    plumbing(repo, "add", "-A")
    tree, parent = plumbing(repo, "write-tree"), plumbing(repo, "rev-parse", "HEAD")
    body = f"tree {tree}\nparent {parent}\nauthor s <s@e> {date}\ncommitter s <s@e> {date}\n\nhostile date\n"
    sha = plumbing(repo, "hash-object", "-w", "-t", "commit", "--literally", "--stdin", stdin=body)
    plumbing(repo, "update-ref", "HEAD", sha)


def make_course(root: Path, students: tuple[str, ...]) -> None:
    """Repositories and a roster for ``students`` (see the module docstring for each one)."""
    repos = root / "repos"
    stub = (ROOT / "assignments" / "week01" / "week01.ipynb").read_bytes()
    for student in students:
        if student == "formula":
            continue  # its repository is the roster's formula
        repo = repos / f"week01-{student}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        extra = (SURROGATE,) if student == "surrogate" else ()
        commit(
            repo, {"week01.ipynb": notebook_bytes(*extra)}, AFTER if student == "late" else BEFORE
        )
        if student == "dated":
            raw_commit(repo, stub, "299999999999 +0000")  # the year 11476
            raw_commit(repo, stub, "")  # no date at all
    with (root / "roster.csv").open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["student", "repo", *FORMULAS])
        for student in students:
            if student == "formula":
                writer.writerow([student, FORMULA_REPO, *FORMULAS.values()])
            else:
                writer.writerow([student, "", f"Student {student}", "1", "", student, "A"])
    (root / "late.toml").write_text(
        'policy = "penalty"\npenalty_per_day = 0.1\nmax_late_days = 3\n'
    )


def regrade(root: Path, out: Path, *extra: str, start: str = WARM) -> int:
    """The regrade CLI on ``root``'s course, its sandboxes started ``start`` (cold or warm)."""
    extra = (*extra, *(["--cold"] if start == COLD else []))
    return cli(
        [
            "regrade",
            "week01",
            "--course",
            str(ROOT),
            "--roster",
            str(root / "roster.csv"),
            "--repos",
            str(root / "repos"),
            "--deadline",
            DEADLINE,
            "--late-policy",
            str(root / "late.toml"),
            "--out",
            str(out),
            *extra,
        ]
    )


def regraded(
    tmp_path_factory: pytest.TempPathFactory, students: tuple[str, ...], start: str
) -> Path:
    """The output folder of a regrade of ``students``; its exit code is in ``exit_code.txt`` beside it."""
    root = tmp_path_factory.mktemp("-".join(students))
    make_course(root, students)
    (root / "exit_code.txt").write_text(str(int(regrade(root, root / "out", start=start))))
    return root / "out"


@pytest.fixture(scope="module", params=HARNESS_STARTS)
def regrade_start(request: pytest.FixtureRequest) -> str:
    """Every regrade of this module runs cold and again forked from a warm template."""
    return str(request.param)


def exit_code(out: Path) -> int:
    return int((out.parent / "exit_code.txt").read_text())


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory, regrade_start: str) -> Path:
    """The output folder of a regrade of ``honest`` and ``dated``."""
    return regraded(tmp_path_factory, ("honest", "dated"), regrade_start)


@pytest.fixture(scope="module")
def surrogate(tmp_path_factory: pytest.TempPathFactory, regrade_start: str) -> Path:
    """The output folder of a regrade of ``honest``, ``surrogate`` and ``late``."""
    return regraded(tmp_path_factory, ("honest", "surrogate", "late"), regrade_start)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, regrade_start: str) -> dict[str, Path]:
    """An ordinary course (and a hostile roster), regraded in one run and in two shards."""
    root = tmp_path_factory.mktemp("hostile-official")
    make_course(root, ("honest", "late", "formula"))
    # "formula" has no repository: exit 1, rows written
    assert regrade(root, root / "single", start=regrade_start) == 1
    for k in (1, 2):
        shard = regrade(root, root / f"shard{k}", "--shard", f"{k}/2", start=regrade_start)
        assert shard in (0, 1)
    return {"root": root, "single": root / "single", "shards": root}


def gradebook(folder: Path) -> list[dict[str, str]]:
    with (folder / "gradebook.csv").open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def rows_by_student(folder: Path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in gradebook(folder)}


def test_a_lone_surrogate_does_not_stop_a_regrade_from_writing_every_file(surrogate: Path) -> None:
    students = ["honest", "surrogate", "late"]
    assert exit_code(surrogate) == 0, "every row graded"
    assert sorted(p.name for p in surrogate.iterdir()) == ALL_FILES
    for folder, suffix in (("feedback", ".md"), ("results", ".json")):
        assert sorted(p.name for p in (surrogate / folder).iterdir()) == sorted(
            f"{s}{suffix}" for s in students
        )
    for student in students:
        record = json.loads((surrogate / "results" / f"{student}.json").read_text())
        assert_honest_outcome(Case(student, "", base="light"), record)
    assert [row["status"] for row in gradebook(surrogate)] == ["graded"] * 3
    feedback = (surrogate / "feedback" / "surrogate.md").read_text(encoding="utf-8")
    assert "\ufffd" in feedback, "the odd characters are shown replaced"
    assert "img" not in rendered(feedback).tags
    assert json.loads((surrogate / "run.json").read_text())["students"] == students


def test_commits_with_hostile_dates_are_passed_over_with_a_note(dated: Path) -> None:
    assert exit_code(dated) == 0, "every row graded"
    rows = rows_by_student(dated)
    assert sorted(p.name for p in dated.iterdir()) == ALL_FILES
    assert_honest_outcome(
        Case("dated", "", base="light"), json.loads((dated / "results" / "dated.json").read_text())
    )
    assert rows["dated"]["status"] == "graded", rows["dated"]["note"]
    assert rows["dated"]["total"] == rows["honest"]["total"] and float(rows["dated"]["total"]) > 0
    assert rows["dated"]["commit_time"] == "2026-10-30T12:00:00+00:00"
    assert "11476" in rows["dated"]["note"] and "no valid date" in rows["dated"]["note"], rows[
        "dated"
    ]
    assert "11476" in (dated / "feedback" / "dated.md").read_text()


def test_the_late_penalty_is_applied(surrogate: Path) -> None:
    rows = rows_by_student(surrogate)
    assert (rows["late"]["days_late"], rows["late"]["multiplier"]) == ("1", "0.9")


def test_no_csv_cell_starts_a_formula(course: dict[str, Path]) -> None:
    for name in ("gradebook.csv", "canvas.csv"):
        text = (course["single"] / name).read_text(encoding="utf-8")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, cell)
        assert "HYPERLINK" in text or name == "gradebook.csv", "the values are kept, made inert"
    formula = rows_by_student(course["single"])["formula"]
    assert formula["status"] == "missing" and formula["repo"] == "'" + FORMULA_REPO


# ----------------------------------------------------------------------------- edited shards
def edit_row(
    folder: Path, student: str, change: Callable[[dict[str, str], list[str]], None]
) -> None:
    """Change one student's gradebook row; ``change`` gets the row and the item columns."""
    with (folder / "gradebook.csv").open(newline="", encoding="utf-8") as stream:
        table = list(csv.reader(stream))
    header = table[0]
    items = header[header.index("notebook_sha256") + 1 : header.index("score")]
    for cells in table[1:]:
        row = dict(zip(header, cells, strict=True))
        if row["student"] == student:
            change(row, items)
            cells[:] = [row[name] for name in header]
    stream = io.StringIO()
    csv.writer(stream, lineterminator="\n").writerows(table)
    (folder / "gradebook.csv").write_text(stream.getvalue(), encoding="utf-8")


def consistent(row: dict[str, str], items: list[str]) -> None:
    """Recompute score and total, so only the edited value is wrong."""
    score = sum(float(row[name]) for name in items)
    row["score"], row["total"] = fmt(score), fmt(score * float(row["multiplier"]))


def shard_of(course: dict[str, Path], student: str) -> int:
    return next(k for k in (1, 2) if student in rows_by_student(course["shards"] / f"shard{k}"))


def above_max(row: dict[str, str], items: list[str]) -> None:
    row["task_type"] = "5"
    consistent(row, items)


def multiplier_five(row: dict[str, str], items: list[str]) -> None:
    row["multiplier"] = "5"
    consistent(row, items)


def not_a_number(row: dict[str, str], items: list[str]) -> None:
    row["select_top_features"] = "nan"
    consistent(row, items)


def unlike_its_record(row: dict[str, str], items: list[str]) -> None:
    zero = next(name for name in items if float(row[name]) == 0)
    row[zero] = "1"
    consistent(row, items)


EDITS = {
    "score above its item's points": ("honest", above_max, "task_type"),
    "a multiplier of 5": ("late", multiplier_five, "multiplier"),
    "nan": ("honest", not_a_number, "select_top_features"),
    "a row unlike its results record": ("honest", unlike_its_record, "results record"),
}


def merge(course: dict[str, Path], shards: list[Path], out: Path) -> int:
    return cli(
        [
            "merge",
            "week01",
            "--course",
            str(ROOT),
            "--roster",
            str(course["root"] / "roster.csv"),
            "--out",
            str(out),
            *map(str, shards),
        ]
    )


def copied_shards(course: dict[str, Path], tmp_path: Path) -> list[Path]:
    shards = []
    for k in (1, 2):
        shards.append(tmp_path / f"shard{k}")
        shutil.copytree(course["shards"] / f"shard{k}", shards[-1])
    return shards


def test_the_honest_shards_merge_into_the_single_run(
    course: dict[str, Path], tmp_path: Path
) -> None:
    shards = copied_shards(course, tmp_path)
    assert merge(course, shards, tmp_path / "merged") == 0
    for name in ("gradebook.csv", "canvas.csv", "summary.md"):
        assert (tmp_path / "merged" / name).read_bytes() == (
            course["single"] / name
        ).read_bytes(), name


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edited_shard_is_refused_naming_student_and_field(
    course: dict[str, Path], tmp_path: Path, edit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    student, change, field = EDITS[edit]
    shards = copied_shards(course, tmp_path)
    edit_row(shards[shard_of(course, student) - 1], student, change)
    out = tmp_path / "merged"
    assert merge(course, shards, out) == 2, edit
    error = capsys.readouterr().err
    assert student in error and field in error, error
    assert not out.exists() or not any(out.iterdir()), "nothing is written"


def test_a_results_record_edited_to_agree_with_an_edited_row_is_refused(
    course: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shards = copied_shards(course, tmp_path)
    shard = shards[shard_of(course, "honest") - 1]
    edit_row(shard, "honest", unlike_its_record)
    row = rows_by_student(shard)["honest"]
    path = shard / "results" / "honest.json"
    record = json.loads(path.read_text())
    for test in record["tests"]:
        test["score"] = float(row[test["name"]])
    path.write_text(json.dumps(record, indent=2) + "\n")
    out = tmp_path / "merged"
    assert merge(course, shards, out) == 2
    error = capsys.readouterr().err
    assert "honest" in error and "results/honest.json" in error, error
    assert not out.exists() or not any(out.iterdir())
