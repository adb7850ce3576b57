"""course_lib.digits_images: the digits as (N, 1, 8, 8) image tensors."""

from __future__ import annotations

import numpy as np
import torch

from course_lib import load_dataset
from course_lib.digits_images import load_digit_images


def test_shapes_dtypes_and_range() -> None:
    digits = load_digit_images()
    assert tuple(digits.images.shape) == (1797, 1, 8, 8)
    assert digits.images.dtype == torch.float32 and digits.labels.dtype == torch.int64
    assert float(digits.images.min()) == 0.0 and float(digits.images.max()) == 1.0
    assert len(digits) == 1797 and digits.classes == [str(d) for d in range(10)]
    assert torch.equal(torch.bincount(digits.labels) > 170, torch.ones(10, dtype=torch.bool))


def test_same_pixels_and_order_as_the_table() -> None:
    table = load_dataset("digits")
    digits = load_digit_images()
    np.testing.assert_allclose(digits.images.reshape(1797, 64).numpy() * 16, table.X, atol=1e-5)
    np.testing.assert_array_equal(digits.labels.numpy(), table.y)
