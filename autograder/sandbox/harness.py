"""Runs INSIDE the sandbox: execute a notebook's code cells, run probes, export data.

The trusted process starts this module in a sandboxed child (see
:mod:`autograder.sandbox`) and writes a job frame to its stdin: the
notebook bytes, the source of the public grading spec, which public items
to probe. The harness

1. executes the notebook's code cells in order in one namespace, without a
   Jupyter kernel, skipping nbgrader test cells (they only give students
   instant feedback) and IPython magics; a cell that raises is recorded and
   the next cell still runs;
2. runs each public item's probe in a forked child with its own time limit,
   so a probe that hangs, crashes or exits costs only that item, and state a
   probe mutates never leaks into the next one;
3. only then, if the job has a private part (the hidden spec, the reference
   implementations of an official run, the release's variants), says
   ``public_done`` and reads that part from stdin, and probes the private
   items (and variants) the same way; an item that *uses* other names gets
   their reference implementations in its fork (:func:`install_references`).
   The hidden spec, its inputs and the solution's code are therefore not in
   this process while the notebook's cells or the public probes run, and the
   supervisor takes no text from the sandbox after it sent them (see
   :mod:`autograder.sandbox.supervisor`);
4. writes one frame per cell and per item to the results pipe: plain data in
   the :mod:`autograder.wire.exchange` format, never anything executable.

Nothing this process sends is trusted: the other side validates it all.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import select
import signal
import sys
import time
import traceback
import types
from dataclasses import dataclass, field
from typing import Any

from autograder.sandbox.process_tree import descendants, end_tree
from autograder.wire import exchange
from autograder.wire import framing as protocol
from autograder.wire.exception_names import builtin_exception_names
from autograder.wire.export import cell_label

CELL_PREFIX = "<cell "  # the file name cells are compiled under: <cell 7 (In [3])>
REFERENCE_CODE_FILENAME = "<reference implementations>"
PR_SET_CHILD_SUBREAPER = 36

# The harness shares its interpreter with the notebook, which may patch any
# module. The functions it needs to keep its promises (time limits, one
# process per probe, writing frames) are taken before any student code runs.
# This protects the harness's behaviour, not the grade: what the harness
# sends is untrusted anyway, and the trusted side validates all of it.
# Where the system has no fork or timer signals (Windows), the harness runs in
# the portable mode (see autograder.sandbox.portable): cells and items one
# after another in this process, every time limit enforced by the grader.
_fork, _exit, _kill, _waitpid, _pipe, _close = (
    getattr(os, "fork", None),
    os._exit,
    os.kill,
    getattr(os, "waitpid", None),
    os.pipe,
    os.close,
)
_read, _write, _select, _getpid = os.read, os.write, select.select, os.getpid
_monotonic, _set_signal = time.monotonic, signal.signal
_set_timer = getattr(signal, "setitimer", None)
_sigmask = getattr(signal, "pthread_sigmask", None)
_PORTABLE = False  # set by main() from the job (or where fork or timers are missing)


class CellTimeout(BaseException):
    """Raised by SIGALRM when a cell runs past its time limit."""


class ItemTimeout(BaseException):
    """Raised by SIGALRM when a probe runs past its time limit."""


class ReferenceSetupError(Exception):
    """The reference implementations could not be defined in a probe's fork (a grader set-up error)."""


