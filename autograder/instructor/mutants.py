"""Mutants of a week's reference solution: each one is another implementation of one graded name.

For every graded name (one that some item ``requires``) the solution notebook
defines with a top-level ``def`` or ``class``, each node of that definition
that lies between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is given
every replacement of :mod:`autograder.instructor.mutation_operators`; each
result is a :class:`Mutant`: the whole mutated definition as source, which the
harness runs in the solution's namespace in place of the original (a
:class:`~autograder.spec.Variant` with ``source``). A mutant is therefore
probed item by item, in its own fork with its own timeout, in the same
sandbox run as the solution, and never as a whole notebook.

Why our own operators on :mod:`ast` rather than mutmut or cosmic-ray (both
judged, mutmut 3.8 and cosmic-ray 8.7): both are built around source files
on disk and a test command. mutmut copies the project into ``mutants/``,
rewrites every function into a trampoline and drives pytest; cosmic-ray keeps
a session database and runs a test command per mutant through its workers.
Neither can hand back "this function, mutated" for the sandbox to probe, and
running whole notebooks per mutant is what this module exists to avoid.
Reusing only their operators does not fit either: mutmut's operators are
internal, not an API (functions on parso nodes in ``mutmut/__init__.py`` in
3.2, a table of libcst functions in ``mutmut/mutation/mutators.py`` in 3.8,
and installing it brings textual, coverage and libcst); cosmic-ray's are a
public plugin API, but on parso trees, and come with aiohttp, SQLAlchemy,
GitPython and more. Neither has the ML operators
(axis, keepdims, ddof, reversed sorts, argmax/argmin). The operators here
follow their tables (mutmut's swaps, cosmic-ray's ``NumberReplacer``) on the
standard library's ``ast``, which the harness can compile as it is.

A mutant's id (``split_indices:number-1a2b3c4d``) is a digest of the graded
name, the operator, the original and the mutated line, so it stays the same
when other lines of the notebook change: the allowlist of equivalent mutants
(:mod:`autograder.instructor.mutation_score`) is keyed by it.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.course import CourseError
from autograder.instructor.gate import variant_key
from autograder.instructor.mutation_operators import replacements
from autograder.sandbox.harness import code_cells, strip_magics
from autograder.spec import Variant, Week

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MUTANTS_SPEC = "mutants.py"  # the generated spec module the harness loads the mutants from
MUTANT_KIND = "mutant"
UNKNOWN_PROBE_SECONDS = 1.0  # the cost of an item the solution run did not time


@dataclass(frozen=True)
class Mutant:
    """One mutation of one graded name's definition in the solution notebook."""

    target: str
    operator: str
    label: str  # "<operator>-<digest>": stable across edits elsewhere in the notebook
    cell: int  # the cell's position in the notebook (1-based, as in the harness's messages)
    line: int  # line in that cell
    original: str  # the source line as written
    mutated: str  # the same line mutated ("pass" for a dropped statement)
    source: str  # the whole mutated definition, run in the namespace

    @property
    def id(self) -> str:
        return f"{self.target}:{self.label}"

    @property
    def variant(self) -> Variant:
        return Variant(
            self.target, None, f"{self.operator} mutant", label=self.label, source=self.source
        )


@dataclass(frozen=True)
class MutationPlan:
    """Which mutants a mutation run probes.

    ``budget_seconds`` bounds the estimated probe time of the mutants, summed
    (each mutant costs what its items cost on the solution; the sandbox runs
    two probes at once on 2 cores, so the default is about 90 s of wall
    time); 0 runs every mutant. ``only`` restricts the run to some graded
    names.
    """

    only: tuple[str, ...] = ()
    budget_seconds: float = 180.0
    seed: int = 0


# ----------------------------------------------------------------------------- generation
def solution_regions(source: str) -> list[tuple[int, int]]:
    """(first, last) line numbers (1-based, inclusive) strictly between each pair of markers."""
    regions, start = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN in line:
            start = number + 1
        elif END in line and start is not None:
            regions.append((start, number - 1))
            start = None
    return regions


