"""Shared library for the course's weekly notebooks.

One concept per module:

* :mod:`course_lib.data`: offline data sets as arrays plus metadata;
* :mod:`course_lib.seed`: one call that pins every random generator and torch's threads;
* :mod:`course_lib.plotting`: figures the notebooks draw (images, splits, distributions, curves);
* :mod:`course_lib.gradcheck`: numerical gradients for checking backward passes;
* :mod:`course_lib.device`: CUDA when present, else CPU;
* :mod:`course_lib.digits_images`: the digits as 8x8 image tensors;
* :mod:`course_lib.tracking`: experiment logging, W&B offline or CSV;
* :mod:`course_lib.training_plots`: training curves, decision boundaries, histograms.

Modules that need torch are imported by their path, so ``import course_lib``
stays cheap. It never contains a solution to a graded item.
"""

from course_lib.data import TabularData, available_datasets, load_dataset
from course_lib.seed import seed_everything

__all__ = ["TabularData", "available_datasets", "load_dataset", "seed_everything"]
