"""Grade one notebook, or many in parallel, against a week's references.

Examples:
  python -m autograder grade week01 submissions/alice/week01.ipynb
  python -m autograder grade week01 week01.ipynb --hidden --json out/alice.json --markdown out/alice.md
  python -m autograder grade week01 submissions/*.ipynb --hidden -j 2 --out results/

With several notebooks (or --out), each gets RESULTS/<name>.json and .md, a
progress bar is shown, and the exit code is the worst of them (3 > 1 > 0).
Several notebooks share one warm template that imports the week's libraries
once (--cold: start every sandbox cold); one notebook is always graded cold,
where a template would not pay for itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "grade notebooks (public tests, or with --hidden the official grade)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("week", help="week name, e.g. week01")
    parser.add_argument(
        "notebooks", type=Path, nargs="+", metavar="NOTEBOOK", help="submitted notebook(s) (.ipynb)"
    )
    parser.add_argument(
        "--hidden", action="store_true", help="also grade hidden items (needs solutions/)"
    )
    parser.add_argument(
        "--json", type=Path, metavar="OUT", help="one notebook: write the results record here"
    )
    parser.add_argument(
        "--markdown", type=Path, metavar="OUT", help="one notebook: write the Markdown report here"
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="several notebooks: write DIR/<name>.json and .md"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=1, help="notebooks graded in parallel (default 1)"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )
    parser.add_argument("--commit", default=None, help="commit id to record with the result")
    parser.add_argument("--quiet", action="store_true", help="print only the score line")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="several notebooks: start every sandbox cold instead of forking it from a warm "
        "template that imported the week's libraries once",
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, locate_week

    paths = locate_week(args.week, args.course)
    if args.hidden and paths.private_dir is None:
        raise CourseError(f"--hidden needs solutions/{args.week}, which is not here")
    if args.hidden:
        from autograder.grading.submission import require_official_sandbox

        require_official_sandbox()  # before anything is graded (grading checks it again)
    if len(args.notebooks) > 1 or args.out is not None:
        if args.out is None:
            raise CourseError("grading several notebooks needs --out DIR")
        return _grade_many(paths, args)
    return _grade_one(paths, args)


def _grade_one(paths: Any, args: argparse.Namespace) -> int:
    from autograder.files import write_atomic
    from autograder.grading.submission import grade_submission
    from autograder.reporting.markdown import markdown
    from autograder.reporting.points import format_points
    from autograder.reporting.text import report_text
    from autograder.scoring.results import results_json

    hide = [p.resolve().parent for p in (args.json, args.markdown) if p is not None]
    results = grade_submission(
        paths, args.notebooks[0], hidden=args.hidden, commit=args.commit, hide=hide
    )
    record = results.as_dict()
    if args.json:
        write_atomic(args.json, results_json(record))
    if args.markdown:
        write_atomic(args.markdown, markdown(record))
    if args.quiet:
        print(
            f"{args.week}: {format_points(results.score)}/{format_points(results.max_score)} points"
        )
    else:
        print(report_text(record), end="")  # a terminal renders no Markdown
    if results.status == "error":
        print(json.dumps({"error": results.error}), flush=True)
    return results.exit_code


def _grade_many(paths: Any, args: argparse.Namespace) -> int:
    from autograder.files import read_notebook, write_atomic
    from autograder.grading.batch import ProgressBar, Submission, exit_code, grade_batch
    from autograder.reporting.markdown import markdown
    from autograder.reporting.text import grade_table
    from autograder.scoring.results import results_json

    args.notebooks = list(dict.fromkeys(args.notebooks))  # the same path twice is graded once
    submissions = []
    for notebook in args.notebooks:
        try:
            submissions.append(Submission(str(notebook), read_notebook(notebook), args.commit))
        except OSError as error:
            submissions.append(
                Submission(
                    str(notebook), None, args.commit, f"the notebook cannot be read: {error}"
                )
            )
    records = grade_batch(
        paths,
        submissions,
        hidden=args.hidden,
        workers=args.jobs,
        progress=ProgressBar(len(submissions)),
        warm=not args.cold,
        say=lambda line: print(line, file=sys.stderr),
    )
    stems = _unique_stems(args.notebooks)
    for notebook, stem in zip(args.notebooks, stems, strict=True):
        record = records[str(notebook)]
        write_atomic(args.out / f"{stem}.json", results_json(record))
        write_atomic(args.out / f"{stem}.md", markdown(record))
    if not args.quiet:
        print(
            grade_table(
                [(stem, records[str(n)]) for n, stem in zip(args.notebooks, stems, strict=True)]
            )
        )
    print(f"wrote {len(records)} records to {args.out}", file=sys.stderr)
    return max(exit_code(record) for record in records.values())


def _unique_stems(notebooks: list[Path]) -> list[str]:
    """File stems for the outputs; parent folder names disambiguate repeated names (alice/week01)."""
    stems = [n.stem for n in notebooks]
    if len(set(stems)) == len(stems):
        return stems
    stems = [f"{n.parent.name}-{n.stem}" if n.parent.name else n.stem for n in notebooks]
    if len(set(stems)) == len(stems):
        return stems
    return [f"{index:03d}-{n.stem}" for index, n in enumerate(notebooks)]
