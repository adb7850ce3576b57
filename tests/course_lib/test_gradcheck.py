"""course_lib.gradcheck: central differences against known gradients."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_form_matches_the_formula() -> None:
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    before = x.copy()
    numeric = numerical_gradient(lambda v: float(v @ A @ v), x)
    assert relative_error(numeric, (A + A.T) @ before) < 1e-8
    np.testing.assert_array_equal(x, before)  # the point is restored


def test_numerical_gradient_works_on_matrices() -> None:
    W = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
    numeric = numerical_gradient(lambda m: float(np.sum(np.sin(m))), W)
    assert numeric.shape == (2, 3)
    assert relative_error(numeric, np.cos(W)) < 1e-8


def test_a_wrong_gradient_is_caught() -> None:
    x = np.array([0.3, -1.2, 2.0])
    numeric = numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert relative_error(numeric, 3 * x**2) < 1e-8
    assert relative_error(numeric, 2 * x**2) > 0.1


def test_float32_is_refused() -> None:
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda v: float(v.sum()), np.ones(3, dtype=np.float32))


def test_relative_error_is_a_norm_ratio() -> None:
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
    # a tiny entry that is pure rounding noise does not dominate
    assert relative_error(np.array([1.0, 1e-12]), np.array([1.0, -1e-12])) < 1e-11
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))
