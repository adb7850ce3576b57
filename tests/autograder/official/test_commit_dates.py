"""Commit dates a student controls: unusable ones are passed over with a note, never a crash (fast)."""

from __future__ import annotations

import datetime as dt

import pytest

from autograder.official.repositories import (
    TIME_COMMIT,
    Commit,
    choose_commit,
    commit_time,
    unusable_dates,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("stamp", "problem"),
    [
        ("", "no valid date"),
        ("abc", "no valid date"),
        ("12.5", "no valid date"),
        ("9" * 40, "no valid date"),
        ("299999999999", "year 11476"),
        ("-99999999999999", "year -3166"),
        ("0", "1970-01-01, before git existed"),
        ("1000000000", "2001-09-09, before git existed"),
    ],
)
def test_an_unusable_timestamp_says_why(stamp: str, problem: str) -> None:
    time, why = commit_time(stamp)
    assert time is None and problem in why


def test_a_real_timestamp_is_a_time() -> None:
    assert commit_time("1793447999") == (dt.datetime(2026, 10, 31, 11, 59, 59, tzinfo=UTC), "")


def test_the_newest_usable_commit_before_the_cutoff_is_chosen() -> None:
    cutoff = dt.datetime(2026, 11, 1, tzinfo=UTC)
    commits = [
        Commit("a" * 40, None, TIME_COMMIT, "is dated in the year 11476"),
        Commit("b" * 40, dt.datetime(2026, 11, 2, tzinfo=UTC), TIME_COMMIT),
        Commit("c" * 40, dt.datetime(2026, 10, 30, tzinfo=UTC), TIME_COMMIT),
        Commit("d" * 40, None, TIME_COMMIT, "has no valid date"),
    ]
    chosen, later = choose_commit(commits, cutoff)
    assert chosen is not None and chosen.sha == "c" * 40 and later
    assert choose_commit(commits[:1], cutoff) == (None, False)
    note = unusable_dates(commits)
    assert note.startswith("2 commit(s) without a usable date") and "aaaaaaaaaaaa is dated" in note
    assert unusable_dates(commits[1:3]) == ""
