"""The week of seven students an instructor tried (issue 16), graded for real through the CLI.

correct; blank (the template, opened and saved); partial, committed late but
within an extension spelled ``Partial``; good on time then worse late (the
penalty policy with ``take = "best"``); a corrupt notebook (a merge
conflict); a repository holding only the template; no repository. week01's
two written questions are pending after the first regrade (blank in every
export), then marked and folded by a second one. Then: the
same regrade again says "nothing changed", and overrides (a chosen commit,
points with reasons, a waived lateness) are applied and audited. The
overrides reuse the first run's records (same notebook bytes, same record),
so only the two first runs use the sandbox.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main as cli
from autograder.official.gradebook import (
    CANVAS,
    GRADEBOOK,
    ITEMS_PLOT,
    PLOT,
    SIMILARITY,
    SUMMARY,
    read_gradebook,
)
from autograder.official.late_policy import LatePolicy
from autograder.official.overrides import load_overrides
from autograder.official.regrade import check_changes, previous_inputs, run_regrade, write_outputs
from autograder.official.repositories import index_repositories
from autograder.official.roster import load_roster
from autograder.official.shard_manifest import ShardRefused, verify_shard
from autograder.official.written_marks import fold_into_regrade
from tests.autograder.official.test_canvas import CanvasImport
from tests.autograder.official.test_collection import CONFLICTED
from tests.autograder.official.test_regrade import (
    AFTER,
    BEFORE,
    DEADLINE,
    WEEK,
    commit,
    git,
    notebooks,
    replay,
)
from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("week-of-seven")]
POLICY = 'policy = "penalty"\npenalty_per_day = 0.1\nmax_late_days = 3\ntake = "best"\n[extensions]\nPartial = "2d"\n'
HEADER = "Week 1 (12345)"
STUDENTS = ["correct", "blank", "partial", "goodlate", "corrupt", "nocommits", "norepo"]


def make_week(root: Path) -> dict[str, Path]:
    nb = notebooks()
    saved = json.dumps(json.loads(nb["blank"]), indent=2).encode()  # the template, opened and saved
    plan: dict[str, list[tuple[bytes, str]]] = {
        "correct": [(saved, BEFORE), (nb["correct"], BEFORE)],
        "blank": [(saved, BEFORE)],
        "partial": [(nb["partial"], AFTER)],
        "goodlate": [(nb["correct"], BEFORE), (nb["partial"], AFTER)],
        "corrupt": [(CONFLICTED, BEFORE)],
        "nocommits": [(nb["blank"], BEFORE)],
    }
    repos = root / "repos"
    for student, commits in plan.items():
        repo = repos / f"week01-{student}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        for data, when in commits:
            commit(repo, {"week01.ipynb": data}, when)
    roster = root / "roster.csv"
    roster.write_text(
        "student,name,sis_user_id,section\n"
        + "".join(f"{s},Student {s},U{n},A\n" for n, s in enumerate(STUDENTS))
    )
    (root / "late.toml").write_text(POLICY)
    return {"repos": repos, "roster": roster, "policy": root / "late.toml", "out": root / "out"}


def regrade_args(week: dict[str, Path], *extra: str) -> list[str]:
    return [
        "regrade", "week01", "--course", str(ROOT), "--roster", str(week["roster"]),
        "--repos", str(week["repos"]), "--deadline", DEADLINE,
        "--late-policy", str(week["policy"]), "--out", str(week["out"]),
        "--canvas-assignment", HEADER, "-j", "2", *extra,
    ]  # fmt: skip


# week01's written questions, marked: (question, rubric items) per student; blank wrote nothing
MARKED = {
    "correct": {"why_validation": ["selection-optimistic", "test-once"],
                "leakage_explained": ["validation-labels-used", "train-only-is-chance"]},
    "goodlate": {"why_validation": ["selection-optimistic", "test-once"],
                 "leakage_explained": ["validation-labels-used", "train-only-is-chance"]},
    "partial": {"why_validation": ["test-once"], "leakage_explained": ["validation-labels-used"]},
}  # fmt: skip


def mark(out: Path) -> None:
    """Extract the written answers and fill every marks.toml as the markers would."""
    assert cli(["answers", "week01", str(out), "--course", str(ROOT)]) == 0
    keys = {
        s: k
        for k, s in tomllib.loads((out / "written" / "students.toml").read_text())[
            "students"
        ].items()
    }
    for student, questions in MARKED.items():
        for question, items in questions.items():
            path = out / "written" / question / "marks.toml"
            text = path.read_text()
            start = text.index(f'["{keys[student]}"]\n')
            end = text.find("\n[", start + 1)
            end = len(text) if end < 0 else end
            entry = re.sub(
                r"^#? ?items = .*$", f"items = {json.dumps(items)}", text[start:end], flags=re.M
            )
            path.write_text(text[:start] + entry + text[end:])


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("seven")
    paths: dict[str, Any] = make_week(root)
    assert cli(regrade_args(paths)) == 1  # the written questions are pending: not marked yet
    paths["pending"] = rows_of(paths["out"])
    paths["pending_canvas"] = (paths["out"] / CANVAS).read_text()
    mark(paths["out"])
    paths["code"] = cli(regrade_args(paths, "--yes"))  # a new mark is a change: folded
    return paths


def test_pending_written_questions_are_blank_in_the_exports(week: dict[str, Any]) -> None:
    rows = week["pending"]
    assert rows["correct"].pending == ["why_validation", "leakage_explained"]
    assert (rows["correct"].shown_total(), rows["correct"].max_score) == ("23", 27)
    assert rows["correct"].exported_total() == "", "never a silently low grade"
    assert rows["nocommits"].pending == [] and rows["corrupt"].pending == []
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(len(STUDENTS))}
    changes = CanvasImport(users).read(week["pending_canvas"])
    assert changes == {("user4", "12345"): 0.0}, "only corrupt (unreadable, 0) has a final grade"
    with (week["out"] / GRADEBOOK).open() as stream:
        table = {r["student"]: r for r in csv.DictReader(stream)}
    assert table["norepo"]["why_validation"] == "" and table["nocommits"]["leakage_explained"] == ""


def tmp_path_of(week: dict[str, Any]) -> Path:
    return Path(week["out"]).parent


def rows_of(out: Path) -> dict[str, Any]:
    return {r.student: r for r in read_gradebook(out / GRADEBOOK)[1]}


def test_every_student_gets_the_status_the_issue_asks_for(week: dict[str, Any]) -> None:
    assert week["code"] == 1, "a student without a repository: exit 1, rows written"
    rows = rows_of(week["out"])
    assert list(rows) == STUDENTS
    got = {s: (r.status, r.shown_total()) for s, r in rows.items()}
    assert got == {
        "correct": ("graded", "27"),
        "blank": ("graded", "0"),
        "partial": ("graded", "15"),
        "goodlate": ("graded", "27"),
        "corrupt": ("unreadable", "0"),
        "nocommits": ("not-submitted", ""),
        "norepo": ("missing", ""),
    }
    assert not rows["partial"].late and rows["partial"].multiplier == 1, (
        "the extension is Partial's"
    )
    good = rows["goodlate"]
    assert good.commit_time.startswith(BEFORE[:10]) and good.late and good.multiplier == 1
    assert (
        "the last on-time commit scored 23, more than the late one after its penalty (11.7)"
        in good.note
    )
    assert rows["corrupt"].note.startswith(
        "the notebook is not valid JSON: Expecting value at line 3"
    )


def test_a_corrupt_notebook_gets_one_note_and_no_per_item_report(week: dict[str, Any]) -> None:
    feedback = (week["out"] / "feedback" / "corrupt.md").read_text()
    assert feedback.count("not valid JSON") == 1 and "split_indices" not in feedback
    assert "Hint" not in feedback and "hint" not in feedback
    assert "**Total: 0 / 27** (status: unreadable)" in feedback
    good = (week["out"] / "feedback" / "goodlate.md").read_text()
    assert "it was graded too, and the better total" in good and "were not graded" not in good
    assert "**Total: 27 / 27** (status: graded)" in good and "## Written questions" in good
    missing = (week["out"] / "feedback" / "norepo.md").read_text()
    assert "**Total: none** (status: missing)" in missing


def test_the_canvas_export_round_trips_with_canvas_rules(week: dict[str, Any]) -> None:
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(len(STUDENTS))}
    changes = CanvasImport(users).read((week["out"] / CANVAS).read_text())
    assert changes == {
        ("user0", "12345"): 27.0,
        ("user1", "12345"): 0.0,
        ("user2", "12345"): 15.0,
        ("user3", "12345"): 27.0,
        ("user4", "12345"): 0.0,
    }, "not-submitted and missing rows change nothing in Canvas"


def test_summary_lists_blanks_similar_pairs_and_links_the_plots(week: dict[str, Any]) -> None:
    summary = (week["out"] / SUMMARY).read_text()
    assert "7 students: 4 graded, 1 missing, 1 not-submitted, 1 unreadable." in summary
    assert "Totals of the 5 students with points (out of 27): mean 13.8, median 15" in summary
    assert f"]({PLOT})" in summary and f"]({ITEMS_PLOT})" in summary
    assert "canvas.csv: written, assignment column 'Week 1 (12345)'." in summary
    assert "never 0: nocommits (not-submitted), norepo (missing)." in summary
    assert "| correct, goodlate | identical | 1 |" in summary, "the same notebook bytes, reported"
    with (week["out"] / SIMILARITY).open() as stream:
        pairs = list(csv.DictReader(stream))
    assert [(p["first"], p["second"], p["kind"]) for p in pairs] == [
        ("correct", "goodlate", "identical"),  # the same bytes (the cache graded them once)
        ("correct", "partial", "similar"),  # partial is the solution with bugs planted in it
        ("goodlate", "partial", "similar"),
    ], "blank and corrupt are not similar to anyone: the template's code does not count"
    for plot in (PLOT, ITEMS_PLOT):
        assert (week["out"] / plot).read_bytes()[:4] == b"\x89PNG"


def test_the_same_regrade_again_says_nothing_changed(
    week: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p.name: p.read_bytes() for p in week["out"].iterdir() if p.is_file()}
    capsys.readouterr()
    assert cli(regrade_args(week)) == 0
    assert "nothing changed since the last regrade" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in week["out"].iterdir() if p.is_file()} == before
    assert previous_inputs(week["out"])
    edited = tmp_path_of(week) / "edited"
    shutil.copytree(week["out"], edited)
    (edited / GRADEBOOK).write_text(
        (edited / GRADEBOOK).read_text().replace(",27,0,1,27,", ",26,0,1,26,", 1)
    )
    assert previous_inputs(edited) == "", "a gradebook edited by hand is graded again, never kept"
    marks = week["out"] / "written" / "why_validation" / "marks.toml"
    marks.write_text(marks.read_text().replace('comment = ""', 'comment = "Say why."', 1))
    assert cli(regrade_args(week)) == 1, "a new mark is a change: graded, folded, written"
    assert "nothing changed" not in capsys.readouterr().out
    feedback = [(week["out"] / "feedback" / f"{s}.md").read_text() for s in MARKED]
    assert sum("Comment: Say why." in text for text in feedback) == 1


def test_overrides_are_applied_shown_and_audited(week: dict[str, Any], tmp_path: Path) -> None:
    roster = load_roster(week["roster"])
    students = [e.student for e in roster]
    first_commit = rows_of(week["out"])["correct"].commit
    from autograder.official.gradebook import item_points_of
    from autograder.spec import load_week_spec

    points = item_points_of(load_week_spec(WEEK, hidden=True))
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[Blank]\nnote = "regrade request of 3 Nov answered"\n'
        '[[Blank.adjust]]\nitem = "split_indices"\npoints = 1.5\nreason = "the idea is right"\n'
        '[partial]\n[[partial.adjust]]\npoints = -2\nreason = "a copied cell"\n'
        '[goodlate]\nwaive_late = "documented illness"\n'
        '[nocommits]\n[[nocommits.adjust]]\npoints = 5\nreason = "no effect: nothing graded"\n'
    )
    overrides = load_overrides(path, students, points)
    policy = LatePolicy.load(DEADLINE, week["policy"])
    index = index_repositories(roster, str(week["repos"]), "week01-")
    records = {p.stem: json.loads(p.read_text()) for p in (week["out"] / "results").glob("*.json")}
    result = run_regrade(
        WEEK, roster, index, policy, overrides=overrides, progress=False, say=lambda _: None,
        grader=replay(records), unchanged_since=previous_inputs(week["out"]),
    )  # fmt: skip
    assert not result.unchanged, "new overrides are a change"
    shard = tmp_path / "shard"  # a shard is graded without the marks (the merge folds them)
    write_outputs(WEEK, result, shard, roster, policy, canvas_assignment=HEADER)
    verify_shard(shard, "week01", points)  # an overridden regrade is a shard the merge accepts
    text = (shard / GRADEBOOK).read_text()
    forged = text.replace(",'-2,1,11,23,", ",3,1,16,23,")
    assert forged != text
    (shard / GRADEBOOK).write_text(forged)
    with pytest.raises(ShardRefused, match="partial: adjustment 3 is not its feedback's"):
        verify_shard(shard, "week01", points)
    fold_into_regrade(WEEK, result, week["out"])  # as the CLI does: the marks of week["out"]
    changes = check_changes(result, week["out"])
    assert "blank: 0 -> 1.5" in changes and "partial: 15 -> 13" in changes
    # waived: the late commit counts; its answers were marked on the on-time one: pending again
    assert any(c.startswith("goodlate: 27 -> 13, commit") for c in changes), changes
    out = tmp_path / "out"
    write_outputs(WEEK, result, out, roster, policy, canvas_assignment=HEADER)
    rows = rows_of(out)
    assert (rows["blank"].adjustment, rows["blank"].shown_total()) == (1.5, "1.5")
    assert rows["blank"].items["split_indices"] == 0, "the machine's scores stay as graded"
    assert rows["goodlate"].multiplier == 1 and rows["goodlate"].days_late == 0
    assert rows["goodlate"].commit_time.startswith(AFTER[:10]), "waived: the last commit counts"
    assert rows["goodlate"].pending == ["why_validation", "leakage_explained"]
    assert rows["partial"].items["why_validation"] == 1, "the marks stay with the overrides"
    assert rows["nocommits"].shown_total() == ""
    assert (
        "adjustments not applied: status not-submitted has no points" in rows["nocommits"].overrides
    )
    feedback = (out / "feedback" / "blank.md").read_text()
    assert "adjusted split\\_indices +1.5: the idea is right" in feedback
    assert "note: regrade request of 3 Nov answered" in feedback
    summary = (out / SUMMARY).read_text()
    assert "## Overrides" in summary and "- partial: adjusted total -2: a copied cell" in summary
    with (out / GRADEBOOK).open() as stream:
        table = {r["student"]: r for r in csv.DictReader(stream)}
    assert table["goodlate"]["overrides"] == "lateness waived: documented illness"
    assert table["partial"]["adjustment"] == "'-2" and table["partial"]["total"] == "13"  # inert
    assert table["goodlate"]["why_validation"] == "pending"
    partial = (out / "feedback" / "partial.md").read_text()
    assert "points added in all: -2" in partial and "**Total: 13 / 27**" in partial
    assert "## Written questions" in partial, "the decisions and the marks, in one feedback"
    users = {f"user{n}": {"SIS User ID": f"U{n}"} for n in range(len(STUDENTS))}
    uploaded = CanvasImport(users).read((out / CANVAS).read_text())
    assert ("user3", "12345") not in uploaded, "goodlate's written questions are pending: blank"
    assert uploaded[("user2", "12345")] == 13.0
    again = tmp_path / "commit.toml"
    again.write_text(f'[correct]\ncommit = "{first_commit[:10]}"\n')
    earlier = run_regrade(
        WEEK, roster, index, policy, overrides=load_overrides(again, students, points),
        progress=False, say=lambda _: None, grader=replay(records),
    )  # fmt: skip
    assert {r.student: r.commit for r in earlier.rows}["correct"] == first_commit
    again.write_text('[correct]\ncommit = "deadbeef"\n')
    with pytest.raises(Exception, match="the overrides' commit deadbeef is not a commit of"):
        run_regrade(
            WEEK, roster, index, policy, overrides=load_overrides(again, students, points),
            progress=False, say=lambda _: None, grader=replay(records),
        )  # fmt: skip


def test_take_best_keeps_good_on_time_work_over_a_broken_or_reverted_late_commit(
    week: dict[str, Any], tmp_path: Path
) -> None:
    nb = notebooks()
    repos = tmp_path / "repos"
    for student, late in (("broken", CONFLICTED), ("reverted", nb["blank"])):
        repo = repos / f"week01-{student}"
        repo.mkdir(parents=True)
        git(repo, "init", "-q", "-b", "main")
        commit(repo, {"week01.ipynb": nb["correct"]}, BEFORE)
        commit(repo, {"week01.ipynb": late}, AFTER)
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("student\nbroken\nreverted\n")
    policy = tmp_path / "late.toml"
    policy.write_text(POLICY.split("[extensions]")[0])
    roster = load_roster(roster_path)
    records = {p.stem: json.loads(p.read_text()) for p in (week["out"] / "results").glob("*.json")}
    result = run_regrade(
        WEEK, roster, index_repositories(roster, str(repos), "week01-"),
        LatePolicy.load(DEADLINE, policy), progress=False, say=lambda _: None,
        grader=replay(records),
    )  # fmt: skip
    rows = {r.student: r for r in result.rows}
    for student in ("broken", "reverted"):
        row = rows[student]
        assert (row.status, row.shown_total(), row.days_late) == ("graded", "23", 0), row
        assert row.commit_time.startswith(BEFORE[:10]) and "take = best" in row.note
    assert "the late commit: the notebook is not valid JSON" in rows["broken"].note
    assert "released template" in rows["reverted"].note
