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


ODD_CASES = CASES + [((3, 2, 9, 7), 3, 1), ((2, 3, 11, 9), 3, 2), ((1, 1, 6, 10), (2, 4), 2)]


@pytest.mark.parametrize("shape, K, stride", ODD_CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_per_sample_col2im_equals_the_numpy_one(shape, K, stride, dtype):
    KH, KW = (K, K) if np.isscalar(K) else K
    N, C = shape[:2]
    Ho, Wo = (shape[2] - KH) // stride + 1, (shape[3] - KW) // stride + 1
    rng = np.random.default_rng(6)
    cols = rng.standard_normal((N, C * KH * KW, Ho * Wo)).astype(dtype)
    dx = compiled.col2im_samples(cols, shape, KH, KW, stride)
    assert dx.dtype == dtype
    # the same columns in the layout of conv.col2im: (C KH KW, N Ho Wo)
    wide = cols.transpose(1, 0, 2).reshape(C * KH * KW, N * Ho * Wo)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(dx, conv.col2im(wide, shape, KH, KW, stride), **tol)


@pytest.mark.parametrize("padding", ["valid", "same", "full", 2])
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_both_backends_agree_in_every_padding_mode(padding, stride, dtype):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 2, 9, 9)).astype(dtype)
    W, b = rng.standard_normal((4, 2, 3, 3)).astype(dtype), rng.standard_normal(4).astype(dtype)
    y1, c1 = conv.conv2d_forward(x, W, b, stride=stride, padding=padding, backend="numpy")
    y2, c2 = conv.conv2d_forward(x, W, b, stride=stride, padding=padding, backend="numba")
    np.testing.assert_array_equal(y1, y2)
    assert y2.dtype == dtype
    dout = rng.standard_normal(y1.shape).astype(dtype)
    tol = dict(rtol=1e-4, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    for g1, g2 in zip(conv.conv2d_backward(dout, c1), conv.conv2d_backward(dout, c2)):
        assert g2.dtype == dtype
        np.testing.assert_allclose(g1, g2, **tol)
