"""Plain-text renderings for a terminal: the table of several submissions (the demo, a batch)."""

from __future__ import annotations

from typing import Any

from autograder.reporting.points import format_points


def grade_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """A plain-text table of several results (label, record): the demo's output."""
    names: list[str] = []
    for _, record in rows:
        for t in record.get("tests", []):
            if t["name"] not in names:
                names.append(t["name"])
    width = max([len("submission")] + [len(label) for label, _ in rows])
    header = f"{'submission':<{width}}  {'score':>13}  status"
    out = [header, "-" * len(header)]
    for label, record in rows:
        total = (
            f"{format_points(record.get('score', 0))}/{format_points(record.get('max_score', 0))}"
        )
        tests = record.get("tests", [])
        passed = sum(1 for t in tests if t["status"] == "passed")
        out.append(f"{label:<{width}}  {total:>13}  {passed}/{len(tests)} items passed")
    out.append("")
    item_width = max([len("item")] + [len(n) for n in names])
    out.append(f"{'item':<{item_width}}  " + "  ".join(f"{label[:12]:>12}" for label, _ in rows))
    for name in names:
        cells = []
        for _, record in rows:
            t = next((t for t in record.get("tests", []) if t["name"] == name), None)
            cells.append(
                f"{format_points(t['score']) + '/' + format_points(t['max_score']) if t else '-':>12}"
            )
        out.append(f"{name:<{item_width}}  " + "  ".join(cells))
    return "\n".join(out) + "\n"
