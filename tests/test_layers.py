"""Layers over the core pairs: a Sequential's gradients against finite differences, its
parameter dicts, train/test behaviour, and agreement with the chapter-04 network functions."""

import numpy as np
import pytest

from dlcourse import layers, optim
from dlcourse.core.backprop import network_backward, network_forward
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient


def small_net(rng=0, p_drop=0.0, batch_norm=False):
    net = [layers.Affine(4, 5, rng=rng, bias=not batch_norm)]
    if batch_norm:
        net.append(layers.BatchNorm(5))
    net += [layers.Activation("tanh")]
    if p_drop:
        net.append(layers.Dropout(p_drop, rng=rng))
    net += [layers.Affine(5, 3, rng=rng)]
    return layers.Sequential(net)


@pytest.mark.parametrize("p_drop, batch_norm", [(0.0, False), (0.5, False), (0.0, True),
                                                (0.3, True)])
def test_sequential_gradients_match_finite_differences(p_drop, batch_norm):
    rng = np.random.default_rng(1)
    net = small_net(p_drop=p_drop, batch_norm=batch_norm)
    x = rng.standard_normal((6, 4))
    dout = rng.standard_normal((6, 3))
    drops = [layer for layer in net.layers if isinstance(layer, layers.Dropout)]

    def loss(_):
        for layer in drops:      # the same mask in every evaluation: one fixed network
            layer.rng = np.random.default_rng(9)
        return np.sum(net.forward(x, train=True) * dout)

    loss(None)
    net.backward(dout)
    grads = net.grads
    assert set(grads) == set(net.params)
    for name, p in net.params.items():
        numeric = numerical_gradient(loss, p)
        assert relative_error(grads[name], numeric) < 1e-7, name


def test_sequential_names_parameters_by_layer_index_and_shares_the_arrays():
    net = small_net(batch_norm=True)
    assert list(net.params) == ["0.W", "1.gamma", "1.beta", "3.W", "3.b"]
    assert list(net.buffers) == ["1.running_mean", "1.running_var"]
    net.params["0.W"][0, 0] = 42.0              # the dict holds the layer's own array
    assert net[0].params["W"][0, 0] == 42.0


def test_an_optimizer_trains_a_sequential_through_its_dicts():
    rng = np.random.default_rng(2)
    net = small_net(rng=3)
    x, target = rng.standard_normal((20, 4)), rng.standard_normal((20, 3))
    opt = optim.Adam(0.05)
    losses = []
    for _ in range(60):
        y = net.forward(x)
        losses.append(0.5 * np.mean(np.sum((y - target) ** 2, axis=1)))
        net.backward((y - target) / len(x))
        opt.step(net.params, net.grads)
    assert losses[-1] < 0.5 * losses[0]


def test_layers_agree_with_the_chapter_04_network_functions():
    # same products in the same order: the layer stack is the chapter-04 network, bit for bit
    rng = np.random.default_rng(4)
    net = layers.Sequential([layers.Affine(4, 6, rng=5), layers.Activation("sigmoid"),
                             layers.Affine(6, 3, rng=6)])
    x, delta = rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    W = [net[0].params["W"], net[2].params["W"]]
    b = [net[0].params["b"], net[2].params["b"]]
    A, Y = network_forward(x, W, b, ["sigmoid", "linear"])
    np.testing.assert_array_equal(net.forward(x), A[-1])
    net.backward(delta)
    dW, db = network_backward(delta, A, Y, W, ["sigmoid", "linear"])
    for l, i in enumerate((0, 2)):
        np.testing.assert_array_equal(net[i].grads["W"], dW[l])
        np.testing.assert_array_equal(net[i].grads["b"], db[l])


def test_a_first_layer_skips_the_gradient_of_the_data():
    rng = np.random.default_rng(6)
    x, dout = rng.standard_normal((3, 4)), rng.standard_normal((3, 2))
    full, first = layers.Affine(4, 2, rng=0), layers.Affine(4, 2, input_grad=False, rng=0)
    full.forward(x)
    first.forward(x)
    assert full.backward(dout).shape == (3, 4) and first.backward(dout) is None
    np.testing.assert_array_equal(first.grads["W"], full.grads["W"])


def test_train_and_test_modes():
    x = np.random.default_rng(5).standard_normal((50, 4)) * 3 + 2
    net = small_net(p_drop=0.5, batch_norm=True)
    a, b = net.forward(x, train=False), net.forward(x, train=False)
    np.testing.assert_array_equal(a, b)             # no dropout, fixed statistics
    c, d = net.forward(x, train=True), net.forward(x, train=True)
    assert not np.array_equal(c, d)                 # new masks every pass
    assert not np.allclose(net[1].buffers["running_mean"], 0)   # training moved them


def test_dropout_layer_same_seed_same_masks():
    x = np.ones((4, 8))
    a = layers.Dropout(0.5, rng=7)
    b = layers.Dropout(0.5, rng=7)
    for _ in range(3):
        np.testing.assert_array_equal(a.forward(x), b.forward(x))


def test_layer_mistakes_say_what_to_do():
    with pytest.raises(RuntimeError, match=r"needs a forward pass first; call forward"):
        layers.Affine(2, 3, rng=0).backward(np.ones((1, 3)))
    with pytest.raises(TypeError, match="not a Layer; build networks from dlcourse.layers"):
        layers.Sequential([layers.Affine(2, 3), np.tanh])
    with pytest.raises(ValueError, match="choose one of"):
        layers.Activation("swish")
    with pytest.raises(ValueError, match="batch of 1"):
        layers.BatchNorm(3).forward(np.ones((1, 3)), train=True)
    with pytest.raises(ValueError, match=r"p_drop \(the probability of dropping a unit\)"):
        layers.Dropout(1.0)
