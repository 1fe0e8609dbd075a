"""Two-dimensional convolution: local receptive fields with shared weights.

Book: 12_cnn, sections "Convolution", "Backprop through convolution and pooling" and "Two
forms of one layer".

Layout: inputs ``x`` of shape (N, C, H, W) (samples, channels, rows, columns), kernels ``W``
of shape (F, C, KH, KW) (one kernel of C channels per feature map), biases ``b`` of shape
(F,). With the input padded by ``p`` zeros on every side and a stride ``s``, output pixel
(i, j) of feature map f is the dot product of the kernel with the window under it:

    (C1)  y[n, f, i, j] = b[f] + sum_{c, u, v} W[f, c, u, v] x_pad[n, c, s i + u, s j + v]

This is a cross-correlation, as in every deep-learning library (the kernel is not flipped);
a convolution in the signal-processing sense is the same with the kernel turned by 180
degrees. The output size along one axis is

    (C2)  H_out = (H + 2p - KH) / s + 1,

and the three border modes of the seed notes are paddings: "valid" p = 0 (the kernel stays
inside the image), "same" p = (K - 1) / 2 (output as large as the input, odd K, stride 1) and
"full" p = K - 1 (every position where kernel and image overlap at all).

Backward, with delta = dE/dy of shape (N, F, H_out, W_out):

    (C3)  dE/db[f]          = sum_{n, i, j} delta[n, f, i, j]
    (C4)  dE/dW[f, c, u, v] = sum_{n, i, j} delta[n, f, i, j] x_pad[n, c, s i + u, s j + v]
          (a correlation of the input with the error)
    (C5)  dE/dx_pad[n, c, s i + u, s j + v] += sum_f delta[n, f, i, j] W[f, c, u, v]
          (each error spread back over the window it came from; for stride 1 this is a
          "full" convolution of delta with the flipped kernel)

Two forms compute the same numbers. ``method="direct"`` loops over the output positions as
(C1) reads. ``method="im2col"`` copies every window into one row of a matrix (im2col) and
does the whole layer as one matrix product with the kernels, which BLAS runs near the
machine's peak: the copy costs KH KW times the input's memory, the product does all the
arithmetic at high intensity. :mod:`dlcourse.kernels.conv` has compiled loops for the copies.
"""

import numpy as np

from .._numba import resolve_backend
from .._validation import as_float

__all__ = ["border_padding", "col2im", "conv2d_backward", "conv2d_forward", "conv_output_size",
           "im2col", "pad_images"]

BORDER_MODES = ("valid", "same", "full")


def border_padding(mode, kernel_size):
    """Zero padding of a border mode for a kernel of ``kernel_size`` along one axis.

    ``"valid"``: 0; ``"same"``: (K - 1) / 2, for odd K only (even K would need unequal sides);
    ``"full"``: K - 1. An integer is returned as it is.
    """
    if isinstance(mode, (int, np.integer)) and not isinstance(mode, bool):
        if mode < 0:
            raise ValueError(f"padding must be >= 0, got {mode}")
        return int(mode)
    if mode == "valid":
        return 0
    if mode == "same":
        if kernel_size % 2 == 0:
            raise ValueError(f"'same' padding needs an odd kernel size, got {kernel_size}: an "
                             "even kernel would need more zeros on one side than the other; "
                             "use an odd kernel or an explicit integer padding")
        return (kernel_size - 1) // 2
    if mode == "full":
        return kernel_size - 1
    raise ValueError(f"padding must be an integer >= 0 or one of {BORDER_MODES}, got {mode!r}")


def conv_output_size(n, kernel_size, stride=1, padding=0):
    """(C2): the output length along one axis; raises if the kernel or the stride do not fit.

    Parameters
    ----------
    n : int
        Input length (rows or columns).
    kernel_size, stride : int
    padding : int or {"valid", "same", "full"}
    """
    if stride < 1 or kernel_size < 1:
        raise ValueError(f"stride and kernel size must be >= 1, got {stride} and {kernel_size}")
    p = border_padding(padding, kernel_size)
    span = n + 2 * p - kernel_size
    if span < 0:
        raise ValueError(f"a kernel of size {kernel_size} does not fit an input of size {n} "
                         f"padded by {p} on each side ({n + 2 * p}); use a smaller kernel or "
                         "more padding")
    if span % stride:
        raise ValueError(f"stride {stride} does not fit: the kernel's {span} steps of free "
                         f"space (input {n} + 2 x padding {p} - kernel {kernel_size}) are not a "
                         f"multiple of {stride}, so the last window would hang over the edge; "
                         "change the padding, the stride or the kernel size")
    return span // stride + 1


