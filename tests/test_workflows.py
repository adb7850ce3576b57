"""The workflows: least privilege and pinning, the linters, and the student workflow run for real.

The end-to-end test runs the student workflow's own ``run:`` steps, in
order and exactly as written in ``grade.yml``, in a temporary student
repository (the week 1 release at the root, with ``autograder/`` and
``course_lib/`` as the published template has them). The runner's files
(GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_PATH, the event) are temporary
files and GITHUB_API_URL points at a local server with the pull-request
comment endpoints. Only the network install step is left out: this test
runs in the already-built course environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autograder.reporting.formats import classroom
from autograder.reporting.markdown import COMMENT_MARKER
from tests.autograder.cli.test_report import parse_outputs
from tests.autograder.github.test_client import TOKEN, FakeGitHub
from tests.conftest import ROOT

yaml = pytest.importorskip("yaml")

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
SKIPPED_STEPS = {"install"}  # needs the network; the test already runs in the course environment


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


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


def expand(value: str, context: dict[str, str]) -> str:
    """Evaluate the few ``${{ ... }}`` expressions the workflow's env: blocks may use."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in context, f"unexpected expression in env: {expression}"
        return context[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_workflow(repo: Path, server: FakeGitHub, tmp: Path, run_number: int) -> dict[str, Any]:
    """Run the workflow's run: steps in order, like the runner; return what each step left."""
    doc = load(STUDENT_WORKFLOW)
    (job,) = doc["jobs"].values()
    shell = doc["defaults"]["run"]["shell"]
    assert shell == "bash"
    runner = tmp / f"runner{run_number}"
    (runner / "temp").mkdir(parents=True)
    event = runner / "event.json"
    event.write_text(
        json.dumps({"number": 1, "pull_request": {"number": 1, "head": {"ref": "main"}}})
    )
    path_file = runner / "path"
    path_file.write_text("")
    context = {"github.workspace": str(repo), "github.token": TOKEN}
    base = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(repo),
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "ml-2026/week01-alice",
        "GITHUB_REF_NAME": "1/merge",
        "GITHUB_HEAD_REF": "main",
        "GITHUB_SHA": f"{run_number:040x}",
        "GITHUB_RUN_ID": str(1000 + run_number),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_API_URL": server.url,
        "GITHUB_PATH": str(path_file),
        "RUNNER_TEMP": str(runner / "temp"),
    }
    base.update({k: expand(v, context) for k, v in doc.get("env", {}).items()})
    results: dict[str, Any] = {}
    for index, step in enumerate(job["steps"]):
        if "run" not in step or step.get("id") in SKIPPED_STEPS:
            continue
        env = dict(base)
        env.update({k: expand(v, context) for k, v in step.get("env", {}).items()})
        added = [line for line in path_file.read_text().splitlines() if line]
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        env["GITHUB_OUTPUT"] = str(runner / f"output{index}")
        env["GITHUB_STEP_SUMMARY"] = str(runner / f"summary{index}")
        for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
            Path(env[name]).write_text("")
        script = runner / f"step{index}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        results[step.get("id") or step["name"]] = {
            "rc": done.returncode,
            "stdout": done.stdout,
            "stderr": done.stderr,
            "outputs": parse_outputs(Path(env["GITHUB_OUTPUT"])),
            "summary": Path(env["GITHUB_STEP_SUMMARY"]).read_text(),
        }
        if done.returncode != 0:  # the runner stops the job at a failed step
            break
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
