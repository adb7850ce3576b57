"""Gate steps on made-up runs: each step refuses what it must refuse (no sandbox needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autograder.instructor import gate
from autograder.spec import Item, Rule, Variant, Week, checks
from autograder.spec.loading import _validate
from autograder.wire import exchange
from autograder.wire.export import Isolation, ItemExport, RunExport

RULE_TEXT = "ties go to the smallest index"


def _wrong(label: str) -> Variant:
    return Variant("pick", lambda *a: 0, "a planted mistake", label=label)


def _week(rules: list[Rule]) -> Week:
    item = Item("pick", 1, probe=lambda ns: None, check=checks.equal(), requires=("pick",))
    week = Week("week99", Path("."), [item], wrong=[_wrong("ignores_ties"), _wrong("harmless")])
    week.rules = rules
    return week


def _run(values: dict[str | None, Any]) -> RunExport:
    items = {
        ("pick", key): ItemExport("pick", key, "ok", payload=exchange.encode(value))
        for key, value in values.items()
    }
    return RunExport(items=items, cells=[], isolation=Isolation("weak", None, False, False))


@pytest.fixture
def notebook(tmp_path: Path) -> Path:
    path = tmp_path / "week99.ipynb"
    cells = [
        {
            "cell_type": "markdown",
            "source": ["Return the index.\n", "Ties go to\n the smallest index."],
        }
    ]
    path.write_text(json.dumps({"cells": cells}))
    return path


RUN = _run({None: 3, "wrong:pick:ignores_ties": 4, "wrong:pick:harmless": 3})


def test_a_rule_broken_by_a_variant_that_loses_points_passes(notebook: Path) -> None:
    rule = Rule("pick", "Ties go to the smallest index.", ("pick",), ("pick:ignores_ties",))
    outcome = gate.every_rule_exercised(_week([rule]), RUN, {"pick": 3}, notebook)
    assert outcome.ok, outcome.detail


def test_a_rule_no_input_exercises_is_refused(notebook: Path) -> None:
    rule = Rule("pick", RULE_TEXT, ("pick",), ("pick:harmless",))
    outcome = gate.every_rule_exercised(_week([rule]), RUN, {"pick": 3}, notebook)
    assert not outcome.ok and "no input exercises" in outcome.detail


def test_a_rule_the_notebook_does_not_state_is_refused(notebook: Path) -> None:
    rule = Rule("pick", "ties go to the largest index", ("pick",), ("pick:ignores_ties",))
    outcome = gate.every_rule_exercised(_week([rule]), RUN, {"pick": 3}, notebook)
    assert not outcome.ok and "not in the notebook" in outcome.detail


def test_rules_must_name_known_items_and_variants() -> None:
    with pytest.raises(ValueError, match="no known item"):
        _validate(_week([Rule("pick", RULE_TEXT, ("nope",), ("pick:harmless",))]))
    with pytest.raises(ValueError, match="unknown wrong variants"):
        _validate(_week([Rule("pick", RULE_TEXT, ("pick",), ("pick:nope",))]))


def test_an_item_may_only_use_what_it_requires() -> None:
    item = Item(
        "pick", 1, probe=lambda ns: None, check=checks.equal(), requires=("pick",), uses=("other",)
    )
    with pytest.raises(ValueError, match="does not require"):
        _validate(Week("week99", Path("."), [item]))


def test_stub_and_solution_steps(notebook: Path) -> None:
    week = _week([])
    assert gate.solution_scores_full_marks(week, _run({None: 3}), {"pick": 3}).ok
    assert not gate.solution_scores_full_marks(week, _run({None: 2}), {"pick": 3}).ok
    assert gate.stub_scores_zero(week, _run({None: 2}), {"pick": 3}).ok
    assert not gate.stub_scores_zero(week, _run({None: 3}), {"pick": 3}).ok
    assert gate.every_item_broken(week, RUN, {"pick": 3}).ok
    harmless = _run({None: 3, "wrong:pick:ignores_ties": 3, "wrong:pick:harmless": 3})
    assert not gate.every_item_broken(week, harmless, {"pick": 3}).ok


def test_wrong_variants_are_probed_only_where_the_gate_reads_them() -> None:
    """A wrong variant runs on the items it must break and on those of its rules; the first one
    of a used name (its isolation witness) also on the items that only use it; a right one is
    probed on every item."""
    from autograder.instructor.release import variant_requests

    pick = Item("pick", 1, probe=lambda ns: None, check=checks.equal(), requires=("pick",))
    edge = Item("pick.edge", 1, probe=lambda ns: None, check=checks.equal(), requires=("pick",))
    train = Item(
        "train",
        1,
        probe=lambda ns: None,
        check=checks.equal(),
        requires=("train", "pick"),
        uses=("pick",),
    )
    wrong = Variant("pick", lambda *a: 0, "a planted mistake", breaks=("pick",), label="own")
    ruled = Variant("pick", lambda *a: 0, "a planted mistake", breaks=("pick",), label="ruled")
    right = Variant("pick", lambda *a: 0, "written differently", label="other")
    week = Week("week99", Path("."), [pick, edge, train], wrong=[wrong, ruled], right=[right])
    week.rules = [Rule("pick", RULE_TEXT, ("pick.edge",), ("pick:ruled",))]
    probed = {r["key"]: r["items"] for r in variant_requests(week)}
    assert probed == {
        "wrong:pick:own": ["pick", "train"],
        "wrong:pick:ruled": ["pick", "pick.edge"],
        "right:pick:other": ["pick", "pick.edge", "train"],
    }
