"""Release a week: nbgrader's student notebook, reference outputs, and the release gate.

``build_release`` does everything in a temporary folder and writes nothing:

1. nbgrader's own ``generate_assignment`` strips solutions and hidden tests
   from ``solutions/weekNN/weekNN.ipynb`` (outputs cleared, cells locked,
   checksums recorded);
2. the solution notebook runs once in the sandbox; every item's probe output
   becomes its reference, and every variant in ``variants.py`` is probed in
   the same run; the code of the names items ``use`` is extracted from the
   solution notebook (:mod:`autograder.instructor.reference_code`)
   and substituted in that run and the stub's, as in every official run;
3. the gate: the solution scores full marks; the stub scores zero; each
   wrong variant loses the points of every item it must break, each right
   variant keeps them, every item is broken by some wrong variant; no
   solution line, hidden test, hidden spec line or hidden reference value is
   anywhere in the student tree;
4. when asked (``release --mutants``), mutation testing: generated mutants of
   the solution's graded names, a sample within a time budget probed item by
   item in one more sandbox run of the solution, and the week's mutation
   score (:mod:`autograder.instructor.mutation_score`) as one more gate step.

``write_release`` then replaces ``assignments/weekNN`` and the references
(and reference implementations) in ``solutions/weekNN/references``.
``drift`` compares a fresh build with what is committed, so a hand edit to a
generated file fails CI.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autograder.course import REFERENCES, WEEK_META, WeekPaths
from autograder.grading.submission import private_paths
from autograder.instructor import gate
from autograder.instructor.gate import GateOutcome, variant_key
from autograder.instructor.mutants import (
    MUTANTS_SPEC,
    Mutant,
    MutationPlan,
    generate_mutants,
    mutant_cost,
    mutant_requests,
    mutants_module,
    sample_mutants,
)
from autograder.instructor.mutation_score import (
    ALLOWLIST,
    TARGET,
    MutationScore,
    judge,
    load_allowlist,
)
from autograder.instructor.reference_code import reference_implementations, used_names
from autograder.sandbox.fork_server import TemplateAddress
from autograder.sandbox.limits import Limits
from autograder.sandbox.supervisor import HarnessJob, private_item_names, run_in_sandbox
from autograder.scoring import provenance, references
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Variant, Week, load_week
from autograder.spec.written import answer_cells
from autograder.wire import exchange
from autograder.wire.export import RunExport

Progress = Callable[[str], None]


class ReleaseError(Exception):
    """The week cannot be built (missing files, nbgrader failure)."""


@dataclass
class ReleaseBuild:
    """A built release in ``tree`` (a temporary folder) and what the gate found."""

    paths: WeekPaths
    tree: Path
    week: Week
    public_refs: dict[str, Any]
    hidden_refs: dict[str, Any]
    reference_code: str = ""  # "" when no item uses another name
    outcomes: list[GateOutcome] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    mutation: MutationScore | None = None  # with ``release --mutants``

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def failures(self) -> list[GateOutcome]:
        return [o for o in self.outcomes if not o.ok]


def _quiet(_: str) -> None:
    pass


# ----------------------------------------------------------------------------- nbgrader
def generate_student_notebook(solution: Path, week: str, workdir: Path) -> bytes:
    """Run ``nbgrader generate_assignment`` in a scratch course folder; return the student notebook.

    The scratch folder holds only the notebook, so nothing else in
    ``solutions/weekNN`` (hidden spec, variants, references) can be copied.
    """
    root = workdir / "nbgrader-course"
    source = root / "source" / week
    source.mkdir(parents=True)
    shutil.copy2(solution, source / f"{week}.ipynb")
    command = [
        sys.executable,
        "-m",
        "nbgrader",
        "generate_assignment",
        week,
        "--no-db",
        "--force",
        f"--CourseDirectory.root={root}",
        "--CourseDirectory.source_directory=source",
        "--CourseDirectory.release_directory=release",
        "--log-level=WARN",
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root)
    released = root / "release" / week / f"{week}.ipynb"
    if done.returncode != 0 or not released.is_file():
        raise ReleaseError(
            f"nbgrader generate_assignment failed for {week}:\n{done.stdout}\n{done.stderr}"
        )
    return released.read_bytes()


# ----------------------------------------------------------------------------- sandbox runs
def _specs(paths: WeekPaths, with_variants: bool) -> list[tuple[str, str, bytes]]:
    private = paths.private_dir
    assert private is not None
    specs = [("public", PUBLIC_SPEC, (private / PUBLIC_SPEC).read_bytes())]
    if (private / HIDDEN_SPEC).is_file():
        specs.append(("hidden", HIDDEN_SPEC, (private / HIDDEN_SPEC).read_bytes()))
    if with_variants and (private / "variants.py").is_file():
        specs.append(("variants", "variants.py", (private / "variants.py").read_bytes()))
    return specs


def week_reference_code(paths: WeekPaths, week: Week) -> str:
    """The reference implementations of the names ``week``'s items use, from the solution notebook."""
    try:
        return reference_implementations(paths.solution_notebook, used_names(week), paths.name)
    except ValueError as error:
        raise ReleaseError(str(error)) from None


