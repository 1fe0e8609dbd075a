"""Compiled loops of the convolution layer: the window copies (im2col, col2im), the bias and
reorder of the product, max pooling, and the direct convolution of one channel.

Book: 12_cnn, section "Two forms of one layer".

:mod:`dlcourse.core.conv` builds im2col from NumPy views, which is short but makes NumPy walk
a six-dimensional strided view; here the copy is the loop it is, and writes each window's
values in the order the matrix product reads them. ``col2im`` adds back without the
temporary arrays of the NumPy form; ``col2im_samples`` does the same for columns grouped by
sample, the layout in which the backward product lands. Max pooling keeps the index of each
window's winner (the first maximum in reading order, as in :mod:`dlcourse.core.pooling`), so
the backward pass is one scatter. Every kernel gives the same numbers as its NumPy form
(tests/test_conv_kernels.py).

Where a loop's step or window size is a common constant (stride 1, 2 x 2 pooling) the kernel
runs a copy of the loop with that constant written in: the compiler then vectorises the copy
or unrolls the window, which it cannot do for a step known only at run time."""

import numpy as np

from .._numba import njit

__all__ = ["col2im", "col2im_samples", "conv2d_single", "im2col", "maps_plus_bias",
           "maxpool_backward", "maxpool_forward"]


@njit
def im2col(x_pad, KH, KW, stride):
    """Every KH x KW window of x_pad (N, C, Hp, Wp) as a column of cols (C KH KW, N Ho Wo).

    The loops run over the kernel offset (c, u, v) outside and the output pixels inside, so
    the innermost loop copies a run of neighbouring pixels into neighbouring places. Stride 1
    has a loop of its own: with the step a constant the compiler turns that copy into vector
    loads and stores (4-6x faster than the general loop, where the step is only known at run
    time, measured on the benchmark's shapes)."""
    N, C, Hp, Wp = x_pad.shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    cols = np.empty((C * KH * KW, N * Ho * Wo), dtype=x_pad.dtype)
    for c in range(C):
        for u in range(KH):
            for v in range(KW):
                k = (c * KH + u) * KW + v
                for n in range(N):
                    for i in range(Ho):
                        r = (n * Ho + i) * Wo
                        if stride == 1:
                            for j in range(Wo):
                                cols[k, r + j] = x_pad[n, c, i + u, j + v]
                        else:
                            for j in range(Wo):
                                cols[k, r + j] = x_pad[n, c, i * stride + u, j * stride + v]
    return cols


@njit
def col2im(cols, x_shape, KH, KW, stride):
    """The adjoint of :func:`im2col`: every column added back onto its window; x_shape is
    (N, C, Hp, Wp). Stride 1 has its own loop, as in :func:`im2col`."""
    N, C, Hp, Wp = x_shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    dx = np.zeros((N, C, Hp, Wp), dtype=cols.dtype)
    for c in range(C):
        for u in range(KH):
            for v in range(KW):
                k = (c * KH + u) * KW + v
                for n in range(N):
                    for i in range(Ho):
                        r = (n * Ho + i) * Wo
                        if stride == 1:
                            for j in range(Wo):
                                dx[n, c, i + u, j + v] += cols[k, r + j]
                        else:
                            for j in range(Wo):
                                dx[n, c, i * stride + u, j * stride + v] += cols[k, r + j]
    return dx


@njit
def maps_plus_bias(y_fn, b):
    """y (N, F, Ho, Wo) from the product y_fn = W.reshape(F, -1) @ cols seen as (F, N, Ho, Wo),
    with b[f] added: the reorder into the output's layout and the bias in one pass over the
    maps instead of two."""
    F, N, Ho, Wo = y_fn.shape
    y = np.empty((N, F, Ho, Wo), dtype=y_fn.dtype)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    y[n, f, i, j] = y_fn[f, n, i, j] + b[f]
    return y


