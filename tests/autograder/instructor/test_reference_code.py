"""What the release extracts from a solution notebook as the reference implementations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autograder.course import WeekPaths
from autograder.instructor.reference_code import reference_implementations, used_names
from autograder.instructor.release import write_reference_code
from autograder.spec import Item, Week, checks


def cell(source: str, nbgrader: dict[str, Any] | None = None) -> dict[str, Any]:
    metadata = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "metadata": metadata, "outputs": [], "source": source}


SOLUTION = {"grade": False, "solution": True}
TEST = {"grade": True, "solution": False, "points": 1}
CELLS = [
    cell(
        "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport functools\n"
    ),
    cell("SIZE = 2\n\ndef given_helper(xs):\n    return list(xs)\n"),
    cell("def chunk(xs, size):\n    return []  # a first draft\n"),
    cell(
        "def chunk(xs, size):\n"
        '    """Consecutive slices."""\n'
        "    ### BEGIN SOLUTION\n"
        "    return [xs[i : i + size] for i in range(0, len(xs), size)]\n"
        "    ### END SOLUTION\n",
        SOLUTION,
    ),
    cell(
        "@functools.lru_cache\n"
        "def batches(n):\n"
        "    ### BEGIN SOLUTION\n"
        "    return chunk(given_helper(np.arange(n)), SIZE)\n"
        "    ### END SOLUTION\n",
        SOLUTION,
    ),
    cell(
        "def train(n):\n    ### BEGIN SOLUTION\n    return batches(n)\n    ### END SOLUTION\n",
        SOLUTION,
    ),
    cell("def unrelated():\n    return plt.figure()\n", SOLUTION),
    cell("def batches(n):\n    raise AssertionError('a test cell')\n", TEST),
    cell("print(train(5))\n"),
]


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "week99.ipynb"
    path.write_text(
        json.dumps({"cells": CELLS, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


def test_the_used_names_and_everything_they_read_are_extracted_in_notebook_order(
    notebook: Path,
) -> None:
    text = reference_implementations(notebook, ["batches"], "week99")
    body = text.split("\n\n", 1)[1]
    assert body.index("import numpy as np") < body.index("import functools")
    assert body.index("def given_helper") < body.index("def chunk") < body.index("@functools")
    assert "return [xs[i : i + size]" in text and "a first draft" not in text, "the last def wins"
    assert "@functools.lru_cache\ndef batches(n):" in text, "decorators come with the def"
    for absent in ("matplotlib", "unrelated", "def train", "SIZE = 2", "print(", "a test cell"):
        assert absent not in text, absent
    assert "### BEGIN SOLUTION" not in text and "### END SOLUTION" not in text


def test_the_extract_runs_and_its_references_call_each_other(notebook: Path) -> None:
    namespace: dict[str, Any] = {"SIZE": 2, "chunk": lambda xs, size: []}  # the student's chunk
    exec(reference_implementations(notebook, ["batches"], "week99"), namespace)
    assert [list(b) for b in namespace["batches"](5)] == [[0, 1], [2, 3], [4]]


def test_nothing_is_extracted_when_nothing_is_used(notebook: Path) -> None:
    assert reference_implementations(notebook, [], "week99") == ""


def test_a_used_name_the_notebook_does_not_define_is_refused(notebook: Path) -> None:
    with pytest.raises(ValueError, match="SIZE, np"):
        reference_implementations(notebook, ["SIZE", "np"], "week99")


def test_used_names_are_the_union_of_every_items_uses() -> None:
    def item(name: str, uses: tuple[str, ...]) -> Item:
        requires = (name, *uses)
        return Item(name, 1, lambda ns: None, checks.equal(), requires=requires, uses=uses)

    week = Week("week99", Path("."), [item("a", ()), item("b", ("x", "y")), item("c", ("y", "z"))])
    assert used_names(week) == ["x", "y", "z"]


def test_the_release_writes_the_file_and_removes_it_when_nothing_is_used(tmp_path: Path) -> None:
    paths = WeekPaths("week99", tmp_path / "assignments", tmp_path / "solutions")
    paths.hidden_references.mkdir(parents=True)
    assert write_reference_code(paths, "def f():\n    pass\n") == "written (2 lines)"
    assert write_reference_code(paths, "def f():\n    pass\n") == "unchanged"
    assert write_reference_code(paths, "").startswith("none")
    assert not paths.reference_implementations.exists()
