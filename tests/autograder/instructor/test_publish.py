"""The student template: built from the release alone, checkable on its own, never private."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.course import locate_week
from autograder.instructor import publish
from autograder.instructor.publish import PublishError, build_template, private_material
from tests.conftest import ROOT

WEEK = locate_week("week01", ROOT)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built = build_template(WEEK, tmp_path_factory.mktemp("tpl") / "week01-template", ROOT)
    return built.root


def _student_env() -> dict[str, str]:
    """No PYTHONPATH: only the current folder (the template) supplies autograder and course_lib."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_template_has_the_release_the_packages_and_the_student_files(template: Path) -> None:
    for name in (
        "week01.ipynb",
        "grading.py",
        "week.json",
        "references/public.json",
        "README.md",
        ".gitignore",
        ".github/workflows/grade.yml",
        ".devcontainer/devcontainer.json",
        "autograder/__main__.py",
        "course_lib/__init__.py",
    ):
        assert (template / name).is_file(), name
    assert (template / "week01.ipynb").read_bytes() == WEEK.notebook.read_bytes()
    readme = (template / "README.md").read_text()
    assert "python -m autograder check" in readme and "Codespaces" in readme
    for path in template.rglob("*"):
        if (
            path.is_file()
            and path.suffix in (".md", ".json", ".yml")
            and "autograder" not in path.parts
        ):
            assert "__NOTEBOOK__" not in path.read_text() and "__WEEK__" not in path.read_text(), (
                path
            )


def _fenced_commands(markdown: str, after: str) -> list[str]:
    """The lines of the first ```bash block after the line containing ``after``."""
    text = markdown[markdown.index(after) :]
    block = text[
        text.index("```bash") + len("```bash") : text.index("```", text.index("```bash") + 7)
    ]
    return [line.strip() for line in block.strip().splitlines()]


def test_the_students_environment_is_the_course_lock_and_has_what_the_readme_promises(
    template: Path,
) -> None:
    requirements = (template / ".devcontainer" / "requirements.txt").read_text()
    assert requirements == (ROOT / "requirements.lock").read_text()
    pinned = {line.split("==")[0].lower() for line in requirements.splitlines() if "==" in line}
    # what the README's commands run: a kernel, JupyterLab (and Notebook), the libraries
    assert {
        "ipykernel",
        "jupyterlab",
        "notebook",
        "numpy",
        "scikit-learn",
        "torch",
        "torchvision",
    } <= pinned
    commands = _fenced_commands((template / "README.md").read_text(), "On your own machine")
    assert any("-r .devcontainer/requirements.txt" in c and "whl/cpu" in c for c in commands)
    assert any("Windows: .venv\\Scripts\\activate" in c for c in commands)
    assert any(c.startswith("python -m ipykernel install") for c in commands)
    assert any(c.startswith("jupyter lab ") for c in commands)
    course_readme = _fenced_commands((ROOT / "README.md").read_text(), "On your own machine")
    source = (ROOT / "autograder" / "templates" / "student" / "README.md").read_text()
    expected = [
        c.replace("__NOTEBOOK__", "weekNN.ipynb")
        for c in _fenced_commands(source, "On your own machine")
    ]
    assert course_readme == expected, (
        "the course README must show the student README's install lines"
    )


def test_template_holds_nothing_private(template: Path) -> None:
    names = {p.name for p in template.rglob("*")}
    assert not names & {
        "hidden_grading.py",
        "variants.py",
        "hidden.json",
        "hidden.npz",
        "solutions",
    }
    assert not (template / "autograder" / "demo.py").exists(), (
        "the demo types solution lines into a notebook"
    )
    assert private_material(WEEK, template) == []
    private = {
        p.read_bytes()
        for p in WEEK.private_dir.rglob("*")
        if p.is_file()
        and p.name
        not in ("grading.py", "public.json", "public.npz", "provenance.json")  # public copies
    }  # type: ignore[union-attr]
    shipped = [p for p in template.rglob("*") if p.is_file() and p.read_bytes() in private]
    assert not shipped, f"files copied from solutions/: {shipped}"


def test_student_check_runs_from_the_template_alone(template: Path, tmp_path: Path) -> None:
    alone = tmp_path / "student"
    shutil.copytree(template, alone, symlinks=True)
    env = _student_env()
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import autograder, course_lib; print(autograder.__file__, course_lib.__file__)",
        ],
        cwd=alone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.split() == [
        str(alone / "autograder" / "__init__.py"),
        str(alone / "course_lib" / "__init__.py"),
    ]
    blank = subprocess.run(
        [sys.executable, "-m", "autograder", "check"],
        cwd=alone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert blank.returncode == 1, blank.stderr
    assert "0 / 11 points" in blank.stdout and "hidden items" in blank.stdout
    shutil.copy2(WEEK.solution_notebook, alone / "solved.ipynb")
    solved = subprocess.run(
        [sys.executable, "-m", "autograder", "check", "solved.ipynb"],
        cwd=alone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert solved.returncode == 0 and "11 / 11 points" in solved.stdout, (
        solved.stdout + solved.stderr
    )
    hidden = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "week01", "week01.ipynb", "--hidden"],
        cwd=alone,
        env=env,
        capture_output=True,
        text=True,
    )
    assert hidden.returncode == 2 and "needs solutions/week01" in hidden.stderr


