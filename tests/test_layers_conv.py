"""Convolution layers in a Sequential: a small ConvNet's gradients against finite differences,
shapes through the stack, and the layers' messages."""

import numpy as np
import pytest

from dlcourse import layers
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient


def small_convnet(kind="max", batch_norm=False, backend="numpy", rng=0):
    net = [layers.Conv2D(2, 3, 3, padding="same", bias=not batch_norm, backend=backend, rng=rng)]
    if batch_norm:
        net.append(layers.BatchNorm(3, spatial=True))
    net += [layers.Activation("tanh"), layers.Pool2D(kind, 2, backend=backend),
            layers.Flatten(), layers.Affine(3 * 3 * 3, 4, rng=rng)]
    return layers.Sequential(net)


@pytest.mark.parametrize("kind", ["max", "avg", "l2"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_convnet_gradients_match_finite_differences(kind, batch_norm):
    rng = np.random.default_rng(1)
    net = small_convnet(kind, batch_norm)
    x = rng.standard_normal((3, 2, 6, 6))
    dout = rng.standard_normal((3, 4))

    def loss(_):
        return np.sum(net.forward(x, train=True) * dout)

    loss(None)
    dx = net.backward(dout)
    grads = net.grads
    assert set(grads) == set(net.params)
    for name, p in net.params.items():
        assert relative_error(grads[name], numerical_gradient(loss, p)) < 1e-6, name
    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-6


def test_both_backends_give_the_same_network():
    x = np.random.default_rng(2).standard_normal((4, 2, 6, 6))
    a, b = small_convnet(backend="numpy"), small_convnet(backend="numba")
    np.testing.assert_allclose(a.forward(x), b.forward(x), rtol=1e-12)


def test_shapes_and_parameter_names_through_the_stack():
    net = small_convnet()
    assert list(net.params) == ["0.W", "0.b", "4.W", "4.b"]
    assert net[0].params["W"].shape == (3, 2, 3, 3)
    assert net.forward(np.zeros((5, 2, 6, 6))).shape == (5, 4)
    assert "Conv2D(2 -> 3, kernel 3x3" in repr(net[0])


def test_he_initialisation_uses_the_fan_in_of_a_kernel():
    W = layers.Conv2D(8, 64, 5, rng=0).params["W"]        # fan-in 8 * 5 * 5 = 200
    assert W.std() == pytest.approx(np.sqrt(2 / 200), rel=0.05)


def test_layer_mistakes_say_what_to_do():
    with pytest.raises(ValueError, match="kind"):
        layers.Pool2D("median")
    with pytest.raises(ValueError, match="channels"):
        layers.Conv2D(3, 4, 3).forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(RuntimeError, match="forward pass first"):
        layers.Flatten().backward(np.zeros((1, 4)))


def test_a_conv_layer_without_input_grad_gives_the_same_parameter_gradients():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 7, 7))
    for method in ("im2col", "direct"):
        full = layers.Conv2D(3, 4, 3, padding="same", method=method, rng=1)
        first = layers.Conv2D(3, 4, 3, padding="same", method=method, input_grad=False, rng=1)
        dout = rng.standard_normal(full.forward(x).shape)
        first.forward(x)
        assert full.backward(dout) is not None
        assert first.backward(dout) is None
        for name in ("W", "b"):
            np.testing.assert_array_equal(first.grads[name], full.grads[name])
