"""lock and unlock against a local GitHub: each student's cutoff, by GitHub's clock; pending invitations too."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from tests.autograder.official.conftest import ORG, WEEK, Course

pytestmark = pytest.mark.xdist_group("local-github")
DEADLINE = "2026-11-01T23:59:00+00:00"
ROSTER = "student,team\nalice,\nbob,\ncarol,pair\ndave,pair\n"


def run(course: Course, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = course.run(*args, "--roster", str(course.roster(ROSTER)), "--org", ORG)
    return code, out.getvalue()


def levels(course: Course) -> dict[str, str]:
    """Each student's permission: a collaborator's, or their pending invitation's."""
    found = {}
    for repo in course.hub.repos.values():
        found.update(repo.collaborators)
        found.update({i.invitee: f"invited:{i.permissions}" for i in repo.invitations})
    return {s: found.get(s, "-") for s in ("alice", "bob", "carol", "dave")}


@pytest.fixture
def distributed(github_course: Course) -> Course:
    assert run(github_course, "distribute", WEEK)[0] == 0
    for student in ("alice", "carol", "dave"):  # bob never accepts
        github_course.accept_all(student)
    policy = github_course.tmp / "late.toml"
    policy.write_text(
        'policy = "penalty"\npenalty_per_day = 0.1\nmax_late_days = 1\n[extensions]\ndave = "2d"\n'
    )
    return github_course


def lock(course: Course, *extra: str) -> tuple[int, str]:
    policy = str(course.tmp / "late.toml")
    return run(course, "lock", WEEK, "--deadline", DEADLINE, "--late-policy", policy, *extra)


def test_lock_waits_for_each_students_own_cutoff_by_githubs_clock(distributed: Course) -> None:
    distributed.hub.set_time("2026-11-02T12:00:00Z")  # past the deadline, within the late days
    code, out = lock(distributed)
    assert code == 0 and "GitHub's time: 2026-11-02T12:00:00+00:00" in out
    assert set(levels(distributed).values()) == {"write", "invited:write"}, (
        "penalty: late work is still accepted"
    )
    assert "open until 2026-11-02T23:59:00+00:00" in out
    distributed.hub.set_time("2026-11-03T00:30:00Z")
    code, out = lock(distributed)
    assert code == 0, out
    assert levels(distributed) == {
        "alice": "read",
        "bob": "invited:read",  # a late acceptance gets read access
        "carol": "read",
        "dave": "write",  # the extension: open until 2026-11-04T23:59 + 1 late day
    }
    assert "open until 2026-11-04T23:59:00+00:00" in out
    start = len(distributed.hub.requests)
    assert lock(distributed)[0] == 0 and distributed.writes_since(start) == [], "idempotent"


def test_unlock_gives_write_access_back_and_dry_runs_change_nothing(distributed: Course) -> None:
    distributed.hub.set_time("2026-11-09T00:00:00Z")
    start = len(distributed.hub.requests)
    code, out = lock(distributed, "--dry-run")
    assert (
        code == 0 and "would set read (was write)" in out and distributed.writes_since(start) == []
    )
    assert lock(distributed)[0] == 0
    assert set(levels(distributed).values()) == {"read", "invited:read"}
    code, out = run(distributed, "unlock", WEEK)
    assert code == 0 and "4 students: 4 unlocked; 4 changes" in out
    assert set(levels(distributed).values()) == {"write", "invited:write"}


def test_a_student_without_access_and_a_bad_deadline_are_reported(distributed: Course) -> None:
    repo = distributed.hub.repository(f"{ORG}/{WEEK}-alice")
    repo.collaborators.clear()
    distributed.hub.set_time("2026-11-09T00:00:00Z")
    code, out = lock(distributed)
    assert code == 2 and "alice    failed: neither a collaborator nor invited" in out
    assert levels(distributed)["carol"] == "read", "the others proceed"
    code, out = run(distributed, "lock", WEEK, "--deadline", "2026-11-01T23:59")
    assert code == 2 and "no time zone" in out


def test_a_rate_limit_that_outlasts_our_wait_leaves_a_row_for_every_student(
    distributed: Course,
) -> None:
    distributed.hub.set_time("2026-11-05T00:00:00Z")  # past every cutoff: four to lock
    distributed.hub.refuse_next(1000, retry_after=7200, writes_only=True)  # longer than we wait
    calls = len(distributed.hub.requests)
    code, out = lock(distributed)
    assert code != 0
    for student in ("alice", "bob", "carol", "dave"):
        row = next(line for line in out.splitlines() if f" {student} " in f" {line} ")
        assert "not reached" in row and "run again then" in row, out
    # after the first refusal no student costs another write
    writes = [r for r in distributed.hub.requests[calls:] if r[0] not in ("GET", "HEAD")]
    assert len(writes) == 1, writes