@pytest.mark.parametrize(
    ("where", "content"),
    [
        ("hidden_grading.py", "anything\n"),
        ("notes.md", "members = rng.permutation(members)\n"),
        ("autograder/extra.txt", None),  # the hidden spec's text, under another name
    ],
)
def test_private_material_is_found(
    template: Path, tmp_path: Path, where: str, content: str | None
) -> None:
    tree = tmp_path / "t"
    shutil.copytree(template, tree, symlinks=True)
    text = content if content is not None else (WEEK.private_dir / "hidden_grading.py").read_text()  # type: ignore[operator]
    (tree / where).write_text(text)
    assert private_material(WEEK, tree), f"a leak in {where} was not found"


def test_publish_refuses_and_deletes_when_a_template_file_leaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = tmp_path / "student-files"
    shutil.copytree(publish.STUDENT_TEMPLATE, student)
    solution_line = "members = rng.permutation(members)"
    (student / "README.md").write_text(f"# __WEEK__\n\n    {solution_line}\n")
    monkeypatch.setattr(publish, "STUDENT_TEMPLATE", student)
    out = tmp_path / "out"
    with pytest.raises(PublishError, match="solution line"):
        build_template(WEEK, out, ROOT)
    assert not out.exists()


def test_publish_push_to_a_git_remote(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    assert (
        cli(
            [
                "publish",
                "week01",
                str(tmp_path / "tpl"),
                "--course",
                str(ROOT),
                "--push",
                str(remote),
            ]
        )
        == 0
    )
    listed = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "main"],
        cwd=remote,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "week01.ipynb" in listed and ".github/workflows/grade.yml" in listed
    assert not [name for name in listed if "__pycache__" in name or name.endswith(".pyc")]
    meta = subprocess.run(
        ["git", "show", "main:week.json"], cwd=remote, capture_output=True, text=True, check=True
    )
    assert json.loads(meta.stdout)["week"] == "week01"
    assert cli(["publish", "week01", str(tmp_path / "tpl"), "--course", str(ROOT)]) == 2, (
        "refuses a non-empty folder"
    )


# ----------------------------------------------------------------------------- reference code
WEEK03 = locate_week("week03", ROOT)


@pytest.fixture(scope="module")
def week03_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Week 3's items use other names: its private reference implementations must stay out."""
    assert WEEK03.reference_implementations.is_file()
    return build_template(WEEK03, tmp_path_factory.mktemp("tpl3") / "week03-template", ROOT).root


def _reference_body_lines() -> list[str]:
    """The reference code's lines that no public file holds (the student notebook, grading.py)."""
    public = " ".join(
        (WEEK03.notebook.read_text() + (WEEK03.public_dir / "grading.py").read_text()).split()
    )
    code = WEEK03.reference_implementations.read_text().splitlines()
    lines = {" ".join(line.split()) for line in code}
    return sorted(x for x in lines if len(x) > 20 and not x.startswith("#") and x not in public)


def test_the_reference_implementations_never_reach_a_template(week03_template: Path) -> None:
    assert private_material(WEEK03, week03_template) == []
    names = {p.name for p in week03_template.rglob("*")}
    assert "reference_implementations.py" not in names
    body = _reference_body_lines()
    assert body, "the reference code has private lines"
    for path in week03_template.rglob("*"):
        if path.is_file():
            text = " ".join(path.read_bytes().decode("utf-8", "replace").split())
            assert not [line for line in body if line in text], path


@pytest.mark.parametrize("where", ["reference_implementations.py", "references/notes.py"])
def test_planted_reference_implementations_are_found(
    week03_template: Path, tmp_path: Path, where: str
) -> None:
    tree = tmp_path / "t"
    shutil.copytree(week03_template, tree, symlinks=True)
    (tree / where).write_text(WEEK03.reference_implementations.read_text())
    found = private_material(WEEK03, tree)
    assert any(problem.startswith(where) for problem in found), found


def test_no_file_of_the_grader_or_the_library_has_a_private_name() -> None:
    """Publish and the Classroom 50 adapter refuse private names anywhere in a tree they ship."""
    shipped = {
        p.name for package in ("autograder", "course_lib") for p in (ROOT / package).rglob("*")
    }
    assert not shipped & publish.PRIVATE_NAMES
