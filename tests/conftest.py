"""Shared helpers: the course root and small notebooks built in tests."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.private_checkout import open_the_way

ROOT = Path(__file__).resolve().parent.parent
# The suite exercises official grading on any machine; the refusal itself is tested
# in tests/autograder/test_grade.py with this variable removed.
os.environ.setdefault("AUTOGRADER_ALLOW_WEAK", "1")
# A private checkout (0700 folder) is opened to the sandbox's uids before anything else runs.
PRIVATE_CHECKOUT = open_the_way(ROOT)
if PRIVATE_CHECKOUT:
    print(PRIVATE_CHECKOUT, file=sys.stderr)


def pytest_report_header() -> list[str]:
    return [PRIVATE_CHECKOUT] if PRIVATE_CHECKOUT else []


def load_week_module(week: str, name: str) -> ModuleType:
    """``solutions/<week>/<name>.py`` (a grading spec, its variants) as a module of its own."""
    return _load_file(f"_{week}_{name}", ROOT / "solutions" / week / f"{name}.py")


@functools.cache
def load_noxfile() -> ModuleType:
    """The course's noxfile.py as a module, once per process (nox registers each session once)."""
    return _load_file("course_noxfile", ROOT / "noxfile.py")


def _load_file(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def code_cell(source: str) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": source,
    }


def make_notebook(*cells: str, metadata: dict[str, Any] | None = None) -> bytes:
    """A minimal nbformat-4 notebook with one code cell per string."""
    notebook = {
        "cells": [code_cell(s) for s in cells],
        "metadata": metadata or {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook).encode()


def notebook_with_extra_cells(
    path: Path, *, before: Sequence[str] = (), after: Sequence[str] = ()
) -> bytes:
    """``path``'s notebook with code cells inserted at the top and appended at the end."""
    notebook = json.loads(path.read_text())
    notebook["cells"] = (
        [code_cell(s) for s in before] + notebook["cells"] + [code_cell(s) for s in after]
    )
    return json.dumps(notebook).encode()


@pytest.fixture(scope="session")
def course_root() -> Path:
    return ROOT
