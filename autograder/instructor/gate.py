"""The release gate: ordered steps, each a small function over the runs of one release build.

A week is released only when every step passes. The steps never run code
themselves: they score the sandbox exports of the solution run (with every
variant probed in it) and of the stub run, and scan the built student tree.
``tests/test_course.py`` calls these same functions, so the suite and the
release can never disagree about what "released" means.

1. :func:`solution_probes_return_data`  every probe returns data on the solution
2. :func:`solution_cells_run`           no solution cell raises
3. :func:`solution_scores_full_marks`
4. :func:`stub_scores_zero`             the untouched student notebook
5. :func:`wrong_variant_loses_points`   one outcome per wrong variant
6. :func:`right_variant_keeps_full_marks`  one per correct-but-different one
7. :func:`every_item_broken`            some wrong variant breaks every item
8. :func:`used_mistakes_cost_nothing`   an item keeps its points when a function it
                                        only uses is wrong (the official run gives it
                                        the reference implementation)
9. :func:`every_rule_exercised`         each rule the notebook states (``rules.py``) is
                                        quoted from it and broken by a wrong variant
                                        that loses points on an item that exercises it
10. :func:`no_private_material`         no solution line, hidden test, hidden spec
                                        line, reference implementation line, model
                                        answer line or hidden value (as a value, at its
                                        check's tolerance) in the tree, and no image
                                        the week does not allow
11. :func:`written_questions_complete`  every manually graded answer cell has a
                                        model answer and a rubric adding up to its
                                        points, and is released empty after its question
12. :func:`mutation_score_reached`      (``release --mutants`` only) the items kill
                                        the solution's mutants: killed / non-equivalent
                                        at or above the target, the allowlist up to date

The solution and stub runs are official ones: items that use other names are
probed with their reference implementations, as every official grade is.
"""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograder.course import REFERENCES, WeekPaths
from autograder.instructor import leaks
from autograder.scoring import references
from autograder.scoring.compare import ItemResult, score_items
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Item, Variant, Week, load_week_spec
from autograder.spec.written import (
    RUBRIC,
    RubricError,
    answer_cells,
    is_blank_answer,
    load_rubric,
)
from autograder.wire import exchange
from autograder.wire.export import RunExport

if TYPE_CHECKING:  # mutation_score builds on this module's variant keys
    from autograder.instructor.mutation_score import MutationScore


@dataclass(frozen=True)
class GateOutcome:
    """The outcome of one gate step."""

    name: str
    ok: bool
    detail: str = ""


def solution_probes_return_data(problems: list[str]) -> GateOutcome:
    """``problems`` are what :func:`autograder.instructor.release.reference_outputs` found."""
    return GateOutcome(
        "solution probes return data", not problems, "; ".join(problems) or "all items"
    )


def solution_cells_run(solution: RunExport) -> GateOutcome:
    failing = [
        f"cell {c.number}: {c.error['error_type']}: {c.error['error_message']}"
        for c in solution.cells
        if c.error
    ]
    return GateOutcome(
        "every solution cell runs",
        not failing,
        "; ".join(failing) or f"{len(solution.cells)} cells",
    )


def solution_scores_full_marks(
    week: Week, solution: RunExport, refs: dict[str, Any]
) -> GateOutcome:
    results = score_items(week.items, solution, refs)
    lost = [f"{r.name}: {r.message}" for r in results if r.status != "passed"]
    got = sum(r.score for r in results)
    return GateOutcome(
        "solution scores full marks",
        not lost,
        "; ".join(lost) if lost else f"{got:g}/{week.max_score:g}",
    )


def stub_scores_zero(week: Week, stub: RunExport, refs: dict[str, Any]) -> GateOutcome:
    earned = [f"{r.name} ({r.score:g})" for r in score_items(week.items, stub, refs) if r.score > 0]
    return GateOutcome(
        "stub scores zero",
        not earned,
        "stub earns points on " + ", ".join(earned) if earned else "0 points",
    )


def variant_key(kind: str, variant: Variant) -> str:
    """How a variant's probes are keyed in a run export (``wrong:...`` or ``right:...``)."""
    return f"{kind}:{variant.key}"


def must_break(week: Week, variant: Variant) -> tuple[str, ...]:
    """The items a wrong variant must lose points on (default: all that test its target)."""
    return variant.breaks or tuple(i.name for i in week.items_testing(variant.target))


