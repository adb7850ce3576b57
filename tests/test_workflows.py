"""The workflows: least privilege and pinning, the linters, and the student workflow run for real.

The end-to-end test runs the student workflow's own ``run:`` steps, in
order and exactly as written in ``grade.yml``, in a temporary student
repository (the week 1 release at the root, with ``autograder/`` and
``course_lib/`` as the published template has them), with
:mod:`autograder.instructor.local_actions`: the runner's files
(GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, the event) are temporary
files and GITHUB_API_URL points at the local GitHub. Only the network
install step is left out: this test runs in the already-built course
environment.

The course's own regrade workflow is run the same way (its shard jobs and
its merge job, as root through a ``sudo`` that resets the environment as
sudo does), against the local GitHub: see ``test_regrade_workflow_*``.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograder.instructor.local_actions import load_workflow, run_job
from autograder.reporting.formats import classroom
from autograder.reporting.markdown import COMMENT_MARKER
from tests.autograder.github.test_client import TOKEN, FakeGitHub
from tests.conftest import ROOT

pytest.importorskip("yaml")  # load_workflow reads YAML

STUDENT_WORKFLOW = (
    ROOT / "autograder" / "templates" / "student" / ".github" / "workflows" / "grade.yml"
)
COURSE_WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ALL_WORKFLOWS = sorted(
    [
        *(ROOT / ".github" / "workflows").glob("*.yml"),
        *(ROOT / "autograder" / "templates").rglob("*.yml"),
    ]
)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
BIN = Path(sys.executable).parent
# the install step needs the network; the test already runs in the course environment
SKIPPED_STEPS = frozenset({"install"})


def load(path: Path) -> dict[str, Any]:
    return load_workflow(path)


def steps(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in doc["jobs"].items() for step in job.get("steps", [])]


# -- static rules -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [STUDENT_WORKFLOW, COURSE_WORKFLOW], ids=lambda p: p.name)
def test_least_privilege_pins_and_no_interpolation(path: Path) -> None:
    text = path.read_text()
    doc = load(path)
    assert doc["permissions"] == {}, "the workflow grants nothing; each job asks for what it needs"
    assert "pull_request_target" not in doc["on"] and "workflow_run" not in doc["on"]
    assert "secrets." not in text, "GITHUB_TOKEN only, through env:"
    for job in doc["jobs"].values():
        assert "permissions" in job
        assert set(job["permissions"].values()) <= {"read", "write", "none"}
    for _, step in steps(doc):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"not pinned to a full commit SHA: {step['uses']}"
            line = next(line for line in text.splitlines() if step["uses"] in line)
            assert re.search(r"# v\d+", line), f"no version comment: {line.strip()}"
            if step["uses"].startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False
        if "run" in step:
            assert "${{" not in step["run"], f"expression interpolated into a script: {step['run']}"


def test_student_workflow_triggers_permissions_and_concurrency() -> None:
    doc = load(STUDENT_WORKFLOW)
    assert {"push", "pull_request"} <= set(doc["on"])
    assert doc["concurrency"]["cancel-in-progress"] is True
    assert "head_ref" in doc["concurrency"]["group"] and "ref_name" in doc["concurrency"]["group"]
    (job,) = doc["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    report = next(step for _, step in steps(doc) if step.get("id") == "autograder")
    assert report["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    assert "cancelled()" in report["if"], "the report also runs when grading failed"
    install = next(step for _, step in steps(doc) if step.get("id") == "install")
    assert doc["env"]["TORCH_INDEX"] == "https://download.pytorch.org/whl/cpu"
    assert "$TORCH_INDEX" in install["run"] and "cache-hit" in install["if"]


def test_linters_pass_on_every_workflow() -> None:
    tools = [BIN / "check-jsonschema", BIN / "zizmor"]
    if not all(tool.exists() for tool in tools):
        pytest.skip("check-jsonschema and zizmor are installed by `nox -s lint`")
    assert STUDENT_WORKFLOW in ALL_WORKFLOWS and COURSE_WORKFLOW in ALL_WORKFLOWS
    files = [str(p) for p in ALL_WORKFLOWS]
    schema = subprocess.run(
        [str(tools[0]), "--builtin-schema", "vendor.github-workflows", *files],
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = subprocess.run(
        [str(tools[1]), "--offline", "--min-severity", "low", *files],
        capture_output=True,
        text=True,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr


# -- the student workflow, run ------------------------------------------------------------


def student_repository(tmp: Path) -> Path:
    """A student repository as published: the week 1 release at the root, plus the packages."""
    repo = tmp / "week01-alice"
    shutil.copytree(ROOT / "assignments" / "week01", repo)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("autograder", "course_lib"):
        shutil.copytree(ROOT / package, repo / package, ignore=ignore)
    shutil.copytree(STUDENT_WORKFLOW.parents[2], repo, dirs_exist_ok=True, ignore=ignore)
    return repo


def run_workflow(repo: Path, server: FakeGitHub, tmp: Path, run_number: int) -> dict[str, Any]:
    """Run the workflow's run: steps in order, like the runner; return what each step left."""
    runner = tmp / f"runner{run_number}"
    runner.mkdir(parents=True)
    event = runner / "event.json"
    event.write_text(
        json.dumps({"number": 1, "pull_request": {"number": 1, "head": {"ref": "main"}}})
    )
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "ml-2026/week01-alice",
        "GITHUB_REF_NAME": "1/merge",
        "GITHUB_HEAD_REF": "main",
        "GITHUB_SHA": f"{run_number:040x}",
        "GITHUB_RUN_ID": str(1000 + run_number),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": server.url,
    }
    context = {"github.workspace": str(repo), "github.token": TOKEN}
    job = run_job(
        load(STUDENT_WORKFLOW),
        "grade",
        workspace=repo,
        runner=runner,
        env=env,
        context=context,
        skip=SKIPPED_STEPS,
    )
    results: dict[str, Any] = {
        name: {
            "rc": r.rc,
            "stdout": r.stdout,
            "stderr": r.stderr,
            "outputs": r.outputs,
            "summary": r.summary,
        }
        for name, r in job.steps.items()
    }
    record = runner / "temp" / "results.json"
    results["record"] = json.loads(record.read_text()) if record.is_file() else None
    return results


