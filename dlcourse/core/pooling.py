"""Pooling: summarise each window of a feature map by one number.

Book: 12_cnn, section "Pooling".

For inputs ``x`` of shape (N, C, H, W), windows of ``size`` x ``size`` pixels moved by
``stride`` (default: ``size``, windows side by side), each channel pooled on its own:

    (P1)  max:      y = max_{(u, v) in window} x_uv
    (P2)  average:  y = (1 / k^2) sum_{(u, v) in window} x_uv
    (P3)  L2:       y = sqrt(sum_{(u, v) in window} x_uv^2)

Backward, with delta = dE/dy:

    (P4)  max:      the whole delta goes to the pixel that was the maximum; the others get 0.
                    With ties, the first maximum in reading order (row by row) takes it, as
                    in PyTorch; any one choice is a valid subgradient.
    (P5)  average:  every pixel of the window gets delta / k^2.
    (P6)  L2:       pixel (u, v) gets delta x_uv / y (and 0 where the window is all zeros,
                    where the square root has no derivative).

Where windows overlap (stride < size) a pixel collects from every window it belongs to.
"""

import numpy as np

from .._numba import resolve_backend
from .._validation import as_float
from .conv import conv_output_size

__all__ = ["avgpool_backward", "avgpool_forward", "l2pool_backward", "l2pool_forward",
           "maxpool_backward", "maxpool_forward"]


def _check_pool(x, size, stride, name):
    """x as a float array and the stride, after checking that the windows fit."""
    x = as_float(x)
    if x.ndim != 4:
        raise ValueError(f"{name} needs x of shape (N, C, H, W), got {x.shape}")
    stride = size if stride is None else stride
    conv_output_size(x.shape[2], size, stride)
    conv_output_size(x.shape[3], size, stride)
    return x, stride


def _windows(x, size, stride, name):
    """(N, C, Ho, Wo, size * size) array of every window, after checking shapes."""
    x, stride = _check_pool(x, size, stride, name)
    Ho = (x.shape[2] - size) // stride + 1
    Wo = (x.shape[3] - size) // stride + 1
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    return x, windows.reshape(*windows.shape[:4], size * size), stride


def _spread(d_windows, x_shape, size, stride):
    """Add d_windows (N, C, Ho, Wo, size * size) back onto the pixels of each window."""
    N, C, Ho, Wo, _ = d_windows.shape
    dx = np.zeros(x_shape, dtype=d_windows.dtype)
    for u in range(size):
        for v in range(size):
            dx[:, :, u:u + stride * Ho:stride, v:v + stride * Wo:stride] += \
                d_windows[..., u * size + v]
    return dx


def _check_dout(dout, shape):
    dout = as_float(dout)
    if dout.shape != shape:
        raise ValueError(f"dout must have the shape of the forward output {shape}, "
                         f"got {dout.shape}")
    return dout


def maxpool_forward(x, size=2, stride=None, backend="numpy"):
    """Max pooling, (P1).

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    size : int, default=2
        Window side.
    stride : int, optional
        Step between windows; ``size`` by default.
    backend : {"numpy", "numba", "auto"}, default="numpy"
        NumPy over a view of the windows, or the compiled loops of
        :mod:`dlcourse.kernels.conv` (same numbers, same winners).

    Returns
    -------
    y : ndarray of shape (N, C, H_out, W_out)
    cache : tuple
    """
    if resolve_backend(backend, numba_wins=True) == "numba":
        from ..kernels import conv as compiled     # imported on first use: core stays NumPy
        x, stride = _check_pool(x, size, stride, "maxpool_forward")
        y, winner = compiled.maxpool_forward(np.ascontiguousarray(x), size, stride)
        return y, (x.shape, winner, size, stride, compiled.maxpool_backward)
    x, windows, stride = _windows(x, size, stride, "maxpool_forward")
    winner = windows.argmax(axis=-1)              # the first maximum in reading order
    y = np.take_along_axis(windows, winner[..., None], axis=-1)[..., 0]
    return y, (x.shape, winner, size, stride, None)


def maxpool_backward(dout, cache):
    """(P4): dE/dx of max pooling, shape (N, C, H, W)."""
    x_shape, winner, size, stride, compiled_backward = cache
    dout = _check_dout(dout, winner.shape)
    if compiled_backward is not None:
        return compiled_backward(np.ascontiguousarray(dout), winner, x_shape[2], x_shape[3],
                                 size, stride)
    d_windows = np.zeros(winner.shape + (size * size,), dtype=dout.dtype)
    np.put_along_axis(d_windows, winner[..., None], dout[..., None], axis=-1)
    return _spread(d_windows, x_shape, size, stride)


def avgpool_forward(x, size=2, stride=None):
    """Average pooling, (P2); same parameters and returns as :func:`maxpool_forward`."""
    x, windows, stride = _windows(x, size, stride, "avgpool_forward")
    return windows.mean(axis=-1), (x.shape, windows.shape, size, stride)


def avgpool_backward(dout, cache):
    """(P5): dE/dx of average pooling, shape (N, C, H, W)."""
    x_shape, windows_shape, size, stride = cache
    dout = _check_dout(dout, windows_shape[:4])
    d_windows = np.broadcast_to((dout / (size * size))[..., None], windows_shape)
    return _spread(d_windows, x_shape, size, stride)


def l2pool_forward(x, size=2, stride=None):
    """L2 pooling, (P3); same parameters and returns as :func:`maxpool_forward`."""
    x, windows, stride = _windows(x, size, stride, "l2pool_forward")
    y = np.sqrt(np.einsum("...k,...k->...", windows, windows))
    return y, (x.shape, np.array(windows), y, size, stride)


def l2pool_backward(dout, cache):
    """(P6): dE/dx of L2 pooling, shape (N, C, H, W)."""
    x_shape, windows, y, size, stride = cache
    dout = _check_dout(dout, y.shape)
    # x / y is 0/0 for an all-zero window: take the subgradient 0 there
    scale = np.divide(dout, y, out=np.zeros_like(y), where=y > 0)
    return _spread(windows * scale[..., None], x_shape, size, stride)