def probed_items(week: Week, kind: str, variant: Variant) -> list[Item]:
    """The items a variant is probed on: a right one on every item that requires its target (it
    must keep them all); a wrong one on those it must break, on those of the rules that name it
    (:func:`every_rule_exercised` reads them) and, if it is its target's
    :func:`isolation_witness`, on those that only *use* its target
    (:func:`used_mistakes_cost_nothing` proves they keep their points). Nothing is asserted
    about a wrong variant on the other items, so they are not probed: a variant of the batch
    order that breaks one small item does not train every model."""
    if kind == "wrong":
        names = {*must_break(week, variant)}
        names |= {n for r in week.rules if variant.key in r.broken_by for n in r.items}
        if variant is isolation_witness(week, variant.target):
            names |= {i.name for i in week.items if variant.target in i.uses}
        return [i for i in week.items if i.name in names]
    return week.items_requiring(variant.target)


def variant_results(
    week: Week, solution: RunExport, refs: dict[str, Any], kind: str, variant: Variant
) -> dict[str, ItemResult]:
    """The scores of the items the variant is probed on (:func:`probed_items`), with it swapped in."""
    key = variant_key(kind, variant)
    items = probed_items(week, kind, variant)
    return {r.name: r for r in score_items(items, solution, refs, variant=key)}


def wrong_variant_loses_points(
    week: Week, solution: RunExport, refs: dict[str, Any], variant: Variant
) -> GateOutcome:
    results = variant_results(week, solution, refs, "wrong", variant)
    kept = sorted(n for n in must_break(week, variant) if results[n].score >= results[n].max_score)
    return GateOutcome(
        f"wrong variant {variant.key} loses points",
        not kept,
        f"kept full marks on {', '.join(kept)} ({variant.why})" if kept else variant.why,
    )


def right_variant_keeps_full_marks(
    week: Week, solution: RunExport, refs: dict[str, Any], variant: Variant
) -> GateOutcome:
    results = variant_results(week, solution, refs, "right", variant)
    lost = sorted(f"{n} ({r.message})" for n, r in results.items() if r.score < r.max_score)
    return GateOutcome(
        f"right variant {variant.key} keeps full marks",
        not lost,
        f"lost points on {'; '.join(lost)}" if lost else variant.why,
    )


def every_item_broken(week: Week, solution: RunExport, refs: dict[str, Any]) -> GateOutcome:
    """Every item loses points to some wrong variant (one that is listed, and that really does)."""
    broken: set[str] = set()
    for variant in week.wrong:
        results = variant_results(week, solution, refs, "wrong", variant)
        broken.update(
            n for n in must_break(week, variant) if results[n].score < results[n].max_score
        )
    uncovered = sorted(i.name for i in week.items if i.name not in broken)
    return GateOutcome(
        "every item is broken by some wrong variant",
        not uncovered,
        f"no wrong variant breaks: {', '.join(uncovered)}"
        if uncovered
        else f"{len(week.items)} items covered",
    )


def isolation_witness(week: Week, used: str) -> Variant | None:
    """The wrong variant of ``used`` that proves the items using it are isolated: the first listed.

    An official run replaces every lookup of a used name with the reference implementation, so
    the item's result cannot depend on which wrong variant was swapped in: one per used name
    proves the replacement, and probing every variant of it would re-run each expensive item
    (a training run) once per variant, past the sandbox's run limit (week 5: 49 variants of the
    names its four training items use).
    """
    return next((v for v in week.wrong if v.target == used), None)


def used_mistakes_cost_nothing(
    week: Week, solution: RunExport, refs: dict[str, Any]
) -> GateOutcome:
    """Each item keeps full marks with a wrong variant of each name it only uses swapped in (the
    :func:`isolation_witness`), and every used name has one (else nothing proves the item is
    isolated)."""
    name = "a mistake in a used function costs the item nothing"
    pairs = [(item, used) for item in week.items for used in item.uses]
    if not pairs:
        return GateOutcome(name, True, "no item uses another graded name")
    problems = []
    for item, used in pairs:
        variant = isolation_witness(week, used)
        if variant is None:
            problems.append(f"{item.name} uses {used}, but no wrong variant of {used} proves it")
            continue
        result = variant_results(week, solution, refs, "wrong", variant)[item.name]
        if result.score < result.max_score:
            problems.append(f"{item.name} lost points to {variant.key}: {result.message}")
    detail = "; ".join(problems[:10]) if problems else f"{len(pairs)} (item, used name) pairs"
    return GateOutcome(name, not problems, detail)


def notebook_text(notebook: Path) -> str:
    """Every cell's source of a notebook, whitespace folded: what a rule is quoted from."""
    cells = json.loads(notebook.read_text()).get("cells", [])
    sources = [
        "".join(c.get("source", ""))
        if isinstance(c.get("source"), list)
        else str(c.get("source", ""))
        for c in cells
    ]
    return " ".join(" ".join(sources).split())


