"""The warm template: a harness forked from it is the harness a cold start gives.

What a submission can look at (its environment, as ``os.environ`` and as
``/proc/self/environ``, its arguments, uid, working folder, threads, random
generators) is compared between the two paths on one notebook; the week's
reference, stub and variants give the same exports and records; a template
that cannot serve leaves the run cold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.course import locate_week
from autograder.grading.batch import Submission, grade_batch
from autograder.grading.submission import grade_submission
from autograder.instructor import release
from autograder.sandbox import fork_server
from autograder.sandbox.fork_server import (
    TemplateError,
    WarmTemplate,
    template_supported,
)
from autograder.sandbox.isolation import isolation
from autograder.sandbox.limits import Limits
from autograder.sandbox.supervisor import HarnessJob, run_in_sandbox
from autograder.sandbox.template_imports import HARNESS_IMPORTS, template_imports
from autograder.spec import PUBLIC_SPEC, load_week
from autograder.wire import exchange
from autograder.wire.export import RunExport
from tests.conftest import ROOT, make_notebook

WEEK = locate_week("week01", ROOT)
FAST = Limits(run_seconds=120, cell_seconds=30, item_seconds=30, memory_bytes=3 << 30)
pytestmark = pytest.mark.skipif(
    not template_supported(isolation()), reason="no warm template in weak mode as a user"
)

FACTS = """
import os, sys, random, threading
import numpy as np
with open("/proc/self/environ", "rb") as stream:
    start_env = dict(e.decode().split("=", 1) for e in stream.read().split(b"\\0") if e)
