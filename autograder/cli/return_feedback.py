"""Post each student's official feedback (GRADES/feedback/<student>.md) on their Feedback pull request.

One comment per student, updated in place when run again (an unchanged
text is left alone); an issue instead when the repository has no open
Feedback pull request. Before anything is posted, every feedback file is
scanned for hidden material with the release gate's leak scan (hidden
reference values, hidden-spec and solution lines): one finding refuses the
whole return and names the file. Needs GITHUB_TOKEN (scope `repo`) and the
week's solutions/ folder (for the scan).

Examples:
  python -m autograder return week03 grades/week03 --roster roster.csv --org ml-2026 --dry-run
  python -m autograder return week03 grades/week03 --roster roster.csv --org ml-2026

Exit codes: 0 posted (or unchanged); 1 refused by the leak scan (nothing
posted), or some rows failed on GitHub's side; 2 bad input (nothing posted),
or some rows failed on it (no feedback file, no repository).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.cli import lifecycle
from autograder.exit_codes import ExitCode

HELP = "post the official feedback on each student's Feedback pull request (after a leak scan)"
SCOPES = {"repo"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    lifecycle.add_arguments(parser)
    parser.add_argument("grades", type=Path, help="the regrade's output folder, e.g. grades/week03")
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import locate_week
    from autograder.official.feedback_return import feedback_files, leaks_in, return_feedback

    paths = locate_week(args.week, args.course)
    folder = feedback_files(args.grades)
    found = leaks_in(paths, folder)
    if found:
        print(f"refused: hidden material in {folder}; nothing was posted:")
        for leak in found:
            print(f"  {leak}")
        return ExitCode.FAILED
    course = lifecycle.open_course(args, "return", SCOPES)
    outcomes = return_feedback(
        course.client,
        course.org,
        course.prefix,
        course.week,
        folder,
        course.assignees,
        me=course.identity.login,
        dry_run=args.dry_run,
    )
    return lifecycle.finish(outcomes, course.client, dry_run=args.dry_run)