def pad_images(x, p):
    """x of shape (N, C, H, W) with ``p`` zeros added on every side of each image."""
    if p == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))


def _check(x, W, b):
    x, W = as_float(x), as_float(W)
    if x.ndim != 4:
        raise ValueError(f"conv2d needs x of shape (N, C, H, W), got {x.shape}; a batch of "
                         "grey images of shape (N, H, W) is x[:, None]")
    if W.ndim != 4:
        raise ValueError(f"conv2d needs kernels W of shape (F, C, KH, KW), got {W.shape}")
    if W.shape[1] != x.shape[1]:
        raise ValueError(f"the kernels have {W.shape[1]} channels but the input has "
                         f"{x.shape[1]}: W must be (F, C, KH, KW) with C = x.shape[1]")
    if b is not None:
        b = as_float(b)
        if b.shape != (W.shape[0],):
            raise ValueError(f"b must have one bias per kernel, shape ({W.shape[0]},), "
                             f"got {b.shape}")
    return x, W, b


def im2col(x_pad, KH, KW, stride):
    """Every KH x KW window of the padded images as one column.

    Parameters
    ----------
    x_pad : ndarray of shape (N, C, Hp, Wp)
    KH, KW, stride : int

    Returns
    -------
    cols : ndarray of shape (C * KH * KW, N * H_out * W_out)
        Column ``(n * H_out + i) * W_out + j`` is the window of output pixel (i, j) of sample
        n, flattened in the order (c, u, v), the order of ``W.reshape(F, -1)``; so
        ``W.reshape(F, -1) @ cols`` is every output pixel of every map at once. (Columns,
        not rows: then row k holds one kernel offset for all windows, which for stride 1 is
        a run of neighbouring pixels, and the copy reads and writes memory in order.)
    """
    N, C, Hp, Wp = x_pad.shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    windows = np.lib.stride_tricks.sliding_window_view(x_pad, (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :Ho, :Wo]     # (N, C, Ho, Wo, KH, KW)
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * KH * KW, N * Ho * Wo)


def col2im(cols, x_shape, KH, KW, stride):
    """The adjoint of :func:`im2col`: add every column back onto the window it came from.

    Parameters
    ----------
    cols : ndarray of shape (C * KH * KW, N * H_out * W_out)
    x_shape : tuple (N, C, Hp, Wp)
        Shape of the padded images.

    Returns
    -------
    dx_pad : ndarray of shape x_shape
        Where windows overlap their contributions add up, which is (C5).
    """
    N, C, Hp, Wp = x_shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    blocks = cols.reshape(C, KH, KW, N, Ho, Wo)
    dx_pad = np.zeros(x_shape, dtype=cols.dtype)
    # one strided slice per kernel offset (u, v): KH KW additions of whole arrays
    for u in range(KH):
        for v in range(KW):
            dx_pad[:, :, u:u + stride * Ho:stride, v:v + stride * Wo:stride] += \
                blocks[:, u, v].transpose(1, 0, 2, 3)
    return dx_pad


def _compiled():
    """The compiled loops, imported on first use: core stays NumPy."""
    from ..kernels import conv as compiled
    return compiled


