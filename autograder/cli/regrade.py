"""Official regrade: each roster student's last commit at or before the deadline, hidden tests, a gradebook.

Examples:
  python -m autograder regrade week01 --roster roster.csv --repos clones/ --deadline 2026-12-01T23:59:00+00:00
  python -m autograder regrade week01 --roster roster.csv --repos my-course-org --deadline 2026-12-01T23:59Z \\
      --late-policy late.toml -j 4 --out grades/week01
  python -m autograder regrade week01 ... --shard 2/8 --out shard-2   # one slice; merge with `autograder merge`

--repos is a folder of clones (DIR/<prefix><student> or DIR/<student>), a URL
template with {student}, or a GitHub organisation (needs GITHUB_TOKEN;
repositories named <prefix><student>, push times from GitHub). The roster is
a CSV with a `student` column (optional: repo, name, canvas_id, sis_user_id,
sis_login_id, section).

If --out already holds a gradebook, the totals that would change are shown
(old -> new) and nothing is written unless --yes.

Exit codes: 0 written; 1 refused (changes without --yes) or students without a
repository; 2 usage error (bad roster, repositories of unknown students);
3 the grader failed on some submission (their rows say "error": regrade again).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "official grades: every student's last commit before the deadline, into a gradebook"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument(
        "--roster", type=Path, required=True, help="roster CSV (a 'student' column)"
    )
    parser.add_argument(
        "--repos",
        required=True,
        help="folder of clones, URL template with {student}, or GitHub org",
    )
    parser.add_argument(
        "--deadline",
        required=True,
        help="ISO 8601 with a time zone, e.g. 2026-12-01T23:59:00+00:00",
    )
    parser.add_argument(
        "--late-policy", type=Path, default=None, metavar="TOML", help="policy and extensions file"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=1, help="submissions graded in parallel (default 1)"
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="K/N",
        help="grade only the K-th of N slices of the roster",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default grades/WEEK)"
    )
    parser.add_argument("--prefix", default=None, help="repository name prefix (default 'WEEK-')")
    parser.add_argument(
        "--canvas-column", default=None, help="assignment column title for canvas.csv"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="grade identical notebooks separately"
    )
    parser.add_argument(
        "--yes", action="store_true", help="overwrite an existing gradebook that changes"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, locate_week
    from autograder.official.late_policy import LatePolicy, PolicyError
    from autograder.official.regrade import (
        check_changes,
        describe_changes,
        print_counts,
        run_regrade,
        write_outputs,
    )
    from autograder.official.repositories import index_repositories
    from autograder.official.roster import CollectError, load_roster
    from autograder.official.shards import parse_shard

    paths = locate_week(args.week, args.course)
    if paths.private_dir is None:
        raise CourseError(
            f"the official regrade needs solutions/{args.week} (hidden tests), which is not here"
        )
    if args.jobs < 1:
        raise CourseError("-j must be at least 1")
    from autograder.grading.submission import require_official_sandbox

    require_official_sandbox()  # before cloning anything; grading checks it again
    try:
        shard = parse_shard(args.shard or "1/1")
        roster = load_roster(args.roster)
        policy = LatePolicy.load(args.deadline, args.late_policy)
        prefix = f"{args.week}-" if args.prefix is None else args.prefix
        index = index_repositories(roster, args.repos, prefix)
        result = run_regrade(
            paths,
            roster,
            index,
            policy,
            shard=shard,
            workers=args.jobs,
            cache=not args.no_cache,
            say=lambda line: print(line, file=sys.stderr),
        )
    except (CollectError, PolicyError) as error:
        raise CourseError(str(error)) from error
    out = args.out or (paths.public_dir.parent.parent / "grades" / args.week)
    if args.shard is None:  # a shard (even 1/1) is merged first; `merge` folds the marks, as here
        from autograder.official.written_marks import fold_into_regrade

        fold_into_regrade(paths, result, out)
    changes = check_changes(result, out)
    if changes:
        print(describe_changes(changes))
        if not args.yes:
            print(f"nothing written: rerun with --yes to replace {out / 'gradebook.csv'}")
            return ExitCode.FAILED
    write_outputs(paths, result, out, roster, policy, shard=shard, canvas_column=args.canvas_column)
    print_counts(result)
    print(
        f"wrote {out}/gradebook.csv, canvas.csv, summary.md, distribution.png, feedback/, results/"
    )
    counts = result.counts
    if counts.get("error"):
        return ExitCode.INTERNAL
    return ExitCode.FAILED if counts.get("missing") else ExitCode.OK
