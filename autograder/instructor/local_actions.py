"""Run a GitHub Actions job here, step by step, as a hosted runner would: for the tests and the demo.

Each ``run:`` step is written to a script and run with the job's shell
(``bash --noprofile --norc -eo pipefail``) in the workspace, with the
runner's file-command protocol: fresh ``GITHUB_OUTPUT`` and
``GITHUB_STEP_SUMMARY`` files per step, ``GITHUB_PATH`` lines prepended to
``PATH`` for later steps, ``GITHUB_ENV`` lines added to their environment,
``RUNNER_TEMP``, and the ``env:`` of the workflow, the job and the step with
their ``${{ ... }}`` expressions evaluated from a given context (an
expression it was not given is an error: nothing is guessed). After a
failed step only steps with ``if: ${{ !cancelled() }}`` still run, as on the
runner; the few ``if:`` forms the course's workflows use are understood and
any other is an error.

A step that ``uses:`` an action runs only if the caller supplies it (a
Python function of the step, e.g. for ``upload-artifact``); otherwise it is
skipped and listed, like the steps the caller names in ``skip`` (network
installs: the tests run in the already-built course environment).

``user``: run the steps as that uid, as a hosted runner runs them as its
ordinary ``runner`` user (needs root; the runner's files are made theirs).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STEP_TIMEOUT = 900
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow file as a dict (YAML 1.1 reads the key ``on`` as True: put back)."""
    import yaml  # pyyaml: installed with the course (nbgrader, jupyter)

    doc = yaml.safe_load(path.read_text())
    if True in doc:
        doc["on"] = doc.pop(True)
    return dict(doc)


def read_outputs(path: Path) -> dict[str, str]:
    """Read a ``GITHUB_OUTPUT``/``GITHUB_ENV`` file as the runner does (``name=value`` and heredocs)."""
    outputs: dict[str, str] = {}
    if not path.is_file():
        return outputs
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            outputs[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
            i += 1
        else:
            i += 1
    return outputs


def expand(value: object, context: Mapping[str, str]) -> str:
    """Evaluate the ``${{ ... }}`` expressions of ``value``; each must be a key of ``context``."""

    def one(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression not in context:
            raise KeyError(f"unexpected expression in the workflow: {expression}")
        return context[expression]

    return _EXPRESSION.sub(one, str(value))


@dataclass
class StepResult:
    rc: int
    stdout: str
    stderr: str
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""


@dataclass
class JobRun:
    """What a job's steps left: results by step id (or name), and what was not run."""

    steps: dict[str, StepResult] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def failed(self) -> dict[str, StepResult]:
        return {name: step for name, step in self.steps.items() if step.rc != 0}

    def describe_failures(self) -> str:
        return "".join(
            f"step {name} failed (exit {step.rc}):\n{step.stdout[-3000:]}\n{step.stderr[-3000:]}\n"
            for name, step in self.failed.items()
        )


Action = Callable[[dict[str, Any], dict[str, str]], None]


def _wanted(condition: object, context: Mapping[str, str], results: JobRun) -> bool:
    """The ``if:`` forms the course's workflows use; anything else is an error."""
    if condition is None:
        return not results.failed
    text = str(condition).strip().removeprefix("${{").removesuffix("}}").strip()
    if text == "!cancelled()":
        return True  # this runner never cancels
    match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.cache-hit != 'true'", text)
    if match:
        return not results.failed  # no cache here: the step runs
    if text in context:
        return context[text] == "true" and not results.failed
    raise ValueError(f"unsupported if: {condition}")


def run_job(
    workflow: dict[str, Any],
    job_name: str,
    *,
    workspace: Path,
    runner: Path,
    env: Mapping[str, str],
    context: Mapping[str, str],
    skip: frozenset[str] = frozenset(),
    actions: Mapping[str, Action] | None = None,
    timeout: float = STEP_TIMEOUT,
    user: int | None = None,
) -> JobRun:
    """Run ``job_name``'s steps (see the module docstring); ``env`` is the runner's base environment."""
    job = workflow["jobs"][job_name]
    shell = (
        (job.get("defaults") or workflow.get("defaults") or {}).get("run", {}).get("shell", "bash")
    )
    if shell != "bash":
        raise ValueError(f"only bash steps are run here, not {shell}")
    (runner / "temp").mkdir(parents=True, exist_ok=True)
    path_file, env_file = runner / "path", runner / "env"
    path_file.write_text("")
    env_file.write_text("")
    as_user: list[str] = []
    if user is not None:
        as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--"]
        for path in (runner, runner / "temp", path_file, env_file):
            os.chown(path, user, user)
    base = {
        **env,
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_PATH": str(path_file),
        "GITHUB_ENV": str(env_file),
        "RUNNER_TEMP": str(runner / "temp"),
    }
    for scope in (workflow.get("env") or {}, job.get("env") or {}):
        base.update({k: expand(v, context) for k, v in scope.items()})
    results = JobRun()
    for index, step in enumerate(job.get("steps", [])):
        name = str(step.get("id") or step.get("name") or index)
        if step.get("id") in skip or not _wanted(step.get("if"), context, results):
            results.skipped.append(name)
            continue
        step_env = {**base, **read_outputs(env_file)}
        step_env.update({k: expand(v, context) for k, v in (step.get("env") or {}).items()})
        added = [line for line in path_file.read_text().splitlines() if line]
        step_env["PATH"] = os.pathsep.join([*reversed(added), step_env.get("PATH", "")])
        output, summary = runner / f"output{index}", runner / f"summary{index}"
        output.write_text("")
        summary.write_text("")
        if user is not None:
            for path in (output, summary):
                os.chown(path, user, user)
        step_env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
        if "uses" in step:
            action = (actions or {}).get(str(step["uses"]).split("@")[0])
            if action is None:
                results.skipped.append(name)
                continue
            with_ = {k: expand(v, context) for k, v in (step.get("with") or {}).items()}
            action(with_, step_env)
            results.steps[name] = StepResult(0, "", "")
            continue
        script = runner / f"step{index}.sh"
        script.write_text(str(step["run"]))
        done = subprocess.run(
            [*as_user, "bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        results.steps[name] = StepResult(
            done.returncode, done.stdout, done.stderr, read_outputs(output), summary.read_text()
        )
    return results


__all__ = ["JobRun", "StepResult", "expand", "load_workflow", "read_outputs", "run_job"]
