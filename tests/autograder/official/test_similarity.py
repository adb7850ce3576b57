"""The similarity report on made-up submissions of one template."""

from __future__ import annotations

import json

from autograder.official.similarity import (
    IDENTICAL,
    NORMALISED,
    SIMILAR,
    answer_cells,
    find_similar,
    normalised,
    similarity_csv,
    similarity_markdown,
)

STUB = "# YOUR CODE HERE\nraise NotImplementedError()\n"

SPLIT = """def split_indices(n, fractions, seed=0, stratify=None):
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    n_val = int(np.floor(fractions[1] * n))
    n_test = int(np.floor(fractions[2] * n))
    n_train = n - n_val - n_test
    train = order[:n_train]
    val = order[n_train : n_train + n_val]
    test = order[n_train + n_val :]
    return train, val, test
"""
SCALER = """class Standardizer:
    def fit(self, X):
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        return self

    def transform(self, X):
        if not hasattr(self, "mean_"):
            raise RuntimeError("call fit first")
        return (X - self.mean_) / self.scale_
"""
# the same code with other names, comments and layout
SPLIT_RENAMED = """def split_indices(n, fractions, seed=0, stratify=None):
    # shuffle first
    generator = np.random.default_rng(seed)
    perm = generator.permutation(n)
    nv = int(np.floor(fractions[1]*n))
    nt = int(np.floor(fractions[2]*n))

    ntr = n - nv - nt
    a = perm[:ntr]
    b = perm[ntr:ntr + nv]
    c = perm[ntr + nv:]
    return a, b, c
"""
SCALER_TWEAKED = SCALER.replace(
    "        self.scale_[self.scale_ == 0] = 1.0\n",
    "        self.scale_ = np.where(self.scale_ > 0, self.scale_, 1.0)\n",
)
OTHER_SPLIT = """def split_indices(n, fractions, seed=0, stratify=None):
    sizes = [round(f * n) for f in fractions]
    idx = list(range(n))
    random.Random(seed).shuffle(idx)
    out, start = [], 0
    for size in sizes:
        out.append(np.array(idx[start : start + size]))
        start += size
    return tuple(out)
"""
OTHER_SCALER = """class Standardizer:
    def fit(self, X):
        self.stats_ = [(col.mean(), col.std() or 1.0) for col in np.asarray(X).T]
        return self

    def transform(self, X):
        if getattr(self, "stats_", None) is None:
            raise RuntimeError("fit me")
        cols = [(c - m) / s for c, (m, s) in zip(np.asarray(X).T, self.stats_)]
        return np.stack(cols, axis=1)
"""


def notebook(split: str, scaler: str, extra: str = "") -> bytes:
    def answer(grade_id: str, source: str) -> dict[str, object]:
        meta = {"nbgrader": {"grade_id": grade_id, "solution": True, "grade": False}}
        return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Week 1"},
        {
            "cell_type": "code",
            "metadata": {},
            "source": "import numpy as np\n" + extra,
            "outputs": [],
        },
        answer("split_indices", split),
        answer("Standardizer", scaler),
    ]
    return json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5}).encode()


TEMPLATE = notebook(STUB, STUB)


def test_answer_cells_are_the_solution_cells_only() -> None:
    cells = answer_cells(notebook(SPLIT, SCALER))
    assert list(cells) == ["split_indices", "Standardizer"]
    assert answer_cells(b"not json") == {} and answer_cells(b"[1, 2]") == {}


def test_normalisation_drops_comments_layout_and_chosen_names_only() -> None:
    assert normalised(SPLIT) == normalised(SPLIT_RENAMED)
    assert normalised("total = sum(xs)  # add") == normalised("s=sum( values )")
    assert normalised("x = np.mean(a)") != normalised("x = np.median(a)")  # attributes stay
    assert normalised("y = a + 1") != normalised("y = a - 1")


def test_pairs_are_found_by_kind_and_blank_or_unrelated_work_is_not() -> None:
    submissions = {
        "ana": notebook(SPLIT, SCALER),
        "ben": notebook(SPLIT, SCALER),  # byte-identical to ana
        "cai": notebook(SPLIT_RENAMED, SCALER, extra="# my own notes\n"),  # ana, renamed
        "dee": notebook(SPLIT, SCALER_TWEAKED),  # ana, one line changed
        "eve": notebook(OTHER_SPLIT, OTHER_SCALER),  # her own work
        "fay": TEMPLATE,  # nothing written
        "gus": TEMPLATE,
    }
    pairs = {(p.first, p.second): p for p in find_similar(submissions, TEMPLATE)}
    assert pairs[("ana", "ben")].kind == IDENTICAL
    assert pairs[("ana", "cai")].kind == NORMALISED and pairs[("ben", "cai")].kind == NORMALISED
    assert pairs[("ana", "cai")].cells == ("Standardizer", "split_indices")
    similar = pairs[("ana", "dee")]
    assert similar.kind == SIMILAR and 0.75 <= similar.score < 1.0
    assert "split_indices" in similar.cells
    assert not [key for key in pairs if "eve" in key or "fay" in key or "gus" in key]
    ordered = find_similar(submissions, TEMPLATE)
    assert [p.kind for p in ordered] == sorted(
        (p.kind for p in ordered), key=[IDENTICAL, NORMALISED, SIMILAR].index
    )


def test_a_stricter_threshold_drops_the_similar_pair() -> None:
    submissions = {"ana": notebook(SPLIT, SCALER), "dee": notebook(SPLIT, SCALER_TWEAKED)}
    assert find_similar(submissions, TEMPLATE, threshold=0.999) == []


def test_reports() -> None:
    pairs = find_similar({"ana": notebook(SPLIT, SCALER), "ben": notebook(SPLIT, SCALER)}, TEMPLATE)
    rows = similarity_csv(pairs)
    assert rows[0] == ["first", "second", "kind", "score", "shared_cells"]
    assert rows[1] == ["ana", "ben", "identical", "1", "Standardizer split_indices"]
    text = "\n".join(similarity_markdown(pairs))
    assert "never a grade change" in text and "| ana, ben | identical |" in text
    assert "No two submissions" in "\n".join(similarity_markdown([]))
