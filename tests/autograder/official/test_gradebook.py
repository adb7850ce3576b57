"""The gradebook files: fractional scores end to end, round trips, Canvas export, summary, plot, diffs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.official.gradebook import (
    CANVAS,
    GRADEBOOK,
    PLOT,
    SUMMARY,
    GradebookError,
    Row,
    canvas_csv,
    differences,
    distribution_png,
    fmt,
    gradebook_csv,
    read_gradebook,
    rows_in_roster_order,
    summary_markdown,
    write_gradebook,
)

POINTS = {"split": 2.0, "scale": 1.5, "leak.hidden": 1.0}


def rows() -> list[Row]:
    return [
        Row(
            "ana",
            "graded",
            4.5,
            {"split": 2.0, "scale": 1.5, "leak.hidden": 1.0},
            commit="a" * 40,
            commit_time="2026-10-30T12:00:00+00:00",
            time_source="push",
        ),
        Row(
            "ben",
            "graded",
            4.5,
            {"split": 1.0, "scale": 0.5, "leak.hidden": 1 / 3},
            late=True,
            days_late=2,
            multiplier=0.8,
        ),
        Row("cem", "missing", 4.5, note="no repository found for this student"),
        Row("dia", "error", 4.5, note="internal error of the grader: boom"),
        Row("eva", "graded", 4.5, {"split": 0.0, "scale": 0.0, "leak.hidden": 0.0}),
    ]


@pytest.mark.parametrize(
    ("value", "text"), [(1.5, "1.5"), (2.0, "2"), (1 / 3, "0.333333"), (0.0, "0"), (-0.0, "0")]
)
def test_scores_are_printed_fractional_never_rounded_to_whole_points(
    value: float, text: str
) -> None:
    assert fmt(value) == text


def test_csv_round_trip_keeps_fractions_and_bytes(tmp_path: Path) -> None:
    text = gradebook_csv(rows(), list(POINTS))
    (tmp_path / GRADEBOOK).write_text(text)
    names, back = read_gradebook(tmp_path / GRADEBOOK)
    assert names == list(POINTS)
    ben = back[1]
    assert ben.items["leak.hidden"] == pytest.approx(1 / 3, abs=1e-6) and ben.items["scale"] == 0.5
    assert ben.score == pytest.approx(1.833333) and ben.total == pytest.approx(1.466666, abs=1e-6)
    assert ben.late and ben.days_late == 2 and back[0].time_source == "push"
    assert gradebook_csv(back, names) == text, "reading and writing again changes nothing"
    table = list(csv.DictReader(io.StringIO(text)))
    assert table[1]["total"] == "1.466666" and table[1]["scale"] == "0.5"


def test_a_foreign_csv_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("name,points\nana,3\n")
    with pytest.raises(GradebookError, match="not a gradebook"):
        read_gradebook(tmp_path / "x.csv")


def test_canvas_export_uses_roster_ids_and_leaves_unknowns_blank() -> None:
    extra = {
        "ana": {
            "name": "Ana A",
            "canvas_id": "101",
            "sis_user_id": "s1",
            "sis_login_id": "ana@u",
            "section": "A",
        }
    }
    table = list(csv.reader(io.StringIO(canvas_csv(rows(), extra, "Week 1 (42)"))))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 1 (42)"]
    assert table[1] == ["Ana A", "101", "s1", "ana@u", "A", "4.5"]
    by_login = {r[3]: r[5] for r in table[1:]}
    assert by_login["ben"] == "1.466666", "late penalty applied, fraction kept"
    assert by_login["cem"] == "" and by_login["dia"] == "", (
        "missing and error rows are not silent zeros"
    )
    assert by_login["eva"] == "0"


def test_summary_counts_statuses_and_pass_rates() -> None:
    text = summary_markdown("week01", rows(), POINTS, "deadline X, policy penalty")
    assert "5 students: 3 graded, 1 missing, 1 error." in text
    # totals of the graded: 4.5, 1.466666, 0
    assert "mean 1.988889, median 1.466666, min 0, max 4.5" in text
    assert "| `split` | 2 | 1 | 1 | 33.3% |" in text
    assert "| `leak.hidden` | 1 | 1 | 1 | 33.3% |" in text
    assert "- cem: missing (`no repository found for this student`)" in text
    assert "1 students have commits after their deadline" in text


def test_plot_is_a_reproducible_png() -> None:
    first, again = distribution_png("week01", rows(), 4.5), distribution_png("week01", rows(), 4.5)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == again
    assert first != distribution_png("week01", rows()[:1], 4.5)


def test_write_gradebook_writes_the_four_files(tmp_path: Path) -> None:
    written = write_gradebook(tmp_path, "week01", rows(), POINTS, {}, policy="p")
    assert sorted(p.name for p in written) == sorted([GRADEBOOK, CANVAS, SUMMARY, PLOT])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary files left"


def test_differences_name_every_changed_student() -> None:
    old = rows()
    new = rows()
    new[1] = Row(
        "ben", "graded", 4.5, {"split": 2.0, "scale": 0.5, "leak.hidden": 1 / 3}, multiplier=0.8
    )
    new[4] = Row("eva", "graded", 4.5, {"split": 0.0}, commit="b" * 40)
    del new[3]
    new.append(Row("fay", "graded", 4.5, {"split": 2.0}))
    lines = differences(old, new)
    assert "ben: 1.466666 -> 2.266666" in lines
    assert "eva: 0 -> 0, commit - -> bbbbbbbbbb" in lines
    assert "fay: new row, 2 (graded)" in lines
    assert "dia: row removed (was 0)" in lines
    assert not any(line.startswith(("ana", "cem")) for line in lines)


def test_roster_order_refuses_unknown_missing_and_duplicate_students() -> None:
    assert [
        r.student for r in rows_in_roster_order(rows()[::-1], ["ana", "ben", "cem", "dia", "eva"])
    ] == [
        "ana",
        "ben",
        "cem",
        "dia",
        "eva",
    ]
    with pytest.raises(GradebookError, match="no row: eva"):
        rows_in_roster_order(rows()[:4], ["ana", "ben", "cem", "dia", "eva"])
    with pytest.raises(GradebookError, match="not on the roster: eva"):
        rows_in_roster_order(rows(), ["ana", "ben", "cem", "dia"])
    with pytest.raises(GradebookError, match="graded twice: ana"):
        rows_in_roster_order([*rows(), rows()[0]], ["ana", "ben", "cem", "dia", "eva"])


def test_a_cell_that_does_not_parse_or_does_not_add_up_is_refused_naming_row_and_column(
    tmp_path: Path,
) -> None:
    write_gradebook(tmp_path, "week01", rows(), POINTS, {})
    text = (tmp_path / GRADEBOOK).read_text()
    (tmp_path / GRADEBOOK).write_text(text.replace(",yes,2,", ",yes,two,", 1))
    with pytest.raises(GradebookError, match="row of ben: days_late 'two' is not a number"):
        read_gradebook(tmp_path / GRADEBOOK)
    lines = text.splitlines()
    ana = lines[1].split(",")
    ana[-3] = "99"  # the total column, edited apart from the items
    (tmp_path / GRADEBOOK).write_text("\n".join([lines[0], ",".join(ana), *lines[2:]]) + "\n")
    with pytest.raises(GradebookError, match="row of ana: total '99'"):
        read_gradebook(tmp_path / GRADEBOOK)


def test_formulas_from_the_roster_and_notes_are_inert_in_every_csv() -> None:
    hostile = [Row("ana", "error", 4.5, note="=cmd|' /C calc'!A0", repo="@SUM(A1)")]
    extra = {"ana": {"name": '=HYPERLINK("http://x")', "canvas_id": "+1", "section": "-1+2"}}
    for text in (gradebook_csv(hostile, list(POINTS)), canvas_csv(hostile, extra, "+week01")):
        for cells in csv.reader(io.StringIO(text)):
            assert not [c for c in cells if c[:1] in "=+-@" and c[:1]], cells
