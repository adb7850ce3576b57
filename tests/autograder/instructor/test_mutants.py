"""Mutant generation: which code is mutated, stable ids, what the harness receives, the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.course import CourseError, WeekPaths
from autograder.instructor.mutants import (
    Mutant,
    MutationPlan,
    generate_mutants,
    mutant_requests,
    mutants_module,
    sample_mutants,
    solution_regions,
)
from autograder.spec import Item, Variant, Week, checks

Synthetic = tuple[WeekPaths, Week]


def by_change(mutants: list[Mutant]) -> dict[tuple[str, str], Mutant]:
    return {(m.original, m.mutated): m for m in mutants}


def test_solution_regions_are_the_lines_between_the_markers() -> None:
    source = "a\n### BEGIN SOLUTION\nb\nc\n### END SOLUTION\nd\n    ### BEGIN SOLUTION\ne\n    ### END SOLUTION"
    assert solution_regions(source) == [(3, 4), (8, 8)]


def test_only_solution_lines_of_graded_names_are_mutated(synthetic_week: Synthetic) -> None:
    paths, week = synthetic_week
    mutants = generate_mutants(paths.solution_notebook, week)
    assert {m.target for m in mutants} == {"count_above"}  # not the helper no item requires
    assert all(m.original != "values = list(xs)" for m in mutants)  # above BEGIN SOLUTION
    assert all("1 + 1" not in m.source for m in mutants)  # the test cell's def is never used
    assert all(m.cell == 2 and 5 <= m.line <= 10 for m in mutants)
    changes = by_change(mutants)
    assert ("if x > limit:", "if x >= limit:") in changes
    assert ("total += 1", "total -= 1") in changes
    assert ("total = 0", "total = 1") in changes
    assert ("return total", "return None") in changes
    assert ("values = [float(v) for v in values]", "pass") in changes


def test_each_mutant_is_a_complete_definition_of_its_name(synthetic_week: Synthetic) -> None:
    paths, week = synthetic_week
    mutants = generate_mutants(paths.solution_notebook, week)
    assert len({m.source for m in mutants}) == len(mutants)  # no two mutants are the same program
    assert len({m.id for m in mutants}) == len(mutants)
    for mutant in mutants:
        namespace: dict[str, object] = {}
        exec(mutant.source, namespace)
        assert callable(namespace["count_above"])
    mutant = by_change(mutants)[("if x > limit:", "if x >= limit:")]
    namespace = {}
    exec(mutant.source, namespace)
    assert namespace["count_above"]([4, 5], 4) == 2  # the solution says 1


def test_ids_stay_the_same_when_other_lines_change(synthetic_week: Synthetic) -> None:
    paths, week = synthetic_week
    before = {
        m.id: (m.original, m.mutated) for m in generate_mutants(paths.solution_notebook, week)
    }
    notebook = json.loads(paths.solution_notebook.read_text())
    cell = notebook["cells"][1]
    cell["source"] = cell["source"].replace(
        "    total = 0\n", "    total = 0\n    ignored = len(values) * 2\n"
    )
    notebook["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": "# new"})
    paths.solution_notebook.write_text(json.dumps(notebook))
    after = {m.id: (m.original, m.mutated) for m in generate_mutants(paths.solution_notebook, week)}
    assert set(before) < set(after)  # the new line adds mutants, the old ones keep their ids
    assert all(after[i] == change for i, change in before.items())


def test_the_harness_gets_each_mutant_as_a_variant_by_source(synthetic_week: Synthetic) -> None:
    paths, week = synthetic_week
    mutants = generate_mutants(paths.solution_notebook, week)
    module: dict[str, object] = {}
    exec(mutants_module(mutants), module)
    variants = module["MUTANTS"]
    assert isinstance(variants, list)
    assert [(v.target, v.key, v.source) for v in variants] == [
        (m.target, m.id, m.source) for m in mutants
    ]
    assert all(isinstance(v, Variant) and v.impl is None for v in variants)
    requests = mutant_requests(week, mutants)
    assert [r["index"] for r in requests] == list(range(len(mutants)))
    assert requests[0] == {
        "key": f"mutant:{mutants[0].id}",
        "kind": "mutant",
        "index": 0,
        "items": ["count_above"],
    }


def test_an_item_that_only_uses_a_name_does_not_probe_its_mutants(
    synthetic_week: Synthetic,
) -> None:
    paths, week = synthetic_week
    user = Item(
        "report",
        1,
        probe=lambda ns: None,
        check=checks.equal(),
        requires=("report", "count_above"),
        uses=("count_above",),
    )
    week.items.append(user)
    requests = mutant_requests(week, generate_mutants(paths.solution_notebook, week))
    assert all(r["items"] == ["count_above"] for r in requests)


# ----------------------------------------------------------------------------- sampling
def _mutants(target: str, count: int) -> list[Mutant]:
    return [
        Mutant(target, "number", f"number-{target}{i:04d}", 1, i, "x", "y", f"def {target}(): {i}")
        for i in range(count)
    ]


def _week(*targets: str) -> Week:
    items = [Item(t, 1, lambda ns: None, checks.equal(), requires=(t,)) for t in targets]
    return Week("week99", Path("."), items)


def test_the_sample_fits_the_budget_and_shares_it_between_names() -> None:
    week = _week("cheap", "slow")
    mutants = _mutants("cheap", 5) + _mutants("slow", 100)
    seconds = {"cheap": 1.0, "slow": 10.0}
    chosen = sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=105.0))
    cheap = [m for m in chosen if m.target == "cheap"]
    slow = [m for m in chosen if m.target == "slow"]
    assert len(cheap) == 5  # all of the cheap name: 5 s of its 52.5 s share
    assert len(slow) == 10  # the rest of the budget: 100 s
    assert [m.id for m in chosen] == [m.id for m in mutants if m in chosen]  # generated order


def test_every_name_gets_a_mutant_even_over_budget() -> None:
    chosen = sample_mutants(
        _mutants("a", 3) + _mutants("b", 3),
        _week("a", "b"),
        {"a": 50, "b": 50},
        MutationPlan(budget_seconds=1),
    )
    assert sorted(m.target for m in chosen) == ["a", "b"]


def test_a_larger_budget_only_adds_mutants_and_the_seed_fixes_the_order() -> None:
    week, mutants, seconds = _week("a"), _mutants("a", 50), {"a": 1.0}
    small = {m.id for m in sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=10))}
    large = {m.id for m in sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=20))}
    again = {m.id for m in sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=10))}
    other = {
        m.id
        for m in sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=10, seed=1))
    }
    assert len(small) == 10 and len(large) == 20 and small < large
    assert again == small and other != small
    every = sample_mutants(mutants, week, seconds, MutationPlan(budget_seconds=0))
    assert every == mutants


def test_a_name_no_item_tests_cannot_be_chosen(synthetic_week: Synthetic) -> None:
    paths, week = synthetic_week
    with pytest.raises(CourseError, match="no item tests helper_not_graded"):
        generate_mutants(paths.solution_notebook, week, only=("helper_not_graded",))
    assert generate_mutants(paths.solution_notebook, week, only=("count_above",))
