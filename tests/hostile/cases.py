"""The hostile submissions: one row per attack on the grader, with its expected outcome.

Each case is a base notebook with hostile code cells added ``before`` and/or
``after`` its own cells, or a notebook built by ``build`` (then ``base`` only says what the honest part is). ``files`` are
extra files in the submission's folder. The bases:

* ``solution``: week 1's whole solution notebook (full marks when honest);
* ``light``: only ``import numpy`` and the solution's ``task_type`` and
  ``select_top_features`` cells, so the items of those two functions are the
  honest part. It grades in about a second, which keeps the hang and bomb
  cases fast with a tight cell time limit;
* ``stub``: the student release (zero when honest);
* ``none``: nothing but the hostile cells.

Expected outcome, checked by ``test_hostile.py`` for every case:

* the grader returns one record with status ``graded`` within its limits;
* **no points beyond the honest part**: a ``solution`` or ``light`` case keeps
  full marks on every item of its honest part except those in ``lose``
  (which score zero), and every other item scores zero; a ``stub`` or
  ``none`` case scores zero;
* ``message`` (when given) appears in a test message, note or cell error:
  the student is told what happened.

Placeholders in cell sources, filled in by the test: ``@MARKER@`` a path
that must never be created (it would prove that the trusted process ran
student code), ``@OUT@`` a private output folder hidden from the sandbox,
``@SECRET@`` a fake token in the grader's environment, ``@COURSE@`` the
course repository, ``@FORGED@`` forged result frames (built from the public
references).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STRICT, WEAK = "strict", "weak"
BOTH = (STRICT, WEAK)


@dataclass(frozen=True)
class Case:
    name: str
    attack: str
    base: str = "light"  # solution | light | stub | none
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    build: Callable[[Path], Any] | None = None  # tmp_path -> notebook Path or bytes
    lose: tuple[str, ...] = ()  # items that must score zero; ("*",) every item
    message: str = ""
    hidden: bool = False
    modes: tuple[str, ...] = (STRICT,)
    cli: bool = False  # grade through `python -m autograder grade` and check its stdout
    public_may_pass: bool = False  # the documented limit: see the README, "Security model"
    imports_torch: bool = False  # torch needs more time and address space than the light limits


# --------------------------------------------------------------------------- cell sources
EXIT_CODE = "import os\nos._exit(0)\n"
KILL_ALL = "import os, signal\nos.kill(-1, signal.SIGKILL)\n"
HANG_IGNORING_SIGNALS = """\
import signal
for sig in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT):
    signal.signal(sig, signal.SIG_IGN)
while True:
    pass
"""
HANG_WITH_ALARM_BLOCKED = """\
import signal, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM})
while True:
    time.sleep(0.1)
"""
FUNCTION_HANGS = """\
def select_top_features(X, y, k):
    import signal
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
"""
FUNCTION_EXITS = "def select_top_features(X, y, k):\n    import os\n    os._exit(0)\n"
FUNCTION_SYSEXIT = "def select_top_features(X, y, k):\n    raise SystemExit(0)\n"
MEMORY_BOMB = "blob = bytearray(1 << 40)\n"
MEMORY_BOMB_GRADUAL = "hoard = []\nwhile True:\n    hoard.append(bytearray(64 << 20))\n"
FUNCTION_MEMORY_BOMB = "def select_top_features(X, y, k):\n    hoard = []\n    while True:\n        hoard.append(b'x' * (64 << 20))\n"
FORK_BOMB = """\
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
"""
ESCAPED_PROCESS = """\
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "987.654"])
    os._exit(0)
os.wait()
"""
ONE_HUGE_FILE = "chunk = b'0' * (1 << 20)\nwith open('big.bin', 'wb') as f:\n    for _ in range(1024):\n        f.write(chunk)\n"
MANY_FILES = """\
chunk = b'0' * (8 << 20)
for i in range(1000):
    with open(f'fill{i}.bin', 'wb') as f:
        f.write(chunk)
