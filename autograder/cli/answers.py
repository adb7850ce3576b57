"""Written answers graded by hand: extract them per question for marking, or fold the marks in.

Examples:
  python -m autograder answers week01 grades/week01             # written/<question>/answers.md + marks.toml
  python -m autograder answers week01 grades/week01 --names     # marker keys are the students' logins
  python -m autograder answers week01 grades/week01 --apply --roster roster.csv

The answers are read at the commit the regrade graded (its gradebook.csv in
the folder). Each question's marks.toml lists every student by marker key
(anonymous by default; written/students.toml maps keys back): give rubric
items (ids from solutions/WEEK/rubric.toml) and a comment. Running it again
keeps every mark. --apply folds the marks into gradebook.csv, canvas.csv,
summary.md and feedback/ without grading again (the regrade folds them too);
a question not marked yet is "pending", never 0, and the Canvas cell of that
student stays blank.

Exit codes: 0 written; 1 some students' notebooks could not be read (the
others were written; their rows are listed); 2 usage error (no written
questions, no gradebook, a marks.toml naming an unknown rubric item: nothing
written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.course import WeekPaths
from autograder.exit_codes import ExitCode

HELP = "written answers: extract them per question for marking by hand, or fold the marks in"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument("folder", type=Path, help="the regrade's output folder, e.g. grades/week01")
    parser.add_argument(
        "--names", action="store_true", help="marker keys are the students' logins (not anonymous)"
    )
    parser.add_argument(
        "--apply", action="store_true", help="fold the filled marks into the gradebook and feedback"
    )
    parser.add_argument(
        "--roster", type=Path, default=None, help="roster CSV (needed by --apply, for canvas.csv)"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, locate_week
    from autograder.official.gradebook import GradebookError

    paths = locate_week(args.week, args.course)
    if paths.private_dir is None:
        raise CourseError(f"written answers need solutions/{args.week} (rubric, model answers)")
    try:
        if args.apply:
            return _apply(paths, args)
        return _extract(paths, args)
    except GradebookError as error:
        raise CourseError(str(error)) from error


def _extract(paths: WeekPaths, args: argparse.Namespace) -> int:
    from autograder.official.answers import extract_answers

    report = extract_answers(
        paths, args.folder, anonymous=not args.names, say=lambda line: print(line, file=sys.stderr)
    )
    for line in report.reset:
        print(f"  answer changed since it was marked (now pending): {line}")
    for line in report.problems:
        print(f"  [NOT READ] {line}")
    print(
        f"wrote {args.folder}/written/: {len(report.questions)} questions "
        f"({', '.join(report.questions)}), answers of {report.students} students"
    )
    return ExitCode.FAILED if report.problems else ExitCode.OK


def _apply(paths: WeekPaths, args: argparse.Namespace) -> int:
    from autograder.course import CourseError
    from autograder.official.roster import CollectError, load_roster
    from autograder.official.written_marks import apply_marks

    if args.roster is None:
        raise CourseError("--apply needs --roster (canvas.csv is written from its id columns)")
    try:
        roster = load_roster(args.roster)
    except CollectError as error:
        raise CourseError(str(error)) from error
    changes = apply_marks(paths, args.folder, roster)
    print(
        "\n".join(["totals changed (old -> new):", *[f"  {c}" for c in changes]])
        if changes
        else "no total changed"
    )
    print(f"wrote {args.folder}/gradebook.csv, canvas.csv, summary.md, distribution.png, feedback/")
    return ExitCode.OK
