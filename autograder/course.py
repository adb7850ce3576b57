"""Where a course's weeks live: the course root, a week's public and private folders.

In the course repository a week has a private source, ``solutions/weekNN/``
(notebook, hidden spec, variants, hidden references), and a generated public
release, ``assignments/weekNN/`` (student notebook, public spec, public
references, ``week.json``). A published student template has the public
release at its root.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WEEK_PATTERN = re.compile(r"^week\d{2}$")
WEEK_META = "week.json"
REFERENCES = "references"


class CourseError(Exception):
    """A usage problem: unknown week, missing folder or file."""


@dataclass(frozen=True)
class WeekPaths:
    """The folders of one week."""

    name: str
    public_dir: Path
    private_dir: Path | None = None

    @property
    def notebook(self) -> Path:
        return self.public_dir / f"{self.name}.ipynb"

    @property
    def solution_notebook(self) -> Path:
        if self.private_dir is None:
            raise CourseError(f"{self.name}: the solutions folder is not available here")
        return self.private_dir / f"{self.name}.ipynb"

    @property
    def public_references(self) -> Path:
        return self.public_dir / REFERENCES

    @property
    def hidden_references(self) -> Path:
        if self.private_dir is None:
            raise CourseError(f"{self.name}: hidden references are not available here")
        return self.private_dir / REFERENCES

    def meta(self) -> dict[str, Any]:
        path = self.public_dir / WEEK_META
        if not path.is_file():
            return {}
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}


def check_week_name(name: str) -> str:
    if not WEEK_PATTERN.match(name):
        raise CourseError(f"week names look like 'week01', got {name!r}")
    return name


def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding ``assignments/`` or ``solutions/``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "solutions").is_dir() or (folder / "assignments").is_dir():
            return folder
    raise CourseError(
        f"no course repository (a folder with assignments/ or solutions/) at or above {here}"
    )


def locate_week(name: str, course_dir: Path | None = None) -> WeekPaths:
    """Find ``name`` in a course repository, or in a student template (release at the root)."""
    check_week_name(name)
    start = (course_dir or Path.cwd()).resolve()
    meta = start / WEEK_META
    if meta.is_file() and json.loads(meta.read_text()).get("week") == name:
        return WeekPaths(name, start, None)
    root = find_course_root(start)
    public = root / "assignments" / name
    private = root / "solutions" / name
    if not public.is_dir() and not private.is_dir():
        raise CourseError(f"{name} is not in {root} (no assignments/{name} or solutions/{name})")
    return WeekPaths(name, public, private if private.is_dir() else None)


def list_weeks(root: Path) -> list[str]:
    """Weeks with a source in ``solutions/`` (or, in a student copy, a release)."""
    names: set[str] = set()
    for parent in (root / "solutions", root / "assignments"):
        if parent.is_dir():
            names.update(
                p.name for p in parent.iterdir() if p.is_dir() and WEEK_PATTERN.match(p.name)
            )
    return sorted(names)
