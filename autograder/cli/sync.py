"""Bring a fixed template to every student repository, in a pull request that leaves their work alone.

Files the template owns (the grader, grading.py, week.json, references/,
course_lib/, the workflow, the devcontainer, README) that differ from the
template's current main are updated on a branch template-update-<commit>,
proposed as a pull request into main. The student's notebook and files are
never touched: a template change to the notebook is applied only where the
student never edited it, and reported as "conflict: <notebook>" elsewhere.
Running it again changes nothing. Needs GITHUB_TOKEN (scopes `repo` and
`workflow`: the update may change .github/workflows/).

Examples:
  python -m autograder publish week03 build/week03-fixed --github ml-2026/week03-template
  python -m autograder sync week03 --roster roster.csv --org ml-2026 --dry-run
  python -m autograder sync week03 --roster roster.csv --org ml-2026

Exit codes: 0 done (conflicts are reported, not failures); 1 some rows
failed on GitHub's side; 2 bad input (nothing done), or some rows failed on
it (no repository).
"""

from __future__ import annotations

import argparse

from autograder.cli import lifecycle

HELP = "bring a fixed template to every student repository in a pull request (never their notebook)"
SCOPES = {"repo", "workflow"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    lifecycle.add_arguments(parser)
    lifecycle.add_template_argument(parser)


def run(args: argparse.Namespace) -> int:
    from autograder.github.git_auth import basic_auth_header
    from autograder.official import github_session
    from autograder.official.template_sync import sync

    course = lifecycle.open_course(args, "sync", SCOPES)
    template = lifecycle.template_of(args, course)
    repo = github_session.check_template(course.client, template)
    outcomes = sync(
        course.client,
        course.org,
        course.prefix,
        str(repo["clone_url"]),
        course.assignees,
        auth_header=basic_auth_header(github_session.environment_token()),
        dry_run=args.dry_run,
        progress=lifecycle.progress_bar(len(course.assignees)),
    )
    return lifecycle.finish(outcomes, course.client, dry_run=args.dry_run)
