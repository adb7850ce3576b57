"""The GitHub Actions runner's interface: environment files, workflow commands, the event.

A step talks to the runner through files named by environment variables
(``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``, ``GITHUB_EVENT_PATH``) and
through workflow commands printed on stdout (``::notice::...``). Everything
here takes the environment as a mapping, so tests point it at temporary
files; nothing reads ``os.environ`` behind the caller's back.

Text that reaches a workflow command is escaped (a message cannot end the
command or start another), and an output value is written with a random
heredoc delimiter that the value cannot contain.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

MAX_SUMMARY_BYTES = 1 << 20  # the runner refuses a step summary over 1 MiB


def escape_data(text: str) -> str:
    """Escape a workflow command's message (as @actions/core does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``title=...``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str) -> str:
    """One workflow command line, e.g. ``::notice title=Autograding::Points 3/11``."""
    if not name.replace("-", "").isalnum():
        raise ValueError(f"not a workflow command name: {name!r}")
    props = ",".join(
        f"{key}={escape_property(value)}" for key, value in properties.items() if value
    )
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


@dataclass(frozen=True)
class ActionsEnv:
    """What a step knows about its run, read from a mapping like ``os.environ``."""

    output: Path | None
    summary: Path | None
    event_path: Path | None
    event_name: str
    repository: str
    api_url: str
    server_url: str
    run_id: str
    ref_name: str
    head_ref: str
    token: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ActionsEnv:
        def path(name: str) -> Path | None:
            value = env.get(name, "")
            return Path(value) if value else None

        return cls(
            output=path("GITHUB_OUTPUT"),
            summary=path("GITHUB_STEP_SUMMARY"),
            event_path=path("GITHUB_EVENT_PATH"),
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            repository=env.get("GITHUB_REPOSITORY", ""),
            api_url=env.get("GITHUB_API_URL", "https://api.github.com"),
            server_url=env.get("GITHUB_SERVER_URL", "https://github.com"),
            run_id=env.get("GITHUB_RUN_ID", ""),
            ref_name=env.get("GITHUB_REF_NAME", ""),
            head_ref=env.get("GITHUB_HEAD_REF", ""),
            token=env.get("GITHUB_TOKEN", ""),
        )

    @property
    def in_actions(self) -> bool:
        return self.output is not None or self.summary is not None

    @property
    def run_url(self) -> str:
        if not (self.repository and self.run_id):
            return ""
        return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"

    def event(self) -> dict[str, Any]:
        """The webhook payload that triggered the run (empty if there is none)."""
        if self.event_path is None or not self.event_path.is_file():
            return {}
        data = json.loads(self.event_path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}


def set_output(env: ActionsEnv, name: str, value: str) -> None:
    """Append ``name=value`` to ``GITHUB_OUTPUT`` (a heredoc, so any value is safe)."""
    if env.output is None:
        return
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    if delimiter in value or "\n" in name or "=" in name:
        raise ValueError(f"cannot write output {name!r} safely")
    with env.output.open("a", encoding="utf-8") as stream:
        stream.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(env: ActionsEnv, markdown: str) -> None:
    """Append Markdown to the job summary (cut, with a note, at the runner's size limit)."""
    if env.summary is None:
        return
    data = markdown.encode("utf-8")
    if len(data) > MAX_SUMMARY_BYTES - 200:
        markdown = (
            data[: MAX_SUMMARY_BYTES - 200].decode("utf-8", "ignore")
            + "\n\n… (summary truncated)\n"
        )
    with env.summary.open("a", encoding="utf-8") as stream:
        stream.write(markdown if markdown.endswith("\n") else markdown + "\n")


def emit(stream: TextIO, name: str, message: str, **properties: str) -> None:
    """Print one workflow command on ``stream`` (the step's stdout)."""
    print(command(name, message, **properties), file=stream, flush=True)


def pull_request_number(env: ActionsEnv, event: Mapping[str, Any]) -> int | None:
    """The pull request a ``pull_request`` event is about (``None`` for other events)."""
    if not env.event_name.startswith("pull_request"):
        return None
    pr = event.get("pull_request")
    number = pr.get("number") if isinstance(pr, dict) else event.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else None