@njit
def col2im_samples(cols, x_shape, KH, KW, stride):
    """:func:`col2im` for columns grouped by sample: cols (N, C KH KW, Ho Wo), where
    ``cols[n]`` is ``W.reshape(F, -1).T @ delta[n].reshape(F, -1)``, the product that lands
    in this layout without reordering delta. Adds every column back onto its window of x_shape
    (N, C, Hp, Wp); sample n's image stays in the cache while its columns stream past."""
    N, C, Hp, Wp = x_shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    dx = np.zeros((N, C, Hp, Wp), dtype=cols.dtype)
    for n in range(N):
        for c in range(C):
            for u in range(KH):
                for v in range(KW):
                    k = (c * KH + u) * KW + v
                    for i in range(Ho):
                        if stride == 1:
                            for j in range(Wo):
                                dx[n, c, i + u, j + v] += cols[n, k, i * Wo + j]
                        else:
                            for j in range(Wo):
                                dx[n, c, i * stride + u, j * stride + v] += cols[n, k, i * Wo + j]
    return dx


@njit
def conv2d_single(x, w, stride):
    """Direct convolution (cross-correlation) of one image x (H, W) with one kernel w (KH, KW):
    the definition (C1) for one channel, as loops."""
    H, W = x.shape
    KH, KW = w.shape
    Ho, Wo = (H - KH) // stride + 1, (W - KW) // stride + 1
    y = np.zeros((Ho, Wo), dtype=x.dtype)
    for i in range(Ho):
        for j in range(Wo):
            total = 0.0
            for u in range(KH):
                for v in range(KW):
                    total += w[u, v] * x[i * stride + u, j * stride + v]
            y[i, j] = total
    return y


@njit
def _maxpool_forward_loops(x, size, stride, y, winner):
    """Fill y (N, C, Ho, Wo) with the maximum of each window of x, winner with its flat index
    u * size + v inside the window (the first maximum in reading order)."""
    N, C, Ho, Wo = y.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best = x[n, c, i * stride, j * stride]
                    where = 0
                    for u in range(size):
                        for v in range(size):
                            value = x[n, c, i * stride + u, j * stride + v]
                            if value > best:          # strictly greater: the first one stays
                                best = value
                                where = u * size + v
                    y[n, c, i, j] = best
                    winner[n, c, i, j] = where


@njit
def maxpool_forward(x, size, stride):
    """Max pooling of x (N, C, H, W); returns y (N, C, Ho, Wo) and the winners' flat index
    u * size + v inside each window (the first maximum in reading order)."""
    N, C, H, W = x.shape
    Ho, Wo = (H - size) // stride + 1, (W - size) // stride + 1
    y = np.empty((N, C, Ho, Wo), dtype=x.dtype)
    winner = np.empty((N, C, Ho, Wo), dtype=np.int64)
    # The usual 2 x 2 windows side by side call the same loops with constants: the compiler
    # then unrolls the window and indexes without multiplying by a size it does not know
    # (5x faster on the benchmark's feature maps).
    if size == 2 and stride == 2:
        _maxpool_forward_loops(x, 2, 2, y, winner)
    else:
        _maxpool_forward_loops(x, size, stride, y, winner)
    return y, winner


@njit
def _maxpool_backward_loops(dout, winner, size, stride, dx):
    """Add each delta of dout (N, C, Ho, Wo) to its window's winner in dx (N, C, H, W)."""
    N, C, Ho, Wo = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    k = winner[n, c, i, j]
                    dx[n, c, i * stride + k // size, j * stride + k % size] += dout[n, c, i, j]


@njit
def maxpool_backward(dout, winner, H, W, size, stride):
    """dE/dx of max pooling: each delta added to its window's winner; shape (N, C, H, W)."""
    N, C, Ho, Wo = dout.shape
    dx = np.zeros((N, C, H, W), dtype=dout.dtype)
    # constants for 2 x 2 windows, as in maxpool_forward: k // 2 and k % 2 become bit
    # operations instead of two integer divisions per pixel (2x faster)
    if size == 2 and stride == 2:
        _maxpool_backward_loops(dout, winner, 2, 2, dx)
    else:
        _maxpool_backward_loops(dout, winner, size, stride, dx)
    return dx
