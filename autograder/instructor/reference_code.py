"""The reference implementations an official run substitutes for the names items *use*.

An item that declares ``uses=("iterate_minibatches",)`` is graded officially
with the solution's ``iterate_minibatches`` in place of the student's, so a
mistake there costs only the items that test it. The release extracts that
code from the solution notebook into the private
``solutions/weekNN/references/reference_implementations.py``; only official
runs send it to the sandbox (see :func:`autograder.sandbox.harness.install_references`).

What is extracted, for the used names and, transitively, every notebook
definition they read: each name's last top-level ``def``/``class`` in a code
cell (solution block included, decorators included), in notebook order, with
the notebook's imports those definitions need. So a reference ``train`` calls
the reference ``iterate_minibatches``, never the student's: a used function
behaves as the solution's whatever else the submission got wrong. Data and
other top-level assignments are not extracted: the references read them from
the notebook's namespace, which the student's notebook shares with the solution.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from autograder.instructor.leaks import MARKERS
from autograder.sandbox.harness import code_cells, strip_magics
from autograder.spec import Week


@dataclass(frozen=True)
class Statement:
    """One top-level definition or import of the notebook, with the names it binds and reads."""

    source: str
    binds: frozenset[str]
    reads: frozenset[str]
    position: tuple[int, int]  # (cell, statement): notebook order


def used_names(week: Week) -> list[str]:
    """Every name some item of ``week`` declares in ``uses``, in first-use order."""
    return list(dict.fromkeys(name for item in week.items for name in item.uses))


def notebook_statements(notebook: Path) -> tuple[dict[str, Statement], list[Statement]]:
    """(last definition of each name, every import) among the notebook's non-test code cells."""
    definitions: dict[str, Statement] = {}
    imports: list[Statement] = []
    for index, raw, is_test, _ in code_cells(json.loads(notebook.read_text())):
        if is_test:
            continue
        source = strip_magics(raw)
        try:
            tree = ast.parse(source)
        except SyntaxError as error:
            raise ValueError(f"{notebook.name}: cell {index} does not parse: {error}") from None
        lines = source.splitlines()
        for number, node in enumerate(tree.body):
            statement = _statement(node, lines, (index, number))
            if isinstance(node, ast.Import | ast.ImportFrom):
                imports.append(statement)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                definitions[node.name] = statement
    return definitions, imports


def _statement(node: ast.stmt, lines: list[str], position: tuple[int, int]) -> Statement:
    decorators = getattr(node, "decorator_list", [])
    first = min([node.lineno, *(d.lineno for d in decorators)])
    markers = MARKERS["solution"]  # an extract holds one half of a block: drop both halves
    kept = [line for line in lines[first - 1 : node.end_lineno] if line.strip() not in markers]
    source = "\n".join(kept)
    reads = frozenset(
        n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    )
    if isinstance(node, ast.Import | ast.ImportFrom):
        binds = frozenset((a.asname or a.name).split(".")[0] for a in node.names)
    else:
        binds = frozenset({getattr(node, "name", "")})
    return Statement(source, binds, reads, position)


def reference_implementations(notebook: Path, used: Iterable[str], week: str) -> str:
    """The module text of the reference implementations of ``used`` ("" when nothing is used).

    Raises ``ValueError`` when a used name has no top-level definition in the notebook.
    """
    wanted = list(used)
    if not wanted:
        return ""
    definitions, imports = notebook_statements(notebook)
    undefined = [name for name in wanted if name not in definitions]
    if undefined:
        raise ValueError(
            f"{week}: items use {', '.join(undefined)}, which {notebook.name} does not define "
            "with a top-level def or class"
        )
    chosen: dict[str, Statement] = {}
    pending = list(wanted)
    while pending:  # the definitions the used ones read, and theirs: references call references
        name = pending.pop()
        if name in chosen or name not in definitions:
            continue
        chosen[name] = definitions[name]
        pending.extend(definitions[name].reads)
    reads = set().union(*(s.reads for s in chosen.values()))
    needed = [s for s in imports if s.binds & reads or "*" in s.binds]
    body = sorted({*chosen.values(), *needed}, key=lambda s: s.position)
    header = [
        f"# Reference implementations of {week}: generated by `nox -s release -- {week}` from",
        f"# solutions/{week}/{notebook.name}; do not edit. Private like hidden_grading.py: official",
        "# runs substitute them for the names items use (Item.uses); no student ever receives them.",
        f"# used: {', '.join(wanted)}",
    ]
    return "\n".join(header) + "\n\n" + "\n\n\n".join(s.source for s in body) + "\n"