# ----------------------------------------------------------------------------- output
class Channel:
    """Writes frames to the results pipe with references taken before student code runs."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._write = _write
        self._owner = os.getpid()

    @property
    def fd(self) -> int:
        return self._fd

    def send(self, header: dict[str, Any], *blobs: bytes) -> None:
        if _getpid() != self._owner:
            # a process the notebook forked came back into the harness (a bare
            # os.fork() in a cell): it must not report anything twice
            _exit(0)
        data = protocol.pack(header, *blobs)
        view = memoryview(data)
        while view:
            written = self._write(self._fd, view)
            view = view[written:]


# ----------------------------------------------------------------------------- errors
def describe_error(error: BaseException) -> dict[str, Any]:
    """Type, message, the student's cell/line where it was raised (no grader frames), and the
    most specific built-in class it is an instance of (all a hidden item may report)."""
    location, reference = "", ""
    try:
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            if frame.filename.startswith(CELL_PREFIX):
                location = f"{frame.filename[1:-1]}, line {frame.lineno}"
                break
            if frame.filename == REFERENCE_CODE_FILENAME:
                reference = frame.name  # the outermost reference frame: the used function
    except Exception:  # a traceback the notebook tampered with
        location = ""
    try:
        message = str(error)
    except Exception:  # a hostile __str__
        message = ""
    if reference:  # its message would quote the solution's code: name the function instead
        message = f"inside {reference}, run from the solution for this item: check what you pass it"
    builtin = builtin_exception_names(error)
    return {
        "error_type": type(error).__name__[:80],
        "error_message": message[:500] if isinstance(message, str) else "",
        "location": location,
        "builtin_type": builtin[0] if builtin else "",
    }


# ----------------------------------------------------------------------------- notebook
def code_cells(notebook: Any) -> list[tuple[int, str, bool, int | None]]:
    """(index, source, is_test_cell, execution count) for every code cell of an nbformat-4 notebook."""
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("the file is not a Jupyter notebook (no list of cells)")
    cells = []
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        meta = cell.get("metadata", {})
        nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        is_test = (
            isinstance(nbgrader, dict)
            and nbgrader.get("grade") is True
            and nbgrader.get("solution") is not True
        )
        count = cell.get("execution_count")
        cells.append((index, source, is_test, count if type(count) is int and count >= 0 else None))
    return cells


def strip_magics(source: str) -> str:
    """Drop IPython magics and shell escapes, which plain Python cannot run.

    A cell magic (``%%time``) drops the whole cell; line magics and ``!cmd``
    lines become ``pass`` so line numbers in error messages stay right.
    """
    if source.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            lines.append(indent + "pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def _display(*objects: Any, **_: Any) -> None:
    for obj in objects:
        print(repr(obj))


def new_namespace() -> dict[str, Any]:
    return {"__name__": "__main__", "__builtins__": builtins, "display": _display}


def _on_alarm_cell(signum: int, frame: Any) -> None:
    raise CellTimeout()


def _on_alarm_item(signum: int, frame: Any) -> None:
    raise ItemTimeout()


def run_cells(
    cells: list[tuple[int, str, bool, int | None]],
    namespace: dict[str, Any],
    channel: Channel,
    skip: set[int],
    cell_timeout: float,
) -> None:
    """Execute the code cells; a cell is named as Jupyter numbers it (see :func:`cell_label`)."""
    for index, source, is_test, count in cells:
        if is_test or index in skip:
            continue
        number = index + 1
        label = cell_label(number, count)
        where = {"cell": index, "number": number, "execution_count": count}
        channel.send({"type": "cell_start", **where})
        error: dict[str, Any] | None = None
        started = _monotonic()
        try:
            code = compile(strip_magics(source), f"<{label}>", "exec")
            with _alarm(_on_alarm_cell, cell_timeout):
                exec(code, namespace)
        except CellTimeout:
            error = {
                "error_type": "Timeout",
                "error_message": f"the cell ran longer than {cell_timeout:g} s",
                "location": label,
            }
        except BaseException as exc:  # SystemExit and KeyboardInterrupt included
            error = describe_error(exc)
            if isinstance(exc, SyntaxError):
                error["location"] = f"{label}, line {exc.lineno}"
        channel.send(
            {
                "type": "cell_end",
                **where,
                "seconds": round(_monotonic() - started, 4),
                "error": error,
                "defines": _defined_in(source),
            }
        )


@contextlib.contextmanager
def _alarm(handler: Any, seconds: float) -> Any:
    """SIGALRM calls ``handler`` after ``seconds``; in the portable mode the grader's
    watchdog enforces the limit from outside instead."""
    if _PORTABLE:
        yield
        return
    _set_signal(signal.SIGALRM, handler)
    _sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})  # type: ignore[misc]
    _set_timer(signal.ITIMER_REAL, seconds)  # type: ignore[misc]
    try:
        yield
    finally:
        _set_timer(signal.ITIMER_REAL, 0)  # type: ignore[misc]


def _defined_in(source: str) -> list[str]:
    """Names a cell defines with ``def``/``class`` (for linking an item to its cell)."""
    names = []
    for line in source.splitlines():
        stripped = line.strip()
        for keyword in ("def ", "class "):
            if line.startswith(keyword) or (stripped.startswith(keyword) and line == stripped):
                name = stripped[len(keyword) :].split("(")[0].split(":")[0].strip()
                if name.isidentifier():
                    names.append(name)
    return names


# ----------------------------------------------------------------------------- items
@dataclass
class _Running:
    """A probe running in a forked child."""

    item: Any
    pid: int
    read_fd: int
    header: dict[str, Any]
    timeout: float
    started: float
    reader: protocol.FrameReader = field(
        default_factory=lambda: protocol.FrameReader(
            max_bytes=exchange.MAX_PAYLOAD_BYTES + 10_000,
            max_frame_bytes=exchange.MAX_PAYLOAD_BYTES + 10_000,
        )
    )
    frame: protocol.Frame | None = None
    ended: bool = False  # the pipe closed or the data was malformed

    @property
    def deadline(self) -> float:
        return self.started + self.timeout + 2.0


def _start_item(
    item: Any,
    namespace: dict[str, Any],
    channel: Channel,
    variant: Any | None,
    variant_key: str | None,
    timeout_cap: float,
) -> _Running | None:
    """Fork a child that probes ``item``; None when no process could be started."""
    timeout = min(float(item.timeout), timeout_cap)
    header: dict[str, Any] = {"type": "item", "item": item.name, "variant": variant_key}
    read_fd, write_fd = _pipe()
    _flush_output()
    try:
        pid = _fork()  # type: ignore[misc]
    except OSError:  # the notebook used up the process limit
        _close(read_fd)
        _close(write_fd)
        return None
    if pid == 0:  # the probe's child: it never holds the results channel
        try:
            _close(read_fd)
            _close(channel.fd)
            _probe_in_child(item, namespace, Channel(write_fd), variant, header, timeout)
        finally:
            _exit(0)
    _close(write_fd)
    return _Running(item, pid, read_fd, header, timeout, _monotonic())


def _no_process_frame(item: Any, variant_key: str | None) -> dict[str, Any]:
    return {
        "type": "item",
        "item": item.name,
        "variant": variant_key,
        "status": "crashed",
        "error_type": "ProcessLimit",
        "error_message": "no process could be started for this item; "
        "does the notebook start processes that never end?",
        "location": "",
        "seconds": 0.0,
    }


def _read_some(running: _Running) -> None:
    try:
        data = _read(running.read_fd, 1 << 20)
        if not data:
            running.ended = True
            return
        for got in running.reader.feed(data):
            running.frame = got
            return
    except protocol.ProtocolError as error:
        running.ended = True
        running.header.update(
            status="error", error_type="ExportError", error_message=str(error), location=""
        )


def _finish_item(running: _Running, channel: Channel, timed_out: bool) -> None:
    """Stop the probe's child (whatever it left running dies with it) and relay its frame."""
    _close(running.read_fd)
    with contextlib.suppress(ProcessLookupError):
        _kill(running.pid, signal.SIGKILL)
    _, status = _waitpid(running.pid, 0)  # type: ignore[misc]
    seconds = round(_monotonic() - running.started, 4)
    header, frame = running.header, running.frame
    if frame is not None and _is_own_frame(frame, header):
        channel.send({**frame.header, "seconds": seconds}, *frame.blobs)
        return
    if "status" not in header:
        if timed_out:
            header.update(
                status="timeout",
                error_type="Timeout",
                error_message=f"ran longer than {running.timeout:g} s",
                location="",
            )
        elif frame is not None:
            header.update(
                status="error",
                error_type="ExportError",
                error_message="the probe sent a malformed export",
                location="",
            )
        else:
            how = (
                f"signal {os.WTERMSIG(status)}"
                if os.WIFSIGNALED(status)
                else f"exit status {os.WEXITSTATUS(status)}"
            )
            header.update(
                status="crashed",
                error_type="ProcessExit",
                error_message=f"the process running this item ended abruptly ({how}); "
                "did the code call os._exit, exit the interpreter or run out of memory?",
                location="",
            )
    channel.send({**header, "seconds": seconds})


