"""Asynchronous Hopfield recall as a compiled loop.

Book: 08_hopfield, rule (H3).

The loop form of :func:`dlcourse.core.hopfield.hopfield_recall`: the same sweeps, the same
visiting orders (passed in), the same incremental update of the local fields, so the final
states agree bit for bit with the NumPy form. Asynchronous updates are inherently sequential
(each unit must see the flips before it), which is why a compiled loop pays here.
"""

import numpy as np

from .._numba import njit

__all__ = ["hopfield_recall"]


@njit
def hopfield_recall(S, H, W, orders):
    """Asynchronous sweeps of every row of S until a sweep flips nothing.

    ``S`` and ``H`` are updated in place.

    Parameters
    ----------
    S : ndarray of float64 of shape (n_states, n_units)
        States in {-1, +1}.
    H : ndarray of float64 of shape (n_states, n_units)
        Their local fields S W^T + b, computed by the caller.
    W : ndarray of float64 of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    orders : ndarray of int64 of shape (max_sweeps, n_units)

    Returns
    -------
    n_sweeps : ndarray of int64 of shape (n_states,)
    converged : ndarray of bool of shape (n_states,)
    """
    n_states, n_units = S.shape
    n_sweeps = np.zeros(n_states, dtype=np.int64)
    converged = np.zeros(n_states, dtype=np.bool_)
    for r in range(n_states):
        for t in range(orders.shape[0]):
            n_sweeps[r] += 1
            n_flips = 0
            for k in range(n_units):
                i = orders[t, k]
                if H[r, i] > 0.0:
                    new = 1.0
                elif H[r, i] < 0.0:
                    new = -1.0
                else:
                    new = S[r, i]
                if new != S[r, i]:
                    delta = new - S[r, i]
                    for j in range(n_units):
                        H[r, j] += W[i, j] * delta
                    S[r, i] = new
                    n_flips += 1
            if n_flips == 0:
                converged[r] = True
                break
    return n_sweeps, converged
