"""Build an nbgrader notebook from a percent-format Python script (see autograder.instructor.authoring).

Example:
  python -m autograder notebook week01.py -o solutions/week01/week01.ipynb
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "build an nbgrader notebook from a percent-format script"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("script", type=Path, help="percent-format Python script")
    parser.add_argument("-o", "--output", type=Path, required=True, help="notebook to write")


def run(args: argparse.Namespace) -> int:
    from autograder.instructor.authoring import notebook_from_script, write_notebook

    write_notebook(notebook_from_script(args.script.read_text()), args.output)
    print(f"wrote {args.output}")
    return ExitCode.OK
