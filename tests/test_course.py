"""Every week, proved: solution = full marks, stub = zero, every wrong variant loses
its items, every right variant keeps them, no private material in the release.

Each week's solution runs ONCE in the sandbox with every variant probed in the
same run (a forked probe per item and variant), so the suite stays fast as
weeks grow; each assertion below is then a cheap trusted comparison.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from autograder import leaks, references
from autograder.compare import score_items
from autograder.course import locate_week
from autograder.grade import load_references, private_paths, spec_sources
from autograder.release import run_solution, variant_requests
from autograder.run_report import RunReport
from autograder.sandbox import HarnessJob, run_in_sandbox
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Week, load_week
from tests.conftest import ROOT

WEEK_NAMES = sorted(
    p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file()
)
# one xdist group per week: its solution runs once per worker, on one worker
WEEKS = [pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in WEEK_NAMES]
SOLUTION_SECONDS = 30.0


@cache
def week_spec(name: str) -> Week:
    paths = locate_week(name, ROOT)
    return load_week(name, paths.private_dir, paths.private_dir, with_variants=True)


@cache
def solution_run(name: str) -> RunReport:
    return run_solution(locate_week(name, ROOT), week_spec(name))


@cache
def stub_run(name: str) -> RunReport:
    paths = locate_week(name, ROOT)
    job = HarnessJob(
        paths.notebook.read_bytes(),
        spec_sources(paths, True),
        [i.name for i in week_spec(name).items],
    )
    return run_in_sandbox(job, hide=private_paths(paths))


@cache
def committed_references(name: str) -> dict[str, Any]:
    return load_references(locate_week(name, ROOT), hidden=True)[0]


def _variants(kind: str) -> list[Any]:
    params = []
    for name in WEEK_NAMES:
        week = week_spec(name)
        for variant in week.wrong if kind == "wrong" else week.right:
            params.append(
                pytest.param(
                    name, variant, id=f"{name}-{variant.key}", marks=pytest.mark.xdist_group(name)
                )
            )
    return params


@pytest.mark.parametrize("name", WEEKS)
def test_solution_scores_full_marks_against_committed_references(name: str) -> None:
    results = score_items(week_spec(name).items, solution_run(name), committed_references(name))
    lost = {r.name: r.message for r in results if r.status != "passed"}
    assert not lost, (
        f"the solution loses points (stale references? run `nox -s release -- {name}`): {lost}"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_solution_runs_within_budget(name: str) -> None:
    run = solution_run(name)
    cells = sum(c.seconds for c in run.cells)
    assert cells < SOLUTION_SECONDS, (
        f"{name}: the solution's cells take {cells:.1f} s (budget {SOLUTION_SECONDS} s)"
    )
    assert not [c for c in run.cells if c.error], (
        f"{name}: solution cells raise: {[c.error for c in run.cells if c.error]}"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_stub_scores_zero(name: str) -> None:
    results = score_items(week_spec(name).items, stub_run(name), committed_references(name))
    earned = {r.name: r.score for r in results if r.score > 0}
    assert not earned, f"the untouched student notebook earns points: {earned}"


@pytest.mark.parametrize(("name", "variant"), _variants("wrong"))
def test_wrong_variant_loses_its_items(name: str, variant: Any) -> None:
    week = week_spec(name)
    key = f"wrong:{variant.key}"
    items = week.items_requiring(variant.target)
    results = {
        r.name: r
        for r in score_items(items, solution_run(name), committed_references(name), variant=key)
    }
    must_break = variant.breaks or tuple(i.name for i in items)
    kept = [n for n in must_break if results[n].score >= results[n].max_score]
    assert not kept, f"{variant.why}: kept full marks on {kept}"


@pytest.mark.parametrize(("name", "variant"), _variants("right"))
def test_right_variant_keeps_full_marks(name: str, variant: Any) -> None:
    week = week_spec(name)
    key = f"right:{variant.key}"
    items = week.items_requiring(variant.target)
    results = score_items(items, solution_run(name), committed_references(name), variant=key)
    lost = {r.name: r.message for r in results if r.status != "passed"}
    assert not lost, f"{variant.why}: a correct answer lost points: {lost}"


@pytest.mark.parametrize("name", WEEKS)
def test_every_item_is_broken_by_a_wrong_variant(name: str) -> None:
    week = week_spec(name)
    covered = set()
    for variant in week.wrong:
        covered.update(variant.breaks or [i.name for i in week.items_requiring(variant.target)])
    assert {i.name for i in week.items} <= covered, (
        f"items without a wrong variant: {sorted({i.name for i in week.items} - covered)}"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_every_week_has_enough_items_with_public_and_hidden_tests(name: str) -> None:
    week = week_spec(name)
    public = {i.name.split(".")[0] for i in week.items if not i.hidden}
    hidden = {i.name.split(".")[0] for i in week.items if i.hidden}
    assert len(public) >= 6, f"{name} has {len(public)} graded functions"
    assert public <= hidden, f"graded functions without hidden tests: {sorted(public - hidden)}"


@pytest.mark.parametrize("name", WEEKS)
def test_release_holds_no_private_material(name: str) -> None:
    paths = locate_week(name, ROOT)
    assert paths.private_dir is not None
    source = json.loads(paths.solution_notebook.read_text())
    public_spec = (paths.private_dir / PUBLIC_SPEC).read_text()
    hidden_spec = paths.private_dir / HIDDEN_SPEC
    secrets = leaks.Secrets(
        lines=leaks.private_lines(
            source, hidden_spec.read_text() if hidden_spec.exists() else "", public_spec
        )
    )
    hidden_refs = references.load(paths.hidden_references, references.HIDDEN)
    leaks.hidden_value_secrets(hidden_refs, secrets, leaks.public_text(source, public_spec))
    assert secrets.lines, "the solution notebook has no solution blocks?"
    found = leaks.scan_tree(paths.public_dir, secrets)
    assert not found, "\n".join(map(str, found))
    text = paths.notebook.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


@pytest.mark.parametrize("name", WEEKS)
def test_variants_are_probed_in_the_solution_run(name: str) -> None:
    requests = variant_requests(week_spec(name))
    run = solution_run(name)
    missing = [
        (n, r["key"]) for r in requests for n in r["items"] if (n, r["key"]) not in run.items
    ]
    assert not missing


@pytest.mark.parametrize("name", WEEKS)
def test_release_notebook_is_what_nbgrader_generates(name: str, tmp_path: Any) -> None:
    """Drift check of the generated student notebook (a hand edit fails here and in CI)."""
    from autograder.release import generate_student_notebook

    paths = locate_week(name, ROOT)
    fresh = generate_student_notebook(paths.solution_notebook, name, tmp_path)
    assert paths.notebook.read_bytes() == fresh, (
        f"assignments/{name} is stale: run `nox -s release -- {name}`"
    )


@pytest.mark.parametrize("name", WEEKS)
def test_release_spec_and_metadata_are_what_the_release_writes(name: str) -> None:
    """Drift check of the copied public spec and of week.json (cheap; the full check is CI's)."""
    from autograder.course import WEEK_META
    from autograder.release import week_meta

    paths = locate_week(name, ROOT)
    assert paths.private_dir is not None
    assert (paths.public_dir / PUBLIC_SPEC).read_bytes() == (
        paths.private_dir / PUBLIC_SPEC
    ).read_bytes()
    assert json.loads((paths.public_dir / WEEK_META).read_text()) == week_meta(
        week_spec(name), paths
    )
