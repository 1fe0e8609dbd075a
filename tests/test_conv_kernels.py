"""The compiled loops of dlcourse.kernels.conv give the NumPy forms' numbers."""

import numpy as np
import pytest

from dlcourse.core import conv, pooling
from dlcourse.kernels import conv as compiled

CASES = [((2, 3, 7, 7), 3, 2), ((3, 1, 8, 6), 2, 2), ((1, 2, 6, 6), 3, 1), ((2, 4, 5, 5), 5, 1)]


@pytest.mark.parametrize("shape, K, stride", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_compiled_window_copies_equal_the_numpy_ones(shape, K, stride, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    cols = compiled.im2col(x, K, K, stride)
    np.testing.assert_array_equal(cols, conv.im2col(x, K, K, stride))
    assert cols.dtype == dtype
    d = np.random.default_rng(1).standard_normal(cols.shape).astype(dtype)
    # the same additions in another order: equal to rounding
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(compiled.col2im(d, shape, K, K, stride),
                               conv.col2im(d, shape, K, K, stride), **tol)


@pytest.mark.parametrize("shape, K, stride", CASES)
def test_both_backends_train_the_same_conv_layer(shape, K, stride):
    rng = np.random.default_rng(2)
    x, W, b = rng.standard_normal(shape), rng.standard_normal((3, shape[1], K, K)), np.ones(3)
    y1, c1 = conv.conv2d_forward(x, W, b, stride=stride, backend="numpy")
    y2, c2 = conv.conv2d_forward(x, W, b, stride=stride, backend="numba")
    np.testing.assert_array_equal(y1, y2)
    dout = rng.standard_normal(y1.shape)
    for g1, g2 in zip(conv.conv2d_backward(dout, c1), conv.conv2d_backward(dout, c2)):
        np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, K, stride", CASES)
def test_compiled_max_pooling_picks_the_same_winners(shape, K, stride):
    x = np.round(np.random.default_rng(3).standard_normal(shape))      # many ties
    y1, c1 = pooling.maxpool_forward(x, K, stride, backend="numpy")
    y2, c2 = pooling.maxpool_forward(x, K, stride, backend="numba")
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(c1[1], c2[1])                          # the same winners
    dout = np.random.default_rng(4).standard_normal(y1.shape)
    # overlapping windows add into one pixel in another order: equal to rounding
    np.testing.assert_allclose(pooling.maxpool_backward(dout, c1),
                               pooling.maxpool_backward(dout, c2), rtol=1e-13, atol=1e-14)


def test_direct_convolution_of_one_channel_matches_the_layer():
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((9, 8)), rng.standard_normal((3, 2))
    y, _ = conv.conv2d_forward(x[None, None], w[None, None], stride=1, method="direct")
    np.testing.assert_allclose(compiled.conv2d_single(x, w, 1), y[0, 0], rtol=1e-13)
