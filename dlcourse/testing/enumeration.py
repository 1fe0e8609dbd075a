"""Exact answers for small Boltzmann machines, by enumerating all 2^n global states.

Book: 09_boltzmann (and 10_rbm, where an RBM is the special case of a bipartite W).

For n units (visible units first, then hidden) there are 2^n states; up to about 20 units
this is cheap enough to give the exact partition function, the exact distribution of the
visible units, the exact log-likelihood and the exact gradient (B5). Tests and the book use
these to check samplers and learning rules with no sampling noise. Works for any symmetric
W with zero diagonal; missing connections are zeros.

State ordering: row k of :func:`all_states` is the binary expansion of k with unit 0 as the
most significant bit, and :func:`state_index` maps states back to k.
"""

import numpy as np

from ..core.boltzmann import bm_energy, pair_statistics

__all__ = ["MAX_UNITS", "all_states", "state_index", "log_partition", "state_probabilities",
           "visible_distribution", "log_likelihood", "exact_clamped_statistics",
           "exact_free_statistics", "exact_gradient", "empirical_distribution",
           "kl_divergence", "conditional_distribution", "encoder_solved", "encoder_codes",
           "encoder_distinct_codes", "logsumexp"]

#: enumeration beyond this many units would need more than ~10^6 states
MAX_UNITS = 20
_STATES = {}


def logsumexp(a, axis=None, keepdims=False):
    """log sum exp(a), shifted by the maximum so that nothing overflows."""
    a_max = np.max(a, axis=axis, keepdims=True)
    out = a_max + np.log(np.sum(np.exp(a - a_max), axis=axis, keepdims=True))
    return out if keepdims else (np.squeeze(out, axis=axis) if axis is not None else out.item())


def _check_size(n):
    if n > MAX_UNITS:
        raise ValueError(f"exact enumeration of {n} units needs 2^{n} states; it is limited to "
                         f"{MAX_UNITS} units; use sampled statistics for larger machines")


