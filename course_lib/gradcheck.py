"""Numerical gradients: check an analytic gradient against central finite differences.

Students use this to test the gradients they derive by hand (weeks 3 and 4);
it is a checking tool, never a graded answer. Work in float64: with
``eps=1e-5`` central differences agree with a correct analytic gradient to a
relative error of about 1e-9 on smooth functions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Central-difference gradient of a scalar function at ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It is called with ``x`` itself, modified in place
        one entry at a time (and restored), so ``f`` must read ``x`` afresh on
        each call rather than keep a copy.
    x : numpy.ndarray
        The point, a float64 array of any shape. Restored before returning.
    eps : float
        Step size; each entry uses ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    Returns
    -------
    numpy.ndarray
        The numerical gradient, same shape as ``x``, float64.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "numerical_gradient needs a float64 numpy array (float32 is too coarse for finite differences)"
        )
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):  # pragma: no cover - only for non-contiguous input
        raise ValueError("x must be contiguous so that it can be perturbed in place")
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = float(f(x))
        flat[i] = original - eps
        minus = float(f(x))
        flat[i] = original
        out[i] = (plus - minus) / (2.0 * eps)
    return grad


def relative_error(a: np.ndarray | float, b: np.ndarray | float, floor: float = 1e-8) -> float:
    """Largest entry-wise relative error ``|a - b| / max(|a| + |b|, floor)``.

    Parameters
    ----------
    a, b : array_like
        Two gradients of the same shape (analytic and numerical).
    floor : float
        Lower bound of the denominator, so that entries that are both (almost)
        zero count as agreeing instead of dividing zero by zero.

    Returns
    -------
    float
        0 for identical inputs; below ``1e-7`` means the gradients agree to
        float64 finite-difference precision.
    """
    a_arr = np.asarray(a, dtype=np.float64)
    b_arr = np.asarray(b, dtype=np.float64)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"shapes differ: {a_arr.shape} and {b_arr.shape}")
    if a_arr.size == 0:
        return 0.0
    denominator = np.maximum(np.abs(a_arr) + np.abs(b_arr), floor)
    return float(np.max(np.abs(a_arr - b_arr) / denominator))
