"""Written questions: nbgrader's manually graded answer cells and the rubric that grades them.

A written question is two cells of ``solutions/weekNN/weekNN.ipynb``: the
question (any cell before it, usually a locked markdown cell) and the answer
cell, which carries nbgrader's "manually graded answer" metadata
(``solution: true, grade: true, points: P``, a ``grade_id``). In the solution
notebook the answer cell holds the **model answer**; nbgrader's
``generate_assignment`` replaces it with "YOUR ANSWER HERE" in the student
notebook, and the release gate checks that no line of it reaches the student
tree.

``rubric.toml`` beside the notebook grades each question, by its ``grade_id``::

    [why_validation]
    [[why_validation.items]]
    id = "tunes"                    # what a marker writes in marks.toml
    points = 1                      # positive: earned; negative: a deduction
    comment = "Validation data chooses hyper-parameters and the model."

The positive items add up to the cell's points. A student's points on a
question are the sum of the items a marker gave, clipped to ``[0, points]``.
The rubric is read whenever marks are folded into a gradebook, so changing
an item's points re-scores every student who was given it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUBRIC = "rubric.toml"
TEXT_STUB = "YOUR ANSWER HERE"  # what nbgrader leaves in an answer cell of the student notebook


class RubricError(Exception):
    """``rubric.toml`` or a written question's cells are malformed."""


@dataclass(frozen=True)
class RubricItem:
    id: str
    points: float
    comment: str


@dataclass(frozen=True)
class AnswerCell:
    """A manually graded answer cell of a notebook."""

    name: str  # nbgrader grade_id
    points: float
    cell_type: str  # markdown or code
    index: int  # position in the notebook's cells
    source: str  # the model answer in a solution notebook; the student's answer in a submission
    question: str  # the source of the nearest cell before it that is not an answer cell


@dataclass(frozen=True)
class WrittenQuestion:
    """A written question with its rubric."""

    name: str
    points: float
    items: tuple[RubricItem, ...]

    def item(self, item_id: str) -> RubricItem | None:
        return next((i for i in self.items if i.id == item_id), None)

    def score(self, item_ids: list[str]) -> float:
        """The points of the given rubric items, clipped to ``[0, points]``."""
        total = sum(i.points for i in self.items if i.id in item_ids)
        return round(min(self.points, max(0.0, total)), 6)


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def is_answer_cell(cell: Any) -> bool:
    """nbgrader's "manually graded answer": a solution cell that is also a graded cell."""
    if not isinstance(cell, dict):
        return False
    meta = cell.get("metadata")
    nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
    return (
        isinstance(nbgrader, dict)
        and nbgrader.get("solution") is True
        and nbgrader.get("grade") is True
    )


def answer_cells(notebook: Any) -> list[AnswerCell]:
    """Every manually graded answer cell of an nbformat-4 notebook (read defensively)."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return []
    found = []
    question = ""
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        if not is_answer_cell(cell):
            question = cell_source(cell)
            continue
        nbgrader = cell["metadata"]["nbgrader"]
        points = nbgrader.get("points", 0)
        found.append(
            AnswerCell(
                name=str(nbgrader.get("grade_id") or f"cell {index}"),
                points=float(points) if isinstance(points, int | float) else 0.0,
                cell_type=str(cell.get("cell_type", "")),
                index=index,
                source=cell_source(cell),
                question=question,
            )
        )
    return found


def is_blank_answer(text: str) -> bool:
    """An answer a student never wrote: empty, or nbgrader's stub left as it is."""
    return text.strip() in ("", TEXT_STUB)


def load_rubric(path: Path) -> dict[str, WrittenQuestion]:
    """The questions of ``rubric.toml`` (question points: the sum of the positive items).

    Raises :class:`RubricError`, naming the question and item, for anything
    a marker could not use: no items, an item without an ``id``, points or
    ``comment``, two items with one ``id``.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RubricError(f"{path}: cannot be read: {error}") from error
    questions = {}
    for name, entry in data.items():
        where = f"{path.name} [{name}]"
        raw = entry.get("items") if isinstance(entry, dict) else None
        if not isinstance(raw, list) or not raw:
            raise RubricError(f"{where}: no [[{name}.items]]")
        items: list[RubricItem] = []
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                raise RubricError(f"{where}: item {number} is not a table")
            item_id, points, comment = item.get("id"), item.get("points"), item.get("comment")
            if not isinstance(item_id, str) or not item_id.strip() or " " in item_id:
                raise RubricError(f"{where}: item {number} needs an id without spaces")
            if isinstance(points, bool) or not isinstance(points, int | float) or points == 0:
                raise RubricError(f"{where}: item {item_id!r} needs non-zero points")
            if not isinstance(comment, str) or not comment.strip():
                raise RubricError(f"{where}: item {item_id!r} needs a comment for the student")
            if any(i.id == item_id for i in items):
                raise RubricError(f"{where}: two items have the id {item_id!r}")
            items.append(RubricItem(item_id, float(points), comment.strip()))
        earned = round(sum(i.points for i in items if i.points > 0), 6)
        questions[name] = WrittenQuestion(name, earned, tuple(items))
    return questions


def week_questions(private_dir: Path, notebook: dict[str, Any]) -> dict[str, WrittenQuestion]:
    """The written questions of a week: its answer cells, graded by its rubric, in notebook order.

    The points are the cell's (the gate checks that the rubric adds up to
    them). A week without answer cells has none, and needs no rubric.
    """
    cells = answer_cells(notebook)
    if not cells:
        return {}
    path = private_dir / RUBRIC
    if not path.is_file():
        raise RubricError(f"{private_dir.name} has written questions but no {RUBRIC}")
    rubric = load_rubric(path)
    missing = [c.name for c in cells if c.name not in rubric]
    if missing:
        raise RubricError(f"{RUBRIC} has no rubric for {', '.join(missing)}")
    for cell in cells:
        if abs(rubric[cell.name].points - cell.points) > 1e-9:
            raise RubricError(
                f"{RUBRIC} [{cell.name}]: the positive items add up to "
                f"{rubric[cell.name].points:g}, the answer cell has {cell.points:g} points"
            )
    return {c.name: WrittenQuestion(c.name, c.points, rubric[c.name].items) for c in cells}


__all__ = [
    "RUBRIC",
    "TEXT_STUB",
    "AnswerCell",
    "RubricError",
    "RubricItem",
    "WrittenQuestion",
    "answer_cells",
    "cell_source",
    "is_answer_cell",
    "is_blank_answer",
    "load_rubric",
    "week_questions",
]
