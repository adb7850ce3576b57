"""What one sandboxed run exported: per-cell and per-item records (plain data).

The supervisor fills a :class:`RunExport` from the frames the child sent,
through the validators at the end of this module: every field the child
controls is type-checked, range-checked and cleaned here, once (text by
:func:`autograder.wire.text.clean_text`); the trusted scorer reads it. This
module runs nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograder.wire.exception_names import builtin_name
from autograder.wire.framing import Frame
from autograder.wire.text import clean_text, first_line

MAX_TYPE_CHARS, MAX_MESSAGE_CHARS, MAX_LOCATION_CHARS = 80, 500, 80
MAX_NAME_CHARS, MAX_NAMES = 80, 20
SHORT_MESSAGE_CHARS = 160  # a cell's error as a note: its first line, this long at most
MAX_CELLS_KEPT = 1000  # cells beyond this are counted, not kept
MAX_COUNT = 10**9  # cell numbers, execution counts, line numbers


@dataclass(frozen=True)
class Isolation:
    """What the sandbox could isolate on this machine (every results record carries it)."""

    mode: str
    uid: int | None
    network_isolated: bool
    filesystem_hidden: bool
    notes: tuple[str, ...] = ()
    ipc_isolated: bool = False  # System V and POSIX IPC: a namespace of its own
    processes_isolated: bool = False  # a PID namespace: it sees and signals only its own
    keyring_isolated: bool = False  # no kernel keyring reachable (shared ones refused)

    def summary(self) -> str:
        net = "no network" if self.network_isolated else "network NOT isolated"
        fs = "private paths hidden" if self.filesystem_hidden else "file system NOT isolated"
        ipc = "private IPC" if self.ipc_isolated else "IPC NOT isolated"
        pids = "own processes only" if self.processes_isolated else "processes NOT isolated"
        keys = "no keyring" if self.keyring_isolated else "keyring NOT isolated"
        user = (
            f"dedicated uid from {self.uid}" if self.uid is not None else "same uid as the grader"
        )
        return f"{self.mode} sandbox ({net}, {fs}, {ipc}, {pids}, {keys}, {user})"


@dataclass
class ItemExport:
    name: str
    variant: str | None
    status: str  # ok | error | timeout | crashed | missing | not_run
    payload: tuple[bytes, bytes] | None = None
    error_type: str = ""
    error_message: str = ""
    location: str = ""
    missing: tuple[str, ...] = ()
    seconds: float = 0.0
    builtin_type: str = ""  # the most specific built-in class of the exception, or ""
    # probed after the job's private part reached the sandbox: its text may carry that part
    after_private: bool = False


@dataclass
class CellExport:
    index: int
    number: int  # its position among all the notebook's cells, from 1, as Jupyter shows it
    seconds: float
    error: dict[str, Any] | None
    defines: tuple[str, ...] = ()
    execution_count: int | None = None

    @property
    def label(self) -> str:
        return cell_label(self.number, self.execution_count)


@dataclass
class RunExport:
    items: dict[tuple[str, str | None], ItemExport]
    cells: list[CellExport]  # the first MAX_CELLS_KEPT cells that ran
    isolation: Isolation
    notebook_error: str | None = None
    fatal: str | None = None
    output_tail: str = ""
    output_bytes: int = 0
    attempts: int = 1
    seconds: float = 0.0
    skipped_cells: dict[int, str] = field(default_factory=dict)
    cells_run: int = 0  # every cell that ran, kept or not
    cells_failed: int = 0  # every cell that raised, kept or not
    stray_processes: int = 0  # processes of the run still alive after its clean-up

    def add_cell(self, cell: CellExport) -> None:
        """Count ``cell`` and keep it while fewer than MAX_CELLS_KEPT are kept."""
        self.cells_run += 1
        self.cells_failed += cell.error is not None
        if len(self.cells) < MAX_CELLS_KEPT:
            self.cells.append(cell)

    def cell_error_for(self, names: Sequence[str]) -> str:
        """The error of the cell that defines any of ``names``, as one short line."""
        for cell in self.cells:
            if cell.error and set(names) & set(cell.defines):
                return short_error(cell.error)
        return ""


def cell_label(number: int, execution_count: int | None = None) -> str:
    """How Jupyter shows a cell: ``cell 7``, or ``cell 7 (In [3])`` once it has run."""
    return f"cell {number}" + (f" (In [{execution_count}])" if execution_count is not None else "")


def short_error(error: dict[str, Any]) -> str:
    """``Type: first line of the message (where)``, at most a couple of hundred characters."""
    message = first_line(error.get("error_message", ""), SHORT_MESSAGE_CHARS)
    where = f" ({error['location']})" if error.get("location") else ""
    return f"{error.get('error_type', '')}: {message}{where}".strip(" :")


# --------------------------------------------------------------------------- validators
ITEM_STATUSES = frozenset({"ok", "error", "timeout", "crashed", "missing"})
# what the harness writes as a location: the cell as Jupyter numbers it, then the line
_LOCATION = re.compile(r"cell \d{1,9}(?: \(In \[\d{1,9}\]\))?(?:, line \d{1,9})?")


def as_int(value: Any) -> int:
    """A count the sandbox sent (a cell number, a line), or -1 when it is not a plain one."""
    return value if type(value) is int and 0 <= value < MAX_COUNT else -1


def as_seconds(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return max(0.0, value)
    return float(value) if type(value) is int and 0 <= value < MAX_COUNT else 0.0


def as_list(value: Any) -> list[Any]:
    return value if type(value) is list else []


def as_location(value: Any) -> str:
    """A location such as ``cell 7 (In [3]), line 2``; anything else the sandbox sent is dropped."""
    return value if type(value) is str and _LOCATION.fullmatch(value) else ""


def as_names(value: Any, limit: int = MAX_NAMES) -> tuple[str, ...]:
    """Python identifiers the sandbox sent (defined or missing names); others are dropped."""
    names = [v for v in as_list(value)[: 4 * limit] if type(v) is str and v.isidentifier()]
    return tuple(n for n in names if len(n) <= MAX_NAME_CHARS)[:limit]


def cell_error(error: Any) -> dict[str, Any] | None:
    """A cell's error as three short, clean strings (whatever the sandbox sent)."""
    if not isinstance(error, dict):
        return None
    return {
        "error_type": clean_text(error.get("error_type"), MAX_TYPE_CHARS),
        "error_message": clean_text(error.get("error_message"), MAX_MESSAGE_CHARS),
        "location": as_location(error.get("location")),
    }


