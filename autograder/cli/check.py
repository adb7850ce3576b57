"""Grade your notebook here, with the public tests, before you push.

Run it in the folder of your assignment (the one with ``week.json``):
  python -m autograder check            # grades the week's notebook
  python -m autograder check my.ipynb   # grades another copy
The grade you see is a practice grade: hidden items are graded after the deadline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HELP = "practice-grade the notebook in the current folder (public tests only)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "notebook", type=Path, nargs="?", help="notebook to grade (default: the week's notebook)"
    )
    parser.add_argument(
        "--dir", type=Path, default=Path("."), help="assignment folder (default: current)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import WEEK_META, CourseError, locate_week
    from autograder.grading.submission import grade_submission
    from autograder.reporting.text import report_text

    meta_path = args.dir / WEEK_META
    if not meta_path.is_file():
        raise CourseError(
            f"no {WEEK_META} in {args.dir.resolve()}: run this in your assignment folder "
            "(the one with the week's notebook)"
        )
    week = json.loads(meta_path.read_text())["week"]
    paths = locate_week(week, args.dir)
    notebook = args.notebook or paths.notebook
    results = grade_submission(paths, notebook, hidden=False)
    print(report_text(results.as_dict()), end="")  # a terminal renders no Markdown
    return results.exit_code
