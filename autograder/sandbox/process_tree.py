"""The process tree as ``/proc`` shows it, and ending a subtree that keeps forking.

:func:`end_tree` first stops every process of the tree (a stopped process
cannot fork), scanning again until no new one appears, and only then kills
them all: a fork bomb cannot outrun it the way it outruns killing alone.

Used by the harness (inside the sandbox, for what the notebook left
running) and by the supervisor (for what a run left behind in weak mode as
an ordinary user), so it imports nothing of the grader.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

PASSES = 50


@dataclass(frozen=True)
class Task:
    ppid: int
    session: int
    state: str  # R, S, D, T, Z ... as in ps
    started: int  # clock ticks after boot: with the pid, names one process for good


def process_table() -> dict[int, Task]:
    """Every process this one can see, from ``/proc/<pid>/stat``."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(os.path.join(entry.path, "stat"), "rb") as stream:
                data = stream.read(4096)
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2 :].split()  # the name in parentheses may hold anything
        with contextlib.suppress(IndexError, ValueError):
            table[int(entry.name)] = Task(
                int(fields[1]), int(fields[3]), fields[0].decode(), int(fields[19])
            )
    return table


def descendants(roots: set[int], table: dict[int, Task]) -> set[int]:
    """Every process below ``roots`` (not the roots themselves)."""
    children: dict[int, list[int]] = {}
    for pid, task in table.items():
        children.setdefault(task.ppid, []).append(pid)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def end_tree(select: Callable[[dict[int, Task]], set[int]]) -> set[int]:
    """Stop, then kill, every live process ``select(table)`` names (asked again each scan).

    Returns the pids of those still alive and not zombies afterwards.
    """
    stopped: set[int] = set()
    for _ in range(PASSES):
        table = process_table()
        new = {p for p in select(table) - stopped if p in table and table[p].state not in "ZX"}
        if not new:
            break
        for pid in new:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGSTOP)
        stopped |= new
    for pid in stopped:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for _ in range(100):  # SIGKILL takes effect at once, but the kernel may still be on it
        table = process_table()
        alive = {p for p in stopped if p in table and table[p].state not in "ZX"}
        if not alive:
            return set()
        time.sleep(0.01)
    return alive
