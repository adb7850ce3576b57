"""The architecture as a test: which code may import which (an AST walk of every import).

The lines DESIGN.md draws, enforced:

* the sandbox side never imports scoring, reporting or the official tools;
  the child harness imports nothing of the grader but the boundary formats;
* scoring, reporting and the gradebook never import the sandbox (nor the
  code that runs it): a score cannot depend on code that ran student code;
* ``course_lib`` never imports ``autograder``;
* what a student template ships never imports the instructor's folders.

Imports are followed transitively (importing ``a.b.c`` runs ``a`` and
``a.b`` first), function-level imports included: a lazy import crosses a
line as surely as a top-level one.
"""

from __future__ import annotations

import ast
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

SANDBOX, GRADING, SCORING, REPORTING = (
    "autograder.sandbox",
    "autograder.grading",
    "autograder.scoring",
    "autograder.reporting",
)
OFFICIAL, INSTRUCTOR, GITHUB, CLI, WIRE, SPEC = (
    "autograder.official",
    "autograder.instructor",
    "autograder.github",
    "autograder.cli",
    "autograder.wire",
    "autograder.spec",
)
STUDENT_TEMPLATE = [
    "autograder.__main__",
    "autograder.course",
    "autograder.files",
    "autograder.exit_codes",
    "autograder.in_notebook",
    SPEC,
    SANDBOX,
    WIRE,
    SCORING,
    GRADING,
    REPORTING,
    GITHUB,
    "autograder.cli.grade",
    "autograder.cli.check",
    "autograder.cli.report",
]


@dataclass(frozen=True)
class Rule:
    """Modules under ``subject`` must not reach any module under ``forbidden``."""

    subject: str
    forbidden: tuple[str, ...]
    why: str


RULES = [
    Rule(
        SANDBOX,
        (SCORING, REPORTING, OFFICIAL, INSTRUCTOR, GRADING, GITHUB, CLI),
        "the sandbox only exports",
    ),
    Rule(WIRE, ("autograder.",), "the boundary formats stand alone"),
    Rule(
        SPEC,
        (SANDBOX, SCORING, GRADING, REPORTING, OFFICIAL, INSTRUCTOR, GITHUB, CLI),
        "the spec is pure",
    ),
    Rule(
        SCORING,
        (SANDBOX, GRADING, REPORTING, OFFICIAL, INSTRUCTOR, GITHUB, CLI),
        "scoring is trusted",
    ),
    Rule(REPORTING, (SANDBOX, GRADING, OFFICIAL, INSTRUCTOR, CLI), "reports render records"),
    *[
        Rule(f"autograder.official.{module}", (SANDBOX, GRADING), "the gradebook reads records")
        for module in (
            "gradebook",
            "canvas",
            "moodle",
            "summary",
            "plots",
            "similarity",
            "week_outputs",
            "course_gradebook",
            "overrides",
        )
    ],
    Rule(GITHUB, (SANDBOX, GRADING, OFFICIAL, INSTRUCTOR, CLI), "an integration"),
    Rule("course_lib", ("autograder",), "students' library"),
    *[
        Rule(module, (INSTRUCTOR, OFFICIAL), "a student template has no instructor folders")
        for module in STUDENT_TEMPLATE
    ],
]
# the child may import the boundary formats and nothing else of the grader (but the
# standard-library-only reading of its own process tree)
HARNESS_MAY_IMPORT = (
    "autograder.sandbox.harness",
    "autograder.sandbox.process_tree",
    "autograder.sandbox",
    "autograder",
    WIRE,
)


def module_files(root: Path) -> dict[str, Path]:
    """Module name -> file, for the packages ``autograder`` and ``course_lib`` under ``root``."""
    out = {}
    for package in ("autograder", "course_lib"):
        for path in sorted((root / package).rglob("*.py")):
            if "templates" in path.relative_to(root).parts:
                continue  # copied into student repositories, never imported by the grader
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def direct_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ours that ``name`` imports (at any depth of its code), with their parents."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in known:
                    found.add(candidate)
    found.discard(name)
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix.rstrip(".") + ".")


def violations(root: Path) -> list[str]:
    files = module_files(root)
    known = set(files)
    graph = {name: direct_imports(name, path, known) for name, path in files.items()}
    problems = []
    for rule in RULES:
        for module in sorted(m for m in known if _under(m, rule.subject)):
            for target in sorted(reachable(graph, module)):
                if any(_under(target, f) for f in rule.forbidden) and not _under(
                    target, rule.subject
                ):
                    problems.append(f"{module} reaches {target} ({rule.why})")
    harness = "autograder.sandbox.harness"
    for target in sorted(reachable(graph, harness)):
        if not any(target == m or _under(target, WIRE) for m in HARNESS_MAY_IMPORT):
            problems.append(
                f"{harness} reaches {target} (the child imports only the boundary formats)"
            )
    return problems


def test_the_code_respects_the_trust_boundary_and_the_roles() -> None:
    assert violations(ROOT) == []


def test_the_import_graph_sees_the_packages() -> None:
    files = module_files(ROOT)
    graph = {n: direct_imports(n, p, set(files)) for n, p in files.items()}
    assert "autograder.sandbox.supervisor" in reachable(graph, "autograder.grading.submission")
    assert "autograder.wire.exchange" in reachable(graph, "autograder.sandbox.harness")
    assert "autograder.scoring.compare" in reachable(graph, "autograder.official.regrade")


PLANTED = [
    ("autograder/scoring/compare.py", "from autograder.sandbox import harness", "scoring"),
    (
        "autograder/reporting/markdown.py",
        "from autograder.grading.submission import grade_submission",
        "reporting",
    ),
    ("autograder/official/gradebook.py", "import autograder.sandbox.supervisor", "gradebook"),
    ("autograder/sandbox/harness.py", "from autograder.scoring import compare", "harness"),
    (
        "autograder/sandbox/supervisor.py",
        "from autograder.reporting.markdown import markdown",
        "sandbox",
    ),
    ("course_lib/seed.py", "from autograder.spec import checks", "course_lib"),
    ("autograder/cli/check.py", "from autograder.instructor import release", "template"),
    ("autograder/spec/checks.py", "    from autograder.scoring.results import Results", "lazy"),
]


@pytest.mark.parametrize(("relative", "line", "label"), PLANTED, ids=[p[2] for p in PLANTED])
def test_a_forbidden_import_fails_the_layout_test(
    tmp_path: Path, relative: str, line: str, label: str
) -> None:
    for package in ("autograder", "course_lib"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    target = tmp_path / relative
    text = target.read_text()
    if line.startswith(" "):  # a lazy import inside a function
        text += f"\n\ndef _planted() -> None:\n{line}\n"
    else:
        text += f"\n{line}\n"
    target.write_text(text)
    found = violations(tmp_path)
    assert found, f"planting {line!r} in {relative} was not noticed"
    module = relative.removesuffix(".py").replace("/", ".")
    assert any(v.startswith(module + " ") for v in found), found
