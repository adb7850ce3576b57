"""What one sandboxed run exported: per-cell and per-item records (plain data).

The supervisor fills a :class:`RunExport` from the frames the child sent,
through the validators at the end of this module (every field the child
controls is type-checked and length-capped here, once); the trusted scorer
reads it. This module runs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograder.wire.framing import Frame


@dataclass(frozen=True)
class Isolation:
    """What the sandbox could isolate on this machine."""

    mode: str
    uid: int | None
    network_isolated: bool
    filesystem_hidden: bool
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        net = "no network" if self.network_isolated else "network NOT isolated"
        fs = "private paths hidden" if self.filesystem_hidden else "file system NOT isolated"
        user = (
            f"dedicated uid from {self.uid}" if self.uid is not None else "same uid as the grader"
        )
        return f"{self.mode} sandbox ({net}, {fs}, {user})"


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


@dataclass
class CellExport:
    index: int
    number: int
    seconds: float
    error: dict[str, Any] | None
    defines: tuple[str, ...] = ()


@dataclass
class RunExport:
    items: dict[tuple[str, str | None], ItemExport]
    cells: list[CellExport]
    isolation: Isolation
    notebook_error: str | None = None
    fatal: str | None = None
    output_tail: str = ""
    output_bytes: int = 0
    attempts: int = 1
    seconds: float = 0.0
    skipped_cells: dict[int, str] = field(default_factory=dict)

    def cell_error_for(self, names: Sequence[str]) -> str:
        """The error of the cell that defines any of ``names`` (or of a skipped one)."""
        for cell in self.cells:
            if cell.error and set(names) & set(cell.defines):
                e = cell.error
                where = f" ({e['location']})" if e.get("location") else ""
                return f"{e['error_type']}: {e['error_message']}{where}".strip()
        return ""


# --------------------------------------------------------------------------- validators
ITEM_STATUSES = frozenset({"ok", "error", "timeout", "crashed", "missing"})


def as_int(value: Any) -> int:
    return value if type(value) is int else -1


def as_seconds(value: Any) -> float:
    return float(value) if type(value) in (int, float) and math.isfinite(value) else 0.0


def as_list(value: Any) -> list[Any]:
    return value if type(value) is list else []


def cell_error(error: Any) -> dict[str, Any] | None:
    """A cell's error as three short strings (whatever the sandbox sent)."""
    if not isinstance(error, dict):
        return None
    return {
        key: str(error.get(key, ""))[:limit]
        for key, limit in (("error_type", 80), ("error_message", 500), ("location", 80))
    }


def cell_export(header: dict[str, Any]) -> CellExport:
    """The record of one ``cell_end`` frame."""
    return CellExport(
        as_int(header.get("cell")),
        as_int(header.get("number")),
        as_seconds(header.get("seconds")),
        cell_error(header.get("error")),
        tuple(str(d)[:100] for d in as_list(header.get("defines"))[:50]),
    )


def item_export(frame: Frame) -> ItemExport:
    """The record of one ``item`` frame: status, payload (JSON + ``.npz``) or error."""
    h = frame.header
    payload = (
        (frame.blobs[0], frame.blobs[1])
        if h.get("status") == "ok" and len(frame.blobs) == 2
        else None
    )
    status = str(h.get("status", "error"))
    if status not in ITEM_STATUSES:
        status = "error"
    if status == "ok" and payload is None:
        status = "error"
    return ItemExport(
        name=str(h.get("item", "")),
        variant=h.get("variant") if isinstance(h.get("variant"), str) else None,
        status=status,
        payload=payload,
        error_type=str(h.get("error_type", ""))[:80],
        error_message=str(h.get("error_message", ""))[:500],
        location=str(h.get("location", ""))[:80],
        missing=tuple(str(m)[:100] for m in as_list(h.get("missing"))[:20] if isinstance(m, str)),
        seconds=as_seconds(h.get("seconds")),
    )
