"""The gate and ``Item.uses``, on made-up runs: a wrong used function must cost nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograder.instructor import gate
from autograder.spec import Item, Variant, Week, checks
from autograder.wire import exchange
from autograder.wire.export import Isolation, ItemExport, RunExport

DROPS_LAST = Variant("batches", lambda *a: [], "drops the last batch", label="drops_last")
WRONG_TRAIN = Variant("train", lambda *a: [], "one epoch too few", label="short")


def item(name: str, requires: tuple[str, ...], uses: tuple[str, ...] = ()) -> Item:
    return Item(name, 1, probe=lambda ns: None, check=checks.equal(), requires=requires, uses=uses)


def week(*variants: Variant) -> Week:
    items = [item("batches", ("batches",)), item("train", ("train", "batches"), ("batches",))]
    return Week("week99", Path("."), items, wrong=list(variants))


def run(values: dict[tuple[str, str | None], Any]) -> RunExport:
    items = {
        key: ItemExport(key[0], key[1], "ok", payload=exchange.encode(value))
        for key, value in values.items()
    }
    return RunExport(items=items, cells=[], isolation=Isolation("strict", None, True, True))


REFS = {"batches": 1, "train": 1}
DROPS, SHORT = "wrong:batches:drops_last", "wrong:train:short"
# what an official run gives: the item that uses `batches` keeps its value under its variant
VALUES: dict[tuple[str, str | None], Any] = {
    ("batches", None): 1,
    ("train", None): 1,
    ("batches", DROPS): 0,
    ("train", DROPS): 1,
    ("train", SHORT): 0,
}
ISOLATED = run(VALUES)


def test_an_item_that_keeps_its_points_under_a_wrong_used_function_passes() -> None:
    outcome = gate.used_mistakes_cost_nothing(week(DROPS_LAST, WRONG_TRAIN), ISOLATED, REFS)
    assert outcome.ok, outcome.detail


def test_an_item_that_loses_points_to_a_function_it_only_uses_is_refused() -> None:
    leaky = run({**VALUES, ("train", DROPS): 0})  # the variant reached the item
    outcome = gate.used_mistakes_cost_nothing(week(DROPS_LAST, WRONG_TRAIN), leaky, REFS)
    assert not outcome.ok and "train lost points to batches:drops_last" in outcome.detail


def test_a_used_name_without_a_wrong_variant_proves_nothing_and_is_refused() -> None:
    outcome = gate.used_mistakes_cost_nothing(week(WRONG_TRAIN), ISOLATED, REFS)
    assert not outcome.ok and "no wrong variant of batches" in outcome.detail


def test_without_uses_the_step_has_nothing_to_prove() -> None:
    plain = Week("week99", Path("."), [item("batches", ("batches",))], wrong=[DROPS_LAST])
    assert gate.used_mistakes_cost_nothing(plain, ISOLATED, REFS).ok


def test_a_wrong_used_function_must_break_only_the_items_that_test_it() -> None:
    spec = week(DROPS_LAST, WRONG_TRAIN)
    assert gate.must_break(spec, DROPS_LAST) == ("batches",)
    assert gate.wrong_variant_loses_points(spec, ISOLATED, REFS, DROPS_LAST).ok
    assert gate.every_item_broken(spec, ISOLATED, REFS).ok