def succeeded(results: dict[str, Any]) -> bool:
    failed = {k: v for k, v in results.items() if k != "record" and v["rc"] != 0}
    assert not failed, "".join(
        f"step {k} failed:\n{v['stdout']}\n{v['stderr']}" for k, v in failed.items()
    )
    return True


@pytest.mark.slow
def test_student_workflow_grades_reports_and_keeps_one_comment(tmp_path: Path) -> None:
    repo = student_repository(tmp_path)
    with FakeGitHub() as server:
        server.add_comment(1, "Feedback pull request: your teacher will comment here.")
        first = run_workflow(repo, server, tmp_path, 1)
        assert succeeded(first)

        # The released notebook is the stub: graded, zero points, the job still succeeds.
        assert first["grade"]["outputs"]["exit-code"] == "1"
        record = first["record"]
        assert record["status"] == "graded" and record["score"] == 0 and record["max_score"] == 11
        report = first["autograder"]
        assert "## week01: 0 / 11 points (practice grade, public tests)" in report["summary"]
        assert "9 hidden items (12 points) are not part of this run" in report["summary"]
        runner_result = classroom.decode(report["outputs"]["result"])
        assert classroom.validate(runner_result) == []
        assert sum(t["score"] for t in runner_result["tests"]) == record["score"]
        assert runner_result["max_score"] == record["max_score"]
        assert [t["name"] for t in runner_result["tests"]] == [t["name"] for t in record["tests"]]
        assert "::notice title=Autograding complete::Points 0/11" in report["stdout"]
        assert len(server.all_comments(1)) == 2

        # The student finishes the work and pushes again: same comment, updated.
        shutil.copy(ROOT / "solutions" / "week01" / "week01.ipynb", repo / "week01.ipynb")
        second = run_workflow(repo, server, tmp_path, 2)
        assert succeeded(second)
        assert second["grade"]["outputs"]["exit-code"] == "0"
        assert second["record"]["score"] == 11
        report = second["autograder"]
        assert "::notice title=Autograding complete::Points 11/11" in report["stdout"]
        assert "8 of 8 graded items passed. **9 hidden items" in report["summary"]
        runner_result = classroom.decode(report["outputs"]["result"])
        assert (
            sum(t["score"] for t in runner_result["tests"]) == 11
            and runner_result["status"] == "pass"
        )

        comments = server.all_comments(1)
        marked = [c for c in comments if COMMENT_MARKER in c["body"]]
        assert len(comments) == 2 and len(marked) == 1
        assert "11 / 11 points" in marked[0]["body"] and "actions/runs/1002" in marked[0]["body"]
        assert [m for m, _ in server.requests].count("POST") == 1
        assert [m for m, _ in server.requests].count("PATCH") == 1


