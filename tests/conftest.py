"""Shared fixtures: the course root, weeks, and cached sandbox runs of each week's solution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def make_notebook(*cells: str, metadata: dict[str, Any] | None = None) -> bytes:
    """A minimal nbformat-4 notebook with one code cell per string."""
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for source in cells
        ],
        "metadata": metadata or {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def notebook_with_extra_cells(
    path: Path, *, before: list[str] = (), after: list[str] = ()
) -> bytes:  # type: ignore[assignment]
    """``path``'s notebook with code cells inserted at the top and appended at the end."""
    notebook = json.loads(path.read_text())
    new = lambda source: {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }  # noqa: E731
    notebook["cells"] = [new(s) for s in before] + notebook["cells"] + [new(s) for s in after]
    return json.dumps(notebook).encode()


@pytest.fixture(scope="session")
def course_root() -> Path:
    return ROOT
