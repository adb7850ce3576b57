"""The leak scan's value matching and image rule, on small trees made here.

Hidden numbers are found as values in any notation and precision that
agrees with them, at the tolerance of their item's check; images are refused
unless the week's allow list names their hash with a reason.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.instructor import leaks
from autograder.spec import checks

VALUE = 49 / 60  # 0.8166666666666667: its 6-digit rounding rounds up (0.816667)
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def secrets(refs: dict[str, Any], check: Any = None) -> leaks.Secrets:
    return leaks.Secrets(
        numbers=leaks.hidden_numbers(refs, {name: check or checks.close() for name in refs})
    )


def scan_text(tmp_path: Path, text: str, found: leaks.Secrets) -> list[leaks.Leak]:
    (tmp_path / "notes.txt").write_text(text)
    return leaks.scan_tree(tmp_path, found)


@pytest.mark.parametrize(
    "written",
    [
        "0.8166666666666667",  # repr
        "0.816667",  # 6 significant digits, rounded up
        "0.8166666",  # truncated
        "8.16667e-01",
        "8.1666666667E-1",
        "0.81666667",  # float32-style
        "score=0.8166666666666665;",  # the same value computed in another order
    ],
)
def test_a_hidden_number_is_found_in_any_printing_that_agrees_with_it(
    tmp_path: Path, written: str
) -> None:
    found = scan_text(tmp_path, f"the value is {written}\n", secrets({"score.hidden": VALUE}))
    assert [leak.what for leak in found] == ["hidden reference value"], written
    assert "score.hidden" in found[0].detail


@pytest.mark.parametrize(
    "written",
    [
        "0.8167",  # 4 digits: in every notebook
        "0.81664",  # 5 digits that disagree with the value
        "0.8166566666666667",  # many digits, a different number
        "81.66666666666667",  # another magnitude
    ],
)
def test_numbers_that_are_not_a_printing_of_it_are_not_leaks(tmp_path: Path, written: str) -> None:
    assert scan_text(tmp_path, written, secrets({"score.hidden": VALUE})) == []


def test_the_items_own_tolerance_decides(tmp_path: Path) -> None:
    strict = secrets({"score.hidden": VALUE}, checks.close(rtol=1e-12, atol=0.0))
    assert scan_text(tmp_path, "0.816667", strict) == [], "the check would not accept it"
    assert scan_text(tmp_path, "0.8166666666666667", strict)
    loose = secrets({"score.hidden": VALUE}, checks.close(rtol=1e-4, atol=0.0))
    assert scan_text(tmp_path, "0.81667", loose)


def test_numbers_inside_arrays_and_dicts_are_hidden_numbers(tmp_path: Path) -> None:
    refs = {"fit.hidden": {"weights": np.array([0.1234567, -2.5, 3.14159265]), "bias": 0.5}}
    found = secrets(refs)
    assert sorted(entry.value for entry in found.numbers.entries) == [0.1234567, 3.14159265]
    assert scan_text(tmp_path, "w = [0.1234567, -2.5, 3.1416]", found), "the first weight shows"
    assert scan_text(tmp_path, "-2.50000 and 0.50000", found) == [], "short values are no secret"


def test_a_number_in_a_notebook_output_metadata_or_json_file_is_found(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"note": "x"},
                "source": "print(score)",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["8.16667e-01\n"]}],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "week.ipynb").write_text(json.dumps(notebook))
    (tmp_path / "data.json").write_text(json.dumps({"expected": VALUE}))
    found = leaks.scan_tree(tmp_path, secrets({"score.hidden": VALUE}))
    assert sorted(leak.path for leak in found) == ["data.json", "week.ipynb"]


def image_notebook(tmp_path: Path, where: str) -> None:
    encoded = base64.b64encode(PNG).decode()
    cell: dict[str, Any] = {"cell_type": "markdown", "metadata": {}, "source": "text"}
    if where == "attachment":
        cell["attachments"] = {"plot.png": {"image/png": encoded}}
    elif where == "data URI":
        cell["source"] = f"![plot](data:image/png;base64,{encoded})"
    else:
        cell = {
            "cell_type": "code",
            "metadata": {},
            "source": "plot()",
            "outputs": [
                {"output_type": "display_data", "metadata": {}, "data": {"image/png": encoded}}
            ],
        }
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "week.ipynb").write_text(json.dumps(notebook))


@pytest.mark.parametrize("where", ["attachment", "output", "data URI"])
def test_an_image_in_a_notebook_is_refused_unless_allowed(tmp_path: Path, where: str) -> None:
    image_notebook(tmp_path, where)
    found = leaks.scan_tree(tmp_path, leaks.Secrets())
    digest = hashlib.sha256(PNG).hexdigest()
    assert [leak.what for leak in found] == ["image"] and digest in found[0].detail
    allowed = leaks.Secrets(allowed_images={digest: "the week's logo"})
    assert leaks.scan_tree(tmp_path, allowed) == []


def test_an_image_file_is_refused_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "figure.dat").write_bytes(PNG)
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    found = leaks.scan_tree(tmp_path, leaks.Secrets())
    assert sorted((leak.path, leak.what) for leak in found) == [
        ("figure.dat", "image"),
        ("logo.svg", "image"),
    ]


def test_the_allow_list_needs_a_hash_and_a_reason(tmp_path: Path) -> None:
    digest = hashlib.sha256(PNG).hexdigest()
    path = tmp_path / leaks.ALLOWED_IMAGES
    path.write_text(
        f"# images students may see\n{digest}  the course logo\n{'0' * 64}\nlogo.png ok\n"
    )
    allowed, problems = leaks.allowed_images(path)
    assert allowed == {digest: "the course logo"}
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4"]
    tree = tmp_path / "tree"
    tree.mkdir()
    found = leaks.scan_tree(tree, leaks.Secrets(allow_list_problems=problems))
    assert [leak.what for leak in found] == ["allow list", "allow list"]
