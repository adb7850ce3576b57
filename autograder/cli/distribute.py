"""Give every roster student (or team) a private repository of the week, an invitation and the Feedback pull request.

Each repository is ORG/<prefix><student> (or <prefix><team> for a roster
with a 'team' column, shared by the team's members), generated from the
template repository (default ORG/<prefix>template, see `publish --github`).
A `feedback` branch at its first commit and the pull request main -> feedback
give every push one pull request for the grade comment from day one.

Running it again creates only what is missing (e.g. for students added to
the roster) and changes nothing else. Needs GITHUB_TOKEN (an owner of ORG,
scope `repo`); GITHUB_API_URL for another server.

Statuses: created, invited (invitation pending), accepted, exists (access
without invitation), failed: <reason>.

Examples:
  python -m autograder distribute week03 --roster roster.csv --org ml-2026 --dry-run
  python -m autograder distribute week03 --roster roster.csv --org ml-2026

Exit codes: 0 done; 1 some repositories failed on GitHub's side (run again);
2 bad input: nothing done (token, scopes, organisation, template, roster),
or some rows failed on it (unknown login, a foreign repository), the others done.
"""

from __future__ import annotations

import argparse

from autograder.cli import lifecycle

HELP = "create every student's private repository from the template, with the Feedback pull request"
SCOPES = {"repo"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    lifecycle.add_arguments(parser)
    lifecycle.add_template_argument(parser)


def run(args: argparse.Namespace) -> int:
    from autograder.official import github_session
    from autograder.official.distribution import Assignment, distribute

    course = lifecycle.open_course(args, "distribute", SCOPES)
    template = lifecycle.template_of(args, course)
    github_session.check_template(course.client, template)
    assignment = Assignment(course.org, template, course.prefix, course.week)
    outcomes = distribute(
        course.client,
        assignment,
        course.assignees,
        dry_run=args.dry_run,
        progress=lifecycle.progress_bar(len(course.assignees)),
    )
    return lifecycle.finish(outcomes, course.client, dry_run=args.dry_run)