facts = {
    "environ": dict(os.environ),
    "start_environ": start_env,
    "argv": sys.argv,
    "uid": os.getuid(),
    "cwd": os.getcwd(),
    "pid": os.getpid(),
    "threads": len(os.listdir("/proc/self/task")),
    "python_threads": threading.active_count(),
    "numpy_draw": float(np.random.random()),
    "random_draw": random.random(),
    "tmp": sorted(os.listdir("/tmp")),
    "files": sorted(os.listdir(".")),
    "dumpable_proc_fd": len(os.listdir("/proc/self/fd")) > 0,
}
"""
SPEC = b"""
from autograder.spec import Item, checks
ITEMS = [Item("facts", 1, probe=lambda ns: ns["facts"], check=checks.equal(), requires=("facts",))]
"""


@pytest.fixture(scope="module")
def template() -> Iterator[WarmTemplate]:
    isolation.cache_clear()
    modules = template_imports(WEEK.notebook, WEEK.public_dir / PUBLIC_SPEC)
    with WarmTemplate.start(isolation(), modules) as warm:
        yield warm


def facts(template: WarmTemplate | None) -> dict[str, Any]:
    job = HarnessJob(make_notebook(FACTS), [("public", "grading.py", SPEC)], ["facts"])
    run = run_in_sandbox(job, limits=FAST, template=template.address if template else None)
    export = run.items[("facts", None)]
    assert export.status == "ok" and export.payload is not None, (export, run.cells, run.fatal)
    return exchange.decode(*export.payload)  # type: ignore[no-any-return]


def test_the_template_imports_the_weeks_libraries_and_runs_no_thread(
    template: WarmTemplate,
) -> None:
    assert template.imports["numpy"] == "ok" and template.imports["sklearn.linear_model"] == "ok"
    assert template.imports["autograder.sandbox.harness"] == "ok"
    hello = fork_server._request(template.address, {"type": "hello"}, [], 10)[0]
    assert hello["threads"] == 1


def test_a_forked_harness_sees_what_a_cold_one_sees(template: WarmTemplate) -> None:
    warm, cold = facts(template), facts(None)
    tag = "AUTOGRADER_RUN"
    for seen in (warm, cold):
        # the start environment is the one os.environ holds, the run's own tag included
        assert seen["start_environ"] == seen["environ"], seen
        assert len(seen["environ"][tag]) == 32
    assert warm["environ"][tag] != cold["environ"][tag]
    for key in ("environ", "start_environ"):
        warm[key].pop(tag), cold[key].pop(tag)
    for key in ("environ", "start_environ", "uid", "cwd", "pid", "threads", "tmp", "files"):
        assert warm[key] == cold[key], key
    # the results pipe's number is whatever descriptor the grader had free
    assert warm["argv"][::2] == cold["argv"][::2] and warm["argv"][1].isdigit()
    assert warm["threads"] == 1 and warm["python_threads"] == 1
    assert warm["dumpable_proc_fd"], "its own /proc files are its own, as after exec"


def test_every_forked_harness_draws_new_random_numbers(template: WarmTemplate) -> None:
    first, second = facts(template), facts(template)
    assert first["numpy_draw"] != second["numpy_draw"]
    assert first["random_draw"] != second["random_draw"]


def _comparable(record: dict[str, Any]) -> str:
    """A record without what differs between two gradings of the same notebook: timings."""
    record = json.loads(json.dumps(record))
    for key in ("seconds", "graded_at"):
        record.pop(key, None)
    for timed in (*record.get("tests", []), *record.get("cells", [])):
        timed.pop("seconds", None)
    return json.dumps(record, sort_keys=True)


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [False, True], ids=["practice", "official"])
def test_records_are_the_cold_paths_for_the_solution_and_the_stub(
    template: WarmTemplate, hidden: bool
) -> None:
    for notebook in (WEEK.solution_notebook, WEEK.notebook):
        warm = grade_submission(WEEK, notebook, hidden=hidden, template=template.address)
        cold = grade_submission(WEEK, notebook, hidden=hidden)
        assert warm.status == cold.status == "graded"
        assert _comparable(warm.as_dict()) == _comparable(cold.as_dict())


def _payloads(run: RunExport) -> dict[Any, Any]:
    return {key: (e.status, e.payload, e.error_type) for key, e in run.items.items()}


@pytest.mark.slow
def test_the_release_runs_of_the_solution_and_its_variants_export_the_same_data(
    template: WarmTemplate,
) -> None:
    assert WEEK.private_dir is not None
    week = load_week(WEEK.name, WEEK.private_dir, WEEK.private_dir, with_variants=True)
    assert week.wrong and week.right
    warm = release.run_solution(WEEK, week, template=template.address)
    cold, again = release.run_solution(WEEK, week), release.run_solution(WEEK, week)
    assert len(warm.items) > len(week.items), "the variants were probed too"
    # a wrong variant that ignores its seed draws from fresh entropy: it differs cold to cold
    unseeded = {k for k, v in _payloads(cold).items() if _payloads(again)[k] != v}
    assert all(variant and "seed" in variant for _, variant in unseeded), unseeded
    warm_data = {k: v for k, v in _payloads(warm).items() if k not in unseeded}
    assert warm_data == {k: v for k, v in _payloads(cold).items() if k not in unseeded}
    assert [c.error for c in warm.cells] == [c.error for c in cold.cells]


def test_a_template_that_does_not_answer_leaves_the_batch_cold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fork_server, "START_SECONDS", 0.001)
    said: list[str] = []
    stub = WEEK.notebook.read_bytes()
    records = grade_batch(
        WEEK,
        [Submission("a", stub), Submission("b", stub + b" ")],
        hidden=False,
        say=said.append,
    )
    assert [r["status"] for r in records.values()] == ["graded", "graded"]
    assert said and said[0].startswith("cold start for every submission: the warm template did")


def test_a_harness_is_never_forked_for_another_sandbox_mode(template: WarmTemplate) -> None:
    weak = isolation().__class__("weak", None, False, False, ())
    assert not template.address.serves(weak)
    with pytest.raises(TemplateError):
        WarmTemplate.start(weak, [])


def test_a_bad_request_costs_only_itself(template: WarmTemplate) -> None:
    reply, fds = fork_server._request(template.address, {"type": "fork"}, [], 10)
    assert "error" in reply and not fds
    assert facts(template)["threads"] == 1, "the template still serves"


def test_the_template_imports_the_top_level_imports_of_the_public_notebook_and_spec(
    tmp_path: Path,
) -> None:
    notebook = tmp_path / "week.ipynb"
    notebook.write_text(
        make_notebook(
            "import numpy as np\nfrom sklearn import linear_model\n",
            "%matplotlib inline\nimport matplotlib.pyplot as plt, json\n",
            "def f():\n    import fractions\n    return fractions\n",  # not at the top: left out
            "from .local import thing\n",  # relative: left out
            "this is ( not python\n",
            "import decimal\nif True:\n    %time 1\n",  # an indented magic, as the harness reads it
        ).decode()
    )
    spec = tmp_path / "grading.py"
    spec.write_text("from autograder.spec import Item, checks\nimport numpy\n")
    assert template_imports(notebook, spec) == [
        *HARNESS_IMPORTS,
        "numpy",
        "sklearn",
        "matplotlib.pyplot",
        "json",
        "decimal",
    ]


def test_the_template_imports_what_the_course_lib_names_a_notebook_uses_import_when_called(
    tmp_path: Path,
) -> None:
    notebook = tmp_path / "week.ipynb"
    notebook.write_text(
        make_notebook(
            # load_dataset reaches sklearn.datasets through a table of loaders in course_lib.data;
            # start_run imports wandb in its body, and calls wandb.init (which imports more)
            "from course_lib import load_dataset\nfrom course_lib.tracking import start_run\n"
        ).decode()
    )
    modules = template_imports(notebook)
    assert "sklearn.datasets" in modules
    assert "wandb" in modules and "wandb.sdk.launch.inputs.internal" in modules
    # another function of the same module imports lightning: start_run does not reach it
    assert not any(m.startswith("lightning") for m in modules), modules
    # the names a notebook does not import cost nothing
    bare = tmp_path / "bare.ipynb"
    bare.write_text(
        make_notebook("import course_lib\nfrom course_lib import TabularData\n").decode()
    )
    assert template_imports(bare) == list(HARNESS_IMPORTS)


def test_a_library_call_that_imports_on_first_use_is_warmed_where_the_notebook_makes_it(
    tmp_path: Path,
) -> None:
    notebook = tmp_path / "week.ipynb"
    notebook.write_text(
        make_notebook(
            "import torch as t\n",
            "def setup():\n    t.use_deterministic_algorithms(True)\n",  # inside a function too
        ).decode()
    )
    assert "torch._inductor.config" in template_imports(notebook)
    elsewhere = tmp_path / "other.ipynb"
    elsewhere.write_text(make_notebook("import torch\nx = torch.zeros(3)\n").decode())
    assert "torch._inductor.config" not in template_imports(elsewhere)
    # seed_everything makes the call for the notebook
    seeded = tmp_path / "seeded.ipynb"
    seeded.write_text(make_notebook("from course_lib import seed_everything\n").decode())
    assert "torch._inductor.config" in template_imports(seeded)


@pytest.mark.slow
def test_a_torch_weeks_records_are_the_cold_paths_with_every_deferred_import_warmed() -> None:
    # week 6 reaches sklearn.datasets, wandb and torch._inductor only through calls
    week = locate_week("week06", ROOT)
    modules = template_imports(week.notebook, week.public_dir / PUBLIC_SPEC)
    assert {"sklearn.datasets", "wandb", "torch._inductor.config"} <= set(modules)
    isolation.cache_clear()
    with WarmTemplate.start(isolation(), modules) as warm_template:
        assert all(outcome == "ok" for outcome in warm_template.imports.values())
        for notebook in (week.solution_notebook, week.notebook):
            warm = grade_submission(week, notebook, hidden=True, template=warm_template.address)
            cold = grade_submission(week, notebook, hidden=True)
            assert warm.status == cold.status == "graded"
            assert _comparable(warm.as_dict()) == _comparable(cold.as_dict())
