"""Write a week's gradebook files from its rows (a regrade, or the merge of its shards).

The files and what is in them: :mod:`autograder.official.gradebook`. The
same rows, roster and notebooks give the same bytes, so a merged regrade
equals a single one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder.files import write_atomic
from autograder.official.canvas import canvas_csv, canvas_refusal
from autograder.official.gradebook import (
    CANVAS,
    GRADEBOOK,
    GRADED,
    ITEMS_PLOT,
    MOODLE,
    PLOT,
    SIMILARITY,
    SUMMARY,
    Row,
    gradebook_csv,
)
from autograder.official.moodle import moodle_csv, moodle_refusal
from autograder.official.plots import distribution_png, items_png
from autograder.official.similarity import find_similar, similarity_csv
from autograder.official.summary import summary_markdown
from autograder.reporting.untrusted import csv_text


@dataclass(frozen=True)
class Written:
    """The files written, and what became of ``canvas.csv`` (a sentence)."""

    paths: list[Path]
    canvas: str


def canvas_outcome(
    rows: list[Row], roster_extra: dict[str, dict[str, str]], header: str | None, week: str
) -> tuple[bool, str]:
    """(whether canvas.csv can be written, the sentence saying what it holds or why not)."""
    refusal = canvas_refusal([row.student for row in rows], roster_extra)
    if refusal:
        return False, f"not written: {refusal}"
    if header:
        return True, f"written, assignment column {header!r}"
    return True, (
        f"written, assignment column {week!r}: Canvas takes a header without '(ID)' for a new "
        "assignment; pass --canvas-assignment 'Name (ID)' to fill an existing one"
    )


def _one_per_repository(rows: list[Row], submissions: dict[str, bytes]) -> dict[str, bytes]:
    """Label -> notebook of each graded repository: a team's members share one (``dave+erin``).

    Teammates hand in the same notebook by design; they are one submission, not a similar pair.
    """
    members: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row.status == GRADED and row.student in submissions:
            members.setdefault((row.repo or row.student, row.sha256), []).append(row.student)
    return {"+".join(names): submissions[names[0]] for names in members.values()}


def write_gradebook(
    out: Path,
    week: str,
    rows: list[Row],
    item_points: dict[str, float],
    roster_extra: dict[str, dict[str, str]],
    *,
    canvas_assignment: str | None = None,
    policy: str = "",
    submissions: dict[str, bytes] | None = None,
    template: bytes | None = None,
) -> Written:
    """Write the gradebook files into ``out``.

    ``submissions`` (student -> the notebook bytes graded) and ``template``
    (the released notebook) make the similarity report; without them it is left out.
    """
    names = list(item_points)
    can_canvas, canvas = canvas_outcome(rows, roster_extra, canvas_assignment, week)
    similar = None
    texts = {GRADEBOOK: gradebook_csv(rows, names)}
    if submissions is not None and template is not None:
        similar = find_similar(_one_per_repository(rows, submissions), template)
        texts[SIMILARITY] = csv_text(similarity_csv(similar))
    if can_canvas:
        texts[CANVAS] = canvas_csv(rows, roster_extra, canvas_assignment or week)
    elif (out / CANVAS).exists() or (out / CANVAS).is_symlink():
        (out / CANVAS).unlink()  # an old export would be uploaded for this one
    moodle_problem = moodle_refusal([row.student for row in rows], roster_extra)
    if not moodle_problem:
        texts[MOODLE] = moodle_csv(rows, roster_extra, week)
        left_out = sum(1 for row in rows if not row.complete)
        moodle = (
            f"written, grade column {week!r}; the {left_out} rows without points or with a "
            "written question pending are left out"
        )
    else:
        moodle = f"not written: {moodle_problem}"
        if (out / MOODLE).exists() or (out / MOODLE).is_symlink():
            (out / MOODLE).unlink()
    texts[SUMMARY] = summary_markdown(
        week, rows, item_points, policy, similar=similar, canvas=canvas, moodle=moodle
    )
    paths = []
    for name, text in texts.items():
        write_atomic(out / name, text)
        paths.append(out / name)
    write_atomic(out / PLOT, distribution_png(week, rows, sum(item_points.values())))
    write_atomic(out / ITEMS_PLOT, items_png(week, rows, item_points))
    return Written([*paths, out / PLOT, out / ITEMS_PLOT], canvas)


__all__ = ["Written", "canvas_outcome", "write_gradebook"]
