"""Every week, proved by the release gate's own steps: solution = full marks, stub = zero,
every wrong variant loses its items, every right variant keeps them, no private material.

Each week's solution runs ONCE in the sandbox with every variant probed in the
same run (a forked probe per item and variant), so the suite stays fast as
weeks grow; each assertion below is then one gate step, a cheap trusted comparison.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.instructor import gate
from autograder.instructor.release import (
    run_solution,
    run_stub,
    variant_requests,
    week_reference_code,
)
from autograder.scoring import references
from autograder.scoring.references import load_week_references
from autograder.spec import PUBLIC_SPEC, Week, load_week
from autograder.spec.written import answer_cells
from autograder.wire.export import RunExport
from tests.conftest import ROOT

WEEK_NAMES = sorted(
    p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file()
)
# one xdist group per week: its solution runs once per worker, on one worker
WEEKS = [pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in WEEK_NAMES]
SOLUTION_SECONDS = 30.0


@cache
def week_spec(name: str) -> Week:
    paths = locate_week(name, ROOT)
    return load_week(name, paths.private_dir, paths.private_dir, with_variants=True)


@cache
def solution_run(name: str) -> RunExport:
    return run_solution(locate_week(name, ROOT), week_spec(name))


@cache
def stub_run(name: str) -> RunExport:
    return run_stub(locate_week(name, ROOT), week_spec(name))


@cache
def committed_references(name: str) -> dict[str, Any]:
    return load_week_references(locate_week(name, ROOT), hidden=True)[0]


def _variants(kind: str) -> list[Any]:
    params = []
    for name in WEEK_NAMES:
        week = week_spec(name)
        for variant in week.wrong if kind == "wrong" else week.right:
            params.append(
                pytest.param(
                    name, variant, id=f"{name}-{variant.key}", marks=pytest.mark.xdist_group(name)
                )
            )
    return params


def assert_passes(outcome: gate.GateOutcome, hint: str = "") -> None:
    assert outcome.ok, f"{outcome.name}: {outcome.detail}{hint}"


@pytest.mark.parametrize("name", WEEKS)
def test_solution_scores_full_marks_against_committed_references(name: str) -> None:
    outcome = gate.solution_scores_full_marks(
        week_spec(name), solution_run(name), committed_references(name)
    )
    assert_passes(outcome, f" (stale references? run `nox -s release -- {name}`)")


@pytest.mark.parametrize("name", WEEKS)
def test_solution_runs_within_budget(name: str) -> None:
    run = solution_run(name)
    cells = sum(c.seconds for c in run.cells)
    assert cells < SOLUTION_SECONDS, (
        f"{name}: the solution's cells take {cells:.1f} s (budget {SOLUTION_SECONDS} s)"
    )
    assert_passes(gate.solution_cells_run(run))


@pytest.mark.parametrize("name", WEEKS)
def test_stub_scores_zero(name: str) -> None:
    assert_passes(
        gate.stub_scores_zero(week_spec(name), stub_run(name), committed_references(name))
    )


@pytest.mark.parametrize(("name", "variant"), _variants("wrong"))
def test_wrong_variant_loses_its_items(name: str, variant: Any) -> None:
    outcome = gate.wrong_variant_loses_points(
        week_spec(name), solution_run(name), committed_references(name), variant
    )
    assert_passes(outcome)


@pytest.mark.parametrize(("name", "variant"), _variants("right"))
def test_right_variant_keeps_full_marks(name: str, variant: Any) -> None:
    outcome = gate.right_variant_keeps_full_marks(
        week_spec(name), solution_run(name), committed_references(name), variant
    )
    assert_passes(outcome)


@pytest.mark.parametrize("name", WEEKS)
def test_every_item_is_broken_by_a_wrong_variant(name: str) -> None:
    outcome = gate.every_item_broken(
        week_spec(name), solution_run(name), committed_references(name)
    )
    assert_passes(outcome)


@pytest.mark.parametrize("name", WEEKS)
def test_a_mistake_in_a_used_function_costs_the_item_nothing(name: str) -> None:
    outcome = gate.used_mistakes_cost_nothing(
        week_spec(name), solution_run(name), committed_references(name)
    )
    assert_passes(outcome)


@pytest.mark.parametrize("name", WEEKS)
def test_the_reference_implementations_are_what_the_release_extracts(name: str) -> None:
    """Drift check of the private reference code (absent when no item uses another name)."""
    paths = locate_week(name, ROOT)
    fresh = week_reference_code(paths, week_spec(name))
    committed = paths.reference_implementations
    assert (committed.read_text() if committed.is_file() else "") == fresh, (
        f"{committed} is stale: run `nox -s release -- {name}`"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_every_stated_rule_is_exercised(name: str) -> None:
    paths = locate_week(name, ROOT)
    outcome = gate.every_rule_exercised(
        week_spec(name), solution_run(name), committed_references(name), paths.notebook
    )
    assert_passes(outcome)


@pytest.mark.parametrize("name", WEEKS)
def test_every_week_has_enough_items_with_public_and_hidden_tests(name: str) -> None:
    week = week_spec(name)
    public = {i.name.split(".")[0] for i in week.items if not i.hidden}
    hidden = {i.name.split(".")[0] for i in week.items if i.hidden}
    assert len(public) >= 6, f"{name} has {len(public)} graded functions"
    assert public <= hidden, f"graded functions without hidden tests: {sorted(public - hidden)}"


@pytest.mark.parametrize("name", WEEKS)
def test_release_holds_no_private_material(name: str) -> None:
    paths = locate_week(name, ROOT)
    hidden_refs = references.load(paths.hidden_references, references.HIDDEN)
    assert gate.week_secrets(paths, hidden_refs, paths.public_dir).lines, (
        "the solution notebook has no solution blocks?"
    )
    assert_passes(gate.no_private_material(paths, paths.public_dir, hidden_refs))
    text = paths.notebook.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


# the weeks whose notebook asks for understanding in writing (issue 17), two questions each
WRITTEN_WEEKS = {"week01": 2, "week03": 2, "week06": 2, "week07": 2}


@pytest.mark.parametrize("name", WEEKS)
def test_written_questions_have_a_rubric_a_model_answer_and_are_released_empty(name: str) -> None:
    paths = locate_week(name, ROOT)
    assert_passes(gate.written_questions_complete(paths, paths.notebook))
    solution = json.loads(paths.solution_notebook.read_text())
    assert len(answer_cells(solution)) == WRITTEN_WEEKS.get(name, 0)
    secrets = gate.week_secrets(paths, {}, paths.public_dir).lines
    assert sum(kind == "model answer" for kind in secrets.values()) >= 2 * WRITTEN_WEEKS.get(
        name, 0
    )
    assert [q["name"] for q in paths.meta().get("written", [])] == [
        c.name for c in answer_cells(solution)
    ]


@pytest.mark.parametrize("name", WEEKS)
def test_variants_are_probed_in_the_solution_run(name: str) -> None:
    requests = variant_requests(week_spec(name))
    run = solution_run(name)
    missing = [
        (n, r["key"]) for r in requests for n in r["items"] if (n, r["key"]) not in run.items
    ]
    assert not missing


@pytest.mark.parametrize("name", WEEKS)
def test_release_notebook_is_what_nbgrader_generates(name: str, tmp_path: Any) -> None:
    """Drift check of the generated student notebook (a hand edit fails here and in CI)."""
    from autograder.instructor.release import generate_student_notebook

    paths = locate_week(name, ROOT)
    fresh = generate_student_notebook(paths.solution_notebook, name, tmp_path)
    assert paths.notebook.read_bytes() == fresh, (
        f"assignments/{name} is stale: run `nox -s release -- {name}`"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_release_spec_and_metadata_are_what_the_release_writes(name: str) -> None:
    """Drift check of the copied public spec and of week.json (cheap; the full check is CI's)."""
    from autograder.course import WEEK_META
    from autograder.instructor.release import week_meta

    paths = locate_week(name, ROOT)
    assert paths.private_dir is not None
    assert (paths.public_dir / PUBLIC_SPEC).read_bytes() == (
        paths.private_dir / PUBLIC_SPEC
    ).read_bytes()
    assert json.loads((paths.public_dir / WEEK_META).read_text()) == week_meta(
        week_spec(name), paths
    )
