"""Words for check messages: describe a value without showing it, show it briefly, expected vs got.

The reveal rule lives in one place: a check puts values only in an
:class:`~autograder.spec.items.Outcome`'s ``detail``, and the scorer shows
the detail for public items and drops it for hidden ones. The helpers here
build those texts; :func:`describe` never shows a value, so a message built
from it is safe for a hidden item too.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def show(value: Any, limit: int = 60) -> str:
    """A short rendering of ``value`` for a public message (arrays abbreviated, floats to 6 digits)."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=8, edgeitems=2, suppress=True):
            text = np.array2string(value, separator=", ")
    elif type(value) is float:
        text = f"{value:.6g}"
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """What kind of thing ``value`` is (an array's shape and dtype, else its type): never its value."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    return type(value).__name__


def expected_got(expected: Any, got: Any, *, what: str = "") -> str:
    """``"expected [what ]X, got Y"`` for an Outcome's ``detail`` (shown only for public items)."""
    label = f"{what} " if what else ""
    return f"expected {label}{show(expected)}, got {show(got)}"