def variant_requests(week: Week) -> list[dict[str, Any]]:
    """Harness requests for every variant: which items to probe with it swapped in
    (:func:`~autograder.instructor.gate.probed_items`)."""
    requests = []
    for kind, variants in (("wrong", week.wrong), ("right", week.right)):
        for index, variant in enumerate(variants):
            items = [i.name for i in gate.probed_items(week, kind, variant)]
            requests.append(
                {"key": variant_key(kind, variant), "kind": kind, "index": index, "items": items}
            )
    return requests


def run_solution(
    paths: WeekPaths,
    week: Week,
    *,
    with_variants: bool = True,
    mutants: Sequence[Mutant] = (),
    limits: Limits | None = None,
    template: TemplateAddress | None = None,
) -> RunExport:
    """The solution notebook in the sandbox, run as officially: every item, plus every variant if
    asked, plus ``mutants`` (forked from a warm ``template`` if given: the same exports)."""
    specs = _specs(paths, with_variants)
    requests = variant_requests(week) if with_variants else []
    if mutants:
        specs.append(("mutants", MUTANTS_SPEC, mutants_module(mutants)))
        requests += mutant_requests(week, mutants)
    code = week_reference_code(paths, week).encode()
    job = HarnessJob(
        notebook=paths.solution_notebook.read_bytes(),
        specs=specs,
        items=[i.name for i in week.items],
        variants=requests,
        private_items=private_item_names(week.items, bool(code)),
        reference_code=code,
    )
    return run_in_sandbox(
        job,
        limits=limits,
        hide=[paths.private_dir / REFERENCES] if paths.private_dir else [],
        template=template,
    )


def mutation_test(
    paths: WeekPaths, week: Week, solution: RunExport, plan: MutationPlan
) -> MutationScore:
    """Generate the solution's mutants, probe a sample of them in one sandbox run, score them.

    ``solution`` is a run of the solution: its probe times set each mutant's
    cost for the sample and the time limit of every probe (four times the
    slowest item, so a mutant that loops forever costs seconds, not minutes).
    """
    assert paths.private_dir is not None
    started = time.monotonic()
    seconds = {name: e.seconds for (name, key), e in solution.items.items() if key is None}
    generated = generate_mutants(paths.solution_notebook, week, plan.only)
    chosen = sample_mutants(generated, week, seconds, plan)
    slowest = max(seconds.values(), default=1.0)
    limits = dataclasses.replace(
        Limits(),
        item_seconds=min(Limits().item_seconds, max(5.0, 4 * slowest + 5)),
        run_seconds=Limits().run_seconds + 3 * sum(mutant_cost(m, week, seconds) for m in chosen),
    )
    run = run_solution(paths, week, with_variants=False, mutants=chosen, limits=limits)
    public, hidden, problems = reference_outputs(week, run)
    allowlist = load_allowlist(paths.private_dir / ALLOWLIST)
    return MutationScore(
        week=paths.name,
        generated=len(generated),
        verdicts=judge(week, run, {**public, **hidden}, chosen, allowlist),
        allowlist=allowlist,
        generated_ids=frozenset(m.id for m in generated),
        targets=tuple(sorted({m.target for m in generated})),
        seconds=time.monotonic() - started,
        problems=[*problems, *([run.fatal] if run.fatal else [])],
    )


