"""What one submission of a batch does to its process changes nothing for the next one.

On the warm path both harnesses are forked from one template: the first
patches NumPy and the grader's modules in memory, writes module caches and
start-up files (``sitecustomize.py``, ``.pth``, ``__pycache__``) wherever it
can, changes its environment and signals the processes around it; the
second, graded right after it, must get the very record it gets when it is
graded alone, cold. The first proves its attack ran: its last cell reports
what it changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.grading.submission import grade_submission
from autograder.sandbox.isolation import isolation
from tests.conftest import ROOT, code_cell
from tests.hostile.cases import light_notebook
from tests.hostile.run_grader import grade_cli

WEEK = locate_week("week01", ROOT)
POISON = """
import glob, os, sys
import numpy as np
import course_lib
import autograder.sandbox.harness as harness
changed = {"wrote": [], "signalled": []}
np.mean = lambda *args, **kwargs: 0.0
np.random.seed = lambda *args, **kwargs: None
np.linalg.norm = lambda *args, **kwargs: 0.0
course_lib.__dict__.clear()
harness.run_items = harness.code_cells = None
folders = set(sys.path) | {
    os.path.dirname(np.__file__),
    os.path.join(os.path.dirname(np.__file__), "__pycache__"),
    os.path.expanduser("~"),
    os.environ.get("MPLCONFIGDIR", "/tmp"),
    "/tmp",
    os.getcwd(),
}
for folder in sorted(f for f in folders if f):
    for name in ("sitecustomize.py", "usercustomize.py", "zz_poison.pth", "numpy.py", "glob.py"):
        path = os.path.join(folder, name)
        try:
            os.makedirs(folder, exist_ok=True)
            with open(path, "w") as stream:
                stream.write("import os\\nos.environ['POISONED'] = '1'\\n")
            changed["wrote"].append(path)
        except OSError:
            pass
for cached in glob.glob(os.path.join(os.path.dirname(np.__file__), "**", "*.pyc"), recursive=True)[:20]:
    try:
        with open(cached, "ab") as stream:
            stream.write(b"poison")
        changed["wrote"].append(cached)
    except OSError:
        pass
os.environ["PYTHONSTARTUP"] = "/tmp/sitecustomize.py"
os.environ["POISONED"] = "1"
os.putenv("PYTHONPATH", "/tmp")
for pid in {os.getppid(), 1}:
    try:
        os.kill(pid, 9)
        changed["signalled"].append(pid)
    except OSError:
        pass
"""
REPORT = 'raise RuntimeError(f"poisoned: mean={np.mean([1, 2])} changed={changed}")'
# the next submission looks for every trace of the one before
CLEAN = """
import os, sys
import numpy as np
import course_lib
traces = [k for k in ("POISONED", "PYTHONSTARTUP") if k in os.environ]
traces += [p for f in sys.path + ["/tmp", os.getcwd()] for p in (os.path.join(f, "sitecustomize.py"),)
           if os.path.exists(p)]
if np.mean([1, 2]) != 1.5 or not hasattr(course_lib, "__name__"):
    traces.append("numpy or course_lib patched")
if traces:
    raise RuntimeError(f"traces of the last submission: {traces}")
"""


def _notebook(base: dict[str, Any], *after: str) -> bytes:
    base["cells"] += [code_cell(source) for source in after]
    return json.dumps(base).encode()


def _comparable(record: dict[str, Any]) -> str:
    record = json.loads(json.dumps(record))
    for key in ("seconds", "graded_at"):
        record.pop(key)
    record["submission"].pop("path")
    for timed in (*record["tests"], *record["cells"]):
        timed.pop("seconds", None)
    return json.dumps(record, sort_keys=True)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["strict", "weak"])
def test_a_poisoning_submission_changes_nothing_for_the_next(
    mode: str, harness_start: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", mode)
    isolation.cache_clear()
    if isolation().uid is None and mode == "weak":
        pytest.skip("weak mode without a dedicated uid has no warm template")
    poison = _notebook(light_notebook(), POISON, REPORT)
    clean = _notebook(json.loads(WEEK.solution_notebook.read_text()), CLEAN)
    graded = grade_cli({"a_poison": poison, "b_clean": clean}, mode=mode)
    said = json.dumps(graded.records["a_poison"]["cells"])
    assert "poisoned: mean=0.0" in said, said  # the attack ran in its own process
    alone = grade_submission(WEEK, clean).as_dict()  # cold, on its own
    after_poison = graded.records["b_clean"]
    assert after_poison["score"] == after_poison["max_score"], after_poison["cells"]
    assert _comparable(after_poison) == _comparable(alone)
    isolation.cache_clear()
