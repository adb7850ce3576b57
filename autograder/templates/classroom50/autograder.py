#!/usr/bin/env python3
"""Classroom 50 adapter: grade a week's notebook with this course's grader, write ``./result.json``.

Put this file at ``CLASSROOM/autograders/ASSIGNMENT/autograder.py`` in the
organisation's ``classroom50`` repository. Classroom 50's runner calls it
once per submission, in the student's checkout, with ``CLASSROOM``,
``ASSIGNMENT``, ``SUBMISSION_TAG``, ``COMMIT_URL``, ``RELEASE_URL``,
``REVIEW_URL`` and ``CLASSROOM50_BUNDLE_DIR`` in the environment.

Recommended bundle (the files beside this one; students never get them, but
**Classroom 50 bundles are public**: anyone with the Pages URL can read them)::

    autograder.py      this adapter
    autograder/        the grader package  } copied from the week's published
    course_lib/        the course library  } student template, so a student
    week.json          the week's release  } who edits the grader in their
    grading.py                             } own repository cannot change
    references/public.json, public.npz     } their score
    requirements.txt   optional: installed when the runner lacks the libraries

Only PUBLIC material may go there: never ``hidden_grading.py``, hidden
references, reference implementations or anything from ``solutions/``. The adapter refuses to run when
it finds any, and refuses ``--hidden``: official grades with hidden items
come from the instructor's regrade, never from a public bundle.

Nothing the student's checkout names is installed or run outside the
sandbox: the grader, its libraries and their versions come from the bundle
(or the runner's image). A bundle without the grader, or a runner without
the libraries and no ``requirements.txt`` in the bundle, is an error of the
set-up, reported as such; the student's ``.devcontainer/requirements.txt``,
``autograder/`` or ``.pth`` files are never used.

Exit codes (Classroom 50's contract): 0 whenever grading ran, whatever the
score (the score is in ``result.json``); non-zero only for an infrastructure
problem, and the runner then records an error result.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
NEEDED_MODULES = ("numpy", "sklearn", "torch", "matplotlib")
IDENTITY = ("CLASSROOM", "ASSIGNMENT", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL")
HIDDEN_NAMES = (
    "hidden_grading.py",
    "hidden.json",
    "hidden.npz",
    "reference_implementations.py",
    "solutions",
    "variants.py",
)


def hidden_material(root: Path) -> list[str]:
    """Paths under ``root`` that look like private course material."""
    found = []
    for path in root.rglob("*"):
        if path.name in HIDDEN_NAMES and "site-packages" not in path.parts:
            found.append(str(path.relative_to(root)))
    return sorted(found)


class SetupError(RuntimeError):
    """The bundle or the runner is not set up to grade (never the student's fault)."""


def grader_home(bundle: Path) -> Path:
    """The bundle, which must hold ``autograder/`` and ``week.json`` (never the student's copy)."""
    if (bundle / "autograder").is_dir() and (bundle / "week.json").is_file():
        return bundle
    raise SetupError(
        f"the bundle {bundle} has no grader (autograder/ and week.json): copy the week's "
        "published template files beside this adapter; the student's copy is never used"
    )


def missing_modules() -> list[str]:
    return [name for name in NEEDED_MODULES if importlib.util.find_spec(name) is None]


def ensure_dependencies(home: Path) -> None:
    """Install the bundle's ``requirements.txt`` if the runner lacks the course's libraries."""
    missing = missing_modules()
    if not missing:
        return
    requirements = home / "requirements.txt"
    if not requirements.is_file():
        raise SetupError(
            f"the runner lacks {', '.join(missing)} and the bundle has no requirements.txt: "
            "install the course's libraries in the runner's image, or add requirements.txt "
            "to the bundle"
        )
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-input", "--isolated"]
    pip += ["--extra-index-url", TORCH_INDEX, "-r", str(requirements)]
    if subprocess.run(pip, cwd=home, check=False).returncode != 0 or missing_modules():
        raise SetupError(f"installing the bundle's {requirements.name} did not provide {missing}")


def main(argv: list[str]) -> int:
    if "--hidden" in argv:
        print(
            "refused: a Classroom 50 bundle is public, so it grades public items only",
            file=sys.stderr,
        )
        return 2
    missing = [name for name in IDENTITY if not os.environ.get(name)]
    if missing:
        print(f"not run by the Classroom 50 runner: {', '.join(missing)} not set", file=sys.stderr)
        return 2
    checkout = Path.cwd()
    bundle = Path(os.environ.get("CLASSROOM50_BUNDLE_DIR") or Path(__file__).resolve().parent)
    private = hidden_material(bundle)
    if private:
        print(
            f"refused: private material in the public bundle: {', '.join(private)}", file=sys.stderr
        )
        return 2
    try:
        home = grader_home(bundle)
        ensure_dependencies(home)
    except SetupError as error:
        print(f"grader set-up error: {error}", file=sys.stderr)
        return 1
    meta = json.loads((home / "week.json").read_text(encoding="utf-8"))
    notebook = checkout / meta["notebook"]
    with tempfile.TemporaryDirectory(prefix="classroom50-") as scratch:
        results = Path(scratch) / "results.json"
        # cwd=home: `python -m autograder` imports the grader from home, not from the checkout.
        grade = [sys.executable, "-m", "autograder", "grade", meta["week"], str(notebook)]
        grade += ["--course", str(home), "--json", str(results), "--quiet"]
        graded = subprocess.run(grade, cwd=home, check=False)
        if graded.returncode not in (0, 1):
            print(f"the grader failed (exit code {graded.returncode})", file=sys.stderr)
            return 1
        report = [sys.executable, "-m", "autograder", "report", str(results)]
        written = subprocess.run(
            [*report, "--format", "classroom50", "-o", str(checkout / "result.json")],
            cwd=home,
            check=False,
        )
        if written.returncode != 0:
            return 1
        # The Release's body: the same Markdown report students get from the course's own CI.
        subprocess.run(
            [*report, "--markdown", str(checkout / "release-body.md")],
            cwd=home,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
