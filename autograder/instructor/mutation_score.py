"""A week's mutation score: which mutants of the solution its items kill, and which survive.

A mutant is *killed* when it loses points on at least one item that tests its
name (a wrong answer, an error or a timeout all lose points). A surviving
mutant is either a hole in the grader (a *survivor*: some input or check
should tell it from the solution) or *equivalent*: it behaves as the
solution does on every input the notebook allows, so no fair grader can kill
it. Equivalent mutants are listed, each with its reason, in the week's
private ``solutions/weekNN/equivalent_mutants.toml``, keyed by mutant id::

    ["select_top_features:number-1a2b3c4d"]
    reason = "X.shape[1] + 1 only widens np.arange's tie-breaking keys"

The score is killed / (mutants run - equivalent ones); the release gate
wants at least :data:`TARGET` for every week.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.instructor.mutants import Mutant, mutant_key
from autograder.scoring.compare import score_items
from autograder.spec import Week
from autograder.wire.export import RunExport

ALLOWLIST = "equivalent_mutants.toml"
TARGET = 0.95

KILLED, SURVIVED, EQUIVALENT, NOT_RUN = "killed", "survived", "equivalent", "not run"


class AllowlistError(ValueError):
    """The allowlist of equivalent mutants cannot be read, or an entry has no reason."""


def load_allowlist(path: Path) -> dict[str, str]:
    """Mutant id -> why it is equivalent; empty when the week has no allowlist."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise AllowlistError(f"{path}: {error}") from error
    allowed = {}
    for mutant_id, entry in data.items():
        reason = entry.get("reason", "") if isinstance(entry, dict) else ""
        if not isinstance(reason, str) or not reason.strip():
            raise AllowlistError(f'{path}: [{mutant_id!r}] needs a reason = "..."')
        allowed[mutant_id] = reason.strip()
    return allowed


@dataclass(frozen=True)
class Verdict:
    """What the items made of one mutant."""

    mutant: Mutant
    status: str  # killed | survived | equivalent | not run
    # (item, how) for every item it lost points on: how is "wrong" (the check said so),
    # or the probe's status: "error", "timeout", "crashed", "missing"
    killed_by: tuple[tuple[str, str], ...] = ()
    reason: str = ""  # the allowlist's, for an equivalent mutant


def judge(
    week: Week,
    run: RunExport,
    refs: Mapping[str, Any],
    mutants: Sequence[Mutant],
    allowlist: Mapping[str, str],
) -> list[Verdict]:
    """The verdict on each mutant probed in ``run``, scored against the solution's ``refs``."""
    verdicts = []
    for mutant in mutants:
        items = week.items_testing(mutant.target)
        key = mutant_key(mutant)
        exports = [run.items.get((i.name, key)) for i in items]
        if any(e is None or e.status == "not_run" for e in exports):
            verdicts.append(Verdict(mutant, NOT_RUN))  # the run stopped before it got here
            continue
        results = score_items(items, run, dict(refs), variant=key)
        status = {e.name: e.status for e in exports if e is not None}
        lost = tuple(
            (r.name, "wrong" if status[r.name] == "ok" else status[r.name])
            for r in results
            if r.score < r.max_score
        )
        if lost:
            verdicts.append(Verdict(mutant, KILLED, lost))
        elif mutant.id in allowlist:
            verdicts.append(Verdict(mutant, EQUIVALENT, reason=allowlist[mutant.id]))
        else:
            verdicts.append(Verdict(mutant, SURVIVED))
    return verdicts


@dataclass
class MutationScore:
    """A week's mutation run: every verdict, and what the allowlist says that the run contradicts."""

    week: str
    generated: int  # mutants of the graded names, before sampling
    verdicts: list[Verdict]
    allowlist: dict[str, str] = field(default_factory=dict)
    generated_ids: frozenset[str] = frozenset()
    targets: tuple[str, ...] = ()  # the graded names that were mutated
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)  # the run itself went wrong

    def with_status(self, status: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status == status]

    @property
    def killed(self) -> int:
        return len(self.with_status(KILLED))

    @property
    def survivors(self) -> list[Verdict]:
        return self.with_status(SURVIVED)

    @property
    def not_run(self) -> list[Verdict]:
        return self.with_status(NOT_RUN)

    @property
    def equivalent(self) -> int:
        return len(self.with_status(EQUIVALENT))

    @property
    def score(self) -> float:
        """killed / non-equivalent mutants that ran (1.0 when there is nothing to kill)."""
        counted = self.killed + len(self.survivors)
        return self.killed / counted if counted else 1.0

    def stale_entries(self) -> list[str]:
        """Allowlisted ids of a mutated name that no longer exist (the solution changed)."""
        return sorted(
            i
            for i in self.allowlist
            if i.split(":")[0] in self.targets and i not in self.generated_ids
        )

    def wrongly_allowlisted(self) -> list[str]:
        """Allowlisted ids the items kill: they are not equivalent."""
        return sorted(
            v.mutant.id for v in self.with_status(KILLED) if v.mutant.id in self.allowlist
        )

    @property
    def timed_out(self) -> int:
        """Mutants killed only by timeouts: each cost its items' time limit."""
        return sum(
            1 for v in self.with_status(KILLED) if all(how == "timeout" for _, how in v.killed_by)
        )

    def summary(self) -> str:
        return (
            f"mutation score {self.score:.1%}: {self.killed} killed ({self.timed_out} by timeouts) of "
            f"{self.killed + len(self.survivors)} non-equivalent ({len(self.verdicts)} run of "
            f"{self.generated} generated, {self.equivalent} allowlisted as equivalent, "
            f"{len(self.survivors)} survivors) in {self.seconds:.0f} s"
        )


def describe_survivors(score: MutationScore, notebook: str) -> str:
    """The survivors, one block each, with the line as written and as the mutant reads it."""
    if not score.survivors:
        return f"{score.week}: no surviving mutant"
    lines = [
        f"{score.week}: {len(score.survivors)} surviving mutants (the items cannot tell them from the solution):"
    ]
    for verdict in sorted(
        score.survivors, key=lambda v: (v.mutant.cell, v.mutant.line, v.mutant.id)
    ):
        m = verdict.mutant
        lines += [
            f"  {m.id}  {notebook} cell {m.cell}, line {m.line} ({m.operator})",
            f"    - {m.original}",
            f"    + {m.mutated}",
        ]
    lines.append(
        f"  kill each with an input or a check, or if it is equivalent, allowlist it in "
        f"solutions/{score.week}/{ALLOWLIST}:\n"
        f'    ["{score.survivors[0].mutant.id}"]\n    reason = "why no input the notebook allows tells it apart"'
    )
    return "\n".join(lines)
