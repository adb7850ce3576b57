"""The naming rule: one repository per student or team, found again by the regrade, case-insensitively."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.official import naming
from autograder.official.repositories import index_repositories
from autograder.official.roster import CollectError, RosterEntry, load_roster


def entry(student: str, team: str = "") -> RosterEntry:
    return RosterEntry(student, extra={"team": team} if team else {})


def test_students_and_teams_become_repositories_in_roster_order() -> None:
    roster = [entry("ana"), entry("ben", "Red"), entry("cem"), entry("dan", "red")]
    found = [(a.owner, [m.student for m in a.members]) for a in naming.assignees(roster)]
    assert found == [("ana", ["ana"]), ("Red", ["ben", "dan"]), ("cem", ["cem"])]
    red = naming.assignees(roster)[1]
    assert red.is_team and red.repository("week03-") == "week03-Red"
    assert naming.template_name("week03-") == "week03-template"


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ([entry("ana", "ben"), entry("ben")], "login of another student, ben"),
        ([entry("ana", "bad team!")], "not a valid team name"),
        ([entry("template")], "name of the template repository"),
    ],
)
def test_teams_that_would_share_a_name_are_refused(roster: list[RosterEntry], message: str) -> None:
    with pytest.raises(CollectError, match=message):
        naming.assignees(roster)


def test_names_match_without_regard_to_case_and_misnamed_copies_are_recognised() -> None:
    owners = {"alice": 1, "red": 2}
    assert naming.owner_in_name("Week03-Alice", "week03-", owners) == "alice"
    assert naming.owner_in_name("week03-zed", "week03-", owners) is None
    assert naming.misnamed_owner("week03_alice", "week03-", owners) == "alice"
    assert naming.misnamed_owner("WEEK03.Red", "week03-", owners) == "red"
    assert naming.misnamed_owner("week03-alice", "week03-", owners) is None, "that one is right"


def test_the_regrade_finds_team_and_case_variant_folders_and_refuses_misnamed_ones(
    tmp_path: Path,
) -> None:
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("student,team\nalice,\nbob,red\ncarol,red\n")
    roster = load_roster(roster_path)
    repos = tmp_path / "repos"
    for name in ("Week01-Alice", "week01-red", "unrelated"):
        (repos / name).mkdir(parents=True)
    index = index_repositories(roster, str(repos), "week01-")
    assert index.locations == {
        "alice": str((repos / "Week01-Alice").resolve()),
        "bob": str((repos / "week01-red").resolve()),
        "carol": str((repos / "week01-red").resolve()),
    }
    index.check_against(roster)
    (repos / "week01_red").mkdir()
    with pytest.raises(CollectError, match=r"week01_red \(misnamed: week01-red\?\)"):
        index_repositories(roster, str(repos), "week01-").check_against(roster)
