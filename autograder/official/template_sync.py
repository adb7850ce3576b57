"""``sync``: a fixed template brought to every student repository, in a pull request, never over their work.

After the template repository was fixed (``publish --github`` again), for
each student repository:

* every file the template owns (the grader, ``grading.py``, ``week.json``,
  the public references, ``course_lib/``, the workflow, the devcontainer,
  the README) that differs from the template's is set to the template's,
  and a file the template no longer has is removed if the student never
  changed it;
* the student's files are never touched: the notebook, and anything they
  added. When the template's notebook changed since the student got theirs,
  it is updated only if the student never edited it; otherwise the row says
  ``conflict: <notebook>`` and the instructor decides;
* the changes go on a branch ``template-update-<template commit>`` as one
  commit on top of the student's ``main``, and a pull request into ``main``
  says what changed: the student (or the instructor) merges it. Nothing is
  pushed to ``main``.

The repositories are read as bare clones and the commit is made with git's
plumbing (no work tree, no hook, no filter of the student's runs), compared
blob by blob. Running it again finds the open pull request and changes
nothing. Statuses: ``updated`` (a pull request opened), ``up to date``,
``exists`` (the pull request for this template is open), ``conflict: <file>``
(with the rest in a pull request, if any), ``failed: <reason>``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import WEEK_META
from autograder.github.client import GitHubClient, GitHubError, RateLimited
from autograder.github.git_auth import git_auth_env
from autograder.official import github_endpoints as api
from autograder.official.naming import Assignee
from autograder.official.outcomes import Changes, Outcome, failure, github_refusal
from autograder.official.repositories import _git, clone_bare  # the regrade's safe git runner

DEFAULT_BRANCH = "main"
BRANCH_PREFIX = "template-update-"
STAFF = {
    "GIT_AUTHOR_NAME": "Course staff",
    "GIT_AUTHOR_EMAIL": "course-staff@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "Course staff",
    "GIT_COMMITTER_EMAIL": "course-staff@users.noreply.github.com",
}
Tree = dict[str, tuple[str, str]]  # path -> (mode, blob)


class SyncError(RuntimeError):
    """A git step of the sync failed."""


@dataclass
class Template:
    """The template's current ``main``: its commit, its files and the notebooks students edit."""

    bare: Path
    commit: str
    tree: Tree
    notebooks: frozenset[str]

    @property
    def branch(self) -> str:
        return f"{BRANCH_PREFIX}{self.commit[:12]}"


@dataclass
class Plan:
    """What one student repository needs: files to set, files to remove, notebooks in conflict."""

    set_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    remove: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.set_files and not self.remove


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in ``cwd`` (no hooks, no system config); stdout, or :class:`SyncError` with git's message."""
    done = _git(*args, cwd=cwd, env=env)
    if done.returncode != 0:
        raise SyncError(f"git {args[0]}: {done.stderr.decode('utf-8', 'replace').strip()[-300:]}")
    return done.stdout.decode("utf-8", "replace")


def tree_of(bare: Path, commit: str) -> Tree:
    """Every file of ``commit``: path -> (mode, blob)."""
    out = git(bare, "ls-tree", "-r", "-z", "--full-tree", commit)
    files: Tree = {}
    for entry in out.split("\0"):
        if entry:
            meta, _, path = entry.partition("\t")
            mode, kind, blob = meta.split()
            if kind == "blob":
                files[path] = (mode, blob)
    return files


def load_template(clone_url: str, workdir: Path, auth_header: str | None) -> Template:
    bare, why = clone_bare(clone_url, workdir / "template.git", auth_header)
    if bare is None:
        raise SyncError(f"cannot clone the template: {why}")
    commit = git(bare, "rev-parse", f"refs/heads/{DEFAULT_BRANCH}").strip()
    meta = json.loads(git(bare, "cat-file", "blob", f"{commit}:{WEEK_META}"))
    notebook = str(meta.get("notebook") or f"{meta.get('week')}.ipynb")
    return Template(bare, commit, tree_of(bare, commit), frozenset({notebook}))


def plan(template: Template, current: Tree, original: Tree) -> Plan:
    """What to change in a repository whose ``main`` holds ``current`` and whose first commit held ``original``."""
    result = Plan()
    for path, entry in sorted(template.tree.items()):
        if current.get(path) == entry:
            continue
        if path in template.notebooks:
            if original.get(path) == entry:
                continue  # the template's notebook did not change: theirs is their work
            if current.get(path) is not None and current.get(path) != original.get(path):
                result.conflicts.append(path)  # both changed it: never overwrite the student
                continue
        result.set_files[path] = entry
    for path, entry in sorted(original.items()):
        if (
            path not in template.tree
            and current.get(path) == entry
            and path not in template.notebooks
        ):
            result.remove.append(path)  # the template dropped it and the student never touched it
    return result


