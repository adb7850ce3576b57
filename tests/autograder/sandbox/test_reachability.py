"""The sandbox's uid must reach the interpreter and the checkout; the grader says when it cannot."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.__main__ import main
from autograder.sandbox import reachability
from autograder.sandbox.isolation import isolation
from autograder.sandbox.reachability import allows, blocked_paths, first_blocked
from tests.conftest import ROOT, make_notebook

OTHER = 61_234  # a uid that owns nothing here


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A folder others can enter (pytest's own base folder is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="reach-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            path.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _stat(mode: int, uid: int = 0, gid: int = 0) -> os.stat_result:
    return os.stat_result((stat.S_IFDIR | mode, 0, 0, 0, uid, gid, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("mode", "owner", "group", "uid", "expected"),
    [
        (0o700, 5, 5, 5, True),  # the owner's bits
        (0o070, 5, 5, 5, False),  # the owner's bits count for the owner, not the group's
        (0o750, 1, 7, 7, True),  # the group's bits
        (0o705, 1, 7, 7, False),  # a member of the group gets the group's bits, not others'
        (0o701, 1, 2, 9, True),  # others
        (0o770, 1, 2, 9, False),
        (0o000, 1, 2, 0, True),  # root passes
    ],
)
def test_permission_bits_follow_owner_group_other(
    mode: int, owner: int, group: int, uid: int, expected: bool
) -> None:
    assert allows(_stat(mode, owner, group), uid, uid, reachability.EXECUTE) is expected


def test_a_private_folder_on_the_way_is_named_with_its_mode(tmp_path: Path) -> None:
    private = tmp_path / "private"
    (private / "course").mkdir(parents=True)
    target = private / "course" / "python"
    target.write_text("")
    private.chmod(0o700)
    blocked = first_blocked(str(target), OTHER, OTHER)
    assert blocked is not None and blocked.folder == str(private)
    message = blocked.explain()
    assert str(private) in message and "mode 0700" in message and str(target) in message
    assert f"chmod o+x {private}" in message
    private.chmod(0o711)  # enterable but not listable is enough on the way
    assert first_blocked(str(target), OTHER, OTHER) is None


def test_an_unreadable_file_itself_blocks(tmp_path: Path) -> None:
    secret = tmp_path / "interpreter"
    secret.write_text("")
    secret.chmod(0o600)
    blocked = first_blocked(str(secret), OTHER, OTHER)
    assert blocked is not None and blocked.folder == str(secret)
    assert blocked_paths(OTHER, OTHER, [str(secret), str(secret)]) == [blocked]


def test_a_symlink_is_checked_where_it_points_too(tmp_path: Path) -> None:
    hidden = tmp_path / "hidden"
    hidden.mkdir(mode=0o700)
    (hidden / "lib").mkdir()
    link = tmp_path / "link"
    link.symlink_to(hidden / "lib")
    blocked = first_blocked(str(link), OTHER, OTHER)
    assert blocked is not None and blocked.folder == str(hidden)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root drops to the sandbox's uid in weak mode")
def test_weak_mode_as_root_refuses_at_start_when_its_uid_is_shut_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shut = tmp_path / "shut"
    shut.mkdir(mode=0o700)
    (shut / "python").write_text("")
    monkeypatch.setattr(reachability, "needed_by_sandbox", lambda: [str(shut / "python")])
    monkeypatch.setenv("AUTOGRADER_SANDBOX_MODE", "weak")
    isolation.cache_clear()
    notebook = tmp_path / "week01.ipynb"
    notebook.write_bytes(make_notebook("x = 1"))
    out = tmp_path / "out"
    try:
        code = main(["grade", "week01", str(notebook), "--out", str(out), "--course", str(ROOT)])
    finally:
        isolation.cache_clear()
    assert code == 2
    error = capsys.readouterr().err
    assert f"cannot enter {shut} (mode 0700" in error and "chmod o+x" in error
    assert not out.exists() or not any(out.iterdir())  # nothing graded, nothing written
