"""A shard's run.json and what a merge verifies, on shards written here from made-up records (fast).

The hostile suite (``tests/hostile/test_official_inputs.py``) edits shards of
a real regrade; these cover the rest of the manifest's rules one by one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.official.gradebook import GRADED, MISSING, Row, item_points_of
from autograder.official.late_policy import LatePolicy, Penalty, PolicyError
from autograder.official.regrade import Regrade, write_outputs
from autograder.official.roster import RosterEntry
from autograder.official.shard_manifest import RUN_META, ShardRefused, check_row, verify_shard
from autograder.official.shards import merge_shards
from autograder.spec import load_week_spec
from tests.conftest import ROOT

WEEK = locate_week("week01", ROOT)
POINTS = item_points_of(load_week_spec(WEEK, hidden=True))
SHA, COMMIT = "ab" * 32, "c" * 40


def record(scores: dict[str, float]) -> dict[str, Any]:
    return {
        "assignment": "week01",
        "status": "graded",
        "tests": [
            {"name": name, "score": scores.get(name, 0.0), "max_score": points}
            for name, points in POINTS.items()
        ],
        "submission": {"sha256": SHA, "commit": COMMIT},
    }


def shard(out: Path, policy: LatePolicy | None = None) -> Path:
    """A shard with ``alice`` (full marks) and ``bob`` (no repository), written by write_outputs."""
    rows = [
        Row("alice", GRADED, sum(POINTS.values()), dict(POINTS), sha256=SHA, commit=COMMIT),
        Row("bob", MISSING, sum(POINTS.values()), note="no repository found for this student"),
    ]
    result = Regrade(rows, {"alice": record(POINTS)}, {"alice": "# alice\n", "bob": "# bob\n"})
    roster = [RosterEntry("alice"), RosterEntry("bob")]
    write_outputs(WEEK, result, out, roster, policy or LatePolicy.load("2026-11-01T23:59:00+00:00"))
    return out


def test_a_shard_as_written_passes_and_lists_every_file(tmp_path: Path) -> None:
    verified = verify_shard(shard(tmp_path / "s"), "week01", POINTS)
    assert sorted(verified.files) == ["feedback/alice.md", "feedback/bob.md", "results/alice.json"]
    meta = json.loads((tmp_path / "s" / RUN_META).read_text())
    assert meta["penalty"] == {"kind": "cutoff", "per_day": 0.0, "max_days": 0}


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (lambda s: (s / RUN_META).unlink(), "cannot be verified"),
        (lambda s: (s / "results" / "bob.json").write_text("{}"), "results/bob.json is not listed"),
        (lambda s: (s / "feedback" / "alice.md").write_text("# edited\n"), "feedback/alice.md"),
        (lambda s: (s / "results" / "alice.json").unlink(), "not a file"),
        (
            lambda s: (s / RUN_META).write_text(
                (s / RUN_META).read_text().replace('"bob"', '"carol"')
            ),
            "students",
        ),
        (
            lambda s: (s / RUN_META).write_text(
                (s / RUN_META).read_text().replace('"max_days": 0', '"max_days": -1')
            ),
            "penalty",
        ),
    ],
    ids=[
        "no run.json",
        "unlisted file",
        "edited feedback",
        "missing record",
        "students",
        "penalty",
    ],
)
def test_a_tampered_shard_is_refused(tmp_path: Path, tamper: Any, message: str) -> None:
    folder = shard(tmp_path / "s")
    tamper(folder)
    with pytest.raises(ShardRefused, match=message):
        verify_shard(folder, "week01", POINTS)


def row(**changes: Any) -> Row:
    base: dict[str, Any] = {"student": "alice", "status": GRADED, "max_score": sum(POINTS.values())}
    return Row(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"items": {"task_type": -1.0}}, "task_type"),
        ({"items": {"task_type": float("inf")}}, "task_type"),
        ({"max_score": 99.0}, "max_score"),
        ({"multiplier": 0.5}, "multiplier"),
        ({"days_late": 1, "late": True}, "days_late"),
        ({"status": "excellent"}, "status"),
        ({"status": MISSING, "items": {"task_type": 1.0}}, "points"),
    ],
)
def test_row_bounds_under_a_cutoff_policy(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ShardRefused, match=field):
        check_row(row(**changes), POINTS, Penalty(), "shard: alice")


def test_a_penalty_allows_exactly_its_multipliers() -> None:
    penalty = Penalty("penalty", 0.25, 3)
    check_row(row(days_late=2, late=True, multiplier=0.5), POINTS, penalty, "alice")
    for days, multiplier in ((2, 0.75), (4, 0.0), (1, 5.0)):
        with pytest.raises(ShardRefused):
            check_row(row(days_late=days, late=True, multiplier=multiplier), POINTS, penalty, "a")
    with pytest.raises(PolicyError):
        Penalty.from_dict({"kind": "cutoff", "per_day": 0.0, "max_days": 2})


def test_shards_graded_under_different_policies_are_not_merged(tmp_path: Path) -> None:
    late = tmp_path / "late.toml"
    late.write_text('policy = "penalty"\npenalty_per_day = 0.1\nmax_late_days = 2\n')
    first = shard(tmp_path / "a")
    second = shard(tmp_path / "b", LatePolicy.load("2026-11-01T23:59:00+00:00", late))
    shutil.rmtree(second / "feedback")  # the second shard holds no students of its own
    (second / RUN_META).write_text(
        json.dumps({**json.loads((second / RUN_META).read_text()), "students": [], "files": {}})
    )
    (second / "gradebook.csv").write_text(
        (second / "gradebook.csv").read_text().splitlines()[0] + "\n"
    )
    shutil.rmtree(second / "results")
    roster = [RosterEntry("alice"), RosterEntry("bob")]
    with pytest.raises(ShardRefused, match="different late policies"):
        merge_shards(WEEK, roster, [first, second], tmp_path / "merged")
    assert not (tmp_path / "merged").exists()
    merge_shards(WEEK, roster, [first], tmp_path / "merged")
    assert verify_shard(tmp_path / "merged", "week01", POINTS).rows[0].student == "alice"
