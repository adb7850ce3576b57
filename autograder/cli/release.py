"""Release a week (or all): nbgrader student notebook, references, the release gate.

Nothing is written unless every gate check passes: the solution scores full
marks, the stub scores zero, every wrong variant loses its items, every right
variant keeps them, and no private material is in the student tree.

With ``--mutants`` the gate also runs mutation testing: mutants of the
solution's graded names are probed on the items, the week's mutation score
must reach 95% and the survivors are listed (see docs/writing-a-week.md).

Examples:
  python -m autograder release week01
  python -m autograder release --all
  python -m autograder release --all --check   # CI: gate + drift check, writes nothing
  python -m autograder release week03 --check --mutants --mutant-only iterate_minibatches
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "build, check and write a week's student release"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("weeks", nargs="*", help="weeks to release, e.g. week01")
    parser.add_argument("--all", action="store_true", help="every week in solutions/")
    parser.add_argument(
        "--check", action="store_true", help="gate and drift check only; write nothing"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )
    mutation = parser.add_argument_group("mutation testing")
    mutation.add_argument(
        "--mutants", action="store_true", help="also test the items against mutants of the solution"
    )
    mutation.add_argument(
        "--mutant-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help="summed probe time the mutants may cost, about twice their wall time on 2 cores "
        "(default: about 90 s of wall time; 0 runs every mutant)",
    )
    mutation.add_argument(
        "--mutant-only",
        action="append",
        default=[],
        metavar="NAME",
        help="mutate only this graded name (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, find_course_root, list_weeks, locate_week
    from autograder.instructor.mutants import MutationPlan
    from autograder.instructor.mutation_score import describe_survivors
    from autograder.instructor.release import build_release, describe, drift, write_release

    root = find_course_root(args.course)
    weeks = list_weeks(root) if args.all else args.weeks
    if not weeks:
        raise CourseError("name at least one week, or use --all")
    plan = None
    if args.mutants:
        plan = MutationPlan(only=tuple(args.mutant_only))
        if args.mutant_budget is not None:
            plan = dataclasses.replace(plan, budget_seconds=args.mutant_budget)
    failed = []
    for name in weeks:
        paths = locate_week(name, root)
        build = build_release(
            paths,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
            mutation=plan,
        )
        print(describe(build))
        if build.mutation is not None:
            print(describe_survivors(build.mutation, paths.solution_notebook.name))
        if not build.ok:
            print(f"REFUSED: {name} was not released (see FAIL lines above)")
            failed.append(name)
            continue
        if args.check:
            problems = drift(build)
            for problem in problems:
                print(f"  [DRIFT] {problem}")
            if problems:
                print(f"DRIFT: assignments/{name} is not what `nox -s release -- {name}` generates")
                failed.append(name)
            else:
                print(f"{name}: committed release matches a fresh build")
        else:
            for note in write_release(build):
                print(f"  {note}")
            print(f"released {name} -> {paths.public_dir.relative_to(root)}")
    return ExitCode.FAILED if failed else ExitCode.OK
