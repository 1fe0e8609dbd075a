"""Convolution and pooling (dlcourse.core.conv, dlcourse.core.pooling): gradients against
centred finite differences in float64, both forms of the convolution against each other,
every bad shape's message. PyTorch autograd comparisons are in tests/test_torch_conv.py."""

import numpy as np
import pytest

from dlcourse.core.conv import (border_padding, col2im, conv2d_backward, conv2d_forward,
                                conv_output_size, im2col)
from dlcourse.core.pooling import (avgpool_backward, avgpool_forward, l2pool_backward,
                                   l2pool_forward, maxpool_backward, maxpool_forward)
from dlcourse.testing import gradcheck

# (N, C, H, W, F, KH, KW, stride, padding)
CONV_CASES = [
    (2, 3, 6, 6, 4, 3, 3, 1, 1),
    (3, 2, 8, 6, 5, 2, 2, 2, 0),
    (1, 1, 5, 5, 2, 5, 5, 1, "full"),
    (2, 3, 7, 7, 2, 3, 3, 2, "valid"),
    (2, 2, 5, 5, 3, 3, 3, 1, "same"),
    (1, 2, 6, 7, 3, 3, 2, 1, 2),
]


def conv_case(case, seed):
    N, C, H, W, F, KH, KW, stride, padding = case
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, C, H, W)), rng.standard_normal((F, C, KH, KW)),
            rng.standard_normal(F), dict(stride=stride, padding=padding))


@pytest.mark.parametrize("method", ["im2col", "direct"])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_gradients_match_finite_differences(case, method):
    x, W, b, kw = conv_case(case, 0)
    result = gradcheck(conv2d_forward, conv2d_backward, [x, W, b], kwargs=dict(kw, method=method),
                       names=["x", "W", "b"], rng=1)
    assert result, str(result)


@pytest.mark.parametrize("case", CONV_CASES)
def test_the_two_forms_compute_the_same_layer(case):
    x, W, b, kw = conv_case(case, 2)
    y1, c1 = conv2d_forward(x, W, b, method="im2col", **kw)
    y2, c2 = conv2d_forward(x, W, b, method="direct", **kw)
    np.testing.assert_allclose(y1, y2, rtol=1e-12, atol=1e-12)
    dout = np.random.default_rng(3).standard_normal(y1.shape)
    for g1, g2 in zip(conv2d_backward(dout, c1), conv2d_backward(dout, c2)):
        np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)


def test_a_worked_example_by_hand():
    # a 3x3 image and the 2x2 kernel [[1, 0], [0, -1]]: each output is x[i, j] - x[i+1, j+1]
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    y, _ = conv2d_forward(x, W, np.array([0.5]))
    np.testing.assert_array_equal(y[0, 0], [[-3.5, -3.5], [-3.5, -3.5]])


def test_im2col_and_col2im_are_adjoint():
    # <im2col(x), c> = <x, col2im(c)> for every x and c: col2im is the transpose of the copy
    rng = np.random.default_rng(4)
    for shape, K, s in [((2, 3, 7, 7), 3, 2), ((1, 2, 6, 5), 2, 1)]:
        x = rng.standard_normal(shape)
        cols = im2col(x, K, K, s)
        c = rng.standard_normal(cols.shape)
        assert np.sum(cols * c) == pytest.approx(np.sum(x * col2im(c, shape, K, K, s)), rel=1e-12)


def test_output_size_formula_and_border_modes():
    assert conv_output_size(28, 5) == 24                     # valid
    assert conv_output_size(28, 5, padding="same") == 28
    assert conv_output_size(28, 5, padding="full") == 32
    assert conv_output_size(7, 3, stride=2) == 3
    assert [border_padding(m, 5) for m in ("valid", "same", "full")] == [0, 2, 4]


