"""Reference implementations in the harness: an item that uses a name is probed with the solution's.

:func:`install_references` is pinned in-process (what the substitutes see and call); the
sandbox runs check the wiring: the job carries the code, each item's fork installs it
for that item alone, a variant of a used name cannot reach the item, and an error inside
a reference names the function instead of quoting the solution.
"""

from __future__ import annotations

from typing import Any

import pytest

from autograder.sandbox import harness
from autograder.sandbox.limits import Limits
from autograder.sandbox.supervisor import HarnessJob, run_in_sandbox
from autograder.wire import exchange, framing
from autograder.wire.export import RunExport
from tests.conftest import make_notebook

FAST = Limits(run_seconds=60, cell_seconds=5, item_seconds=5, memory_bytes=2 << 30)

# the student's notebook: `batches` drops all but the first batch, and its helper is wrong too
STUDENT = (
    "import math\nSIZE = 2\n",
    "def chunk(xs, size):\n    return []\n",
    "def batches(xs):\n    return [xs[:SIZE]]\n",
    "def train(xs):\n    return [sum(b) for b in batches(xs)]\n",
)
# the solution's: it reads the notebook's SIZE and calls the reference chunk, never the student's
REFERENCE = (
    "import math\n\n"
    "def chunk(xs, size):\n"
    "    return [xs[i : i + size] for i in range(0, len(xs), size)]\n\n"
    "def batches(xs):\n"
    "    return chunk(xs, SIZE) if math.isfinite(SIZE) else []\n"
)
SPEC = """
from autograder.spec import Item, checks

def probe_train(ns):
    return ns["train"]([1, 2, 3, 4, 5])

ITEMS = [
    Item("train", 1, probe=probe_train, check=checks.equal(), requires=("train", "batches"),
         uses=("batches",)),
    Item("train.not_isolated", 1, probe=probe_train, check=checks.equal(),
         requires=("train", "batches")),
    Item("batches", 1, probe=lambda ns: ns["batches"]([1, 2, 3]), check=checks.equal(),
         requires=("batches",)),
    Item("train.bad_input", 1, probe=lambda ns: ns["train"](None), check=checks.equal(),
         requires=("train", "batches"), uses=("batches",)),
]
"""
VARIANTS = """
from autograder.spec import Variant

def no_batches(xs):
    return []

WRONG = [Variant("batches", no_batches, "no batches at all")]
"""
ITEMS = ["train", "train.not_isolated", "batches", "train.bad_input"]
USING = ["train", "train.bad_input"]  # the items that declare uses
VARIANT_KEY = "wrong:batches:no_batches"


def run(reference_code: str) -> RunExport:
    job = HarnessJob(
        notebook=make_notebook(*STUDENT),
        specs=[
            ("public", "grading.py", SPEC.encode()),
            ("variants", "variants.py", VARIANTS.encode()),
        ],
        items=ITEMS,
        variants=[
            {
                "key": VARIANT_KEY,
                "kind": "wrong",
                "index": 0,
                "items": ["train", "train.not_isolated"],
            }
        ],
        reference_code=reference_code.encode(),
        # what private_item_names gives: the reference code is private, so are its users
        private_items=USING if reference_code else [],
    )
    return run_in_sandbox(job, limits=FAST)


def value(run: RunExport, item: str, variant: str | None = None) -> Any:
    export = run.items[(item, variant)]
    assert export.status == "ok" and export.payload is not None, export
    return exchange.decode(*export.payload)


# ----------------------------------------------------------------------------- in-process
def student_namespace() -> dict[str, Any]:
    namespace = harness.new_namespace()
    for source in STUDENT:
        exec(source, namespace)
    return namespace


def code(source: str = REFERENCE) -> Any:
    return compile(source, harness.REFERENCE_CODE_FILENAME, "exec")


def test_only_the_used_names_are_replaced_and_the_student_code_calls_them() -> None:
    namespace = student_namespace()
    students_chunk, students_train = namespace["chunk"], namespace["train"]
    harness.install_references(namespace, ("batches",), code())
    assert namespace["chunk"] is students_chunk and namespace["train"] is students_train
    assert namespace["batches"].__code__.co_filename == harness.REFERENCE_CODE_FILENAME
    assert namespace["train"]([1, 2, 3, 4, 5]) == [3, 7, 5]


