"""A course organisation on a local GitHub, with a small template repository, for the lifecycle verbs.

The template is tiny (the week's files by name only) so that a test runs in
a second; the lifecycle test (tests/test_lifecycle.py) uses the real one.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.__main__ import main as cli
from autograder.instructor.local_github import LocalGitHub

ORG = "ml-2026"
WEEK = "week01"
TEMPLATE = f"{ORG}/{WEEK}-template"
STUDENTS = ("alice", "bob", "carol", "dave")
TEMPLATE_FILES = {
    "week.json": json.dumps({"week": WEEK, "notebook": f"{WEEK}.ipynb"}) + "\n",
    f"{WEEK}.ipynb": '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
    "grading.py": "ITEMS = []\n",
    "README.md": "# week01\n\nThe Feedback pull request.\n",
    ".github/workflows/grade.yml": "name: grade\non: push\n",
    "course_lib/__init__.py": "",
}


def git(cwd: Path, *args: str, when: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_TERMINAL_PROMPT": "0",
    }
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {args}: {done.stderr}"
    return done.stdout


def write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@dataclass
class Course:
    """The server, its tokens and the scratch folder of one test."""

    hub: LocalGitHub
    tmp: Path
    tokens: dict[str, str]

    @property
    def staff(self) -> str:
        return self.tokens["staff"]

    def roster(self, text: str) -> Path:
        path = self.tmp / "roster.csv"
        path.write_text(text)
        return path

    def run(self, *args: str, token: str | None = None) -> int:
        """A verb of the CLI against this server (``--pace 0``: no need to spare it)."""
        env = {"GITHUB_TOKEN": token or self.staff, "GITHUB_API_URL": self.hub.api_url}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            return cli([*args, "--pace", "0"])
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def writes_since(self, start: int) -> list[tuple[str, str]]:
        return [r for r in self.hub.requests[start:] if r[0] != "GET"]

    def push_template(self, files: dict[str, str], message: str = "template") -> str:
        """Commit ``files`` on the template's main (creating the clone the first time)."""
        clone = self.tmp / "template-clone"
        if not clone.exists():
            git(
                self.tmp,
                "clone",
                "-q",
                self.hub.authenticated_url(TEMPLATE, self.staff),
                str(clone),
            )
        write_files(clone, files)
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", message)
        git(clone, "push", "-q", "origin", "HEAD:main")
        return git(clone, "rev-parse", "HEAD").strip()

    def accept_all(self, login: str) -> None:
        from autograder.github.client import GitHubClient

        own = GitHubClient(self.tokens[login], self.hub.api_url)
        for invitation in own.paginate("/user/repository_invitations"):
            own.request("PATCH", f"/user/repository_invitations/{invitation['id']}")


@pytest.fixture
def github_course(tmp_path: Path) -> Iterator[Course]:
    with LocalGitHub(tmp_path / "github") as hub:
        tokens = {"staff": hub.add_user("staff")}
        for student in STUDENTS:
            tokens[student] = hub.add_user(student)
        hub.add_organisation(ORG, owners=("staff",))
        hub.create_repository(ORG, f"{WEEK}-template", is_template=True)
        course = Course(hub, tmp_path, tokens)
        course.push_template(TEMPLATE_FILES)
        yield course
