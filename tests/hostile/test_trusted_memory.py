"""The trusted side's peak memory under the largest frames and notebook a submission can send.

Each measurement grades one hostile notebook in a fresh process and reads
that process's own peak resident size (``ru_maxrss`` of ``RUSAGE_SELF``: the
trusted side only, not the sandbox), minus its size before grading:

* ``largest_frames``: the whole solution, with every item's export patched
  to the largest one a frame may carry (2 MB of JSON, 16 MB of arrays); the
  run keeps at most 64 MB of exports, so the later items are refused;
* ``largest_notebook``: a notebook at the 32 MiB limit made of tens of
  thousands of cells that raise long messages.

Run with ``-s`` to see the numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, code_cell

MEASURE = """\
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.reporting.markdown import markdown
from autograder.scoring.results import results_json
week = locate_week("week01", Path(sys.argv[1]))
notebook = Path(sys.argv[2]).read_bytes()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
record = grade_submission(week, notebook).as_dict()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"before_kib": before, "after_kib": after, "record_bytes": len(results_json(record)),
                  "report_bytes": len(markdown(record)), "status": record["status"],
                  "notes": record["notes"]}))
"""
BIGGEST_EXPORT = """\
import io, zipfile
import numpy as np
import autograder.wire.exchange as exchange
doc = b'["l", [' + b",".join([b'["i", 1234567]'] * 125_000) + b"]]"
arrays = io.BytesIO()
with zipfile.ZipFile(arrays, "w", zipfile.ZIP_STORED) as archive:
    with archive.open("a0.npy", "w") as stream:
        np.lib.format.write_array(stream, np.ones(15_500_000 // 8))
exchange.encode = lambda value: (doc, arrays.getvalue())
"""


def _largest_frames() -> bytes:
    """The whole solution (every item is probed), every export the largest a frame may carry."""
    notebook = json.loads((ROOT / "solutions" / "week01" / "week01.ipynb").read_text())
    notebook["cells"].append(code_cell(BIGGEST_EXPORT))
    return json.dumps(notebook).encode()


def _largest_notebook() -> bytes:
    cell = code_cell("raise ValueError('" + "x" * 480 + "')\n")
    size = len(json.dumps(cell)) + 2
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    notebook["cells"] = [cell] * ((32 << 20) // size - 10)
    data = json.dumps(notebook).encode()
    assert len(data) <= 32 << 20
    return data


@pytest.mark.slow
@pytest.mark.parametrize("build", [_largest_frames, _largest_notebook], ids=lambda b: b.__name__)
def test_the_trusted_side_stays_within_a_few_hundred_mib(
    build: Callable[[], bytes], tmp_path: Path
) -> None:
    notebook = tmp_path / "notebook.ipynb"
    notebook.write_bytes(build())
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(ROOT), str(notebook)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    measured = json.loads(done.stdout.splitlines()[-1])
    grew_mib = (measured["after_kib"] - measured["before_kib"]) / 1024
    print(
        f"\n{build.__name__}: notebook {notebook.stat().st_size / 2**20:.1f} MiB, trusted peak "
        f"{measured['after_kib'] / 1024:.0f} MiB (+{grew_mib:.0f} MiB while grading), record "
        f"{measured['record_bytes'] / 1024:.1f} KiB, report {measured['report_bytes'] / 1024:.1f} KiB"
    )
    assert measured["status"] == "graded", measured
    assert grew_mib < 400, measured
    assert measured["record_bytes"] < 64 << 10 and measured["report_bytes"] < 32 << 10
