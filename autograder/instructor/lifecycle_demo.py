"""The life of a week on a local GitHub: ``python -m autograder demo --lifecycle``.

The story, on :class:`~autograder.instructor.local_github.LocalGitHub` in a
scratch folder, each step with the real command and a check of what it did:

1. ``publish week01 --github``: the template repository, private, a template;
2. ``distribute`` to alice, bob, carol and the team "pair" (dave and erin):
   four repositories, five invitations, four Feedback pull requests; the
   students accept with their own tokens; a second ``distribute`` changes nothing;
3. the students clone and push: alice correct work, bob partial work, dave
   for the pair correct work, carol partial work on time and her finished
   work a day late, with its commit date forged to look on time; after each push
   the template's grade workflow runs (its ``run:`` steps, as a runner would)
   and its report step comments on the Feedback pull request;
4. a typo fixed in the template, and ``sync``: a pull request on every
   repository, the edited notebooks reported as conflicts, never overwritten;
5. ``lock`` after the deadline: everyone read-only but erin, whose extension
   runs on; a locked push is refused;
6. ``regrade --repos ORG``: hidden tests in the sandbox, push times from the
   server (carol's forged date does not count); ``return``: the official
   feedback on every Feedback pull request; a second ``return`` changes nothing;
7. ``unlock``; the gradebook.

It ends with ``lifecycle OK`` only if every check passed.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.course import locate_week
from autograder.instructor.demo import plant_bugs
from autograder.instructor.local_actions import JobRun, load_workflow, run_job
from autograder.instructor.local_github import LocalGitHub
from autograder.reporting.markdown import COMMENT_MARKER

WEEK = "week01"
ORG = "ml-course"
TEMPLATE = f"{ORG}/{WEEK}-template"
DEADLINE = "2026-11-01T23:59:00+00:00"
ROSTER = "student,team\nalice,\nbob,\ncarol,\ndave,pair\nerin,pair\n"
LATE_POLICY = (
    'policy = "penalty"\npenalty_per_day = 0.2\nmax_late_days = 1\n\n[extensions]\nerin = "3d"\n'
)
STUDENTS = ("alice", "bob", "carol", "dave", "erin")
REPOSITORIES = {"alice": "alice", "bob": "bob", "carol": "carol", "dave": "pair", "erin": "pair"}
FULL = 23.0
# the totals the regrade must give: carol's work is a day late (x 0.8), bob's has two bugs
EXPECTED = {"alice": FULL, "bob": 13.0, "carol": round(FULL * 0.8, 6), "dave": FULL, "erin": FULL}
BOT = "github-actions"
Say = Callable[[str], None]


@dataclass
class Check:
    step: str
    ok: bool
    detail: str


@dataclass
class Lifecycle:
    """The story's state: the server, the scratch folder, what each step found."""

    course_root: Path
    scratch: Path
    hub: LocalGitHub
    say: Say = print
    tokens: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    measures: dict[str, Any] = field(default_factory=dict)
    workflow_runs: dict[str, JobRun] = field(default_factory=dict)

    # ------------------------------------------------------------------ helpers
    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def check(self, step: str, ok: bool, detail: str) -> bool:
        self.checks.append(Check(step, ok, detail))
        self.say(f"   {'ok' if ok else 'FAILED'}: {detail}")
        return ok

    def cli(self, *args: str) -> int:
        """A verb of ``python -m autograder``, run here with the instructor's token."""
        from autograder.__main__ import main

        self.say(f"\n   $ python -m autograder {' '.join(args)}")
        with _environment(GITHUB_TOKEN=self.tokens["staff"], GITHUB_API_URL=self.hub.api_url):
            return main(list(args))

    def writes_since(self, start: int) -> list[tuple[str, str]]:
        return [r for r in self.hub.requests[start:] if r[0] != "GET"]

    def repo(self, student: str) -> str:
        return f"{ORG}/{WEEK}-{REPOSITORIES[student]}"

    def comments(self, student: str, number: int = 1) -> list[str]:
        repo = self.hub.repository(self.repo(student))
        return [c.body for c in repo.comments_on(number)]

    # ------------------------------------------------------------------ the story
    def setup(self) -> None:
        self.say(f"0. a local GitHub at {self.hub.url}, organisation {ORG}, five students")
        self.tokens["staff"] = self.hub.add_user("staff")
        for student in STUDENTS:
            self.tokens[student] = self.hub.add_user(student)
        self.tokens[BOT] = self.hub.add_user(BOT, scopes=None)  # the workflows' GITHUB_TOKEN
        self.hub.add_organisation(ORG, owners=("staff",))
        (self.scratch / "roster.csv").write_text(ROSTER)
        (self.scratch / "late.toml").write_text(LATE_POLICY)
        self.hub.set_time("2026-10-25T09:00:00Z")

    def publish(self) -> None:
        self.say("\n1. publish the week 1 template to GitHub")
        code = self.cli(
            "publish",
            WEEK,
            str(self.scratch / "template"),
            "--course",
            str(self.course_root),
            "--github",
            TEMPLATE,
        )
        repo = self.hub.repos.get(TEMPLATE.lower())
        self.check(
            "publish",
            code == 0 and repo is not None and repo.is_template and repo.private,
            f"{TEMPLATE} exists, private, marked as a template (exit {code})",
        )

    def distribute(self) -> None:
        self.say(
            "\n2. distribute: a private repository per student or team, the Feedback pull request"
        )
        args = (
            "distribute",
            WEEK,
            "--roster",
            str(self.scratch / "roster.csv"),
            "--org",
            ORG,
            "--pace",
            "0",
        )
        start = len(self.hub.requests)
        code = self.cli(*args)
        calls = len(self.hub.requests) - start
        self.measures["distribute calls"] = calls
        self.measures["distribute calls per student"] = round(calls / len(STUDENTS), 1)
        repos = {self.repo(s) for s in STUDENTS}
        made = [self.hub.repos.get(r.lower()) for r in sorted(repos)]
        ready = all(
            r is not None
            and r.private
            and r.template == TEMPLATE
            and any(
                p.state == "open" and (p.head, p.base) == ("main", "feedback") for p in r.pulls()
            )
            for r in made
        )
        invited = sorted(i.invitee for r in made if r for i in r.invitations)
        self.check(
            "distribute",
            code == 0 and ready and invited == sorted(STUDENTS),
            f"{len(repos)} repositories from the template with an open Feedback pull request, "
            f"{len(invited)} invitations; {calls} API calls ({calls / len(STUDENTS):.1f} per student)",
        )
        self.say("\n   the students accept their invitations, each with their own token")
        from autograder.github.client import GitHubClient

        for student in STUDENTS:
            own = GitHubClient(self.tokens[student], self.hub.api_url)
            for invitation in own.paginate("/user/repository_invitations"):
                own.request("PATCH", f"/user/repository_invitations/{invitation['id']}")
        for full in repos:  # the Actions app of each repository (its GITHUB_TOKEN)
            self.hub.repository(full).collaborators[BOT] = "write"
        start = len(self.hub.requests)
        code = self.cli(*args)
        writes = self.writes_since(start)
        self.measures["second distribute writes"] = len(writes)
        accepted = all(s in self.hub.repository(self.repo(s)).collaborators for s in STUDENTS)
        self.check(
            "distribute again",
            code == 0 and not writes and accepted,
            f"second distribute: every student accepted, {len(writes)} changes "
            f"({len(self.hub.requests) - start} read-only calls)",
        )

    def work(self) -> None:
        self.say(
            "\n3. the students push their work; the grade workflow comments on each Feedback pull request"
        )
        week = locate_week(WEEK, self.course_root)
        solution = json.loads(week.solution_notebook.read_text())
        notebooks = {
            "correct": week.solution_notebook.read_bytes(),
            "partial": json.dumps(plant_bugs(solution)).encode(),
        }
        pushes = [  # (who, notebook, server time of the push, forged commit date)
            ("alice", "correct", "2026-11-01T10:00:00Z", None),
            ("bob", "partial", "2026-11-01T11:00:00Z", None),
            ("carol", "partial", "2026-11-01T12:00:00Z", None),
            ("dave", "correct", "2026-11-01T13:00:00Z", None),
            ("carol", "correct", "2026-11-02T09:00:00Z", "2026-11-01T20:00:00+00:00"),
        ]
        practice_points = {"correct": "11 / 11 points", "partial": "6 / 11 points"}
        for student, kind, when, forged in pushes:
            self.hub.set_time(when)
            clone = self.scratch / "students" / student
            if not clone.exists():
                _git(
                    self.scratch,
                    "clone",
                    "-q",
                    self.hub.authenticated_url(self.repo(student), self.tokens[student]),
                    str(clone),
                )
            (clone / f"{WEEK}.ipynb").write_bytes(notebooks[kind])
            _git(clone, "add", f"{WEEK}.ipynb")
            _git(clone, "commit", "-q", "-m", f"{kind} work", who=student, when=forged or when)
            _git(clone, "push", "-q", "origin", "main")
            sha = _git(clone, "rev-parse", "HEAD").strip()
            run = self.grade_workflow(student, clone, sha, len(self.workflow_runs) + 1)
            self.workflow_runs[f"{student}:{kind}"] = run
            practice = [b for b in self.comments(student) if COMMENT_MARKER in b]
            self.say(
                f"   {student} pushed {kind} work at {when}"
                + (f" (commit dated {forged})" if forged else "")
            )
            self.check(
                f"workflow {student} {kind}",
                not run.failed and len(practice) == 1 and practice_points[kind] in practice[0],
                f"{self.repo(student)} #1: one grade comment, "
                + (practice[0].splitlines()[1].lstrip("# ") if practice else "none"),
            )

    def grade_workflow(self, student: str, clone: Path, sha: str, number: int) -> JobRun:
        """The template's grade workflow on a push to main, as the runner would run it."""
        workflow = load_workflow(clone / ".github" / "workflows" / "grade.yml")
        runner = self.scratch / "runner" / f"run{number}"
        runner.mkdir(parents=True)
        event = runner / "event.json"
        event.write_text(json.dumps({"ref": "refs/heads/main", "after": sha}))
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", str(self.scratch)),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": "push",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": self.repo(student),
            "GITHUB_REF_NAME": "main",
            "GITHUB_HEAD_REF": "",
            "GITHUB_SHA": sha,
            "GITHUB_RUN_ID": str(number),
            "GITHUB_SERVER_URL": self.hub.url,
            "GITHUB_API_URL": self.hub.api_url,
        }
        context = {"github.workspace": str(clone), "github.token": self.tokens[BOT]}
        (job,) = workflow["jobs"]
        return run_job(
            workflow,
            job,
            workspace=clone,
            runner=runner,
            env=env,
            context=context,
            skip=frozenset({"install"}),
        )

    def sync(self) -> None:
        self.say(
            "\n4. a typo fixed in the template; sync brings the fix without touching the students' work"
        )
        self.hub.set_time("2026-11-01T14:00:00Z")
        fix = self.scratch / "template-fix"
        _git(
            self.scratch,
            "clone",
            "-q",
            self.hub.authenticated_url(TEMPLATE, self.tokens["staff"]),
            str(fix),
        )
        readme = fix / "README.md"
        readme.write_text(
            readme.read_text() + "\n(Fixed: the deadline is the time GitHub received your push.)\n"
        )
        notebook = json.loads((fix / f"{WEEK}.ipynb").read_text())
        notebook["cells"][0]["source"] = (
            "".join(notebook["cells"][0]["source"]) + "\n\n(typo fixed)"
        )
        (fix / f"{WEEK}.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
        _git(fix, "commit", "-q", "-am", "Fix a typo in the README and the notebook", who="staff")
        _git(fix, "push", "-q", "origin", "main")
        before = {s: self.hub.repository(self.repo(s)).path for s in STUDENTS}
        mains = {s: _git(p, "rev-parse", "refs/heads/main").strip() for s, p in before.items()}
        args = (
            "sync",
            WEEK,
            "--roster",
            str(self.scratch / "roster.csv"),
            "--org",
            ORG,
            "--pace",
            "0",
        )
        code = self.cli(*args)
        proposed = {}
        for student in STUDENTS:
            repo = self.hub.repository(self.repo(student))
            pulls = [p for p in repo.pulls() if p.head and p.head.startswith("template-update-")]
            proposed[student] = bool(pulls) and _git(
                repo.path, "diff", "--name-only", f"main...{pulls[0].head}"
            ).split() == ["README.md"]
        untouched = all(
            _git(before[s], "rev-parse", "refs/heads/main").strip() == mains[s] for s in STUDENTS
        )
        self.check(
            "sync",
            code == 0 and all(proposed.values()) and untouched,
            "a pull request updating README.md on every repository, main untouched, "
            "the edited notebooks kept (conflicts in the table)",
        )
        start = len(self.hub.requests)
        code = self.cli(*args)
        self.check(
            "sync again",
            code == 0 and not self.writes_since(start),
            "a second sync changes nothing",
        )

    def lock(self) -> None:
        self.say("\n5. lock after the deadline (erin has an extension)")
        self.hub.set_time("2026-11-03T01:00:00Z")
        code = self.cli(
            "lock",
            WEEK,
            "--roster",
            str(self.scratch / "roster.csv"),
            "--org",
            ORG,
            "--deadline",
            DEADLINE,
            "--late-policy",
            str(self.scratch / "late.toml"),
            "--pace",
            "0",
        )
        levels = {s: self.hub.repository(self.repo(s)).collaborators.get(s) for s in STUDENTS}
        clone = self.scratch / "students" / "alice"
        (clone / "late.txt").write_text("too late\n")
        _git(clone, "add", "late.txt")
        _git(clone, "commit", "-q", "-m", "after the deadline", who="alice")
        refused = _git(clone, "push", "-q", "origin", "main", check=False) != 0
        _git(clone, "reset", "-q", "--hard", "HEAD~1")
        self.check(
            "lock",
            code == 0
            and refused
            and levels == {**dict.fromkeys(STUDENTS, "read"), "erin": "write"},
            f"read-only: {', '.join(s for s in STUDENTS if levels[s] == 'read')}; erin still write; "
            f"alice's push was {'refused' if refused else 'ACCEPTED'}",
        )

    def sandbox_for_the_regrade(self) -> dict[str, str]:
        """The environment of the demo's regrade: official grading refuses the weak sandbox.

        The demo grades only the course's own notebooks, so where this machine
        offers nothing stronger (not root, no user namespaces) it accepts the
        weak one for that regrade, and says so; a real regrade still refuses.
        """
        from autograder.grading.submission import ALLOW_WEAK_ENV
        from autograder.sandbox.isolation import isolation

        if isolation().mode != "weak":
            return {}
        self.say(
            "   only the weak sandbox is available here: the demo grades only its own notebooks, "
            f"so it sets {ALLOW_WEAK_ENV}=1 for this regrade (a real one refuses: run it as root)"
        )
        return {ALLOW_WEAK_ENV: "1"}

    def regrade_and_return(self) -> None:
        self.say(
            "\n6. the official regrade from the organisation (push times from GitHub), then return"
        )
        self.hub.set_time("2026-11-03T02:00:00Z")
        grades = self.scratch / "grades" / WEEK
        with _environment(**self.sandbox_for_the_regrade()):
            code = self.cli(
                "regrade",
                WEEK,
                "--course",
                str(self.course_root),
                "--roster",
                str(self.scratch / "roster.csv"),
                "--repos",
                ORG,
                "--deadline",
                DEADLINE,
                "--late-policy",
                str(self.scratch / "late.toml"),
                "--out",
                str(grades),
                "-j",
                "2",
            )
        rows = _gradebook(grades / "gradebook.csv")
        totals = {s: float(rows[s]["total"]) for s in rows}
        carol = rows.get("carol", {})
        self.check(
            "regrade",
            code == 0
            and totals == EXPECTED
            and carol.get("time_source") == "push"
            and carol.get("days_late") == "1",
            "totals "
            + ", ".join(f"{s} {t:g}" for s, t in totals.items())
            + f"; carol's late push counted by its push time ({carol.get('commit_time')})",
        )
        args = (
            "return",
            WEEK,
            str(grades),
            "--roster",
            str(self.scratch / "roster.csv"),
            "--org",
            ORG,
            "--course",
            str(self.course_root),
            "--pace",
            "0",
        )
        code = self.cli(*args)
        posted = {
            s: [b for b in self.comments(s) if f"official grade for {s}" in b] for s in STUDENTS
        }
        self.check(
            "return",
            code == 0 and all(len(posted[s]) == 1 for s in STUDENTS),
            "one official feedback comment per student on the Feedback pull request",
        )
        start = len(self.hub.requests)
        code = self.cli(*args)
        writes = self.writes_since(start)
        self.measures["second return writes"] = len(writes)
        self.check(
            "return again", code == 0 and not writes, f"a second return: {len(writes)} changes"
        )

    def unlock(self) -> None:
        self.say("\n7. unlock")
        code = self.cli(
            "unlock",
            WEEK,
            "--roster",
            str(self.scratch / "roster.csv"),
            "--org",
            ORG,
            "--pace",
            "0",
        )
        levels = {self.hub.repository(self.repo(s)).collaborators.get(s) for s in STUDENTS}
        self.check("unlock", code == 0 and levels == {"write"}, "every student can push again")

    def run(self) -> bool:
        started = time.monotonic()
        steps = (
            self.setup,
            self.publish,
            self.distribute,
            self.work,
            self.sync,
            self.lock,
            self.regrade_and_return,
            self.unlock,
        )
        for step in steps:
            try:
                step()
            except Exception as error:  # a step that crashed is a failed check, and the story stops
                self.check(step.__name__, False, f"{type(error).__name__}: {error}")
                break
        self.measures["seconds"] = round(time.monotonic() - started, 1)
        grades = self.scratch / "grades" / WEEK / "gradebook.csv"
        if grades.is_file():
            self.say("\nthe gradebook:\n")
            self.say(_gradebook_table(grades))
        self.say(
            "\n"
            + ", ".join(f"{k}: {v}" for k, v in self.measures.items())
            + f"\nfiles in {self.scratch}"
        )
        return self.ok


def run_lifecycle(course_root: Path, keep: Path | None = None, say: Say = print) -> Lifecycle:
    """Run the whole story in ``keep`` (or a new scratch folder); the finished :class:`Lifecycle`."""
    scratch = keep or Path(tempfile.mkdtemp(prefix="course-lifecycle-"))
    scratch.mkdir(parents=True, exist_ok=True)
    with LocalGitHub(scratch / "github") as hub:
        lifecycle = Lifecycle(course_root, scratch, hub, say)
        lifecycle.run()
    return lifecycle


# ----------------------------------------------------------------------------- small helpers
@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _git(
    cwd: Path, *args: str, who: str = "student", when: str | None = None, check: bool = True
) -> Any:
    """git as a student on their laptop would run it; stdout (or the exit code with ``check=False``)."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who}@example.org",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": f"{who}@example.org",
        "GIT_TERMINAL_PROMPT": "0",
    }
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if not check:
        return done.returncode
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args[:2])} failed: {done.stderr.strip()[-300:]}")
    return done.stdout


def _gradebook(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    with path.open(newline="") as stream:
        return {row["student"]: row for row in csv.DictReader(stream)}


def _gradebook_table(path: Path) -> str:
    columns = (
        "student",
        "status",
        "total",
        "max_score",
        "late",
        "days_late",
        "time_source",
        "commit_time",
    )
    rows = [columns, *(tuple(r.get(c, "") for c in columns) for r in _gradebook(path).values())]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    )


__all__ = ["EXPECTED", "Lifecycle", "run_lifecycle"]