@pytest.mark.slow
def test_student_workflow_reports_a_grader_failure_and_fails_the_job(tmp_path: Path) -> None:
    repo = student_repository(tmp_path)
    (repo / "references" / "public.json").write_text(
        "{ not json"
    )  # the grader cannot load its references
    with FakeGitHub() as server:
        results = run_workflow(repo, server, tmp_path, 1)
    assert results["grade"]["rc"] == 0 and results["grade"]["outputs"]["exit-code"] == "3"
    report = results["autograder"]
    assert report["rc"] == 3, "an internal error of the grader fails the job"
    assert "could not grade" in report["summary"] and report["outputs"]["status"] == "error"
    assert classroom.decode(report["outputs"]["result"])["status"] == "error"
    body = server.all_comments(1)[0]["body"]
    assert "could not grade" in body and "not with your work" in body


# -- the Classroom 50 adapter ---------------------------------------------------------------

ADAPTER = ROOT / "autograder" / "templates" / "classroom50" / "autograder.py"
CLASSROOM50_ENV = {
    "CLASSROOM": "ml-2026",
    "ASSIGNMENT": "week01",
    "SUBMISSION_TAG": "submit/2026-11-25T10-00-00Z-abc1234",
    "COMMIT_URL": "https://github.com/ml-2026/ml-2026-week01-alice/commit/abc1234",
    "RELEASE_URL": "https://github.com/ml-2026/ml-2026-week01-alice/releases/tag/submit%2F2026",
    "REVIEW_URL": "https://github.com/ml-2026/ml-2026-week01-alice/compare/base...abc1234",
}