def run_items(
    tasks: list[tuple[Any, Any | None, str | None]],
    namespace: dict[str, Any],
    channel: Channel,
    *,
    workers: int = 1,
    timeout_cap: float = float("inf"),
) -> None:
    """Probe each (item, variant, variant key) in its own forked child, ``workers`` at a time.

    Every process the notebook left running is killed whenever no probe is
    running (so a stray never outlives a batch of probes, and never kills a
    probe that is still at work); a probe that cannot be started because the
    process limit is reached is retried once after that clean-up.
    """
    if _PORTABLE:
        _run_items_in_process(tasks, namespace, channel, timeout_cap)
        return
    pending = list(reversed(tasks))
    active: dict[int, _Running] = {}
    retried = False
    while pending or active:
        while pending and len(active) < max(1, workers):
            item, variant, key = pending[-1]
            running = _start_item(item, namespace, channel, variant, key, timeout_cap)
            if running is None:
                if active:
                    break  # a slot and a clean-up come when the running probes end
                if not retried:
                    end_strays()
                    retried = True
                    continue
                channel.send(_no_process_frame(item, key))
            else:
                active[running.read_fd] = running
            pending.pop()
            retried = False
        if not active:
            continue
        wait = max(0.0, min(r.deadline for r in active.values()) - _monotonic())
        ready, _, _ = _select(list(active), [], [], wait)
        for fd in ready:
            _read_some(active[fd])
        now = _monotonic()
        for fd, running in list(active.items()):
            timed_out = now >= running.deadline and running.frame is None and not running.ended
            if running.frame is not None or running.ended or timed_out:
                del active[fd]
                _finish_item(running, channel, timed_out)
        if not active:
            end_strays()