def every_rule_exercised(
    week: Week, solution: RunExport, refs: dict[str, Any], student_notebook: Path
) -> GateOutcome:
    """Each stated rule is in the student's text (whitespace and case aside), and some wrong variant
    that breaks it loses points on an item that exercises it."""
    name = "every stated rule is exercised by an input"
    if not week.rules:
        return GateOutcome(name, True, "no rules.py: rules not listed for this week")
    text = notebook_text(student_notebook).casefold()
    wrong = {v.key: v for v in week.wrong}
    problems = []
    for rule in week.rules:
        quoted = " ".join(rule.text.split())
        if quoted.casefold() not in text:
            problems.append(f"{rule.target}: {quoted[:60]!r} is not in the notebook's text")
            continue
        losing = []
        for key in rule.broken_by:
            results = variant_results(week, solution, refs, "wrong", wrong[key])
            losing += [
                n for n in rule.items if n in results and results[n].score < results[n].max_score
            ]
        if not losing:
            problems.append(
                f"{rule.target}: no input exercises {quoted[:60]!r} "
                f"(none of {', '.join(rule.broken_by) or 'no variant'} loses points on {', '.join(rule.items)})"
            )
    detail = "; ".join(problems[:10]) if problems else f"{len(week.rules)} rules, each exercised"
    return GateOutcome(name, not problems, detail)


def week_secrets(
    paths: WeekPaths, hidden_refs: dict[str, Any], tree: Path, week: Week | None = None
) -> leaks.Secrets:
    """What must not reach the student ``tree``: solution and hidden-test lines, hidden spec lines,
    reference implementation lines, hidden values (numbers judged by their items' checks:
    ``week``, loaded when not given).

    What the tree shows anyway is not a secret: a string its public
    references hold too (a label, a built-in exception's name), and a line
    of the ``course_lib`` it ships (the library every week hands out).
    Images are allowed only as the week's ``allowed_images.txt`` lists them.
    """
    assert paths.private_dir is not None
    source = json.loads(paths.solution_notebook.read_text())
    hidden_spec = paths.private_dir / HIDDEN_SPEC
    public_spec = (paths.private_dir / PUBLIC_SPEC).read_text()
    # the committed file: a fresh one comes from the same solution blocks, which are secrets too
    reference_code = paths.reference_implementations
    secrets = leaks.Secrets(
        lines=leaks.private_lines(
            source,
            hidden_spec.read_text() if hidden_spec.is_file() else "",
            public_spec,
            reference_code.read_text() if reference_code.is_file() else "",
        )
    )
    library = {
        " ".join(line.split())
        for file in sorted((tree / "course_lib").rglob("*.py"))
        for line in file.read_text().splitlines()
    }
    secrets.lines = {line: kind for line, kind in secrets.lines.items() if line not in library}
    try:
        public_refs = references.load(tree / REFERENCES, references.PUBLIC)
    except exchange.ExchangeError:
        public_refs = {}
    # Python's own names ("BaseException" in a hidden record of what was raised) are public too
    public = "\n".join(
        [leaks.public_text(source, public_spec), *leaks.strings_in(public_refs), *dir(builtins)]
    )
    secrets.strings = leaks.hidden_strings(hidden_refs, public)
    week = week or load_week_spec(paths, hidden=True)
    checks = {item.name: item.check for item in week.items}
    secrets.numbers = leaks.hidden_numbers(hidden_refs, checks)
    secrets.arrays = leaks.hidden_arrays(hidden_refs)
    secrets.allowed_images, secrets.allow_list_problems = leaks.allowed_images(
        paths.private_dir / leaks.ALLOWED_IMAGES
    )
    return secrets


def no_private_material(
    paths: WeekPaths, tree: Path, hidden_refs: dict[str, Any], week: Week | None = None
) -> GateOutcome:
    """Scan every file of the student ``tree`` (see :func:`week_secrets`)."""
    secrets = week_secrets(paths, hidden_refs, tree, week)
    found = leaks.scan_tree(tree, secrets)
    detail = (
        "; ".join(str(f) for f in found[:10])
        if found
        else (
            f"{len(secrets.lines)} private lines, {len(secrets.strings)} hidden strings, "
            f"{len(secrets.numbers)} hidden numbers, {len(secrets.arrays)} hidden arrays, "
            f"{len(secrets.allowed_images)} allowed images: none found"
        )
    )
    return GateOutcome("no private material in the student tree", not found, detail)


