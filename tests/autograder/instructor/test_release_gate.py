"""The release gate's leak scan and drift check, against leaks and edits planted on purpose.

A leak is planted in each place a student tree can carry one: cell sources,
cell outputs, notebook and cell metadata, attachments, ``.ipynb_checkpoints``
and data files (text and ``.npz``); each must be caught by the gate's own
check. Drift: a fresh build of week 1 must equal what is committed, and each
kind of hand edit to the generated release must be reported.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.course import WeekPaths, locate_week
from autograder.instructor import leaks
from autograder.instructor.gate import GateOutcome, no_private_material, week_secrets
from autograder.instructor.release import (
    ReleaseBuild,
    ReleaseError,
    build_release,
    drift,
    write_release,
)
from autograder.scoring import provenance, references
from tests.conftest import ROOT

WEEK = locate_week("week01", ROOT)
pytestmark = pytest.mark.xdist_group(
    "release_gate"
)  # one release build, shared on one xdist worker
NAME = "week01.ipynb"


def secrets() -> leaks.Secrets:
    return week_secrets(WEEK, hidden_refs(), WEEK.public_dir)


def hidden_refs() -> dict[str, Any]:
    return references.load(WEEK.hidden_references, references.HIDDEN)


def solution_line() -> str:
    return sorted(line for line, kind in secrets().lines.items() if kind == "solution")[0]


def hidden_spec_line() -> str:
    return sorted(line for line, kind in secrets().lines.items() if kind == "hidden grading spec")[
        0
    ]


def hidden_number() -> float:
    """A distinctive hidden scalar (week 1 has a few; arrays' elements are hidden numbers too)."""
    return max(secrets().numbers.entries, key=lambda entry: abs(entry.value)).value


def hidden_value() -> str:
    return repr(hidden_number())


def hidden_array() -> np.ndarray:
    return max(secrets().arrays, key=lambda pair: pair[1].size)[1]


def edit_notebook(tree: Path, change: Callable[[dict[str, Any]], None]) -> None:
    notebook = json.loads((tree / NAME).read_text())
    change(notebook)
    (tree / NAME).write_text(json.dumps(notebook, indent=1))


def first(notebook: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(c for c in notebook["cells"] if c["cell_type"] == kind)


def plant_cell_source(tree: Path) -> None:
    new = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": [solution_line()],
    }
    edit_notebook(tree, lambda nb: nb["cells"].append(new))


def plant_output(tree: Path) -> None:
    output = {"output_type": "stream", "name": "stdout", "text": [f"{hidden_value()}\n"]}
    edit_notebook(tree, lambda nb: first(nb, "code")["outputs"].append(output))


def plant_rich_output(tree: Path) -> None:
    output = {
        "output_type": "execute_result",
        "execution_count": 3,
        "metadata": {},
        "data": {"text/plain": [f"array([{hidden_value()}])"]},
    }
    edit_notebook(tree, lambda nb: first(nb, "code")["outputs"].append(output))


def plant_notebook_metadata(tree: Path) -> None:
    edit_notebook(
        tree, lambda nb: nb["metadata"].setdefault("scratch", {}).update(note=hidden_spec_line())
    )


def plant_cell_metadata(tree: Path) -> None:
    edit_notebook(tree, lambda nb: first(nb, "code")["metadata"].update(comment=solution_line()))


def plant_attachment(tree: Path) -> None:
    def change(nb: dict[str, Any]) -> None:
        cell = first(nb, "markdown")
        cell["attachments"] = {"answer.txt": {"text/plain": [solution_line()]}}

    edit_notebook(tree, change)


def plant_checkpoint(tree: Path) -> None:
    (tree / ".ipynb_checkpoints").mkdir()
    shutil.copy2(WEEK.solution_notebook, tree / ".ipynb_checkpoints" / "week01-checkpoint.ipynb")


def plant_text_data(tree: Path) -> None:
    (tree / "data").mkdir()
    (tree / "data" / "expected.csv").write_text(f"item,value\nscaler,{hidden_value()}\n")


def plant_array_data(tree: Path) -> None:
    (tree / "data").mkdir()
    buffer = __import__("io").BytesIO()
    np.savez(buffer, expected=hidden_array())
    (tree / "data" / "expected.npz").write_bytes(buffer.getvalue())


def plant_public_reference_array(tree: Path) -> None:
    stored = references.load(tree / "references", references.PUBLIC)
    stored["copied"] = hidden_array()
    references.save(tree / "references", references.PUBLIC, stored)


def plant_python_file(tree: Path) -> None:
    (tree / "helpers.py").write_text(f"# notes\n{hidden_spec_line()}\n")


def plant_symlink(tree: Path) -> None:
    (tree / "solution.ipynb").symlink_to(WEEK.solution_notebook)


PLACES = {
    "cell source": (plant_cell_source, NAME),
    "cell output (stream)": (plant_output, NAME),
    "cell output (execute_result)": (plant_rich_output, NAME),
    "notebook metadata": (plant_notebook_metadata, NAME),
    "cell metadata": (plant_cell_metadata, NAME),
    "attachment": (plant_attachment, NAME),
    ".ipynb_checkpoints": (plant_checkpoint, ".ipynb_checkpoints/week01-checkpoint.ipynb"),
    "data file (text)": (plant_text_data, "data/expected.csv"),
    "data file (npz)": (plant_array_data, "data/expected.npz"),
    "public references": (plant_public_reference_array, "references/public.npz"),
    "python file": (plant_python_file, "helpers.py"),
    "symlink": (plant_symlink, "solution.ipynb"),
}


@pytest.fixture
def student_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "week01"
    shutil.copytree(WEEK.public_dir, tree)
    return tree


def test_the_committed_release_passes_the_no_private_material(student_tree: Path) -> None:
    check = no_private_material(WEEK, student_tree, hidden_refs())
    assert check.ok, check.detail
    assert "none found" in check.detail


@pytest.mark.parametrize("place", list(PLACES))
def test_a_planted_leak_is_caught(student_tree: Path, place: str) -> None:
    plant, where = PLACES[place]
    plant(student_tree)
    check = no_private_material(WEEK, student_tree, hidden_refs())
    assert not check.ok, f"a leak in the {place} was not caught"
    assert where in check.detail, check.detail


def test_a_base64_attachment_with_a_solution_line_is_caught(student_tree: Path) -> None:
    """Attachments of binary types are base64 in the notebook JSON: the scan must look inside."""
    encoded = base64.b64encode(solution_line().encode()).decode()

    def change(nb: dict[str, Any]) -> None:
        first(nb, "markdown")["attachments"] = {"answer.png": {"image/png": encoded}}

    edit_notebook(student_tree, change)
    check = no_private_material(WEEK, student_tree, hidden_refs())
    assert not check.ok, "a solution line inside a base64 attachment was not caught"
    assert NAME in check.detail


# ----------------------------------------------------------------------------- the gate, end to end
@pytest.fixture(scope="module")
def build() -> ReleaseBuild:
    return build_release(WEEK)


@pytest.fixture
def scratch_week(tmp_path: Path, build: ReleaseBuild) -> ReleaseBuild:
    """``build`` pointed at a scratch copy of the course's week 1 (writes go there, never to the course)."""
    assert WEEK.private_dir is not None
    public, private = tmp_path / "assignments" / "week01", tmp_path / "solutions" / "week01"
    shutil.copytree(WEEK.public_dir, public)
    shutil.copytree(WEEK.private_dir, private, ignore=shutil.ignore_patterns("__pycache__"))
    return dataclasses.replace(
        build, paths=WeekPaths("week01", public, private), outcomes=list(build.outcomes)
    )


@pytest.mark.slow
def test_a_fresh_build_passes_the_gate_and_matches_the_committed_release(
    build: ReleaseBuild,
) -> None:
    assert build.ok, [f"{c.name}: {c.detail}" for c in build.failures()]
    assert drift(build) == [], "assignments/week01 is stale: run `nox -s release -- week01`"


@pytest.mark.slow
def test_the_gate_refuses_to_write_a_tree_with_a_leak(
    scratch_week: ReleaseBuild, tmp_path: Path
) -> None:
    tree = tmp_path / "built"
    shutil.copytree(scratch_week.tree, tree)
    plant_checkpoint(tree)
    check = no_private_material(scratch_week.paths, tree, scratch_week.hidden_refs)
    refused = dataclasses.replace(scratch_week, tree=tree, outcomes=[*scratch_week.outcomes, check])
    before = (scratch_week.paths.public_dir / NAME).read_bytes()
    with pytest.raises(ReleaseError, match="refused"):
        write_release(refused)
    assert not (scratch_week.paths.public_dir / ".ipynb_checkpoints").exists()
    assert (scratch_week.paths.public_dir / NAME).read_bytes() == before


def _edit_notebook_text(public: Path, _: Path) -> None:
    edit_notebook(public, lambda nb: first(nb, "markdown")["source"].append("\nA hand edit.\n"))


def _edit_spec(public: Path, _: Path) -> None:
    with (public / "grading.py").open("a") as stream:
        stream.write("\n# a hand edit\n")


def _add_file(public: Path, _: Path) -> None:
    (public / "extra.csv").write_text("a,b\n1,2\n")


def _remove_file(public: Path, _: Path) -> None:
    (public / "week.json").unlink()


def _change_public_reference(public: Path, _: Path) -> None:
    stored = references.load(public / "references", references.PUBLIC)
    name = sorted(stored)[0]
    stored[name] = {"changed": 1}
    references.save(public / "references", references.PUBLIC, stored)


def _change_hidden_reference(_: Path, private: Path) -> None:
    stored = references.load(private / "references", references.HIDDEN)
    del stored[sorted(stored)[0]]
    references.save(private / "references", references.HIDDEN, stored)


def _add_reference_code(_: Path, private: Path) -> None:
    (private / "references" / "reference_implementations.py").write_text("def f():\n    pass\n")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_edit_notebook_text, "week01.ipynb differs"),
        (_edit_spec, "grading.py differs"),
        (_add_file, "extra.csv is not produced"),
        (_remove_file, "week.json is missing"),
        (_change_public_reference, "the reference of"),
        (_change_hidden_reference, "hidden: item"),
        (_add_reference_code, "reference_implementations.py is stale"),
    ],
    ids=[
        "notebook",
        "spec",
        "extra file",
        "missing file",
        "public reference",
        "hidden reference",
        "reference code",
    ],
)
@pytest.mark.slow
def test_drift_is_caught(
    scratch_week: ReleaseBuild, edit: Callable[[Path, Path], None], expected: str
) -> None:
    assert drift(scratch_week) == [], "the scratch copy starts identical"
    assert scratch_week.paths.private_dir is not None
    edit(scratch_week.paths.public_dir, scratch_week.paths.private_dir)
    problems = drift(scratch_week)
    assert any(expected in p for p in problems), problems


@pytest.mark.slow
def test_a_refused_gate_check_blocks_the_release(scratch_week: ReleaseBuild) -> None:
    refused = dataclasses.replace(
        scratch_week,
        outcomes=[
            *scratch_week.outcomes,
            GateOutcome("stub scores zero", False, "stub earns points"),
        ],
    )
    assert not refused.ok and [c.name for c in refused.failures()] == ["stub scores zero"]
    with pytest.raises(ReleaseError):
        write_release(refused)


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder.parent)): p.read_bytes()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.slow
def test_releasing_twice_changes_nothing_and_records_the_environment(
    scratch_week: ReleaseBuild,
) -> None:
    """Reproducible releases: the second write of the same build leaves every byte as it was,
    and both reference sets say which library versions computed (or verified) them."""
    paths = scratch_week.paths
    assert paths.private_dir is not None
    write_release(scratch_week)
    first_write = _snapshot(paths.public_dir, paths.private_dir)
    notes = write_release(scratch_week)
    assert _snapshot(paths.public_dir, paths.private_dir) == first_write
    assert all("unchanged" in note for note in notes), notes
    for refs in (paths.public_dir / "references", paths.private_dir / "references"):
        assert provenance.load(refs) == provenance.environment()
