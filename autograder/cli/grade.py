"""Grade one notebook against a week's references.

Examples:
  python -m autograder grade week01 submissions/alice/week01.ipynb
  python -m autograder grade week01 week01.ipynb --hidden --json out/alice.json --markdown out/alice.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "grade one notebook (public tests, or with --hidden the official grade)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument("notebook", type=Path, help="the submitted notebook (.ipynb)")
    parser.add_argument(
        "--hidden", action="store_true", help="also grade hidden items (needs solutions/)"
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results record here")
    parser.add_argument(
        "--markdown", type=Path, metavar="OUT", help="write the Markdown report here"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )
    parser.add_argument("--commit", default=None, help="commit id to record with the result")
    parser.add_argument("--quiet", action="store_true", help="print only the score line")


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, locate_week
    from autograder.grade import grade_submission
    from autograder.report import fmt_points, markdown, results_json, write_atomic

    paths = locate_week(args.week, args.course)
    if args.hidden and paths.private_dir is None:
        raise CourseError(f"--hidden needs solutions/{args.week}, which is not here")
    hide = [p.resolve().parent for p in (args.json, args.markdown) if p is not None]
    results = grade_submission(
        paths, args.notebook, hidden=args.hidden, commit=args.commit, hide=hide
    )
    record = results.as_dict()
    if args.json:
        write_atomic(args.json, results_json(record))
    report = markdown(record)
    if args.markdown:
        write_atomic(args.markdown, report)
    if args.quiet:
        print(f"{args.week}: {fmt_points(results.score)}/{fmt_points(results.max_score)} points")
    else:
        print(report, end="")
    if results.status == "error":
        print(json.dumps({"error": results.error}), flush=True)
    return results.exit_code
