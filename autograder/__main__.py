"""``python -m autograder VERB ...``: the grader's command line.

Exit codes (every verb):
  0  everything passed (or the command succeeded)
  1  graded, with items that lost points (or a gate that refused)
  2  usage error: bad arguments, unknown week, missing file
  3  internal error of the grader
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence

VERBS = {
    "grade": "autograder.cli.grade",
    "check": "autograder.cli.check",
    "release": "autograder.cli.release",
    "notebook": "autograder.cli.notebook",
    "demo": "autograder.cli.demo",
    "regrade": "autograder.cli.regrade",
    "merge": "autograder.cli.merge",
    "publish": "autograder.cli.publish",
    "report": "autograder.cli.report",
}
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Release, grade and report the course's weekly notebooks.",
        epilog="exit codes: 0 all passed, 1 graded with failures, 2 usage error, 3 internal error",
    )
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, module_name in VERBS.items():
        module = importlib.import_module(module_name)
        verb_parser = sub.add_parser(
            verb,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(verb_parser)
        verb_parser.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from autograder.course import CourseError

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:
        traceback.print_exc()
        print("internal error of the grader (exit code 3)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