"""
GIANT_STDOUT = "import sys\nfor _ in range(200):\n    sys.stdout.write('x' * (1 << 20))\nsys.stderr.write('y' * (1 << 20))\n"
ENDLESS_STDOUT = "while True:\n    print('spam ' * 2000)\n"
WARNINGS_AND_STDERR = """\
import sys, warnings
warnings.warn("a student's warning", UserWarning)
print("Traceback (most recent call last): a stray message", file=sys.stderr)
print("FAILED 0/23", file=sys.stderr)
"""
NETWORK = """\
import socket
found = []
for host in (("1.1.1.1", 53), ("8.8.8.8", 443), ("pypi.org", 443)):
    try:
        socket.create_connection(host, timeout=1).close()
        found.append(host)
    except OSError:
        pass
raise RuntimeError(f"reached: {found}")
"""
PIP_SUBPROCESS = """\
import subprocess, sys
done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-input", "--timeout", "2",
                       "numpy==1.0"], capture_output=True, timeout=20)
raise RuntimeError(f"pip exit status {done.returncode}")
"""
PIP_MAGIC = "!pip install numpy==1.0\n%pip install torch\nimport os\n"
PATCH_NUMPY = """\
import numpy as np
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
np.ndarray.__eq__ = lambda *a, **k: True
"""
PATCH_BUILTINS = """\
import builtins, math
math.isclose = lambda *a, **k: True
math.isfinite = lambda *a: True
builtins.isinstance = lambda *a: True
builtins.NotImplementedError = type("NotImplementedError", (Exception,), {})
"""
PATCH_AUTOGRADER = """\
import autograder.spec.checks, autograder.scoring.compare, autograder.spec, autograder.wire.exchange
from autograder.spec import Outcome
for module in (autograder.spec.checks, autograder.scoring.compare):
    for name in dir(module):
        if callable(getattr(module, name)) and not name.startswith("__"):
            try:
                setattr(module, name, lambda *a, **k: Outcome(1.0, "passed"))
            except Exception:
                pass
