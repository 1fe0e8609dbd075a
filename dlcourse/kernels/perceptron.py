"""The perceptron's online learning loop, compiled with Numba.

Book: 01_perceptron, section "The perceptron learning rule".

The loop form of :func:`dlcourse.core.perceptron.perceptron_epoch`: the same rule (P2),
visiting samples one at a time and updating after every mini-batch, with no temporary arrays.
For online learning (batch size 1) this is one pass over each sample's features to get a and
one to update w, which is where Python's per-call overhead would otherwise dominate.
The visiting order comes in as an array, drawn by the caller, so both forms see the same order.
"""

import math

import numpy as np

from .._numba import njit

__all__ = ["perceptron_epoch"]


# The one sum whose order is left to the compiler. Added strictly left to right, every
# addition waits for the one before it, one element at a time; with reassociation the compiler
# keeps several partial sums in vector registers (about 3x faster on rows of 50, measured in
# benchmarks/bench_perceptron.py). Only the rounding changes, as with NumPy's X @ w, whose BLAS
# also sums in blocks, so the two forms agree to rounding (and exactly on integer data).
@njit(fastmath={"reassoc"})
def _dot(x, w):
    """x . w for two vectors of the same length."""
    s = 0.0
    for j in range(x.shape[0]):
        s += x[j] * w[j]
    return s


@njit
def perceptron_epoch(X, t, w, b, order, eta, batch_size, sigmoid_unit, alpha):
    """One epoch of the perceptron rule; ``w`` is updated in place.

    Parameters
    ----------
    X : ndarray of float64 of shape (n_samples, n_features)
    t : ndarray of float64 of shape (n_samples,)
        Targets in {0, 1}.
    w : ndarray of float64 of shape (n_features,)
        Weights, updated in place.
    b : float
    order : ndarray of int64 of shape (n_samples,)
    eta : float
    batch_size : int
    sigmoid_unit : bool
        False for Rosenblatt's threshold unit, True for the sigmoid unit.
    alpha : float
        L2 penalty strength.

    Returns
    -------
    b : float
    n_errors : int
    loss : float
        Mean loss over the epoch (see the NumPy form).
    """
    n_samples, n_features = X.shape
    dw = np.zeros(n_features)
    n_errors = 0
    loss = 0.0
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        db = 0.0
        changed = False
        for k in range(start, stop):
            i = order[k]
            a = _dot(X[i], w) + b
            if sigmoid_unit:
                # stable sigmoid and softplus, as in dlcourse.core
                e = math.exp(-abs(a))
                y = 1.0 / (1.0 + e) if a >= 0 else e / (1.0 + e)
                loss += max(a, 0.0) + math.log1p(e) - t[i] * a
            else:
                y = 1.0 if a > 0 else 0.0
                loss += (y - t[i]) * a
            if (a > 0) != (t[i] > 0.5):
                n_errors += 1
            delta = y - t[i]
            if delta != 0.0:         # a threshold unit that was right adds nothing: skip
                changed = True
                for j in range(n_features):
                    dw[j] += delta * X[i, j]
                db += delta
        if changed or alpha > 0.0:   # else the update would leave w and b as they are
            m = stop - start
            for j in range(n_features):
                w[j] -= eta * (dw[j] / m + alpha * w[j])
                dw[j] = 0.0          # ready for the next mini-batch
            b -= eta * (db / m)
    return b, n_errors, loss / n_samples
