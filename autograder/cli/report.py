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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograder.exit_codes import ExitCode

HELP = "write a results record as Markdown, Classroom/Classroom 50/Gradescope JSON, or GitHub Actions outputs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from autograder.reporting.formats import FORMATS

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
    from autograder.reporting.formats import classroom, classroom50, gradescope

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


def run(args: argparse.Namespace) -> int:
    from autograder.files import write_atomic
    from autograder.reporting.markdown import markdown

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
        from autograder.github.pull_request import report_to_github

        report_to_github(record, os.environ, sys.stdout)
    elif not args.format:
        sys.stdout.write(markdown(record))
    return ExitCode.OK if record.get("status") == "graded" else ExitCode.INTERNAL


def _week_here() -> str:
    try:
        week = json.loads(Path("week.json").read_text(encoding="utf-8")).get("week")
    except (OSError, ValueError, AttributeError):
        return "?"
    return week if isinstance(week, str) else "?"
