"""Grade many submissions, in parallel, with a progress bar: exactly one record each.

Each submission is graded by :func:`autograder.grading.submission.grade_submission` in a
worker process (``-j N`` workers; ``-j 1`` grades in this process). Whatever
goes wrong (the grader raises, a worker dies) that submission still gets a
record, with ``status: "error"`` (exit code 3 for that one) and the reason,
so a batch never loses a student.

A worker that dies (killed, out of memory) breaks its pool, and the pool
stops its other workers: the submissions that had not started go to a fresh
pool, and each that had started is graded again alone, in a fresh worker of
its own, so that a second death is its own. A submission whose own worker
dies that way too gets its own ``error`` row; the others are unaffected.

Where a submission's processes survived its clean-up (weak mode as an
ordinary user, which has neither a PID namespace nor a uid of its own), the
batch grades nothing more on this machine, and every submission left gets an
``error`` row that says why, rather than a silent zero from a run the stray
disturbed.

Warm template: a batch of several submissions starts one warm template
(:mod:`autograder.sandbox.fork_server`) that imports the week's libraries
once, and each submission's harness is forked from it instead of started
cold; the records are the same. Where the sandbox mode cannot have one
(weak mode as an ordinary user) or it fails to start, the batch runs cold
and says why (``say``). ``warm=False`` always runs cold.

Cache: identical notebook bytes graded against identical references give
identical records, so within one batch a notebook is graded once per
SHA-256 and its record is copied for the other submissions (with their own
label and commit; ``grader.cached_from`` names the one that was graded).
Pass ``cache=False`` to grade every submission.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from autograder import __version__
from autograder.course import WeekPaths
from autograder.exit_codes import ExitCode
from autograder.grading.submission import STRAYS_SURVIVED, grade_submission
from autograder.sandbox.fork_server import (
    TemplateAddress,
    TemplateError,
    WarmTemplate,
    template_supported,
)
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.template_imports import template_imports
from autograder.scoring.compare import ItemResult
from autograder.scoring.references import load_week_references
from autograder.scoring.results import OFFICIAL, PRACTICE, Results
from autograder.spec import PUBLIC_SPEC, load_week_spec

Record = dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """One thing to grade: its label (the student), the notebook bytes, and the commit.

    ``notebook`` is None when there is nothing gradable (no notebook in the
    commit, a symlink, too large); ``why`` says so, and the submission gets
    a zero record with that note instead of a sandbox run.
    """

    label: str
    notebook: bytes | None
    commit: str | None = None
    why: str = ""


Grader = Callable[[WeekPaths, Submission, bool, "Limits | None"], Record]


def grade_one(
    paths: WeekPaths,
    submission: Submission,
    hidden: bool,
    limits: Limits | None = None,
    item_workers: int | None = None,
    template: TemplateAddress | None = None,
) -> Record:
    """The record of one submission (never raises for a bad submission)."""
    if submission.notebook is None:
        return zero_record(paths, submission, hidden)
    results = grade_submission(
        paths,
        submission.notebook,
        hidden=hidden,
        limits=limits,
        commit=submission.commit,
        label=submission.label,
        item_workers=item_workers,
        template=template,
    )
    return results.as_dict()


@contextlib.contextmanager
def batch_grader(
    paths: WeekPaths,
    grader: Grader,
    *,
    count: int,
    workers: int,
    warm: bool,
    say: Callable[[str], None] | None = None,
) -> Iterator[Grader]:
    """The grader a batch of ``count`` submissions uses: :func:`grade_one` probing items one by
    one when more submissions than cores run at once, and forking from a warm template while the
    batch lasts (see the module docstring). Any other ``grader`` (tests) is used as given."""
    if grader is not grade_one:
        yield grader
        return
    # up to one submission per core still probes items two at a time: a core that one
    # submission leaves idle (its cells run on one thread; the batch's last submission runs
    # alone) goes to another process (week 5, 10 submissions, -j 2: 32.5 s -> 27.4 s);
    # more submissions than cores already keep every core busy
    item_workers = 1 if workers > (os.cpu_count() or 1) and count > 1 else None
    iso = isolation()
    if not warm or count < 2 or not template_supported(iso):
        if warm and count >= 2 and say:
            say(f"cold start for every submission: no warm template in {iso.mode} mode here")
        yield functools.partial(grade_one, item_workers=item_workers)
        return
    modules = template_imports(paths.notebook, paths.public_dir / PUBLIC_SPEC)
    try:
        template = WarmTemplate.start(iso, modules)
    except (TemplateError, OSError) as error:
        if say:
            say(f"cold start for every submission: the warm template did not start ({error})")
        yield functools.partial(grade_one, item_workers=item_workers)
        return
    with template:
        if say:
            failed = sorted(m for m, outcome in template.imports.items() if outcome != "ok")
            say(
                f"warm template ({iso.mode} sandbox, started in {template.start_seconds:.1f} s): "
                f"imports {', '.join(m for m in modules if m not in failed)}"
                + (
                    f"; not importable, left to each submission: {', '.join(failed)}"
                    if failed
                    else ""
                )
            )
        yield functools.partial(grade_one, item_workers=item_workers, template=template.address)


def zero_record(paths: WeekPaths, submission: Submission, hidden: bool) -> Record:
    """Zero on every item, with ``submission.why`` as the message: nothing to run."""
    scope = OFFICIAL if hidden else PRACTICE
    grader: dict[str, Any] = {"version": __version__}
    record = {"path": submission.label, "commit": submission.commit}
    try:
        week = load_week_spec(paths, hidden)
        grader["reference_sha256"] = load_week_references(paths, hidden)[1]
        tests = [
            ItemResult(i.name, 0.0, i.points, "failed", submission.why, i.hidden, i.hint)
            for i in week.items_for(hidden)
        ]
        results = Results(paths.name, scope, tests, record, grader, notes=[submission.why])
    except Exception as error:  # one record per submission, whatever happens
        return error_record(paths.name, submission, hidden, error)
    results.graded_at = _now()
    return results.as_dict()


def error_record(
    week: str, submission: Submission, hidden: bool, error: BaseException | str
) -> Record:
    """The record of a submission the grader failed on (status "error", exit code 3)."""
    message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    grader: dict[str, Any] = {"version": __version__}
    if isinstance(error, BaseException):
        grader["traceback"] = "".join(traceback.format_exception(error, limit=8))
    results = Results(
        week,
        OFFICIAL if hidden else PRACTICE,
        [],
        {"path": submission.label, "commit": submission.commit},
        grader,
        status="error",
    )
    results.error = message
    results.graded_at = _now()
    return results.as_dict()


def exit_code(record: Record) -> int:
    """0 all passed, 1 graded with failures, 3 the grader failed on it."""
    if record.get("status") != "graded":
        return ExitCode.INTERNAL
    return (
        ExitCode.OK
        if all(t["status"] == "passed" for t in record.get("tests", []))
        else ExitCode.FAILED
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _safe_grade(
    grader: Grader, paths: WeekPaths, submission: Submission, hidden: bool, limits: Limits | None
) -> Record:
    try:
        return grader(paths, submission, hidden, limits)
    except Exception as error:  # one record per submission, whatever happens
        return error_record(paths.name, submission, hidden, error)


class ProgressBar:
    """``[#####.....] 12/30 0:00:12 alice``: redrawn in place on a terminal, one line per item otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.done, self.width = total, 0, width
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, label: str, outcome: str) -> None:
        self.done += 1
        filled = self.width * self.done // max(self.total, 1)
        elapsed = dt.timedelta(seconds=round(time.monotonic() - self.started))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {elapsed} {label}: {outcome}"
        if self.tty:
            self.stream.write("\r\033[K" + line + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _outcome(record: Record) -> str:
    if record.get("status") != "graded":
        return "ERROR"
    return f"{record.get('score', 0):g}/{record.get('max_score', 0):g}"


def grade_batch(
    paths: WeekPaths,
    submissions: Sequence[Submission],
    *,
    hidden: bool = True,
    workers: int = 1,
    cache: bool = True,
    limits: Limits | None = None,
    progress: ProgressBar | None = None,
    grader: Grader = grade_one,
    warm: bool = True,
    say: Callable[[str], None] | None = None,
) -> dict[str, Record]:
    """Grade ``submissions``; return label -> record, one per submission, in input order.

    ``warm``: fork each harness from a warm template (see the module docstring);
    ``say`` is told which, and what the template imports.
    """
    labels = [s.label for s in submissions]
    if len(set(labels)) != len(labels):
        raise ValueError("submission labels must be unique")
    isolation()  # a sandbox that cannot run here stops the batch before it starts
    # Group identical notebooks (see the module docstring); None notebooks are cheap and never grouped.
    leaders: dict[str, Submission] = {}
    follower_of: dict[str, str] = {}
    todo: list[Submission] = []
    for submission in submissions:
        digest = (
            hashlib.sha256(submission.notebook).hexdigest()
            if submission.notebook is not None
            else None
        )
        if cache and digest is not None and digest in leaders:
            follower_of[submission.label] = leaders[digest].label
            continue
        if digest is not None:
            leaders[digest] = submission
        todo.append(submission)

    records: dict[str, Record] = {}
    by_label = {s.label: s for s in submissions}
    followers: dict[str, list[str]] = {}
    for label, leader in follower_of.items():
        followers.setdefault(leader, []).append(label)

    def finish(submission: Submission, record: Record) -> None:
        records[submission.label] = record
        if progress:
            progress.advance(submission.label, _outcome(record))
        for label in followers.get(submission.label, []):
            records[label] = copied(record, by_label[label], submission.label)
            if progress:
                progress.advance(label, _outcome(records[label]) + " (same notebook)")

    halted: list[str] = []  # why the batch stopped grading, once it did

    def finish_or_halt(submission: Submission, record: Record) -> None:
        if record.get("grader", {}).get(STRAYS_SURVIVED) and not halted:
            halted.append(
                f"not graded: processes of submission {submission.label!r} survived its "
                "clean-up, so this machine grades no more submissions under this uid "
                "(grade in the strict or userns sandbox)"
            )
        finish(submission, record)

    def halt_reason() -> str | None:
        return halted[0] if halted else None

    with batch_grader(
        paths, grader, count=len(todo), workers=workers, warm=warm, say=say
    ) as chosen:
        if workers <= 1 or len(todo) <= 1:
            for submission in todo:
                reason = halt_reason()
                record = (
                    error_record(paths.name, submission, hidden, reason)
                    if reason
                    else _safe_grade(chosen, paths, submission, hidden, limits)
                )
                finish_or_halt(submission, record)
        else:
            _WorkerPools(paths, hidden, limits, chosen, workers, finish_or_halt, halt_reason).grade(
                todo
            )
    return {label: records[label] for label in labels}


def _mark_started_then_grade(
    marks: str,
    index: int,
    grader: Grader,
    paths: WeekPaths,
    submission: Submission,
    hidden: bool,
    limits: Limits | None,
) -> Record:
    """Runs in a worker: leave a mark (a file, no lock a dying worker could hold), then grade."""
    Path(marks, str(index)).touch()
    return _safe_grade(grader, paths, submission, hidden, limits)


@dataclass
class _WorkerPools:
    """Grades submissions in worker processes; a dying worker costs no other submission."""

    paths: WeekPaths
    hidden: bool
    limits: Limits | None
    grader: Grader
    workers: int
    finish: Callable[[Submission, Record], None]
    halt_reason: Callable[[], str | None]

    def grade(self, todo: list[Submission]) -> None:
        shared = list(range(len(todo)))
        lock = threading.Lock()
        while shared:
            shared, suspects = self._pool(todo, shared, self.workers)
            # each submission that was running when a worker died, again alone:
            # a death there is its own
            with ThreadPoolExecutor(max_workers=self.workers) as threads:
                alone = [threads.submit(self._pool, todo, [i], 1, lock) for i in suspects]
                for index in (i for future in alone for part in future.result() for i in part):
                    died = error_record(
                        self.paths.name,
                        todo[index],
                        self.hidden,
                        "the grading worker died on this submission, and again when it was "
                        "graded alone in a fresh worker (killed, or out of memory)",
                    )
                    self._finish(todo[index], died, lock)

    def _pool(
        self,
        todo: list[Submission],
        indices: list[int],
        workers: int,
        lock: threading.Lock | None = None,
    ) -> tuple[list[int], list[int]]:
        """Grade ``indices`` in one pool: (not started, started) of those a broken pool lost."""
        reason = self.halt_reason()
        if reason:
            for index in indices:
                record = error_record(self.paths.name, todo[index], self.hidden, reason)
                self._finish(todo[index], record, lock)
            return [], []
        marks = tempfile.mkdtemp(prefix="autograder-batch-")
        lost: list[int] = []
        context = multiprocessing.get_context("forkserver")
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                futures: dict[Future[Record], int] = {}
                for index in indices:
                    args = (self.grader, self.paths, todo[index], self.hidden, self.limits)
                    futures[pool.submit(_mark_started_then_grade, marks, index, *args)] = index
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        index = futures[future]
                        try:
                            record = future.result()
                        except BrokenProcessPool:
                            lost.append(index)
                            continue
                        except Exception as error:  # cannot happen: _safe_grade returns a record
                            record = error_record(self.paths.name, todo[index], self.hidden, error)
                        self._finish(todo[index], record, lock)
                        if self.halt_reason():
                            for other in pending:
                                other.cancel()
                    pending = {f for f in pending if not f.cancelled()}
                for future, index in futures.items():
                    if future.cancelled():
                        reason = self.halt_reason() or "not graded: the batch stopped"
                        record = error_record(self.paths.name, todo[index], self.hidden, reason)
                        self._finish(todo[index], record, lock)
            started = set(os.listdir(marks))
        finally:
            shutil.rmtree(marks, ignore_errors=True)
        return [i for i in lost if str(i) not in started], [i for i in lost if str(i) in started]

    def _finish(self, submission: Submission, record: Record, lock: threading.Lock | None) -> None:
        if lock is None:
            self.finish(submission, record)
        else:
            with lock:
                self.finish(submission, record)


def copied(record: Record, submission: Submission, leader: str) -> Record:
    """``record`` relabelled for ``submission`` (same notebook bytes, so the same grade)."""
    out = copy.deepcopy(record)
    out["submission"] = {
        **out.get("submission", {}),
        "path": submission.label,
        "commit": submission.commit,
    }
    out.setdefault("grader", {})["cached_from"] = leader
    return out


__all__ = [
    "ProgressBar",
    "Submission",
    "copied",
    "error_record",
    "exit_code",
    "grade_batch",
    "grade_one",
    "zero_record",
]
