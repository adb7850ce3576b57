"""return against a local GitHub: one upserted comment per student, an issue without the PR, the leak scan."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from autograder.official.feedback_return import marker
from tests.autograder.official.conftest import ORG, WEEK, Course
from tests.conftest import ROOT

pytestmark = pytest.mark.xdist_group("local-github")
ROSTER = "student,team\nalice,\nbob,red\ncarol,red\n"


def run(course: Course, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = course.run(*args)
    return code, out.getvalue()


def give_back(course: Course, grades: Path, *extra: str) -> tuple[int, str]:
    roster = course.roster(ROSTER)
    args = (
        "return",
        WEEK,
        str(grades),
        "--roster",
        str(roster),
        "--org",
        ORG,
        "--course",
        str(ROOT),
    )
    return run(course, *args, *extra)


@pytest.fixture
def graded(github_course: Course) -> Path:
    """Repositories distributed, and a regrade's feedback folder for alice, bob and carol."""
    code, out = run(
        github_course,
        "distribute",
        WEEK,
        "--roster",
        str(github_course.roster(ROSTER)),
        "--org",
        ORG,
    )
    assert code == 0, out
    grades = github_course.tmp / "grades"
    (grades / "feedback").mkdir(parents=True)
    for student, total in (("alice", 23), ("bob", 12), ("carol", 12)):
        (grades / "feedback" / f"{student}.md").write_text(
            f"# {WEEK}: official grade for {student}\n\n**Total: {total} / 23**\n"
        )
    return grades


def feedback_comments(course: Course, repo: str, number: int = 1) -> list[str]:
    return [c.body for c in course.hub.repository(f"{ORG}/{WEEK}-{repo}").comments_on(number)]


def test_each_student_gets_one_comment_updated_in_place(
    github_course: Course, graded: Path
) -> None:
    code, out = give_back(github_course, graded)
    assert code == 0, out
    (alice,) = feedback_comments(github_course, "alice")
    assert alice.startswith(marker(WEEK, "alice")) and "**Total: 23 / 23**" in alice
    team = feedback_comments(github_course, "red")
    owners = [next(s for s in ("bob", "carol") if marker(WEEK, s) in body) for body in team]
    assert sorted(owners) == ["bob", "carol"], "one comment per member on the team's pull request"
    start = len(github_course.hub.requests)
    code, out = give_back(github_course, graded)
    assert code == 0 and github_course.writes_since(start) == [], "a second return changes nothing"
    assert "3 students: 3 unchanged; 0 changes" in out
    (graded / "feedback" / "bob.md").write_text(
        f"# {WEEK}: official grade for bob\n\n**Total: 13 / 23**\n"
    )
    code, out = give_back(github_course, graded)
    assert code == 0 and "bob      updated" in out
    team = feedback_comments(github_course, "red")
    assert len(team) == 2 and any("13 / 23" in b for b in team)


def test_without_an_open_feedback_pull_request_the_feedback_is_an_issue(
    github_course: Course, graded: Path
) -> None:
    repo = github_course.hub.repository(f"{ORG}/{WEEK}-alice")
    repo.issues[1].state = "closed"  # the student closed their Feedback pull request
    code, out = give_back(github_course, graded)
    assert code == 0 and "open issue #2" in out
    issue = repo.issues[2]
    assert issue.head is None and issue.title == f"{WEEK}: official feedback for alice"
    assert marker(WEEK, "alice") in issue.body and not repo.comments_on(1)
    start = len(github_course.hub.requests)
    assert give_back(github_course, graded)[0] == 0 and github_course.writes_since(start) == []
    assert len(repo.issues) == 2, "the same issue, not another"


def test_hidden_material_refuses_the_whole_return_naming_the_file(
    github_course: Course, graded: Path
) -> None:
    hidden_spec = (ROOT / "solutions" / WEEK / "hidden_grading.py").read_text()
    (graded / "feedback" / "carol.md").write_text(f"# oops\n\n{hidden_spec}\n")
    start = len(github_course.hub.requests)
    code, out = give_back(github_course, graded)
    assert (
        code == 1
        and "refused: hidden material" in out
        and "carol.md: hidden grading spec line" in out
    )
    assert github_course.hub.requests[start:] == [], "nothing posted, GitHub not even asked"


def test_a_missing_feedback_file_fails_its_row_and_a_dry_run_posts_nothing(
    github_course: Course, graded: Path
) -> None:
    (graded / "feedback" / "alice.md").unlink()
    start = len(github_course.hub.requests)
    code, out = give_back(github_course, graded, "--dry-run")
    assert (
        code == 2
        and "failed: no feedback file" in out
        and "would comment on pull request #1" in out
    )
    assert github_course.writes_since(start) == []
    code, out = give_back(github_course, github_course.tmp / "nowhere")
    assert code == 2 and "run the regrade first" in out


def test_feedback_longer_than_a_comment_fails_its_row_and_the_others_are_posted(
    github_course: Course, graded: Path
) -> None:
    # 4 bytes a character: under GitHub's 65,536 characters, over the bytes the grader allows
    (graded / "feedback" / "bob.md").write_text("# week01\n\n" + "🙂" * 20_000 + "\n")
    code, out = give_back(github_course, graded)
    assert code == 2 and "bob.md is over 65000 bytes" in out, out
    assert [marker(WEEK, "carol") in b for b in feedback_comments(github_course, "red")] == [True]
    assert len(feedback_comments(github_course, "alice")) == 1


def test_the_local_github_refuses_a_body_longer_than_githubs_limit(github_course: Course) -> None:
    from autograder.github.client import GitHubClient, GitHubError

    client = GitHubClient(github_course.staff, github_course.hub.api_url)
    issue = client.post(f"/repos/{ORG}/{WEEK}-template/issues", {"title": "t", "body": "x"})
    path = f"/repos/{ORG}/{WEEK}-template/issues/{issue['number']}/comments"
    assert client.post(path, {"body": "x" * 65_536})["body"] == "x" * 65_536
    with pytest.raises(GitHubError, match="body is too long"):
        client.post(path, {"body": "x" * 65_537})
