"""Initial weights: breaking symmetry and keeping the variance of net inputs steady.

Book: 04_backprop, section "Weight initialization".

A unit's net input a = sum_i w_i x_i adds n_in terms; with independent weights of variance
s^2 and inputs of unit variance its variance is n_in s^2. Choosing s^2 = 1 / n_in keeps it
near 1 whatever the fan-in, so sigmoid and tanh units start away from saturation; ReLU units,
which zero half their inputs, need twice that (He); Glorot balances the forward and backward
passes with 2 / (n_in + n_out). All-equal weights, zero included, give every hidden unit the
same gradient, so the units never become different: the symmetry is never broken.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_option, check_scalar

__all__ = ["INITS", "init_weights"]

INITS = ("zeros", "normal", "lecun", "he", "glorot", "sparse")


def init_weights(n_in, n_out, method="glorot", rng=None, scale=0.01, n_nonzero=15):
    """Draw a weight matrix W of shape (n_in, n_out).

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    method : {"zeros", "normal", "lecun", "he", "glorot", "sparse"}
        - "zeros": all zero (fails to break symmetry; shown in the book).
        - "normal": N(0, scale^2), the same for every layer size.
        - "lecun": N(0, 1 / n_in).
        - "he": N(0, 2 / n_in), for ReLU units.
        - "glorot": U(-r, r) with r = sqrt(6 / (n_in + n_out)).
        - "sparse": each unit gets ``n_nonzero`` incoming weights from N(0, 1), the rest 0
          (Martens, 2010).
    rng : None, int or Generator
    scale : float
        Standard deviation for "normal".
    n_nonzero : int
        Incoming connections per unit for "sparse".

    Returns
    -------
    W : ndarray of shape (n_in, n_out)
    """
    n_in = check_scalar(n_in, "n_in", kind=numbers.Integral, low=1)
    n_out = check_scalar(n_out, "n_out", kind=numbers.Integral, low=1)
    check_option(method, "method", INITS)
    rng = check_rng(rng)
    if method == "zeros":
        return np.zeros((n_in, n_out))
    if method == "normal":
        return check_scalar(scale, "scale", low=0) * rng.standard_normal((n_in, n_out))
    if method == "lecun":
        return rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)
    if method == "he":
        return rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)
    if method == "glorot":
        r = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-r, r, (n_in, n_out))
    k = min(check_scalar(n_nonzero, "n_nonzero", kind=numbers.Integral, low=1), n_in)
    W = np.zeros((n_in, n_out))
    for j in range(n_out):
        rows = rng.choice(n_in, size=k, replace=False)
        W[rows, j] = rng.standard_normal(k)
    return W
