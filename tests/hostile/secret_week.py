"""A small course whose week 99 has a hidden spec full of secrets, for the exfiltration tests.

``echo(xs)`` must return ``{repr(x): x * x for x in xs}``. The public item
probes it on ``[1.0, 2.0, 3.0]``; the hidden item on :data:`HIDDEN_INPUT`,
which lives only in ``solutions/week99/hidden_grading.py``. The shared check
makes the author's slip the grader must survive: its *message* (not its
detail) echoes the keys that came back.

:data:`SECRETS` are strings that appear only in the hidden spec and its
references; none of them may appear in anything the grader writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.course import WeekPaths
from autograder.scoring import references

WEEK = "week99"
HIDDEN_INPUT = [0.8166666666666667, 31415926.535, 27182818.28]
SPEC_MARKER = "HIDDEN-SPEC-MARKER-9a1f"
PUBLIC_SPEC = '''\
"""Week 99, public items."""

from autograder.spec import Item, Outcome


def check_echo(got, ref, reveal):
    if not isinstance(got, dict):
        return Outcome(0.0, f"expected a dict, got {type(got).__name__}")
    if sorted(got) != sorted(ref):
        # an author's slip the grader must survive: the message echoes what came back
        return Outcome(0.0, f"expected the keys {sorted(ref)}, got {sorted(got)}")
    if any(got[k] != ref[k] for k in ref):
        return Outcome(0.0, "the values differ")
    return Outcome(1.0, "passed")


def probe_echo(ns):
    return ns["echo"]([1.0, 2.0, 3.0])


ITEMS = [Item("echo", 1, probe=probe_echo, check=check_echo, requires=("echo",))]
'''
HIDDEN_SPEC = f'''\
"""{SPEC_MARKER}: week 99, hidden items. Every line here is a secret."""

from grading import check_echo

from autograder.spec import Item

HIDDEN_INPUT = {HIDDEN_INPUT!r}  # secret-hidden-input-line-4c2d


def probe_hidden_echo(ns):
    # secret-probe-comment-77e1: the hidden probe calls echo on the hidden input
    return ns["echo"](list(HIDDEN_INPUT))


ITEMS = [
    Item("echo.hidden", 1, probe=probe_hidden_echo, check=check_echo, requires=("echo",)),
]
'''
SOLUTION = "def echo(xs):\n    return {repr(x): x * x for x in xs}\n"


def _answer(xs: list[float]) -> dict[str, float]:
    return {repr(x): x * x for x in xs}


# digit strings of the hidden inputs and references, and lines of the hidden spec
SECRETS = [
    "8166666666666667",
    "31415926",
    "27182818",
    repr(HIDDEN_INPUT[0] ** 2).replace("0.", "")[:12],
    SPEC_MARKER,
    "secret-hidden-input-line-4c2d",
    "secret-probe-comment-77e1",
    "probe_hidden_echo",
]


def notebook(*cells: str) -> bytes:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": c,
                }
                for c in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    ).encode()


def make_course(root: Path) -> WeekPaths:
    """``root/assignments/week99`` and ``root/solutions/week99``, references included."""
    public, private = root / "assignments" / WEEK, root / "solutions" / WEEK
    for folder in (public, private):
        folder.mkdir(parents=True)
    (public / "grading.py").write_text(PUBLIC_SPEC)
    (public / f"{WEEK}.ipynb").write_bytes(
        notebook("def echo(xs):\n    raise NotImplementedError\n")
    )
    meta = {"week": WEEK, "notebook": f"{WEEK}.ipynb", "hidden": {"items": 1, "points": 1.0}}
    (public / "week.json").write_text(json.dumps(meta))
    (private / "hidden_grading.py").write_text(HIDDEN_SPEC)
    (private / f"{WEEK}.ipynb").write_bytes(notebook(SOLUTION))
    references.save(public / "references", references.PUBLIC, {"echo": _answer([1.0, 2.0, 3.0])})
    references.save(
        private / "references", references.HIDDEN, {"echo.hidden": _answer(HIDDEN_INPUT)}
    )
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # an ordinary user grades it too
    return WeekPaths(WEEK, public, private)