def graded_names(week: Week) -> list[str]:
    return sorted(
        {name for item in week.items for name in item.requires if week.items_testing(name)}
    )


def generate_mutants(notebook: Path, week: Week, only: Sequence[str] = ()) -> list[Mutant]:
    """Every mutant of every graded name (or of ``only``) the solution ``notebook`` defines."""
    graded = graded_names(week)
    if unknown := sorted(set(only) - set(graded)):
        raise CourseError(
            f"{week.name}: no item tests {', '.join(unknown)} (graded names: {', '.join(graded)})"
        )
    wanted = set(only or graded)
    mutants: list[Mutant] = []
    for index, source, is_test, _ in code_cells(json.loads(notebook.read_text())):
        number = index + 1  # as Jupyter and the harness's messages number the cell
        regions = solution_regions(source)
        if is_test or not regions:
            continue
        cell_source = strip_magics(source)
        tree = ast.parse(cell_source)
        lines = cell_source.splitlines()
        for definition in tree.body:
            definitions = ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef
            if isinstance(definition, definitions) and definition.name in wanted:
                mutants += mutants_of(definition, lines, regions, number)
    return mutants


def mutants_of(
    definition: ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef,
    lines: list[str],
    regions: list[tuple[int, int]],
    cell: int,
) -> list[Mutant]:
    """The mutants of one definition: every replacement of every node inside a solution region."""
    original = ast.unparse(definition)
    seen = {original}
    occurrences: dict[tuple[str, str, str], int] = {}
    mutants = []
    for path, node in _walk(definition):
        if not isinstance(node, ast.expr | ast.stmt) or not _inside(node, regions):
            continue  # the operators mutate expressions and statements (an operator's parent)
        for operator, replacement in replacements(node):
            source = ast.unparse(_replaced(definition, path, replacement))
            if source in seen:
                continue  # a no-op, or the same program as another mutant
            seen.add(source)
            before, after = _shown_lines(node, replacement, lines)
            key = (operator, " ".join(before.split()), " ".join(after.split()))
            occurrence = occurrences[key] = occurrences.get(key, -1) + 1
            digest = hashlib.sha256(
                "\0".join([definition.name, *key, str(occurrence)]).encode()
            ).hexdigest()[:8]
            mutants.append(
                Mutant(
                    target=definition.name,
                    operator=operator,
                    label=f"{operator}-{digest}",
                    cell=cell,
                    line=node.lineno,
                    original=before,
                    mutated=after,
                    source=source,
                )
            )
    return mutants


NodePath = tuple[tuple[str, int | None], ...]


def _walk(node: ast.AST, path: NodePath = ()) -> Iterator[tuple[NodePath, ast.AST]]:
    """Every node under ``node`` (not itself) with the fields and indices that lead to it."""
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            step: NodePath = ((field, None),)
            yield path + step, value
            yield from _walk(value, path + step)
        elif isinstance(value, list):
            for index, child in enumerate(value):
                if isinstance(child, ast.AST):
                    step = ((field, index),)
                    yield path + step, child
                    yield from _walk(child, path + step)


def _replaced(root: ast.AST, path: NodePath, replacement: ast.AST) -> ast.AST:
    """A copy of ``root`` with the node at ``path`` replaced."""
    mutated = copy.deepcopy(root)
    parent: Any = mutated
    for field, index in path[:-1]:
        parent = getattr(parent, field) if index is None else getattr(parent, field)[index]
    field, index = path[-1]
    if index is None:
        setattr(parent, field, replacement)
    else:
        getattr(parent, field)[index] = replacement
    return mutated


def _inside(node: ast.expr | ast.stmt, regions: list[tuple[int, int]]) -> bool:
    last = node.end_lineno or node.lineno
    return any(start <= node.lineno and last <= end for start, end in regions)


