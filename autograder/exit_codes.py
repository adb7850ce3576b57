"""The exit codes of every verb of ``python -m autograder`` (and of the nox sessions that wrap them)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a verb's exit status means."""

    OK = 0  # everything passed, or the command succeeded
    FAILED = 1  # graded with items that lost points, or a gate that refused
    USAGE = 2  # bad arguments, unknown week, missing file: nothing was written
    INTERNAL = 3  # an error of the grader itself
