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

What a submission can still signal through a hidden item is which of these
texts it gets, its score and how long it took: a few bits per item.
"""

from __future__ import annotations

from autograder.wire.export import ItemExport

PASSED_TEXT = "passed"
PARTIAL_TEXT = "partly correct on a hidden test"
WRONG_TEXT = "not correct on a hidden test"
TIMEOUT_TEXT = (
    "stopped: it ran longer than its time limit on a hidden test; "
    "is there an infinite loop or a very slow step?"
)
CRASHED_TEXT = (
    "the process running it ended abruptly on a hidden test; "
    "did the code call os._exit, exit the interpreter or run out of memory?"
)
NOT_IMPLEMENTED_TEXT = "not implemented yet (NotImplementedError)"
UNGRADABLE_TEXT = "the value it returned on a hidden test cannot be graded"


def fixed_message(export: ItemExport | None, status: str, grader_text: str) -> str:
    """The message of a hidden item whose export is ``export`` and whose score has ``status``.

    ``grader_text`` is the message made from data that was fixed before the
    hidden spec was sent (used only when the item was not run or a name was missing).
    """
    if export is None or export.status in ("not_run", "missing"):
        return grader_text
    if export.status == "ok":
        return {"passed": PASSED_TEXT, "partial": PARTIAL_TEXT}.get(status, WRONG_TEXT)
    if export.status == "timeout":
        return TIMEOUT_TEXT
    if export.status == "crashed":
        return CRASHED_TEXT
    if export.error_type == "NotImplementedError":
        return NOT_IMPLEMENTED_TEXT
    if export.error_type == "ExportError":
        return UNGRADABLE_TEXT
    name = export.builtin_type
    if not name:
        return "raised an exception on a hidden test"
    article = "an" if name[0] in "AEIOU" else "a"
    return f"raised {article} {name} on a hidden test"