def all_states(n):
    """All 2^n binary states, in the order of :func:`state_index`.

    Returns
    -------
    S : ndarray of shape (2**n, n)
    """
    _check_size(n)
    if n not in _STATES:          # cached: tracking the likelihood asks for it every update
        k = np.arange(2 ** n)
        _STATES[n] = ((k[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(float)
        _STATES[n].setflags(write=False)
    return _STATES[n]


def state_index(S):
    """Index k of each binary state (row of S) in :func:`all_states`.

    Returns
    -------
    k : ndarray of int of shape (n_states,)
    """
    S = np.asarray(S)
    n = S.shape[-1]
    return (S > 0.5).astype(np.int64) @ (1 << np.arange(n - 1, -1, -1))


def log_partition(W, b, T=1.0):
    """log Z = log sum_s exp(-E(s) / T), with log-sum-exp so it never overflows.   (B3)"""
    return float(logsumexp(-bm_energy(all_states(len(b)), W, b) / T))


def state_probabilities(W, b, T=1.0):
    """The Boltzmann distribution (B3) over all 2^n states.

    Returns
    -------
    P : ndarray of shape (2**n,)
    """
    a = -bm_energy(all_states(len(b)), W, b) / T
    return np.exp(a - logsumexp(a))


def visible_distribution(W, b, n_visible, T=1.0):
    """P(v) = sum_h P(v, h): the free-running distribution of the first ``n_visible`` units.

    Returns
    -------
    P : ndarray of shape (2**n_visible,)
        Indexed by :func:`state_index` of the visible state.
    """
    n_hidden = len(b) - n_visible
    return state_probabilities(W, b, T).reshape(2 ** n_visible, 2 ** n_hidden).sum(axis=1)


def log_likelihood(V, W, b, n_visible=None):
    """Mean exact log P(v) over the rows of V (in nats per sample).

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_visible)
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,)
    n_visible : int, optional
        Defaults to ``V.shape[1]``.
    """
    n_visible = V.shape[1] if n_visible is None else n_visible
    n_hidden = len(b) - n_visible
    a = (-bm_energy(all_states(len(b)), W, b)).reshape(2 ** n_visible, 2 ** n_hidden)
    log_pv = logsumexp(a, axis=1) - logsumexp(a)
    return float(np.mean(log_pv[state_index(V)]))


def exact_clamped_statistics(V, W, b):
    """Exact waking statistics: <s_i s_j> and <s_i> with v clamped to each row of V and
    the hidden units at their exact posterior P(h | v), averaged over the rows.

    Returns
    -------
    p : ndarray of shape (n_units, n_units)
    q : ndarray of shape (n_units,)
    """
    V = np.asarray(V, dtype=float)
    n_samples, n_visible = V.shape
    n_hidden = len(b) - n_visible
    H = all_states(n_hidden)
    S = np.concatenate([np.repeat(V, len(H), axis=0), np.tile(H, (n_samples, 1))], axis=1)
    a = (-bm_energy(S, W, b)).reshape(n_samples, len(H))
    post = np.exp(a - logsumexp(a, axis=1, keepdims=True)) / n_samples   # P(h | v) / N
    return pair_statistics(S, post.ravel())


def exact_free_statistics(W, b, T=1.0):
    """Exact sleeping statistics <s_i s_j>, <s_i> under the Boltzmann distribution (B3)."""
    return pair_statistics(all_states(len(b)), state_probabilities(W, b, T))


def exact_gradient(V, W, b):
    """Exact gradient (B5) of the mean negative log-likelihood of V.

    W_ij and W_ji are one parameter: dW[i, j] is the derivative with respect to that shared
    weight (perturbing both entries together).

    Returns
    -------
    dW : ndarray of shape (n_units, n_units)
    db : ndarray of shape (n_units,)
    """
    (p_c, q_c), (p_f, q_f) = exact_clamped_statistics(V, W, b), exact_free_statistics(W, b)
    dW = -(p_c - p_f)
    np.fill_diagonal(dW, 0.0)
    return dW, -(q_c - q_f)


def empirical_distribution(V):
    """P+(v): the fraction of rows of V equal to each visible state.

    Returns
    -------
    P : ndarray of shape (2**n_visible,)
    """
    V = np.asarray(V)
    return np.bincount(state_index(V), minlength=2 ** V.shape[1]) / V.shape[0]


def kl_divergence(P_data, W, b, n_visible):
    """G = sum_v P+(v) log(P+(v) / P-(v)), the paper's measure, in nats (>= 0)."""
    P_model = visible_distribution(W, b, n_visible)
    on = P_data > 0
    return float(np.sum(P_data[on] * (np.log(P_data[on]) - np.log(P_model[on]))))


def conditional_distribution(W, b, clamp_idx, clamp_values, query_idx):
    """Exact P(query units | clamped units = values), marginalising every other unit.

    Parameters
    ----------
    clamp_idx : sequence of int
    clamp_values : array_like of shape (len(clamp_idx),)
    query_idx : sequence of int

    Returns
    -------
    P : ndarray of shape (2**len(query_idx),)
        Indexed by :func:`state_index` of the query units' state.
    """
    n = len(b)
    clamp_idx, query_idx = list(clamp_idx), list(query_idx)
    rest = [i for i in range(n) if i not in set(clamp_idx)]
    _check_size(len(rest))
    # enumerate only the units that are not clamped: 2^(n - n_clamped) states
    S = np.empty((2 ** len(rest), n))
    S[:, rest] = all_states(len(rest))
    S[:, clamp_idx] = np.asarray(clamp_values, dtype=float)
    a = -bm_energy(S, W, b)
    p = np.exp(a - logsumexp(a))
    return np.bincount(state_index(S[:, query_idx]), weights=p,
                       minlength=2 ** len(query_idx))


def encoder_solved(W, b, X, n_group):
    """Whether a machine solves an encoder problem, exactly: with V1 clamped to each
    pattern, the most probable V2 state (hidden units marginalised) is the matching one.

    Parameters
    ----------
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,)
        Units ordered V1, V2, hidden.
    X : ndarray of shape (n_patterns, 2 * n_group)
        The encoder patterns (V1, V2), e.g. from ``encoder_patterns``.
    n_group : int

    Returns
    -------
    solved : bool
    """
    V1, V2 = range(n_group), range(n_group, 2 * n_group)
    return all(int(np.argmax(conditional_distribution(W, b, V1, x[:n_group], V2)))
               == int(state_index(x[None, n_group:])[0]) for x in np.asarray(X))


def encoder_codes(W, b, X, n_hidden):
    """The hidden code of each encoder pattern: the most probable hidden state, exactly,
    with the whole pattern (V1 and V2) clamped, and its probability.

    Parameters
    ----------
    W : ndarray of shape (n_units, n_units)
    b : ndarray of shape (n_units,)
        Units ordered V1, V2, hidden.
    X : ndarray of shape (n_patterns, n_visible)
    n_hidden : int

    Returns
    -------
    codes : ndarray of int of shape (n_patterns, n_hidden)
    P : ndarray of shape (n_patterns,)
        P(code | pattern).
    """
    X = np.asarray(X, dtype=float)
    n_visible = X.shape[1]
    H = all_states(n_hidden)
    codes, P = [], []
    for x in X:
        p = conditional_distribution(W, b, range(n_visible), x,
                                     range(n_visible, n_visible + n_hidden))
        codes.append(H[np.argmax(p)].astype(int))
        P.append(p.max())
    return np.array(codes), np.array(P)


def encoder_distinct_codes(W, b, X, n_hidden, min_probability=0.5):
    """The number of distinct hidden codes in use: distinct :func:`encoder_codes` among the
    patterns whose code has probability above ``min_probability``.

    The 1985 paper reports progress on 8-3-8 as the number of distinct codes found (7 or 8
    of 8); n distinct codes for n patterns is a solution. The threshold keeps a flat start,
    where the most probable state is an arbitrary pick among near-equal ones, from counting.

    Returns
    -------
    n_codes : int
    """
    codes, P = encoder_codes(W, b, X, n_hidden)
    return len({tuple(c) for c, p in zip(codes, P) if p > min_probability})
