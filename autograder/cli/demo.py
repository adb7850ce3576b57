"""Release week 1 into a scratch folder and grade a correct, a blank and a wrong submission.

With --lifecycle: the whole life of week 1 on a local GitHub server (no
network): publish, distribute, students' pushes graded by the template's
workflow, sync, lock, the official regrade from the organisation, return,
unlock. Each step is checked; the last line is "lifecycle OK" only if every
check passed.

Examples:
  python -m autograder demo
  python -m autograder demo --lifecycle --keep /tmp/lifecycle
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "release week 1 into a scratch course and grade three submissions (--lifecycle: a whole week on a local GitHub)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="scratch folder to use (kept afterwards)"
    )
    parser.add_argument(
        "--lifecycle",
        action="store_true",
        help="run a week's whole life on a local GitHub: distribute ... regrade, return",
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import find_course_root

    if args.lifecycle:
        from autograder.instructor.lifecycle_demo import run_lifecycle

        lifecycle = run_lifecycle(find_course_root(args.course), args.keep)
        failed = [c for c in lifecycle.checks if not c.ok]
        if failed:
            print("lifecycle FAILED: " + "; ".join(f"{c.step}: {c.detail}" for c in failed))
            return ExitCode.FAILED
        print("lifecycle OK")
        return ExitCode.OK
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
