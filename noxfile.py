"""Sessions for the course repository: `nox -l` lists them, `nox -s NAME -- ARGS` runs one.

Every session shares ONE virtual environment, `.nox/course`, because torch
alone is gigabytes: it is built on first use and rebuilt only when
`pyproject.toml` or the pins below change. Its interpreter is Debian's
`/usr/bin/python3` when that is 3.11+ (so the sandbox's unprivileged uid can
execute it), else the interpreter running nox; `COURSE_PYTHON` overrides.

Environment knobs:
  COURSE_PYTHON       interpreter for the shared environment
  COURSE_TORCH        torch requirement(s), default "torch==2.14.1 torchvision==0.29.1"
  COURSE_TORCH_INDEX  extra index for torch wheels (CI: https://download.pytorch.org/whl/cpu)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".nox" / "course"
STAMP = VENV / ".course-stamp"
TORCH = os.environ.get("COURSE_TORCH", "torch==2.14.1 torchvision==0.29.1").split()
TORCH_INDEX = os.environ.get("COURSE_TORCH_INDEX", "")
DEV = [
    "pytest>=8",
    "pytest-xdist>=3",
    "ruff>=0.6",
    "mypy>=1.10",
    "check-jsonschema>=0.29",
    "zizmor>=1.0",
]

nox.options.sessions = ["lint", "tests"]
nox.options.default_venv_backend = "none"


def _base_python() -> str:
    chosen = os.environ.get("COURSE_PYTHON")
    if chosen:
        return chosen
    debian = Path("/usr/bin/python3")
    if debian.exists():
        probe = subprocess.run(
            [str(debian), "-c", "import sys, venv, ensurepip; print(sys.version_info >= (3, 11))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return str(debian)
    return sys.executable


def _stamp() -> str:
    digest = hashlib.sha256()
    for part in (
        (ROOT / "pyproject.toml").read_bytes(),
        " ".join(TORCH + DEV + [TORCH_INDEX]).encode(),
    ):
        digest.update(part)
    return digest.hexdigest()


def course_python(session: nox.Session) -> str:
    """Create or update the shared environment; return its python."""
    python = VENV / "bin" / "python"
    if python.exists() and STAMP.exists() and STAMP.read_text() == _stamp():
        return str(python)
    if not python.exists():
        session.log(
            f"creating the shared environment {VENV} (first run: installs torch, a few minutes)"
        )
        session.run(_base_python(), "-m", "venv", str(VENV), external=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    session.run(*pip, "--upgrade", "pip", external=True)
    torch_args = ["--extra-index-url", TORCH_INDEX] if TORCH_INDEX else []
    session.run(*pip, *torch_args, *TORCH, external=True)
    session.run(*pip, *torch_args, "-e", ".[course]", *DEV, external=True)
    STAMP.write_text(_stamp())
    return str(python)


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    """Run the whole test suite (args go to pytest, e.g. `-- -k week01 -x`)."""
    python = course_python(session)
    # two workers (CI has 2 cores); each week's tests stay on one worker so its solution runs once
    session.run(
        python, "-m", "pytest", "-n", "2", "--dist", "loadgroup", *session.posargs, external=True
    )


@nox.session(python=False)
def lint(session: nox.Session) -> None:
    """ruff (lint + format check), mypy on autograder and course_lib, and the GitHub workflow linters."""
    python = course_python(session)
    bindir = Path(python).parent
    session.run(python, "-m", "ruff", "check", ".", external=True)
    session.run(
        python,
        "-m",
        "ruff",
        "format",
        "--check",
        "autograder",
        "course_lib",
        "tests",
        "noxfile.py",
        external=True,
    )
    session.run(python, "-m", "mypy", external=True)
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    workflows += sorted(str(p) for p in (ROOT / "autograder" / "templates").rglob("*.yml"))
    session.run(
        str(bindir / "check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        *workflows,
        external=True,
    )
    session.run(
        str(bindir / "zizmor"), "--offline", "--min-severity", "low", *workflows, external=True
    )


@nox.session(python=False)
def release(session: nox.Session) -> None:
    """Release weeks: `nox -s release -- week03` (or `-- --all`, `-- --all --check` for the drift check)."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "release", *session.posargs, external=True)


@nox.session(python=False, default=False)
def mutants(session: nox.Session) -> None:
    """Mutation-test weeks, writing nothing: `nox -s mutants -- week03 [--mutant-only NAME] [--mutant-budget S]` (or `-- --all`)."""
    python = course_python(session)
    session.run(
        python,
        "-m",
        "autograder",
        "release",
        "--check",
        "--mutants",
        *session.posargs,
        external=True,
    )


@nox.session(python=False)
def publish(session: nox.Session) -> None:
    """Build the student template repo: `nox -s publish -- week03 OUTDIR [--push REMOTE]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "publish", *session.posargs, external=True)


@nox.session(python=False)
def regrade(session: nox.Session) -> None:
    """Official grades: `nox -s regrade -- week03 --roster R.csv --repos DIR_OR_ORG --deadline ISO [-j N]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "regrade", *session.posargs, external=True)


@nox.session(python=False)
def demo(session: nox.Session) -> None:
    """Release week 1 into a scratch folder and grade a correct, a blank and a wrong submission."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "demo", *session.posargs, external=True)


@nox.session(python=False)
def clean(session: nox.Session) -> None:
    """Remove the shared environment (the next session rebuilds it)."""
    shutil.rmtree(VENV, ignore_errors=True)


@nox.session(python=False, default=False)
def bench(session: nox.Session) -> None:
    """Grading benchmark: the floor, nbclient, ours and nbgrader autograde side by side (writes docs/benchmarks.md)."""
    python = course_python(session)
    session.run(
        python, str(ROOT / "benchmarks" / "grading_benchmark.py"), *session.posargs, external=True
    )
