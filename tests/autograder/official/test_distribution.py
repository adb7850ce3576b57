"""distribute against a local GitHub: repositories, invitations, the Feedback pull request, bad input."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from autograder.instructor import local_git_http as githttp
from tests.autograder.official.conftest import ORG, TEMPLATE, WEEK, Course

pytestmark = pytest.mark.xdist_group("local-github")


def distribute(
    course: Course, roster: str, *extra: str, token: str | None = None
) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = course.run(
            "distribute",
            WEEK,
            "--roster",
            str(course.roster(roster)),
            "--org",
            ORG,
            *extra,
            token=token,
        )
    return code, out.getvalue()


def test_each_student_gets_a_private_repository_with_the_feedback_pull_request(
    github_course: Course,
) -> None:
    code, out = distribute(github_course, "student\nalice\nbob\n")
    assert code == 0, out
    hub = github_course.hub
    for student in ("alice", "bob"):
        repo = hub.repository(f"{ORG}/{WEEK}-{student}")
        assert repo.private and repo.template == TEMPLATE
        branches = githttp.branches(repo.path)
        first = githttp.git(repo.path, "rev-list", "--max-parents=0", "main").strip()
        assert branches["refs/heads/feedback"] == first, "feedback is the first commit"
        setup = githttp.read_commit(repo.path, branches["refs/heads/main"])
        assert setup is not None and setup.parents == (first,), "main is one empty commit ahead"
        assert setup.tree == githttp.read_commit(repo.path, first).tree  # type: ignore[union-attr]
        template = hub.repository(TEMPLATE)
        assert setup.tree == githttp.read_commit(template.path, "main").tree  # type: ignore[union-attr]
        (pull,) = repo.pulls()
        assert (pull.head, pull.base, pull.state, pull.title) == (
            "main",
            "feedback",
            "open",
            "Feedback",
        )
        assert [i.invitee for i in repo.invitations] == [student]
        assert repo.invitations[0].permissions == "write"
    assert "2 students: 2 created" in out


def test_a_second_run_changes_nothing_and_sees_accepted_invitations(github_course: Course) -> None:
    roster = "student\nalice\nbob\n"
    assert distribute(github_course, roster)[0] == 0
    github_course.accept_all("alice")
    start = len(github_course.hub.requests)
    code, out = distribute(github_course, roster)
    assert code == 0 and github_course.writes_since(start) == []
    assert "alice    accepted" in out and "bob      invited" in out and "0 changes" in out
    assert len(github_course.hub.requests) - start <= 3 + 5 * 2, (
        "a few read-only calls per repository"
    )


def test_a_team_shares_one_repository_and_every_member_is_invited(github_course: Course) -> None:
    code, out = distribute(github_course, "student,team\nalice,\nbob,red\ncarol,RED\n")
    assert code == 0, out
    team = github_course.hub.repository(f"{ORG}/{WEEK}-red")
    assert sorted(i.invitee for i in team.invitations) == ["bob", "carol"]
    assert f"{ORG}/{WEEK}-bob".lower() not in github_course.hub.repos


def test_dry_run_prints_the_plan_and_changes_nothing(github_course: Course) -> None:
    start = len(github_course.hub.requests)
    code, out = distribute(github_course, "student\nalice\n", "--dry-run")
    assert code == 0 and github_course.writes_since(start) == []
    assert "would create the repository" in out and "would invite alice" in out
    assert "nothing was changed" in out
    assert f"{ORG}/{WEEK}-alice".lower() not in github_course.hub.repos


def test_a_login_that_does_not_exist_fails_its_row_only(github_course: Course) -> None:
    code, out = distribute(github_course, "student\nalice\nnobody-here\n")
    assert code == 2, "bad input in the roster"
    assert "failed: no GitHub user 'nobody-here': repository not created" in out
    assert f"{ORG}/{WEEK}-nobody-here" not in github_course.hub.repos
    assert github_course.hub.repository(f"{ORG}/{WEEK}-alice").invitations, "the others proceed"


def test_a_repository_not_made_from_the_template_is_reported_and_left_alone(
    github_course: Course,
) -> None:
    foreign = github_course.hub.create_repository(ORG, f"{WEEK}-alice")
    code, out = distribute(github_course, "student\nalice\nbob\n")
    assert code == 2
    assert "exists but was not generated from" in out
    assert githttp.branches(foreign.path) == {} and not foreign.invitations and not foreign.pulls()
    assert github_course.hub.repository(f"{ORG}/{WEEK}-bob").pulls()


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ("student\nalice\nALICE\n", "listed twice"),
        ("student,team\nalice,bob\nbob,\n", "login of another student"),
        ("student,team\nalice,template\n", "template repository"),
    ],
)
def test_an_inconsistent_roster_is_refused_before_anything(
    github_course: Course, roster: str, message: str
) -> None:
    start = len(github_course.hub.requests)
    code, out = distribute(github_course, roster)
    assert code == 2 and message in out
    assert github_course.hub.requests[start:] == [], "not even a call to GitHub"


def test_an_unknown_organisation_is_refused_with_a_suggestion(github_course: Course) -> None:
    start = len(github_course.hub.requests)
    code, out = distribute(github_course, "student\nalice\n", "--org", "ml-2O26")
    assert (
        code == 2 and "no GitHub organisation 'ml-2O26'" in out and "did you mean ml-2026?" in out
    )
    assert github_course.writes_since(start) == []


def test_a_template_that_is_not_a_template_is_refused(github_course: Course) -> None:
    github_course.hub.repository(TEMPLATE).is_template = False
    code, out = distribute(github_course, "student\nalice\n")
    assert code == 2 and "is not a template repository" in out
    assert f"{ORG}/{WEEK}-alice" not in github_course.hub.repos


def test_a_token_without_the_repo_scope_is_refused_naming_the_scope(github_course: Course) -> None:
    weak = github_course.hub.add_token("staff", frozenset({"read:org"}))
    code, out = distribute(github_course, "student\nalice\n", token=weak)
    assert code == 2 and "lacks the scope(s) distribute needs: repo" in out
    bad = distribute(github_course, "student\nalice\n", token="ghp_not-a-token")
    assert bad[0] == 2 and "Bad credentials" in bad[1]


def test_slow_generation_and_rate_limits_are_waited_out(github_course: Course) -> None:
    github_course.hub.generation_delay = 2  # GitHub answers 409 while it fills the repository
    github_course.hub.refuse_next(2, retry_after=0, writes_only=True)  # a secondary rate limit
    code, out = distribute(github_course, "student\nalice\n")
    assert code == 0, out
    assert "secondary rate limit (Retry-After): waiting 0 s" in out
    assert github_course.hub.repository(f"{ORG}/{WEEK}-alice").pulls()


def test_a_half_done_repository_is_completed_and_a_closed_pull_request_left_closed(
    github_course: Course,
) -> None:
    assert distribute(github_course, "student\nalice\nbob\n")[0] == 0
    alice = github_course.hub.repository(f"{ORG}/{WEEK}-alice")
    githttp.git(alice.path, "update-ref", "-d", "refs/heads/feedback")
    alice.issues.clear()  # as if the first run stopped after generating it
    bob = github_course.hub.repository(f"{ORG}/{WEEK}-bob")
    bob.issues[1].state = "closed"
    code, out = distribute(github_course, "student\nalice\nbob\n")
    assert code == 0, out
    first = githttp.git(alice.path, "rev-list", "--max-parents=0", "main").strip()
    assert githttp.branches(alice.path)["refs/heads/feedback"] == first
    assert [p.state for p in alice.pulls()] == ["open"]
    assert [p.state for p in bob.pulls()] == ["closed"] and "#1 is closed" in out


def test_a_long_roster_shows_a_progress_bar(github_course: Course) -> None:
    names = [f"s{i:02d}" for i in range(10)]
    for name in names:
        github_course.hub.add_user(name)
    code, out = distribute(github_course, "student\n" + "\n".join(names) + "\n")
    assert code == 0
    assert "[##############################] 10/10" in out
