"""The Hopfield network: energy, Hebbian storage, asynchronous and synchronous updates.

Book: 08_hopfield.

States are vectors s in {-1, +1}^N. The network's energy is

    E(s) = -1/2 s^T W s - b^T s                                             (H1)

Hebb's rule stores p patterns xi^1 .. xi^p in the weights

    W = (1/N) sum_mu xi^mu (xi^mu)^T,   with W_ii = 0                        (H2)

and recall runs the update rule, one unit at a time (asynchronous):

    h_i = sum_j W_ij s_j + b_i,   s_i <- +1 if h_i > 0, -1 if h_i < 0, s_i if h_i = 0   (H3)

With W symmetric and a zero diagonal, flipping unit i changes the energy by
-(s_i' - s_i) h_i <= 0, so the energy never increases and recall ends in a fixed point.
The synchronous rule (all units at once, (H4)) has no such guarantee: it can cycle with
period 2.

Both update forms keep the local fields h = W s + b up to date as units flip,
h <- h + W[i] (s_i' - s_i) (row i is column i since W is symmetric), instead of recomputing a
dot product per unit: this makes one sweep cost O(N^2) at most, and, because it adds exactly
the same numbers in the same order, it lets the NumPy form here and the compiled loop form
:func:`dlcourse.kernels.hopfield.hopfield_recall` agree bit for bit.
"""

import numpy as np

__all__ = ["hopfield_energy", "hebbian_weights", "local_field", "async_sweep",
           "hopfield_recall", "sync_update", "overlap", "bit_error_rate"]


def hopfield_energy(S, W, b=None):
    """E(s) = -1/2 s^T W s - b^T s for one state or each row of S.        (H1)

    Parameters
    ----------
    S : ndarray of shape (n_units,) or (n_states, n_units)
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,), optional

    Returns
    -------
    E : float or ndarray of shape (n_states,)
    """
    S = np.asarray(S, dtype=float)
    E = -0.5 * np.einsum("...i,ij,...j->...", S, W, S)
    if b is not None:
        E = E - S @ b
    return E


def hebbian_weights(patterns):
    """Hebb's rule W = (1/N) sum_mu xi^mu xi^mu^T with a zero diagonal.        (H2)

    Parameters
    ----------
    patterns : ndarray of shape (n_patterns, n_units)
        Patterns in {-1, +1}.

    Returns
    -------
    W : ndarray of shape (n_units, n_units)
        Symmetric, zero diagonal.
    """
    Xi = np.asarray(patterns, dtype=float)
    W = Xi.T @ Xi / Xi.shape[1]
    np.fill_diagonal(W, 0.0)        # no self-coupling: it would make every state more stable
    return W


def local_field(S, W, b=None):
    """h = W s + b, the input each unit receives (rows of S are states).

    Parameters
    ----------
    S : ndarray of shape (n_units,) or (n_states, n_units)
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,), optional

    Returns
    -------
    h : ndarray of the shape of S
    """
    h = np.asarray(S, dtype=float) @ W.T
    if b is not None:
        h = h + b
    return h


def async_sweep(s, h, W, order):
    """One asynchronous sweep of rule (H3): units visited one at a time in ``order``.

    ``s`` and ``h`` are updated in place.

    Parameters
    ----------
    s : ndarray of shape (n_units,)
        State in {-1, +1}.
    h : ndarray of shape (n_units,)
        Its local fields W s + b (from :func:`local_field`), kept up to date.
    W : ndarray of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    order : ndarray of int of shape (n_units,)
        The visiting order (a permutation, drawn by the caller).

    Returns
    -------
    n_flips : int
        Units that changed; 0 means s is a fixed point.
    """
    n_flips = 0
    for i in order:
        if h[i] > 0.0:
            new = 1.0
        elif h[i] < 0.0:
            new = -1.0
        else:
            new = s[i]          # a tie keeps the unit as it is
        if new != s[i]:
            h += W[i] * (new - s[i])      # W symmetric: row i = column i, and contiguous
            s[i] = new
            n_flips += 1
    return n_flips


def hopfield_recall(S, W, b, orders):
    """Run asynchronous sweeps on each row of S until nothing flips (NumPy form).

    Parameters
    ----------
    S : ndarray of shape (n_states, n_units)
        Start states in {-1, +1}; not modified.
    W : ndarray of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    b : ndarray of shape (n_units,)
    orders : ndarray of int of shape (max_sweeps, n_units)
        The visiting order of each sweep (shared by all rows).

    Returns
    -------
    S_out : ndarray of shape (n_states, n_units)
        Final states.
    n_sweeps : ndarray of int of shape (n_states,)
        Sweeps run per row, the last one without flips if the row converged
        (``n_sweeps == max_sweeps`` with flips in the last sweep means it did not).
    converged : ndarray of bool of shape (n_states,)
    """
    S_out = np.array(S, dtype=float)
    H = local_field(S_out, W, b)
    n_sweeps = np.zeros(S_out.shape[0], dtype=np.int64)
    converged = np.zeros(S_out.shape[0], dtype=bool)
    for r in range(S_out.shape[0]):
        for t in range(orders.shape[0]):
            n_sweeps[r] += 1
            if async_sweep(S_out[r], H[r], W, orders[t]) == 0:
                converged[r] = True
                break
    return S_out, n_sweeps, converged


def sync_update(S, W, b=None):
    """All units at once: s <- sign(W s + b), ties keep the old value.        (H4)

    Parameters
    ----------
    S : ndarray of shape (n_units,) or (n_states, n_units)
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,), optional

    Returns
    -------
    S_new : ndarray of the shape of S
    """
    S = np.asarray(S, dtype=float)
    h = local_field(S, W, b)
    return np.where(h > 0, 1.0, np.where(h < 0, -1.0, S))


def overlap(S, patterns):
    """m_mu = (1/N) xi^mu . s, in [-1, 1]; 1 means s equals pattern mu.        (H5)

    Parameters
    ----------
    S : ndarray of shape (n_units,) or (n_states, n_units)
    patterns : ndarray of shape (n_patterns, n_units) or (n_units,)

    Returns
    -------
    m : ndarray
        ``S @ patterns.T / N``: shape (n_states, n_patterns) for 2-D inputs.
    """
    S = np.asarray(S, dtype=float)
    P = np.asarray(patterns, dtype=float)
    return S @ P.T / S.shape[-1]


def bit_error_rate(S, targets):
    """Fraction of units where S differs from ``targets`` (row by row).

    Parameters
    ----------
    S, targets : ndarray of shape (n_states, n_units) or (n_units,)

    Returns
    -------
    float or ndarray of shape (n_states,)
    """
    return np.mean(np.asarray(S) != np.asarray(targets), axis=-1)
