"""The gradient checker must pass correct gradients and catch wrong ones."""

import numpy as np
import pytest

from dlcourse.core import activations as A
from dlcourse.testing import gradcheck, numerical_gradient, relative_error


def test_numerical_gradient_of_a_quadratic_is_exact_to_rounding():
    x = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-9)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])       # the point is restored


def test_numerical_gradient_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(np.sum, np.ones(3, dtype=np.float32))


def test_catches_a_planted_wrong_gradient():
    def wrong_sigmoid_backward(dy, cache):
        _, a = cache
        y = A.sigmoid(a)
        return dy * y * (1.0 + y)                  # planted bug: + instead of -

    a = np.random.default_rng(0).standard_normal((4, 3))
    result = gradcheck(lambda a: A.activation_forward(a, "sigmoid"), wrong_sigmoid_backward, [a])
    assert not result
    assert "WRONG" in str(result)


def test_catches_a_gradient_that_is_off_by_a_constant_factor_in_one_parameter():
    def forward(x, w):
        return x @ w, (x, w)

    def backward(dout, cache):
        x, w = cache
        return dout @ w.T, 0.5 * (x.T @ dout)      # planted bug: halved weight gradient

    rng = np.random.default_rng(1)
    result = gradcheck(forward, backward, [rng.standard_normal((3, 2)), rng.standard_normal((2, 4))],
                       names=["x", "w"])
    assert result.errors["x"] < 1e-8 and result.errors["w"] > 0.1 and not result


def test_backward_returning_the_wrong_number_of_gradients_is_reported():
    with pytest.raises(ValueError, match="one per positional input"):
        gradcheck(lambda x, w: (x * w, None), lambda d, c: d, [np.ones(2), np.ones(2)])


def test_relative_error_scale_free():
    assert relative_error([1e6], [1e6 * (1 + 1e-9)]) < 1e-9
    assert relative_error([1e-3], [2e-3]) == pytest.approx(1 / 3)
