"""The plots of a week's gradebook: the distribution of totals and the pass rate of every item.

Drawn with matplotlib's Agg canvas (no display, no global pyplot state) and
saved without a timestamp, so the same rows give the same bytes.
"""

from __future__ import annotations

import io
import statistics
from typing import Any

from autograder.official.gradebook import GRADED, Row, fmt
from autograder.official.summary import item_pass_counts


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Any) -> bytes:
    figure.tight_layout()
    stream = io.BytesIO()
    figure.savefig(stream, format="png", metadata={"Software": None})
    return stream.getvalue()


def distribution_png(week: str, rows: list[Row], max_score: float) -> bytes:
    """A histogram of the totals with points, the mean and the median marked."""
    from matplotlib.ticker import MaxNLocator

    totals = [row.total for row in rows if row.has_points]
    figure, axes = _figure(6, 3.5)
    top = max([max_score, *totals, 1e-9])
    bins = max(1, min(20, int(max_score) or 1))
    axes.hist(totals, bins=bins, range=(0, top), color="#4878a8", edgecolor="white")
    if totals:
        mean, median = statistics.fmean(totals), statistics.median(totals)
        axes.axvline(mean, color="#c44e52", linewidth=2, label=f"mean {fmt(round(mean, 2))}")
        axes.axvline(
            median,
            color="#55a868",
            linewidth=2,
            linestyle="--",
            label=f"median {fmt(round(median, 2))}",
        )
        axes.legend(loc="upper left", frameon=False)
    axes.set_xlabel(f"total points (out of {fmt(max_score)})")
    axes.set_ylabel("students")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{week}: {len(totals)} with points of {len(rows)}")
    return _png(figure)


def items_png(week: str, rows: list[Row], item_points: dict[str, float]) -> bytes:
    """One bar per item: the share of graded students with full points (and with some); a
    written question's share is over the students already marked on it."""
    graded = sum(1 for row in rows if row.status == GRADED)
    counts = item_pass_counts(rows, item_points)
    names = list(counts)
    figure, axes = _figure(7, max(2.5, 0.3 * len(names) + 1))
    # a written question's share is over the students marked on it (pending ones left out)
    passed = [100 * counts[n][0] / counts[n][2] if counts[n][2] else 0.0 for n in names]
    partial = [100 * counts[n][1] / counts[n][2] if counts[n][2] else 0.0 for n in names]
    positions = list(range(len(names)))[::-1]  # the first item on top
    axes.barh(positions, passed, color="#4878a8", label="full points")
    axes.barh(positions, partial, left=passed, color="#dd8452", label="some points")
    axes.set_yticks(positions, names, fontsize=8)
    axes.set_xlim(0, 100)
    axes.set_xlabel(f"% of the {graded} graded students")
    axes.set_title(f"{week}: pass rate per item")
    if names:
        axes.legend(loc="lower right", frameon=False, fontsize=8)
    return _png(figure)


__all__ = ["distribution_png", "items_png"]