autograder.spec.Outcome.passed = property(lambda self: True)
autograder.wire.exchange.encode = lambda value: (b'["f", 1.0]', b"")
"""
ALWAYS_EQUAL_TASK = """\
class AlwaysEqual(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    __hash__ = str.__hash__
def task_type(y):
    return AlwaysEqual("classification")
"""
ALWAYS_EQUAL_OBJECT = """\
class AlwaysEqual:
    def __eq__(self, other): return True
    def __float__(self): return 1.0
def task_type(y):
    return AlwaysEqual()
"""
NDARRAY_SUBCLASS = """\
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
    def __array_finalize__(self, obj): pass
def select_top_features(X, y, k):
    return np.zeros(k, dtype=int).view(Liar)
"""
NAN_ANSWER = (
    "import numpy as np\ndef select_top_features(X, y, k):\n    return np.full(k, np.nan)\n"
)
INF_ANSWER = (
    "import numpy as np\ndef select_top_features(X, y, k):\n    return np.full(k, np.inf)\n"
)
WRONG_DTYPE = "import numpy as np\ndef select_top_features(X, y, k):\n    return np.array([str(i) for i in range(k)])\n"
WRONG_SHAPE = "import numpy as np\ndef select_top_features(X, y, k):\n    return np.arange(k * 2).reshape(2, k)\n"
HUGE_ANSWER = "import numpy as np\ndef select_top_features(X, y, k):\n    return np.zeros(200_000_000, dtype=np.int8)\n"
EVIL_PICKLE_ANSWER = """\
import numpy as np
class Evil:
    def __reduce__(self):
        return (open, ("@MARKER@", "w"))
def select_top_features(X, y, k):
    return np.array([Evil()] * k, dtype=object)
"""
TORCH_PAYLOAD_FILES = """\
import os, pickle, torch
class Evil:
    def __reduce__(self):
        return (open, ("@MARKER@", "w"))
torch.save({"model": Evil()}, "model.pt")
with open("answers.pkl", "wb") as f:
    pickle.dump(Evil(), f)
os.makedirs("references", exist_ok=True)
torch.save(Evil(), "references/public.npz")
"""
FORGED_FRAMES = """\
import os, struct, json
forged = @FORGED@
for fd in range(3, 64):
    for header, doc, npz in forged:
        header = dict(header, blobs=[len(doc), len(npz)])
        head = json.dumps(header).encode()
        try:
            os.write(fd, struct.pack(">I", len(head)) + head + doc + npz)
        except OSError:
            break
"""
FORGED_FRAMES_SUPPRESSING_PROBES = (
    FORGED_FRAMES
    + """\
import autograder.sandbox.harness as harness
harness.run_items = lambda *args, **kwargs: None
"""
)
PICKLED_FRAME = """\
import io, os, struct, json, zipfile, pickle
class Evil:
    def __reduce__(self):
        return (open, ("@MARKER@", "w"))
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as archive:
    archive.writestr("a0.npy", pickle.dumps(Evil()))
    archive.writestr("data.pkl", pickle.dumps(Evil()))
npz = buffer.getvalue()
doc = b'["a", "a0"]'
for name in ("select_top_features", "task_type", "no_such_item"):
    head = json.dumps({"type": "item", "item": name, "variant": None, "status": "ok",
                       "blobs": [len(doc), len(npz)]}).encode()
    for fd in range(3, 64):
        try:
            os.write(fd, struct.pack(">I", len(head)) + head + doc + npz)
        except OSError:
            pass
"""
GARBAGE_ON_RESULTS_FD = "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\xff' * 64)\n    except OSError:\n        pass\n"
CLOSE_RESULTS_FD = "import os\nos.closerange(3, 1024)\n"
SECRETS = """\
import os
seen = {k: v for k, v in os.environ.items() if "@SECRET@" in v or "TOKEN" in k or "SECRET" in k}
leaks = []
for path in ("/proc/1/environ", f"/proc/{os.getppid()}/environ", "/proc/self/environ"):
    try:
        with open(path, "rb") as f:
            if b"@SECRET@" in f.read():
                leaks.append(path)
    except OSError:
        pass
raise RuntimeError(f"secrets seen: {sorted(seen)} {leaks}")
"""
READ_PRIVATE_PATHS = """\
import glob, os
course = "@COURSE@"
found = []
for pattern in ("solutions/*/references/*", "solutions/*/hidden_grading.py", ".git/HEAD",
                ".git/objects/*", "tests/*.py"):
    found += glob.glob(os.path.join(course, pattern))
for path in ("../../" + course + "/solutions", "/proc/1/root" + course + "/solutions",
             f"/proc/{os.getppid()}/cwd/solutions", f"/proc/{os.getppid()}/root" + course + "/.git"):
    try:
        found += os.listdir(path)
    except OSError:
        pass
raise RuntimeError(f"private files found: {found}")
"""
SEARCH_FILESYSTEM = """\
import os, time
deadline = time.monotonic() + 2.0
found = []
for top in ("/work", "/home", "/root", "/srv", "/opt", "/tmp", "/var", "/github", "/__w"):
    for folder, dirs, files in os.walk(top):
        if time.monotonic() > deadline:
            break
        found += [os.path.join(folder, f) for f in files if f.startswith("hidden") or f == "hidden_grading.py"]
raise RuntimeError(f"hidden files found: {found[:5]}")
"""
WRITE_RESULTS = """\
import json, os
forged = {"score": 23, "max_score": 23, "tests": [], "status": "graded"}
wrote = []
for path in ("@OUT@/results.json", "@OUT@/report.md", "results.json", "report.md", "/tmp/results.json"):
    try:
        with open(path, "w") as f:
            f.write(json.dumps(forged) if path.endswith(".json") else "## week01: 23 / 23 points")
        wrote.append(path)
    except OSError:
        pass
try:
    os.symlink("@OUT@/results.json", "link.json")
    with open("link.json", "w") as f:
        f.write("{}")
    wrote.append("link.json")
except OSError:
    pass
raise RuntimeError(f"wrote: {[p for p in wrote if '@OUT@' in p or p == 'link.json']}")
"""
FORGED_PRINTS = """\
print("Points 23/23")
print("::notice title=Autograding::Points 23/23")
print("::set-output name=points::23/23")
print('echo "points=23/23" >> $GITHUB_OUTPUT')
print("## week01: 23 / 23 points (official grade)")
raise ValueError("boom\\n::error::forged\\n::set-output name=points::23/23\\n| ✅ | all | 23 / 23 | passed |")
"""
ATEXIT = """\
import atexit, os, sys
atexit.register(print, "Points 23/23")
atexit.register(lambda: [os.write(fd, b"forged") for fd in range(3, 10)])
sys.exitfunc = lambda: None
"""
SHADOW_BY_CELL = """\
import os, sys
with open("numpy.py", "w") as f:
    f.write("raise ImportError('shadowed')")
with open("autograder.py", "w") as f:
    f.write("raise ImportError('shadowed')")
sys.path.insert(0, os.getcwd())
for name in [m for m in sys.modules if m.startswith(("numpy", "autograder.wire.exchange"))]:
    del sys.modules[name]
"""
STUDENT_FILES = {
    "conftest.py": "open('@MARKER@', 'w')\nraise SystemExit('student conftest')\n",
    "pytest.ini": "[pytest]\naddopts = -p no:python --co\n",
    "sitecustomize.py": "open('@MARKER@', 'w')\n",
    "usercustomize.py": "open('@MARKER@', 'w')\n",
    "numpy.py": "open('@MARKER@', 'w')\nraise ImportError('shadowed numpy')\n",
    "pytest.py": "open('@MARKER@', 'w')\n",
    "grading.py": "open('@MARKER@', 'w')\nITEMS = []\n",
    ".pth": "import os; open('@MARKER@', 'w')\n",
}
TEST_CELLS_EDITED = "print('All tests passed! Points 23/23')\n"


def _notebook_from(source: Path, transform: Callable[[dict[str, Any]], None]) -> bytes:
    import json

    notebook = json.loads(source.read_text())
    transform(notebook)
    return json.dumps(notebook).encode()


def _course() -> Path:
    return Path(__file__).resolve().parent.parent.parent


def _solution() -> Path:
    return _course() / "solutions" / "week01" / "week01.ipynb"


def _stub() -> Path:
    return _course() / "assignments" / "week01" / "week01.ipynb"


LIGHT_FUNCTIONS = ("task_type", "select_top_features")


def light_notebook() -> dict[str, Any]:
    """``import numpy`` and the solution's cells of :data:`LIGHT_FUNCTIONS`: a tiny honest notebook."""
    import json

    notebook = json.loads(_solution().read_text())
    keep = [
        c
        for c in notebook["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") in LIGHT_FUNCTIONS
    ]
    imports = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": "import numpy as np\n",
    }
    notebook["cells"] = [imports, *keep]
    return notebook


