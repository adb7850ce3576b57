"""Shared library for the course's weekly notebooks.

One concept per module: :mod:`course_lib.data` (offline data sets),
:mod:`course_lib.seed` (reproducibility), :mod:`course_lib.plotting`
(figures the notebooks draw). It never contains a solution to a graded item.
"""

from course_lib.data import TabularData, available_datasets, load_dataset
from course_lib.seed import seed_everything

__all__ = ["TabularData", "available_datasets", "load_dataset", "seed_everything"]
