"""The mutation score: killed, survived, equivalent; the allowlist; the gate step; one real run.

The last tests run the synthetic week (``conftest.py``) through the sandbox:
its mutants are probed item by item in one run of the solution, a mutant
that changes what the item sees is killed, one that does not survives, and
the one listed as equivalent is counted out of the score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autograder.course import WeekPaths
from autograder.instructor import gate
from autograder.instructor.mutants import Mutant, MutationPlan, generate_mutants, mutant_key
from autograder.instructor.mutation_score import (
    ALLOWLIST,
    EQUIVALENT,
    KILLED,
    NOT_RUN,
    SURVIVED,
    AllowlistError,
    MutationScore,
    describe_survivors,
    judge,
    load_allowlist,
)
from autograder.instructor.release import mutation_test
from autograder.spec import Item, Week, checks
from autograder.wire import exchange
from autograder.wire.export import Isolation, ItemExport, RunExport
from tests.autograder.instructor.conftest import write_week

Synthetic = tuple[WeekPaths, Week]
WEAK = Isolation("weak", None, False, False)


def _mutant(label: str) -> Mutant:
    return Mutant("pick", "number", label, 3, 2, "return 1", "return 2", "def pick(): return 2")


def _week() -> Week:
    item = Item("pick", 1, probe=lambda ns: None, check=checks.equal(), requires=("pick",))
    return Week("week99", Path("."), [item])


def _run(values: dict[Mutant, Any]) -> RunExport:
    items = {
        ("pick", mutant_key(m)): ItemExport("pick", mutant_key(m), "ok", payload=exchange.encode(v))
        for m, v in values.items()
    }
    return RunExport(items=items, cells=[], isolation=WEAK)


KILLS, SURVIVES, EQUIV, MISSING = (_mutant(f"number-{i}") for i in "ksem")


def _score(allowlist: dict[str, str]) -> MutationScore:
    run = _run({KILLS: 2, SURVIVES: 1, EQUIV: 1})
    mutants = [KILLS, SURVIVES, EQUIV, MISSING]
    return MutationScore(
        week="week99",
        generated=4,
        verdicts=judge(_week(), run, {"pick": 1}, mutants[:3], allowlist),
        allowlist=allowlist,
        generated_ids=frozenset(m.id for m in mutants),
        targets=("pick",),
    )


def test_judge_and_score_count_killed_over_non_equivalent() -> None:
    score = _score({EQUIV.id: "returns the same"})
    status = {v.mutant: v.status for v in score.verdicts}
    assert status == {KILLS: KILLED, SURVIVES: SURVIVED, EQUIV: EQUIVALENT}
    assert score.killed == 1 and score.equivalent == 1 and len(score.survivors) == 1
    assert score.score == pytest.approx(1 / 2)
    killed = next(v for v in score.verdicts if v.status == KILLED)
    assert killed.killed_by == (("pick", "wrong"),)
    assert "50.0%" in score.summary() and "1 survivors" in score.summary()


def test_a_mutant_whose_items_did_not_run_is_not_counted_as_killed() -> None:
    verdicts = judge(_week(), _run({}), {"pick": 1}, [MISSING], {})
    assert [v.status for v in verdicts] == [NOT_RUN]
    outcome = gate.mutation_score_reached(
        MutationScore("week99", 1, verdicts, generated_ids=frozenset([MISSING.id])), 0.95
    )
    assert not outcome.ok and "not run" in outcome.detail


def test_the_gate_refuses_a_week_below_the_target_and_names_the_survivors() -> None:
    score = _score({EQUIV.id: "returns the same"})
    low = gate.mutation_score_reached(score, 0.95)
    assert not low.ok and SURVIVES.id in low.detail and "below the target of 95%" in low.detail
    assert gate.mutation_score_reached(score, 0.5).ok


def test_the_gate_refuses_an_allowlist_that_the_run_contradicts() -> None:
    killed_but_listed = _score({EQUIV.id: "same", KILLS.id: "claimed equivalent"})
    outcome = gate.mutation_score_reached(killed_but_listed, 0.0)
    assert not outcome.ok and f"killed, remove: {KILLS.id}" in outcome.detail
    stale = _score({EQUIV.id: "same", "pick:number-gone": "was equivalent"})
    outcome = gate.mutation_score_reached(stale, 0.0)
    assert not outcome.ok and "no longer generated, remove: pick:number-gone" in outcome.detail
    other_name = _score({EQUIV.id: "same", "other:number-1": "not mutated in this run"})
    assert gate.mutation_score_reached(other_name, 0.0).ok


def test_the_allowlist_needs_a_reason_for_every_entry(tmp_path: Path) -> None:
    path = tmp_path / ALLOWLIST
    assert load_allowlist(path) == {}
    path.write_text('["pick:number-1"]\nreason = "  same output  "\n')
    assert load_allowlist(path) == {"pick:number-1": "same output"}
    path.write_text('["pick:number-1"]\nline = "return 1"\n')
    with pytest.raises(AllowlistError, match="needs a reason"):
        load_allowlist(path)
    path.write_text("[broken\n")
    with pytest.raises(AllowlistError):
        load_allowlist(path)


def test_the_survivor_listing_shows_the_line_before_and_after() -> None:
    text = describe_survivors(_score({}), "week99.ipynb")
    assert f"{SURVIVES.id}  week99.ipynb cell 3, line 2 (number)" in text
    assert "    - return 1\n    + return 2" in text
    assert ALLOWLIST in text and KILLS.id not in text


# ----------------------------------------------------------------------------- the sandbox
def _no_timings() -> RunExport:
    return RunExport(items={}, cells=[], isolation=WEAK)


def _find(mutants: list[Mutant], original: str, mutated: str) -> Mutant:
    return next(m for m in mutants if (m.original, m.mutated) == (original, mutated))


def test_mutants_probed_in_the_sandbox_are_killed_survive_or_are_allowlisted(
    synthetic_week: Synthetic,
) -> None:
    paths, week = synthetic_week
    generated = generate_mutants(paths.solution_notebook, week)
    boundary = _find(generated, "if x > limit:", "if x >= limit:")
    equivalent = _find(generated, "values = [float(v) for v in values]", "pass")
    assert paths.private_dir is not None
    (paths.private_dir / ALLOWLIST).write_text(
        f'["{equivalent.id}"]\nreason = "the probes pass numbers, which float() leaves equal"\n'
    )
    score = mutation_test(paths, week, _no_timings(), MutationPlan())
    assert not score.problems
    status = {v.mutant.id: v.status for v in score.verdicts}
    assert status.pop(boundary.id) == SURVIVED  # no input sits on the limit
    assert status.pop(equivalent.id) == EQUIVALENT
    assert set(status.values()) == {KILLED} and len(status) == len(generated) - 2
    assert score.score == pytest.approx(len(status) / (len(status) + 1))
    outcome = gate.mutation_score_reached(score, 0.95)
    assert not outcome.ok and boundary.id in outcome.detail


def test_an_input_on_the_boundary_kills_the_survivor(tmp_path: Path) -> None:
    paths, week = write_week(tmp_path, [([1, 5, 7], 4), ([4, 4, 9], 4)])
    score = mutation_test(paths, week, _no_timings(), MutationPlan())
    survivors = [(v.mutant.original, v.mutant.mutated) for v in score.survivors]
    # only the equivalent one is left, and it is not allowlisted in this week
    assert survivors == [("values = [float(v) for v in values]", "pass")]
    killed = {
        (v.mutant.original, v.mutant.mutated): v.killed_by
        for v in score.verdicts
        if v.status == KILLED
    }
    assert killed[("if x > limit:", "if x >= limit:")] == (("count_above", "wrong"),)
    assert killed[("total = 0", "pass")] == (("count_above", "error"),)  # NameError
    assert score.score == pytest.approx(1 - 1 / len(score.verdicts))
