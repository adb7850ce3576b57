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
sis_login_id, section); canvas.csv is written only when every student has a
canvas_id, sis_user_id or sis_login_id.

Overrides (grade a commit or notebook path, add points with a reason, waive
lateness) are read from grades/WEEK/overrides.toml of the course repository
when it exists, or from --overrides.

If the inputs (commits, notebooks, references, grader, policy, overrides,
roster ids) are those of the last run into --out, nothing is graded ("nothing
changed") unless --force. If --out already holds a gradebook that would
change, the totals that would change are shown (old -> new) and nothing is
written unless --yes.

Exit codes: 0 written, or nothing changed; 1 refused (changes without --yes) or
students without a repository; 2 usage error, nothing graded or written (bad
roster, extensions or overrides naming students not on the roster,
repositories of unknown students or misnamed ones, a --repos folder that does
not exist, a Canvas header not in 'Name (ID)' form); 3 the grader or a clone
failed on some student (their rows say "error": regrade again).
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
        "--canvas-assignment",
        default=None,
        metavar="HEADER",
        help="canvas.csv's assignment header, as Canvas exports it, e.g. 'Week 1 (12345)'",
    )
    parser.add_argument(
        "--overrides",
        type=Path,
        default=None,
        metavar="TOML",
        help="overrides file (default: grades/WEEK/overrides.toml when it exists)",
    )
    parser.add_argument(
        "--force", action="store_true", help="grade again even when nothing changed"
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="grade identical notebooks separately"
    )
    parser.add_argument(
        "--yes", action="store_true", help="overwrite an existing gradebook that changes"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="start every sandbox cold instead of forking it from a warm template",
    )
    parser.add_argument(
        "--allow-version-drift",
        action="store_true",
        help="grade although numpy, torch, scikit-learn... differ from those that computed the references",
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    import json

    from autograder.course import REFERENCES, CourseError, locate_week
    from autograder.official.canvas import assignment_header
    from autograder.official.gradebook import item_points_of
    from autograder.official.late_policy import LatePolicy, PolicyError
    from autograder.official.overrides import OVERRIDES, load_overrides
    from autograder.official.regrade import (
        check_changes,
        describe_changes,
        previous_inputs,
        print_counts,
        run_regrade,
        write_outputs,
    )
    from autograder.official.repositories import index_repositories
    from autograder.official.roster import CollectError, load_roster
    from autograder.official.shards import parse_shard
    from autograder.official.written_marks import fold_into_regrade, marks_digest
    from autograder.spec import load_week_spec

    paths = locate_week(args.week, args.course)
    if paths.private_dir is None:
        raise CourseError(
            f"the official regrade needs solutions/{args.week} (hidden tests), which is not here"
        )
    if args.jobs < 1:
        raise CourseError("-j must be at least 1")
    from autograder.grading.submission import require_official_sandbox

    require_official_sandbox()  # before cloning anything; grading checks it again
    _require_reference_environment(paths.private_dir / REFERENCES, args.allow_version_drift)
    grades = paths.public_dir.parent.parent / "grades" / args.week
    out = args.out or grades
    overrides_path = args.overrides
    if overrides_path is None and (grades / OVERRIDES).is_file():
        overrides_path = grades / OVERRIDES
    # a shard (even 1/1) is merged first, and `merge` folds the written marks, as this run does
    fold_marks = args.shard is None
    try:
        shard = parse_shard(args.shard or "1/1")
        header = assignment_header(args.canvas_assignment) if args.canvas_assignment else None
        roster = load_roster(args.roster)
        students = [e.student for e in roster]
        policy = LatePolicy.load(args.deadline, args.late_policy).for_roster(students)
        points = item_points_of(load_week_spec(paths, hidden=True))
        overrides = load_overrides(overrides_path, students, points)
        prefix = f"{args.week}-" if args.prefix is None else args.prefix
        index = index_repositories(roster, args.repos, prefix)
        result = run_regrade(
            paths,
            roster,
            index,
            policy,
            overrides=overrides,
            shard=shard,
            workers=args.jobs,
            cache=not args.no_cache,
            warm=not args.cold,
            say=lambda line: print(line, file=sys.stderr),
            unchanged_since="" if args.force else previous_inputs(out),
            extra_inputs=[
                header or "",
                json.dumps([[e.student, e.extra] for e in roster]),
                marks_digest(paths, out) if fold_marks else "",  # a new mark or rubric re-folds
            ],
        )
    except (CollectError, PolicyError) as error:
        raise CourseError(str(error)) from error
    if result.unchanged:
        print(
            f"nothing changed since the last regrade into {out} (same commits, notebooks, "
            "references, grader, policy, overrides and written marks): nothing graded, "
            "nothing written; --force grades again"
        )
        return ExitCode.OK
    if fold_marks:
        fold_into_regrade(paths, result, out)
    changes = check_changes(result, out)
    if changes:
        print(describe_changes(changes))
        if not args.yes:
            print(f"nothing written: rerun with --yes to replace {out / 'gradebook.csv'}")
            return ExitCode.FAILED
    written = write_outputs(
        paths, result, out, roster, policy, shard=shard, canvas_assignment=header
    )
    print_counts(result)
    print(f"wrote {', '.join(p.name for p in written.paths)}, feedback/, results/ into {out}")
    print(f"canvas.csv: {written.canvas}")
    counts = result.counts
    if counts.get("error"):
        return ExitCode.INTERNAL
    return ExitCode.FAILED if counts.get("missing") else ExitCode.OK


def _require_reference_environment(directory: Path, allowed: bool) -> None:
    """Refuse to grade officially with other numeric library versions than the references'."""
    from autograder.course import CourseError
    from autograder.scoring import provenance

    recorded = provenance.load(directory)
    if recorded is None:
        print(
            "warning: the references record no provenance; release the week again to record "
            "which library versions computed them",
            file=sys.stderr,
        )
        return
    drift = provenance.library_drift(recorded, provenance.environment())
    if drift and not allowed:
        raise CourseError(
            "the references were computed with other library versions: "
            + "; ".join(drift)
            + ". Install the course's requirements.lock, or pass --allow-version-drift"
        )
    for line in drift:
        print(f"warning: version drift accepted: {line}", file=sys.stderr)
