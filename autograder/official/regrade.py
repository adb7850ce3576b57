"""The official regrade: every roster student's last commit before the deadline, hidden tests, a gradebook.

Steps (``python -m autograder regrade weekNN --roster R --repos DIR_OR_ORG --deadline T``):

1. read the roster, the late policy, the overrides (:mod:`autograder.official.overrides`)
   and index the repositories (:mod:`autograder.official.repositories`);
   refuse, before grading anything, names the roster does not hold (with
   "did you mean"), repositories of students not on the roster, misnamed
   repositories and students listed twice;
2. keep this shard's slice of the roster (``--shard K/N``: every N-th student
   from the K-th, in roster order);
3. per student: a bare clone, the commit history (push times from GitHub
   where known), the newest commit at or before the student's cutoff
   (:mod:`autograder.official.late_policy`), or the commit, notebook path or
   waived lateness the overrides give, the notebook read from git objects;
   a commit an override names that is not there stops the regrade (exit 2);
4. if the inputs (every student's commit and notebook bytes, the references,
   the grader's version, the policy, the overrides, the roster's ids) are the
   ones the output folder's ``run.json`` recorded, say "nothing changed" and
   stop (unless ``force``);
5. grade every notebook with hidden tests in the sandbox, in parallel
   (:mod:`autograder.grading.batch`; identical notebooks are graded once),
   then apply the overrides' point adjustments;
6. if the output folder already holds a gradebook, show old vs new totals of
   every student that changed, and write nothing unless ``--yes``;
7. write the gradebook files (:mod:`autograder.official.week_outputs`), one
   ``feedback/<student>.md``, ``results/<student>.json`` and
   ``submissions/<student>.ipynb`` (the bytes graded) per student.

Reproducibility: re-running on the same commits writes the same
``gradebook.csv``, ``canvas.csv``, ``similarity.csv``, ``summary.md`` and
both plots byte for byte. What varies between runs is only: ``graded_at`` and the
``seconds`` fields in ``results/*.json``, the "graded in N s" footer of
``feedback/*.md``, and ``run.json``'s ``finished_at``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder import __version__
from autograder.course import WeekPaths
from autograder.files import write_atomic
from autograder.grading.batch import Grader, ProgressBar, Record, Submission, grade_batch, grade_one
from autograder.official.gradebook import (
    EMPTY,
    ERROR,
    GRADEBOOK,
    GRADED,
    MISSING,
    NO_COMMIT,
    NOT_SUBMITTED,
    UNREADABLE,
    GradebookError,
    Row,
    differences,
    fmt,
    item_points_of,
    read_gradebook,
)
from autograder.official.late_policy import TAKE_BEST, LatePolicy, Verdict
from autograder.official.overrides import Override, adjustment_points, overrides_digest
from autograder.official.repositories import (
    Commit,
    RepoIndex,
    apply_push_times,
    choose_commit,
    clone_bare,
    history,
    notebook_problem,
    read_notebook_blob,
    repository_absent,
    unusable_dates,
)
from autograder.official.roster import CollectError, RosterEntry
from autograder.official.shard_manifest import (
    ADJUSTED,
    RUN_META,
    SUBMISSIONS,
    file_digest,
    run_meta,
)
from autograder.official.shards import shard_slice
from autograder.official.week_outputs import Written, write_gradebook
from autograder.reporting.markdown import markdown
from autograder.reporting.untrusted import markdown_code, markdown_escaped, one_line
from autograder.scoring.references import load_week_references
from autograder.scoring.results import results_json
from autograder.spec import load_week_spec

CLONE_THREADS = 8
FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)  # a waived lateness: every commit counts
Say = Callable[[str], None]


@dataclass
class Prepared:
    """A student's repository state before grading."""

    entry: RosterEntry
    row: Row
    submission: Submission | None = None
    verdict: Verdict | None = None
    on_time: tuple[Commit, Submission] | None = None  # take = "best": the last on-time commit too
    problem: str = ""  # an override that cannot be applied: stops the regrade before grading


