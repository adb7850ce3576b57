"""Grade one submission: sandboxed run, trusted comparison, one results record.

:func:`grade_submission` never raises for a bad submission: a missing,
unreadable, oversized or invalid notebook is graded (zero, with a message).
An error of the grader itself is returned as a record with status
``"error"`` so that a batch never loses a submission.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import traceback
from pathlib import Path
from typing import Any

from autograder import __version__
from autograder.course import CourseError, WeekPaths
from autograder.files import read_notebook
from autograder.sandbox.fork_server import TemplateAddress
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.portable import PORTABLE, PORTABLE_NOTE
from autograder.sandbox.strays import StraysSurvived
from autograder.sandbox.supervisor import HarnessJob, private_item_names, run_in_sandbox
from autograder.scoring import provenance
from autograder.scoring.compare import ItemResult, note_failing_uses, score_items
from autograder.scoring.references import load_week_references
from autograder.scoring.results import OFFICIAL, PRACTICE, Results
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Week, load_week_spec
from autograder.wire.export import SHORT_MESSAGE_CHARS, RunExport
from autograder.wire.text import first_line

ALLOW_WEAK_ENV = "AUTOGRADER_ALLOW_WEAK"
MAX_CELL_ERRORS_LISTED = 20  # the record lists these; the others are counted in a note
STRAYS_SURVIVED = "strays_survived"  # in ``grader``: this machine must not grade on (see batch)


def require_official_sandbox() -> None:
    """Refuse official (hidden) grading in the weak sandbox, where a submission can read
    the hidden references from disk, unless ``AUTOGRADER_ALLOW_WEAK=1`` accepts that risk.

    :func:`grade_submission` calls it for every official run, so no caller can skip it.
    """
    mode = isolation().mode
    if mode == PORTABLE:
        raise CourseError(
            "official grading with hidden items needs the Linux sandbox; this system only has the "
            "portable mode, which is for practice (`check`) only"
        )
    if mode == "weak" and os.environ.get(ALLOW_WEAK_ENV) != "1":
        raise CourseError(
            "official grading with hidden items needs the strict or userns sandbox, but only the weak "
            "one is available here (a submission could read the hidden references). Run as root, "
            f"for example in a container, or set {ALLOW_WEAK_ENV}=1 to accept the risk."
        )


def spec_sources(paths: WeekPaths, hidden: bool) -> list[tuple[str, str, bytes]]:
    sources = [("public", PUBLIC_SPEC, (paths.public_dir / PUBLIC_SPEC).read_bytes())]
    if hidden and paths.private_dir is not None and (paths.private_dir / HIDDEN_SPEC).is_file():
        sources.append(("hidden", HIDDEN_SPEC, (paths.private_dir / HIDDEN_SPEC).read_bytes()))
    return sources


def reference_code(paths: WeekPaths, week: Week, hidden: bool) -> bytes:
    """The reference implementations an official run gives the items that use other names.

    Empty for a practice run: students never receive the solution's code, so a
    practice report says which used function to fix first instead.
    """
    if not hidden or not any(item.uses for item in week.items):
        return b""
    path = paths.reference_implementations
    if not path.is_file():
        raise CourseError(
            f"{paths.name}: items use other graded names but {path} is missing: "
            f"run `nox -s release -- {paths.name}`"
        )
    return path.read_bytes()


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
    template: TemplateAddress | None = None,
) -> Results:
    """Grade ``notebook`` for week ``paths`` (public items, plus hidden ones if ``hidden``).

    ``template`` is a batch's warm template (:mod:`autograder.sandbox.fork_server`):
    the harness is forked from it instead of started cold; the record is the same.

    ``item_workers`` probes run at once (default: up to 2, one per core); a batch
    that grades more submissions in parallel than there are cores passes 1.

    Raises :class:`~autograder.course.CourseError` when ``hidden`` is asked for
    in the weak sandbox (see :func:`require_official_sandbox`); any other
    problem becomes a record, never an exception.
    """
    if hidden:
        require_official_sandbox()
    sandbox = isolation().summary()  # raises SandboxUnavailable: a set-up problem, not a record
    started = time.monotonic()
    scope = OFFICIAL if hidden else PRACTICE
    submission: dict[str, Any] = {
        "path": label or (str(notebook) if isinstance(notebook, Path) else "<bytes>"),
        "commit": commit,
    }
    grader: dict[str, Any] = {"version": __version__}
    try:
        week = load_week_spec(paths, hidden)
        refs, digest = load_week_references(paths, hidden)
        grader["reference_sha256"] = digest
        recorded = provenance.load(paths.public_references)
        drift = provenance.drift(recorded) if recorded is not None else []
        grader["sandbox"] = sandbox
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
            code = reference_code(paths, week, hidden)
            job = HarnessJob(
                notebook=data,
                specs=spec_sources(paths, hidden),
                items=[i.name for i in items],
                private_items=private_item_names(items, bool(code)),
                reference_code=code,
            )
            if item_workers is not None:
                job.item_workers = item_workers
            run = run_in_sandbox(
                job, limits=limits, hide=private_paths(paths, hide), template=template
            )
            tests = score_items(items, run, refs)
            if not job.reference_code:
                note_failing_uses(items, tests)
            results = Results(paths.name, scope, tests, submission, grader)
            results.cells = cell_errors(run)
            results.notes = _run_notes(run) + [
                f"the references were computed elsewhere: {line} (numbers may differ in the last digits)"
                for line in drift
            ]
            if run.stray_processes:
                grader[STRAYS_SURVIVED] = run.stray_processes
        if not hidden:
            meta_hidden = paths.meta().get("hidden", {})
            results.hidden_pending = {
                "items": int(meta_hidden.get("items", 0)),
                "points": float(meta_hidden.get("points", 0.0)),
            }
            results.written = [
                {"name": str(q.get("name", "?")), "points": float(q.get("points", 0.0))}
                for q in paths.meta().get("written", [])
                if isinstance(q, dict)
            ]
    except StraysSurvived as error:  # the machine, not this submission: graded nowhere here
        results = Results(paths.name, scope, [], submission, grader, status="error")
        results.error = f"not graded: {error}"
        grader[STRAYS_SURVIVED] = True
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


def cell_errors(run: RunExport) -> list[dict[str, Any]]:
    """The record's list of cells that raised: the first few, each its error type and one short
    line (every cell listed ran before any hidden spec was in the sandbox)."""
    return [
        {
            "number": c.number,
            "execution_count": c.execution_count,
            "error": {
                "error_type": c.error["error_type"],
                "error_message": first_line(c.error["error_message"], SHORT_MESSAGE_CHARS),
                "location": c.error["location"],
            },
            "seconds": c.seconds,
        }
        for c in run.cells
        if c.error
    ][:MAX_CELL_ERRORS_LISTED]


def _run_notes(run: RunExport) -> list[str]:
    notes = [PORTABLE_NOTE] if run.isolation.mode == PORTABLE else []
    if run.notebook_error:
        notes.append(f"the notebook could not be read: {run.notebook_error}")
    for reason in run.skipped_cells.values():
        notes.append(f"{reason}; it was skipped and the rest was graded without it")
    if run.fatal:
        notes.append(run.fatal)
    listed = min(MAX_CELL_ERRORS_LISTED, sum(1 for c in run.cells if c.error))
    if run.cells_failed > listed:
        notes.append(
            f"{run.cells_failed} of {run.cells_run} cells raised an error; "
            f"only the first {listed} are listed"
        )
    if run.output_bytes > 1 << 20:
        notes.append(
            f"the notebook printed {run.output_bytes / 2**20:.0f} MiB of output; only the end was kept"
        )
    if run.stray_processes:
        notes.append(
            f"{run.stray_processes} processes of this submission outlived grading; "
            "no further submission is graded under this uid"
        )
    return notes
