"""Build the student template repository of a week (what a student accepts), optionally push it.

The template: the week's released notebook, grading.py, week.json and public
references at the root, the autograder and course_lib packages, the student
README, .gitignore, grading workflow and devcontainer. Nothing from
solutions/; publishing refuses (and deletes the folder) if any private
material is found in it.

With --github ORG/NAME (needs GITHUB_TOKEN) the repository is created on
GitHub if missing (private, marked as a template), and the template is
pushed as a new commit on its main: the repository `distribute` generates the
students' repositories from, and `sync` brings fixes from.

Examples:
  python -m autograder publish week01 build/week01-template
  python -m autograder publish week01 build/week01-template --push git@github.com:my-course/week01-template.git
  python -m autograder publish week01 build/week01-template --github my-course/week01-template
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "build (and --push) the student template repository of a week"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument("outdir", type=Path, help="new folder for the template")
    parser.add_argument(
        "--push", metavar="REMOTE", default=None, help="git init, commit and push main to REMOTE"
    )
    parser.add_argument(
        "--force", action="store_true", help="with --push: replace the remote's main branch"
    )
    parser.add_argument(
        "--github",
        metavar="ORG/NAME",
        default=None,
        help="create (private, a template) and push the template repository on GitHub",
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import find_course_root, locate_week
    from autograder.instructor.publish import PublishError, build_template, push

    root = find_course_root(args.course)
    paths = locate_week(args.week, root)
    if args.github:  # check GitHub before building anything
        from autograder.official import github_session

        token = github_session.environment_token()
        client = github_session.connect(pace=0, token=token)
        github_session.check_token(client, {"repo"}, "publish --github")
        github_session.check_organisation(client, args.github.partition("/")[0])
    try:
        template = build_template(paths, args.outdir, root)
    except PublishError as error:
        print(str(error))
        return ExitCode.FAILED
    print(
        f"built the {args.week} template in {args.outdir} ({len(template.files)} files, no private material)"
    )
    if args.push:
        try:
            push(template.root, args.push, force=args.force)
        except PublishError as error:
            print(f"push failed: {error}")
            return ExitCode.FAILED
        print(f"pushed main to {args.push}")
    if args.github:
        from autograder.instructor.template_repository import publish_to_github

        try:
            done = publish_to_github(template.root, args.github, client, token)
        except PublishError as error:
            print(f"push failed: {error}")
            return ExitCode.FAILED
        print(f"{args.github}: {', '.join(done)}")
    return ExitCode.OK
