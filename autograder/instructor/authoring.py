"""Write a week's nbgrader notebook from a plain Python script in "percent" format.

Instructors may edit ``solutions/weekNN/weekNN.ipynb`` directly in Jupyter;
this converter is for those who prefer a text editor. Cell headers:

``# %% [markdown]``                 read-only Markdown (lines start with ``# ``)
``# %% [solution] id=NAME``          an answer cell (``### BEGIN/END SOLUTION`` inside)
``# %% [tests] id=NAME points=P``    a read-only test cell (may hold ``### BEGIN/END HIDDEN TESTS``)
``# %%``                             an ordinary code cell (narrative, plots)
``# %% [setup] id=NAME``             a read-only code cell (imports, data loading)
``# %% [answer] id=NAME points=P``   a written answer graded by hand: Markdown (lines start with
                                     ``# ``) holding the model answer; its rubric is ``rubric.toml``

``python -m autograder notebook week01.py -o solutions/week01/week01.ipynb``
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HEADER = re.compile(r"^# %%(?:\s+\[(?P<kind>\w+)\])?(?P<attrs>.*)$")


def _nbgrader(kind: str, grade_id: str, points: float | None) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": kind in ("tests", "answer"),  # an answer: nbgrader's "manually graded answer"
        "grade_id": grade_id,
        "locked": kind in ("markdown", "tests", "setup"),
        "schema_version": 3,
        "solution": kind in ("solution", "answer"),
        "task": False,
    }
    if kind in ("tests", "answer"):
        meta["points"] = points if points is not None else 0
    return meta


def _source(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    text = "\n".join(lines)
    parts = text.splitlines(keepends=True)
    return parts


def notebook_from_script(text: str) -> dict[str, Any]:
    """Convert percent-format ``text`` into an nbformat-4 notebook dict with nbgrader metadata."""
    cells: list[dict[str, Any]] = []
    current: tuple[str, dict[str, str]] | None = None
    body: list[str] = []
    counter = 0

    def flush() -> None:
        nonlocal counter
        if current is None:
            return
        kind, attrs = current
        counter += 1
        grade_id = attrs.get("id", f"cell-{counter:03d}")
        if kind in ("markdown", "answer"):
            lines = [re.sub(r"^# ?", "", line) for line in body]
            cell: dict[str, Any] = {
                "cell_type": "markdown",
                "metadata": {},
                "source": _source(lines),
            }
        else:
            cell = {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": _source(list(body)),
            }
        if kind in ("markdown", "solution", "tests", "setup", "answer"):
            points = float(attrs["points"]) if "points" in attrs else None
            cell["metadata"]["nbgrader"] = _nbgrader(kind, grade_id, points)
        cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", grade_id)[:64]
        cells.append(cell)

    for line in text.splitlines():
        match = HEADER.match(line)
        if match:
            flush()
            kind = match.group("kind") or "code"
            if kind not in ("markdown", "solution", "tests", "setup", "answer", "code"):
                raise ValueError(f"unknown cell kind [{kind}] in: {line}")
            attrs = dict(re.findall(r"(\w+)=(\S+)", match.group("attrs") or ""))
            current, body = (kind, attrs), []
        elif current is not None:
            body.append(line)
    flush()
    ids = [c["id"] for c in cells]
    if len(ids) != len(set(ids)):
        raise ValueError("cell ids must be unique")
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def write_notebook(notebook: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