@pytest.mark.parametrize("bad, message", [
    (dict(x=(2, 3, 4, 4), W=(2, 2, 3, 3)), "channels"),
    (dict(x=(2, 1, 4, 4), W=(2, 1, 5, 5)), "does not fit"),
    (dict(x=(2, 1, 6, 6), W=(2, 1, 3, 3), stride=2), "stride 2 does not fit"),
    (dict(x=(1, 6, 6), W=(2, 1, 3, 3)), "(N, C, H, W)"),
    (dict(x=(1, 1, 6, 6), W=(2, 1, 2, 2), padding="same"), "odd kernel"),
    (dict(x=(1, 1, 6, 6), W=(2, 1, 3, 3), padding="half"), "valid"),
])
def test_bad_shapes_say_what_to_change(bad, message):
    x, W = np.zeros(bad["x"]), np.zeros(bad["W"])
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        conv2d_forward(x, W, stride=bad.get("stride", 1), padding=bad.get("padding", 0))


def test_conv_bias_count_mismatch_and_wrong_dout():
    with pytest.raises(ValueError, match="one bias per kernel"):
        conv2d_forward(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 3, 3)), np.zeros(3))
    y, cache = conv2d_forward(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 3, 3)))
    with pytest.raises(ValueError, match="shape of the forward output"):
        conv2d_backward(np.zeros((1, 2, 3, 3)), cache)


# ---- pooling -------------------------------------------------------------------------------

POOLS = [(maxpool_forward, maxpool_backward), (avgpool_forward, avgpool_backward),
         (l2pool_forward, l2pool_backward)]
POOL_CASES = [((2, 3, 8, 8), 2, None), ((2, 2, 7, 7), 3, 2), ((1, 2, 6, 6), 3, 1),
              ((2, 1, 9, 9), 3, 3)]


@pytest.mark.parametrize("pool", POOLS, ids=["max", "avg", "l2"])
@pytest.mark.parametrize("shape, size, stride", POOL_CASES)
def test_pooling_gradients_match_finite_differences(pool, shape, size, stride):
    # distinct values: no ties, so max pooling is differentiable at the point
    x = np.random.default_rng(5).permutation(np.prod(shape)).reshape(shape) / 7.0 - 3.0
    result = gradcheck(*pool, [x], kwargs=dict(size=size, stride=stride), rng=6)
    assert result, str(result)


def test_max_pooling_ties_go_to_the_first_maximum_in_reading_order():
    x = np.zeros((1, 1, 2, 4))
    x[0, 0] = [[1.0, 1.0, 0.0, 2.0],
               [1.0, 0.0, 2.0, 2.0]]
    y, cache = maxpool_forward(x, 2)
    np.testing.assert_array_equal(y[0, 0], [[1.0, 2.0]])
    dx = maxpool_backward(np.array([[[[10.0, 20.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[10.0, 0.0, 0.0, 20.0],
                                             [0.0, 0.0, 0.0, 0.0]])


def test_pooling_worked_example_and_overlapping_windows_add_up():
    x = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert maxpool_forward(x, 2)[0].item() == 4.0
    assert avgpool_forward(x, 2)[0].item() == 2.5
    assert l2pool_forward(x, 2)[0].item() == pytest.approx(np.sqrt(30.0))
    # 3x3 windows moved by 1 over a 4x4 image: the centre pixels are in all four windows
    y, cache = avgpool_forward(np.zeros((1, 1, 4, 4)), 3, stride=1)
    dx = avgpool_backward(np.ones_like(y), cache)
    assert dx[0, 0, 1, 1] == pytest.approx(4 / 9) and dx[0, 0, 0, 0] == pytest.approx(1 / 9)


def test_l2_pooling_of_an_all_zero_window_has_gradient_zero_not_nan():
    y, cache = l2pool_forward(np.zeros((1, 1, 2, 2)), 2)
    dx = l2pool_backward(np.ones_like(y), cache)
    assert np.all(dx == 0) and not np.any(np.isnan(dx))


def test_pooling_bad_shapes_say_what_to_change():
    with pytest.raises(ValueError, match="stride 2 does not fit"):
        maxpool_forward(np.zeros((1, 1, 6, 6)), 3, stride=2)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        avgpool_forward(np.zeros((6, 6)), 2)
    y, cache = maxpool_forward(np.zeros((1, 1, 4, 4)), 2)
    with pytest.raises(ValueError, match="shape of the forward output"):
        maxpool_backward(np.zeros((1, 1, 3, 3)), cache)
