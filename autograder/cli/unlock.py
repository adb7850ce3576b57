"""Give every student write access to their repository again (undoes `lock`).

Examples:
  python -m autograder unlock week03 --roster roster.csv --org ml-2026 --dry-run
  python -m autograder unlock week03 --roster roster.csv --org ml-2026

Exit codes: 0 done; 1 some rows failed on GitHub's side; 2 bad input (nothing
done), or some rows failed on it (no repository, not a collaborator).
"""

from __future__ import annotations

import argparse

from autograder.cli import lifecycle

HELP = "write access for every student again (undoes lock)"
SCOPES = {"repo"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    lifecycle.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from autograder.official.permissions import set_access

    course = lifecycle.open_course(args, "unlock", SCOPES)
    outcomes = set_access(
        course.client, course.org, course.prefix, course.assignees, lock=False, dry_run=args.dry_run
    )
    return lifecycle.finish(outcomes, course.client, dry_run=args.dry_run)
