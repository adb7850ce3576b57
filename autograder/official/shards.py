"""A regrade split over N machines (``--shard K/N``), and the merge of the shards into one gradebook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from autograder.course import WeekPaths
from autograder.official.gradebook import (
    GRADEBOOK,
    GradebookError,
    Row,
    item_points_of,
    read_gradebook,
    rows_in_roster_order,
    write_gradebook,
)
from autograder.official.roster import CollectError, RosterEntry
from autograder.spec import load_week_spec

RUN_META = "run.json"


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
    """Merge shard outputs into one gradebook in ``out``; refuses gaps, overlaps and strangers."""
    week = load_week_spec(paths, hidden=True)
    points = item_points_of(week)
    rows: list[Row] = []
    policy, column = "", paths.name
    for shard in shard_dirs:
        names, shard_rows = read_gradebook(shard / GRADEBOOK)
        if names != list(points):
            raise GradebookError(
                f"{shard}: its items {names} are not {paths.name}'s {list(points)}"
            )
        rows.extend(shard_rows)
        meta_path = shard / RUN_META
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text())
            if meta.get("week") != paths.name:
                raise GradebookError(
                    f"{shard} is a gradebook of {meta.get('week')}, not {paths.name}"
                )
            policy, column = meta.get("policy", policy), meta.get("canvas_column", column)
    ordered = rows_in_roster_order(rows, [e.student for e in roster])
    extra = {e.student: e.extra for e in roster}
    write_gradebook(out, paths.name, ordered, points, extra, canvas_column=column, policy=policy)
    for shard in shard_dirs:
        for sub in ("feedback", "results"):
            if (shard / sub).is_dir():
                (out / sub).mkdir(parents=True, exist_ok=True)
                for file in sorted((shard / sub).iterdir()):
                    if file.is_file() and not file.is_symlink():
                        shutil.copyfile(file, out / sub / file.name)
    return ordered