@dataclass
class Regrade:
    """What a regrade produced (nothing is written until :func:`write_outputs`)."""

    rows: list[Row]
    records: dict[str, Record]
    feedback: dict[str, str]
    changes: list[str] = field(default_factory=list)
    # written questions folded in (autograder.official.written_marks.fold_into_regrade): name -> points
    written_points: dict[str, float] = field(default_factory=dict)
    notebooks: dict[str, bytes] = field(default_factory=dict)  # student -> the bytes graded
    inputs: str = ""  # digest of everything the grades depend on (see the module docstring)
    unchanged: bool = False  # the inputs are the last run's: nothing was graded

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.status] = out.get(row.status, 0) + 1
        return out


def prepare(
    paths: WeekPaths,
    entry: RosterEntry,
    index: RepoIndex,
    policy: LatePolicy,
    workdir: Path,
    max_score: float,
    override: Override | None = None,
    template_sha256: str = "",
) -> Prepared:
    """Clone, pick the commit and read the notebook of one student."""
    student = entry.student
    override = override or Override(student)
    row = Row(student, MISSING, max_score)
    location = index.locations.get(student)
    if location is None:
        row.note = "no repository found for this student"
        return Prepared(entry, row)
    row.repo = location
    bare, why = clone_bare(location, workdir / f"{student}.git", index.auth_header)
    if bare is None:
        if repository_absent(why):
            row.note = f"the repository cannot be cloned: {why}"
        else:
            row.status, row.note = ERROR, f"the clone failed (regrade again once fixed): {why}"
        return Prepared(entry, row)
    commits = history(bare)
    if not commits:
        row.status, row.note = EMPTY, "the repository has no commits"
        return Prepared(entry, row)
    if index.pushes is not None and student in index.pushes:
        commits = apply_push_times(bare, commits, index.pushes[student])
    if override.commit:
        named = [c for c in commits if c.sha.startswith(override.commit)]
        if len(named) != 1:
            how = "is not a commit of" if not named else "names several commits of"
            problem = f"{student}: the overrides' commit {override.commit} {how} {location}"
            return Prepared(entry, row, problem=problem)
        chosen: Commit | None = named[0]
        later = any(c.time and named[0].time and c.time > named[0].time for c in commits)
    else:
        cutoff = FAR_FUTURE if override.waive_late else policy.cutoff_for(student)
        chosen, later = choose_commit(commits, cutoff)
    verdict = policy.judge(student, chosen.time if chosen else None, later)
    if override.waive_late:
        verdict = Verdict(verdict.cutoff, verdict.late, 0, 1.0)
    elif override.commit and verdict.days_late > policy.penalty.max_days:
        # a chosen commit later than the policy reaches is as late as it allows (cutoff: no penalty)
        days = policy.penalty.max_days
        verdict = Verdict(verdict.cutoff, True, days, policy.penalty.multiplier(days))
    row.late = verdict.late
    dates = unusable_dates(commits)  # the student's metadata never makes the row an error
    if chosen is None or (chosen.time is None and not override.commit):
        cutoff_text = policy.cutoff_for(student).isoformat()
        row.status, row.note = NO_COMMIT, _joined(f"no commit at or before {cutoff_text}", dates)
        return Prepared(entry, row, verdict=verdict)
    row.commit, row.commit_time, row.time_source = (
        chosen.sha,
        chosen.time.isoformat() if chosen.time else "",  # an override's commit may have no date
        chosen.source,
    )
    row.days_late, row.multiplier = verdict.days_late, verdict.multiplier
    name = override.notebook or f"{paths.name}.ipynb"
    submission, status, why = _notebook_at(bare, chosen, name, student, template_sha256)
    row.status, row.note = status, _joined(why, dates)
    prepared = Prepared(entry, row, submission, verdict)
    if (
        policy.take == TAKE_BEST
        and verdict.days_late
        and not (override.commit or override.waive_late)
    ):
        on_time, _ = choose_commit(commits, policy.on_time_until(student))
        if on_time is not None and on_time.sha != chosen.sha:
            other, other_status, _ = _notebook_at(
                bare, on_time, name, f"{student} on-time", template_sha256
            )
            if other_status == GRADED and other is not None:
                prepared.on_time = (on_time, other)
    return prepared


