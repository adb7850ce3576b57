"""A hidden item's message is fixed wording, whatever the sandbox sent with it."""

from __future__ import annotations

from typing import Any

import pytest

from autograder.scoring.compare import score_item
from autograder.spec import Item, Outcome
from autograder.wire import exchange, framing
from autograder.wire.export import CellExport, Isolation, ItemExport, RunExport, item_export

LEAK = "LEAK_0_8166666666666667_hidden_input"


def _echo_check(got: Any, ref: Any, reveal: bool) -> Outcome:
    """An author's slip: the message (not the detail) echoes what came back."""
    if got == ref:
        return Outcome(1.0, "passed")
    return Outcome(0.0, f"expected the keys {sorted(ref)}, got {sorted(got)}", f"got {got}")


def _item(hidden: bool) -> Item:
    return Item("x", 2, probe=lambda ns: None, check=_echo_check, requires=("f",), hidden=hidden)


def _run() -> RunExport:
    return RunExport(items={}, cells=[], isolation=Isolation("strict", 61000, True, True))


def _export(**fields: Any) -> ItemExport:
    header = {"type": "item", "item": "x", "variant": None, **fields}
    blobs = [fields.pop("doc"), b""] if "doc" in fields else []
    header.pop("doc", None)
    return item_export(framing.Frame(header, blobs))


FORGED = [
    {"status": "error", "error_type": LEAK, "error_message": LEAK, "location": f"cell {LEAK}"},
    {"status": "error", "error_type": "ValueError", "builtin_type": LEAK, "error_message": LEAK},
    {"status": "timeout", "error_message": LEAK},
    {"status": "crashed", "error_message": LEAK},
    {"status": "error", "error_type": "ExportError", "error_message": LEAK},
    {"status": "missing", "missing": [LEAK, "f"]},
    {"status": "ok", "doc": exchange.encode({LEAK: 1})[0]},
]


@pytest.mark.parametrize("fields", FORGED, ids=[str(i) for i in range(len(FORGED))])
def test_nothing_the_sandbox_sent_reaches_a_hidden_items_message(fields: dict[str, Any]) -> None:
    result = score_item(_item(hidden=True), _export(**fields), {"x": {"k": 1}}, _run())
    assert result.score == 0
    assert LEAK not in result.message and "0_8166" not in result.message, result.message


def test_the_same_export_of_a_public_item_keeps_its_words() -> None:
    leaky = _export(status="ok", doc=exchange.encode({"echoed": 1})[0])
    result = score_item(_item(hidden=False), leaky, {"x": {"k": 1}}, _run())
    assert "echoed" in result.message  # public: the student sees what came back


def test_a_hidden_item_names_only_a_built_in_exception_class() -> None:
    student_class = _export(status="error", error_type="NotFitted", builtin_type="RuntimeError")
    result = score_item(_item(hidden=True), student_class, {"x": 1}, _run())
    assert result.message == "raised a RuntimeError on a hidden test"
    forged = _export(status="error", error_type="ValueError", builtin_type="MyError")
    assert score_item(_item(hidden=True), forged, {"x": 1}, _run()).message == (
        "raised an exception on a hidden test"
    )


def test_a_public_item_probed_after_the_hidden_spec_arrived_is_worded_like_a_hidden_one() -> None:
    late = _export(status="error", error_type="ValueError", error_message=LEAK)
    late.after_private = True
    result = score_item(_item(hidden=False), late, {"x": 1}, _run())
    assert LEAK not in result.message
    # it is no hidden test: an official run probed it with the solution's code of what it uses
    assert result.message == "raised an exception in the official run"


def test_a_missing_name_is_one_the_item_requires_and_the_cause_comes_from_before() -> None:
    run = _run()
    run.add_cell(
        CellExport(
            3,
            4,
            0.1,
            {"error_type": "NameError", "error_message": "typo", "location": "cell 4, line 1"},
            ("f",),
        )
    )
    result = score_item(
        _item(hidden=True), _export(status="missing", missing=[LEAK]), {"x": 1}, run
    )
    assert result.message.startswith("`f` is not defined: the cell defining it raised NameError")
    assert LEAK not in result.message


def test_every_message_is_capped() -> None:
    huge = _export(status="ok", doc=exchange.encode({str(i): i for i in range(50_000)})[0])
    result = score_item(_item(hidden=False), huge, {"x": {"k": 1}}, _run())
    assert len(result.message) <= 1000
