"""The official regrade: every roster student's last commit before the deadline, hidden tests, a gradebook.

Steps (``python -m autograder regrade weekNN --roster R --repos DIR_OR_ORG --deadline T``):

1. read the roster and index the repositories (:mod:`autograder.official.repositories`);
   refuse, before grading anything, repositories of students not on the roster
   and students listed twice;
2. keep this shard's slice of the roster (``--shard K/N``: every N-th student
   from the K-th, in roster order);
3. per student: a bare clone, the commit history (push times from GitHub
   where known), the newest commit at or before the student's cutoff
   (:mod:`autograder.official.late_policy`), the notebook read from git objects;
4. grade every notebook with hidden tests in the sandbox, in parallel
   (:mod:`autograder.grading.batch`; identical notebooks are graded once);
5. if the output folder already holds a gradebook, show old vs new totals of
   every student that changed, and write nothing unless ``--yes``;
6. write the gradebook files (:mod:`autograder.official.gradebook`), one
   ``feedback/<student>.md`` and one ``results/<student>.json`` per student.

Reproducibility: re-running on the same commits writes the same
``gradebook.csv``, ``canvas.csv``, ``summary.md`` and ``distribution.png``
byte for byte. What varies between runs is only: ``graded_at`` and the
``seconds`` fields in ``results/*.json``, the "graded in N s" footer of
``feedback/*.md``, and ``run.json``'s ``finished_at``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

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
    UNREADABLE,
    GradebookError,
    Row,
    differences,
    fmt,
    item_points_of,
    read_gradebook,
    write_gradebook,
)
from autograder.official.late_policy import LatePolicy, Verdict
from autograder.official.repositories import (
    RepoIndex,
    apply_push_times,
    choose_commit,
    clone_bare,
    history,
    read_notebook_blob,
    unusable_dates,
)
from autograder.official.roster import RosterEntry
from autograder.official.shard_manifest import RUN_META, file_digest, run_meta
from autograder.official.shards import shard_slice
from autograder.reporting.markdown import markdown
from autograder.reporting.untrusted import markdown_code, markdown_escaped, one_line
from autograder.scoring.results import results_json
from autograder.spec import load_week_spec

CLONE_THREADS = 8
Say = Callable[[str], None]


@dataclass
class Prepared:
    """A student's repository state before grading."""

    entry: RosterEntry
    row: Row
    submission: Submission | None = None
    verdict: Verdict | None = None


@dataclass
class Regrade:
    """What a regrade produced (nothing is written until :func:`write_outputs`)."""

    rows: list[Row]
    records: dict[str, Record]
    feedback: dict[str, str]
    changes: list[str] = field(default_factory=list)
    # written questions folded in (autograder.official.written_marks.fold_into_regrade): name -> points
    written_points: dict[str, float] = field(default_factory=dict)

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
) -> Prepared:
    """Clone, pick the commit and read the notebook of one student."""
    student = entry.student
    row = Row(student, MISSING, max_score)
    location = index.locations.get(student)
    if location is None:
        row.note = "no repository found for this student"
        return Prepared(entry, row)
    row.repo = location
    bare, why = clone_bare(location, workdir / f"{student}.git", index.auth_header)
    if bare is None:
        row.note = f"the repository cannot be cloned: {why}"
        return Prepared(entry, row)
    commits = history(bare)
    if not commits:
        row.status, row.note = EMPTY, "the repository has no commits"
        return Prepared(entry, row)
    if index.pushes is not None and student in index.pushes:
        commits = apply_push_times(bare, commits, index.pushes[student])
    chosen, later = choose_commit(commits, policy.cutoff_for(student))
    verdict = policy.judge(student, chosen.time if chosen else None, later)
    row.late = verdict.late
    dates = unusable_dates(commits)  # the student's metadata never makes the row an error
    if chosen is None or chosen.time is None:
        cutoff = policy.cutoff_for(student).isoformat()
        row.status, row.note = NO_COMMIT, _joined(f"no commit at or before {cutoff}", dates)
        return Prepared(entry, row, verdict=verdict)
    row.commit, row.commit_time, row.time_source = (
        chosen.sha,
        chosen.time.isoformat(),
        chosen.source,
    )
    row.days_late, row.multiplier = verdict.days_late, verdict.multiplier
    data, why = read_notebook_blob(bare, chosen.sha, f"{paths.name}.ipynb")
    row.status, row.note = (UNREADABLE if data is None else GRADED), _joined(why, dates)
    return Prepared(entry, row, Submission(student, data, chosen.sha, why), verdict)


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _prepare_safely(
    paths: WeekPaths,
    entry: RosterEntry,
    index: RepoIndex,
    policy: LatePolicy,
    workdir: Path,
    max_score: float,
) -> Prepared:
    """:func:`prepare`, but a failure of ours becomes an ``error`` row, never a gap."""
    try:
        return prepare(paths, entry, index, policy, workdir, max_score)
    except Exception as error:  # one row per roster student, whatever happens
        row = Row(entry.student, ERROR, max_score, repo=index.locations.get(entry.student, ""))
        row.note = f"internal error while collecting: {type(error).__name__}: {error}"
        return Prepared(entry, row)


