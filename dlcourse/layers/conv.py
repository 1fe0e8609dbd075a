"""Convolution and pooling layers, and the flattening between them and fully connected ones.

Book: 12_cnn, section "A small ConvNet on the digits".
"""

import numbers

import numpy as np

from .._validation import check_option, check_scalar
from ..core.conv import conv2d_backward, conv2d_forward
from ..core.init import INITS, init_weights
from ..core.pooling import (avgpool_backward, avgpool_forward, l2pool_backward, l2pool_forward,
                            maxpool_backward, maxpool_forward)
from .base import Layer

__all__ = ["Conv2D", "Flatten", "Pool2D", "Unflatten"]


class Conv2D(Layer):
    """A convolution layer over :func:`dlcourse.core.conv.conv2d_forward`.

    Parameters
    ----------
    n_channels, n_filters : int
        Input channels C and feature maps F.
    kernel_size : int
        K: square K x K kernels.
    stride : int, default=1
    padding : int or {"valid", "same", "full"}, default="valid"
    init : str, default="he"
        See :func:`dlcourse.core.init.init_weights`; the fan-in is C K K (every kernel
        weight of one output pixel), Glorot's fan-out counts the F maps.
    bias : bool, default=True
    input_grad : bool, default=True
        Whether ``backward`` returns dE/dx; False for a first layer fed with data, whose
        gradient nobody uses (``backward`` then returns None), as in :class:`Affine`.
    method : {"im2col", "direct"}, default="im2col"
    backend : {"auto", "numpy", "numba"}, default="auto"
        Who copies the windows for im2col.
    rng : None, int or Generator
    dtype : numpy dtype, default=float64

    Attributes
    ----------
    params : {"W": (F, C, K, K), "b": (F,)}
    """

    def __init__(self, n_channels, n_filters, kernel_size, stride=1, padding="valid",
                 init="he", bias=True, input_grad=True, method="im2col", backend="auto", rng=None,
                 dtype=np.float64):
        super().__init__()
        C = check_scalar(n_channels, "n_channels", kind=numbers.Integral, low=1)
        F = check_scalar(n_filters, "n_filters", kind=numbers.Integral, low=1)
        K = check_scalar(kernel_size, "kernel_size", kind=numbers.Integral, low=1)
        self.stride = check_scalar(stride, "stride", kind=numbers.Integral, low=1)
        self.padding, self.method, self.backend = padding, method, backend
        self.input_grad = bool(input_grad)
        check_option(init, "init", INITS)
        W = init_weights(C * K * K, F, init, rng).T.reshape(F, C, K, K)
        self.params["W"] = np.ascontiguousarray(W, dtype=dtype)
        if bias:
            self.params["b"] = np.zeros(F, dtype=dtype)

    def forward(self, x, train=True):
        out, self._cache = conv2d_forward(x, self.params["W"], self.params.get("b"),
                                          self.stride, self.padding, self.method, self.backend)
        return out

    def backward(self, dout):
        dx, dW, db = conv2d_backward(dout, self._need_cache(), need_dx=self.input_grad)
        self.grads = {"W": dW, "b": db} if "b" in self.params else {"W": dW}
        return dx

    def __repr__(self):
        F, C, K, _ = self.params["W"].shape
        return (f"Conv2D({C} -> {F}, kernel {K}x{K}, stride {self.stride}, "
                f"padding {self.padding!r})")


_POOLS = {"max": (maxpool_forward, maxpool_backward), "avg": (avgpool_forward, avgpool_backward),
          "l2": (l2pool_forward, l2pool_backward)}


class Pool2D(Layer):
    """Max, average or L2 pooling over :mod:`dlcourse.core.pooling`; no parameters.

    Parameters
    ----------
    kind : {"max", "avg", "l2"}, default="max"
    size : int, default=2
    stride : int, optional
        ``size`` by default (windows side by side).
    backend : {"numpy", "numba", "auto"}, default="auto"
        For max pooling: NumPy or the compiled loops.
    """

    def __init__(self, kind="max", size=2, stride=None, backend="auto"):
        super().__init__()
        self.kind = check_option(kind, "kind", tuple(_POOLS))
        self.size = check_scalar(size, "size", kind=numbers.Integral, low=1)
        self.stride = None if stride is None else check_scalar(stride, "stride",
                                                               kind=numbers.Integral, low=1)
        self.backend = backend

    def forward(self, x, train=True):
        forward = _POOLS[self.kind][0]
        if self.kind == "max":
            out, self._cache = forward(x, self.size, self.stride, backend=self.backend)
        else:
            out, self._cache = forward(x, self.size, self.stride)
        return out

    def backward(self, dout):
        return _POOLS[self.kind][1](dout, self._need_cache())

    def __repr__(self):
        return f"Pool2D({self.kind!r}, size={self.size}, stride={self.stride or self.size})"


class Flatten(Layer):
    """(N, C, H, W) -> (N, C H W), the step from feature maps to a fully connected layer."""

    def forward(self, x, train=True):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        return dout.reshape(self._need_cache())

    def __repr__(self):
        return "Flatten()"


class Unflatten(Layer):
    """(N, D) -> (N, C, H, W): rows of pixels (as scikit-learn passes images) to images.

    Parameters
    ----------
    shape : tuple (C, H, W)
    """

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(int(v) for v in shape)

    def forward(self, x, train=True):
        if x.ndim != 2 or x.shape[1] != int(np.prod(self.shape)):
            raise ValueError(f"expected rows of {int(np.prod(self.shape))} pixels "
                             f"(images of shape {self.shape}), got an array of shape {x.shape}")
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.shape)

    def backward(self, dout):
        # None from a first layer that computes no dE/dx (input_grad=False)
        return None if dout is None else dout.reshape(self._need_cache())

    def __repr__(self):
        return f"Unflatten({self.shape})"
