"""Similar submissions: byte-identical, identical once normalised, or highly similar code.

A pointer for the instructor, never a grade change. Only the code the
students wrote counts: the notebook's answer cells (nbgrader ``solution``
cells), with the released template's code as boilerplate, so two students
who both left the stub, or both kept the template's lines, are not similar.

Three kinds of pair, strongest first (a pair is listed once, as its strongest):

``identical``   the same notebook bytes
``normalised``  the same answer code once comments, blank space and the
                names the student chose are normalised away
``similar``     copydetect's winnowing (the MOSS algorithm) finds at least
                ``threshold`` of one submission's answer tokens in the other's

Winnowing comes from copydetect (a well-kept implementation of Schleimer et
al.'s fingerprinting); the normalisation is Python's own tokenizer.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import itertools
import json
import keyword
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from autograder.reporting.untrusted import markdown_escaped

IDENTICAL, NORMALISED, SIMILAR = "identical", "normalised", "similar"
KINDS = (IDENTICAL, NORMALISED, SIMILAR)
DEFAULT_THRESHOLD = 0.75
MIN_TOKENS = 40  # shorter answers converge on their own: too little to compare
KGRAM, WINDOW = 25, 1  # copydetect's defaults for a noise threshold of 25 tokens


@dataclass(frozen=True)
class SimilarPair:
    """Two submissions that look alike, and where."""

    first: str
    second: str
    kind: str
    score: float  # 1.0 for identical and normalised pairs; else the larger shared fraction
    cells: tuple[str, ...]  # the answer cells the two share (same code once normalised, or similar)


@dataclass
class _Answers:
    """One submission's answer code, per answer cell, normalised once (a class compares O(n^2) pairs)."""

    sha256: str
    cells: dict[str, str]
    normal: dict[str, str] = field(init=False)
    code_normal: str = field(init=False)

    def __post_init__(self) -> None:
        self.normal = {key: normalised(code) for key, code in self.cells.items()}
        self.code_normal = normalised(self.code)

    @property
    def code(self) -> str:
        return "\n".join(self.cells[key] for key in sorted(self.cells))


def answer_cells(notebook: bytes) -> dict[str, str]:
    """Answer cell key (nbgrader ``grade_id``, else ``cell N``) -> its code, for a notebook's bytes."""
    try:
        cells = json.loads(notebook).get("cells", [])
    except (ValueError, AttributeError, RecursionError):
        return {}
    out = {}
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta: Any = cell.get("metadata")
        nbgrader: Any = meta.get("nbgrader") if isinstance(meta, dict) else None
        if not isinstance(nbgrader, dict) or nbgrader.get("solution") is not True:
            continue
        source = cell.get("source", "")
        text = (
            "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
        )
        if isinstance(text, str):
            out[str(nbgrader.get("grade_id") or f"cell {number}")] = text
    return out


