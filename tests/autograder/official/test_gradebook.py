"""The gradebook files: fractional scores end to end, round trips, Canvas export, summary, plot, diffs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from autograder.official.canvas import canvas_csv
from autograder.official.gradebook import (
    CANVAS,
    GRADEBOOK,
    ITEMS_PLOT,
    MOODLE,
    PLOT,
    SUMMARY,
    GradebookError,
    Row,
    differences,
    fmt,
    gradebook_csv,
    read_gradebook,
    rows_in_roster_order,
)
from autograder.official.plots import distribution_png, items_png
from autograder.official.summary import summary_markdown
from autograder.official.week_outputs import write_gradebook

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


def test_rows_without_points_are_blank_never_zero(tmp_path: Path) -> None:
    text = gradebook_csv(rows(), list(POINTS))
    table = {r["student"]: r for r in csv.DictReader(io.StringIO(text))}
    for student in ("cem", "dia"):  # missing, error
        cells = [table[student][c] for c in [*POINTS, "score", "adjustment", "total"]]
        assert cells == [""] * 6, (student, cells)
    assert table["eva"]["total"] == "0" and table["eva"]["split"] == "0", "a graded zero is 0"
    (tmp_path / GRADEBOOK).write_text(text)
    back = {r.student: r for r in read_gradebook(tmp_path / GRADEBOOK)[1]}
    assert back["cem"].items == {} and back["cem"].shown_total() == ""
    zeroed = text.replace(",missing,,,,,,,1,,4.5,", ",missing,,0,0,0,0,0,1,0,4.5,")
    assert zeroed != text
    (tmp_path / GRADEBOOK).write_text(zeroed)
    with pytest.raises(GradebookError, match="row of cem: status missing has no points"):
        read_gradebook(tmp_path / GRADEBOOK)


def test_adjustments_count_before_the_multiplier_and_never_below_zero() -> None:
    ben = rows()[1]  # items 1.833333, multiplier 0.8
    ben.adjustment = 1.0
    assert ben.total == pytest.approx((1.833333 + 1.0) * 0.8, abs=1e-6)
    ben.adjustment = -10.0
    assert ben.total == 0.0
    cem = rows()[2]
    cem.adjustment = 3.0
    assert cem.total == 0.0 and cem.shown_total() == "", "a missing row gets no points from one"


def test_summary_counts_statuses_and_pass_rates() -> None:
    text = summary_markdown("week01", rows(), POINTS, "deadline X, policy penalty")
    assert "5 students: 3 graded, 1 missing, 1 error." in text
    # totals of the graded: 4.5, 1.466666, 0
    assert "Totals of the 3 students with points" in text
    assert "mean 1.988889, median 1.466666, min 0, max 4.5" in text
    assert "![distribution of the totals, mean and median marked](distribution.png)" in text
    assert "[items.png](items.png)" in text
    assert (
        "every other status is blank in gradebook.csv and canvas.csv (left out of moodle.csv), "
        "never 0: cem (missing), dia (error)." in text
    )
    assert "| `split` | 2 | 1 | 1 | 33.3% |" in text
    assert "| `leak.hidden` | 1 | 1 | 1 | 33.3% |" in text
    assert "- cem: missing (`no repository found for this student`)" in text
    assert "1 student(s) with commits after their deadline" in text


def test_plots_are_reproducible_pngs() -> None:
    first, again = distribution_png("week01", rows(), 4.5), distribution_png("week01", rows(), 4.5)
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first == again
    assert first != distribution_png("week01", rows()[:1], 4.5)
    items = items_png("week01", rows(), POINTS)
    assert items[:8] == b"\x89PNG\r\n\x1a\n" and items == items_png("week01", rows(), POINTS)
    worse = rows()
    worse[0].items["split"] = 0.0
    assert items != items_png("week01", worse, POINTS), "the bars follow the pass counts"


def test_the_plots_mark_the_mean_and_median_where_they_are() -> None:
    import numpy as np
    from PIL import Image

    def red_columns(png: bytes) -> list[int]:
        image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        red = (image[..., 0] > 170) & (image[..., 1] < 110) & (image[..., 2] < 110)
        return [int(x) for x in np.flatnonzero(red.sum(axis=0) > 40)]

    low = [Row(f"s{i}", "graded", 4.5, {"split": 0.5}) for i in range(5)]
    high = [
        Row(f"s{i}", "graded", 4.5, {"split": 2.0, "scale": 1.5, "leak.hidden": 0.5})
        for i in range(5)
    ]
    low_line, high_line = (
        red_columns(distribution_png("w", low, 4.5)),
        red_columns(distribution_png("w", high, 4.5)),
    )
    assert low_line and high_line, "a vertical mean line is drawn"
    assert max(low_line) < min(high_line), "it moves with the mean"


def test_write_gradebook_writes_its_files_and_canvas_only_with_ids(tmp_path: Path) -> None:
    (tmp_path / CANVAS).write_text("an old export")
    written = write_gradebook(tmp_path, "week01", rows(), POINTS, {}, policy="p")
    assert sorted(p.name for p in written.paths) == sorted([GRADEBOOK, SUMMARY, PLOT, ITEMS_PLOT])
    assert not (tmp_path / CANVAS).exists(), "an old canvas.csv is not left to be uploaded"
    assert written.canvas.startswith("not written: the roster has no identifying column")
    assert (
        "canvas.csv: not written: the roster has no identifying column"
        in (tmp_path / SUMMARY).read_text()
    )
    ids = {r.student: {"canvas_id": str(100 + n)} for n, r in enumerate(rows())}
    written = write_gradebook(
        tmp_path, "week01", rows(), POINTS, ids, canvas_assignment="Week 1 (42)"
    )
    assert (tmp_path / CANVAS).is_file() and "'Week 1 (42)'" in written.canvas
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary files left"


def test_moodle_gets_only_rows_with_points_because_it_clears_a_grade_on_a_blank(
    tmp_path: Path,
) -> None:
    emails = {r.student: {"email": f"{r.student}@uni.example"} for r in rows()}
    written = write_gradebook(tmp_path, "week01", rows(), POINTS, emails)
    with (tmp_path / MOODLE).open() as stream:
        table = list(csv.reader(stream))
    assert table == [
        ["Email address", "week01"],
        ["ana@uni.example", "4.5"],
        ["ben@uni.example", "1.466666"],
        ["eva@uni.example", "0"],
    ]
    assert not [cells for cells in table if cells[1] in ("", "-")], "Moodle would clear a grade"
    assert (
        "moodle.csv: written, grade column 'week01'; the 2 rows without points or with a written question pending are left out."
        in (tmp_path / SUMMARY).read_text()
    )
    assert written.canvas.startswith("not written")
    del emails["ana"]
    write_gradebook(tmp_path, "week01", rows(), POINTS, emails)
    assert not (tmp_path / MOODLE).exists()
    assert (
        "moodle.csv: not written: 1 roster students have no email: ana."
        in (tmp_path / SUMMARY).read_text()
    )


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
    assert "dia: row removed (was -)" in lines, "an error row had no total"
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
    ana[-4] = "99"  # the total column, edited apart from the items
    (tmp_path / GRADEBOOK).write_text("\n".join([lines[0], ",".join(ana), *lines[2:]]) + "\n")
    with pytest.raises(GradebookError, match="row of ana: total '99'"):
        read_gradebook(tmp_path / GRADEBOOK)


def test_formulas_from_the_roster_and_notes_are_inert_in_every_csv() -> None:
    hostile = [Row("ana", "error", 4.5, note="=cmd|' /C calc'!A0", repo="@SUM(A1)")]
    extra = {"ana": {"name": '=HYPERLINK("http://x")', "canvas_id": "+1", "section": "-1+2"}}
    for text in (gradebook_csv(hostile, list(POINTS)), canvas_csv(hostile, extra, "+week01 (1)")):
        for cells in csv.reader(io.StringIO(text)):
            assert not [c for c in cells if c[:1] in "=+-@" and c[:1]], cells


def test_teammates_sharing_a_repository_are_one_submission_not_a_similar_pair(
    tmp_path: Path,
) -> None:
    from autograder.course import locate_week
    from autograder.official.gradebook import SIMILARITY
    from tests.conftest import ROOT

    week = locate_week("week01", ROOT)
    solution, template = week.solution_notebook.read_bytes(), week.notebook.read_bytes()
    import hashlib

    sha = hashlib.sha256(solution).hexdigest()
    team = [
        Row(s, "graded", 4.5, {"split": 2.0}, repo=repo, sha256=sha)
        for s, repo in (("dave", "week01-pair"), ("erin", "week01-pair"), ("zed", "week01-zed"))
    ]
    notebooks = {row.student: solution for row in team}
    write_gradebook(tmp_path, "week01", team, POINTS, {}, submissions=notebooks, template=template)
    with (tmp_path / SIMILARITY).open() as stream:
        pairs = [(r["first"], r["second"], r["kind"]) for r in csv.DictReader(stream)]
    assert pairs == [("dave+erin", "zed", "identical")]


def test_a_pending_written_question_is_blank_in_every_export_and_survives_a_round_trip(
    tmp_path: Path,
) -> None:
    points = {**POINTS, "essay": 2.0}
    table = rows()
    table[0].items["essay"] = 2.0  # ana: marked
    table[1].pending = ["essay"]  # ben: not marked yet
    table[1].adjustment = 1.0  # and an override's point
    table[4].items["essay"] = 0.0  # eva: marked 0
    extra = {
        r.student: {"email": f"{r.student}@x.example", "sis_user_id": r.student} for r in table
    }
    write_gradebook(tmp_path, "week01", table, points, extra)
    with (tmp_path / GRADEBOOK).open() as stream:
        book = {r["student"]: r for r in csv.DictReader(stream)}
    assert [book[s]["essay"] for s in ("ana", "ben", "cem", "dia", "eva")] == [
        "2", "pending", "", "", "0",
    ]  # fmt: skip
    assert (book["ben"]["total"], book["ben"]["adjustment"]) == ("2.266666", "1")
    assert read_gradebook(tmp_path / GRADEBOOK)[1] == table, "pending read back as pending"
    with (tmp_path / CANVAS).open() as stream:
        canvas = {r["Student"]: r["week01"] for r in csv.DictReader(stream)}
    assert canvas == {"ana": "6.5", "ben": "", "cem": "", "dia": "", "eva": "0"}
    with (tmp_path / MOODLE).open() as stream:
        assert [r[0] for r in csv.reader(stream)] == [
            "Email address", "ana@x.example", "eva@x.example",
        ]  # fmt: skip
    summary = (tmp_path / SUMMARY).read_text()
    assert "| `essay` | 2 | 1 | 0 | 50.0% (1 pending) |" in summary
    assert "- A written question pending (not marked yet): blank in canvas.csv" in summary
