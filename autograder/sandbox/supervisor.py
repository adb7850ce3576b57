"""Start and supervise the untrusted child that runs a submission (this runs in the trusted parent).

The child runs :mod:`autograder.sandbox.harness` with an isolated
interpreter (``python -I``: no user site, no ``PYTHONPATH``, no current
directory on ``sys.path``) and a clean environment, in a fresh empty working
directory, isolated as :mod:`autograder.sandbox.isolation` allows.

One *attempt* is three parts: :func:`_spawn` starts the child and feeds it
the job, a :class:`_Watchdog` enforces the wall-clock limits per cell, per
item and per run (and the disk cap in weak mode), and a :class:`_FrameReader`
turns what the child sends into the run's export. A cell that hangs (even
one that ignores signals) or kills the interpreter is skipped on the next
attempt, so it costs only what depends on it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autograder.files import MAX_NOTEBOOK_BYTES
from autograder.sandbox.isolation import (
    PACKAGE_ROOT,
    clean_env,
    enter_sandbox,
    hideable,
    isolation,
    process_limit,
    protect_grader_process,
)
from autograder.sandbox.limits import Limits
from autograder.sandbox.strays import kill_run
from autograder.sandbox.uids import lease_uid
from autograder.wire import framing
from autograder.wire.export import (
    Isolation,
    ItemExport,
    RunExport,
    as_int,
    cell_export,
    item_export,
)

BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from autograder.sandbox.harness import main; main(int(sys.argv[1]))"
)
MAX_ATTEMPTS = 3


@dataclass
class HarnessJob:
    """What to send the harness: the notebook and the spec sources, which items to probe.

    ``reference_code`` is the source of the reference implementations that items
    using other names are probed with (official runs only; private like the
    hidden spec, see :mod:`autograder.instructor.reference_code`).
    """

    notebook: bytes
    specs: list[tuple[str, str, bytes]]  # (role, filename, source)
    items: list[str]
    variants: list[dict[str, Any]] = field(default_factory=list)
    reference_code: bytes = b""
    # probes run in parallel forks: 2 on a 2-core machine for one submission; a batch
    # that already grades several submissions at once passes 1
    item_workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))

    def expected_keys(self) -> set[tuple[str, str | None]]:
        """(item, variant) pairs the child is asked to report: any other frame is forged."""
        keys: set[tuple[str, str | None]] = {(name, None) for name in self.items}
        for request in self.variants:
            keys.update((name, request["key"]) for name in request["items"])
        return keys


def run_in_sandbox(
    job: HarnessJob,
    *,
    limits: Limits | None = None,
    hide: Sequence[str | os.PathLike[str]] = (),
) -> RunExport:
    """Run ``job`` in the sandbox, restarting past cells that hang or kill the interpreter."""
    limits = limits or Limits()
    iso = isolation()
    hidden_paths = hideable(hide)
    export = RunExport(items={}, cells=[], isolation=iso)
    started = time.monotonic()
    if len(job.notebook) > MAX_NOTEBOOK_BYTES:
        export.notebook_error = (
            f"the notebook is {len(job.notebook) / 2**20:.0f} MiB; "
            f"the limit is {MAX_NOTEBOOK_BYTES >> 20} MiB (clear large outputs and save again)"
        )
        return _finish(export, job, {}, started)
    skip: dict[int, str] = {}
    lease = lease_uid() if iso.uid is not None else None
    if lease is None:
        protect_grader_process()
    try:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            export.attempts = attempt
            retry = _attempt(
                job, limits, iso, lease.uid if lease else None, hidden_paths, skip, export, started
            )
            if retry is None:
                break
            skip[retry[0]] = retry[1]
        else:
            export.fatal = export.fatal or "the submission stopped the grader repeatedly"
    finally:
        if lease is not None:
            lease.release()
    return _finish(export, job, skip, started)


def _finish(export: RunExport, job: HarnessJob, skip: dict[int, str], started: float) -> RunExport:
    export.skipped_cells = skip
    for name in job.items:
        export.items.setdefault((name, None), ItemExport(name, None, "not_run"))
    for request in job.variants:
        for name in request["items"]:
            key = (name, request["key"])
            export.items.setdefault(key, ItemExport(name, request["key"], "not_run"))
    export.seconds = round(time.monotonic() - started, 3)
    return export


# --------------------------------------------------------------------------- one attempt
@dataclass
class _Child:
    """A started harness: its process, the results pipe, its working folder and tag."""

    process: subprocess.Popen[bytes]
    results_fd: int
    workdir: str
    run_tag: str
    drain: _OutputDrain


def _spawn(
    job: HarnessJob,
    limits: Limits,
    iso: Isolation,
    uid: int | None,
    hide: tuple[str, ...],
    skip: dict[int, str],
    export: RunExport,
) -> _Child:
    """Start the harness in its sandbox and feed it the job on stdin (from a thread)."""
    run_tag = secrets.token_hex(16)
    if iso.mode == "weak":
        workdir = tempfile.mkdtemp(prefix="autograder-")
        if uid is not None:
            os.chown(workdir, uid, uid)
    else:
        workdir = "/tmp/submission"
    read_fd, write_fd = os.pipe()
    header = {
        "type": "job",
        "specs": [{"role": role, "filename": filename} for role, filename, _ in job.specs],
        "items": job.items,
        "variants": job.variants,
        "skip_cells": sorted(skip),
        "cell_timeout": limits.cell_seconds,
        "item_timeout_cap": limits.item_seconds,
        "item_workers": job.item_workers,
        "dedicated_uid": uid is not None,
        "already_done": [[k[0], k[1]] for k, v in export.items.items() if v.status != "not_run"],
        "reference_code": bool(job.reference_code),
    }
    blobs = [job.notebook, *(source for _, _, source in job.specs)]
    payload = framing.pack(header, *blobs, *([job.reference_code] if job.reference_code else []))
    process = subprocess.Popen(
        [sys.executable, "-I", "-c", BOOT, str(write_fd), PACKAGE_ROOT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        pass_fds=(write_fd,),
        env=clean_env(workdir, run_tag),
        start_new_session=True,
        preexec_fn=functools.partial(
            enter_sandbox, iso.mode, uid, limits, hide, workdir, process_limit(uid, limits)
        ),
    )
    os.close(write_fd)
    drain = _OutputDrain(process.stdout, limits.output_bytes_kept)
    drain.start()
    threading.Thread(target=_feed_stdin, args=(process.stdin, payload), daemon=True).start()
    return _Child(process, read_fd, workdir, run_tag, drain)


class _FrameReader:
    """Applies the child's frames to the export: cells, items, the phase of the run."""

    def __init__(self, export: RunExport, expected: set[tuple[str, str | None]]) -> None:
        self.export = export
        self.expected = expected
        self.phase = "startup"  # startup -> cells -> items
        self.current_cell: tuple[int, float, int] | None = None  # (index, started, number)
        self.finished = False

    def apply(self, frame: framing.Frame) -> None:
        kind, h = frame.kind, frame.header
        if kind == "cell_start" and self.phase != "items":
            self.phase = "cells"
            self.current_cell = (as_int(h.get("cell")), time.monotonic(), as_int(h.get("number")))
        elif kind == "cell_end" and self.current_cell is not None:
            self.current_cell = None
            self.export.cells.append(cell_export(h))
        elif kind == "cells_done":
            self.phase, self.current_cell = "items", None
        elif kind == "notebook_error":
            self.export.notebook_error = str(h.get("message", ""))[:300]
        elif kind == "item":
            self._item(item_export(frame))
        elif kind == "done":
            self.finished = True

    def _item(self, item: ItemExport) -> None:
        key = (item.name, item.variant)
        if key not in self.expected:
            return  # not asked for: a forged frame, ignored
        previous = self.export.items.get(key)
        if previous is not None and previous.status != "not_run":
            # only the submission itself can write a second report for an item
            self.export.items[key] = ItemExport(
                item.name,
                item.variant,
                "error",
                error_type="ExportError",
                error_message="this item was reported twice: the notebook wrote "
                "to the grader's result channel",
            )
        else:
            self.export.items[key] = item