def commit_plan(bare: Path, base: str, change: Plan, template: Template) -> str:
    """One commit on top of ``base`` with the planned files (objects fetched from the template)."""
    git(bare, "fetch", "--quiet", "--no-tags", str(template.bare), template.commit)
    index = bare / "sync.index"
    env = {**STAFF, "GIT_INDEX_FILE": str(index)}
    git(bare, "read-tree", base, env=env)
    if change.set_files:
        entries = [
            ("--cacheinfo", f"{mode},{blob},{path}")
            for path, (mode, blob) in change.set_files.items()
        ]
        git(bare, "update-index", "--add", *(part for entry in entries for part in entry), env=env)
    if change.remove:
        git(bare, "update-index", "--force-remove", "--", *change.remove, env=env)
    tree = git(bare, "write-tree", env=env).strip()
    message = f"Update from the template ({template.commit[:12]})\n\n" + "\n".join(
        [*(f"update {p}" for p in change.set_files), *(f"remove {p}" for p in change.remove)]
    )
    return git(bare, "commit-tree", tree, "-p", base, "-m", message, env=STAFF).strip()


def pull_body(change: Plan, template: Template) -> str:
    lines = [
        f"The course's template was updated (commit `{template.commit[:12]}`). This pull request",
        "brings the update to the files you do not edit; **your notebook is not touched**.",
        "Merge it to get the fix (your practice grade may change).",
        "",
    ]
    lines += [f"* update `{p}`" for p in change.set_files] or ["(see the commit for the files)"]
    lines += [f"* remove `{p}`" for p in change.remove]
    if change.conflicts:
        names = ", ".join(f"`{c}`" for c in change.conflicts)
        lines += [
            "",
            f"The template's {names} changed too, but you have edited yours: it was kept "
            "as it is. Your course staff will tell you what changed.",
        ]
    return "\n".join(lines) + "\n"


def sync_one(
    client: GitHubClient,
    full: str,
    template: Template,
    workdir: Path,
    auth_header: str | None,
    changes: Changes,
) -> tuple[str, Plan | None]:
    """Bring ``template`` to one repository; its status word and plan."""
    repo = api.repository(client, full)
    if repo is None:
        raise GitHubError("GET", f"/repos/{full}", 404, "Not Found")
    pulls = api.pull_requests(client, full, template.branch, DEFAULT_BRANCH)
    if pulls:
        state = "open" if pulls[0].get("state") == "open" else "closed: left alone"
        changes.note(f"pull request #{pulls[0]['number']} of this template is {state}")
        return "exists", None
    if api.branch_head(client, full, template.branch) is not None:  # pushed, but not yet proposed
        title = f"Template update ({template.commit[:12]})"
        pull = api.open_pull_request(
            client, full, template.branch, DEFAULT_BRANCH, title, pull_body(Plan(), template)
        )
        changes.record(f"open pull request #{pull['number']}")
        return "updated", None
    bare, why = clone_bare(
        str(repo["clone_url"]), workdir / f"{full.replace('/', '--')}.git", auth_header
    )
    if bare is None:
        raise SyncError(f"cannot clone {full}: {why}")
    head = git(bare, "rev-parse", f"refs/heads/{DEFAULT_BRANCH}").strip()
    first = git(bare, "rev-list", "--max-parents=0", head).split()[-1]
    change = plan(template, tree_of(bare, head), tree_of(bare, first))
    if change.empty:
        return "up to date", change
    if changes.dry_run:
        changes.make(f"open a pull request updating {_count(change)}", lambda: None)
        return "updated", change
    commit = commit_plan(bare, head, change, template)
    env = git_auth_env(auth_header) if auth_header else None
    git(
        bare,
        "push",
        "--quiet",
        str(repo["clone_url"]),
        f"{commit}:refs/heads/{template.branch}",
        env=env,
    )
    title = f"Template update: {_count(change)}"
    pull = api.open_pull_request(
        client, full, template.branch, DEFAULT_BRANCH, title, pull_body(change, template)
    )
    changes.record(f"open pull request #{pull['number']} updating {_count(change)}")
    return "updated", change


def _count(change: Plan) -> str:
    total = len(change.set_files) + len(change.remove)
    return f"{total} file{'s' if total != 1 else ''}"


def sync(
    client: GitHubClient,
    org: str,
    prefix: str,
    template_url: str,
    assignees: list[Assignee],
    *,
    auth_header: str | None,
    dry_run: bool = False,
    progress: Callable[[str, str], None] | None = None,
) -> list[Outcome]:
    """Sync every assignee's repository with the template (see the module docstring)."""
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="sync-") as scratch:
        template = load_template(template_url, Path(scratch), auth_header)
        stopped: RateLimited | None = None
        for assignee in assignees:
            full = f"{org}/{assignee.repository(prefix)}"
            if stopped is not None:
                outcomes += [github_refusal(full, m.student, stopped) for m in assignee.members]
                continue
            changes = Changes(dry_run)
            try:
                status, change = sync_one(
                    client, full, template, Path(scratch), auth_header, changes
                )
            except GitHubError as error:
                outcomes += [github_refusal(full, m.student, error) for m in assignee.members]
                if isinstance(error, RateLimited):
                    stopped = error
                continue
            except SyncError as error:
                outcomes += [failure(full, m.student, str(error)) for m in assignee.members]
                continue
            if change is not None and change.conflicts:
                status = "conflict: " + ", ".join(change.conflicts)
            rows = [Outcome(full, m.student, status) for m in assignee.members]
            rows[0].changes, rows[0].notes = changes.made, changes.notes
            outcomes += rows
            if progress is not None:
                progress(assignee.owner, status)
    return outcomes


__all__ = ["BRANCH_PREFIX", "Plan", "SyncError", "Template", "plan", "sync"]
