"""Helpers for probes (they run in the sandbox): call the student's code and record what happened.

A probe returns plain data; the exchange format already turns tuples into
lists, numpy scalars into numbers and tensors into arrays, so a probe needs
no conversion of its own. What it does need, when raising *is* the answer
(invalid input, predict before fit), is :func:`attempt`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# one definition for both sides of the boundary (the harness reports these names too)
from autograder.wire.exception_names import builtin_exception_names


def attempt(
    function: Callable[..., Any],
    *args: Any,
    mentions: Sequence[str] = (),
    keep_value: bool = True,
    **kwargs: Any,
) -> dict[str, Any]:
    """Call ``function(*args, **kwargs)`` and record ``{"value": ...}``, or what it raised.

    A raise is recorded as ``{"raised": "ValueError", "raised_types": [...],
    "mentions": {word: bool}}``: the most specific built-in exception class,
    every built-in class it is an instance of (see
    :func:`builtin_exception_names`) and, for each word in ``mentions``,
    whether the message contains it (any case), for checks such as
    :func:`autograder.spec.checks.raises`. The message itself never leaves
    the sandbox. ``keep_value=False`` records a return as ``{"value": None}``
    (when only "did it raise?" matters and the value cannot be exported, an
    object say). ``NotImplementedError`` propagates, so an untouched stub is
    reported as not implemented.
    """
    try:
        value = function(*args, **kwargs)
        return {"value": value if keep_value else None}
    except NotImplementedError:
        raise
    except Exception as error:  # the exception *is* the answer here
        names = builtin_exception_names(error)
        try:
            message = str(error).lower()
        except Exception:  # a hostile __str__
            message = ""
        return {
            "raised": names[0],
            "raised_types": names,
            "mentions": {word: word.lower() in message for word in mentions},
        }