def test_a_reference_calls_the_reference_helpers_and_reads_the_notebook_data() -> None:
    namespace = student_namespace()
    harness.install_references(namespace, ("batches",), code())
    assert namespace["batches"]([1, 2, 3]) == [[1, 2], [3]]  # the reference chunk, not []
    namespace = student_namespace()
    namespace["SIZE"] = 3  # the data a reference reads is the notebook's, as its cells left it
    harness.install_references(namespace, ("batches",), code())
    assert namespace["batches"]([1, 2, 3, 4]) == [[1, 2, 3], [4]]


def test_nothing_is_replaced_without_reference_code_or_used_names() -> None:
    for uses, reference in (((), code()), (("batches",), None)):
        namespace = student_namespace()
        before = dict(namespace)
        harness.install_references(namespace, uses, reference)
        assert namespace == before


@pytest.mark.parametrize(
    "broken",
    ["raise RuntimeError('a class body that fails')\n", "def chunk(xs, size):\n    return xs\n"],
    ids=["raises", "does not define the used name"],
)
def test_reference_code_that_cannot_be_set_up_is_a_grader_error(broken: str) -> None:
    with pytest.raises(harness.ReferenceSetupError):
        harness.install_references(student_namespace(), ("batches",), code(broken))


def test_an_error_inside_a_reference_names_it_instead_of_quoting_the_solution() -> None:
    namespace = student_namespace()
    harness.install_references(namespace, ("batches",), code())
    cell = compile("train(None)\n", f"{harness.CELL_PREFIX}7>", "exec")
    with pytest.raises(TypeError) as raised:
        exec(cell, namespace)
    described = harness.describe_error(raised.value)
    assert described["error_type"] == "TypeError" and described["location"] == "cell 7, line 1"
    assert described["error_message"].startswith("inside batches, run from the solution")
    with pytest.raises(ZeroDivisionError) as raised:
        exec(compile("1 / 0\n", f"{harness.CELL_PREFIX}8>", "exec"), namespace)
    assert "division by zero" in harness.describe_error(raised.value)["error_message"]


# ----------------------------------------------------------------------------- in the sandbox
def test_an_official_run_probes_an_item_that_uses_a_name_with_its_reference() -> None:
    official = run(REFERENCE)
    assert value(official, "train") == [3, 7, 5]
    assert value(official, "train.not_isolated") == [3], (
        "an item that does not use it is not helped"
    )
    assert value(official, "batches") == [[1, 2]], "the student's own function is still graded"
    # a variant of the used name reaches the item that does not use it, never the one that does
    assert value(official, "train", VARIANT_KEY) == [3, 7, 5]
    assert value(official, "train.not_isolated", VARIANT_KEY) == []
    bad = official.items[("train.bad_input", None)]
    assert bad.status == "error" and bad.error_type == "TypeError"
    assert bad.error_message.startswith("inside batches") and "len" not in bad.error_message
    # the solution's code reached the sandbox only in the private part, after the public probes
    late = {name for (name, key), e in official.items.items() if key is None and e.after_private}
    assert late == set(USING)


def test_the_reference_code_travels_in_the_private_part_only() -> None:
    job = HarnessJob(make_notebook(*STUDENT), [("public", "grading.py", SPEC.encode())], ITEMS)
    job.reference_code, job.private_items = REFERENCE.encode(), USING
    assert job.has_private_part
    (private,) = list(framing.FrameReader().feed(job.private_part()))
    assert private.header["reference_code"] and private.blobs[-1] == REFERENCE.encode()
    assert private.header["items"] == USING


def test_without_reference_code_every_item_runs_the_students_functions() -> None:
    practice = run("")
    assert value(practice, "train") == [3]
    assert value(practice, "train", VARIANT_KEY) == []


def test_reference_code_that_fails_costs_only_the_items_that_use_it() -> None:
    broken = run("raise RuntimeError('the solution notebook changed')\n")
    for item in ("train", "train.bad_input"):
        export = broken.items[(item, None)]
        assert export.status == "error" and export.error_type == "ReferenceSetupError", export
    assert value(broken, "train.not_isolated") == [3]
    assert value(broken, "batches") == [[1, 2]]
