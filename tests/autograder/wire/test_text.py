"""The sanitiser every string from the sandbox passes through once."""

from __future__ import annotations

import pytest

from autograder.wire.text import clean_text, first_line, valid_unicode


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain text", "plain text"),
        ("\x1b[31mred\x1b[0m", "red"),  # colours
        ("a\x1b]0;pwned title\x07b", "ab"),  # window title (OSC ... BEL)
        ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),  # clipboard write (OSC 52 ... ST)
        ("a\x1b[2J\x1b[Hb", "ab"),  # clear screen, cursor home
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),  # DCS (sixel)
        ("a\x9b31mb", "ab"),  # the 8-bit CSI
        ("a\x1b7b\x1b8", "ab"),  # two-character escapes
        ("a\x00b\x07c\x08d\x7fe", "abcde"),  # NUL, BEL, BS, DEL
        ("line one\nline two\r\n\tthree", "line one line two  three"),
        ("right\u202eto left\u2066x\u2069", "rightto leftx"),  # display-reordering controls
        ("x\ud800y", "x\ufffdy"),  # a lone surrogate
        ("emoji \U0001f600 stays", "emoji \U0001f600 stays"),
    ],
)
def test_clean_text_removes_what_a_terminal_or_a_writer_would_act_on(raw: str, clean: str) -> None:
    assert clean_text(raw, 200) == clean
    clean_text(raw, 200).encode("utf-8")  # always writable


def test_newlines_can_be_kept() -> None:
    assert clean_text("a\nb\x1b[1m\r\nc", 50, keep_newlines=True) == "a\nb\nc"


@pytest.mark.parametrize("limit", [1, 10, 100, 1000])
def test_the_length_cap_holds_and_says_how_long_the_text_was(limit: int) -> None:
    text = clean_text("x" * 100_000, limit)
    assert len(text) <= limit
    if limit >= 40:
        assert "100000 characters in all" in text


def test_a_huge_text_costs_no_more_than_its_cap() -> None:
    assert len(clean_text("\x1b[" + "9" * 5_000_000, 100)) <= 100


@pytest.mark.parametrize(
    "value",
    [None, 10**5000, ["a"], {"a": 1}, b"bytes", 1.5],
    ids=["none", "huge-int", "list", "dict", "bytes", "float"],
)
def test_anything_but_a_string_is_empty(value: object) -> None:
    assert clean_text(value, 100) == "" and first_line(value, 100) == ""


def test_first_line_skips_blank_lines_and_keeps_one() -> None:
    assert first_line("\n  \n  first line\x1b[0m\nsecond", 100) == "first line"
    assert first_line("x" * 500 + "\nsecond", 50).startswith("x")
    assert len(first_line("x" * 500, 50)) <= 50


def test_valid_unicode_replaces_only_lone_surrogates() -> None:
    assert valid_unicode("a\udc80b\ud83d") == "a\ufffdb\ufffd"
    assert valid_unicode("\U0001f600") == "\U0001f600"
