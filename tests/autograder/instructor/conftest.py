"""A synthetic week for mutation testing: one small graded function, one probe, in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.course import WeekPaths
from autograder.spec import Week, load_week
from tests.conftest import code_cell

SOLUTION = '''\
def count_above(xs, limit):
    """How many values of xs are strictly above limit."""
    values = list(xs)
    ### BEGIN SOLUTION
    values = [float(v) for v in values]
    total = 0
    for x in values:
        if x > limit:
            total += 1
    return total
    ### END SOLUTION


def helper_not_graded(a):
    ### BEGIN SOLUTION
    return a + 1
    ### END SOLUTION
'''
TEST_CELL = "def count_above(xs, limit):\n    return 1 + 1\n"  # a test cell: never mutated
# the inputs the week's one item probes; no value equals the limit, so ``>=`` survives
PROBE_INPUTS = [([1, 5, 7], 4)]
GRADING = """\
from autograder.spec import Item, checks

INPUTS = {inputs!r}
ITEMS = [
    Item(
        "count_above",
        1,
        probe=lambda ns: [ns["count_above"](xs, limit) for xs, limit in INPUTS],
        check=checks.equal(),
        requires=("count_above",),
    )
]
"""


def write_week(root: Path, inputs: list[tuple[list[int], int]]) -> tuple[WeekPaths, Week]:
    """solutions/week99 under ``root``: the notebook and a grading.py probing ``inputs``."""
    private = root / "solutions" / "week99"
    private.mkdir(parents=True, exist_ok=True)
    solution = code_cell(SOLUTION)
    solution["metadata"] = {"nbgrader": {"solution": True, "grade": False, "grade_id": "count"}}
    test = code_cell(TEST_CELL)
    test["metadata"] = {
        "nbgrader": {"solution": False, "grade": True, "grade_id": "t", "points": 1}
    }
    notebook = {
        "cells": [code_cell("import math"), solution, test],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (private / "week99.ipynb").write_text(json.dumps(notebook))
    (private / "grading.py").write_text(GRADING.format(inputs=inputs))
    paths = WeekPaths("week99", root / "assignments" / "week99", private)
    return paths, load_week("week99", private, private)


@pytest.fixture
def synthetic_week(tmp_path: Path) -> tuple[WeekPaths, Week]:
    return write_week(tmp_path, PROBE_INPUTS)