@dataclass
class _Watchdog:
    """The wall-clock limits of one attempt (and, in weak mode, the working folder's size)."""

    limits: Limits
    started: float  # of the whole run, across attempts
    workdir: str
    watch_disk: bool
    last_frame: float = field(default_factory=time.monotonic)
    last_disk_check: float = 0.0

    def verdict(self, frames: _FrameReader) -> tuple[str, tuple[int, str] | None] | None:
        """None while all is well; else (fatal message, or "" with the cell to skip and why)."""
        now = time.monotonic()
        limits, cell = self.limits, frames.current_cell
        if now - self.started > limits.run_seconds:
            return f"grading stopped after the run limit of {limits.run_seconds:g} s", None
        if cell is not None and now - cell[1] > limits.cell_seconds + limits.cell_grace:
            return "", (cell[0], f"cell {cell[2]} ran longer than {limits.cell_seconds:g} s")
        if cell is None:
            allowed = (
                limits.item_seconds + 15 if frames.phase == "items" else limits.startup_seconds
            )
            if now - self.last_frame > allowed:
                return "the sandboxed process stopped answering", None
        if self.watch_disk and now - self.last_disk_check > 0.5:
            self.last_disk_check = now
            if _disk_usage(self.workdir) > limits.tmp_bytes:
                wrote = f"wrote more than {limits.tmp_bytes >> 20} MiB of files"
                if cell is not None:
                    return "", (cell[0], f"cell {cell[2]} {wrote}")
                return f"the notebook {wrote}; grading stopped", None
        return None


