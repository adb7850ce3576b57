"""Sessions for the course repository: `nox -l` lists them, `nox -s NAME -- ARGS` runs one.

Every session shares ONE virtual environment, `.nox/course`, because torch
alone is gigabytes: it is built on first use from `requirements.lock` (exact
versions of everything that can change a number) and rebuilt only when the
lock changes. Its interpreter is Debian's `/usr/bin/python3` when that is
3.11+ (so the sandbox's unprivileged uid can execute it), else the
interpreter running nox; `COURSE_PYTHON` overrides.

`requirements.lock` is generated from `pyproject.toml` by `nox -s lock`
(pip-tools' pip-compile); `nox -s lint` fails when the two disagree. The same
lock is the student template's `.devcontainer/requirements.txt` (Codespaces,
a student's laptop and the grading workflow).

Environment knobs:
  COURSE_PYTHON       interpreter for the shared environment
  COURSE_TORCH_INDEX  extra index for torch wheels (CI: https://download.pytorch.org/whl/cpu)
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".nox" / "course"
STAMP = VENV / ".course-stamp"
LOCK = ROOT / "requirements.lock"
LOCK_EXTRAS = ("course", "dev")
# torch's CUDA runtime: the CPU build has none of it and it changes no CPU number,
# so the lock leaves it to whichever torch build the platform installs
UNPINNED = re.compile(r"^(nvidia-|triton\b)")
INPUTS_LINE = "# inputs-sha256: "
TORCH_INDEX = os.environ.get("COURSE_TORCH_INDEX", "")

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
    digest = hashlib.sha256(LOCK.read_bytes())
    digest.update(TORCH_INDEX.encode())
    return digest.hexdigest()


def lock_inputs() -> list[str]:
    """The requirements `requirements.lock` is compiled from: the project's and its extras'."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [*project["dependencies"], *(r for name in LOCK_EXTRAS for r in extras.get(name, []))]


def lock_inputs_digest() -> str:
    return hashlib.sha256("\n".join(sorted(lock_inputs())).encode()).hexdigest()


def lock_pins(text: str) -> dict[str, str]:
    """Package name -> pinned version of every ``name==version`` line of a lock."""
    pins = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def lock_problems(text: str) -> list[str]:
    """Why the lock does not match pyproject.toml (empty when it does)."""
    problems = []
    recorded = next(
        (ln[len(INPUTS_LINE) :].strip() for ln in text.splitlines() if ln.startswith(INPUTS_LINE)),
        "",
    )
    if recorded != lock_inputs_digest():
        problems.append(
            "pyproject.toml's requirements changed since requirements.lock was compiled"
        )
    pins = lock_pins(text)
    for line in lock_inputs():
        requirement = Requirement(line)
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name} is not pinned in requirements.lock")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(
                f"requirements.lock pins {requirement.name}=={pinned}, outside {requirement.specifier}"
            )
    unpinned = sorted(name for name in pins if UNPINNED.match(name))
    if unpinned:
        problems.append(f"requirements.lock pins torch's CUDA runtime ({', '.join(unpinned)})")
    return problems


def strip_unpinned(text: str) -> str:
    """pip-compile's output without the UNPINNED packages (each a pin line and its `# via` lines)."""
    out, skipping = [], False
    for line in text.splitlines():
        if re.match(r"^[A-Za-z0-9]", line):
            skipping = bool(UNPINNED.match(line))
        elif not line.startswith("    "):
            skipping = False
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


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
    session.run(*pip, *torch_args, "-r", str(LOCK), external=True)
    session.run(*pip, "--no-deps", "-e", ".", external=True)
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
    problems = lock_problems(LOCK.read_text())
    if problems:
        session.error("lock drift: " + "; ".join(problems) + " (run `nox -s lock`)")
    session.log("requirements.lock matches pyproject.toml")
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


@nox.session(python=False, default=False)
def lock(session: nox.Session) -> None:
    """Re-resolve requirements.lock from pyproject.toml with pip-compile (needs the package index)."""
    tools = ROOT / ".nox" / "lock-tools"
    if not (tools / "bin" / "python").exists():
        session.run(_base_python(), "-m", "venv", str(tools), external=True)
        session.run(
            str(tools / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "pip-tools>=7.4",
            external=True,
        )
    compiled = tools / "compiled.txt"
    compiled.unlink(missing_ok=True)  # pip-compile would prefer the pins of an old output
    extras = [arg for name in LOCK_EXTRAS for arg in ("--extra", name)]
    session.run(
        str(tools / "bin" / "python"), "-m", "piptools", "compile", "--quiet",
        "--resolver=backtracking", *extras, "--strip-extras", "--no-emit-index-url",
        "--no-emit-find-links", "--output-file", str(compiled), "pyproject.toml",
        *session.posargs, external=True, env={"CUSTOM_COMPILE_COMMAND": "nox -s lock"},
    )  # fmt: skip
    body = strip_unpinned(compiled.read_text())
    header = (
        "# The course environment, exactly: `nox -s lock` writes it from pyproject.toml\n"
        "# (pip-compile; Linux x86_64, CPython 3.11). Used by nox, the devcontainer and the\n"
        "# student workflow. torch's CUDA runtime (nvidia-*, triton) is left unpinned.\n"
        f"{INPUTS_LINE}{lock_inputs_digest()}\n"
    )
    LOCK.write_text(header + body)
    session.log(f"wrote {LOCK.name}: {len(lock_pins(body))} pinned packages")


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


@nox.session(python=False, default=False)
def distribute(session: nox.Session) -> None:
    """Student repositories from the template: `nox -s distribute -- week03 --roster R.csv --org ORG [--dry-run]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "distribute", *session.posargs, external=True)


@nox.session(python=False, default=False)
def sync(session: nox.Session) -> None:
    """A template fix to every student repository: `nox -s sync -- week03 --roster R.csv --org ORG [--dry-run]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "sync", *session.posargs, external=True)


@nox.session(python=False, default=False, name="lock-repos")
def lock_repos(session: nox.Session) -> None:
    """Read-only after each deadline (`lock` is the requirements lock): `nox -s lock-repos -- week03 --roster R.csv --org ORG --deadline ISO [--late-policy P]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "lock", *session.posargs, external=True)


@nox.session(python=False, default=False, name="unlock-repos")
def unlock_repos(session: nox.Session) -> None:
    """Write access again: `nox -s unlock-repos -- week03 --roster R.csv --org ORG [--dry-run]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "unlock", *session.posargs, external=True)


@nox.session(python=False, default=False, name="return")
def return_feedback(session: nox.Session) -> None:
    """Official feedback to each Feedback PR: `nox -s return -- week03 grades/week03 --roster R.csv --org ORG [--dry-run]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "return", *session.posargs, external=True)


@nox.session(python=False)
def answers(session: nox.Session) -> None:
    """Written answers: `nox -s answers -- week03 grades/week03` (extract), `... --apply --roster R.csv` (fold marks)."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "answers", *session.posargs, external=True)


@nox.session(python=False)
def gradebook(session: nox.Session) -> None:
    """The course gradebook: `nox -s gradebook -- --weeks week01..week08 [--weights W.toml] [--roster R.csv]`."""
    python = course_python(session)
    session.run(python, "-m", "autograder", "gradebook", *session.posargs, external=True)


@nox.session(python=False)
def demo(session: nox.Session) -> None:
    """Release week 1 into a scratch folder and grade a correct, a blank and a wrong submission (`-- --lifecycle`: a whole week on a local GitHub)."""
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
