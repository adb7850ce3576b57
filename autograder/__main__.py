"""``python -m autograder VERB ...``: the grader's command line.

Exit codes (every verb, :class:`autograder.exit_codes.ExitCode`):
  0  everything passed (or the command succeeded)
  1  graded, with items that lost points (or a gate that refused)
  2  usage error: bad arguments, unknown week, missing file
  3  internal error of the grader

A student template holds the grader without the instructor's folders
(``instructor/``, ``official/``): the verbs that need them are then not
offered, rather than failing with an import error.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import traceback
from collections.abc import Sequence

from autograder.exit_codes import ExitCode

# verb -> (its module, the package it needs beyond the student template's)
VERBS: dict[str, tuple[str, str | None]] = {
    "grade": ("autograder.cli.grade", None),
    "check": ("autograder.cli.check", None),
    "report": ("autograder.cli.report", None),
    "release": ("autograder.cli.release", "autograder.instructor"),
    "author": ("autograder.cli.author", "autograder.instructor"),
    "demo": ("autograder.cli.demo", "autograder.instructor"),
    "publish": ("autograder.cli.publish", "autograder.instructor"),
    "regrade": ("autograder.cli.regrade", "autograder.official"),
    "merge": ("autograder.cli.merge", "autograder.official"),
    "gradebook": ("autograder.cli.gradebook", "autograder.official"),
    "distribute": ("autograder.cli.distribute", "autograder.official"),
    "sync": ("autograder.cli.sync", "autograder.official"),
    "lock": ("autograder.cli.lock", "autograder.official"),
    "unlock": ("autograder.cli.unlock", "autograder.official"),
    "return": ("autograder.cli.return_feedback", "autograder.official"),
    "answers": ("autograder.cli.answers", "autograder.official"),
}


def available_verbs() -> dict[str, str]:
    """The verbs this copy of the grader can run (all of them in the course repository)."""
    return {
        verb: module
        for verb, (module, needs) in VERBS.items()
        if needs is None or importlib.util.find_spec(needs) is not None
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Release, grade and report the course's weekly notebooks.",
        epilog="exit codes: 0 all passed, 1 graded with failures, 2 usage error, 3 internal error",
    )
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for verb, module_name in available_verbs().items():
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
    from autograder.sandbox.reachability import SandboxUnavailable

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (CourseError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERNAL
    except Exception:
        traceback.print_exc()
        print("internal error of the grader (exit code 3)", file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
