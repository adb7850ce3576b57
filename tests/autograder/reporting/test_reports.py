"""Reports of records that carry student-controlled text: Markdown, plain text, sizes.

The Markdown is rendered with mistune (GFM tables) to check what a browser
would get: no image, link or HTML of the student's making, every table row
with its four cells, the student's text only inside code elements.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from autograder.reporting.markdown import fit, markdown
from autograder.reporting.text import grade_table, report_text
from autograder.reporting.untrusted import (
    REPLACEMENT,
    csv_cell,
    markdown_code,
    markdown_escaped,
    one_line,
    printable,
)
from autograder.reporting.view import CELL_ERRORS_SHOWN, MESSAGE_CHARS, NOTES_SHOWN
from tests.autograder.reporting.rendering import mistune, rendered, table_rows, unescaped_pipes
from tests.autograder.reporting.test_formats import record

# What a cell error or an item message quoting student output can hold.
TERMINAL = "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x1b\\\x1b[2J\x1b[31m\x9b1m\x90dcs\x9c"
MARKUP = "![x](http://evil.example/x.png) <img src=x onerror=alert(1)> [here](http://evil.example) @octocat :shipit: a \\| b | c `tick` **bold**"
HOSTILE = f"boom {TERMINAL} {MARKUP} \ud800 \u202eevil"


def hostile_record() -> dict[str, Any]:
    doc = record(("split_indices", 0, 2, "failed"), ("task_type", 1, 1, "passed"))
    doc["tests"][0]["message"] = f"raised ValueError (cell 4, line 1): {HOSTILE}"
    doc["notes"] = [f"cell 3 ran longer than 1 s; {HOSTILE}"]
    doc["cells"] = [
        {"number": 4, "error": {"error_type": f"Evil{MARKUP}", "error_message": HOSTILE}}
    ]
    return doc


def test_student_text_renders_as_literal_code_and_nothing_else() -> None:
    text = markdown(hostile_record())
    text.encode("utf-8")  # no lone surrogate left to crash a writer
    html = rendered(text)
    assert not {"img", "a", "script"} & set(html.tags), html.tags
    outside = " ".join(html.outside_code)
    for word in ("evil", "octocat", "shipit", "pwned", "tick", "bold"):
        assert word not in outside, (word, outside)
    assert "octocat" in text and REPLACEMENT in text, "the text is shown, not dropped"


def test_no_terminal_control_or_html_entity_reaches_the_markdown() -> None:
    text = markdown(hostile_record())
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", text), repr(text)
    assert not re.search(r"&(lt|gt|amp|quot|#\d+);", text)


def test_a_pipe_in_student_text_cannot_end_a_table_cell() -> None:
    text = markdown(hostile_record())
    for line in table_rows(text):
        assert unescaped_pipes(line) == 5, line
    html = mistune.create_markdown(escape=False, plugins=["table"])(text)
    assert all(row.count("<td") == 4 for row in re.findall(r"<tr>.*?</tr>", html, re.S)[1:])


def test_every_message_and_list_is_capped() -> None:
    doc = hostile_record()
    doc["tests"][0]["message"] = "x" * 660_000
    doc["notes"] = [f"note {i} " + "y" * 5_000 for i in range(500)]
    doc["cells"] = [
        {"number": i, "error": {"error_type": "ValueError", "error_message": "z" * 5_000}}
        for i in range(500)
    ]
    text = markdown(doc)
    assert len(text) < (NOTES_SHOWN + CELL_ERRORS_SHOWN + 10) * (MESSAGE_CHARS + 100)
    assert "659,500 more characters" in text
    assert f"and {500 - NOTES_SHOWN + 500 - CELL_ERRORS_SHOWN} more notes and cell errors" in text


def test_a_report_is_cut_at_whole_lines_to_fit_a_limit() -> None:
    items = [(f"item_{i}", 0, 1, "failed") for i in range(400)]
    doc = record(*items)
    for t in doc["tests"]:
        t["message"] = "🙂 | " * 200  # 4-byte characters: bytes, not characters, are counted
    whole = markdown(doc)
    assert len(whole.encode()) > 300_000
    cut = markdown(doc, limit=65_000, elsewhere="see the job summary")
    assert len(cut.encode()) <= 65_000
    assert whole.startswith(cut.split("\n*The report was cut here")[0])
    assert "see the job summary" in cut and cut.rstrip().endswith("</sub>")
    for line in table_rows(cut):
        assert unescaped_pipes(line) == 5 and line.endswith("|"), line
    note = next(line for line in cut.splitlines() if line.startswith("*The report was cut"))
    assert cut.splitlines()[cut.splitlines().index(note) - 1] == "", "the note is no table row"


def test_fit_keeps_everything_that_fits() -> None:
    assert fit(["# head"], ["a", "b"], ["foot"], 100, "elsewhere") == "# head\na\nb\nfoot\n"
    cut = fit(["# head"], ["a" * 100, "b" * 100], ["foot"], 200, "elsewhere")
    assert len(cut.encode()) <= 200
    assert "a" * 100 in cut and "b" * 100 not in cut and "1 more lines" in cut


def test_a_record_with_odd_fields_still_renders() -> None:
    doc = {
        "status": "graded",
        "assignment": None,
        "score": "lots",
        "max_score": float("nan"),
        "tests": [{"name": 3, "status": "weird", "score": 10**400}, "junk"],
        "notes": "not a list",
        "cells": [{"number": 1, "error": {"error_type": None}}, {"error": "x"}],
        "hidden_pending": [],
        "seconds": "slow",
    }
    assert "0 / 0 points" in markdown(doc) and "0 / 0 points" in report_text(doc)


def test_the_terminal_report_is_plain_text() -> None:
    doc = hostile_record()
    doc["tests"][0]["message"] = "the loss needs < 1e-07 and batch_size >= n"
    text = report_text(doc)
    assert "1 / 3 points" in text and "the loss needs < 1e-07 and batch_size >= n" in text
    assert "&lt;" not in text and "&gt;" not in text
    assert not re.search(r"^\|.*\|$|^\|?-{3}", text, re.M), "no Markdown table syntax"
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), repr(text)
    assert "Hints" in text and "check the axis" in text and "cell 4 raised" in text
    assert "9 hidden items (12 points) are not part of this run" in text.replace("\n", " ")


def test_the_batch_table_shows_labels_without_terminal_escapes() -> None:
    table = grade_table([(f"alice{TERMINAL}", record(("a", 1, 1, "passed")))])
    assert "\x1b" not in table and "\x9b" not in table and "alice" in table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x1b[2Jb", "ab"),
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"),
        ("a\x9b31mb", "ab"),
        ("a\x1bPq#0;2;0;0;0\x1b\\b", "ab"),
        ("a\x00\x08\x7fb\tc\nd", "ab\tc\nd"),
        ("lone \ud800 high", f"lone {REPLACEMENT} high"),
        ("pair \ud83d\ude00", "pair 😀"),
        ("\u202eflipped", "flipped"),
    ],
)
def test_printable_removes_what_a_terminal_would_act_on(text: str, expected: str) -> None:
    assert printable(text) == expected
    printable(text).encode("utf-8")


def test_one_line_folds_every_line_break() -> None:
    assert one_line("a\nb\r\nc\u2028d\te") == "a b c d e"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "`plain`"),
        ("has `one` tick", "``has `one` tick``"),
        ("`starts", "`` `starts ``"),
        ("a | b", "`a | b`"),
        ("", ""),
        ("x" * 30, "`" + "x" * 20 + " … (10 more characters)`"),
    ],
)
def test_markdown_code_spans(text: str, expected: str) -> None:
    assert markdown_code(text, limit=20) == expected


def test_markdown_code_in_a_table_escapes_pipes_and_keeps_backslashes_apart() -> None:
    assert markdown_code("a | b", limit=100, in_table=True) == "`a \\| b`"
    assert markdown_code("a \\| b", limit=100, in_table=True) == "`a \\ \\| b`"


def test_markdown_escaped_text_renders_as_its_characters() -> None:
    text = markdown_escaped("use *args, x_1 < y | [z](w) `q` & $m$", limit=100)
    html = mistune.create_markdown(escape=False)(text)
    assert "<em>" not in html and "<a" not in html and "<code>" not in html
    assert "&lt;" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "cmd"),  # a carriage return is removed: nothing is left to start a formula
        ("-0.5", "'-0.5"),
        ("1e-05", "1e-05"),
        ("alice", "alice"),
        ("'=already", "'=already"),
        ("bad \ud800", f"bad {REPLACEMENT}"),
    ],
)
def test_csv_cells_never_start_a_formula(value: str, cell: str) -> None:
    assert csv_cell(value) == cell
    stream = io.StringIO()
    csv.writer(stream).writerow([csv_cell(value)])
    assert next(csv.reader(io.StringIO(stream.getvalue()))) == [cell]


def test_other_graders_formats_carry_student_text_cleaned_and_as_plain_text() -> None:
    from autograder.reporting.formats import classroom, gradescope

    doc = hostile_record()
    doc["tests"][0]["message"] += "x" * 100_000
    results = gradescope.results_json(doc)
    assert gradescope.validate(results) == [] and results["test_output_format"] == "text"
    runner = classroom.runner_result(doc)
    assert classroom.validate(runner) == []
    for text in (results["tests"][0]["output"], runner["tests"][0]["message"], results["output"]):
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text) and len(text) < 20_000
        text.encode("utf-8")
