"""The week-author API: graded items, their probes and checks, variants, a loaded week.

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
  Values (expected vs got) go in the Outcome's ``detail``, which only public
  items show; ``reveal`` (False for hidden items) is passed for checks that
  word a hidden message differently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Probe = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Outcome:
    """The verdict of a check: a fraction of the item's points, a message and its detail.

    ``message`` says what is wrong without showing any value; ``detail``
    carries the values (expected vs got, see
    :func:`autograder.spec.messages.expected_got`). The scorer shows the
    detail for public items only, so a check never decides the reveal rule:
    no hidden value can reach a report through a check's message.
    """

    fraction: float
    message: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"fraction must lie in [0, 1], got {self.fraction}")

    @property
    def passed(self) -> bool:
        return self.fraction >= 1.0

    def text(self, reveal: bool) -> str:
        """The message, followed by the detail when values may be shown (public items)."""
        if reveal and self.detail:
            return f"{self.message}: {self.detail}" if self.message else self.detail
        return self.message

    def within(self, context: str, fraction: float | None = None) -> Outcome:
        """This verdict about a part, as a verdict about the whole: ``"context: message"``."""
        return Outcome(
            self.fraction if fraction is None else fraction,
            f"{context}: {self.message}",
            self.detail,
        )


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
    uses
        Those of ``requires`` the item only *uses* (it tests another name):
        a mistake in them must not cost this item. The official grade probes
        the item with the reference implementation of each used name
        substituted; a practice report says when the item fails only because
        a function it uses fails.
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
    uses: tuple[str, ...] = ()
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

    A variant given by ``source`` instead of ``impl`` is code (a ``def`` or
    ``class`` of ``target``) that the probe's process runs in the notebook's
    namespace, so it sees the notebook's imports and names as the cell it
    replaces did: how generated mutants of the solution are probed (see
    :mod:`autograder.instructor.mutants`).
    """

    target: str
    impl: Any
    why: str
    breaks: tuple[str, ...] = ()
    label: str = ""
    source: str = ""

    @property
    def key(self) -> str:
        return f"{self.target}:{self.label or getattr(self.impl, '__name__', 'variant')}"


@dataclass(frozen=True)
class Rule:
    """One rule the notebook states for a graded name, and the proof that it is graded.

    ``text`` is quoted from the student notebook (whitespace aside), so the
    text and the checks cannot drift apart. ``items`` are the items whose
    inputs exercise the rule (public or hidden); ``broken_by`` the keys of
    ``WRONG`` variants (:attr:`Variant.key`) that break this rule and must
    lose points on at least one of ``items``. A week lists its rules in the
    private ``rules.py`` (``RULES = [Rule(...), ...]``): a rule no input
    exercises is a defect the gate refuses.
    """

    target: str
    text: str
    items: tuple[str, ...]
    broken_by: tuple[str, ...]


@dataclass
class Week:
    """A loaded grading spec for one week."""

    name: str
    directory: Path
    items: list[Item]
    wrong: list[Variant] = field(default_factory=list)
    right: list[Variant] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
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

    def items_testing(self, target: str) -> list[Item]:
        """The items a mistake in ``target`` may cost: those that require it without only using it."""
        return [i for i in self.items if target in i.requires and target not in i.uses]

    @property
    def max_score(self) -> float:
        return sum(i.points for i in self.items)