def _notebook_at(
    bare: Path, commit: Commit, name: str, label: str, template_sha256: str
) -> tuple[Submission | None, str, str]:
    """(what to grade, the row's status, why) for the notebook ``name`` at ``commit``."""
    data, why = read_notebook_blob(bare, commit.sha, name)
    if data is not None and hashlib.sha256(data).hexdigest() == template_sha256:
        return (
            None,
            NOT_SUBMITTED,
            f"{name} is the released template, unchanged: nothing was submitted",
        )
    if data is not None:
        why = notebook_problem(data)
        if why:
            data = None
    return Submission(label, data, commit.sha, why), (UNREADABLE if data is None else GRADED), why


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _or_error_row(
    collect: Callable[[RosterEntry], Prepared],
    entry: RosterEntry,
    index: RepoIndex,
    max_score: float,
) -> Prepared:
    """``collect(entry)``, but a failure of ours becomes an ``error`` row, never a gap."""
    try:
        return collect(entry)
    except Exception as error:  # one row per roster student, whatever happens
        row = Row(entry.student, ERROR, max_score, repo=index.locations.get(entry.student, ""))
        row.note = f"internal error while collecting: {type(error).__name__}: {error}"
        return Prepared(entry, row)


def inputs_digest(
    paths: WeekPaths,
    prepared: list[Prepared],
    policy: LatePolicy,
    overrides: dict[str, Override],
    extra: list[str],
) -> str:
    """A digest of what the grades depend on: if it is the last run's, nothing changed."""
    students = []
    for item in prepared:
        graded = [item.submission] + ([item.on_time[1]] if item.on_time else [])
        students.append(
            [
                item.row.student,
                item.row.status,
                item.row.commit,
                item.row.commit_time,
                item.row.note,
                [
                    hashlib.sha256(s.notebook).hexdigest() if s and s.notebook else ""
                    for s in graded
                ],
            ]
        )
    doc = {
        "week": paths.name,
        "grader": __version__,
        "references": load_week_references(paths, hidden=True)[1],
        "policy": repr(policy),
        "overrides": overrides_digest(overrides),
        "students": students,
        "extra": extra,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def previous_inputs(out: Path) -> str:
    """The inputs digest the last regrade into ``out`` recorded.

    "" (so the regrade runs) when there is none, or when ``gradebook.csv`` is
    no longer the file that regrade wrote (deleted, or edited by hand).
    """
    try:
        meta = json.loads((out / RUN_META).read_bytes())
        gradebook = file_digest((out / GRADEBOOK).read_bytes())
    except (OSError, ValueError):
        return ""
    if not isinstance(meta, dict) or meta.get("gradebook_sha256") != gradebook:
        return ""
    return str(meta.get("inputs", ""))


def run_regrade(
    paths: WeekPaths,
    roster: list[RosterEntry],
    index: RepoIndex,
    policy: LatePolicy,
    *,
    overrides: dict[str, Override] | None = None,
    shard: tuple[int, int] = (1, 1),
    workers: int = 1,
    cache: bool = True,
    progress: bool = True,
    say: Say = print,
    grader: Grader = grade_one,
    warm: bool = True,
    unchanged_since: str = "",
    extra_inputs: list[str] | None = None,
) -> Regrade:
    """Grade this shard's students (see the module docstring); write nothing.

    ``unchanged_since``: the last run's inputs digest; when the inputs are
    the same, nothing is graded and the result says ``unchanged``.
    """
    index.check_against(roster)
    policy = policy.for_roster([e.student for e in roster])
    overrides = overrides or {}
    week = load_week_spec(paths, hidden=True)
    points = item_points_of(week)
    max_score = sum(points.values())
    template_sha256 = hashlib.sha256(paths.notebook.read_bytes()).hexdigest()
    chosen = shard_slice(roster, *shard)
    say(
        f"{paths.name}: {len(chosen)} of {len(roster)} students (shard {shard[0]}/{shard[1]}); {policy.describe()}"
        + (f"; {len(overrides)} overrides" if overrides else "")
    )
    with (
        tempfile.TemporaryDirectory(prefix="regrade-") as scratch,
        ThreadPoolExecutor(max_workers=CLONE_THREADS) as clones,  # git runs as subprocesses
    ):

        def collect(entry: RosterEntry) -> Prepared:
            override = overrides.get(entry.student)
            workdir = Path(scratch)
            return prepare(
                paths, entry, index, policy, workdir, max_score, override, template_sha256
            )

        prepared = list(
            clones.map(lambda entry: _or_error_row(collect, entry, index, max_score), chosen)
        )
    problems = [p.problem for p in prepared if p.problem]
    if problems:
        raise CollectError("the overrides cannot be applied:\n  " + "\n  ".join(problems))
    inputs = inputs_digest(paths, prepared, policy, overrides, extra_inputs or [])
    if unchanged_since and inputs == unchanged_since:
        return Regrade([p.row for p in prepared], {}, {}, inputs=inputs, unchanged=True)
    submissions = [p.submission for p in prepared if p.submission is not None]
    submissions += [p.on_time[1] for p in prepared if p.on_time is not None]
    bar = ProgressBar(len(submissions)) if progress and submissions else None
    records = grade_batch(
        paths,
        submissions,
        hidden=True,
        workers=workers,
        cache=cache,
        progress=bar,
        grader=grader,
        warm=warm,
        say=say,
    )
    feedback, notebooks = {}, {}
    for item in prepared:
        row = item.row
        if item.on_time is not None:
            _take_the_better(item, records)
        record = records.get(row.student)
        if record is not None:
            row.items = {t["name"]: float(t["score"]) for t in record.get("tests", [])}
            if record.get("status") != "graded":
                row.status, row.items = ERROR, {}
                row.note = f"internal error of the grader: {record.get('error')}"
            row.sha256 = (record.get("submission") or {}).get("sha256", "")
        graded = item.submission
        if graded is not None and graded.notebook is not None and row.status == GRADED:
            notebooks[row.student] = graded.notebook
        override = overrides.get(row.student)
        if override is not None:
            _apply_override(row, override, points)
        feedback[row.student] = feedback_markdown(
            paths.name, row, record, override, compared=item.on_time is not None
        )
    return Regrade([p.row for p in prepared], records, feedback, notebooks=notebooks, inputs=inputs)


def _take_the_better(item: Prepared, records: dict[str, Record]) -> None:
    """take = "best": keep the last on-time commit when it beats the late one after its penalty."""
    assert item.on_time is not None
    commit, submission = item.on_time
    row = item.row
    late = records.get(row.student)  # None: the late commit holds the template (not submitted)
    on_time = records.pop(submission.label, None)
    if on_time is None or on_time.get("status") != "graded":
        return
    if late is not None and late.get("status") != "graded":
        return  # the grader failed on the late one: its error row says to regrade
    late_total = float(late.get("score", 0.0)) * row.multiplier if late else 0.0
    if float(on_time.get("score", 0.0)) <= late_total:
        row.note = _joined(row.note, f"the last on-time commit {commit.sha[:12]} scored less")
        return
    on_time["submission"]["path"] = row.student
    records[row.student] = on_time
    item.submission = Submission(row.student, submission.notebook, commit.sha)
    assert commit.time is not None
    row.commit, row.commit_time, row.time_source = (
        commit.sha,
        commit.time.isoformat(),
        commit.source,
    )
    row.days_late, row.multiplier = 0, 1.0
    late_problem = "" if row.status == GRADED else f"the late commit: {row.note}"
    row.status = GRADED
    row.note = _joined(
        late_problem or row.note,
        f"the last on-time commit scored {fmt(float(on_time.get('score', 0.0)))}, more than the "
        f"late one after its penalty ({fmt(round(late_total, 6))}): it is graded (take = best)",
    )


def _apply_override(row: Row, override: Override, points: dict[str, float]) -> None:
    decisions = override.lines()
    if override.adjustments and row.has_points:
        row.adjustment = adjustment_points(override, row.items, points)
    elif override.adjustments:
        decisions.append(f"adjustments not applied: status {row.status} has no points")
    row.overrides = "; ".join(decisions)


# how the feedback's total line starts (a written-marks fold restates that line)
TOTAL_PREFIX = "**Total: "


def total_line(row: Row) -> str:
    """The feedback's total line: the points out of the maximum, and the status."""
    total = row.shown_total()
    shown = f"{total} / {fmt(row.max_score)}" if total else "none"
    return f"{TOTAL_PREFIX}{shown}** (status: {row.status})."


def feedback_markdown(
    week: str,
    row: Row,
    record: Record | None,
    override: Override | None = None,
    *,
    compared: bool = False,
) -> str:
    """The per-student feedback: which commit was graded, lateness, overrides, then the report."""
    lines = [
        f"# {markdown_escaped(week, limit=100)}: official grade for {markdown_escaped(row.student, limit=100)}",
        "",
    ]
    if row.commit:
        lines.append(
            f"Graded commit {markdown_code(row.commit[:12], limit=12)} "
            f"({markdown_escaped(row.time_source, limit=20)} time {markdown_escaped(row.commit_time, limit=40)})."
        )
    if row.late and row.days_late:
        lines.append(
            f"Submitted {row.days_late} day(s) late: the total is multiplied by {fmt(row.multiplier)}."
        )
    elif row.late and compared:
        lines.append(
            "Your last commit was after your deadline: it was graded too, and the better "
            "total (the late one after its penalty) counts."
        )
    elif row.late and not (override and override.waive_late):
        lines.append("Commits after your deadline were not graded.")
    lines.append(total_line(row))
    if override is not None and row.overrides:
        lines += ["", "Decided by the instructor:", ""]
        lines += [f"- {markdown_escaped(line, limit=500)}" for line in row.overrides.split("; ")]
        if row.adjustment:
            lines.append(f"- {ADJUSTED.format(fmt(row.adjustment))}")
    if row.status != GRADED:
        lines += ["", f"Why: {markdown_code(row.note, limit=2000)}."]
    elif row.note:
        lines += ["", f"Note: {markdown_code(row.note, limit=500)}."]
    lines.append("")
    if record is not None and row.status == GRADED:  # an unreadable notebook: one note, no items
        lines.append(markdown(record).rstrip("\n"))
        lines.append("")
    return "\n".join(lines)


def check_changes(result: Regrade, out: Path) -> list[str]:
    """Old vs new totals of every student that changed, when ``out`` already has a gradebook."""
    old_path = out / GRADEBOOK
    if not old_path.is_file():
        return []
    try:
        _, old_rows = read_gradebook(old_path)
    except GradebookError as error:
        return [f"the existing {old_path} cannot be read ({error}); it would be replaced"]
    return differences(old_rows, result.rows)


def write_outputs(
    paths: WeekPaths,
    result: Regrade,
    out: Path,
    roster: list[RosterEntry],
    policy: LatePolicy,
    *,
    shard: tuple[int, int] = (1, 1),
    canvas_assignment: str | None = None,
) -> Written:
    """Write the gradebook files, feedback, results records and graded notebooks into ``out``."""
    week = load_week_spec(paths, hidden=True)
    extra = {e.student: e.extra for e in roster}
    written = write_gradebook(
        out,
        paths.name,
        result.rows,
        {**item_points_of(week), **result.written_points},
        extra,
        canvas_assignment=canvas_assignment,
        policy=policy.describe(),
        submissions=result.notebooks,
        template=paths.notebook.read_bytes(),
    )
    files: dict[str, str] = {}
    for row in result.rows:
        texts: dict[str, str | bytes] = {f"feedback/{row.student}.md": result.feedback[row.student]}
        if row.student in result.records:
            texts[f"results/{row.student}.json"] = results_json(result.records[row.student])
        if row.student in result.notebooks:
            texts[f"{SUBMISSIONS}/{row.student}.ipynb"] = result.notebooks[row.student]
        for name, text in texts.items():
            write_atomic(out / name, text)
            files[name] = file_digest(text)
    meta = run_meta(
        paths.name,
        policy=policy.describe(),
        penalty=policy.penalty,
        canvas_column=canvas_assignment or paths.name,
        shard=f"{shard[0]}/{shard[1]}",
        students=[row.student for row in result.rows],
        files=files,
        inputs=result.inputs,
        gradebook_sha256=file_digest((out / GRADEBOOK).read_bytes()),
    )
    write_atomic(out / RUN_META, meta)
    return written


def print_counts(result: Regrade, say: Say = print) -> None:
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.counts.items()))
    say(f"{len(result.rows)} rows: {counts}")
    for row in result.rows:
        if not row.has_points:
            say(f"  [{row.status.upper()}] {row.student}: {one_line(row.note)}")


def describe_changes(changes: list[str]) -> str:
    return "\n".join(
        ["changes against the existing gradebook (old -> new):", *[f"  {c}" for c in changes]]
    )


__all__ = [
    "TOTAL_PREFIX",
    "Regrade",
    "check_changes",
    "feedback_markdown",
    "inputs_digest",
    "prepare",
    "previous_inputs",
    "run_regrade",
    "total_line",
    "write_outputs",
]
