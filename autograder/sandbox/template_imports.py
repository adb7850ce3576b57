"""Which modules a week's warm template imports (grader side; nothing here is imported or run).

1. The top-level imports of the released notebook's code cells and of the
   public grading spec (never the hidden spec's: ``sys.modules`` is visible
   to a submission), after the harness's own (:data:`HARNESS_IMPORTS`).
2. The imports the shared library defers to a call: ``course_lib`` keeps
   ``import course_lib`` cheap by importing scikit-learn, torch or W&B
   inside the function that needs them, so a notebook that calls
   ``load_dataset`` pays for ``sklearn.datasets`` on its first call, in
   every submission. For each name a notebook imports from ``course_lib``
   the template also imports what that function (or each method of that
   class) imports in its body, following the calls it makes to functions
   of its own module and the ``course_lib`` names it imports there.
3. The imports a library makes on the first call of some function
   (:data:`FIRST_CALL_IMPORTS`, measured with ``python -X importtime``):
   ``torch.use_deterministic_algorithms``, which ``seed_everything`` calls,
   imports ``torch._inductor`` (1.5 s) the first time, in every submission.
   They are imported where a notebook cell or a ``course_lib`` function the
   notebook imports makes such a call.

Everything is read from source with :mod:`ast`: the grader never imports
a module to learn what it imports. Only public code decides the list (the
released notebook, the public spec, ``course_lib``), so the template's
``sys.modules`` tells a submission nothing about the hidden items.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.harness import code_cells, strip_magics

# what every harness imports before any student code: the grader's own side of the job
HARNESS_IMPORTS = ("autograder.sandbox.harness", "autograder.spec", "course_lib")
SHARED_LIBRARY = "course_lib"
# library calls that import more the first time they run (python -X importtime, torch 2.14,
# wandb 0.2x): module-level state is not touched by importing them ahead
FIRST_CALL_IMPORTS = {
    "torch.use_deterministic_algorithms": ("torch._inductor.config",),
    "wandb.init": ("wandb.sdk.launch.inputs.internal",),
}


def template_imports(notebook: Path, spec: Path | None = None) -> list[str]:
    """The modules a template imports for a week, in import order (see the module docstring)."""
    trees = []
    for source in _cell_sources(notebook) + ([spec.read_text()] if spec and spec.is_file() else []):
        with contextlib.suppress(SyntaxError, ValueError):
            trees.append(ast.parse(source))
    names: list[str] = []
    deferred: list[str] = []
    library = _SharedLibrary.find()
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                if library is not None:
                    for alias in node.names:
                        deferred += library.deferred_imports(node.module, alias.name)
    aliases = module_aliases(trees)  # the cells share one namespace
    for tree in trees:
        deferred += first_call_imports(tree, aliases)
    return list(dict.fromkeys([*HARNESS_IMPORTS, *names, *deferred]))


def module_aliases(trees: list[ast.Module]) -> dict[str, str]:
    """The names ``import`` statements bind to modules (``import torch as t``: t -> torch)."""
    aliases: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.split(".")[0]
                    aliases[alias.asname or top] = alias.name if alias.asname else top
    return aliases


def first_call_imports(code: ast.AST, aliases: dict[str, str]) -> list[str]:
    """What the calls in ``code`` import on their first run (:data:`FIRST_CALL_IMPORTS`)."""
    found: list[str] = []
    for node in ast.walk(code):
        if isinstance(node, ast.Call) and (dotted := _dotted(node.func)) is not None:
            root, _, rest = dotted.partition(".")
            found += FIRST_CALL_IMPORTS.get(f"{aliases.get(root, root)}.{rest}", ())
    return found


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _cell_sources(notebook: Path) -> list[str]:
    """Every code cell of ``notebook`` as plain Python, as the harness reads and runs it."""
    try:
        cells = code_cells(json.loads(notebook.read_text()))
    except (OSError, ValueError):
        return []
    return [strip_magics(source) for _, source, _, _ in cells]


@dataclass
class _Module:
    """One ``course_lib`` module, parsed once: what its names are bound to at the top."""

    name: str
    definitions: dict[str, ast.AST]  # functions, classes, values of top-level assignments
    imported: dict[str, tuple[str, str]]  # ``from m import n as a``: a -> (m, n)
    aliases: dict[str, str]  # ``import torch as t`` anywhere in it: t -> torch

    @classmethod
    def of(cls, name: str, tree: ast.Module) -> _Module:
        definitions: dict[str, ast.AST] = {}
        imported: dict[str, tuple[str, str]] = {}
        for node in tree.body:  # a table of loaders is how a function may reach the importer
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                definitions[node.name] = node
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        definitions[target.id] = node.value
            elif (
                isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value
            ):
                definitions[node.target.id] = node.value
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    imported[alias.asname or alias.name] = (node.module, alias.name)
        return cls(name, definitions, imported, module_aliases([tree]))


class _SharedLibrary:
    """``course_lib``'s modules, parsed from its source folder (each once)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._modules: dict[str, _Module | None] = {}

    @classmethod
    def find(cls) -> _SharedLibrary | None:
        try:
            spec = importlib.util.find_spec(SHARED_LIBRARY)  # finds, does not import, a package
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        return cls(Path(next(iter(spec.submodule_search_locations))))

    def deferred_imports(self, module: str, name: str) -> list[str]:
        """What ``module.name`` imports when it is called (modules, in the order met)."""
        found: list[str] = []
        self._follow(module, name, found, set())
        return found

    def _follow(self, module: str, name: str, found: list[str], seen: set[tuple[str, str]]) -> None:
        in_library = module == SHARED_LIBRARY or module.startswith(SHARED_LIBRARY + ".")
        parsed = self._module(module) if in_library and (module, name) not in seen else None
        if parsed is None:
            return
        seen.add((module, name))
        for wanted in [*parsed.definitions, *parsed.imported] if name == "*" else [name]:
            self._name(parsed, wanted, found, seen)

    def _name(
        self, module: _Module, name: str, found: list[str], seen: set[tuple[str, str]]
    ) -> None:
        """Follow ``name`` of ``module``: its definition's imports, or where it was imported from."""
        if name in module.imported:  # ``from course_lib.data import load_dataset`` at the top
            self._follow(*module.imported[name], found, seen)
        if name not in module.definitions:
            return
        seen.add((module.name, name))
        definition = module.definitions[name]
        found += first_call_imports(definition, module.aliases)
        for node in ast.walk(definition):
            if isinstance(node, ast.Import):
                found += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append(node.module)
                for alias in node.names:
                    self._follow(node.module, alias.name, found, seen)
            elif (
                isinstance(node, ast.Name)
                and isinstance(node.ctx, ast.Load)
                and (module.name, node.id) not in seen
            ):
                self._name(module, node.id, found, seen)

    def _module(self, name: str) -> _Module | None:
        if name not in self._modules:
            parts = name.split(".")[1:]
            candidates = [
                self.folder.joinpath(*parts).with_suffix(".py") if parts else None,
                self.folder.joinpath(*parts, "__init__.py"),
            ]
            self._modules[name] = None
            for path in candidates:
                if path is not None and path.is_file():
                    with contextlib.suppress(SyntaxError, OSError, ValueError):
                        self._modules[name] = _Module.of(name, ast.parse(path.read_text()))
                    break
        return self._modules[name]
