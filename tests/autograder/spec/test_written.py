"""The rubric of written questions: what a marker can use, and how a question is scored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.spec.written import RubricError, answer_cells, load_rubric, week_questions

GOOD = """\
[why]
[[why.items]]
id = "a"
points = 1.5
comment = "first point"
[[why.items]]
id = "b"
points = 0.5
comment = "second point"
[[why.items]]
id = "wrong"
points = -1
comment = "a deduction"
"""


def rubric(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rubric.toml"
    path.write_text(text)
    return path


def test_a_question_scores_the_items_given_clipped_to_its_points(tmp_path: Path) -> None:
    question = load_rubric(rubric(tmp_path, GOOD))["why"]
    assert question.points == 2.0
    assert question.score(["a", "b"]) == 2.0
    assert question.score(["a"]) == 1.5
    assert question.score(["a", "wrong"]) == 0.5
    assert question.score(["wrong"]) == 0.0  # never below zero
    assert question.score([]) == 0.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[why]\n", "no [[why.items]]"),
        (GOOD.replace('id = "b"', 'id = "a"'), "two items have the id 'a'"),
        (GOOD.replace("points = 0.5", "points = 0"), "needs non-zero points"),
        (GOOD.replace('comment = "second point"', 'comment = ""'), "needs a comment"),
        (GOOD.replace('id = "b"', 'id = "b c"'), "needs an id without spaces"),
        ("[why\n", "cannot be read"),
    ],
)
def test_a_rubric_a_marker_could_not_use_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(RubricError, match=re.escape(message)):
        load_rubric(rubric(tmp_path, text))


def answer_notebook(points: float) -> dict[str, object]:
    question = {"cell_type": "markdown", "metadata": {}, "source": "Why?"}
    answer = {
        "cell_type": "markdown",
        "metadata": {
            "nbgrader": {"grade": True, "solution": True, "grade_id": "why", "points": points}
        },
        "source": ["Because ", "of this."],
    }
    code = {
        "cell_type": "code",
        "metadata": {"nbgrader": {"solution": True, "grade": False}},
        "source": "",
    }
    return {"cells": [question, answer, code]}


def test_answer_cells_are_the_manually_graded_ones_with_their_question(tmp_path: Path) -> None:
    (cell,) = answer_cells(answer_notebook(2))
    assert (cell.name, cell.points, cell.source, cell.question) == (
        "why",
        2.0,
        "Because of this.",
        "Why?",
    )
    rubric(tmp_path, GOOD)
    assert list(week_questions(tmp_path, answer_notebook(2))) == ["why"]
    with pytest.raises(RubricError, match="add up to 2, the answer cell has 3 points"):
        week_questions(tmp_path, answer_notebook(3))
    (tmp_path / "rubric.toml").unlink()
    with pytest.raises(RubricError, match=r"no rubric\.toml"):
        week_questions(tmp_path, answer_notebook(2))
