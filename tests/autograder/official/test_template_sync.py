"""sync: which files a template fix may change, and the pull requests it opens on a local GitHub."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from autograder.instructor import local_git_http as githttp
from autograder.official.template_sync import Template, plan
from tests.autograder.official.conftest import ORG, WEEK, Course, git, write_files

pytestmark = pytest.mark.xdist_group("local-github")
NB = f"{WEEK}.ipynb"


def tree(files: dict[str, str]) -> dict[str, tuple[str, str]]:
    """path -> blob id, as ``git ls-tree`` gives them (the ids here are only names)."""
    return {path: ("100644", blob) for path, blob in files.items()}


def template_of(files: dict[str, str]) -> Template:
    return Template(Path("/nowhere"), "c" * 40, tree(files), frozenset({NB}))


def test_template_files_are_updated_and_the_students_own_left_alone() -> None:
    template = template_of({"grading.py": "g2", NB: "n1", "README.md": "r1"})
    original = tree({"grading.py": "g1", NB: "n1", "README.md": "r1", "old.py": "o1"})
    current = tree(
        {"grading.py": "g1", NB: "mine", "README.md": "r1", "old.py": "o1", "notes": "x"}
    )
    change = plan(template, current, original)
    assert change.set_files == {"grading.py": ("100644", "g2")}
    assert change.remove == ["old.py"], "dropped by the template, never changed by the student"
    assert change.conflicts == [], "the template's notebook did not change: theirs is their work"


def test_a_changed_template_notebook_updates_an_untouched_copy_and_conflicts_with_an_edited_one() -> (
    None
):
    template = template_of({NB: "n2"})
    original = tree({NB: "n1"})
    assert plan(template, tree({NB: "n1"}), original).set_files == {NB: ("100644", "n2")}
    edited = plan(template, tree({NB: "mine"}), original)
    assert edited.conflicts == [NB] and edited.empty
    assert plan(template, tree({NB: "n2"}), original).empty, "already the template's"


def test_a_file_the_student_changed_that_the_template_dropped_is_kept() -> None:
    template = template_of({NB: "n1"})
    change = plan(template, tree({NB: "n1", "old.py": "edited"}), tree({NB: "n1", "old.py": "o1"}))
    assert change.remove == [] and change.empty


def run(course: Course, *args: str, token: str | None = None) -> tuple[int, str]:
    out = io.StringIO()
    roster = course.roster("student\nalice\nbob\n")
    with redirect_stdout(out), redirect_stderr(out):
        code = course.run(*args, "--roster", str(roster), "--org", ORG, token=token)
    return code, out.getvalue()


def push_work(course: Course, student: str, files: dict[str, str]) -> str:
    clone = course.tmp / f"clone-{student}"
    course.accept_all(student)
    git(
        course.tmp,
        "clone",
        "-q",
        course.hub.authenticated_url(f"{ORG}/{WEEK}-{student}", course.tokens[student]),
        str(clone),
    )
    write_files(clone, files)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "my work")
    git(clone, "push", "-q", "origin", "main")
    return git(clone, "rev-parse", "HEAD").strip()


def test_sync_opens_one_pull_request_per_repository_and_never_touches_main(
    github_course: Course,
) -> None:
    assert run(github_course, "distribute", WEEK)[0] == 0
    alice_main = push_work(
        github_course, "alice", {NB: '{"cells": ["mine"]}\n', "notes.md": "mine\n"}
    )
    github_course.push_template(
        {
            "grading.py": "ITEMS = ['fixed']\n",
            NB: '{"cells": ["fixed"]}\n',
            ".github/workflows/grade.yml": "name: grade2\n",
        },
        "fix",
    )
    code, out = run(github_course, "sync", WEEK, "--dry-run")
    assert code == 0 and "would open a pull request updating 2 files" in out
    code, out = run(github_course, "sync", WEEK)
    assert code == 0, out
    assert "alice    conflict: week01.ipynb  open pull request #2 updating 2 files" in out
    assert "bob      updated                 open pull request #2 updating 3 files" in out
    alice = github_course.hub.repository(f"{ORG}/{WEEK}-alice")
    assert githttp.branches(alice.path)["refs/heads/main"] == alice_main, "main is never pushed to"
    (pull,) = [p for p in alice.pulls() if p.number == 2]
    assert pull.base == "main" and pull.head.startswith("template-update-")
    changed = githttp.git(alice.path, "diff", "--name-only", f"main...{pull.head}").split()
    assert changed == [".github/workflows/grade.yml", "grading.py"], (
        "the notebook and notes.md kept"
    )
    assert "you have edited yours" in pull.body
    bob = github_course.hub.repository(f"{ORG}/{WEEK}-bob")
    head = githttp.branches(bob.path)[f"refs/heads/{pull.head}"]
    assert githttp.git(bob.path, "show", f"{head}:{NB}") == '{"cells": ["fixed"]}\n', (
        "untouched: updated"
    )
    start = len(github_course.hub.requests)
    code, out = run(github_course, "sync", WEEK)
    assert (
        code == 0
        and github_course.writes_since(start) == []
        and "#2 of this template is open" in out
    )


def test_sync_needs_the_workflow_scope_and_says_so(github_course: Course) -> None:
    assert run(github_course, "distribute", WEEK)[0] == 0
    no_workflow = github_course.hub.add_token("staff", frozenset({"repo"}))
    code, out = run(github_course, "sync", WEEK, token=no_workflow)
    assert code == 2 and "lacks the scope(s) sync needs: workflow" in out


def test_an_up_to_date_repository_is_left_alone(github_course: Course) -> None:
    assert run(github_course, "distribute", WEEK)[0] == 0
    start = len(github_course.hub.requests)
    code, out = run(github_course, "sync", WEEK)
    assert code == 0 and "2 students: 2 up to date; 0 changes" in out
    assert github_course.writes_since(start) == []


def test_a_rate_limit_that_outlasts_our_wait_leaves_a_row_for_every_student(
    github_course: Course,
) -> None:
    roster = github_course.roster("student\nalice\nbob\ncarol\n")

    def sync() -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = github_course.run("sync", WEEK, "--roster", str(roster), "--org", ORG)
        return code, out.getvalue()

    assert github_course.run("distribute", WEEK, "--roster", str(roster), "--org", ORG) == 0
    start = len(github_course.hub.requests)
    assert sync()[0] == 0
    calls = github_course.hub.requests[start:]
    # the budget ends where bob's repository is first asked for; it renews after our wait
    budget = next(i for i, (_, path) in enumerate(calls) if f"{WEEK}-bob" in path)
    github_course.hub.limit_rate(github_course.staff, budget, window=7200)
    code, out = sync()
    assert code != 0
    rows = {
        s: next(line for line in out.splitlines() if f" {s} " in f" {line} ")
        for s in ("alice", "bob", "carol")
    }
    assert "up to date" in rows["alice"], out
    for student in ("bob", "carol"):
        assert "not reached" in rows[student] and "run again then" in rows[student], out