def run_regrade(
    paths: WeekPaths,
    roster: list[RosterEntry],
    index: RepoIndex,
    policy: LatePolicy,
    *,
    shard: tuple[int, int] = (1, 1),
    workers: int = 1,
    cache: bool = True,
    progress: bool = True,
    say: Say = print,
    grader: Grader = grade_one,
) -> Regrade:
    """Grade this shard's students (see the module docstring); write nothing."""
    index.check_against(roster)
    week = load_week_spec(paths, hidden=True)
    points = item_points_of(week)
    max_score = sum(points.values())
    chosen = shard_slice(roster, *shard)
    say(
        f"{paths.name}: {len(chosen)} of {len(roster)} students (shard {shard[0]}/{shard[1]}); {policy.describe()}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="regrade-") as scratch,
        ThreadPoolExecutor(max_workers=CLONE_THREADS) as clones,  # git runs as subprocesses
    ):
        prepared = list(
            clones.map(
                lambda entry: _prepare_safely(
                    paths, entry, index, policy, Path(scratch), max_score
                ),
                chosen,
            )
        )
    submissions = [p.submission for p in prepared if p.submission is not None]
    bar = ProgressBar(len(submissions)) if progress and submissions else None
    records = grade_batch(
        paths, submissions, hidden=True, workers=workers, cache=cache, progress=bar, grader=grader
    )
    feedback = {}
    for item in prepared:
        row = item.row
        record = records.get(row.student)
        if record is not None:
            row.items = {t["name"]: float(t["score"]) for t in record.get("tests", [])}
            if record.get("status") != "graded":
                row.status, row.items = ERROR, {}
                row.note = f"internal error of the grader: {record.get('error')}"
            row.sha256 = (record.get("submission") or {}).get("sha256", "")
        feedback[row.student] = feedback_markdown(paths.name, row, record)
    return Regrade([p.row for p in prepared], records, feedback)


def feedback_markdown(week: str, row: Row, record: Record | None) -> str:
    """The per-student feedback: which commit was graded, lateness, then the report."""
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
    elif row.late:
        lines.append("Commits after your deadline were not graded.")
    lines.append(f"**Total: {fmt(row.total)} / {fmt(row.max_score)}** (status: {row.status}).")
    if row.status in (MISSING, EMPTY, NO_COMMIT, UNREADABLE):
        lines += ["", f"Why: {markdown_code(row.note, limit=500)}."]
    elif row.status == GRADED and row.note:
        lines += ["", f"Note: {markdown_code(row.note, limit=500)}."]
    lines.append("")
    if record is not None:
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
    canvas_column: str | None = None,
) -> None:
    """Write the gradebook files, feedback and results records into ``out``."""
    week = load_week_spec(paths, hidden=True)
    extra = {e.student: e.extra for e in roster}
    write_gradebook(
        out,
        paths.name,
        result.rows,
        {**item_points_of(week), **result.written_points},
        extra,
        canvas_column=canvas_column,
        policy=policy.describe(),
    )
    files: dict[str, str] = {}
    for row in result.rows:
        texts = {f"feedback/{row.student}.md": result.feedback[row.student]}
        if row.student in result.records:
            texts[f"results/{row.student}.json"] = results_json(result.records[row.student])
        for name, text in texts.items():
            write_atomic(out / name, text)
            files[name] = file_digest(text)
    meta = run_meta(
        paths.name,
        policy=policy.describe(),
        penalty=policy.penalty,
        canvas_column=canvas_column or paths.name,
        shard=f"{shard[0]}/{shard[1]}",
        students=[row.student for row in result.rows],
        files=files,
    )
    write_atomic(out / RUN_META, meta)


def print_counts(result: Regrade, say: Say = print) -> None:
    counts = ", ".join(f"{n} {s}" for s, n in sorted(result.counts.items()))
    say(f"{len(result.rows)} rows: {counts}")
    for row in result.rows:
        if row.status in (MISSING, ERROR):
            say(f"  [{row.status.upper()}] {row.student}: {one_line(row.note)}")


def describe_changes(changes: list[str]) -> str:
    return "\n".join(
        ["changes against the existing gradebook (old -> new):", *[f"  {c}" for c in changes]]
    )


__all__ = [
    "Regrade",
    "check_changes",
    "feedback_markdown",
    "prepare",
    "run_regrade",
    "write_outputs",
]
