"""Publish a week as the student template repository (what a student accepts).

The template holds, at its root: the week's released files from
``assignments/weekNN/`` (notebook, ``grading.py``, ``week.json``,
``references/`` with the PUBLIC references only), the ``autograder`` and
``course_lib`` packages (so ``python -m autograder check`` works there), and
everything in ``autograder/templates/student/`` (README, ``.gitignore``, the
student grading workflow, the devcontainer), and the course's
``requirements.lock`` as ``.devcontainer/requirements.txt``: the exact
environment the references were computed in. In those template files the
placeholders ``__WEEK__``, ``__NOTEBOOK__`` and ``__TITLE__`` are filled in.

Nothing comes from ``solutions/``, nor from the grader's instructor-only
folders: ``instructor/`` (release, gate, publish, the demo, which types week
1's solution lines into a notebook), ``official/`` (roster, regrade,
gradebook) and ``templates/`` (copied to the root instead). The verbs that
need them are simply not offered by the template's ``python -m autograder``. Before the folder is handed over it is
scanned like the release gate does (solution lines, hidden tests, hidden spec
lines, reference implementations, hidden reference values and arrays, links)
and checked for private file names; on any finding the folder is deleted and
publishing refuses.

``--push REMOTE`` makes it a git repository with one commit and pushes
``main`` to REMOTE (a GitHub URL or any git remote).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import (
    REFERENCE_IMPLEMENTATIONS,
    REFERENCES,
    WEEK_META,
    CourseError,
    WeekPaths,
)
from autograder.instructor import gate, leaks
from autograder.scoring import references
from autograder.spec import HIDDEN_SPEC

PACKAGE = Path(__file__).resolve().parent.parent
STUDENT_TEMPLATE = PACKAGE / "templates" / "student"
PLACEHOLDERS = ("__WEEK__", "__NOTEBOOK__", "__TITLE__")
LOCK = "requirements.lock"
STUDENT_REQUIREMENTS = Path(".devcontainer") / "requirements.txt"
PRIVATE_NAMES = {
    HIDDEN_SPEC,
    "variants.py",
    REFERENCE_IMPLEMENTATIONS,
    f"{references.HIDDEN}.json",
    f"{references.HIDDEN}.npz",
}
# folders of the grader a student never gets (see the module docstring)
INSTRUCTOR_ONLY = ("instructor", "official", "templates")
_SKIP_NAMES = ("__pycache__", "*.pyc", ".ipynb_checkpoints", ".mypy_cache", ".pytest_cache")
SKIP = shutil.ignore_patterns(*_SKIP_NAMES)


class PublishError(Exception):
    """The template could not be built, or would contain private material."""


@dataclass
class Template:
    """A built template folder and what went into it."""

    root: Path
    files: list[str] = field(default_factory=list)


def build_template(paths: WeekPaths, out: Path, course_root: Path) -> Template:
    """Build the student template of ``paths`` into ``out`` (which must not exist or be empty)."""
    release = paths.public_dir
    if not (release / WEEK_META).is_file() or not paths.notebook.is_file():
        raise CourseError(
            f"assignments/{paths.name} is not released: run `nox -s release -- {paths.name}` first"
        )
    if out.exists() and any(out.iterdir()):
        raise CourseError(f"{out} is not empty: publish into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    try:
        for item in sorted(release.iterdir()):
            if item.name in (REFERENCES,):
                shutil.copytree(item, out / item.name, ignore=SKIP)
            elif item.is_file() and not item.is_symlink():
                shutil.copy2(item, out / item.name)
        shutil.copytree(PACKAGE, out / "autograder", ignore=_package_ignore)
        shutil.copytree(course_root / "course_lib", out / "course_lib", ignore=SKIP)
        _copy_student_files(paths, out)
        _copy_lock(course_root, out)
        problems = private_material(paths, out)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    if problems:
        shutil.rmtree(out, ignore_errors=True)
        raise PublishError(
            "refused: private material in the template:\n  " + "\n  ".join(problems[:20])
        )
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    return Template(out, files)


def _package_ignore(directory: str, names: list[str]) -> set[str]:
    skipped = set(SKIP(directory, names))
    if Path(directory).resolve() == PACKAGE:
        skipped.update(n for n in names if n in INSTRUCTOR_ONLY)
    return skipped


def _copy_lock(course_root: Path, out: Path) -> None:
    """The course's requirements.lock is the student's environment: Codespaces, laptop, workflow."""
    lock = course_root / LOCK
    if not lock.is_file():
        raise PublishError(f"{lock} is missing: run `nox -s lock` in the course repository")
    target = out / STUDENT_REQUIREMENTS
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lock, target)


def _copy_student_files(paths: WeekPaths, out: Path) -> None:
    if not STUDENT_TEMPLATE.is_dir():
        raise PublishError(f"{STUDENT_TEMPLATE} is missing")
    meta = json.loads((paths.public_dir / WEEK_META).read_text())
    values = {
        "__WEEK__": paths.name,
        "__NOTEBOOK__": str(meta.get("notebook", f"{paths.name}.ipynb")),
        "__TITLE__": str(meta.get("title", paths.name)),
    }
    for source in sorted(STUDENT_TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        target = out / source.relative_to(STUDENT_TEMPLATE)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)
            continue
        for key, value in values.items():
            text = text.replace(key, value)
        target.write_text(text, encoding="utf-8")


def private_material(paths: WeekPaths, tree: Path) -> list[str]:
    """Every private thing in ``tree``: private file names, a solutions folder, leaks of secrets."""
    problems = []
    for path in sorted(tree.rglob("*")):
        rel = path.relative_to(tree)
        if path.name in PRIVATE_NAMES or "solutions" in rel.parts:
            problems.append(f"{rel}: a private file name")
    if paths.private_dir is None:
        return problems  # no solutions here to compare with: names only
    hidden_refs = references.load(paths.hidden_references, references.HIDDEN)
    secrets = gate.week_secrets(paths, hidden_refs, tree)
    problems += [str(leak) for leak in leaks.scan_tree(tree, secrets)]
    return problems


def push(
    template: Path,
    remote: str,
    *,
    branch: str = "main",
    message: str | None = None,
    force: bool = False,
    on_top: bool = False,
    env: dict[str, str] | None = None,
) -> str:
    """Make ``template`` a git repository with one commit and push ``branch`` to ``remote``.

    Without ``force`` a remote that already has ``branch`` refuses the push.
    With ``on_top`` the commit is made on top of the remote's ``branch`` when
    it has one (a template update keeps its history), and nothing is pushed
    when the files are the same. Returns ``"pushed"`` or ``"unchanged"``.
    ``env`` adds to git's environment (credentials, see
    :mod:`autograder.github.git_auth`).
    """
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", "Course staff"),
        "GIT_AUTHOR_EMAIL": os.environ.get(
            "GIT_AUTHOR_EMAIL", "course-staff@users.noreply.github.com"
        ),
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", "Course staff"),
        "GIT_COMMITTER_EMAIL": os.environ.get(
            "GIT_COMMITTER_EMAIL", "course-staff@users.noreply.github.com"
        ),
        "GIT_TERMINAL_PROMPT": "0",
        **(env or {}),
    }

    def git(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *command],
            cwd=template,
            env=git_env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise PublishError(
                f"`git {' '.join(command[:2])}` failed: {done.stderr.strip()[-400:]}"
            )
        return done

    name = json.loads((template / WEEK_META).read_text()).get("week", "assignment")
    git("init", "-q", "-b", branch)
    git("add", "-A")
    updating = (
        on_top and git("fetch", "-q", remote, f"refs/heads/{branch}", check=False).returncode == 0
    )
    if updating:
        git("reset", "-q", "--soft", "FETCH_HEAD")
        if git("diff", "--cached", "--quiet", "FETCH_HEAD", check=False).returncode == 0:
            return "unchanged"
    default = f"{name}: student template" + (" (update)" if updating else "")
    git("commit", "-q", "-m", message or default)
    git("push", "-q", *(["--force"] if force else []), remote, f"HEAD:refs/heads/{branch}")
    return "pushed"


__all__ = ["PublishError", "Template", "build_template", "private_material", "push"]