def conv2d_forward(x, W, b=None, stride=1, padding=0, method="im2col", backend="auto"):
    """Convolution layer forward, (C1).

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    W : ndarray of shape (F, C, KH, KW)
    b : ndarray of shape (F,), optional
    stride : int, default=1
    padding : int or {"valid", "same", "full"}, default=0
    method : {"im2col", "direct"}
        One matrix product over copied windows, or a loop over output positions.
    backend : {"auto", "numpy", "numba"}
        For ``"im2col"``: who copies the windows, NumPy views or the compiled loops of
        :mod:`dlcourse.kernels.conv` ("auto": compiled when Numba is there). The compiled
        form also adds the bias while it reorders the product, and in the backward pass
        multiplies sample by sample (same numbers; the forward output is equal bit for bit).

    Returns
    -------
    y : ndarray of shape (N, F, H_out, W_out)
    cache : tuple
        What :func:`conv2d_backward` needs.
    """
    x, W, b = _check(x, W, b)
    N, C, H, Wd = x.shape
    F, _, KH, KW = W.shape
    p_h, p_w = border_padding(padding, KH), border_padding(padding, KW)
    Ho = conv_output_size(H, KH, stride, p_h)
    Wo = conv_output_size(Wd, KW, stride, p_w)
    x_pad = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w))) if p_h or p_w else x
    if method == "im2col":
        form = resolve_backend(backend, numba_wins=True)           # who copies the windows
        cols = (_compiled().im2col if form == "numba" else im2col)(x_pad, KH, KW, stride)
        y = (W.reshape(F, -1) @ cols).reshape(F, N, Ho, Wo)       # maps f of every sample
        if form == "numba" and b is not None:
            y = _compiled().maps_plus_bias(y, b)                   # reorder and bias at once
        else:
            y = np.ascontiguousarray(y.transpose(1, 0, 2, 3))
    elif method == "direct":
        form, cols = "direct", None
        y = np.empty((N, F, Ho, Wo), dtype=np.result_type(x, W))
        for i in range(Ho):
            for j in range(Wo):
                window = x_pad[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
                y[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3]))
    else:
        raise ValueError(f"method must be 'im2col' or 'direct', got {method!r}")
    if b is not None and form != "numba":
        y += b[None, :, None, None]
    return y, (x_pad.shape, x_pad if cols is None else cols, W, stride, (p_h, p_w), form,
               b is not None)


def conv2d_backward(dout, cache, need_dx=True):
    """Convolution layer backward, (C3)-(C5).

    Parameters
    ----------
    dout : ndarray of shape (N, F, H_out, W_out)
        dE/dy.
    cache : from :func:`conv2d_forward`
    need_dx : bool, default=True
        False for a first layer fed with data, whose gradient nobody uses: (C5) is skipped.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W), or None when ``need_dx`` is False
    dW : ndarray of shape (F, C, KH, KW)
    db : ndarray of shape (F,), or None when the forward pass had no bias
    """
    x_shape, kept, W, stride, (p_h, p_w), form, has_bias = cache
    N, C, Hp, Wp = x_shape
    F, _, KH, KW = W.shape
    Ho, Wo = (Hp - KH) // stride + 1, (Wp - KW) // stride + 1
    dout = as_float(dout)
    if dout.shape != (N, F, Ho, Wo):
        raise ValueError(f"dout must have the shape of the forward output {(N, F, Ho, Wo)}, "
                         f"got {dout.shape}")
    db = dout.sum(axis=(0, 2, 3)) if has_bias else None                  # (C3)
    if form != "direct":                                                 # im2col
        cols = kept
        d = dout.transpose(1, 0, 2, 3).reshape(F, N * Ho * Wo)          # a column per window
        dW = (d @ cols.T).reshape(W.shape)                               # (C4)
        if not need_dx:
            dx_pad = None
        elif form == "numpy":
            dx_pad = col2im(W.reshape(F, -1).T @ d, x_shape, KH, KW, stride)      # (C5)
        else:
            # (C5) one product per sample, delta[n] (F, Ho Wo) as it comes: no reordered
            # copy of delta, and BLAS runs these N products 1.4-2x faster than the single
            # wide one when F is small (its inner dimension); the compiled col2im reads the
            # columns in this per-sample layout
            cols_d = np.matmul(W.reshape(F, -1).T, dout.reshape(N, F, Ho * Wo))
            dx_pad = _compiled().col2im_samples(cols_d, x_shape, KH, KW, stride)
    else:
        x_pad = kept
        dW = np.zeros(W.shape, dtype=np.result_type(dout, W))
        dx_pad = np.zeros(x_shape, dtype=dW.dtype) if need_dx else None
        for i in range(Ho):
            for j in range(Wo):
                rows = slice(i * stride, i * stride + KH)
                columns = slice(j * stride, j * stride + KW)
                d = dout[:, :, i, j]                                     # (N, F)
                dW += np.tensordot(d, x_pad[:, :, rows, columns], axes=(0, 0))      # (C4)
                if need_dx:
                    dx_pad[:, :, rows, columns] += np.tensordot(d, W, axes=(1, 0))  # (C5)
    if dx_pad is None:
        return None, dW, db
    dx = dx_pad[:, :, p_h:Hp - p_h, p_w:Wp - p_w]
    return np.ascontiguousarray(dx), dW, db
