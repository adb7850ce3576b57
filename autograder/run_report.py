"""What one sandboxed run reported: per-cell and per-item records (plain data).

Shared by the supervisor that fills it in and the trusted scorer that reads
it; this module runs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


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
class ItemReport:
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
class CellReport:
    index: int
    number: int
    seconds: float
    error: dict[str, Any] | None
    defines: tuple[str, ...] = ()


@dataclass
class RunReport:
    items: dict[tuple[str, str | None], ItemReport]
    cells: list[CellReport]
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
