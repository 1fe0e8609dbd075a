"""Every activation: values, stability at extreme inputs, and gradients checked numerically."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcourse.core import activations as A
from dlcourse.testing import gradcheck

ELEMENTWISE = sorted(A.ACTIVATIONS)


def away_from_kinks(a, kinks=(-1.0, 0.0, 1.0), margin=1e-3):
    """Nudge points that lie within ``margin`` of a kink, where no derivative exists."""
    a = a.copy()
    for k in kinks:
        close = np.abs(a - k) < margin
        a[close] = k + 10 * margin
    return a


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_backward_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    a = away_from_kinks(rng.uniform(-3, 3, size=(6, 5)))
    result = gradcheck(lambda a: A.activation_forward(a, name), A.activation_backward, [a], rng=1)
    assert result, str(result)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_prime_is_the_derivative_of_f(name):
    f, f_prime = A.ACTIVATIONS[name]
    a = away_from_kinks(np.linspace(-3, 3, 61))
    h = 1e-6
    numeric = (f(a + h) - f(a - h)) / (2 * h)
    np.testing.assert_allclose(f_prime(a), numeric, atol=1e-7)


def test_worked_values():
    a = np.array([-2.0, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(A.threshold(a), [0, 0, 1, 1])      # 0 at a = 0, as Rosenblatt
    np.testing.assert_array_equal(A.sign(a), [-1, -1, 1, 1])         # never 0, unlike np.sign
    np.testing.assert_array_equal(A.ramp(a), [0, 0, 0.5, 1])
    np.testing.assert_array_equal(A.hard_tanh(a), [-1, 0, 0.5, 1])
    np.testing.assert_allclose(A.leaky_relu(a), [-0.02, 0, 0.5, 2])
    assert A.sigmoid(0.0) == 0.5 and A.sigmoid_prime(0.0) == 0.25   # the slope is at most 1/4
    assert A.gaussian(0.0) == 1.0 and A.ricker(1.0) == 0.0           # Ricker crosses 0 at r = 1


@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_sigmoid_is_finite_and_symmetric_everywhere(a):
    y = A.sigmoid(a)
    assert 0.0 <= y <= 1.0
    np.testing.assert_allclose(y + A.sigmoid(-a), 1.0, atol=1e-15)


def test_sigmoid_keeps_tiny_probabilities_instead_of_rounding_to_zero():
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no overflow either
        assert A.sigmoid(-40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
        assert A.sigmoid(-1000.0) == 0.0 and A.sigmoid(1000.0) == 1.0


def test_softmax_is_stable_and_normalised():
    a = np.array([[1000.0, 1000.0, -1000.0], [0.0, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = A.softmax(a)
    np.testing.assert_allclose(y, [[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(A.softmax(a + 123.0), y)    # shift invariance


def test_softmax_backward():
    a = np.random.default_rng(2).standard_normal((4, 5))
    assert gradcheck(A.softmax_forward, A.softmax_backward, [a], rng=0)


def test_prelu_backward_including_the_slopes():
    rng = np.random.default_rng(3)
    a = away_from_kinks(rng.standard_normal((6, 4)))
    alpha = rng.uniform(0.05, 0.5, 4)
    result = gradcheck(A.prelu_forward, A.prelu_backward, [a, alpha], names=["a", "alpha"], rng=0)
    assert result, str(result)


def test_maxout_backward_and_relu_as_a_special_case():
    rng = np.random.default_rng(4)
    x, W, b = rng.standard_normal((6, 3)), rng.standard_normal((3, 4, 2)), rng.standard_normal((4, 2))
    assert gradcheck(A.maxout_forward, A.maxout_backward, [x, W, b], rng=0)
    # two pieces, the second fixed at zero, is a ReLU of the first
    W0 = np.stack([W[:, :, 0], np.zeros((3, 4))], axis=2)
    b0 = np.stack([b[:, 0], np.zeros(4)], axis=1)
    y, _ = A.maxout_forward(x, W0, b0)
    np.testing.assert_allclose(y, A.relu(x @ W[:, :, 0] + b[:, 0]))


@pytest.mark.parametrize("phi", ["gaussian", "ricker"])
def test_rbf_backward_for_inputs_centres_and_widths(phi):
    rng = np.random.default_rng(5)
    x, c, beta = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.uniform(0.5, 1.5, 4)
    result = gradcheck(A.rbf_forward, A.rbf_backward, [x, c, beta], kwargs={"phi": phi}, rng=0)
    assert result, str(result)
    y, _ = A.rbf_forward(c[:1], c, beta, phi=phi)
    assert y[0, 0] == 1.0                          # phi(0) = 1 at its own centre


def test_unknown_activation_lists_the_choices():
    with pytest.raises(ValueError, match="choose one of"):
        A.activation_forward(np.zeros(3), "swish")


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_float32_in_float32_out(name):
    f, f_prime = A.ACTIVATIONS[name]
    a = np.linspace(-2, 2, 9, dtype=np.float32)
    assert f(a).dtype == np.float32 and f_prime(a).dtype == np.float32
    assert f(np.arange(3)).dtype == np.float64          # integers become float64
