"""A regrade split over N machines (``--shard K/N``), and the merge of the shards into one gradebook.

Each shard's ``run.json`` lists the digest of every per-student file and the
late penalty it was graded under; the merge verifies every shard first
(:mod:`autograder.official.shard_manifest`) and writes nothing unless all pass.
"""

from __future__ import annotations

from pathlib import Path

from autograder.course import WeekPaths
from autograder.files import write_atomic
from autograder.official.gradebook import GRADED, Row, item_points_of, rows_in_roster_order
from autograder.official.late_policy import Penalty
from autograder.official.roster import CollectError, RosterEntry
from autograder.official.shard_manifest import (
    RUN_META,
    SUBMISSIONS,
    ShardRefused,
    file_digest,
    run_meta,
    verify_shard,
)
from autograder.official.week_outputs import write_gradebook
from autograder.spec import load_week_spec


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (2, 4); 1 <= K <= N."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError as error:
        raise CollectError(f"--shard takes K/N, e.g. 2/4; got {text!r}") from error
    if not 1 <= k <= n:
        raise CollectError(f"--shard K/N needs 1 <= K <= N; got {text!r}")
    return k, n


def shard_slice(roster: list[RosterEntry], k: int, n: int) -> list[RosterEntry]:
    """Every N-th roster entry from the K-th (roster order), so shards are balanced and disjoint."""
    return [entry for index, entry in enumerate(roster) if index % n == k - 1]


def merge_shards(
    paths: WeekPaths, roster: list[RosterEntry], shard_dirs: list[Path], out: Path
) -> list[Row]:
    """Merge shard outputs into one gradebook in ``out``; refuses gaps, overlaps and strangers.

    Every shard is verified before anything is written: a shard that fails
    raises :class:`~autograder.official.shard_manifest.ShardRefused` (exit 2),
    one that disagrees with the roster :class:`GradebookError` (exit 1).
    """
    week = load_week_spec(paths, hidden=True)
    points = item_points_of(week)
    shards = [verify_shard(folder, paths.name, points) for folder in shard_dirs]
    terms = {(s.policy, s.penalty, s.canvas_column) for s in shards}
    if len(terms) > 1:
        raise ShardRefused(
            "the shards were graded under different late policies or Canvas columns: "
            + "; ".join(f"{s.folder}: {s.policy} ({s.canvas_column})" for s in shards)
        )
    ordered = rows_in_roster_order(
        [row for shard in shards for row in shard.rows], [e.student for e in roster]
    )
    policy, penalty, column = terms.pop() if terms else ("", Penalty(), paths.name)
    extra = {e.student: e.extra for e in roster}
    files = {name: data for shard in shards for name, data in shard.files.items()}
    notebooks = {
        row.student: files[f"{SUBMISSIONS}/{row.student}.ipynb"]
        for row in ordered
        if row.status == GRADED and f"{SUBMISSIONS}/{row.student}.ipynb" in files
    }
    write_gradebook(
        out,
        paths.name,
        ordered,
        points,
        extra,
        canvas_assignment=None if column == paths.name else column,
        policy=policy,
        submissions=notebooks,
        template=paths.notebook.read_bytes(),
    )
    for name, data in sorted(files.items()):
        write_atomic(out / name, data)  # the bytes that were verified, not a second read
    meta = run_meta(
        paths.name,
        policy=policy,
        penalty=penalty,
        canvas_column=column,
        shard=f"merged from {len(shards)} shards",
        students=[row.student for row in ordered],
        files={name: file_digest(data) for name, data in sorted(files.items())},
    )
    write_atomic(out / RUN_META, meta)
    return ordered
