"""What the lifecycle verbs (distribute, sync, lock, unlock, return) share on the command line.

Their options (``--org``, ``--roster``, ``--prefix``, ``--dry-run``,
``--pace``), the checks before anything changes (the roster, the token, its
scopes, the organisation: exit code 2 and nothing done when one fails), and
their ending: the per-student table, a summary line, the number of API calls
made, and the exit code (0 all done; 1 some rows failed on GitHub's side: run
again; 2 bad input).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import CourseError, check_week_name
from autograder.github.client import GitHubClient, Identity

if TYPE_CHECKING:
    from autograder.official.naming import Assignee
    from autograder.official.outcomes import Outcome
    from autograder.official.roster import RosterEntry

PROGRESS_FROM = 10  # repositories: smaller rosters get only the table


@dataclass
class Course:
    """A verb's checked inputs: the week, the organisation's client, the roster as repositories."""

    week: str
    org: str
    prefix: str
    client: GitHubClient
    identity: Identity  # the token's login and GitHub's clock
    assignees: list[Assignee]
    roster: list[RosterEntry]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week03")
    parser.add_argument("--org", required=True, help="the GitHub organisation of the course")
    parser.add_argument(
        "--roster",
        type=Path,
        required=True,
        help="roster CSV: a 'student' column (GitHub logins), optional 'team'",
    )
    parser.add_argument("--prefix", default=None, help="repository name prefix (default 'WEEK-')")
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be done; change nothing"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=None,
        metavar="SECONDS",
        help="least time between two writes (default 1, as GitHub asks of bulk tools)",
    )


def add_template_argument(parser: argparse.ArgumentParser) -> None:
    """--template, for the verbs that read the published template repository."""
    parser.add_argument(
        "--template",
        metavar="OWNER/NAME",
        default=None,
        help="the template repository (default ORG/<prefix>template)",
    )


def template_of(args: argparse.Namespace, course: Course) -> str:
    """The template repository's full name: --template, or ORG/<prefix>template."""
    from autograder.official import naming

    return str(args.template or f"{course.org}/{naming.template_name(course.prefix)}")


def open_course(args: argparse.Namespace, verb: str, scopes: set[str]) -> Course:
    """Check the roster, the token and the organisation (CourseError: exit 2, nothing done)."""
    from autograder.official import github_session, naming
    from autograder.official.roster import CollectError, load_roster

    week = check_week_name(args.week)
    try:
        roster = load_roster(args.roster)
        assignees = naming.assignees(roster)
    except CollectError as error:
        raise CourseError(str(error)) from error
    pace = github_session.DEFAULT_PACE if args.pace is None else args.pace
    client = github_session.connect(pace=pace)
    identity = github_session.check_token(client, scopes, verb)
    github_session.check_organisation(client, args.org)
    prefix = naming.default_prefix(week) if args.prefix is None else args.prefix
    return Course(week, args.org, prefix, client, identity, assignees, roster)


def progress_bar(count: int) -> Callable[[str, str], None] | None:
    """A progress bar on stderr for a long roster (``count`` repositories)."""
    if count < PROGRESS_FROM:
        return None
    from autograder.grading.batch import ProgressBar

    return ProgressBar(count, sys.stderr).advance


def finish(outcomes: list[Outcome], client: GitHubClient, *, dry_run: bool) -> int:
    """Print the table, the summary and the API calls; the exit code."""
    from autograder.official.outcomes import exit_status, summary, table

    print(table(outcomes))
    print(summary(outcomes))
    note = " (dry run: nothing was changed)" if dry_run else ""
    print(f"{client.calls} GitHub API calls{note}")
    return exit_status(outcomes)