def _attempt(
    job: HarnessJob,
    limits: Limits,
    iso: Isolation,
    uid: int | None,
    hide: tuple[str, ...],
    skip: dict[int, str],
    export: RunExport,
    started: float,
) -> tuple[int, str] | None:
    """One run of the harness. Returns (cell, reason) when that cell must be skipped and retried."""
    export.cells = []
    child = _spawn(job, limits, iso, uid, hide, skip, export)
    frames = _FrameReader(export, job.expected_keys())
    watchdog = _Watchdog(limits, started, child.workdir, watch_disk=iso.mode == "weak")
    stream = framing.FrameReader()
    retry: tuple[int, str] | None = None
    try:
        while True:
            verdict = watchdog.verdict(frames)
            if verdict is not None:
                fatal, retry = verdict
                export.fatal = fatal or export.fatal
                break
            ready, _, _ = select.select([child.results_fd], [], [], 0.5)
            if not ready:
                continue
            data = os.read(child.results_fd, 1 << 20)
            if not data:
                break
            watchdog.last_frame = time.monotonic()
            for frame in stream.feed(data):
                frames.apply(frame)
    except framing.ProtocolError as error:
        export.fatal = f"the grader received malformed data from the sandbox ({error})"
    finally:
        _clean_up(child, iso, uid, export)
    if retry is not None:
        return retry
    if not frames.finished and export.fatal is None and frames.current_cell is not None:
        cell = frames.current_cell
        return (
            cell[0],
            f"cell {cell[2]} ended the grading process (os._exit, a signal or running out of memory)",
        )
    if not frames.finished and export.fatal is None and not export.notebook_error:
        export.fatal = "the sandboxed process ended before it finished"
    return None


def _clean_up(child: _Child, iso: Isolation, uid: int | None, export: RunExport) -> None:
    """Kill the child and its strays, keep the tail of its output, remove its folder."""
    os.close(child.results_fd)
    kill_run(child.process, iso, uid, child.run_tag)
    child.drain.join(timeout=5)
    export.output_bytes += child.drain.total
    export.output_tail = child.drain.tail.decode("utf-8", "replace")
    if iso.mode == "weak":
        shutil.rmtree(child.workdir, ignore_errors=True)


# --------------------------------------------------------------------------- the child's streams
class _OutputDrain(threading.Thread):
    """Reads the child's stdout+stderr, keeping only the tail; never blocks the child."""

    def __init__(self, stream: Any, keep: int) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._keep = keep
        self.total = 0
        self.tail = bytearray()

    def run(self) -> None:
        while True:
            data = self._stream.read1(1 << 16)
            if not data:
                return
            self.total += len(data)
            self.tail += data
            if len(self.tail) > self._keep:
                del self.tail[: len(self.tail) - self._keep]


def _feed_stdin(stream: Any, payload: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, OSError):
        stream.write(payload)
        stream.close()


def _disk_usage(directory: str, max_entries: int = 20_000) -> int:
    """Bytes under ``directory`` (weak mode has no size-limited tmpfs to stop a disk filler)."""
    total, seen = 0, 0
    stack = [directory]
    while stack and seen < max_entries:
        with contextlib.suppress(OSError), os.scandir(stack.pop()) as entries:
            for entry in entries:
                seen += 1
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
    return total