def normalised(code: str) -> str:
    """``code`` without comments or layout, every name the author chose replaced by its order of first use.

    Keywords, built-ins, attributes (``np.mean`` keeps ``mean``) and literals
    stay, so ``total = sum(xs)  # add`` and ``s=sum( values )`` are the same.
    Code that does not tokenize is compared as it is, whitespace folded.
    """
    names: dict[str, str] = {}
    out: list[str] = []
    previous = ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT):
                continue
            if token.type in (tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            text = token.string
            if (
                token.type == tokenize.NAME
                and not keyword.iskeyword(text)
                and not hasattr(builtins, text)
                and previous != "."
            ):
                text = names.setdefault(text, f"v{len(names)}")
            out.append(text)
            previous = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return " ".join(code.split())
    return " ".join(out)


def find_similar(
    submissions: Mapping[str, bytes],
    template: bytes,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SimilarPair]:
    """Every pair of ``submissions`` (label -> notebook bytes) that is identical or similar.

    Submissions whose answers are the template's (nothing written) are left
    out; so are answers too short to say anything (fewer than MIN_TOKENS).
    Pairs come strongest first, then by label. Each submission (and each
    answer cell of a pair that is listed) is normalised and fingerprinted
    once, so the pairs cost a comparison of fingerprints each.
    """
    from copydetect import CodeFingerprint, compare_files  # heavy: only when a report is made

    stub = answer_cells(template)
    stub_code = "\n".join(stub.values())
    boilerplate = CodeFingerprint("template.py", KGRAM, WINDOW, fp=io.StringIO(stub_code)).hashes
    stub_normalised = {key: normalised(code) for key, code in stub.items()}
    answers = {}
    for label, notebook in submissions.items():
        cells = {
            key: code
            for key, code in answer_cells(notebook).items()
            if normalised(code) != stub_normalised.get(key)
        }
        if cells:
            answers[label] = _Answers(hashlib.sha256(notebook).hexdigest(), cells)

    cache: dict[str, Any] = {}

    def fingerprint(code: str) -> Any:
        if code not in cache:
            cache[code] = CodeFingerprint(
                "answer.py", KGRAM, WINDOW, boilerplate=list(boilerplate), fp=io.StringIO(code)
            )
        return cache[code]

    prints = {
        label: fingerprint(a.code)
        for label, a in answers.items()
        if len(a.code_normal.split()) >= MIN_TOKENS
    }
    pairs = []
    for first, second in itertools.combinations(sorted(answers), 2):
        a, b = answers[first], answers[second]
        if a.sha256 == b.sha256:
            kind, score = IDENTICAL, 1.0
        elif a.code_normal == b.code_normal:
            kind, score = NORMALISED, 1.0
        elif first in prints and second in prints:
            _, (share_a, share_b), _ = compare_files(prints[first], prints[second])
            kind, score = SIMILAR, round(float(max(share_a, share_b)), 3)
            if score < threshold:
                continue
        else:
            continue
        shared = _shared_cells(a, b, threshold, fingerprint)
        pairs.append(SimilarPair(first, second, kind, score, shared))
    return sorted(pairs, key=lambda p: (KINDS.index(p.kind), -p.score, p.first, p.second))


def _shared_cells(a: _Answers, b: _Answers, threshold: float, fingerprint: Any) -> tuple[str, ...]:
    from copydetect import compare_files

    shared = []
    for key in sorted(set(a.cells) & set(b.cells)):
        if a.normal[key] == b.normal[key]:
            shared.append(key)
        elif min(len(a.normal[key].split()), len(b.normal[key].split())) >= MIN_TOKENS:
            _, shares, _ = compare_files(fingerprint(a.cells[key]), fingerprint(b.cells[key]))
            if max(shares) >= threshold:
                shared.append(key)
    return tuple(shared)


def similarity_csv(pairs: Iterable[SimilarPair]) -> list[list[str]]:
    """The rows of ``similarity.csv`` (header first)."""
    rows = [["first", "second", "kind", "score", "shared_cells"]]
    rows += [[p.first, p.second, p.kind, f"{p.score:g}", " ".join(p.cells)] for p in pairs]
    return rows


def similarity_markdown(pairs: list[SimilarPair], limit: int = 50) -> list[str]:
    """The section of ``summary.md`` that lists similar pairs (a pointer, not a verdict)."""
    lines = ["## Similar submissions", ""]
    if not pairs:
        return [*lines, "No two submissions share their answer code.", ""]
    lines += [
        "A pointer for a closer look, never a grade change: the answer cells two students",
        "wrote are identical, identical once names and layout are normalised, or similar",
        "(winnowing fingerprints). The template's own code is not counted.",
        "",
        "| students | kind | score | shared cells |",
        "|---|---|---|---|",
    ]
    for pair in pairs[:limit]:
        cells = ", ".join(f"`{c}`" for c in pair.cells) or "-"
        students = (
            f"{markdown_escaped(pair.first, limit=100)}, {markdown_escaped(pair.second, limit=100)}"
        )
        lines.append(f"| {students} | {pair.kind} | {pair.score:g} | {cells} |")
    if len(pairs) > limit:
        lines.append(f"| ... | {len(pairs) - limit} more pairs in similarity.csv | | |")
    return [*lines, ""]
