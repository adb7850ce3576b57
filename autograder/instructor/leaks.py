"""Find private material in a student tree: solution lines, hidden tests, hidden values.

A line counts as a solution (or hidden-test) line when it appears inside
``### BEGIN SOLUTION``/``### END SOLUTION`` (``HIDDEN TESTS``) in the source
notebook and nowhere outside those blocks, and is long enough to be
distinctive. Hidden reference values are searched as text (their leading
significant digits, for non-trivial floats) and as arrays (any public
reference array equal to a hidden one). Every file is scanned: notebook
sources, outputs, metadata and attachments (the whole JSON text),
checkpoints, data files.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MIN_LINE = 12  # shorter lines ("return x", "pass") are not distinctive
MARKERS = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden test": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
}


@dataclass
class Secrets:
    """What must not appear in a student tree."""

    lines: dict[str, str] = field(default_factory=dict)  # line -> what it is
    value_strings: dict[str, str] = field(default_factory=dict)  # text -> which hidden item
    arrays: list[tuple[str, np.ndarray]] = field(default_factory=list)


@dataclass(frozen=True)
class Leak:
    path: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}: {self.detail}"


def _cell_sources(notebook: dict[str, Any]) -> list[str]:
    out = []
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        out.append("".join(source) if isinstance(source, list) else str(source))
    return out


def _normal(line: str) -> str:
    return " ".join(line.split())


def private_lines(
    source_notebook: dict[str, Any],
    hidden_spec: str = "",
    public_spec: str = "",
    reference_code: str = "",
) -> dict[str, str]:
    """Distinctive lines of solution blocks, hidden-test blocks, the hidden spec and the
    reference implementations (those not public anyway, such as a ``def`` line)."""
    inside: dict[str, set[str]] = {kind: set() for kind in MARKERS}
    outside: set[str] = set()
    for source in _cell_sources(source_notebook):
        state: str | None = None
        for raw in source.splitlines():
            line = _normal(raw)
            opened = next((k for k, (b, _) in MARKERS.items() if line.startswith(b)), None)
            closed = next((k for k, (_, e) in MARKERS.items() if line.startswith(e)), None)
            if opened:
                state = opened
            elif closed:
                state = None
            elif state:
                inside[state].add(line)
            else:
                outside.add(line)
    secrets: dict[str, str] = {}
    for kind, lines in inside.items():
        for line in lines - outside:
            if len(line) >= MIN_LINE and not line.startswith("#"):
                secrets[line] = kind
    public_lines = {_normal(x) for x in public_spec.splitlines()}
    public_blob = "\n".join([*public_lines, *outside])
    for line in list(secrets):
        if line in public_blob:  # already public (a whole line or part of one)
            del secrets[line]
    for text, kind in ((hidden_spec, "hidden grading spec"), (reference_code, "reference code")):
        for raw in text.splitlines():
            line = _normal(raw)
            if line.startswith(("import ", "from ", "#")):
                continue  # imports say which helpers are used, not what is tested
            if len(line) >= MIN_LINE and line not in public_blob:
                secrets.setdefault(line, kind)
    return secrets


def public_text(source_notebook: dict[str, Any], public_spec: str) -> str:
    """What is public anyway: the public spec and the source notebook outside private blocks."""
    kept = [public_spec]
    for source in _cell_sources(source_notebook):
        state = False
        for raw in source.splitlines():
            line = _normal(raw)
            if any(line.startswith(begin) for begin, _ in MARKERS.values()):
                state = True
            elif any(line.startswith(end) for _, end in MARKERS.values()):
                state = False
            elif not state:
                kept.append(raw)
    return "\n".join(kept)


def strings_in(values: Any) -> list[str]:
    """Every string inside ``values`` (dict keys included): what public references already show."""
    if isinstance(values, dict):
        return [*values, *(s for v in values.values() for s in strings_in(v))]
    if isinstance(values, list):
        return [s for v in values for s in strings_in(v)]
    return [values] if type(values) is str else []


def hidden_value_secrets(
    hidden_refs: dict[str, Any], secrets: Secrets, public: str = "", per_array: int = 50
) -> None:
    """Add the text forms of non-trivial hidden values, and hidden arrays, to ``secrets``.

    Floats count when they have at least 5 significant digits; strings when
    they are at least 12 characters long and not already in ``public`` text
    (labels such as "classification" are part of the exercise, not secrets).
    """

    def visit(value: Any, item: str) -> None:
        if isinstance(value, dict):
            for v in value.values():
                visit(v, item)
        elif isinstance(value, list):
            for v in value:
                visit(v, item)
        elif isinstance(value, np.ndarray):
            if value.size >= 4 and value.dtype.kind in "iuf" and np.unique(value).size > 2:
                secrets.arrays.append((item, value))
            if value.dtype.kind == "f":
                for v in value.ravel()[:per_array]:
                    visit(float(v), item)
        elif type(value) is float and math.isfinite(value):
            text = f"{abs(value):.6g}"
            digits = text.replace(".", "").replace("-", "").lstrip("0").split("e")[0]
            if len(digits) >= 5:
                secrets.value_strings[text] = item
        elif type(value) is str and len(value) >= 12 and value not in public:
            secrets.value_strings[value] = item

    for item, value in hidden_refs.items():
        visit(value, item)


def scan_tree(root: Path, secrets: Secrets) -> list[Leak]:
    """Every leak of ``secrets`` in any file under ``root`` (hidden folders included)."""
    leaks: list[Leak] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            leaks.append(Leak(rel, "symlink", "a student tree must not contain links"))
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        if path.suffix == ".ipynb":
            text = _notebook_text(text)
        normal_lines = {_normal(line) for line in text.splitlines()}
        for line, kind in secrets.lines.items():
            if line in normal_lines or (len(line) >= 30 and line in text):
                leaks.append(Leak(rel, f"{kind} line", line[:80]))
        for value, item in secrets.value_strings.items():
            if value in text:
                leaks.append(Leak(rel, "hidden reference value", f"a value of {item}"))
        if path.suffix == ".npz" and secrets.arrays:
            leaks.extend(_array_leaks(rel, data, secrets))
    return leaks


def _notebook_text(text: str) -> str:
    """The notebook JSON plus every cell source and output, decoded, so escaped text is seen."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError:
        return text
    parts = [text]

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, str):
            parts.append(value)
            if _is_binary_mime(key):
                parts.append(_base64_text(value))
        elif isinstance(value, list):
            joined = "".join(v for v in value if isinstance(v, str))
            parts.append(joined)
            if _is_binary_mime(key):
                parts.append(_base64_text(joined))
            for v in value:
                if not isinstance(v, str):
                    walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))

    walk(notebook)
    return "\n".join(parts)


def _is_binary_mime(key: str) -> bool:
    """Mime-bundle keys whose values are base64 (images, other binary outputs and attachments)."""
    return "/" in key and not key.startswith("text/") and not key.endswith("json")


def _base64_text(value: str) -> str:
    """What base64 ``value`` decodes to, as text; empty when it is not base64."""
    try:
        return base64.b64decode("".join(value.split()), validate=True).decode("utf-8", "ignore")
    except (binascii.Error, ValueError):
        return ""


def _array_leaks(rel: str, data: bytes, secrets: Secrets) -> list[Leak]:
    leaks: list[Leak] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)):
            pass
        archive = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception:
        return leaks
    for key in archive.files:
        public = archive[key]
        for item, hidden in secrets.arrays:
            if public.shape == hidden.shape and np.array_equal(public, hidden):
                leaks.append(
                    Leak(rel, "hidden reference array", f"{key} equals the reference of {item}")
                )
    return leaks
