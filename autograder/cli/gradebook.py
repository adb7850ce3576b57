"""The course gradebook: every week's official gradebook merged into one CSV, and one Canvas import.

Examples:
  python -m autograder gradebook --weeks week01..week08
  python -m autograder gradebook --weeks week01..week08 --weights weights.toml --roster roster.csv

Reads grades/weekNN/gradebook.csv of every week (--grades DIR for another
folder) and writes DIR/course.csv: one row per student, a column per week
(its points, blank for a week without points, "pending" while a written
question is not marked), the weeks dropped, the weeks
without points, late days, the weighted percentage, the letter (when the
weights file has [letters]) and a status ("incomplete: regrade week03 (error)"
when a week's grade is not known, "incomplete: mark week03 (pending: QUESTION)"
while a written question waits for its mark: the course total stays blank). With --roster whose students all have a
canvas_id, sis_user_id or sis_login_id, DIR/course-canvas.csv holds every
week for Canvas, headed as the weights file's [canvas] table says.

weights.toml: drop_lowest = N, [weights] weekNN = w (default 1), [letters]
A = 90 ..., [canvas] weekNN = "Week 1 (12345)". The rules are in
autograder/official/course_gradebook.py.

Exit codes: 0 written; 2 refused, nothing written (a week without a
gradebook, weeks or roster with different students, a bad weights file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.exit_codes import ExitCode

HELP = "the course gradebook: all weeks in one CSV (weights, dropped lowest) and one Canvas import"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weeks", required=True, help="week01..week08, or a list: week01,week03")
    parser.add_argument("--weights", type=Path, default=None, metavar="TOML", help="weights file")
    parser.add_argument("--roster", type=Path, default=None, help="roster CSV (for the Canvas ids)")
    parser.add_argument(
        "--grades",
        type=Path,
        default=None,
        help="folder of the weekly gradebooks (default: grades/ of the course repository)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="folder for course.csv (default: --grades)"
    )
    parser.add_argument(
        "--course", type=Path, default=None, help="course repository (default: found from cwd)"
    )


def run(args: argparse.Namespace) -> int:
    from autograder.course import CourseError, find_course_root
    from autograder.files import write_atomic
    from autograder.official.course_gradebook import (
        COURSE,
        COURSE_CANVAS,
        course_canvas_csv,
        course_canvas_refusal,
        course_csv,
        course_rows,
        load_weights,
        parse_weeks,
        read_weeks,
    )
    from autograder.official.roster import CollectError, load_roster

    grades = args.grades or find_course_root(args.course) / "grades"
    out = args.out or grades
    try:
        weeks = parse_weeks(args.weeks)
        weights = load_weights(args.weights, weeks)
        by_week = read_weeks(grades, weeks)
        extra = None
        if args.roster is not None:
            roster = load_roster(args.roster)
            extra = {e.student: e.extra for e in roster}
            theirs = {row.student for row in by_week[weeks[0]]}
            if set(extra) != theirs:
                raise CollectError(
                    f"the roster {args.roster} and the gradebooks do not hold the same students: "
                    f"only in the roster: {', '.join(sorted(set(extra) - theirs)) or '-'}; "
                    f"only in the gradebooks: {', '.join(sorted(theirs - set(extra))) or '-'}"
                )
    except CollectError as error:
        raise CourseError(str(error)) from error
    rows = course_rows(by_week, weights)
    write_atomic(out / COURSE, course_csv(rows, weeks, bool(weights.letters)))
    refusal = course_canvas_refusal(rows, extra)
    if refusal:
        (out / COURSE_CANVAS).unlink(missing_ok=True)
        canvas = f"not written: {refusal}"
    else:
        assert extra is not None
        write_atomic(out / COURSE_CANVAS, course_canvas_csv(rows, weeks, weights, extra))
        canvas = f"written ({len(weeks)} assignment columns)"
    incomplete = [row.student for row in rows if row.percent is None]
    print(f"wrote {out / COURSE}: {len(rows)} students, {len(weeks)} weeks")
    print(f"{COURSE_CANVAS}: {canvas}")
    if incomplete:
        print(
            f"{len(incomplete)} students incomplete (a week to regrade, or a written question "
            f"to mark): {', '.join(incomplete)}"
        )
    return ExitCode.OK
