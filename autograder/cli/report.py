"""Turn a results record into reports: Markdown, other graders' formats, GitHub Actions outputs.

Examples:
  python -m autograder report results.json                        # Markdown on stdout
  python -m autograder report results.json --github               # in a workflow: summary, outputs, PR comment
  python -m autograder report results.json --format gradescope -o /autograder/results/results.json
  python -m autograder report results.json --format classroom     # the Classroom reporter's runner JSON

With --github the step's job summary gets the Markdown report; its outputs
get ``result`` (base64 runner JSON for the Classroom autograding reporter),
``score``, ``max-score``, ``points`` and ``status``; the log gets the
``Points X/Y`` notice; and the one pull-request comment marked by the
grader is created or updated (with GITHUB_TOKEN from the environment).

Exit codes: 0 the submission was graded (whatever its score: the grade is
the message), 3 the record says the grader failed or cannot be read.
A failed PR comment is a warning, not a failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

HELP = "write a results record as Markdown, Classroom/Classroom 50/Gradescope JSON, or GitHub Actions outputs"
EXIT_OK, EXIT_INTERNAL = 0, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.formats import FORMATS

    parser.add_argument("results", type=Path, help="the results JSON written by `grade --json`")
    parser.add_argument(
        "--github", action="store_true", help="write job summary, step outputs and the PR comment"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="write the record in another grader's format"
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUT", help="file for --format (default: stdout)"
    )
    parser.add_argument(
        "--markdown", type=Path, metavar="OUT", help="also write the Markdown report here"
    )


def load_record(path: Path) -> dict[str, Any]:
    """The results record at ``path``, or an error record saying why there is none."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or "status" not in record:
            raise ValueError("not a results record")
    except (OSError, ValueError) as error:
        why = (
            "no results file (the grade step did not finish)"
            if isinstance(error, FileNotFoundError)
            else f"unreadable results file: {error}"
        )
        return {
            "assignment": _week_here(),
            "status": "error",
            "error": why,
            "score": 0.0,
            "max_score": 0.0,
            "tests": [],
        }
    return record


def render(fmt: str, record: dict[str, Any], env: Mapping[str, str]) -> str:
    """``record`` in format ``fmt`` as JSON text."""
    from autograder.course import CourseError
    from autograder.formats import classroom, classroom50, gradescope

    if fmt == "classroom":
        doc = classroom.runner_result(record)
    elif fmt == "classroom50":
        try:
            identity = classroom50.identity_from_env(env)
        except classroom50.MissingIdentity as error:
            raise CourseError(str(error)) from None
        doc = classroom50.result(record, identity)
    else:
        doc = gradescope.results_json(record)
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"


def report_to_github(
    record: dict[str, Any],
    env: Mapping[str, str],
    stdout: TextIO,
    *,
    client_factory: Callable[[str, str], Any] | None = None,
) -> list[str]:
    """Job summary, step outputs, the Points notice and the PR comment; returns what happened to comments."""
    from autograder.formats import classroom
    from autograder.github import GitHubClient, GitHubError, upsert_comment
    from autograder.github_actions import (
        ActionsEnv,
        append_summary,
        emit,
        pull_request_number,
        set_output,
    )
    from autograder.report import COMMENT_MARKER, fmt_points, markdown

    actions = ActionsEnv.from_env(env)
    text = markdown(record)
    append_summary(actions, text)
    runner = classroom.runner_result(record)
    for name, value in (
        ("result", classroom.encode(runner)),
        ("score", fmt_points(float(record.get("score", 0.0)))),
        ("max-score", fmt_points(float(record.get("max_score", 0.0)))),
        (
            "points",
            f"{fmt_points(float(record.get('score', 0.0)))}/{fmt_points(float(record.get('max_score', 0.0)))}",
        ),
        ("status", str(record.get("status"))),
    ):
        set_output(actions, name, value)
    if record.get("status") == "graded":
        emit(stdout, "notice", classroom.points_line(runner), title="Autograding complete")
    else:
        emit(
            stdout,
            "error",
            f"the grader could not grade this submission: {record.get('error') or 'internal error'}",
            title="Autograder",
        )

    done: list[str] = []
    if not actions.repository:
        return done
    if not actions.token:
        emit(
            stdout,
            "notice",
            "no GITHUB_TOKEN in the environment: the pull-request comment was skipped",
        )
        return done
    make = client_factory or (lambda token, url: GitHubClient(token, url))
    client = make(actions.token, actions.api_url)
    body = markdown(record, marker=True)
    if actions.run_url:
        body += f"\n<sub>[workflow run]({actions.run_url})</sub>\n"
    try:
        number = pull_request_number(actions, actions.event())
        if number is not None:
            numbers = [number]
        elif actions.event_name == "push" and actions.ref_name:
            numbers = client.open_pull_requests(actions.repository, actions.ref_name)
        else:
            numbers = []
    except (GitHubError, ValueError) as error:
        emit(stdout, "warning", f"could not look up the pull request to comment on: {error}")
        return done
    for number in numbers:
        try:
            action, _ = upsert_comment(client, actions.repository, number, body, COMMENT_MARKER)
        except GitHubError as error:
            hint = (
                " (a pull request from a fork gets a read-only token)"
                if error.status == 403
                else ""
            )
            emit(stdout, "warning", f"could not comment on pull request #{number}: {error}{hint}")
            continue
        done.append(f"#{number} {action}")
        print(f"pull request #{number}: grade comment {action}", file=stdout, flush=True)
    return done


def run(args: argparse.Namespace) -> int:
    from autograder.report import markdown, write_atomic

    record = load_record(args.results)
    if args.markdown:
        write_atomic(args.markdown, markdown(record))
    if args.format:
        text = render(args.format, record, os.environ)
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    if args.github:
        report_to_github(record, os.environ, sys.stdout)
    elif not args.format:
        sys.stdout.write(markdown(record))
    return EXIT_OK if record.get("status") == "graded" else EXIT_INTERNAL


def _week_here() -> str:
    try:
        week = json.loads(Path("week.json").read_text(encoding="utf-8")).get("week")
    except (OSError, ValueError, AttributeError):
        return "?"
    return week if isinstance(week, str) else "?"
