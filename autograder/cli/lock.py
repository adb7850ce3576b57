"""Make each student's repository read-only for them once their cutoff has passed (extensions included).

A student's cutoff is their deadline (or extension, from --late-policy) plus
the policy's grace, plus max_late_days under the "penalty" policy. It is
judged by GitHub's clock. Students whose cutoff is ahead stay open ("open
until ..."): run lock again later, it changes only what is due. The grade
of record still comes from push times (regrade); `unlock` undoes this.
Needs GITHUB_TOKEN (an owner of ORG, scope `repo`).

Examples:
  python -m autograder lock week03 --roster roster.csv --org ml-2026 --deadline 2026-12-01T23:59:00+00:00
  python -m autograder lock week03 --roster roster.csv --org ml-2026 --deadline 2026-12-01T23:59Z --late-policy late.toml --dry-run

Exit codes: 0 done; 1 some rows failed on GitHub's side; 2 bad input (nothing
done), or some rows failed on it (no repository, not a collaborator).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from autograder.cli import lifecycle

HELP = "read-only access for each student after their own cutoff (extensions included)"
SCOPES = {"repo"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    lifecycle.add_arguments(parser)
    parser.add_argument(
        "--deadline",
        required=True,
        help="ISO 8601 with a time zone, e.g. 2026-12-01T23:59:00+00:00",
    )
    parser.add_argument(
        "--late-policy", type=Path, default=None, metavar="TOML", help="policy and extensions file"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError
    from autograder.official.late_policy import LatePolicy, PolicyError
    from autograder.official.permissions import set_access

    try:
        policy = LatePolicy.load(args.deadline, args.late_policy)
    except PolicyError as error:
        raise CourseError(str(error)) from error
    course = lifecycle.open_course(args, "lock", SCOPES)
    now = course.identity.server_time or dt.datetime.now(dt.UTC)
    print(f"GitHub's time: {now.isoformat()}; {policy.describe()}")
    outcomes = set_access(
        course.client,
        course.org,
        course.prefix,
        course.assignees,
        lock=True,
        policy=policy,
        now=now,
        dry_run=args.dry_run,
    )
    return lifecycle.finish(outcomes, course.client, dry_run=args.dry_run)
