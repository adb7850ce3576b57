"""What a week's grading spec is: graded items, their probes and checks, and variants.

A week's spec lives in two modules beside its notebook:

* ``grading.py``: the public items. It is copied into the student release, so
  students can run the same probes and checks in their kernel.
* ``hidden_grading.py``: the hidden items. It stays under ``solutions/``.

Each module defines ``ITEMS: list[Item]``. ``variants.py`` (private) lists
wrong implementations that must lose points and correct-but-different ones
that must keep them (``WRONG`` and ``RIGHT``, lists of :class:`Variant`).

An item has two halves that never meet in one process:

* ``probe(ns)`` runs in the sandbox. ``ns`` is the namespace the student's
  notebook produced; the probe calls the student's code on the item's inputs
  and returns plain data (numbers, strings, lists, dicts, numpy arrays).
* ``check(got, ref, reveal)`` runs in the trusted process. It compares the
  data the probe exported from the submission (``got``) with what the same
  probe exported from the solution (``ref``) and returns an :class:`Outcome`.
  ``reveal`` is False for hidden items: the message must not contain values.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

Probe = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Outcome:
    """The verdict of a check: a fraction of the item's points and a message."""

    fraction: float
    message: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must lie in [0, 1], got {self.fraction}")

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0


Check = Callable[[Any, Any, bool], Outcome]


@dataclass(frozen=True)
class Item:
    """One graded item.

    Parameters
    ----------
    name
        Unique within the week, e.g. ``"split_indices"`` or ``"split_indices.hidden"``.
    points
        Points the item is worth (fractional allowed).
    probe
        Runs in the sandbox; see the module docstring.
    check
        Runs in the trusted process; see the module docstring.
    requires
        Names the notebook must define for the probe to make sense. A missing
        name gives a clear message instead of a ``KeyError``.
    hint
        One sentence naming the likely mistake, shown when the item fails.
    timeout
        Seconds the probe may run before the item scores zero.
    hidden
        Set by the loader from the module the item came from.
    """

    name: str
    points: float
    probe: Probe
    check: Check
    requires: tuple[str, ...] = ()
    hint: str = ""
    timeout: float = 20.0
    hidden: bool = False
    description: str = ""


@dataclass(frozen=True)
class Variant:
    """An alternative implementation of one notebook name, used to test the grader.

    ``WRONG`` variants must lose points on every item in ``breaks`` (default:
    every item that requires ``target``); ``RIGHT`` variants must keep full
    points on every item that requires ``target``.
    """

    target: str
    impl: Any
    why: str
    breaks: tuple[str, ...] = ()
    label: str = ""

    @property
    def key(self) -> str:
        return f"{self.target}:{self.label or getattr(self.impl, '__name__', 'variant')}"


@dataclass
class Week:
    """A loaded grading spec for one week."""

    name: str
    directory: Path
    items: list[Item]
    wrong: list[Variant] = field(default_factory=list)
    right: list[Variant] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def item(self, name: str) -> Item:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"{self.name} has no graded item named {name!r}")

    def items_for(self, hidden: bool) -> list[Item]:
        return [i for i in self.items if hidden or not i.hidden]

    def items_requiring(self, target: str) -> list[Item]:
        return [i for i in self.items if target in i.requires]

    @property
    def max_score(self) -> float:
        return sum(i.points for i in self.items)


PUBLIC_SPEC = "grading.py"
HIDDEN_SPEC = "hidden_grading.py"
VARIANTS = "variants.py"


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
    ``private_dir/hidden_grading.py`` (and ``variants.py`` when asked)."""
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
