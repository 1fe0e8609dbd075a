"""Sequential Gibbs sampling of a general Boltzmann machine, compiled with Numba.

Book: 09_boltzmann, eq. (B2).

The loop form of :func:`dlcourse.core.boltzmann.gibbs_anneal`. Gibbs sampling is sequential
by nature (each unit must see the new states of the units before it), so NumPy can only
vectorise the inner net update; here the whole sweep is one compiled loop. The uniforms come
in as an array and the nets are updated in the same order with the same arithmetic as the
NumPy form, so both produce the same states bit for bit.
"""

import math

from .._numba import njit

__all__ = ["gibbs_anneal", "gibbs_anneal_probes"]


@njit
def gibbs_anneal(S, net, W, free, temperatures, U, n_collect, C, m):
    """Annealed sequential Gibbs sweeps of every row of S; statistics of the last sweeps.

    ``S``, ``net``, ``C`` and ``m`` are updated in place.

    Parameters
    ----------
    S : ndarray of float64 of shape (n_chains, n_units)
    net : ndarray of float64 of shape (n_chains, n_units)
        Nets S W^T + b, computed by the caller.
    W : ndarray of float64 of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    free : ndarray of bool of shape (n_units,)
    temperatures : ndarray of float64 of shape (n_sweeps,)
    U : ndarray of float64 of shape (n_chains, n_sweeps, n_units)
    n_collect : int
        The last ``n_collect`` sweeps add s s^T to C and s to m.
    C : ndarray of float64 of shape (n_units, n_units)
    m : ndarray of float64 of shape (n_units,)
    """
    n_chains, n_units = S.shape
    n_sweeps = temperatures.shape[0]
    for r in range(n_chains):
        for t in range(n_sweeps):
            T = temperatures[t]
            for i in range(n_units):
                if not free[i]:
                    continue
                x = net[r, i] / T
                e = math.exp(-abs(x))
                p = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
                new = 1.0 if U[r, t, i] < p else 0.0
                if new != S[r, i]:
                    delta = new - S[r, i]
                    for j in range(n_units):
                        net[r, j] += W[i, j] * delta     # row i (= column i) is contiguous
                    S[r, i] = new
            if t >= n_sweeps - n_collect:
                for i in range(n_units):
                    if S[r, i] != 0.0:
                        m[i] += S[r, i]
                        for j in range(n_units):
                            C[i, j] += S[r, i] * S[r, j]


@njit
def gibbs_anneal_probes(S, net, W, free, temperatures, J, U, n_collect, C, m):
    """Annealing by random probes (the 1985 paper's time units); statistics of the last ones.

    The loop form of :func:`dlcourse.core.boltzmann.gibbs_anneal_probes`, same arguments:
    ``J[r, t]`` lists the units probed in time unit t of chain r, ``U[r, t]`` their uniforms;
    a probe of a clamped unit changes nothing.
    """
    n_chains, n_units = S.shape
    n_steps, n_probes = J.shape[1], J.shape[2]
    for r in range(n_chains):
        for t in range(n_steps):
            T = temperatures[t]
            for k in range(n_probes):
                i = J[r, t, k]
                if not free[i]:
                    continue
                x = net[r, i] / T
                e = math.exp(-abs(x))
                p = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
                new = 1.0 if U[r, t, k] < p else 0.0
                if new != S[r, i]:
                    delta = new - S[r, i]
                    for j in range(n_units):
                        net[r, j] += W[i, j] * delta
                    S[r, i] = new
            if t >= n_steps - n_collect:
                for i in range(n_units):
                    if S[r, i] != 0.0:
                        m[i] += S[r, i]
                        for j in range(n_units):
                            C[i, j] += S[r, i] * S[r, j]