class _TimedChannel:
    """The channel for one probe run in this process: each frame says how long it took."""

    def __init__(self, channel: Channel) -> None:
        self._channel, self._started = channel, _monotonic()

    def send(self, header: dict[str, Any], *blobs: bytes) -> None:
        self._channel.send({**header, "seconds": round(_monotonic() - self._started, 4)}, *blobs)


def _run_items_in_process(
    tasks: list[tuple[Any, Any | None, str | None]],
    namespace: dict[str, Any],
    channel: Channel,
    timeout_cap: float,
) -> None:
    """The portable mode: probe each item in this process, one after another. ``item_start``
    tells the grader which item runs, so it can stop one that hangs or ends this process."""
    for item, variant, key in tasks:
        timeout = min(float(item.timeout), timeout_cap)
        header: dict[str, Any] = {"type": "item", "item": item.name, "variant": key}
        channel.send({"type": "item_start", "item": item.name, "variant": key, "timeout": timeout})
        _flush_output()
        _probe_in_child(item, namespace, _TimedChannel(channel), variant, header, timeout)  # type: ignore[arg-type]


def _is_own_frame(frame: protocol.Frame, header: dict[str, Any]) -> bool:
    """The probe's frame must be about the item it was asked for."""
    h = frame.header
    return (
        h.get("type") == "item"
        and h.get("item") == header["item"]
        and h.get("variant") == header["variant"]
    )


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):  # the notebook may have replaced them
            stream.flush()


def _swap_in(variant: Any, namespace: dict[str, Any]) -> None:
    """Put a variant's implementation of its target in the namespace (in the probe's process).

    A variant given by source (a mutant of the solution) is run in the
    namespace, as the cell it replaces was, so it sees the notebook's names.
    """
    if variant.source:
        exec(compile(variant.source, f"{CELL_PREFIX}variant>", "exec"), namespace)
    else:
        namespace[variant.target] = variant.impl