def run_stub(paths: WeekPaths, week: Week, student_notebook: bytes | None = None) -> RunExport:
    """The untouched student notebook in the sandbox, run as officially (hidden items too)."""
    notebook = paths.notebook.read_bytes() if student_notebook is None else student_notebook
    code = week_reference_code(paths, week).encode()
    job = HarnessJob(
        notebook,
        _specs(paths, False),
        [i.name for i in week.items],
        private_items=private_item_names(week.items, bool(code)),
        reference_code=code,
    )
    return run_in_sandbox(job, hide=private_paths(paths))


def reference_outputs(
    week: Week, run: RunExport
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(public, hidden, problems): each item's decoded probe output on the solution."""
    public: dict[str, Any] = {}
    hidden: dict[str, Any] = {}
    problems = []
    for item in week.items:
        export = run.items.get((item.name, None))
        if export is None or export.status != "ok" or export.payload is None:
            status = export.status if export else "not run"
            detail = (
                f"{export.error_type}: {export.error_message} {export.location}"
                if export
                else run.fatal or ""
            )
            problems.append(
                f"{item.name}: the solution's probe did not return data ({status}) {detail}".strip()
            )
            continue
        value = exchange.decode(*export.payload)
        (hidden if item.hidden else public)[item.name] = value
    return public, hidden, problems


# ----------------------------------------------------------------------------- the tree
def week_meta(week: Week, paths: WeekPaths) -> dict[str, Any]:
    """``week.json``: the items and points a practice report names; written questions, if any,
    by name and points (graded by the course staff, never by the practice grader)."""
    public = [i for i in week.items if not i.hidden]
    hidden = [i for i in week.items if i.hidden]
    meta: dict[str, Any] = {
        "week": paths.name,
        "notebook": f"{paths.name}.ipynb",
        "title": week.settings.get("title", paths.name),
        "items": [{"name": i.name, "points": i.points} for i in public],
        "public_points": sum(i.points for i in public),
        "hidden": {"items": len(hidden), "points": sum(i.points for i in hidden)},
    }
    written = answer_cells(json.loads(paths.solution_notebook.read_text()))
    if written:
        meta["written"] = [{"name": c.name, "points": c.points} for c in written]
    meta["generated_by"] = f"nox -s release -- {paths.name}"
    return meta


def build_release(
    paths: WeekPaths,
    *,
    progress: Progress = _quiet,
    workdir: Path | None = None,
    mutation: MutationPlan | None = None,
) -> ReleaseBuild:
    """Build ``paths``'s release in a temporary folder and run the gate (writes nothing else).

    With a ``mutation`` plan the gate also tests the items against mutants of
    the solution (see :func:`mutation_test`).
    """
    if paths.private_dir is None or not paths.solution_notebook.is_file():
        raise ReleaseError(
            f"{paths.name}: no solution notebook at solutions/{paths.name}/{paths.name}.ipynb"
        )
    workdir = workdir or Path(tempfile.mkdtemp(prefix=f"release-{paths.name}-"))
    week = load_week(paths.name, paths.private_dir, paths.private_dir, with_variants=True)
    timings: dict[str, float] = {}

    started = time.monotonic()
    progress(f"[{paths.name}] nbgrader generate_assignment ...")
    student_notebook = generate_student_notebook(paths.solution_notebook, paths.name, workdir)
    timings["nbgrader"] = time.monotonic() - started

    started = time.monotonic()
    progress(
        f"[{paths.name}] running the solution ({len(week.items)} items, {len(week.wrong) + len(week.right)} variants) ..."
    )
    solution = run_solution(paths, week)
    timings["solution"] = time.monotonic() - started
    public_refs, hidden_refs, problems = reference_outputs(week, solution)
    refs = {**public_refs, **hidden_refs}

    tree = workdir / "release" / paths.name
    (tree / REFERENCES).mkdir(parents=True)
    (tree / f"{paths.name}.ipynb").write_bytes(student_notebook)
    shutil.copy2(paths.private_dir / PUBLIC_SPEC, tree / PUBLIC_SPEC)
    (tree / WEEK_META).write_text(json.dumps(week_meta(week, paths), indent=2) + "\n")
    references.save(tree / REFERENCES, references.PUBLIC, public_refs)
    provenance.save(tree / REFERENCES)

    started = time.monotonic()
    progress(f"[{paths.name}] running the student stub ...")
    stub = run_stub(paths, week, student_notebook)
    timings["stub"] = time.monotonic() - started

    progress(f"[{paths.name}] the gate: scoring the runs, scanning the student tree for leaks ...")
    build = ReleaseBuild(
        paths,
        tree,
        week,
        public_refs,
        hidden_refs,
        reference_code=week_reference_code(paths, week),
        timings=timings,
    )
    build.outcomes = gate.run_gate(
        paths,
        week,
        solution=solution,
        stub=stub,
        reference_problems=problems,
        refs=refs,
        hidden_refs=hidden_refs,
        tree=tree,
    )
    if mutation is not None:
        started = time.monotonic()
        progress(f"[{paths.name}] mutation testing: mutants of the solution on the items ...")
        build.mutation = mutation_test(paths, week, solution, mutation)
        timings["mutants"] = time.monotonic() - started
        build.outcomes.append(gate.mutation_score_reached(build.mutation, TARGET))
    return build


# ----------------------------------------------------------------------------- write / drift
def write_release(build: ReleaseBuild) -> list[str]:
    """Replace ``assignments/weekNN`` and the stored references with the built ones.

    A stored reference that the fresh build matches within the drift check's
    tolerance is kept as it is (floating-point noise in the last digits
    would otherwise rewrite files on every release): releasing the same
    commit twice leaves ``git status`` clean. Returns what happened to each
    reference set, for the instructor.
    """
    paths = build.paths
    assert paths.private_dir is not None
    if not build.ok:
        raise ReleaseError(f"{paths.name}: the gate refused this release")
    refs_dir = paths.private_dir / REFERENCES
    public, public_note = settled_references(build.public_refs, refs_dir, references.PUBLIC)
    hidden, hidden_note = settled_references(build.hidden_refs, refs_dir, references.HIDDEN)
    references.save(build.tree / REFERENCES, references.PUBLIC, public)
    target = paths.public_dir
    staging = target.parent / f".{target.name}.new"
    shutil.rmtree(staging, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(build.tree, staging)
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)
    references.save(refs_dir, references.PUBLIC, public)
    references.save(refs_dir, references.HIDDEN, hidden)
    provenance.save(refs_dir)  # the environment that computed or verified them
    return [
        f"public references: {public_note}",
        f"hidden references: {hidden_note}",
        f"reference implementations: {write_reference_code(paths, build.reference_code)}",
    ]


def write_reference_code(paths: WeekPaths, text: str) -> str:
    """Write (or, when no item uses another name, remove) the reference implementations file."""
    target = paths.reference_implementations
    if not text:
        target.unlink(missing_ok=True)
        return "none (no item uses another name)"
    if target.is_file() and target.read_text() == text:
        return "unchanged"
    target.write_text(text)
    return f"written ({len(text.splitlines())} lines)"


def settled_references(
    fresh: dict[str, Any], directory: Path, stem: str, rtol: float = 1e-9, atol: float = 1e-12
) -> tuple[dict[str, Any], str]:
    """The references to store: each stored value the fresh one matches (see :func:`drift`), else the fresh one."""
    try:
        stored = references.load(directory, stem)
    except exchange.ExchangeError:
        stored = {}
    kept = {n for n in fresh if n in stored and _same(stored[n], fresh[n], rtol, atol)}
    settled = {n: stored[n] if n in kept else value for n, value in fresh.items()}
    changed = sorted(set(fresh) - kept)
    removed = sorted(set(stored) - set(fresh))
    if not changed and not removed:
        return settled, f"unchanged ({len(kept)} items match the stored ones)"
    parts = [
        f"{len(changed)} updated ({', '.join(changed[:8])}{', ...' if len(changed) > 8 else ''})"
    ]
    if removed:
        parts.append(f"{len(removed)} removed")
    return settled, "; ".join(parts) + f"; {len(kept)} kept"


def drift(build: ReleaseBuild, rtol: float = 1e-9, atol: float = 1e-12) -> list[str]:
    """Differences between the committed release/references and a fresh build."""
    paths = build.paths
    problems = []
    committed = paths.public_dir
    if not committed.is_dir():
        return [f"assignments/{paths.name} does not exist: run `nox -s release -- {paths.name}`"]
    # the provenance says which machine released: another machine's is no drift
    fresh_files = {
        p.relative_to(build.tree)
        for p in build.tree.rglob("*")
        if p.is_file() and p.name != provenance.PROVENANCE
    }
    old_files = {  # bytecode a test or an import left (git ignores it) is no part of a release
        p.relative_to(committed)
        for p in committed.rglob("*")
        if p.is_file() and p.name != provenance.PROVENANCE and "__pycache__" not in p.parts
    }
    for extra in sorted(old_files - fresh_files):
        problems.append(f"assignments/{paths.name}/{extra} is not produced by the release")
    for missing in sorted(fresh_files - old_files):
        problems.append(f"assignments/{paths.name}/{missing} is missing")
    for rel in sorted(fresh_files & old_files):
        if rel.parent.name == REFERENCES:
            continue
        if (committed / rel).read_bytes() != (build.tree / rel).read_bytes():
            problems.append(
                f"assignments/{paths.name}/{rel} differs from what the release generates"
            )
    assert paths.private_dir is not None
    code = paths.reference_implementations
    if (code.read_text() if code.is_file() else "") != build.reference_code:
        problems.append(f"solutions/{paths.name}/{REFERENCES}/{code.name} is stale")
    for directory, stem, fresh in (
        (committed / REFERENCES, references.PUBLIC, build.public_refs),
        (paths.private_dir / REFERENCES, references.PUBLIC, build.public_refs),
        (paths.private_dir / REFERENCES, references.HIDDEN, build.hidden_refs),
    ):
        try:
            stored = references.load(directory, stem)
        except exchange.ExchangeError as error:
            problems.append(f"{directory}/{stem}: unreadable ({error})")
            continue
        for name in sorted(set(stored) | set(fresh)):
            if name not in stored or name not in fresh:
                problems.append(f"{directory.name}/{stem}: item {name} is stale (added or removed)")
            elif not _same(stored[name], fresh[name], rtol, atol):
                problems.append(f"{directory.name}/{stem}: the reference of {name} changed")
    return problems


FLOAT32_NOISE = 1e-5  # relative: a few ulps of float32, summed in another order


def _same(a: Any, b: Any, rtol: float, atol: float) -> bool:
    """Equal up to floating-point noise: ``rtol``/``atol`` for float64, a few float32 ulps for float32.

    The absolute tolerance scales with the array's magnitude, so that the last
    digit of a float32 logit of 30 is noise just as that of a probability is.
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rtol, atol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or type(a) is float:
        try:
            x, y = np.asarray(a), np.asarray(b)
            if x.shape != y.shape:
                return False
            if x.dtype.kind in "biuf" and y.dtype.kind in "biuf":
                if x.dtype.kind != y.dtype.kind:
                    return False
                narrow = x.dtype.kind == "f" and min(x.dtype.itemsize, y.dtype.itemsize) < 8
                r = max(rtol, FLOAT32_NOISE) if narrow else rtol
                finite = np.abs(y[np.isfinite(y)]) if narrow else np.zeros(0)
                scale = float(finite.max(initial=1.0))
                a_tol = max(atol, r * 0.1) * max(1.0, scale) if narrow else atol
                return bool(np.allclose(x, y, rtol=r, atol=a_tol, equal_nan=True))
        except (TypeError, ValueError):
            return False
    return bool(a == b and type(a) is type(b))


def describe(build: ReleaseBuild) -> str:
    lines = [f"release gate for {build.paths.name}:"]
    for outcome in build.outcomes:
        lines.append(f"  [{'ok' if outcome.ok else 'FAIL'}] {outcome.name}: {outcome.detail}")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in build.timings.items())
    lines.append(f"  timings: {timing}")
    return "\n".join(lines)


__all__ = [
    "ReleaseBuild",
    "ReleaseError",
    "Variant",
    "build_release",
    "describe",
    "drift",
    "write_release",
]
