"""The overrides of a week: the instructor's answers to regrade requests and special cases.

``grades/weekNN/overrides.toml`` (kept in the course repository beside the
late policy, so every regrade applies the same ones; ``--overrides PATH``
names another file). One table per roster student (any case)::

    [alice]
    commit = "3f2a9c1"                  # grade this commit (a prefix of its SHA)
    notebook = "work/week01.ipynb"      # grade the notebook at this path of the commit
    waive_late = "flu, note from the health centre"  # the reason: last commit graded, no penalty
    note = "regrade request of 2026-11-05 answered: the grade stands"

    [[alice.adjust]]
    item = "split_indices"              # an item of the week; leave it out for the total
    points = 1.5                        # added (negative removes)
    reason = "the hidden test was too strict about the dtype"

Every override is applied by the regrade, written in the student's
feedback, in the gradebook's ``overrides`` column, and listed in
``summary.md``: a regrade request leaves an audit trail. Rules:

* an item's adjustment keeps the item within [0, its points]; the total's
  is added as it is (a bonus may pass the maximum); both count before the
  late multiplier, and the total never goes below zero;
* a chosen commit is judged by the late policy like any other; one later
  than the policy reaches counts as late as it allows (under ``cutoff``: no
  penalty); ``waive_late`` grades it with none;
* adjustments apply to a row with points (``graded``, ``unreadable``); on
  any other row they are listed as not applied;
* every adjustment and a waived lateness needs a reason; a name not on the
  roster, an unknown key or item, a commit that is not hexadecimal or a
  path outside the repository stops the regrade (exit 2), nothing graded.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from autograder.official.roster import CollectError, roster_spellings

OVERRIDES = "overrides.toml"
KEYS = {"commit", "notebook", "waive_late", "note", "adjust"}
ADJUST_KEYS = {"item", "points", "reason"}


class OverrideError(CollectError):
    """The overrides file cannot be applied as written."""


@dataclass(frozen=True)
class Adjustment:
    """Points added to an item (or to the total, when ``item`` is "") for a reason."""

    points: float
    reason: str
    item: str = ""

    def describe(self) -> str:
        sign = "+" if self.points >= 0 else "-"
        return f"{self.item or 'total'} {sign}{abs(self.points):g}: {self.reason}"


@dataclass(frozen=True)
class Override:
    """What the instructor decided for one student."""

    student: str
    commit: str = ""
    notebook: str = ""
    waive_late: str = ""  # the reason; "" when lateness counts
    note: str = ""
    adjustments: tuple[Adjustment, ...] = ()

    def lines(self) -> list[str]:
        """One line per decision, with its reason (feedback, summary, the gradebook column)."""
        out = []
        if self.commit:
            out.append(f"graded commit {self.commit} (chosen by the instructor)")
        if self.notebook:
            out.append(f"graded the notebook {self.notebook}")
        if self.waive_late:
            out.append(f"lateness waived: {self.waive_late}")
        out += [f"adjusted {a.describe()}" for a in self.adjustments]
        if self.note:
            out.append(f"note: {self.note}")
        return out


def load_overrides(
    path: Path | None, students: list[str], item_points: dict[str, float]
) -> dict[str, Override]:
    """Roster student -> their override, from ``path`` (None or no file: no overrides).

    Raises :class:`OverrideError` listing every problem (see the module docstring).
    """
    if path is None:
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise OverrideError(f"cannot read the overrides {path}: {error}") from None
    try:
        spelled = roster_spellings(list(doc), students, f"{path}:")
    except CollectError as error:
        raise OverrideError(str(error)) from None
    problems: list[str] = []
    out = {}
    for name, table in doc.items():
        where = f"{path}: [{name}]"
        if not isinstance(table, dict):
            problems.append(f"{where} is not a table (write [{name}] and its keys below it)")
            continue
        override = _override(spelled[name], table, item_points, where, problems)
        if override is not None:
            out[override.student] = override
    if problems:
        raise OverrideError("the overrides cannot be applied:\n  " + "\n  ".join(problems))
    return out


def _override(
    student: str,
    table: dict[str, object],
    item_points: dict[str, float],
    where: str,
    problems: list[str],
) -> Override | None:
    before = len(problems)
    unknown = sorted(set(table) - KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {unknown} (known: {sorted(KEYS)})")
    commit = _text(table, "commit", where, problems)
    if commit and not re.fullmatch(r"[0-9a-fA-F]{4,64}", commit):
        problems.append(f"{where}: commit {commit!r} is not a commit SHA (4 to 64 hex digits)")
    notebook = _text(table, "notebook", where, problems)
    if notebook:
        parts = PurePosixPath(notebook).parts
        if notebook.startswith("/") or ".." in parts or "\\" in notebook:
            problems.append(f"{where}: notebook {notebook!r} is not a path inside the repository")
        elif not notebook.endswith(".ipynb"):
            problems.append(f"{where}: notebook {notebook!r} is not an .ipynb file")
    waive = table.get("waive_late", "")
    if waive is True or (isinstance(waive, str) and waive and not waive.strip()):
        problems.append(f'{where}: waive_late takes the reason, e.g. waive_late = "flu"')
        waive = ""
    elif not isinstance(waive, str):
        problems.append(f"{where}: waive_late takes the reason as text")
        waive = ""
    adjustments = []
    raw = table.get("adjust", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list):
        problems.append(f"{where}: adjust is a list of tables ([[{student}.adjust]])")
        raw = []
    for number, entry in enumerate(raw, start=1):
        adjustment = _adjustment(entry, item_points, f"{where} adjustment {number}", problems)
        if adjustment is not None:
            adjustments.append(adjustment)
    if len(problems) > before:
        return None
    return Override(
        student,
        commit.lower(),
        notebook,
        str(waive).strip(),
        _text(table, "note", where, problems),
        tuple(adjustments),
    )


def _adjustment(
    entry: object, item_points: dict[str, float], where: str, problems: list[str]
) -> Adjustment | None:
    if not isinstance(entry, dict):
        problems.append(f"{where} is not a table with points and a reason")
        return None
    unknown = sorted(set(entry) - ADJUST_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {unknown} (known: {sorted(ADJUST_KEYS)})")
    points = entry.get("points")
    if type(points) not in (int, float) or not math.isfinite(float(points)):  # type: ignore[arg-type]
        problems.append(f"{where}: points must be a number, got {points!r}")
        return None
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.append(f"{where}: every adjustment needs a reason")
        return None
    item = entry.get("item", "")
    if not isinstance(item, str) or (item and item not in item_points):
        problems.append(f"{where}: {item!r} is not an item of the week ({', '.join(item_points)})")
        return None
    return Adjustment(float(points), " ".join(reason.split()), item)  # type: ignore[arg-type]


def _text(table: dict[str, object], key: str, where: str, problems: list[str]) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        problems.append(f"{where}: {key} must be text, got {value!r}")
        return ""
    return value.strip()


def adjustment_points(
    override: Override, items: dict[str, float], item_points: dict[str, float]
) -> float:
    """The points the adjustments add to a row with these item scores (items kept within bounds)."""
    moved = dict(items)
    total = 0.0
    for adjustment in override.adjustments:
        if adjustment.item:
            was = moved.get(adjustment.item, 0.0)
            moved[adjustment.item] = min(
                max(was + adjustment.points, 0.0), item_points[adjustment.item]
            )
            total += moved[adjustment.item] - was
        else:
            total += adjustment.points
    return round(total, 6)


def overrides_digest(overrides: dict[str, Override]) -> str:
    """A digest of the decisions themselves (not the file's layout or comments)."""
    canonical = json.dumps(
        {student: asdict(o) for student, o in sorted(overrides.items())}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


__all__ = [
    "OVERRIDES",
    "Adjustment",
    "Override",
    "OverrideError",
    "adjustment_points",
    "load_overrides",
    "overrides_digest",
]
