"""The digits data set as image tensors: 1,797 handwritten digits, 8x8 pixels, offline.

:func:`course_lib.load_dataset` gives the same data as a table (64 columns of
pixel counts 0..16). Convolutions, ``torchvision`` transforms and data loaders
want images instead: ``(N, 1, 8, 8)`` float tensors with values in ``[0, 1]``
(channel first, one grey channel), and integer labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from course_lib.data import load_dataset

PIXEL_MAX = 16.0  # scikit-learn's digits count ink in 4x4 blocks: 0..16


@dataclass(frozen=True)
class DigitImages:
    """Digit images and their labels.

    Attributes
    ----------
    images : torch.Tensor
        Shape ``(N, 1, 8, 8)``, float32, values in ``[0, 1]`` (0 is background).
    labels : torch.Tensor
        Shape ``(N,)``, int64, the digit 0..9.
    """

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    @property
    def classes(self) -> list[str]:
        return [str(digit) for digit in range(10)]


def load_digit_images() -> DigitImages:
    """Load scikit-learn's bundled digits as ``(N, 1, 8, 8)`` float32 images in ``[0, 1]``.

    Returns
    -------
    DigitImages
        ``images`` (1797, 1, 8, 8) float32 and ``labels`` (1797,) int64, in
        scikit-learn's order (no shuffling: splitting is the caller's job).

    Examples
    --------
    >>> digits = load_digit_images()
    >>> tuple(digits.images.shape), digits.images.dtype, len(digits)
    ((1797, 1, 8, 8), torch.float32, 1797)
    """
    table = load_dataset("digits")
    pixels = np.asarray(table.X, dtype=np.float32).reshape(-1, 1, 8, 8) / np.float32(PIXEL_MAX)
    return DigitImages(
        torch.from_numpy(pixels), torch.from_numpy(np.asarray(table.y, dtype=np.int64))
    )