def _probe_in_child(
    item: Any,
    namespace: dict[str, Any],
    channel: Channel,
    variant: Any | None,
    header: dict[str, Any],
    timeout: float,
) -> None:
    try:
        with _alarm(_on_alarm_item, timeout):
            if variant is not None:
                _swap_in(variant, namespace)
            install_references(namespace, item.uses, _REFERENCE_CODE)
            missing = [name for name in item.requires if name not in namespace]
            if missing:
                channel.send({**header, "status": "missing", "missing": missing})
                return
            value = item.probe(namespace)
            doc, npz = exchange.encode(value)
        channel.send({**header, "status": "ok"}, doc, npz)
    except ItemTimeout:
        channel.send(
            {
                **header,
                "status": "timeout",
                "error_type": "Timeout",
                "error_message": f"ran longer than {timeout:g} s",
                "location": "",
            }
        )
    except exchange.ExchangeError as error:
        channel.send(
            {
                **header,
                "status": "error",
                "error_type": "ExportError",
                "error_message": str(error),
                "location": "",
            }
        )
    except BaseException as error:
        channel.send({**header, "status": "error", **describe_error(error)})


# ----------------------------------------------------------------------------- references
_REFERENCE_CODE: types.CodeType | None = None  # set by main() in official runs only


def install_references(
    namespace: dict[str, Any], uses: tuple[str, ...], reference_code: types.CodeType | None
) -> None:
    """Replace each name in ``uses`` by its reference implementation, in this probe's fork only.

    The references are defined in a copy of the notebook's namespace, so they see
    its imports and data (as the cells left them) and call each other: a reference
    ``train`` calls the reference ``iterate_minibatches``, not the student's. The
    student's code reads the used names from ``namespace`` when it runs, so it calls
    the references. The copy lacks the used names, so that code which does not
    define one fails here instead of handing back the student's own.
    """
    if reference_code is None or not uses:
        return
    definitions = {k: v for k, v in namespace.items() if k not in uses}
    try:
        exec(reference_code, definitions)
        substitutes = {name: definitions[name] for name in uses}
    except Exception as error:
        raise ReferenceSetupError(f"{type(error).__name__}: {error}"[:300]) from None
    namespace.update(substitutes)


# ----------------------------------------------------------------------------- strays
_KILL_ALL = False  # set by main() from the job: only then may we kill(-1)


def end_strays() -> None:
    """Kill every process the notebook left running (not this one), and reap them.

    A fork bomb's clones or a forgotten background process would otherwise
    hold the process limit and the CPU while the items are probed. In a PID
    namespace of our own or under a dedicated uid ``kill(-1)`` reaches
    exactly those; otherwise every process below this one: it is their
    subreaper, so however a process detaches (a double fork, ``setsid``) it
    stays below it.
    """
    if _PORTABLE:
        return  # no process table to read on every system; the grader ends the child
    if _KILL_ALL:
        for _ in range(5):
            try:
                _kill(-1, signal.SIGKILL)
            except OSError:
                break
    else:
        me = _getpid()
        end_tree(lambda table: descendants({me}, table))
    # reap it all now, so that dead processes stop counting against the process limit
    deadline = _monotonic() + 2.0
    with contextlib.suppress(ChildProcessError):
        while _monotonic() < deadline:
            if _waitpid(-1, os.WNOHANG)[0] == 0:  # type: ignore[misc]
                if _KILL_ALL:
                    with contextlib.suppress(OSError):
                        _kill(-1, signal.SIGKILL)
                time.sleep(0.005)


# ----------------------------------------------------------------------------- spec
def load_spec_modules(
    specs: list[dict[str, Any]], sources: list[bytes]
) -> dict[str, types.ModuleType]:
    modules = {}
    for spec, source in zip(specs, sources, strict=True):
        role = spec["role"]
        name = f"_grading_{role}"
        module = types.ModuleType(name)
        module.__file__ = spec["filename"]
        sys.modules[name] = module
        if role == "public":
            sys.modules["grading"] = module  # the hidden spec may `from grading import ...`
        exec(compile(source, spec["filename"], "exec"), module.__dict__)
        modules[role] = module
    return modules


