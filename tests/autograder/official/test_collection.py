"""What the regrade checks before grading, and the status each repository gets (no sandbox run here).

Names the roster does not hold (extensions, overrides), misnamed or unknown
repositories and a --repos folder that is not there stop the regrade with
exit 2 and nothing written; a corrupt notebook is ``unreadable`` with the
parse error, a repository holding only the template is ``not-submitted``, a
clone that fails for another reason than "not there" is ``error`` with
git's message, credentials redacted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from autograder.__main__ import main as cli
from autograder.official import naming
from autograder.official.gradebook import ERROR, GRADED, MISSING, NOT_SUBMITTED, UNREADABLE
from autograder.official.late_policy import LatePolicy, PolicyError
from autograder.official.overrides import OverrideError, load_overrides
from autograder.official.regrade import prepare
from autograder.official.repositories import (
    RepoIndex,
    index_repositories,
    notebook_problem,
)
from autograder.official.roster import CollectError, RosterEntry, load_roster
from tests.autograder.official.test_regrade import BEFORE, DEADLINE, WEEK, commit, git, notebooks
from tests.conftest import ROOT

POINTS = {"split_indices": 2.0, "standardize": 1.0}
CONFLICTED = (
    b'{\n "cells": [\n<<<<<<< HEAD\n  {"cell_type": "code", "source": "x = 1"}\n=======\n'
    b'  {"cell_type": "code", "source": "x = 2"}\n>>>>>>> theirs\n ]\n}\n'
)


def roster(tmp_path: Path, *students: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("student\n" + "\n".join(students) + "\n")
    return path


# ----------------------------------------------------------------------------- names
def test_an_extension_is_matched_to_the_roster_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "late.toml"
    path.write_text('[extensions]\nCarol = "2d"\n')
    policy = LatePolicy.load(DEADLINE, path).for_roster(["alice", "carol"])
    assert policy.deadline_for("carol") == policy.deadline + dt.timedelta(days=2)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Karol", "[extensions] names 'Karol', who is not on the roster (did you mean carol?)"),
        ("zed", "[extensions] names 'zed', who is not on the roster"),
    ],
)
def test_an_extension_for_a_stranger_is_refused_with_did_you_mean(
    tmp_path: Path, name: str, message: str
) -> None:
    path = tmp_path / "late.toml"
    path.write_text(f'[extensions]\n{name} = "2d"\n')
    with pytest.raises(PolicyError) as refused:
        LatePolicy.load(DEADLINE, path).for_roster(["alice", "carol"])
    assert str(refused.value).endswith(message)


def test_the_cli_refuses_a_stranger_s_extension_before_grading(tmp_path: Path) -> None:
    (tmp_path / "repos").mkdir()
    (tmp_path / "late.toml").write_text('[extensions]\nKarol = "2d"\n')
    out = tmp_path / "out"
    code = cli(
        [
            "regrade", "week01", "--course", str(ROOT), "--roster", str(roster(tmp_path, "carol")),
            "--repos", str(tmp_path / "repos"), "--deadline", DEADLINE,
            "--late-policy", str(tmp_path / "late.toml"), "--out", str(out),
        ]
    )  # fmt: skip
    assert code == 2 and not out.exists()


def test_overrides_are_refused_naming_each_problem(tmp_path: Path) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[Alise]\nwaive_late = "flu"\n'
        '[bob]\ncommit = "xyz"\nnotebook = "../solutions/week01.ipynb"\ncolour = "red"\n'
        '[[bob.adjust]]\nitem = "nope"\npoints = 1\nreason = "r"\n'
        "[[bob.adjust]]\npoints = 1\n"
    )
    with pytest.raises(OverrideError, match="did you mean alice") as first:
        load_overrides(path, ["alice", "bob"], POINTS)
    path.write_text(path.read_text().replace("[Alise]", "[ALICE]"))
    with pytest.raises(OverrideError) as refused:
        load_overrides(path, ["alice", "bob"], POINTS)
    text = str(refused.value)
    for part in (
        "commit 'xyz' is not a commit SHA",
        "'../solutions/week01.ipynb' is not a path inside the repository",
        "unknown keys ['colour']",
        "'nope' is not an item of the week",
        "every adjustment needs a reason",
    ):
        assert part in text, (part, text)
    assert "Alise" in str(first.value)


def test_overrides_parse_into_decisions_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "overrides.toml"
    path.write_text(
        '[Alice]\ncommit = "ABC1234"\nwaive_late = "flu"\nnote = "request 3 answered"\n'
        '[[Alice.adjust]]\nitem = "standardize"\npoints = 0.5\nreason = "ddof accepted"\n'
        '[[Alice.adjust]]\npoints = -1\nreason = "copied cell"\n'
    )
    decided = load_overrides(path, ["alice"], POINTS)["alice"]
    assert decided.commit == "abc1234" and decided.waive_late == "flu"
    assert decided.lines() == [
        "graded commit abc1234 (chosen by the instructor)",
        "lateness waived: flu",
        "adjusted standardize +0.5: ddof accepted",
        "adjusted total -1: copied cell",
        "note: request 3 answered",
    ]


# ----------------------------------------------------------------------------- repositories
def repo_at(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    commit(path, {"week01.ipynb": b"{}"}, BEFORE)
    return path


def test_misnamed_repositories_are_listed_with_the_name_they_were_meant_to_have(
    tmp_path: Path,
) -> None:
    repos = tmp_path / "repos"
    for name in (
        "week01-carol",
        "week01_alice",
        "bob-week01",
        "Week1-dave",
        "notes",
        "week02-alice",
    ):
        repo_at(repos / name)
    students = load_roster(roster(tmp_path, "alice", "bob", "carol", "dave"))
    index = index_repositories(students, str(repos), "week01-")
    assert list(index.locations) == ["carol"]
    assert sorted(index.unknown) == [
        "Week1-dave (misnamed: week01-dave?)",
        "bob-week01 (misnamed: week01-bob?)",
        "week01_alice (misnamed: week01-alice?)",
    ], "notes and another week's repository are not this week's"
    with pytest.raises(CollectError, match=r"week01_alice \(misnamed: week01-alice\?\)"):
        index.check_against(students)


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("week01-alcie", "alice"),  # a typo
        ("alice_week01", "alice"),  # the owner first
        ("week1-alice", "alice"),  # no leading zero
        ("week02-alice", None),  # another week's
        ("week01-alice", None),  # the right name
        ("project", None),
    ],
)
def test_near_misses_of_the_naming_rule(name: str, meant: str | None) -> None:
    assert naming.misnamed_owner(name, "week01-", {"alice": 1, "bob": 2}) == meant


def test_a_misnamed_repository_of_an_organisation_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.instructor.local_github import LocalGitHub

    hub = LocalGitHub(tmp_path / "github")
    token = hub.add_user("staff")
    hub.add_organisation("course", owners=("staff",))
    for name in ("week01-alice", "week01_bob", "week02-bob", "course-infra"):
        hub.create_repository("course", name)
    students = load_roster(roster(tmp_path, "alice", "bob"))
    with hub:
        monkeypatch.setenv("GITHUB_API_URL", hub.api_url)
        index = index_repositories(students, "course", "week01-", token=token)
    assert list(index.locations) == ["alice"]
    assert index.unknown == ["week01_bob (misnamed: week01-bob?)"]


def test_a_repos_folder_that_is_not_there_says_so(tmp_path: Path) -> None:
    students = load_roster(roster(tmp_path, "alice"))
    with pytest.raises(CollectError, match="is not a folder"):
        index_repositories(students, str(tmp_path / "clones"), "week01-")
    with pytest.raises(CollectError, match=r"no folder here, and listing .* needs a token"):
        index_repositories(students, "clones", "week01-", token="")


# ----------------------------------------------------------------------------- statuses
def prepared(tmp_path: Path, location: str, student: str = "ana", **kwargs: Any) -> Any:
    index = RepoIndex({student: location}, **kwargs)
    work = tmp_path / "work"
    work.mkdir(parents=True, exist_ok=True)
    template = hashlib.sha256(WEEK.notebook.read_bytes()).hexdigest()
    return prepare(
        WEEK, RosterEntry(student), index, LatePolicy.load(DEADLINE), work, 23.0, None, template
    )


def test_a_corrupt_notebook_is_unreadable_with_the_parse_error(tmp_path: Path) -> None:
    repo = tmp_path / "ana"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"week01.ipynb": CONFLICTED}, BEFORE)
    item = prepared(tmp_path, str(repo))
    assert item.row.status == UNREADABLE
    assert item.row.note.startswith("the notebook is not valid JSON: Expecting value at line 3")
    assert item.submission.notebook is None, "nothing of it reaches the sandbox"
    assert (
        notebook_problem(b'{"cells": {}}')
        == "the file is JSON but not a notebook (no list of cells)"
    )
    assert notebook_problem(notebooks()["correct"]) == ""


def test_a_repository_with_only_the_template_is_not_submitted(tmp_path: Path) -> None:
    repo = tmp_path / "ana"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"week01.ipynb": WEEK.notebook.read_bytes(), "README.md": b"x"}, BEFORE)
    item = prepared(tmp_path, str(repo))
    assert (item.row.status, item.submission) == (NOT_SUBMITTED, None)
    assert "released template, unchanged" in item.row.note
    saved = json.dumps(
        json.loads(WEEK.notebook.read_bytes()), indent=2
    ).encode()  # opened and saved
    commit(repo, {"week01.ipynb": saved}, BEFORE)
    assert prepared(tmp_path / "again", str(repo)).row.status == GRADED


class GitServer:
    """An HTTP server that answers every git request with one status (404: not there, 401: bad token)."""

    def __init__(self, status: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(status)
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="GitHub"')
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> GitServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_s3cretT0ken")
    yield "ghp_s3cretT0ken"


def test_a_repository_that_is_not_there_is_missing(tmp_path: Path) -> None:
    with GitServer(404) as server:
        item = prepared(tmp_path, f"http://{server.url}/course/week01-ana.git")
    assert item.row.status == MISSING and "not found" in item.row.note
    assert prepared(tmp_path, str(tmp_path / "nowhere")).row.status == MISSING


def test_a_rejected_token_is_an_error_with_git_s_whole_message_redacted(
    tmp_path: Path, token: str
) -> None:
    with GitServer(401) as server:
        url = f"http://x-access-token:{token}@{server.url}/course/week01-ana.git"
        item = prepared(tmp_path, url, auth_header=f"Authorization: Basic {token}")
    assert item.row.status == ERROR, item.row.note
    assert "Authentication failed" in item.row.note or "401" in item.row.note, item.row.note
    assert token not in item.row.note and "fatal:" in item.row.note


def test_a_clone_that_cannot_connect_is_an_error_not_missing(tmp_path: Path, token: str) -> None:
    item = prepared(tmp_path, f"http://user:{token}@127.0.0.1:1/course/week01-ana.git")
    assert item.row.status == ERROR and token not in item.row.note
    assert "127.0.0.1" in item.row.note, "git's message, not a summary of it"


def test_an_override_commit_is_graded_and_judged_by_the_policy(tmp_path: Path) -> None:
    from autograder.official.overrides import Override
    from tests.autograder.official.test_regrade import AFTER

    repo = tmp_path / "ana"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"week01.ipynb": notebooks()["correct"]}, BEFORE)
    commit(repo, {"week01.ipynb": notebooks()["partial"]}, AFTER)
    late_sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    template = hashlib.sha256(WEEK.notebook.read_bytes()).hexdigest()
    index = RepoIndex({"ana": str(repo)})
    penalty = tmp_path / "late.toml"
    penalty.write_text('policy = "penalty"\npenalty_per_day = 0.25\nmax_late_days = 3\n')
    for policy, days, multiplier in (
        (LatePolicy.load(DEADLINE), 0, 1.0),  # cutoff: the instructor's choice costs nothing
        (LatePolicy.load(DEADLINE, penalty), 1, 0.75),  # penalty: one started day late
    ):
        (tmp_path / "w").mkdir(exist_ok=True)
        chosen = prepare(
            WEEK, RosterEntry("ana"), index, policy, tmp_path / "w", 23.0,
            Override("ana", commit=late_sha[:8]), template,
        )  # fmt: skip
        shutil.rmtree(tmp_path / "w")
        assert chosen.row.commit == late_sha and chosen.row.status == GRADED
        assert (chosen.row.days_late, chosen.row.multiplier, chosen.row.late) == (
            days,
            multiplier,
            True,
        )


def test_an_override_notebook_path_is_the_one_graded(tmp_path: Path) -> None:
    from autograder.official.overrides import Override

    repo = tmp_path / "ana"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, {"my_week01.ipynb": notebooks()["correct"]}, BEFORE)
    template = hashlib.sha256(WEEK.notebook.read_bytes()).hexdigest()
    index = RepoIndex({"ana": str(repo)})
    args = (WEEK, RosterEntry("ana"), index, LatePolicy.load(DEADLINE))
    (tmp_path / "a").mkdir()
    assert prepare(*args, tmp_path / "a", 23.0, None, template).row.status == UNREADABLE
    (tmp_path / "b").mkdir()
    chosen = prepare(
        *args, tmp_path / "b", 23.0, Override("ana", notebook="my_week01.ipynb"), template
    )
    assert chosen.row.status == GRADED and chosen.submission.notebook == notebooks()["correct"]


def test_nothing_changed_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_at(tmp_path / "repos" / "week01-ana")
    commit(repo, {"week01.ipynb": WEEK.notebook.read_bytes()}, BEFORE)  # nothing to run: cheap
    out = tmp_path / "out"
    args = [
        "regrade", "week01", "--course", str(ROOT), "--roster", str(roster(tmp_path, "ana")),
        "--repos", str(tmp_path / "repos"), "--deadline", DEADLINE, "--out", str(out),
    ]  # fmt: skip
    assert cli(args) == 0 and "canvas.csv: not written: the roster has no identifying" in (
        capsys.readouterr().out
    )
    meta = (out / "run.json").read_text()
    assert cli(args) == 0 and "nothing changed" in capsys.readouterr().out
    assert (out / "run.json").read_text() == meta, "nothing written"
    assert cli([*args, "--force"]) == 0 and "wrote gradebook.csv" in capsys.readouterr().out
    (tmp_path / "late.toml").write_text("grace_minutes = 5\n")
    assert cli([*args, "--late-policy", str(tmp_path / "late.toml")]) == 0
    assert "nothing changed" not in capsys.readouterr().out, "a new policy is a change"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--overrides", "{tmp}/overrides.toml"], "names 'Karol', who is not on the roster"),
        (["--canvas-assignment", "Week 1"], "'Assignment Name (ID)' form"),
        (["--repos", "{tmp}/clones"], "is not a folder"),
    ],
)
def test_the_cli_refuses_bad_inputs_with_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    repo_at(tmp_path / "repos" / "week01-carol")
    (tmp_path / "overrides.toml").write_text('[Karol]\nnote = "x"\n')
    out = tmp_path / "out"
    args = [
        "regrade", "week01", "--course", str(ROOT), "--roster", str(roster(tmp_path, "carol")),
        "--repos", str(tmp_path / "repos"), "--deadline", DEADLINE, "--out", str(out),
    ]  # fmt: skip
    assert cli([*args, *(e.format(tmp=tmp_path) for e in extra)]) == 2
    assert message in capsys.readouterr().err and not out.exists()
