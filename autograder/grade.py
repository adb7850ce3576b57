"""Grade one submission: sandboxed run, trusted comparison, one results record.

:func:`grade_submission` never raises for a bad submission: a missing,
unreadable, oversized or invalid notebook is graded (zero, with a message).
An error of the grader itself is returned as a record with status
``"error"`` so that a batch never loses a submission.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder import __version__, references
from autograder.compare import ItemResult, score_items
from autograder.course import WeekPaths
from autograder.sandbox import HarnessJob, Limits, isolation, run_in_sandbox
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Week, load_week

MAX_NOTEBOOK_BYTES = 32 << 20
RESULTS_VERSION = 1
PRACTICE, OFFICIAL = "practice", "official"


@dataclass
class Results:
    """The record of grading one submission (written as the results JSON)."""

    assignment: str
    scope: str
    tests: list[ItemResult]
    submission: dict[str, Any]
    grader: dict[str, Any]
    status: str = "graded"
    error: str | None = None
    hidden_pending: dict[str, float] = field(default_factory=lambda: {"items": 0, "points": 0.0})
    cells: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    graded_at: str = ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def all_passed(self) -> bool:
        return self.status == "graded" and all(t.status == "passed" for t in self.tests)

    @property
    def exit_code(self) -> int:
        if self.status != "graded":
            return 3
        return 0 if self.all_passed else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": "ml-course-autograder/results",
            "version": RESULTS_VERSION,
            "assignment": self.assignment,
            "scope": self.scope,
            "status": self.status,
            "error": self.error,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [t.as_dict() for t in self.tests],
            "hidden_pending": self.hidden_pending,
            "submission": self.submission,
            "grader": self.grader,
            "cells": self.cells,
            "notes": self.notes,
            "seconds": self.seconds,
            "graded_at": self.graded_at,
        }


ALLOW_WEAK_ENV = "AUTOGRADER_ALLOW_WEAK"


def require_official_sandbox() -> None:
    """Refuse official (hidden) grading in the weak sandbox, where a submission can read
    the hidden references from disk, unless ``AUTOGRADER_ALLOW_WEAK=1`` accepts that risk."""
    from autograder.course import CourseError

    mode = isolation().mode
    if mode == "weak" and os.environ.get(ALLOW_WEAK_ENV) != "1":
        raise CourseError(
            "official grading with hidden items needs the strict or userns sandbox, but only the weak "
            "one is available here (a submission could read the hidden references). Run as root, "
            f"for example in a container, or set {ALLOW_WEAK_ENV}=1 to accept the risk."
        )


def read_notebook(path: Path) -> bytes:
    """Read a submitted notebook without following a symlink, with a size cap.

    A symlink could point at the solution or at a device (``/dev/zero``), a
    FIFO would block: all are refused with a message, never read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(
                errno.ELOOP, f"{path.name} is a symbolic link; commit the notebook file itself"
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise OSError(
                f"{path.name} is {info.st_size / 2**20:.0f} MiB; the limit is {MAX_NOTEBOOK_BYTES >> 20} MiB"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_NOTEBOOK_BYTES + 1)
        if len(data) > MAX_NOTEBOOK_BYTES:  # it grew while we read it
            raise OSError(errno.EFBIG, f"{path.name} is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
        return data
    finally:
        os.close(fd)


def load_spec(paths: WeekPaths, hidden: bool) -> Week:
    return load_week(paths.name, paths.public_dir, paths.private_dir if hidden else None)


def load_references(paths: WeekPaths, hidden: bool) -> tuple[dict[str, Any], str]:
    sets = [(paths.public_references, references.PUBLIC)]
    if hidden:
        sets.append((paths.hidden_references, references.HIDDEN))
    values: dict[str, Any] = {}
    for directory, stem in sets:
        values.update(references.load(directory, stem))
    return values, references.digest(*sets)


def spec_sources(paths: WeekPaths, hidden: bool) -> list[tuple[str, str, bytes]]:
    sources = [("public", PUBLIC_SPEC, (paths.public_dir / PUBLIC_SPEC).read_bytes())]
    if hidden and paths.private_dir is not None and (paths.private_dir / HIDDEN_SPEC).is_file():
        sources.append(("hidden", HIDDEN_SPEC, (paths.private_dir / HIDDEN_SPEC).read_bytes()))
    return sources


def private_paths(paths: WeekPaths, extra: list[Path] | None = None) -> list[Path]:
    """Paths the sandbox must not see: the course's solutions and any output folders."""
    hide = list(extra or [])
    if paths.private_dir is not None:
        hide.append(paths.private_dir.parent)
    return hide


def grade_submission(
    paths: WeekPaths,
    notebook: Path | bytes,
    *,
    hidden: bool = False,
    limits: Limits | None = None,
    commit: str | None = None,
    label: str | None = None,
    hide: list[Path] | None = None,
    item_workers: int | None = None,
) -> Results:
    """Grade ``notebook`` for week ``paths`` (public items, plus hidden ones if ``hidden``).

    ``item_workers`` probes run at once (default: up to 2, one per core); a batch
    that grades several submissions in parallel passes 1.
    """
    started = time.monotonic()
    scope = OFFICIAL if hidden else PRACTICE
    submission: dict[str, Any] = {
        "path": label or (str(notebook) if isinstance(notebook, Path) else "<bytes>"),
        "commit": commit,
    }
    grader: dict[str, Any] = {"version": __version__}
    try:
        week = load_spec(paths, hidden)
        refs, digest = load_references(paths, hidden)
        grader["reference_sha256"] = digest
        grader["sandbox"] = isolation().summary()
        items = week.items_for(hidden)
        notes: list[str] = []
        if isinstance(notebook, bytes):
            data: bytes | None = notebook
        else:
            try:
                data = read_notebook(notebook)
            except FileNotFoundError:
                data, notes = (
                    None,
                    [f"no notebook at {notebook.name}: was it renamed or not committed?"],
                )
            except OSError as error:
                data, notes = None, [f"the notebook cannot be read: {error.strerror or error}"]
        if data is None:
            results = _unreadable(paths.name, scope, items, notes[0], submission, grader)
        else:
            submission["sha256"] = hashlib.sha256(data).hexdigest()
            submission["bytes"] = len(data)
            job = HarnessJob(
                notebook=data, specs=spec_sources(paths, hidden), items=[i.name for i in items]
            )
            if item_workers is not None:
                job.item_workers = item_workers
            run = run_in_sandbox(job, limits=limits, hide=private_paths(paths, hide))
            tests = score_items(items, run, refs)
            results = Results(paths.name, scope, tests, submission, grader)
            results.cells = [
                {"number": c.number, "error": c.error, "seconds": c.seconds}
                for c in run.cells
                if c.error
            ]
            results.notes = _run_notes(run)
        if not hidden:
            meta_hidden = paths.meta().get("hidden", {})
            results.hidden_pending = {
                "items": int(meta_hidden.get("items", 0)),
                "points": float(meta_hidden.get("points", 0.0)),
            }
    except Exception as error:
        results = Results(paths.name, scope, [], submission, grader, status="error")
        results.error = f"{type(error).__name__}: {error}"
        grader["traceback"] = traceback.format_exc(limit=8)
    results.seconds = round(time.monotonic() - started, 3)
    results.graded_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return results


def _unreadable(
    week: str,
    scope: str,
    items: list[Any],
    why: str,
    submission: dict[str, Any],
    grader: dict[str, Any],
) -> Results:
    tests = [ItemResult(i.name, 0.0, i.points, "failed", why, i.hidden, i.hint) for i in items]
    return Results(week, scope, tests, submission, grader, notes=[why])


def _run_notes(run: Any) -> list[str]:
    notes = []
    if run.notebook_error:
        notes.append(f"the notebook could not be read: {run.notebook_error}")
    for reason in run.skipped_cells.values():
        notes.append(f"{reason}; it was skipped and the rest was graded without it")
    if run.fatal:
        notes.append(run.fatal)
    if run.output_bytes > 1 << 20:
        notes.append(
            f"the notebook printed {run.output_bytes / 2**20:.0f} MiB of output; only the end was kept"
        )
    return notes
