"""Dropout and batch normalisation as layers.

Book: 06_regularization.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar
from ..core.batchnorm import (batchnorm_backward, batchnorm_forward, spatial_batchnorm_backward,
                              spatial_batchnorm_forward)
from ..core.regularization import dropout_backward, dropout_forward
from .base import Layer

__all__ = ["Dropout", "BatchNorm"]


class Dropout(Layer):
    """Inverted dropout, over :func:`dlcourse.core.regularization.dropout_forward`.

    Parameters
    ----------
    p_drop : float in [0, 1)
        Probability of dropping each unit.
    rng : None, int or Generator
        Draws the masks; one Generator for the life of the layer.
    """

    def __init__(self, p_drop=0.5, rng=None):
        super().__init__()
        self.p_drop = check_scalar(p_drop, "p_drop (the probability of dropping a unit)",
                                   low=0, high=1, include_high=False)
        self.rng = check_rng(rng)

    def forward(self, x, train=True):
        out, self._cache = dropout_forward(x, self.p_drop, train, rng=self.rng)
        self._cache = (self._cache,)      # a mask of None (test mode) is a valid cache
        return out

    def backward(self, dout):
        return dropout_backward(dout, self._need_cache()[0])

    def __repr__(self):
        return f"Dropout(p_drop={self.p_drop})"


class BatchNorm(Layer):
    """Batch normalisation, over :func:`dlcourse.core.batchnorm.batchnorm_forward` (inputs
    (N, D)) or its spatial form (inputs (N, C, H, W), ``spatial=True``).

    Parameters
    ----------
    n_features : int
        D, or the number of channels C.
    momentum : float, default=0.1
        Weight of each new batch in the running statistics (PyTorch's convention).
    eps : float, default=1e-5
    spatial : bool, default=False
    dtype : numpy dtype, default=float64

    Attributes
    ----------
    params : {"gamma": (n_features,), "beta": (n_features,)}
        Start at 1 and 0: the layer starts as a pure standardisation.
    buffers : {"running_mean": (n_features,), "running_var": (n_features,)}
        Start at 0 and 1, updated in place by every training-mode forward pass.
    """

    def __init__(self, n_features, momentum=0.1, eps=1e-5, spatial=False, dtype=np.float64):
        super().__init__()
        n = check_scalar(n_features, "n_features", kind=numbers.Integral, low=1)
        self.momentum = check_scalar(momentum, "momentum", low=0, high=1)
        self.eps = check_scalar(eps, "eps", low=0, include_low=False)
        self.spatial = bool(spatial)
        self.params = {"gamma": np.ones(n, dtype=dtype), "beta": np.zeros(n, dtype=dtype)}
        self.buffers = {"running_mean": np.zeros(n, dtype=dtype),
                        "running_var": np.ones(n, dtype=dtype)}

    def forward(self, x, train=True):
        forward = spatial_batchnorm_forward if self.spatial else batchnorm_forward
        out, self._cache = forward(x, self.params["gamma"], self.params["beta"], train,
                                   self.buffers["running_mean"], self.buffers["running_var"],
                                   self.momentum, self.eps)
        return out

    def backward(self, dout):
        backward = spatial_batchnorm_backward if self.spatial else batchnorm_backward
        dx, dgamma, dbeta = backward(dout, self._need_cache())
        self.grads = {"gamma": dgamma, "beta": dbeta}
        return dx