def written_questions_complete(paths: WeekPaths, student_notebook: Path) -> GateOutcome:
    """Each manually graded answer cell has a model answer, points, and a rubric whose positive
    items add up to them; ``rubric.toml`` grades no question the notebook lacks; the student
    notebook keeps each question and leaves its answer cell empty."""
    name = "written questions have a rubric and a model answer"
    assert paths.private_dir is not None
    cells = answer_cells(json.loads(paths.solution_notebook.read_text()))
    rubric_path = paths.private_dir / RUBRIC
    if not cells:
        if rubric_path.is_file():
            return GateOutcome(name, False, f"{RUBRIC} exists but the notebook has no answer cell")
        return GateOutcome(name, True, "no written questions")
    try:
        rubric = load_rubric(rubric_path) if rubric_path.is_file() else None
    except RubricError as error:
        return GateOutcome(name, False, str(error))
    if rubric is None:
        return GateOutcome(name, False, f"{len(cells)} answer cells but no {RUBRIC}")
    problems = []
    names = [c.name for c in cells]
    if len(set(names)) != len(names):
        problems.append("two answer cells share a grade_id")
    released = {c.name: c for c in answer_cells(json.loads(student_notebook.read_text()))}
    for cell in cells:
        question = rubric.get(cell.name)
        if cell.points <= 0:
            problems.append(f"{cell.name}: the answer cell has no points")
        if is_blank_answer(cell.source):
            problems.append(f"{cell.name}: no model answer in the solution's answer cell")
        if question is None:
            problems.append(f"{cell.name}: no rubric in {RUBRIC}")
        elif abs(question.points - cell.points) > 1e-9:
            problems.append(
                f"{cell.name}: the rubric's positive items add up to {question.points:g}, "
                f"the cell has {cell.points:g} points"
            )
        student = released.get(cell.name)
        if student is None:
            problems.append(f"{cell.name}: not in the student notebook")
        elif not is_blank_answer(student.source):
            problems.append(f"{cell.name}: the student notebook's answer cell is not empty")
        elif not cell.question.strip() or cell.question.strip() != student.question.strip():
            problems.append(f"{cell.name}: its question is not the cell before it, as released")
    problems += [
        f"{q}: in {RUBRIC}, but no answer cell has this grade_id" for q in rubric if q not in names
    ]
    points = sum(c.points for c in cells)
    detail = "; ".join(problems) if problems else f"{len(cells)} questions, {points:g} points"
    return GateOutcome(name, not problems, detail)


def mutation_score_reached(score: MutationScore, target: float) -> GateOutcome:
    """The week's mutation score is at least ``target``, every mutant ran, and the allowlist of
    equivalent mutants holds only mutants that exist and survive."""
    problems = list(score.problems)
    if score.not_run:
        problems.append(f"{len(score.not_run)} mutants were not run (the run stopped early)")
    if stale := score.stale_entries():
        problems.append(f"allowlisted but no longer generated, remove: {', '.join(stale[:5])}")
    if wrong := score.wrongly_allowlisted():
        problems.append(f"allowlisted as equivalent but killed, remove: {', '.join(wrong[:5])}")
    if score.score < target:
        survivors = ", ".join(v.mutant.id for v in score.survivors[:5])
        more = ", ..." if len(score.survivors) > 5 else ""
        problems.append(f"below the target of {target:.0%}; survivors: {survivors}{more}")
    detail = "; ".join([score.summary(), *problems])
    return GateOutcome(f"mutation score of at least {target:.0%}", not problems, detail)


def run_gate(
    paths: WeekPaths,
    week: Week,
    *,
    solution: RunExport,
    stub: RunExport,
    reference_problems: list[str],
    refs: dict[str, Any],
    hidden_refs: dict[str, Any],
    tree: Path,
) -> list[GateOutcome]:
    """Every step, in order (none stops the others: the instructor sees all that is wrong)."""
    outcomes = [
        solution_probes_return_data(reference_problems),
        solution_cells_run(solution),
        solution_scores_full_marks(week, solution, refs),
        stub_scores_zero(week, stub, refs),
    ]
    outcomes += [wrong_variant_loses_points(week, solution, refs, v) for v in week.wrong]
    outcomes += [right_variant_keeps_full_marks(week, solution, refs, v) for v in week.right]
    outcomes.append(every_item_broken(week, solution, refs))
    outcomes.append(used_mistakes_cost_nothing(week, solution, refs))
    outcomes.append(every_rule_exercised(week, solution, refs, tree / f"{paths.name}.ipynb"))
    outcomes.append(no_private_material(paths, tree, hidden_refs, week))
    outcomes.append(written_questions_complete(paths, tree / f"{paths.name}.ipynb"))
    return outcomes