def _is_test_cell(cell: dict[str, Any]) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def _without_test_cells(tmp: Path) -> bytes:
    def drop(notebook: dict[str, Any]) -> None:
        notebook["cells"] = [c for c in notebook["cells"] if not _is_test_cell(c)]

    return _notebook_from(_solution(), drop)


def _stub_with_edited_test_cells(tmp: Path) -> bytes:
    def edit(notebook: dict[str, Any]) -> None:
        for cell in notebook["cells"]:
            if (
                _is_test_cell(cell)
                or cell.get("cell_type") == "code"
                and "nbgrader" in cell.get("metadata", {})
            ):
                if _is_test_cell(cell) or cell["metadata"]["nbgrader"].get("locked"):
                    cell["source"] = TEST_CELLS_EDITED
                    cell["metadata"]["nbgrader"]["grade"] = False  # "not a test any more"
                    cell["metadata"]["nbgrader"]["points"] = 100

    return _notebook_from(_stub(), edit)


def _solution_code_in_test_cells(tmp: Path) -> bytes:
    """Solution code smuggled into cells marked as tests still runs no differently: test cells are skipped."""

    def mark(notebook: dict[str, Any]) -> None:
        for cell in notebook["cells"]:
            if cell.get("cell_type") == "code" and cell["metadata"].get("nbgrader", {}).get(
                "solution"
            ):
                cell["metadata"]["nbgrader"].update(grade=True, solution=False)

    return _notebook_from(_stub(), mark)


def _symlinked_notebook(tmp: Path) -> Path:
    link = tmp / "submission" / "week01.ipynb"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(_solution())
    return link


def _repository_of_symlinks(tmp: Path) -> Path:
    """A student repository whose spec, references and metadata point at the solution's."""
    folder = tmp / "submission"
    folder.mkdir(parents=True, exist_ok=True)
    private = _course() / "solutions" / "week01"
    (folder / "references").symlink_to(private / "references")
    (folder / "grading.py").symlink_to(private / "hidden_grading.py")
    (folder / "hidden_grading.py").symlink_to(private / "hidden_grading.py")
    (folder / "week.json").write_text('{"week": "week01"}')
    notebook = folder / "week01.ipynb"
    notebook.write_bytes(_stub().read_bytes())
    return notebook


