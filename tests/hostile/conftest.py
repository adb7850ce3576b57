"""The hostile suite runs on both ways a batch starts a sandbox: cold, and forked from a warm template.

``harness_start`` is ``"cold"`` or ``"warm"``. It is parametrized (both
values) for the tests that take it and for every test of the modules in
:data:`BATCH_MODULES`, which grade batches through the CLI
(:func:`tests.hostile.run_grader.grade_cli` and :func:`start_flags` choose
the path). Elsewhere it is ``"cold"``. :func:`warm_templates` holds one template per week and sandbox
mode for the tests that grade in this process.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest

from autograder.course import WeekPaths
from autograder.sandbox.fork_server import TemplateAddress, WarmTemplate
from autograder.sandbox.isolation import isolation
from autograder.sandbox.template_imports import template_imports
from autograder.spec import PUBLIC_SPEC

COLD, WARM = "cold", "warm"
HARNESS_STARTS = (COLD, WARM)
# the modules whose every test grades through the CLI; test_official_inputs and
# test_exfiltration grade in module fixtures, parametrized there
BATCH_MODULES = {"test_isolation", "test_malformed"}
_current = {"start": COLD}


def current_start() -> str:
    """The path under test in the running test (``"cold"`` where it is not parametrized)."""
    return _current["start"]


def start_flags() -> list[str]:
    """The CLI flags of the path under test (``grade`` and ``regrade`` start warm by default)."""
    return ["--cold"] if current_start() == COLD else []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    asked = "harness_start" in inspect.signature(metafunc.function).parameters
    if asked or module in BATCH_MODULES:
        metafunc.parametrize("harness_start", HARNESS_STARTS, indirect=True)


@pytest.fixture(autouse=True)
def harness_start(request: pytest.FixtureRequest) -> Iterator[str]:
    start = getattr(request, "param", COLD)
    _current["start"] = start
    yield start
    _current["start"] = COLD


class Templates:
    """Warm templates by (week, sandbox mode), started on first use, closed with the session."""

    def __init__(self) -> None:
        self._started: dict[tuple[str, str], WarmTemplate] = {}

    def address(self, week: WeekPaths) -> TemplateAddress:
        iso = isolation()
        key = (str(week.public_dir), iso.mode)
        if key not in self._started:
            modules = template_imports(week.notebook, week.public_dir / PUBLIC_SPEC)
            self._started[key] = WarmTemplate.start(iso, modules)
        return self._started[key].address

    def close(self) -> None:
        for template in self._started.values():
            template.close()


@pytest.fixture(scope="session")
def warm_templates() -> Iterator[Templates]:
    templates = Templates()
    yield templates
    templates.close()
