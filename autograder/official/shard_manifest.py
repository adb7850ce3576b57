"""A shard's manifest (``run.json``): what a regrade records of its output, and what a merge verifies.

A shard folder (``regrade --shard K/N``) holds ``gradebook.csv``, one
``results/<student>.json`` record and one ``feedback/<student>.md`` per
graded student, and ``run.json`` (:func:`run_meta`), which lists the SHA-256
of every such file and the late penalty the shard was graded under. Before
it merges anything, the merge refuses a shard
(:class:`ShardRefused`, exit 2, nothing written) unless:

* ``run.json`` is for this week and lists exactly the shard's students, and
  every file under ``results/`` and ``feedback/`` is listed and has its digest;
* every number of every row is finite; each item's score lies in
  [0, the item's points]; ``max_score`` is the week's; ``days_late`` is one
  the penalty allows and the multiplier is the one it gives for those days;
* a row's adjustment (the overrides' points) is the one its feedback states;
* each row agrees with its results record: same week, the record's item
  scores (each within its bounds) are the row's, the status, commit and
  notebook digest match; a row without a record scores nothing.

Each refusal names the shard, the student and the field. What this cannot
catch is a shard whose files were all rewritten consistently, digests
included; the digests make an edit of one file, or a row edited apart from
its record, visible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.course import CourseError
from autograder.official.gradebook import (
    EMPTY,
    ERROR,
    GRADEBOOK,
    GRADED,
    MISSING,
    NO_COMMIT,
    NOT_SUBMITTED,
    STATUSES,
    UNREADABLE,
    GradebookError,
    Row,
    fmt,
    read_gradebook,
)
from autograder.official.late_policy import Penalty, PolicyError

RUN_META = "run.json"
SUBMISSIONS = "submissions"  # the notebook bytes graded, for the similarity report of a merge
SHARD_FILES = ("results", "feedback", SUBMISSIONS)  # per-student folders, each file in run.json
TOLERANCE = 1e-6  # a gradebook keeps 6 decimals
ADJUSTED = "points added in all: {}"  # how a student's feedback states the overrides' adjustment
# rows of students nothing was graded for
WITHOUT_RECORD = (MISSING, EMPTY, NOT_SUBMITTED, NO_COMMIT, ERROR)


class ShardRefused(CourseError):
    """A shard that fails verification: the merge writes nothing (exit 2)."""


def file_digest(data: str | bytes) -> str:
    """The SHA-256 ``run.json`` lists for a shard file's bytes (text is UTF-8)."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def run_meta(
    week: str,
    *,
    policy: str,
    penalty: Penalty,
    canvas_column: str,
    shard: str,
    students: list[str],
    files: dict[str, str],
    inputs: str = "",
    gradebook_sha256: str = "",
) -> str:
    """The text of a ``run.json``: what was graded, under which penalty, and each file's digest."""
    meta: dict[str, Any] = {
        "week": week,
        "policy": policy,
        "penalty": penalty.as_dict(),
        "canvas_column": canvas_column,
        "shard": shard,
        "students": students,
        "files": files,
        "inputs": inputs,
        "gradebook_sha256": gradebook_sha256,
        "finished_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    return json.dumps(meta, indent=2) + "\n"


@dataclass(frozen=True)
class VerifiedShard:
    """A shard that passed every check, with the bytes of its files as they were verified."""

    folder: Path
    rows: list[Row]
    files: dict[str, bytes]  # "results/alice.json" -> content
    policy: str
    penalty: Penalty
    canvas_column: str


def verify_shard(folder: Path, week: str, points: dict[str, float]) -> VerifiedShard:
    """Read and verify one shard (see the module docstring); :class:`ShardRefused` if anything is off."""
    meta = _run_meta(folder, week)
    try:
        penalty = Penalty.from_dict(meta.get("penalty"))
    except PolicyError as error:
        raise ShardRefused(f"{folder}/{RUN_META}: penalty: {error}") from None
    try:
        names, rows = read_gradebook(folder / GRADEBOOK)
    except GradebookError as error:
        raise ShardRefused(str(error)) from None
    if names != list(points):
        raise ShardRefused(f"{folder}: its items {names} are not {week}'s {list(points)}")
    students = [row.student for row in rows]
    if students != meta["students"]:
        raise ShardRefused(f"{folder}: its gradebook's students are not the ones {RUN_META} lists")
    files = _listed_files(folder, meta, set(students))
    for row in rows:
        where = f"{folder}: {row.student}"
        check_row(row, points, penalty, where)
        record = files.get(f"results/{row.student}.json")
        if record is None:
            if row.status not in WITHOUT_RECORD:
                raise ShardRefused(f"{where}: status {row.status} but no results record")
            if any(row.items.values()):
                raise ShardRefused(f"{where}: points without a results record")
        else:
            check_row_against_record(row, _record(record, where), week, points, where)
        feedback = files.get(f"feedback/{row.student}.md", b"").decode("utf-8", "replace")
        if row.adjustment and ADJUSTED.format(fmt(row.adjustment)) not in feedback:
            raise ShardRefused(f"{where}: adjustment {fmt(row.adjustment)} is not its feedback's")
        if row.adjustment and not row.has_points:
            raise ShardRefused(f"{where}: an adjustment on a row without points")
        notebook = files.get(f"{SUBMISSIONS}/{row.student}.ipynb")
        if notebook is not None and file_digest(notebook) != row.sha256:
            raise ShardRefused(
                f"{where}: {SUBMISSIONS}/{row.student}.ipynb is not the notebook graded"
            )
    return VerifiedShard(
        folder,
        rows,
        files,
        str(meta.get("policy", "")),
        penalty,
        str(meta.get("canvas_column") or week),
    )


def check_row(row: Row, points: dict[str, float], penalty: Penalty, where: str) -> None:
    """Bounds of one gradebook row: finite numbers, item scores, max_score, days late, multiplier."""
    if row.status not in STATUSES:
        raise ShardRefused(f"{where}: status {row.status!r} is not one of {', '.join(STATUSES)}")
    for field, value in [
        ("max_score", row.max_score),
        ("multiplier", row.multiplier),
        *row.items.items(),
    ]:
        if not math.isfinite(value):
            raise ShardRefused(f"{where}: {field} is {value}, not a finite number")
    if not _close(row.max_score, sum(points.values())):
        raise ShardRefused(
            f"{where}: max_score {fmt(row.max_score)} is not the week's {fmt(sum(points.values()))}"
        )
    for name, score in row.items.items():
        if not -TOLERANCE <= score <= points[name] + TOLERANCE:
            raise ShardRefused(
                f"{where}: item {name} scores {fmt(score)}, outside [0, {fmt(points[name])}]"
            )
    if not 0 <= row.days_late <= penalty.max_days or (row.days_late and not row.late):
        raise ShardRefused(
            f"{where}: days_late {row.days_late} is not possible under the late policy "
            f"({penalty.kind}, at most {penalty.max_days} days)"
        )
    expected = round(penalty.multiplier(row.days_late), 6)
    if not _close(row.multiplier, expected):
        raise ShardRefused(
            f"{where}: multiplier {fmt(row.multiplier)} is not the late policy's "
            f"{fmt(expected)} for {row.days_late} days late"
        )
    if row.status != GRADED and any(row.items.values()):
        raise ShardRefused(f"{where}: status {row.status} but points on its items")


def check_row_against_record(
    row: Row, record: dict[str, Any], week: str, points: dict[str, float], where: str
) -> None:
    """One gradebook row against the results record it was written from."""
    if record.get("assignment") != week:
        raise ShardRefused(f"{where}: its results record is for {record.get('assignment')!r}")
    submission = record.get("submission")
    if not isinstance(submission, dict):
        submission = {}
    if str(submission.get("sha256") or "") != row.sha256:
        raise ShardRefused(f"{where}: notebook_sha256 is not its results record's")
    if submission.get("commit") and submission.get("commit") != row.commit:
        raise ShardRefused(f"{where}: commit is not its results record's")
    if record.get("status") != "graded":
        if row.status != ERROR:
            raise ShardRefused(
                f"{where}: status {row.status}, but its record says the grader failed"
            )
        return
    if row.status not in (GRADED, UNREADABLE):
        raise ShardRefused(f"{where}: status {row.status}, but its record was graded")
    tests = record.get("tests")
    if not isinstance(tests, list):
        tests = []
    scores: dict[str, float] = {}
    for test in tests:
        name = test.get("name") if isinstance(test, dict) else None
        if name not in points or name in scores:
            raise ShardRefused(
                f"{where}: its results record has an unknown or repeated item {name!r}"
            )
        score, max_score = test.get("score"), test.get("max_score")
        if not (_finite(score) and _finite(max_score)):
            raise ShardRefused(f"{where}: item {name} of its results record has no finite score")
        if not _close(max_score, points[name]) or not -TOLERANCE <= score <= max_score + TOLERANCE:
            raise ShardRefused(
                f"{where}: item {name} of its results record scores {score} of {max_score}, "
                f"not within [0, {fmt(points[name])}]"
            )
        scores[name] = score
    if set(scores) != set(points):
        missing = ", ".join(sorted(set(points) - set(scores)))
        raise ShardRefused(f"{where}: its results record has no score for {missing}")
    for name, score in scores.items():
        if not _close(row.items[name], score):
            raise ShardRefused(
                f"{where}: item {name} is {fmt(row.items[name])} in the gradebook "
                f"but {fmt(score)} in its results record"
            )


def _run_meta(folder: Path, week: str) -> dict[str, Any]:
    path = folder / RUN_META
    try:
        meta = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ShardRefused(
            f"{path} cannot be read ({error}): the shard cannot be verified"
        ) from None
    if not isinstance(meta, dict):
        raise ShardRefused(f"{path} is not a shard's run.json")
    if meta.get("week") != week:
        raise ShardRefused(f"{folder} is a gradebook of {meta.get('week')!r}, not {week}")
    students, files = meta.get("students"), meta.get("files")
    if not isinstance(students, list) or not isinstance(files, dict):
        raise ShardRefused(
            f"{path} lists no students or no file digests: regrade the shard with this grader"
        )
    return meta


def _listed_files(folder: Path, meta: dict[str, Any], students: set[str]) -> dict[str, bytes]:
    """Every file under the shard's per-student folders, each listed in run.json with its digest."""
    listed: dict[str, str] = meta["files"]
    pattern = re.compile(
        r"^(results/(?P<r>[^/]+)\.json|feedback/(?P<f>[^/]+)\.md|submissions/(?P<n>[^/]+)\.ipynb)$"
    )
    present = {
        f"{sub}/{path.name}"
        for sub in SHARD_FILES
        if (folder / sub).is_dir()
        for path in (folder / sub).iterdir()
    }
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise ShardRefused(f"{folder}: {unlisted[0]} is not listed in {RUN_META}")
    files = {}
    for relative, digest in sorted(listed.items()):
        match = pattern.match(relative)
        if match is None or (match["r"] or match["f"] or match["n"]) not in students:
            raise ShardRefused(f"{folder}/{RUN_META} lists {relative!r}, no file of its students")
        path = folder / relative
        if path.is_symlink() or not path.is_file():
            raise ShardRefused(f"{folder}: {relative} is listed in {RUN_META} but is not a file")
        data = path.read_bytes()
        if file_digest(data) != digest:
            raise ShardRefused(f"{folder}: {relative} is not the file {RUN_META} lists (digest)")
        files[relative] = data
    return files


def _record(data: bytes, where: str) -> dict[str, Any]:
    try:
        record = json.loads(data)
    except ValueError as error:
        raise ShardRefused(f"{where}: its results record is not JSON ({error})") from None
    if not isinstance(record, dict):
        raise ShardRefused(f"{where}: its results record is not a results record")
    return record


def _finite(value: Any) -> bool:
    try:
        return type(value) in (int, float) and math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


__all__ = [
    "RUN_META",
    "ShardRefused",
    "VerifiedShard",
    "check_row",
    "check_row_against_record",
    "file_digest",
    "run_meta",
    "verify_shard",
]
