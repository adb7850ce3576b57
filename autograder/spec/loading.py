"""Load a week's spec modules (public ``grading.py``, private ``hidden_grading.py`` and ``variants.py``).

The same loader serves the trusted process (which needs the checks) and the
in-notebook checker; the sandbox loads the same sources from bytes (see
:mod:`autograder.sandbox.harness`).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from autograder.course import WeekPaths
from autograder.spec.items import Item, Rule, Week

PUBLIC_SPEC = "grading.py"
HIDDEN_SPEC = "hidden_grading.py"
VARIANTS = "variants.py"
RULES = "rules.py"


def _load_module(path: Path, unique: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(unique, path)
    if spec is None or spec.loader is None:  # pragma: no cover - importlib contract
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[unique] = module
    spec.loader.exec_module(module)
    return module


def load_week(
    name: str,
    public_dir: Path,
    private_dir: Path | None = None,
    *,
    with_variants: bool = False,
) -> Week:
    """Load a week's items from ``public_dir/grading.py`` and, if given,
    ``private_dir/hidden_grading.py`` (and ``variants.py`` and ``rules.py`` when asked)."""
    public_path = public_dir / PUBLIC_SPEC
    if not public_path.is_file():
        raise FileNotFoundError(f"{name}: no grading spec at {public_path}")
    module = _load_module(public_path, f"_grading_{name}_public")
    sys.modules["grading"] = module  # the hidden spec may `from grading import ...` shared helpers
    items = [_as_public(i) for i in module.ITEMS]
    settings = dict(getattr(module, "SETTINGS", {}))
    week = Week(name=name, directory=public_dir, items=items, settings=settings)
    if private_dir is not None:
        hidden_path = private_dir / HIDDEN_SPEC
        if hidden_path.is_file():
            hidden = _load_module(hidden_path, f"_grading_{name}_hidden")
            week.items.extend(_as_hidden(i) for i in hidden.ITEMS)
        if with_variants and (private_dir / VARIANTS).is_file():
            variants = _load_module(private_dir / VARIANTS, f"_grading_{name}_variants")
            week.wrong = list(getattr(variants, "WRONG", []))
            week.right = list(getattr(variants, "RIGHT", []))
        if with_variants and (private_dir / RULES).is_file():
            rules = _load_module(private_dir / RULES, f"_grading_{name}_rules")
            week.rules = list(getattr(rules, "RULES", []))
    _validate(week)
    return week


def _as_public(item: Item) -> Item:
    return replace(item, hidden=False)


def _as_hidden(item: Item) -> Item:
    return replace(item, hidden=True)


def _validate(week: Week) -> None:
    seen: set[str] = set()
    for item in week.items:
        if not isinstance(item, Item):
            raise TypeError(f"{week.name}: ITEMS must hold Item objects, got {item!r}")
        if item.name in seen:
            raise ValueError(f"{week.name}: duplicate item name {item.name!r}")
        if item.points <= 0:
            raise ValueError(f"{week.name}: item {item.name!r} must be worth > 0 points")
        seen.add(item.name)
    for item in week.items:
        stray = [name for name in item.uses if name not in item.requires]
        if stray:
            raise ValueError(
                f"{week.name}: item {item.name!r} uses {stray}, which it does not require"
            )
        if item.uses and set(item.requires) <= set(item.uses):
            raise ValueError(
                f"{week.name}: item {item.name!r} uses every name it requires, so it tests none"
            )
    wrong_keys = {v.key for v in week.wrong}
    for rule in week.rules:
        if not isinstance(rule, Rule):
            raise TypeError(f"{week.name}: RULES must hold Rule objects, got {rule!r}")
        unknown = [i for i in rule.items if i not in seen]
        if unknown or not rule.items:
            raise ValueError(f"{week.name}: rule {rule.text!r} names no known item ({unknown})")
        missing = [k for k in rule.broken_by if k not in wrong_keys]
        if missing:
            raise ValueError(
                f"{week.name}: rule {rule.text!r} names unknown wrong variants {missing}"
            )
    for variant in [*week.wrong, *week.right]:
        if not week.items_requiring(variant.target):
            raise ValueError(
                f"{week.name}: variant {variant.key} targets {variant.target!r}, "
                "which no item requires"
            )
        for broken in variant.breaks:
            if broken not in seen:
                raise ValueError(
                    f"{week.name}: variant {variant.key} breaks unknown item {broken!r}"
                )
            if variant.target in week.item(broken).uses:
                raise ValueError(
                    f"{week.name}: variant {variant.key} cannot break {broken!r}, which only uses "
                    f"{variant.target!r}: official runs probe it with the reference {variant.target}"
                )


def load_week_spec(paths: WeekPaths, hidden: bool) -> Week:
    """The items of ``paths`` a grading run uses: public ones, plus hidden ones if ``hidden``."""
    return load_week(paths.name, paths.public_dir, paths.private_dir if hidden else None)
