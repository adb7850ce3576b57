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

Nothing hidden leaves through student text. The job's *private part* (the
hidden spec and the hidden items; the reference implementations of an
official run and the items that use them; the release's variants) is written to the
child only when it reports ``public_done``, after every cell and every
public probe. From then on the frame reader takes nothing from the child
but the private items' results: cell errors, notes and public items sent
later are dropped, and scoring words hidden items' messages itself
(:mod:`autograder.scoring.fixed_messages`). What a submission controls and
could have shaped with the hidden spec in reach is therefore limited to the
outcome (status, score, duration) of each private item.
"""

from __future__ import annotations

import contextlib
import functools
import os
import queue
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from autograder.files import MAX_NOTEBOOK_BYTES
from autograder.sandbox import strays
from autograder.sandbox.fork_server import (
    TemplateAddress,
    TemplateError,
    fork_harness,
    harness_argv,
)
from autograder.sandbox.isolation import (
    PACKAGE_ROOT,
    SandboxPlan,
    clean_env,
    enter_sandbox,
    hideable,
    isolation,
    new_run_tag,
    new_workdir,
    process_limit,
    protect_grader_process,
)
from autograder.sandbox.limits import Limits
from autograder.sandbox.portable import PORTABLE, RESULTS_ON_STDOUT, portable_env
from autograder.sandbox.reachability import SandboxUnavailable
from autograder.sandbox.strays import HarnessProcess
from autograder.sandbox.syscalls import libc
from autograder.sandbox.uids import lease_uid
from autograder.wire import exchange, framing
from autograder.wire.export import (
    Isolation,
    ItemExport,
    RunExport,
    as_int,
    cell_export,
    cell_label,
    item_export,
    notebook_error,
)

BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from autograder.sandbox.harness import main; main(sys.argv[1])"
)
MAX_ATTEMPTS = 3
PUBLIC_ROLE = "public"
# all items' exports of one run together; the week's references are under 0.5 MB
MAX_RUN_PAYLOAD_BYTES = 64_000_000
TAMPERED = "the notebook itself reported this item (it wrote to the grader's result channel)"


@dataclass
class HarnessJob:
    """What to send the harness: the notebook and the spec sources, which items to probe.

    The *private part* (every spec whose role is not ``public``, the items in
    ``private_items``, every variant and ``reference_code``) is sent only
    after the public part is done (see the module docstring).
    ``reference_code`` is the source of the reference implementations that
    items using other names are probed with (official runs only, private like
    the hidden spec: see :mod:`autograder.instructor.reference_code`); those
    items are therefore among ``private_items`` (:func:`private_item_names`).
    """

    notebook: bytes
    specs: list[tuple[str, str, bytes]]  # (role, filename, source)
    items: list[str]
    variants: list[dict[str, Any]] = field(default_factory=list)
    # probes run in parallel forks: 2 on a 2-core machine for one submission; a batch
    # that already grades several submissions at once passes 1
    item_workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    private_items: list[str] = field(default_factory=list)  # see private_item_names
    reference_code: bytes = b""

    @property
    def has_private_part(self) -> bool:
        return (
            any(role != PUBLIC_ROLE for role, _, _ in self.specs)
            or bool(self.variants)
            or bool(self.reference_code)
        )

    def public_keys(self) -> set[tuple[str, str | None]]:
        """(item, variant) pairs the child reports before the private part is sent."""
        private = set(self.private_items)
        return {(name, None) for name in self.items if name not in private}

    def private_keys(self) -> set[tuple[str, str | None]]:
        """(item, variant) pairs the child reports after it: any other frame is forged."""
        private = set(self.private_items)
        keys: set[tuple[str, str | None]] = {(name, None) for name in self.items if name in private}
        for request in self.variants:
            keys.update((name, request["key"]) for name in request["items"])
        return keys

    def expected_keys(self) -> set[tuple[str, str | None]]:
        return self.public_keys() | self.private_keys()

    def private_part(self) -> bytes:
        """The frame with the private specs, the private items, the variants and the reference code."""
        specs = [(role, name, source) for role, name, source in self.specs if role != PUBLIC_ROLE]
        header = {
            "type": "private",
            "specs": [{"role": role, "filename": name} for role, name, _ in specs],
            "items": [name for name in self.items if name in set(self.private_items)],
            "variants": self.variants,
            "reference_code": bool(self.reference_code),  # then the last blob
        }
        blobs = [source for _, _, source in specs]
        return framing.pack(header, *blobs, *([self.reference_code] if self.reference_code else []))


def private_item_names(items: Sequence[Any], with_reference_code: bool) -> list[str]:
    """The names of ``items`` probed in the private part of a job.

    The hidden items, and, when the job carries reference implementations,
    every item that uses other names: its fork gets that private code, so it
    can run only once the private part is in the sandbox.
    """
    return [i.name for i in items if i.hidden or (with_reference_code and i.uses)]


def run_in_sandbox(
    job: HarnessJob,
    *,
    limits: Limits | None = None,
    hide: Sequence[str | os.PathLike[str]] = (),
    template: TemplateAddress | None = None,
) -> RunExport:
    """Run ``job`` in the sandbox, restarting past cells that hang or kill the interpreter.

    With ``template`` (a batch's warm template, :mod:`autograder.sandbox.fork_server`)
    each attempt's harness is forked from it rather than started cold, where the
    template serves this sandbox mode; if it cannot, the attempt starts cold.
    """
    limits = limits or Limits()
    iso = isolation()
    portable = iso.mode == PORTABLE
    if portable and job.has_private_part:
        raise SandboxUnavailable(
            "hidden items and the release's variants need the Linux sandbox; this system only has "
            "the portable mode (practice grading)"
        )
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
    if not portable:
        strays.prepare_run(iso, iso.uid)  # raises StraysSurvived where an earlier run's strays live
        libc()  # loaded before any fork (see syscalls)
    lease = lease_uid() if iso.uid is not None else None
    if lease is None:
        protect_grader_process()
    # the portable mode restarts past each item that hangs or ends the process, too
    attempts = MAX_ATTEMPTS + (len(job.expected_keys()) if portable else 0)
    try:
        for attempt in range(1, attempts + 1):
            export.attempts = attempt
            uid = lease.uid if lease else None
            retry = _attempt(job, limits, iso, uid, hidden_paths, skip, export, started, template)
            if retry is None:
                break
            if retry[0] is not None:
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
class _Started(HarnessProcess, Protocol):
    """A started harness with its pipes: a cold ``Popen`` or a :class:`ForkedHarness`."""

    @property
    def stdin(self) -> IO[bytes] | None: ...

    @property
    def stdout(self) -> IO[bytes] | None: ...


@dataclass
class _Child:
    """A started harness: its process, the results pipe, its working folder and tag."""

    process: _Started
    results: _Results
    workdir: str
    run_tag: str
    drain: _OutputDrain
    feeder: threading.Thread  # writes the job's public part to stdin
    private_part: bytes | None  # written to stdin on ``public_done``; None: stdin is closed
    output_before_private: int | None = None  # the output's size then: what the record says

    def send_private_part(self) -> None:
        """Write the private part (once) from a thread; the harness reads it when it is ready."""
        payload, self.private_part = self.private_part, None
        if payload is not None:
            self.output_before_private = self.drain.total
            threading.Thread(target=self._after_feeder, args=(payload,), daemon=True).start()

    def _after_feeder(self, payload: bytes) -> None:
        self.feeder.join()
        _feed_stdin(self.process.stdin, payload)


def _spawn(
    job: HarnessJob,
    limits: Limits,
    iso: Isolation,
    uid: int | None,
    hide: tuple[str, ...],
    skip: dict[int, str],
    export: RunExport,
    template: TemplateAddress | None = None,
) -> _Child:
    """Start the harness in its sandbox (cold, or forked from ``template``) and feed it the
    job on stdin (from a thread)."""
    run_tag = new_run_tag()
    portable = iso.mode == PORTABLE
    workdir = new_workdir(iso.mode, uid)
    public = [(role, name, source) for role, name, source in job.specs if role == PUBLIC_ROLE]
    header = {
        "type": "job",
        "specs": [{"role": role, "filename": filename} for role, filename, _ in public],
        "items": [name for name in job.items if name not in set(job.private_items)],
        "private": job.has_private_part,
        "skip_cells": sorted(skip),
        "cell_timeout": limits.cell_seconds,
        "item_timeout_cap": limits.item_seconds,
        "item_workers": job.item_workers,
        # kill(-1) in the child reaches only the run's own processes
        "kill_all": uid is not None or iso.processes_isolated,
        "already_done": [[k[0], k[1]] for k, v in export.items.items() if v.status != "not_run"],
        "portable": portable,
    }
    payload = framing.pack(header, job.notebook, *(source for _, _, source in public))
    results: _Results
    process: _Started | None = None
    if portable:  # a plain subprocess: results on its stdout, its output on stderr
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT, RESULTS_ON_STDOUT, PACKAGE_ROOT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=portable_env(clean_env(workdir, run_tag)),
            cwd=workdir,
        )
        results, output = _ThreadResults(process.stdout), process.stderr
    else:
        plan = SandboxPlan(iso.mode, uid, limits, hide, workdir, process_limit(uid, limits))
        env = clean_env(workdir, run_tag)
        if template is not None and template.serves(iso):
            with contextlib.suppress(TemplateError):  # then this attempt starts cold
                process, read_fd = fork_harness(template, plan, env, harness_argv())
        if process is None:
            read_fd, write_fd = os.pipe()
            process = subprocess.Popen(
                [sys.executable, "-I", "-c", BOOT, str(write_fd), PACKAGE_ROOT],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(write_fd,),
                env=env,
                start_new_session=True,
                preexec_fn=functools.partial(enter_sandbox, plan),
            )
            os.close(write_fd)
        strays.track(process)
        results, output = _PipeResults(read_fd), process.stdout
    drain = _OutputDrain(output, limits.output_bytes_kept)
    drain.start()
    private = job.private_part() if job.has_private_part else None
    feeder = threading.Thread(
        target=_feed_stdin, args=(process.stdin, payload, private is None), daemon=True
    )
    feeder.start()
    return _Child(process, results, workdir, run_tag, drain, feeder, private)


class _Results:
    """The child's results stream: :meth:`read` returns data, ``b""`` at the end, or None
    when nothing came within ``timeout`` seconds."""

    def read(self, timeout: float) -> bytes | None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _PipeResults(_Results):
    """The results pipe of the Linux modes, read with ``select``."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, timeout: float) -> bytes | None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        return os.read(self.fd, 1 << 20) if ready else None

    def close(self) -> None:
        os.close(self.fd)


class _ThreadResults(_Results):
    """The child's stdout in the portable mode, read by a thread (Windows cannot ``select``
    on a pipe)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._chunks: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            while data := self._stream.read1(1 << 20):
                self._chunks.put(data)
        self._chunks.put(b"")

    def read(self, timeout: float) -> bytes | None:
        try:
            return self._chunks.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """Call once the child is dead (a blocked read holds the stream until its pipe ends)."""
        with contextlib.suppress(OSError, ValueError):
            self._stream.close()


class _FrameReader:
    """Applies the child's frames to the export, each kind only in its phase of the run.

    startup -> cells -> public (after ``cells_done``) -> private (after the
    supervisor sent the private part, on ``public_done``). Cells and notes
    are taken only before ``public``; a public item only in ``public``; a
    private item only in ``private``. An expected item reported out of its
    phase before the private part was sent can only come from the notebook
    itself, and scores zero; after it, anything but a private item is dropped.
    """

    def __init__(self, export: RunExport, job: HarnessJob, child: _Child) -> None:
        self.export = export
        self.public_keys = job.public_keys()
        self.private_keys = job.private_keys()
        self.child = child
        self.phase = "startup"
        self.current_cell: tuple[int, float, str] | None = None  # (index, started, label)
        # the portable mode's item in progress: ((item, variant), started, its time limit)
        self.current_item: tuple[tuple[str, str | None], float, float] | None = None
        self.finished = False
        self.payload_bytes = 0

    def apply(self, frame: framing.Frame) -> None:
        kind, h = frame.kind, frame.header
        early = self.phase in ("startup", "cells")
        if kind == "cell_start" and early:
            self.phase = "cells"
            label = cell_label(as_int(h.get("number")), _count(h.get("execution_count")))
            self.current_cell = (as_int(h.get("cell")), time.monotonic(), label)
        elif kind == "cell_end" and early and self.current_cell is not None:
            self.current_cell = None
            self.export.add_cell(cell_export(h))
        elif kind == "cells_done" and early:
            self.phase, self.current_cell = "public", None
        elif kind == "notebook_error" and early:
            self.export.notebook_error = notebook_error(h)
        elif kind == "public_done" and self.phase == "public":
            self.phase = "private"
            self.child.send_private_part()
        elif kind == "item_start" and self.phase in ("public", "private"):
            key = (
                str(h.get("item")),
                h.get("variant") if isinstance(h.get("variant"), str) else None,
            )
            if key in self.public_keys | self.private_keys:
                limit = h.get("timeout")
                seconds = float(limit) if isinstance(limit, int | float) else 0.0
                self.current_item = (key, time.monotonic(), seconds)
        elif kind == "item":
            self.current_item = None
            self._item(frame)
        elif kind == "done":
            self.finished = True

    def _item(self, frame: framing.Frame) -> None:
        item = item_export(frame)
        key = (item.name, item.variant)
        in_phase = self.public_keys if self.phase == "public" else self.private_keys
        if self.phase == "private" and key not in self.private_keys:
            return  # nothing but private items once the private part is out
        if key not in self.public_keys | self.private_keys:
            return  # not asked for: a forged frame, ignored
        previous = self.export.items.get(key)
        if key not in in_phase or (previous is not None and previous.status != "not_run"):
            self.export.items[key] = _tampered(item)
            return
        if item.payload is not None:
            size = len(item.payload[0]) + len(item.payload[1])
            if self.payload_bytes + size > MAX_RUN_PAYLOAD_BYTES:
                item = ItemExport(
                    item.name,
                    item.variant,
                    "error",
                    error_type="ExportError",
                    error_message="the exports of all items together are larger than "
                    f"{MAX_RUN_PAYLOAD_BYTES >> 20} MB",
                    seconds=item.seconds,
                )
            else:
                self.payload_bytes += size
        item.after_private = self.phase == "private"
        self.export.items[key] = item


def _count(value: Any) -> int | None:
    count = as_int(value)
    return count if count >= 0 else None


def _tampered(item: ItemExport) -> ItemExport:
    return ItemExport(
        item.name, item.variant, "error", error_type="ExportError", error_message=TAMPERED
    )


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
            return "", (cell[0], f"{cell[2]} ran longer than {limits.cell_seconds:g} s")
        if cell is None:
            probing = frames.phase in ("public", "private")
            allowed = limits.item_seconds + 15 if probing else limits.startup_seconds
            if now - self.last_frame > allowed:
                return "the sandboxed process stopped answering", None
        if self.watch_disk and now - self.last_disk_check > 0.5:
            self.last_disk_check = now
            if _disk_usage(self.workdir) > limits.tmp_bytes:
                wrote = f"wrote more than {limits.tmp_bytes >> 20} MiB of files"
                if cell is not None:
                    return "", (cell[0], f"{cell[2]} {wrote}")
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
    template: TemplateAddress | None = None,
) -> tuple[int | None, str] | None:
    """One run of the harness. Returns (cell, reason) when that cell must be skipped and the
    run retried, (None, "") to retry past an item already recorded, None when the run is over."""
    export.cells, export.cells_run, export.cells_failed = [], 0, 0
    child = _spawn(job, limits, iso, uid, hide, skip, export, template)
    frames = _FrameReader(export, job, child)
    watchdog = _Watchdog(limits, started, child.workdir, watch_disk=iso.mode in ("weak", PORTABLE))
    # one frame holds at most one item's export: a forged length cannot make us buffer more
    stream = framing.FrameReader(
        max_frame_bytes=framing.MAX_HEADER_BYTES + exchange.MAX_PAYLOAD_BYTES
    )
    retry: tuple[int | None, str] | None = None
    try:
        while True:
            verdict = watchdog.verdict(frames)
            if verdict is not None:
                fatal, retry = verdict
                export.fatal = fatal or export.fatal
                break
            overdue = _overdue_item(frames, limits)
            if overdue is not None:
                export.items[overdue.name, overdue.variant] = overdue
                retry = (None, "")
                break
            data = child.results.read(0.5)
            if data is None:
                continue
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
    if not frames.finished and export.fatal is None and frames.current_item is not None:
        (name, variant), began, _ = frames.current_item
        export.items[name, variant] = ItemExport(
            name,
            variant,
            "crashed",
            error_type="ProcessExit",
            error_message="the process running this item ended abruptly; did the code call "
            "os._exit, exit the interpreter or run out of memory?",
            seconds=round(time.monotonic() - began, 4),
        )
        return (None, "")
    if not frames.finished and export.fatal is None and frames.current_cell is not None:
        cell = frames.current_cell
        return (
            cell[0],
            f"{cell[2]} ended the grading process (os._exit, a signal or running out of memory)",
        )
    if not frames.finished and export.fatal is None and not export.notebook_error:
        export.fatal = "the sandboxed process ended before it finished"
    return None


def _overdue_item(frames: _FrameReader, limits: Limits) -> ItemExport | None:
    """The portable mode's item that ran past its limit (the child cannot stop it itself)."""
    if frames.current_item is None:
        return None
    (name, variant), began, limit = frames.current_item
    limit = min(limit, limits.item_seconds) if limit > 0 else limits.item_seconds
    if time.monotonic() - began <= limit + limits.cell_grace:
        return None
    return ItemExport(
        name,
        variant,
        "timeout",
        error_type="Timeout",
        error_message=f"ran longer than {limit:g} s",
        seconds=round(time.monotonic() - began, 4),
    )


def _clean_up(child: _Child, iso: Isolation, uid: int | None, export: RunExport) -> None:
    """Kill the child and its strays, keep the tail of its output, remove its folder."""
    if iso.mode == PORTABLE:  # killed first: the results thread then sees the end of its pipe
        with contextlib.suppress(OSError):
            child.process.kill()
        child.process.wait()
        child.results.close()
    else:
        child.results.close()
        export.stray_processes += strays.kill_run(child.process, iso, uid, child.run_tag)
    child.private_part = None  # never sent once the run is over
    with contextlib.suppress(OSError, ValueError):
        child.process.stdin.close()  # type: ignore[union-attr]
    child.drain.join(timeout=5)
    # how much the notebook printed is a number it controls: counted up to the private part only
    sent = child.output_before_private
    export.output_bytes += child.drain.total if sent is None else sent
    export.output_tail = child.drain.tail.decode("utf-8", "replace")
    if iso.mode in ("weak", PORTABLE):
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


def _feed_stdin(stream: Any, payload: bytes, close: bool = True) -> None:
    with contextlib.suppress(BrokenPipeError, OSError, ValueError):
        stream.write(payload)
        stream.flush()
        if close:
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