def _missing_notebook(tmp: Path) -> Path:
    return tmp / "submission" / "week01.ipynb"


def _write(tmp: Path, data: bytes) -> Path:
    path = tmp / "submission" / "week01.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _huge_notebook(tmp: Path) -> Path:
    path = tmp / "submission" / "week01.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.write(_solution().read_bytes()[:-2])
        stream.write(b', "padding": "')
        stream.write(b"A" * (200 << 20))
        stream.write(b'"}\n')
    return path


def _huge_notebook_bytes(tmp: Path) -> bytes:
    return b'{"cells": [], "padding": "' + b"A" * (200 << 20) + b'"}'


def _nested_notebook(tmp: Path) -> bytes:
    return b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def _odd_cells(tmp: Path) -> bytes:
    import json

    cells = [
        {"cell_type": "code", "source": 42},
        {"cell_type": "code", "source": ["x = ", 1, None]},
        {"cell_type": "code", "metadata": "not a dict", "source": "y = 1"},
        "not a cell",
        {"cell_type": "code", "source": "x = 1\n"},
    ]
    return json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode()


SFT = ("select_top_features",)
CASES: list[Case] = [
    # ------------------------------------------------------------------ ending the process
    Case(
        "os_exit_in_cell",
        "os._exit(0) in the first cell of the whole solution",
        base="solution",
        before=(EXIT_CODE,),
        message="ended the grading process",
    ),
    Case(
        "sys_exit_in_cell",
        "sys.exit(0) in a cell",
        before=("import sys\nsys.exit(0)\n",),
        message="SystemExit",
    ),
    Case(
        "raise_system_exit_and_keyboard_interrupt",
        "raise SystemExit / KeyboardInterrupt in cells",
        before=("raise SystemExit(0)\n", "raise KeyboardInterrupt\n"),
        message="KeyboardInterrupt",
    ),
    Case(
        "os_exit_in_graded_function",
        "a graded function calls os._exit(0)",
        after=(FUNCTION_EXITS,),
        lose=SFT,
        message="ended abruptly",
        modes=BOTH,
    ),
    Case(
        "system_exit_in_graded_function",
        "a graded function raises SystemExit",
        after=(FUNCTION_SYSEXIT,),
        lose=SFT,
        message="SystemExit",
    ),
    Case(
        "kill_every_process",
        "os.kill(-1, SIGKILL): every process the sandbox may signal",
        after=(KILL_ALL,),
        modes=BOTH,
    ),
    Case(
        "atexit_handlers",
        "atexit handlers that print a forged grade and write to every fd",
        after=(ATEXIT,),
    ),
    # ------------------------------------------------------------------ hanging
    Case(
        "infinite_loop_ignoring_signals",
        "a cell ignores SIGALRM/SIGTERM/SIGINT and loops forever",
        after=(HANG_IGNORING_SIGNALS,),
        message="ran longer than",
        modes=BOTH,
    ),
    Case(
        "infinite_loop_alarm_blocked",
        "a cell blocks SIGALRM with sigmask and sleeps forever",
        before=(HANG_WITH_ALARM_BLOCKED,),
        message="ran longer than",
    ),
    Case(
        "graded_function_hangs",
        "a graded function blocks SIGALRM and loops forever",
        after=(FUNCTION_HANGS,),
        lose=SFT,
        message="ran longer than",
        modes=BOTH,
    ),
    # ------------------------------------------------------------------ resources
    Case("memory_bomb", "a cell allocates a terabyte", after=(MEMORY_BOMB,), message="MemoryError"),
    Case(
        "memory_bomb_gradual",
        "a cell allocates 64 MiB at a time until it dies",
        after=(MEMORY_BOMB_GRADUAL,),
        message="MemoryError|ran longer than",
    ),
    Case(
        "memory_bomb_in_graded_function",
        "a graded function allocates without end",
        after=(FUNCTION_MEMORY_BOMB,),
        lose=SFT,
    ),
    Case("fork_bomb", "a cell forks without end", after=(FORK_BOMB,), modes=BOTH),
    Case(
        "escaped_process",
        "a double-forked setsid process outlives the cell",
        after=(ESCAPED_PROCESS,),
        modes=BOTH,
    ),
    Case(
        "one_huge_file",
        "a cell writes a 1 GiB file",
        after=(ONE_HUGE_FILE,),
        message="File too large",
        modes=BOTH,
    ),
    Case(
        "disk_filler",
        "a cell writes 1000 files of 8 MiB",
        after=(MANY_FILES,),
        message="No space left|wrote more than",
        modes=BOTH,
    ),
    Case(
        "giant_stdout",
        "a cell prints 200 MiB",
        after=(GIANT_STDOUT,),
        message="only the end was kept",
    ),
    Case(
        "endless_stdout",
        "a cell prints forever",
        after=(ENDLESS_STDOUT,),
        message="ran longer than",
    ),
    Case(
        "warnings_and_stderr",
        "warnings and stray stderr output all through the solution",
        base="solution",
        before=(WARNINGS_AND_STDERR,),
        after=(WARNINGS_AND_STDERR,),
    ),
    # ------------------------------------------------------------------ network
    Case("network_access", "a cell opens TCP connections", after=(NETWORK,), message="reached: []"),
    Case(
        "pip_install_subprocess",
        "a cell runs pip install",
        after=(PIP_SUBPROCESS,),
        message="pip exit status|ran longer than",
    ),
    Case("pip_install_magic", "!pip and %pip magics", before=(PIP_MAGIC,)),
    # ------------------------------------------------------------------ patching the grader's tools
    Case(
        "monkeypatch_numpy",
        "patch numpy/np.testing comparisons before the stubs",
        base="stub",
        before=(PATCH_NUMPY,),
        hidden=True,
    ),
    Case(
        "monkeypatch_math_builtins",
        "patch math and builtins",
        base="stub",
        before=(PATCH_BUILTINS,),
    ),
    Case(
        "monkeypatch_autograder",
        "patch the autograder's checks, Outcome and exporter",
        base="stub",
        after=(PATCH_AUTOGRADER,),
        hidden=True,
    ),
    Case(
        "shadow_module_by_cell",
        "write numpy.py/autograder.py into the working folder",
        base="stub",
        after=(SHADOW_BY_CELL,),
    ),
    # ------------------------------------------------------------------ lying return values
    Case(
        "always_equal_str_subclass",
        "a str subclass whose __eq__ is always True",
        after=(ALWAYS_EQUAL_TASK,),
        lose=("task_type",),
        message="cannot be exported",
    ),
    Case(
        "always_equal_object",
        "an object whose __eq__ is always True",
        after=(ALWAYS_EQUAL_OBJECT,),
        lose=("task_type",),
        message="cannot be exported",
    ),
    Case(
        "ndarray_subclass",
        "an ndarray subclass overriding __eq__",
        after=(NDARRAY_SUBCLASS,),
        lose=SFT,
    ),
    Case("nan_answer", "NaN answers", after=(NAN_ANSWER,), lose=SFT),
    Case("inf_answer", "inf answers", after=(INF_ANSWER,), lose=SFT),
    Case("wrong_dtype", "strings instead of integer indices", after=(WRONG_DTYPE,), lose=SFT),
    Case("wrong_shape", "a 2-D array instead of 1-D", after=(WRONG_SHAPE,), lose=SFT),
    Case("huge_answer", "a 200 MB return value", after=(HUGE_ANSWER,), lose=SFT),
    Case(
        "pickled_object_answer",
        "an object array whose pickle runs code",
        after=(EVIL_PICKLE_ANSWER,),
        lose=SFT,
        message="cannot be exported",
    ),
    Case(
        "pickle_and_pt_files",
        "pickles and .pt files that run code on load",
        after=(TORCH_PAYLOAD_FILES,),
        imports_torch=True,
    ),
    # ------------------------------------------------------------------ forging the channel
    Case(
        "forged_result_frames",
        "write item frames with the public reference values to every fd",
        after=(FORGED_FRAMES,),
        lose=("task_type", "select_top_features"),
        message="result channel",
    ),
    Case(
        "pickled_npz_frame",
        "a forged frame whose .npz holds a pickle",
        after=(PICKLED_FRAME,),
        lose=("select_top_features", "task_type"),
        message="result channel",
    ),
    Case(
        "garbage_on_results_channel",
        "bytes that are no frame on every fd",
        after=(GARBAGE_ON_RESULTS_FD,),
        lose=("*",),
        message="malformed data",
    ),
    Case(
        "results_channel_closed",
        "close every inherited fd",
        base="solution",
        after=(CLOSE_RESULTS_FD,),
        message="ended the grading process",
    ),
    Case(
        "forged_frames_with_probes_suppressed",
        "forge every public item and stop the real probes",
        after=(FORGED_FRAMES_SUPPRESSING_PROBES,),
        hidden=True,
        public_may_pass=True,
    ),
    # ------------------------------------------------------------------ reading secrets and references
    Case(
        "environment_secrets",
        "look for tokens in the environment and /proc",
        after=(SECRETS,),
        message="secrets seen: [] []",
    ),
    Case(
        "read_private_paths",
        "open solutions/, .git and ../ paths, also through /proc",
        after=(READ_PRIVATE_PATHS,),
        message="private files found: []",
    ),
    Case(
        "search_filesystem",
        "walk the file system for hidden references",
        after=(SEARCH_FILESYSTEM,),
        message="hidden files found: []",
    ),
    Case(
        "write_results_files",
        "write a forged results JSON/Markdown, also through a symlink",
        after=(WRITE_RESULTS,),
        message="wrote: []",
        modes=BOTH,
    ),
    Case(
        "forged_grade_printed",
        "print a forged grade and GitHub workflow commands",
        base="solution",
        after=(FORGED_PRINTS,),
        cli=True,
    ),
    # ------------------------------------------------------------------ the submission's own files
    Case(
        "student_conftest_sitecustomize_shadows",
        "conftest.py, pytest.ini, sitecustomize.py, numpy.py... next to the notebook",
        base="solution",
        files=STUDENT_FILES,
    ),
    Case(
        "student_files_weak_mode",
        "the same files, weak sandbox",
        files=STUDENT_FILES,
        modes=(WEAK,),
    ),
    Case(
        "test_cells_deleted",
        "every nbgrader test cell deleted",
        base="solution",
        build=_without_test_cells,
    ),
    Case(
        "test_cells_edited",
        "read-only and test cells replaced by 'All tests passed'",
        base="stub",
        build=_stub_with_edited_test_cells,
    ),
    Case(
        "solution_cells_marked_as_tests",
        "stub with its cells re-marked as test cells",
        base="stub",
        build=_solution_code_in_test_cells,
    ),
    # ------------------------------------------------------------------ broken notebooks
    Case(
        "symlinked_notebook",
        "week01.ipynb is a symlink to the solution",
        base="none",
        build=_symlinked_notebook,
        message="cannot be read",
    ),
    Case(
        "repository_of_symlinks",
        "references/, grading.py and week.json symlinked to the solution's",
        base="stub",
        build=_repository_of_symlinks,
        hidden=True,
    ),
    Case(
        "missing_notebook",
        "no notebook",
        base="none",
        build=_missing_notebook,
        message="no notebook",
    ),
    Case(
        "invalid_json",
        "a notebook that is not JSON",
        base="none",
        build=lambda tmp: _write(tmp, b'{"cells": [ this is not json'),
        message="could not be read",
    ),
    Case(
        "empty_file",
        "an empty file",
        base="none",
        build=lambda tmp: _write(tmp, b""),
        message="could not be read",
    ),
    Case(
        "no_cells",
        "a notebook without cells",
        base="none",
        build=lambda tmp: _write(
            tmp, b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
        ),
        message="not defined",
    ),
    Case(
        "not_a_notebook",
        "valid JSON that is no notebook",
        base="none",
        build=lambda tmp: _write(tmp, b"[1, 2]"),
        message="could not be read",
    ),
    Case(
        "deeply_nested_json",
        "200,000 nested lists",
        base="none",
        build=_nested_notebook,
        message="could not be read",
    ),
    Case(
        "odd_cell_sources",
        "cells whose source or metadata has the wrong type",
        base="none",
        build=_odd_cells,
        message="not defined",
    ),
    Case(
        "huge_notebook_file",
        "a 200 MB notebook file",
        base="none",
        build=_huge_notebook,
        message="the limit is",
    ),
    Case(
        "huge_notebook_bytes",
        "a 200 MB notebook passed as bytes",
        base="none",
        build=_huge_notebook_bytes,
        message="the limit is",
    ),
]
