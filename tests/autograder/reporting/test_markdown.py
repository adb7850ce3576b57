"""The Markdown report: an item that fails only with a function it uses points at that function."""

from __future__ import annotations

from typing import Any

from autograder.reporting.markdown import markdown
from autograder.scoring.compare import ItemResult
from autograder.scoring.results import Results


def record(*tests: ItemResult) -> dict[str, Any]:
    results = Results("week03", "practice", list(tests), {"sha256": "0" * 64}, {"version": "0"})
    return results.as_dict()


BATCHES = ItemResult(
    "iterate_minibatches", 0, 1, "failed", "expected 4 batches, got 3", False, "keep the last batch"
)
TRAIN = ItemResult(
    "train_softmax",
    1,
    2,
    "partial",
    "mini_batch losses: values differ",
    False,
    "seed + 1 + e for epoch e",
    blocked_by=("iterate_minibatches",),
)


def test_a_blocked_item_names_the_function_to_fix_first_instead_of_its_own_hint() -> None:
    text = markdown(record(BATCHES, TRAIN))
    row = next(line for line in text.splitlines() if line.startswith("| 🟡 | `train_softmax`"))
    assert "may fail only because `iterate_minibatches` does: fix that first" in row
    assert "mini_batch losses: values differ" in row, "its own message stays"
    hints = text.split("### Hints")[1]
    assert "- `train_softmax`: may fail only because `iterate_minibatches` does" in hints
    assert "seed + 1 + e" not in hints, "its own hint would send the student to correct code"
    assert "keep the last batch" in hints


def test_several_failing_functions_are_all_named() -> None:
    both = ItemResult("train_softmax", 0, 2, "failed", "W differs", False, blocked_by=("a", "b"))
    assert "may fail only because `a` and `b` do: fix that first" in markdown(record(both))


def test_an_item_that_is_not_blocked_keeps_its_hint() -> None:
    alone = ItemResult("train_softmax", 1, 2, "partial", "W differs", False, "seed + 1 + e")
    text = markdown(record(alone))
    assert "fix that first" not in text and "- `train_softmax`: seed + 1 + e" in text
