"""Hidden values that reach a student tree in forms a string search misses: the release gate refuses them.

A scratch copy of week 1's released tree gets a hidden reference value
planted in another numeric form (full precision where the 6-digit rounding
rounds up, scientific notation, 15 digits) in a notebook output, a data file
and metadata; and the same value drawn into PNG images (a markdown cell's
attachment, a code cell's output, a file). The gate's leak step must refuse
each, naming the file (the untouched tree passes: ``test_release_gate``).
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.instructor.gate import no_private_material
from tests.autograder.instructor.test_release_gate import (
    NAME,
    WEEK,
    edit_notebook,
    first,
    hidden_refs,
)
from tests.autograder.instructor.test_release_gate import student_tree as tree  # noqa: F401


def floats(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats(v)]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return [float(v) for v in value.ravel()[:50]]
    return [value] if type(value) is float and math.isfinite(value) else []


def printings(value: float) -> dict[str, str]:
    return {
        "full precision": repr(value),
        "scientific": f"{value:.15e}",
        "15 digits": f"{value:.15g}",
    }


def planted_value() -> float:
    """A hidden value none of whose printings contains its 6-significant-digit text."""
    for value in sorted(f for ref in hidden_refs().values() for f in floats(ref)):
        short = f"{abs(value):.6g}"
        digits = short.replace(".", "").lstrip("0")
        if len(digits) >= 5 and not any(short in text for text in printings(value).values()):
            return value
    raise AssertionError("week 1 has no hidden value whose rounding differs from its printing")


def png_of(text: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.4, text)
    stream = io.BytesIO()
    figure.savefig(stream, format="png")
    return stream.getvalue()


def in_output(tree: Path, text: str) -> str:
    output = {"output_type": "stream", "name": "stdout", "text": [f"loss {text}\n"]}
    edit_notebook(tree, lambda nb: first(nb, "code")["outputs"].append(output))
    return NAME


def in_data_file(tree: Path, text: str) -> str:
    (tree / "data").mkdir()
    (tree / "data" / "expected.csv").write_text(f"item,value\nscore,{text}\n")
    return "data/expected.csv"


def in_metadata(tree: Path, text: str) -> str:
    edit_notebook(tree, lambda nb: nb["metadata"].update(scratch={"best": text}))
    return NAME


def as_attachment(tree: Path, png: bytes) -> str:
    encoded = base64.b64encode(png).decode()
    edit_notebook(
        tree, lambda nb: first(nb, "markdown").update(attachments={"v.png": {"image/png": encoded}})
    )
    return NAME


def as_output(tree: Path, png: bytes) -> str:
    output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": base64.b64encode(png).decode(), "text/plain": ["<Figure>"]},
    }
    edit_notebook(tree, lambda nb: first(nb, "code")["outputs"].append(output))
    return NAME


def as_file(tree: Path, png: bytes) -> str:
    (tree / "figure.png").write_bytes(png)
    return "figure.png"


@pytest.mark.parametrize("form", list(printings(0.0)))
@pytest.mark.parametrize("place", [in_output, in_data_file, in_metadata], ids=lambda f: f.__name__)
def test_a_hidden_value_in_another_numeric_form_is_refused(
    tree: Path, form: str, place: Callable[[Path, str], str]
) -> None:
    where = place(tree, printings(planted_value())[form])
    check = no_private_material(WEEK, tree, hidden_refs())
    assert not check.ok, f"{form} in {place.__name__} was not caught"
    assert where in check.detail and "hidden reference value" in check.detail, check.detail


@pytest.mark.parametrize("place", [as_attachment, as_output, as_file], ids=lambda f: f.__name__)
def test_a_hidden_value_drawn_in_a_png_is_refused(
    tree: Path, place: Callable[[Path, bytes], str]
) -> None:
    where = place(tree, png_of(f"expected {planted_value():.6g}"))
    check = no_private_material(WEEK, tree, hidden_refs())
    assert not check.ok, f"a PNG ({place.__name__}) reached the student tree"
    assert where in check.detail and "image" in check.detail, check.detail