def _shown_lines(
    node: ast.expr | ast.stmt, replacement: ast.AST, lines: list[str]
) -> tuple[str, str]:
    """The node's first source line, and that line as the mutant reads (for the survivor listing)."""
    line = lines[node.lineno - 1]
    if node.lineno == node.end_lineno:
        raw = line.encode()  # ast's column offsets count UTF-8 bytes
        start, end = node.col_offset, node.end_col_offset
        spliced = raw[:start].decode() + ast.unparse(replacement) + raw[end:].decode()
        return line.strip(), spliced.strip()
    return line.strip(), ast.unparse(replacement).splitlines()[0].strip()


# ----------------------------------------------------------------------------- sampling
def mutant_cost(mutant: Mutant, week: Week, probe_seconds: Mapping[str, float]) -> float:
    """What probing ``mutant`` costs: the solution's seconds on each item that tests its name."""
    return sum(
        probe_seconds.get(i.name, UNKNOWN_PROBE_SECONDS) for i in week.items_testing(mutant.target)
    )


def sample_mutants(
    mutants: Sequence[Mutant],
    week: Week,
    probe_seconds: Mapping[str, float],
    plan: MutationPlan,
) -> list[Mutant]:
    """The mutants one run probes, within ``plan.budget_seconds`` of estimated probe time.

    Every graded name gets an equal share of the budget (what a cheap name
    leaves unused goes to the others), so a slow training function cannot
    crowd out the small functions, and each name gets at least one mutant.
    Within a name the order is a shuffle fixed by ``plan.seed``: a larger
    budget, or probes that ran a little faster, only ever add mutants to the
    end of each name's list, so the survivors of one run are in the next.
    """
    by_target: dict[str, list[Mutant]] = {}
    for mutant in mutants:
        by_target.setdefault(mutant.target, []).append(mutant)
    for target, group in by_target.items():
        random.Random(f"{plan.seed}:{target}").shuffle(group)
    if plan.budget_seconds <= 0:
        return _in_generated_order(mutants, by_target.values())

    def cost(m: Mutant) -> float:
        return mutant_cost(m, week, probe_seconds)

    remaining = plan.budget_seconds
    order = sorted(by_target, key=lambda t: sum(cost(m) for m in by_target[t]))
    chosen: list[list[Mutant]] = []
    for position, target in enumerate(order):
        share = remaining / (len(order) - position)
        taken: list[Mutant] = []
        spent = 0.0
        for mutant in by_target[target]:
            if taken and spent + cost(mutant) > share:
                break
            taken.append(mutant)
            spent += cost(mutant)
        chosen.append(taken)
        remaining -= spent
    return _in_generated_order(mutants, chosen)


def _in_generated_order(mutants: Sequence[Mutant], groups: Iterable[list[Mutant]]) -> list[Mutant]:
    kept = {m.id for group in groups for m in group}
    return [m for m in mutants if m.id in kept]


# ----------------------------------------------------------------------------- the harness's view
def mutants_module(mutants: Sequence[Mutant]) -> bytes:
    """The source of the spec module the harness loads the mutants from (``MUTANTS``, in order)."""
    lines = [
        '"""Generated by autograder.instructor.mutants for one mutation run: not a file to edit."""',
        "from autograder.spec import Variant",
        "",
        "MUTANTS = [",
    ]
    for m in mutants:
        v = m.variant
        lines.append(
            f"    Variant({v.target!r}, None, {v.why!r}, label={v.label!r}, source={v.source!r}),"
        )
    lines.append("]")
    return ("\n".join(lines) + "\n").encode()


def mutant_key(mutant: Mutant) -> str:
    """How a mutant's probes are keyed in a run export (``mutant:<id>``)."""
    return variant_key(MUTANT_KIND, mutant.variant)


def mutant_requests(week: Week, mutants: Sequence[Mutant]) -> list[dict[str, Any]]:
    """Harness requests: each mutant (by its index in ``MUTANTS``) on the items that test its name."""
    return [
        {
            "key": mutant_key(m),
            "kind": MUTANT_KIND,
            "index": index,
            "items": [i.name for i in week.items_testing(m.target)],
        }
        for index, m in enumerate(mutants)
    ]
