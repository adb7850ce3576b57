"""``release --mutants``: the flags become a mutation plan, and the survivors are listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main
from autograder.course import WeekPaths
from autograder.exit_codes import ExitCode
from autograder.instructor import release
from autograder.instructor.gate import GateOutcome
from autograder.instructor.mutants import Mutant, MutationPlan
from autograder.instructor.mutation_score import SURVIVED, MutationScore, Verdict
from autograder.spec import Week

SURVIVOR = Mutant("pick", "comparison", "comparison-0a1b2c3d", 2, 5, "a < b", "a <= b", "")


def fake_build(plans: list[MutationPlan | None]) -> Any:
    def build_release(paths: WeekPaths, **options: Any) -> release.ReleaseBuild:
        plans.append(options["mutation"])
        build = release.ReleaseBuild(paths, Path("."), Week(paths.name, Path("."), []), {}, {})
        if options["mutation"] is not None:
            build.mutation = MutationScore(paths.name, 3, [Verdict(SURVIVOR, SURVIVED)])
            build.outcomes = [GateOutcome("mutation score of at least 95%", False, "0.0%")]
        return build

    return build_release


def test_release_with_mutants_passes_the_plan_and_lists_survivors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], course_root: Path
) -> None:
    plans: list[MutationPlan | None] = []
    monkeypatch.setattr(release, "build_release", fake_build(plans))
    argv = ["release", "week01", "--check", "--mutants", "--mutant-only", "split_indices"]
    code = main([*argv, "--mutant-budget", "30", "--course", str(course_root)])
    assert code == ExitCode.FAILED
    assert plans == [MutationPlan(only=("split_indices",), budget_seconds=30.0)]
    out = capsys.readouterr().out
    assert f"{SURVIVOR.id}  week01.ipynb cell 2, line 5 (comparison)" in out
    assert "REFUSED: week01" in out


def test_mutation_testing_is_opt_in_and_defaults_to_the_plan(
    monkeypatch: pytest.MonkeyPatch, course_root: Path
) -> None:
    plans: list[MutationPlan | None] = []
    monkeypatch.setattr(release, "build_release", fake_build(plans))
    monkeypatch.setattr(release, "drift", lambda build: [])
    assert main(["release", "week01", "--check", "--course", str(course_root)]) == ExitCode.OK
    main(["release", "week01", "--check", "--mutants", "--course", str(course_root)])
    assert plans == [None, MutationPlan()]  # no flag: no mutation testing; defaults otherwise
