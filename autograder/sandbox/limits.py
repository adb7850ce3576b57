"""The resource limits of one sandboxed run (defaults suit a 2-core CI runner)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed run. Defaults suit a 2-core CI runner."""

    run_seconds: float = 600.0
    cell_seconds: float = 120.0
    item_seconds: float = 300.0  # caps every item's own timeout (tests set it low)
    memory_bytes: int = 8 << 30  # address space: torch maps a lot of it without touching it
    processes: int = 256  # tasks (threads count) of the sandbox uid
    file_bytes: int = 64 << 20
    open_files: int = 1024
    tmp_bytes: int = 512 << 20
    output_bytes_kept: int = 64 << 10
    startup_seconds: float = 120.0  # the harness's own imports, before any student code

    @property
    def cell_grace(self) -> float:
        """How long past ``cell_seconds`` the supervisor waits before killing a cell
        that ignores its in-process alarm (the alarm normally ends it first)."""
        return min(5.0, 1.0 + self.cell_seconds / 2)
