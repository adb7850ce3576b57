"""Hostile submissions that try to carry the hidden spec out through the official feedback.

Graded officially (``--hidden``) against :mod:`tests.hostile.secret_week`, each
tries one channel a submission controls:

* the hidden spec's **source**, found in the harness's memory (the garbage
  collector, the frames below the cell) and raised, in pieces, as the
  messages of a dozen cell errors;
* the hidden **inputs in the name of an exception class** the student's
  function raises when a hidden probe calls it;
* the hidden inputs in **exception messages** of a public item, which an
  official run shows in full;
* the hidden inputs as **dict keys echoed** by a check's message, through a
  public item and through the hidden one.

Nothing of :data:`SECRETS` may appear in any file the grader writes, every
output file is written, and the grade is the honest one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import HARNESS_STARTS
from tests.hostile.other_user import can_become
from tests.hostile.run_grader import Graded, grade_cli, shared_folder
from tests.hostile.secret_week import SECRETS, SOLUTION, WEEK, make_course, notebook


MODES = [
    pytest.param(
        ("strict", None),
        marks=pytest.mark.skipif(os.geteuid() != 0, reason="needs root"),
        id="strict",
    ),
    pytest.param(
        ("userns", "nobody"),
        marks=pytest.mark.skipif(
            not can_become("nobody", namespaces=True), reason="no user namespaces"
        ),
        id="userns-user",
    ),
]

FIND_THE_HIDDEN_SPEC = """\
import gc, sys
found = {}
def look(value):
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    # a grading spec's source (or repr): "It" "em(" so that this cell's own source is not one
    if isinstance(text, str) and "ITEMS" in text and "It" + "em(" in text and len(text) < 100_000:
        found[text] = True
# the frames below this cell (the harness's locals), and what they hold
frame = sys._getframe().f_back
while frame is not None:
    for value in list(frame.f_locals.values()):
        look(value)
        for item in (value if isinstance(value, (list, tuple)) else getattr(value, "blobs", [])):
            look(item)
    frame = frame.f_back
# every list the garbage collector knows of
for container in gc.get_objects():
    if type(container) is list and container is not found:
        for item in container[:50]:
            if isinstance(item, (bytes, str)):
                look(item)
module = sys.modules.get("_grading_hidden")
if module is not None:
    look(repr({k: v for k, v in vars(module).items() if not k.startswith("__")}))
SOURCE = " | ".join(sorted(found, key=len, reverse=True)).replace("\\n", " / ") or "nothing found"
"""
RAISE_A_PIECE = "raise ValueError(SOURCE[{start}:{end}])\n"
CLASS_NAME = """\
def echo(xs):
    name = "Leak_" + "_".join(repr(x).replace(".", "p").replace("-", "m") for x in xs)
    raise type(name, (ValueError,), {})("boom")
"""
MESSAGES = """\
import sys
def echo(xs):
    hidden = sys.modules.get("_grading_hidden")
    if hidden is not None:
        raise ValueError("found " + repr(hidden.HIDDEN_INPUT) + " called with " + repr(xs))
    raise ValueError("nothing to find; called with " + repr(xs))
"""
ECHOED_KEYS = """\
import sys
def echo(xs):
    hidden = sys.modules.get("_grading_hidden")
    keys = list(xs) + (list(hidden.HIDDEN_INPUT) if hidden is not None else [])
    return {repr(k): 0 for k in keys}
"""
ATTACKS = {
    # (cells, points the honest part earns)
    "spec_source_in_cell_errors": (
        [FIND_THE_HIDDEN_SPEC]
        + [RAISE_A_PIECE.format(start=k * 150, end=(k + 1) * 150) for k in range(12)]
        + [SOLUTION],
        2.0,
    ),
    "hidden_inputs_in_a_class_name": ([CLASS_NAME], 0.0),
    "hidden_inputs_in_messages": ([MESSAGES], 0.0),
    "hidden_inputs_as_echoed_keys": ([ECHOED_KEYS], 0.0),
}


@pytest.fixture(scope="module")
def course() -> Iterator[Path]:
    root = shared_folder()
    make_course(root)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param((*mode.values[0], start), marks=mode.marks, id=f"{mode.id}-{start}")
        for mode in MODES
        for start in HARNESS_STARTS
    ],
)
def graded(request: pytest.FixtureRequest, course: Path) -> Graded:
    """Every attack graded officially, in one batch per sandbox mode and way of starting it."""
    mode, user, start = request.param
    return grade_cli(
        {name: notebook(*cells) for name, (cells, _) in ATTACKS.items()},
        week=WEEK,
        course=course,
        hidden=True,
        mode=mode,
        user=user,
        start=start,
    )


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_nothing_of_the_hidden_spec_leaves_through_student_text(
    graded: Graded, attack: str
) -> None:
    record = graded.records[attack]
    written = json.dumps(record) + graded.reports[attack]
    for secret in SECRETS:
        assert secret not in written, (secret, written[written.find(secret) - 300 :][:600])
    assert record["status"] == "graded" and record["scope"] == "official", record.get("error")
    honest = ATTACKS[attack][1]
    assert record["score"] == honest, [(t["name"], t["message"]) for t in record["tests"]]


def test_the_hunt_finds_what_is_there_and_a_class_name_stays_inside(graded: Graded) -> None:
    """The attacks are real: the hunt finds the public spec (in the sandbox, and public), and a
    student's class name is reported as the built-in class it derives from."""
    hunter = graded.records["spec_source_in_cell_errors"]
    assert "Week 99, public items" in str(hunter["cells"]), hunter["cells"]
    named = graded.records["hidden_inputs_in_a_class_name"]["tests"]
    assert [t["message"] for t in named if t["visibility"] == "hidden"] == [
        "raised a ValueError on a hidden test"
    ]
    assert all(secret not in graded.stdout for secret in SECRETS)


def test_the_solution_of_the_secret_week_gets_full_marks(course: Path, harness_start: str) -> None:
    """The week itself is sound: the honest answer passes both items."""
    graded = grade_cli({"solution": notebook(SOLUTION)}, week=WEEK, course=course, hidden=True)
    record = graded.records["solution"]
    assert record["score"] == record["max_score"] == 2.0, record["tests"]
