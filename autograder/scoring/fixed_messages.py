"""The words of a hidden item's message: fixed, picked by what happened, never student text.

In an official run the hidden spec is in the sandbox while the hidden items
are probed, so anything the submission controls then could carry its
source, inputs or references out: an exception's message or class name, a
returned string, dict keys, a length or a shape that a check echoes. A
hidden item's message is therefore one of the texts below; the only word
taken from the sandbox is the name of a built-in exception class, checked
against Python's own list. Messages made before the hidden spec reached the
sandbox (the notebook could not be read, a name its cells did not define)
or by the grader itself (why the run stopped) are kept as they are.

The same holds for a public item that an official run probes with the
solution's implementations of the names it uses (``Item.uses``): that code
is in the sandbox then. Its texts say "in the official run" where a hidden
item's say "on a hidden test".

What a submission can still signal through a hidden item is which of these
texts it gets, its score and how long it took: a few bits per item.
"""

from __future__ import annotations

from autograder.wire.export import ItemExport

HIDDEN_TEST, OFFICIAL_RUN = "on a hidden test", "in the official run"
PASSED_TEXT = "passed"
PARTIAL_TEXT = "partly correct {where}"
WRONG_TEXT = "not correct {where}"
TIMEOUT_TEXT = (
    "stopped: it ran longer than its time limit {where}; "
    "is there an infinite loop or a very slow step?"
)
CRASHED_TEXT = (
    "the process running it ended abruptly {where}; "
    "did the code call os._exit, exit the interpreter or run out of memory?"
)
NOT_IMPLEMENTED_TEXT = "not implemented yet (NotImplementedError)"
UNGRADABLE_TEXT = "the value it returned {where} cannot be graded"
REFERENCE_SETUP_TEXT = (
    "not graded: the solution's version of a function this item uses could not be "
    "set up (a grader set-up error, not a mistake of yours)"
)
REFERENCE_SETUP_ERROR = "ReferenceSetupError"  # the harness's error type for that


def fixed_message(
    export: ItemExport | None, status: str, grader_text: str, where: str = HIDDEN_TEST
) -> str:
    """The message of a hidden item whose export is ``export`` and whose score has ``status``.

    ``grader_text`` is the message made from data that was fixed before the
    hidden spec was sent (used only when the item was not run or a name was
    missing); ``where`` says where it was probed (:data:`HIDDEN_TEST`, :data:`OFFICIAL_RUN`).
    """
    if export is None or export.status in ("not_run", "missing"):
        return grader_text
    if export.status == "ok":
        return {"passed": PASSED_TEXT, "partial": PARTIAL_TEXT}.get(status, WRONG_TEXT).format(
            where=where
        )
    if export.status == "timeout":
        return TIMEOUT_TEXT.format(where=where)
    if export.status == "crashed":
        return CRASHED_TEXT.format(where=where)
    if export.error_type == "NotImplementedError":
        return NOT_IMPLEMENTED_TEXT
    if export.error_type == "ExportError":
        return UNGRADABLE_TEXT.format(where=where)
    if export.error_type == REFERENCE_SETUP_ERROR:
        return REFERENCE_SETUP_TEXT
    name = export.builtin_type
    if not name:
        return f"raised an exception {where}"
    article = "an" if name[0] in "AEIOU" else "a"
    return f"raised {article} {name} {where}"
