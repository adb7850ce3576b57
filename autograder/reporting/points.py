"""How points are written everywhere: the reports, the gradebook, the CSV exports."""

from __future__ import annotations


def format_points(value: float, decimals: int = 2) -> str:
    """Points with up to ``decimals`` decimals, trailing zeros dropped, never rounded to 0/1.

    Reports use 2 (1.5 -> '1.5', 2.0 -> '2'); gradebooks keep 6 (0.333333),
    so that fractional partial credit is never lost in a CSV.
    """
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"