def classroom50_bundle(tmp: Path, repo: Path) -> Path:
    """The public bundle: the adapter plus the template's grader and public release files."""
    bundle = tmp / "bundle"
    bundle.mkdir()
    shutil.copy(ADAPTER, bundle / "autograder.py")
    for name in ("autograder", "course_lib", "references"):
        shutil.copytree(repo / name, bundle / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("week.json", "grading.py"):
        shutil.copy(repo / name, bundle / name)
    return bundle


def run_adapter(
    bundle: Path, checkout: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "CLASSROOM50_BUNDLE_DIR": str(bundle),
        **(CLASSROOM50_ENV if env is None else env),
    }
    return subprocess.run(
        [sys.executable, str(bundle / "autograder.py"), *args],
        cwd=checkout,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_classroom50_adapter_writes_a_valid_result_with_the_bundled_grader(tmp_path: Path) -> None:
    from autograder.reporting.formats import classroom50

    checkout = student_repository(tmp_path)
    bundle = classroom50_bundle(tmp_path, checkout)
    shutil.copy(ROOT / "solutions" / "week01" / "week01.ipynb", checkout / "week01.ipynb")
    # A student who edits the grader in their own repository changes nothing: the bundle's grader runs.
    (checkout / "autograder" / "__init__.py").write_text(
        "raise SystemExit('the tampered grader ran')\n"
    )
    done = run_adapter(bundle, checkout)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((checkout / "result.json").read_text())
    assert classroom50.validate(result) == []
    assert (result["score"], result["max-score"]) == (11, 11)
    assert result["submission"] == CLASSROOM50_ENV["SUBMISSION_TAG"] and result["review"].endswith(
        "...abc1234"
    )
    assert "11 / 11 points" in (checkout / "release-body.md").read_text()


@pytest.mark.slow
def test_classroom50_adapter_exits_0_for_a_low_score(tmp_path: Path) -> None:
    checkout = student_repository(tmp_path)  # the released stub: zero points
    done = run_adapter(classroom50_bundle(tmp_path, checkout), checkout)
    assert done.returncode == 0, done.stderr
    assert json.loads((checkout / "result.json").read_text())["score"] == 0


def test_classroom50_adapter_refuses_hidden_material_and_missing_identity(tmp_path: Path) -> None:
    checkout = student_repository(tmp_path)
    bundle = classroom50_bundle(tmp_path, checkout)
    refused = run_adapter(bundle, checkout, "--hidden")
    assert refused.returncode == 2 and "public" in refused.stderr
    no_identity = run_adapter(bundle, checkout, env={})
    assert no_identity.returncode == 2 and "SUBMISSION_TAG" in no_identity.stderr
    shutil.copy(ROOT / "solutions" / "week01" / "hidden_grading.py", bundle / "hidden_grading.py")
    leaked = run_adapter(bundle, checkout)
    assert leaked.returncode == 2 and "hidden_grading.py" in leaked.stderr
    (bundle / "hidden_grading.py").unlink()
    (bundle / "references" / "hidden.json").write_text("{}")
    assert run_adapter(bundle, checkout).returncode == 2
    (bundle / "references" / "hidden.json").unlink()
    shutil.copy(
        ROOT / "solutions" / "week03" / "references" / "reference_implementations.py",
        bundle / "references",
    )
    leaked = run_adapter(bundle, checkout)
    assert leaked.returncode == 2 and "reference_implementations.py" in leaked.stderr
    assert not (checkout / "result.json").exists()


def test_devcontainer_installs_the_course_and_a_kernel() -> None:
    folder = STUDENT_WORKFLOW.parents[2] / ".devcontainer"
    config = json.loads((folder / "devcontainer.json").read_text())
    setup = config["onCreateCommand"]
    assert (
        "-r .devcontainer/requirements.txt" in setup
        and "https://download.pytorch.org/whl/cpu" in setup
    )
    assert "ipykernel install" in setup
    assert "ms-toolsai.jupyter" in config["customizations"]["vscode"]["extensions"]
    assert (
        "__NOTEBOOK__" in config["customizations"]["codespaces"]["openFiles"]
    )  # filled in by publish
    assert not (folder / "requirements.txt").exists(), "publish writes it from requirements.lock"


# -- the course's regrade workflow, run: shards as root in the strict sandbox, then the merge --

REGRADE_WORKFLOW = ROOT / ".github" / "workflows" / "regrade.yml"
DEADLINE = "2026-11-01T23:59:00+00:00"
RUNNER_UID = 65534  # the steps run as an ordinary user, as the hosted runner's `runner` is
# sudo as on the hosted runner: env_reset (only --preserve-env=LIST passes), the command run as
# root, and sudo the command's parent while it runs (so its command line is there to be read).
# This one asks a root process of the test (a socket, see SudoBroker) to run the command.
SUDO = """#!{python}
import json, os, socket, sys
args, keep = sys.argv[1:], set()
while args and args[0].startswith("-"):
    option = args.pop(0)
    if not option.startswith("--preserve-env="):
        sys.exit(f"sudo (test): unsupported option {{option}}")
    keep.update(option.split("=", 1)[1].split(","))
env = {{"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
       "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash"}}
env.update({{k: os.environ[k] for k in keep if k in os.environ}})
with socket.socket(socket.AF_UNIX) as conn:
    conn.connect({socket!r})
    conn.sendall(json.dumps({{"args": args, "env": env, "cwd": os.getcwd()}}).encode() + b"\\n")
    answer = json.loads(conn.makefile().readline())
sys.stdout.write(answer["stdout"])
sys.stderr.write(answer["stderr"])
sys.exit(answer["rc"])
"""


class SudoBroker:
    """The root side of the test's sudo: runs each command it is sent as root, with the env given."""

    def __init__(self, folder: Path) -> None:
        import socketserver
        import threading

        self.path = folder / "sudo.sock"

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request = json.loads(self.rfile.readline())
                done = subprocess.run(
                    request["args"],
                    env=request["env"],
                    cwd=request["cwd"],
                    capture_output=True,
                    text=True,
                    timeout=1800,
                )
                answer = {"rc": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
                self.wfile.write(json.dumps(answer).encode() + b"\n")

        self.server = socketserver.UnixStreamServer(str(self.path), Handler)
        self.path.chmod(0o777)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# nox -s SESSION -- ARGS: the session's one command (this test already runs in its environment)
NOX = """#!/bin/bash
[ "$1" = "-s" ] || {{ echo "nox (test): only -s SESSION -- ARGS" >&2; exit 2; }}
session="$2"; shift 2; [ "${{1:-}}" = "--" ] && shift
exec {python} -m autograder "$session" "$@"
"""
# a submission that looks for any token in its environment and in every process's
# environment and command line, and reports what it found as task_type's answer
HUNT_TOKENS = r"""
import os, re
def _hunt():
    pattern = re.compile(rb"ghp_[0-9a-f]{36}|eC1hY2Nlc3MtdG9rZW46[A-Za-z0-9+/=]+")
    blobs, seen = [repr(dict(os.environ)).encode()], 0
    for pid in os.listdir("/proc"):
        for name in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as stream:
                    blobs.append(stream.read())
                    seen += 1
            except OSError:
                pass
    return seen, [m.decode() for blob in blobs for m in pattern.findall(blob)]
SEEN, FOUND = _hunt()
def task_type(y):
    return ("LEAK " + FOUND[0]) if FOUND else f"NOLEAK{SEEN}"
"""


def regrade_course(tmp: Path, hub: Any) -> tuple[str, dict[str, str]]:
    """Three students' repositories in the organisation "course", pushed before the deadline."""
    from autograder.instructor.demo import plant_bugs
    from tests.conftest import notebook_with_extra_cells

    token = hub.add_user("staff")
    hub.add_organisation("course", owners=("staff",))
    template = hub.create_repository("course", "week01-template", is_template=True)
    week = ROOT / "solutions" / "week01" / "week01.ipynb"
    blank = ROOT / "assignments" / "week01" / "week01.ipynb"
    work = {
        "correct": week.read_bytes(),
        "partial": json.dumps(plant_bugs(json.loads(week.read_text()))).encode(),
        "hunter": notebook_with_extra_cells(blank, after=[HUNT_TOKENS]),
    }
    seed = tmp / "seed"
    seed.mkdir()
    shutil.copy(blank, seed / "week01.ipynb")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "template"]):
        subprocess.run([*git, *args], cwd=seed, check=True, capture_output=True)
    subprocess.run([*git, "push", "-q", str(template.path), "main"], cwd=seed, check=True)
    hub.set_time("2026-10-30T12:00:00Z")
    for student, notebook in work.items():
        hub.generate(template, "course", f"week01-{student}", True, "staff")
        clone = tmp / "clones" / student
        url = hub.authenticated_url(f"course/week01-{student}", token)
        subprocess.run([*git, "clone", "-q", url, str(clone)], check=True, capture_output=True)
        (clone / "week01.ipynb").write_bytes(notebook)
        for args in (["commit", "-qam", "work"], ["push", "-q", "origin", "main"]):
            subprocess.run([*git, *args], cwd=clone, check=True, capture_output=True)
    return token, {s: f"course/week01-{s}" for s in work}


def regrade_workspace(tmp: Path, name: str) -> Path:
    """A checkout of the course (links to this one) with the roster, as actions/checkout leaves it."""
    workspace = tmp / name
    workspace.mkdir()
    os.chown(workspace, RUNNER_UID, RUNNER_UID)
    for entry in (
        "autograder",
        "course_lib",
        "solutions",
        "assignments",
        "pyproject.toml",
        "noxfile.py",
        "requirements.lock",
    ):
        (workspace / entry).symlink_to(ROOT / entry)
    (workspace / ".venv").symlink_to(Path(sys.prefix))  # what the merge job's install step makes
    (workspace / "roster.csv").write_text("student\ncorrect\npartial\nhunter\n")
    return workspace


def readable_by_runner(path: Path) -> bool:
    """Whether the runner user may read ``path`` (owner's or others' read bit; no groups)."""
    info = path.stat()
    mode = info.st_mode >> 6 if info.st_uid == RUNNER_UID else info.st_mode
    return bool(mode & 0o4) and (not path.is_dir() or bool(mode & 0o1))


@pytest.fixture
def runner_machine() -> Iterator[tuple[Path, SudoBroker]]:
    """A folder the runner user may use (pytest's ``tmp_path`` is root's alone), and its sudo."""
    folder = Path(tempfile.mkdtemp(prefix="runner-"))
    os.chown(folder, RUNNER_UID, RUNNER_UID)
    (folder / "home").mkdir()
    os.chown(folder / "home", RUNNER_UID, RUNNER_UID)
    broker = SudoBroker(folder)
    yield folder, broker
    broker.close()
    shutil.rmtree(folder, ignore_errors=True)


def run_regrade_workflow(
    tmp: Path, hub: Any, token: str, shards: int, broker: SudoBroker
) -> tuple[Path, list[Any]]:
    """regrade.yml: the plan job, one grade job per shard, the merge job; (merged folder, job runs).

    ``tmp`` is a folder the runner user may use; the steps run as that user.
    """
    doc = load(REGRADE_WORKFLOW)
    bin_dir = tmp / "bin"
    if not bin_dir.exists():
        bin_dir.mkdir()
        for name, text in (("sudo", SUDO), ("nox", NOX)):
            (bin_dir / name).write_text(text.format(python=sys.executable, socket=str(broker.path)))
            (bin_dir / name).chmod(0o755)
    store = tmp / f"artifacts-{shards}"
    store.mkdir()
    inputs = {
        "week": "week01",
        "deadline": DEADLINE,
        "roster": "roster.csv",
        "org": "course",
        "late_policy": "",
        "shards": str(shards),
    }
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    context["secrets.COURSE_ORG_TOKEN"] = token
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp / "home"),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_API_URL": hub.api_url,
        "AUTOGRADER_ALLOW_WEAK": "1",  # must not survive sudo: the shard must grade strictly
    }

    def upload(workspace: Path) -> Any:
        """upload-artifact, which runs as the runner user: every file must be theirs to read."""

        def action(with_: dict[str, str], _env: dict[str, str]) -> None:
            source = workspace / with_["path"]
            assert source.exists(), f"upload-artifact: nothing at {with_['path']}"
            for path in source.rglob("*"):
                assert readable_by_runner(path), f"upload-artifact cannot read {path}"
            shutil.copytree(source, store / with_["name"])

        return action

    def download(workspace: Path) -> Any:
        """download-artifact: the files are written by (and belong to) the runner user."""

        def action(with_: dict[str, str], _env: dict[str, str]) -> None:
            import fnmatch

            target = workspace / with_["path"]
            for found in sorted(store.iterdir()):
                if fnmatch.fnmatch(found.name, with_["pattern"]):
                    shutil.copytree(found, target / found.name)
            for path in [target, *target.rglob("*")]:
                os.chown(path, RUNNER_UID, RUNNER_UID)

        return action

    runs = []
    plan = run_job(
        doc, "plan", workspace=tmp, runner=tmp / f"runner-plan-{shards}", env=env, context=context
    )
    numbers = json.loads(plan.steps["plan"].outputs["shards"])
    assert numbers == list(range(1, shards + 1))
    for shard in numbers:
        workspace = regrade_workspace(tmp, f"shard-job-{shards}-{shard}")
        runs.append(
            run_job(
                doc,
                "grade",
                workspace=workspace,
                runner=tmp / f"runner-{shards}-{shard}",
                env=env,
                context={**context, "matrix.shard": str(shard)},
                skip=frozenset({"nox"}),
                actions={
                    "actions/checkout": lambda *_: None,
                    "actions/upload-artifact": upload(workspace),
                },
                user=RUNNER_UID,
            )
        )
    workspace = regrade_workspace(tmp, f"merge-job-{shards}")
    runs.append(
        run_job(
            doc,
            "merge",
            workspace=workspace,
            runner=tmp / f"runner-merge-{shards}",
            env=env,
            context=context,
            skip=frozenset({"install"}),
            actions={
                "actions/checkout": lambda *_: None,
                "actions/download-artifact": download(workspace),
                "actions/upload-artifact": upload(workspace),
            },
            user=RUNNER_UID,
        )
    )
    return store / "gradebook-week01", runs


