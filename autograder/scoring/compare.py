"""Trusted scoring: exported probe data against references, item by item.

Imports nothing that executes notebooks or student code. Anything the
sandbox sent that is malformed, oversized, missing or of the wrong type
scores zero for that item with a message; a check that itself fails on odd
data is contained to its item.

A practice run has no reference implementations to give an item that uses
another function (``Item.uses``), so :func:`note_failing_uses` marks each
failing item whose used function fails its own items: the report then says
to fix that function first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autograder.scoring.fixed_messages import (
    HIDDEN_TEST,
    OFFICIAL_RUN,
    REFERENCE_SETUP_ERROR,
    REFERENCE_SETUP_TEXT,
    fixed_message,
)
from autograder.spec import Item, Outcome
from autograder.wire import exchange
from autograder.wire.export import ItemExport, RunExport
from autograder.wire.text import clean_text

PASSED, PARTIAL, FAILED, ERROR = "passed", "partial", "failed", "error"
NOT_IMPLEMENTED = "not implemented yet"
MAX_MESSAGE_CHARS = 1000  # a check may echo what the submission returned


@dataclass
class ItemResult:
    """The score of one item (a row of the results record, and of every report)."""

    name: str
    score: float
    max_score: float
    status: str
    message: str
    hidden: bool
    hint: str = ""
    seconds: float = 0.0
    # the functions this item uses whose own items fail too (practice runs; names, never values)
    blocked_by: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": self.score,
            "max_score": self.max_score,
            "status": self.status,
            "message": self.message,
            "visibility": "hidden" if self.hidden else "public",
            "hint": self.hint if self.status != PASSED else "",
            "seconds": self.seconds,
            "blocked_by": list(self.blocked_by),
        }


def score_items(
    items: list[Item],
    run: RunExport,
    references: dict[str, Any],
    variant: str | None = None,
) -> list[ItemResult]:
    """Score ``items`` of one run (of the base notebook, or of one variant)."""
    return [
        score_item(item, run.items.get((item.name, variant)), references, run) for item in items
    ]


def note_failing_uses(items: list[Item], results: list[ItemResult]) -> None:
    """Set ``blocked_by`` on each failing item that uses a function whose own items fail.

    A function's own items are those that test it alone (it is the one name
    they require without only using it): one that fails is evidence that the
    function is wrong, so the item that uses it may fail only because of it.
    For runs without reference implementations; ``results`` are ``items``'s, in order.
    """
    failing = {r.name for r in results if r.status != PASSED}

    def fails_alone(name: str) -> bool:
        return any(i.name in failing and set(i.requires) - set(i.uses) == {name} for i in items)

    for item, result in zip(items, results, strict=True):
        # an untouched stub fails on its own, whatever it uses
        if result.name in failing and not result.message.startswith(NOT_IMPLEMENTED):
            result.blocked_by = tuple(name for name in item.uses if fails_alone(name))


def score_item(
    item: Item, export: ItemExport | None, references: dict[str, Any], run: RunExport
) -> ItemResult:
    if item.name not in references:
        return _result(
            item,
            Outcome(0.0, "no reference output for this item (grader set-up error)"),
            ERROR,
            export,
        )
    if export is not None and export.error_type == REFERENCE_SETUP_ERROR:
        return _result(item, Outcome(0.0, REFERENCE_SETUP_TEXT), ERROR, export)
    outcome = _outcome(item, export, references[item.name], run)
    if outcome.passed:
        status = PASSED
    elif outcome.fraction > 0:
        status = PARTIAL
    else:
        status = FAILED
    return _result(item, outcome, status, export)


def _result(item: Item, outcome: Outcome, status: str, export: ItemExport | None) -> ItemResult:
    message = outcome.text(reveal=not item.hidden)  # the one place the reveal rule is applied
    # and the rule that no student text leaves with what was probed once the hidden spec was in
    # the sandbox (a release's variants excepted: the instructor's solution, not a student's)
    probed_late = export is not None and export.after_private and export.variant is None
    if item.hidden or probed_late:
        message = fixed_message(
            export, status, message, HIDDEN_TEST if item.hidden else OFFICIAL_RUN
        )
    return ItemResult(
        name=item.name,
        score=round(item.points * outcome.fraction, 6),
        max_score=item.points,
        status=status,
        message=clean_text(message, MAX_MESSAGE_CHARS),
        hidden=item.hidden,
        hint=item.hint,
        seconds=export.seconds if export else 0.0,
    )


def _outcome(item: Item, export: ItemExport | None, reference: Any, run: RunExport) -> Outcome:
    reveal = not item.hidden
    if export is None or export.status == "not_run":
        if run.notebook_error:
            return Outcome(0.0, f"the notebook could not be read: {run.notebook_error}")
        reason = run.fatal or "the grader did not reach this item"
        return Outcome(0.0, f"not graded: {reason}")
    if export.status == "missing":
        missing = [n for n in export.missing if n in item.requires] or list(item.requires)
        names = ", ".join(f"`{n}`" for n in missing)
        cause = run.cell_error_for(missing)
        skipped = _skipped_cause(run)
        text = f"{names or 'a name it needs'} is not defined"
        if cause:
            text += f": the cell defining it raised {cause}"
        elif skipped:
            text += f"; {skipped}"
        return Outcome(0.0, text)
    if export.status != "ok":
        return Outcome(0.0, _error_text(item, export, reveal))
    assert export.payload is not None
    try:
        got = exchange.decode(*export.payload)
    except exchange.ExchangeError as error:
        return Outcome(0.0, f"the returned value cannot be graded: {error}")
    try:
        outcome = item.check(got, reference, reveal)
    except Exception as error:  # odd data may break a check: it costs this item only
        return Outcome(0.0, f"the returned value has an unexpected form ({type(error).__name__})")
    if type(outcome) is not Outcome or not math.isfinite(outcome.fraction):
        return Outcome(0.0, "the check of this item returned no verdict (grader set-up error)")
    return outcome


def _error_text(item: Item, export: ItemExport, reveal: bool) -> str:
    where = f" ({export.location})" if export.location else ""
    if export.status == "timeout":
        return f"stopped: {export.error_message}{where}; is there an infinite loop or a very slow step?"
    if export.status == "crashed":
        return export.error_message
    if export.error_type == "NotImplementedError":
        return f"{NOT_IMPLEMENTED} (NotImplementedError{where})"
    if export.error_type == "ExportError":
        return f"the returned value cannot be graded: {export.error_message}"
    if not reveal:  # the message may quote hidden inputs
        return f"raised {export.error_type}{where} on a hidden test"
    text = f"raised {export.error_type}{where}"
    return f"{text}: {export.error_message}" if export.error_message else text


def _skipped_cause(run: RunExport) -> str:
    if not run.skipped_cells:
        return ""
    return "; ".join(f"{reason} and was skipped" for _, reason in sorted(run.skipped_cells.items()))
