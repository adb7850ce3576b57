"""Exception names that may cross the boundary: those of Python's built-in classes only.

A submission chooses the names of its own exception classes, so a class
name is a channel (a hidden input spelled as ``class Leak_0_8166(...)``).
The sandbox reports the most specific *built-in* class an exception is an
instance of, and the trusted side accepts a reported name only when it is
the name of a built-in exception class.
"""

from __future__ import annotations

import builtins

BUILTIN_EXCEPTION_NAMES = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def builtin_exception_names(error: BaseException) -> list[str]:
    """The built-in exception classes ``error`` is an instance of, most specific first.

    A student's ``class NotFittedError(RuntimeError)`` gives ``["RuntimeError",
    "Exception", "BaseException"]``: checks test "is a RuntimeError" the way
    ``isinstance`` does, and no name the student chose leaves the sandbox.
    """
    return [
        cls.__name__
        for cls in type(error).__mro__
        if cls.__name__ in BUILTIN_EXCEPTION_NAMES and getattr(builtins, cls.__name__, None) is cls
    ]


def builtin_name(name: object) -> str:
    """``name`` if it names a built-in exception class, else ``""`` (trusted side)."""
    return name if type(name) is str and name in BUILTIN_EXCEPTION_NAMES else ""
