"""Reference outputs: what each item's probe returned on the solution, stored as data.

Stored in the exchange format (``<stem>.json`` + ``<stem>.npz``), never
pickled. Public references ship with the assignment; hidden ones stay in
``solutions/weekNN/references``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from autograder.course import WeekPaths
from autograder.wire import exchange

PUBLIC = "public"
HIDDEN = "hidden"


def save(directory: Path, stem: str, values: dict[str, Any]) -> None:
    """Write ``values`` (item name -> probe output) to ``directory/stem.{json,npz}``."""
    directory.mkdir(parents=True, exist_ok=True)
    doc, npz = exchange.encode(dict(sorted(values.items())))
    (directory / f"{stem}.json").write_bytes(doc + b"\n")
    npz_path = directory / f"{stem}.npz"
    if npz:
        npz_path.write_bytes(npz)
    elif npz_path.exists():
        npz_path.unlink()


def load(directory: Path, stem: str) -> dict[str, Any]:
    """Load references; an absent set is empty."""
    doc_path = directory / f"{stem}.json"
    if not doc_path.is_file():
        return {}
    npz_path = directory / f"{stem}.npz"
    npz = npz_path.read_bytes() if npz_path.is_file() else b""
    values = exchange.decode(doc_path.read_bytes(), npz)
    if not isinstance(values, dict):
        raise exchange.ExchangeError(f"{doc_path} does not hold a mapping of item names")
    return values


def digest(*directories_and_stems: tuple[Path, str], files: tuple[Path, ...] = ()) -> str:
    """SHA-256 over the stored reference files (and other ``files``), to record which
    references graded a result."""
    sha = hashlib.sha256()
    paths = [
        d / f"{stem}{suffix}" for d, stem in directories_and_stems for suffix in (".json", ".npz")
    ]
    for path in [*paths, *files]:
        if path.is_file():
            sha.update(path.name.encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()


def load_week_references(paths: WeekPaths, hidden: bool) -> tuple[dict[str, Any], str]:
    """(item name -> reference, digest) of a week: public ones, plus hidden ones if ``hidden``
    (the digest then covers the reference implementations official runs substitute too)."""
    sets = [(paths.public_references, PUBLIC)]
    if hidden:
        sets.append((paths.hidden_references, HIDDEN))
    values: dict[str, Any] = {}
    for directory, stem in sets:
        values.update(load(directory, stem))
    return values, digest(*sets, files=(paths.reference_implementations,) if hidden else ())
