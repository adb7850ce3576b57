"""``Item.uses`` in the spec: what the loader refuses, and which items a mistake may cost."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.spec import Item, Variant, Week, checks
from autograder.spec.loading import _validate


def item(name: str, requires: tuple[str, ...], uses: tuple[str, ...] = ()) -> Item:
    return Item(name, 1, probe=lambda ns: None, check=checks.equal(), requires=requires, uses=uses)


BATCHES = item("batches", ("batches",))
TRAIN = item("train", ("train", "batches"), uses=("batches",))
AVERAGE = item("average", ("average", "batches"))


def week(*items: Item, wrong: tuple[Variant, ...] = ()) -> Week:
    return Week("week99", Path("."), list(items), wrong=list(wrong))


def test_a_mistake_costs_the_items_that_test_a_name_not_those_that_only_use_it() -> None:
    spec = week(BATCHES, TRAIN, AVERAGE)
    assert [i.name for i in spec.items_testing("batches")] == ["batches", "average"]
    assert [i.name for i in spec.items_requiring("batches")] == ["batches", "train", "average"]
    assert [i.name for i in spec.items_testing("train")] == ["train"]


def test_an_item_that_uses_every_name_it_requires_is_refused() -> None:
    with pytest.raises(ValueError, match="tests none"):
        _validate(week(item("train", ("train", "batches"), uses=("train", "batches"))))


def test_a_variant_cannot_be_required_to_break_an_item_that_only_uses_its_target() -> None:
    drops_last = Variant("batches", lambda *a: [], "drops the last batch", breaks=("train",))
    with pytest.raises(ValueError, match="only uses 'batches'"):
        _validate(week(BATCHES, TRAIN, wrong=(drops_last,)))
    allowed = Variant("batches", lambda *a: [], "drops the last batch", breaks=("batches",))
    _validate(week(BATCHES, TRAIN, wrong=(allowed,)))
