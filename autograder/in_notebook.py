"""Instant feedback inside Jupyter: run a graded item's public checks in your kernel.

Test cells of a week's notebook call ``check("split_indices")``. It runs the
same probe and check the grader uses, on your current definitions, and
prints the result. It is a convenience only: the grade is computed by the
sandboxed grader from a fresh run of your whole notebook, never from this.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from autograder.scoring import references
from autograder.spec import HIDDEN_SPEC, PUBLIC_SPEC, Item, load_week


def _locate(start: Path) -> tuple[Path, Path | None, list[Path]]:
    """(spec folder, private folder or None, folders that may hold references)."""
    meta = start / "week.json"
    week = json.loads(meta.read_text())["week"] if meta.is_file() else start.name
    reference_dirs = [start / "references"]
    course = start.parent.parent
    reference_dirs.append(course / "assignments" / week / "references")
    reference_dirs.append(course / "solutions" / week / "references")
    private = start if (start / HIDDEN_SPEC).is_file() else None
    return start, private, reference_dirs


def check(name: str, *, hidden: bool = False, namespace: dict[str, Any] | None = None) -> None:
    """Run the public (and with ``hidden=True``, the hidden) items named ``name`` or ``name.*``.

    Raises ``AssertionError`` when an item fails, as an nbgrader test cell should.
    """
    if namespace is None:
        frame = inspect.currentframe()
        namespace = frame.f_back.f_globals if frame and frame.f_back else {}
    spec_dir, private, reference_dirs = _locate(Path.cwd())
    if not (spec_dir / PUBLIC_SPEC).is_file():
        print(
            f"(no {PUBLIC_SPEC} here: open the notebook from its assignment folder to run checks)"
        )
        return
    week = load_week(spec_dir.name, spec_dir, private if hidden else None)
    refs: dict[str, Any] = {}
    for directory in reference_dirs:
        for stem in (references.PUBLIC, references.HIDDEN):
            for key, value in references.load(directory, stem).items():
                refs.setdefault(key, value)
    chosen = [
        i
        for i in week.items
        if (i.name == name or i.name.startswith(name + ".")) and i.hidden == hidden
    ]
    if not chosen:
        raise KeyError(f"no {'hidden' if hidden else 'public'} item named {name!r}")
    failures = [item.name for item in chosen if not _run_one(item, namespace, refs)]
    if failures:
        raise AssertionError(f"not passing yet: {', '.join(failures)}")


def _run_one(item: Item, namespace: dict[str, Any], refs: dict[str, Any]) -> bool:
    from autograder.wire import exchange

    missing = [n for n in item.requires if n not in namespace]
    if missing:
        print(f"✗ {item.name}: define {', '.join(missing)} first (run its cell)")
        return False
    if item.name not in refs:
        print(f"? {item.name}: no reference output here yet (the week has not been released)")
        return True
    try:
        got = exchange.decode(*exchange.encode(item.probe(namespace)))
    except NotImplementedError:
        print(f"✗ {item.name}: not implemented yet")
        return False
    except Exception as error:
        print(f"✗ {item.name}: raised {type(error).__name__}: {error}")
        return False
    outcome = item.check(got, refs[item.name], not item.hidden)
    mark = "✓" if outcome.passed else "✗"
    print(f"{mark} {item.name} ({item.points:g} points): {outcome.text(not item.hidden)}")
    if not outcome.passed and item.hint:
        print(f"  hint: {item.hint}")
    return outcome.passed
