"""Release week 1 into a scratch folder and grade a correct, a blank and a wrong submission.

Example:
  python -m autograder demo
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "release week 1 into a scratch course and grade three submissions"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="scratch folder to use (kept afterwards)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import find_course_root
    from autograder.instructor.demo import run_demo

    _, rows = run_demo(find_course_root(args.course), args.keep)
    scores = {label: (record["score"], record["max_score"]) for label, record in rows}
    ok = (
        scores["correct"][0] == scores["correct"][1]
        and scores["blank"][0] == 0
        and 0 < scores["wrong"][0] < scores["wrong"][1]
    )
    print(
        "demo OK: full marks, zero and partial as expected"
        if ok
        else "demo FAILED: unexpected scores"
    )
    return ExitCode.OK if ok else ExitCode.FAILED
