"""Where references came from: the versions of the libraries that computed them.

The release writes ``references/provenance.json`` beside each week's
references (public and private): the Python version, the platform and the
version of every library that can change a number (:data:`NUMERIC_LIBRARIES`).
Grading compares it with its own environment: a difference becomes a note in
the result, and the official regrade refuses to run unless told
``--allow-version-drift`` (tie handling and float summation change between
releases of these libraries; a grade must not).

Versions are read from the installed distributions' metadata: nothing is
imported.
"""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

PROVENANCE = "provenance.json"
NUMERIC_LIBRARIES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "torch",
    "torchvision",
    "lightning",
    "torchmetrics",
    "matplotlib",
    "pillow",
)


def environment() -> dict[str, Any]:
    """This interpreter's Python version, platform and numeric library versions."""
    libraries: dict[str, str | None] = {}
    for name in NUMERIC_LIBRARIES:
        try:
            libraries[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libraries[name] = None
    return {
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "libraries": libraries,
    }


def save(directory: Path, recorded: dict[str, Any] | None = None) -> None:
    """Write ``recorded`` (default: this environment) to ``directory/provenance.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(recorded or environment(), indent=2, sort_keys=True) + "\n"
    (directory / PROVENANCE).write_text(text)


def load(directory: Path) -> dict[str, Any] | None:
    """The recorded provenance, or None where the references record none (or it is unreadable)."""
    try:
        recorded = json.loads((directory / PROVENANCE).read_text())
    except (OSError, ValueError):
        return None
    return recorded if isinstance(recorded, dict) else None


def library_drift(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """One line per numeric library whose version differs: the regrade refuses these."""
    old: dict[str, Any] = recorded.get("libraries") or {}
    new: dict[str, Any] = current.get("libraries") or {}
    if not isinstance(old, dict):
        old = {}
    lines = []
    for name in NUMERIC_LIBRARIES:
        was, now = old.get(name), new.get(name)
        if name in old and was != now:
            lines.append(f"{name} {was or 'absent'} (references) vs {now or 'absent'} (here)")
    return lines


def drift(recorded: dict[str, Any], current: dict[str, Any] | None = None) -> list[str]:
    """Every difference between the references' environment and this one, as lines."""
    current = current or environment()
    lines = library_drift(recorded, current)
    if _minor(recorded.get("python")) != _minor(current.get("python")):
        lines.append(
            f"Python {recorded.get('python')} (references) vs {current.get('python')} (here)"
        )
    if recorded.get("platform") != current.get("platform"):
        lines.append(
            f"platform {recorded.get('platform')} (references) vs {current.get('platform')} (here)"
        )
    return lines


def _minor(version: Any) -> str:
    """3.11 of 3.11.7: a patch release does not change numerics."""
    return ".".join(str(version).split(".")[:2])
