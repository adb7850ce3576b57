"""Merge the gradebooks of a sharded regrade (``regrade --shard K/N``) into one.

Refuses (exit 1) when the shards and the roster disagree: a student with no
row, a student graded twice, a row of a student not on the roster. Refuses
(exit 2, naming the shard, the student and the field) a shard that fails
verification: another week, a score outside its item's bounds, a multiplier
the late policy cannot give, a number that is not finite, a row that is not
what its results record says, a file that is not the one its ``run.json``
lists. Nothing is written when it refuses. A week's written questions get
the marks of ``--out`` (see ``answers``), as a single run folds them: the
merged files are byte-for-byte what a single unsharded regrade writes.

Example:
  python -m autograder merge week01 --roster roster.csv --out grades/week01 shard-1 shard-2 shard-3
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "merge sharded regrade gradebooks into one"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument(
        "shards", type=Path, nargs="+", help="shard output folders (each with gradebook.csv)"
    )
    parser.add_argument(
        "--roster", type=Path, required=True, help="the roster CSV the shards were graded from"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the merged gradebook")
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, locate_week
    from autograder.official.gradebook import GradebookError
    from autograder.official.roster import CollectError, load_roster
    from autograder.official.shards import merge_shards

    paths = locate_week(args.week, args.course)
    try:
        roster = load_roster(args.roster)
    except CollectError as error:
        raise CourseError(str(error)) from error
    try:
        rows = merge_shards(paths, roster, args.shards, args.out)
    except GradebookError as error:
        print(f"REFUSED: {error}")
        return ExitCode.FAILED
    if paths.private_dir is not None:  # written questions: their marks, as a single run folds them
        from autograder.official.written_marks import apply_marks, questions_of

        if questions_of(paths):
            apply_marks(paths, args.out, roster)
    print(f"merged {len(args.shards)} shards, {len(rows)} students -> {args.out}/gradebook.csv")
    return ExitCode.OK