def cell_export(header: dict[str, Any]) -> CellExport:
    """The record of one ``cell_end`` frame."""
    count = as_int(header.get("execution_count"))
    return CellExport(
        as_int(header.get("cell")),
        as_int(header.get("number")),
        as_seconds(header.get("seconds")),
        cell_error(header.get("error")),
        as_names(header.get("defines")),
        count if count >= 0 else None,
    )


def notebook_error(header: dict[str, Any]) -> str:
    """Why the harness could not read the notebook (one clean line)."""
    return first_line(header.get("message"), 300) or "the notebook is not valid JSON"


def item_export(frame: Frame) -> ItemExport:
    """The record of one ``item`` frame: status, payload (JSON + ``.npz``) or error."""
    h = frame.header
    payload = (
        (frame.blobs[0], frame.blobs[1])
        if h.get("status") == "ok" and len(frame.blobs) == 2
        else None
    )
    status = h.get("status")
    status = status if type(status) is str and status in ITEM_STATUSES else "error"
    if status == "ok" and payload is None:
        status = "error"
    return ItemExport(
        name=clean_text(h.get("item"), 200),
        variant=clean_text(h.get("variant"), 200) if type(h.get("variant")) is str else None,
        status=status,
        payload=payload,
        error_type=clean_text(h.get("error_type"), MAX_TYPE_CHARS),
        error_message=clean_text(h.get("error_message"), MAX_MESSAGE_CHARS),
        location=as_location(h.get("location")),
        missing=as_names(h.get("missing")),
        seconds=as_seconds(h.get("seconds")),
        builtin_type=builtin_name(h.get("builtin_type")),
    )
