"""Practice runs: an item that fails while a function it uses fails its own items says so.

And the official side: an item whose reference implementations could not be set up is a
grader error, never the student's mistake.
"""

from __future__ import annotations

from typing import Any

from autograder.scoring.compare import ERROR, ItemResult, note_failing_uses, score_item, score_items
from autograder.spec import Item, checks
from autograder.wire import exchange
from autograder.wire.export import Isolation, ItemExport, RunExport

BATCHES = Item("batches", 1, probe=lambda ns: None, check=checks.equal(), requires=("batches",))
BATCHES_EDGES = Item(
    "batches.edges", 1, probe=lambda ns: None, check=checks.equal(), requires=("batches",)
)
TRAIN = Item(
    "train",
    2,
    probe=lambda ns: None,
    check=checks.equal(),
    requires=("train", "batches"),
    uses=("batches",),
)
# tests `average` and `batches` together: its failure says nothing about `batches` alone
AVERAGE = Item(
    "average", 1, probe=lambda ns: None, check=checks.equal(), requires=("average", "batches")
)
ITEMS = [BATCHES, BATCHES_EDGES, TRAIN, AVERAGE]
REFS = {"batches": 1, "batches.edges": 1, "train": 1, "average": 1}


def run(**exports: Any) -> RunExport:
    """A run in which each item returned ``exports[name]`` (an ItemExport is used as it is)."""
    items = {}
    for item in ITEMS:
        got = exports.get(item.name.replace(".", "_"), 1)
        if not isinstance(got, ItemExport):
            got = ItemExport(item.name, None, "ok", payload=exchange.encode(got))
        items[(item.name, None)] = got
    return RunExport(items=items, cells=[], isolation=Isolation("strict", None, True, True))


def blocked(**exports: Any) -> dict[str, tuple[str, ...]]:
    results = score_items(ITEMS, run(**exports), REFS)
    note_failing_uses(ITEMS, results)
    return {r.name: r.blocked_by for r in results if r.blocked_by}


def test_a_failing_item_whose_used_function_fails_its_own_item_is_marked() -> None:
    assert blocked(batches=0, train=0) == {"train": ("batches",)}
    assert blocked(batches_edges=0, train=0) == {"train": ("batches",)}


def test_no_mark_when_the_used_function_passes_its_own_items() -> None:
    assert blocked(train=0) == {}
    # `average` fails too, but it tests itself as well: no evidence against `batches`
    assert blocked(train=0, average=0) == {}


def test_no_mark_on_an_item_that_passes_or_is_not_implemented_yet() -> None:
    assert blocked(batches=0) == {}
    stub = ItemExport("train", None, "error", error_type="NotImplementedError")
    assert blocked(batches=0, train=stub) == {}


def test_the_mark_reaches_the_record_as_names() -> None:
    results = score_items(ITEMS, run(batches=0, train=0), REFS)
    note_failing_uses(ITEMS, results)
    record = {r.name: r.as_dict() for r in results}
    assert record["train"]["blocked_by"] == ["batches"]
    assert record["batches"]["blocked_by"] == []


def test_reference_code_that_could_not_be_set_up_is_a_grader_error() -> None:
    export = ItemExport(
        "train",
        None,
        "error",
        error_type="ReferenceSetupError",
        error_message="NameError: name 'secret_helper' is not defined",
    )
    result: ItemResult = score_item(TRAIN, export, REFS, run())
    assert result.status == ERROR and result.score == 0
    assert "grader set-up error" in result.message and "secret_helper" not in result.message
