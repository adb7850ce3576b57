"""The percent-format converter: a written question's answer cell is nbgrader's manually graded answer."""

from __future__ import annotations

from autograder.instructor.authoring import notebook_from_script
from autograder.spec.written import answer_cells

SCRIPT = """\
# %% [markdown] id=q1-question
# **Question 1.** Why not fit on the validation set?

# %% [answer] id=why_validation points=2
# It would no longer be an independent check.

# %% [solution] id=double
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
"""


def test_an_answer_cell_is_a_manually_graded_markdown_answer_after_its_question() -> None:
    notebook = notebook_from_script(SCRIPT)
    (cell,) = answer_cells(notebook)
    assert (cell.name, cell.points, cell.cell_type) == ("why_validation", 2.0, "markdown")
    assert cell.source == "It would no longer be an independent check."
    assert cell.question == "**Question 1.** Why not fit on the validation set?"
    meta = notebook["cells"][1]["metadata"]["nbgrader"]
    assert meta["solution"] is meta["grade"] is True and meta["locked"] is False
    code = notebook["cells"][2]["metadata"]["nbgrader"]
    assert (
        code["solution"] is True and code["grade"] is False
    )  # a code solution is not graded by hand