@pytest.mark.slow
@pytest.mark.skipif(
    os.geteuid() != 0, reason="the strict sandbox needs root (CI runs the tests as root)"
)
def test_regrade_workflow_grades_each_shard_strictly_and_merges_to_a_single_run(
    tmp_path: Path, runner_machine: tuple[Path, SudoBroker]
) -> None:
    from autograder.instructor.local_github import LocalGitHub
    from autograder.official.gradebook import CANVAS, GRADEBOOK, PLOT, SUMMARY

    runner, broker = runner_machine
    with LocalGitHub(tmp_path / "github") as hub:
        token, _ = regrade_course(tmp_path, hub)
        merged, runs = run_regrade_workflow(runner, hub, token, 2, broker)
        single, single_runs = run_regrade_workflow(runner, hub, token, 1, broker)
    for run in [*runs, *single_runs]:
        assert not run.failed, run.describe_failures()
    shard_steps = [r.steps["Regrade this shard (as root, in the strict sandbox)"] for r in runs[:2]]
    assert all("2 rows" in s.stdout or "1 rows" in s.stdout for s in shard_steps)
    records = sorted(merged.glob("results/*.json"))
    assert [r.stem for r in records] == ["correct", "hunter", "partial"]
    for path in records:
        sandbox = json.loads(path.read_text())["grader"]["sandbox"]
        assert sandbox.startswith("strict sandbox"), (path.name, sandbox)
    for name in (GRADEBOOK, SUMMARY, PLOT):
        assert (merged / name).read_bytes() == (single / name).read_bytes(), name
    assert not (merged / CANVAS).exists() and not (single / CANVAS).exists(), (
        "the roster identifies no one for Canvas: no canvas.csv"
    )
    rows = {line.split(",")[0]: line for line in (merged / GRADEBOOK).read_text().splitlines()}
    # week01's two written questions are pending (not marked): out of the total, in the maximum
    assert ",pending,pending,23,0,1,23,27," in rows["correct"] and ",graded," in rows["partial"]
    # the hunting submission ran and answered, and found no token anywhere it could look
    hunter = (merged / "feedback" / "hunter.md").read_text()
    assert "NOLEAK" in hunter, hunter
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    for path in [*merged.rglob("*"), *single.rglob("*")]:
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and basic.encode() not in data, path
    assert "LEAK " not in hunter
    summary = runs[-1].steps["Merge (refuses missing, duplicate or unknown students)"].summary
    assert summary == (merged / SUMMARY).read_text()
