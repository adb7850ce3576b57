"""Our results record written in other graders' formats, so a course can keep its platform.

* :mod:`~autograder.reporting.formats.classroom`: the (retired) GitHub Classroom
  autograding reporter's runner result, the base64 ``result`` step output,
  and its ``Points X/Y`` line.
* :mod:`~autograder.reporting.formats.classroom50`: Classroom 50's ``result.json``
  (``classroom50/result/v1``).
* :mod:`~autograder.reporting.formats.gradescope`: Gradescope's ``results.json``.

Each module converts the plain results dict (``Results.as_dict()``, the
record ``python -m autograder grade --json`` writes) and validates its own
output against the documented shape, so a test can hold every exporter to it.
Nothing here imports student code or executes anything.
"""

from __future__ import annotations

FORMATS = ("classroom", "classroom50", "gradescope")
