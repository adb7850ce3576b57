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


def relative_error(a: np.ndarray | float, b: np.ndarray | float) -> float:
    """Relative error of two gradients, ``||a - b|| / (||a|| + ||b||)`` (Euclidean norms).

    A norm ratio rather than an entry-wise maximum, so that entries that are
    (almost) zero in both, where finite differences are all rounding error,
    do not dominate.

    Parameters
    ----------
    a, b : array_like
        Two gradients of the same shape (analytic and numerical).

    Returns
    -------
    float
        0 when both are identical (including both zero), at most 1 otherwise;
        below ``1e-7`` means the gradients agree to float64 finite-difference
        precision, above ``1e-3`` almost always means a bug.
    """
    a_arr = np.asarray(a, dtype=np.float64)
    b_arr = np.asarray(b, dtype=np.float64)
    if a_arr.shape != b_arr.shape:
        raise ValueError(f"shapes differ: {a_arr.shape} and {b_arr.shape}")
    denominator = float(np.linalg.norm(a_arr) + np.linalg.norm(b_arr))
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a_arr - b_arr)) / denominator