# ----------------------------------------------------------------------------- main
def _become_subreaper() -> None:
    """Orphans of the notebook's processes become our children (see :func:`end_strays`)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def main(results: int | str) -> None:
    """Run the job read from stdin; frames go to the file descriptor ``results``, or with
    ``"stdout"`` (the portable mode) to standard output, the notebook's output then going to
    standard error."""
    global _PORTABLE
    if results == "stdout":
        fd = os.dup(1)
        os.dup2(2, 1)
    else:
        _become_subreaper()
        fd = os.dup(int(results))
        os.close(int(results))
    channel = Channel(fd)
    job_reader = _JobReader()
    job_frame = job_reader.next()
    job = job_frame.header
    _PORTABLE = bool(job.get("portable")) or _fork is None or _set_timer is None
    notebook_bytes, *spec_sources = job_frame.blobs
    modules = load_spec_modules(job["specs"], spec_sources)  # the public spec only
    channel.send({"type": "hello", "python": sys.version.split()[0], "pid": os.getpid()})

    try:
        notebook = json.loads(notebook_bytes)
        cells = code_cells(notebook)
    except (ValueError, RecursionError) as error:
        channel.send({"type": "notebook_error", "message": str(error)[:300]})
        channel.send({"type": "done"})
        os._exit(0)
    del notebook, notebook_bytes

    namespace = new_namespace()
    run_cells(cells, namespace, channel, set(job.get("skip_cells", [])), float(job["cell_timeout"]))
    global _KILL_ALL
    _KILL_ALL = bool(job.get("kill_all"))
    end_strays()
    channel.send({"type": "cells_done"})
    if not _PORTABLE:
        _set_signal(signal.SIGALRM, signal.SIG_DFL)
    workers = int(job.get("item_workers", 1))
    cap = float(job.get("item_timeout_cap", float("inf")))
    done = {tuple(pair) for pair in job.get("already_done", [])}
    run_items(_tasks(job, modules, done), namespace, channel, workers=workers, timeout_cap=cap)
    if job.get("private"):
        # the hidden spec and its inputs arrive only now, after every cell and public probe
        channel.send({"type": "public_done"})
        private = job_reader.next()
        spec_sources = private.blobs
        if private.header.get("reference_code"):  # the last blob: official runs only
            global _REFERENCE_CODE
            *spec_sources, reference_code = spec_sources
            _REFERENCE_CODE = compile(reference_code, REFERENCE_CODE_FILENAME, "exec")
        modules.update(load_spec_modules(private.header["specs"], spec_sources))
        tasks = _tasks(private.header, modules, done)
        run_items(tasks, namespace, channel, workers=workers, timeout_cap=cap)
    channel.send({"type": "done"})
    _flush_output()
    _exit(0)  # skip atexit handlers and finalizers the submission registered


def _tasks(
    part: dict[str, Any], modules: dict[str, types.ModuleType], done: set[tuple[Any, ...]]
) -> list[tuple[Any, Any | None, str | None]]:
    """(item, variant, variant key) for each probe one part of the job asks for."""
    items = {
        item.name: item
        for role in ("public", "hidden")
        if role in modules
        for item in modules[role].ITEMS
    }
    variants = {}
    for role, kind, attribute in (
        ("variants", "wrong", "WRONG"),
        ("variants", "right", "RIGHT"),
        ("mutants", "mutant", "MUTANTS"),  # generated mutants of the solution
    ):
        for index, variant in enumerate(getattr(modules.get(role), attribute, [])):
            variants[(kind, index)] = variant
    tasks: list[tuple[Any, Any | None, str | None]] = [
        (items[name], None, None) for name in part["items"] if (name, None) not in done
    ]
    for request in part.get("variants", []):
        variant = variants[(request["kind"], request["index"])]
        tasks += [
            (items[name], variant, request["key"])
            for name in request["items"]
            if (name, request["key"]) not in done
        ]
    return tasks


class _JobReader:
    """Reads the job's frames from stdin (fd 0), which the notebook may have rebound."""

    def __init__(self) -> None:
        self._reader = protocol.FrameReader()
        self._frames: list[protocol.Frame] = []

    def next(self) -> protocol.Frame:
        while not self._frames:
            data = _read(0, 1 << 20)
            if not data:
                raise SystemExit("harness: the job ended early on stdin")
            self._frames += self._reader.feed(data)
        return self._frames.pop(0)


if __name__ == "__main__":
    main(sys.argv[1])
