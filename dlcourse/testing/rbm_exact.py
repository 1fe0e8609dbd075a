"""Exact partition function, log-likelihood and gradient of a small RBM, by enumeration.

Book: 10_rbm, section "Measuring what CD does".

Z = sum_{v,h} exp(-E(v, h)) has 2^(n_visible + n_hidden) terms, but one layer can be summed
out analytically (RBM2): enumerating the 2^n states of the smaller layer is enough.
Summing out v instead of h gives, for every hidden vector h,

    -F_h(h) = b^T h + sum_i softplus(a_i + W_i h),    Z = sum_h exp(-F_h(h)),

so an RBM with up to ~20 units in its smaller layer is exact in a fraction of a second. These
are the oracles the tests use to judge CD-k and PCD, and that ``score_samples`` reports.

:func:`cd_expected_gradient` goes one step further for RBMs with few visible units: it gives the
*expectation* of the CD-k estimate (RBM4) over all its randomness, by pushing the data
distribution k times through the exact block-Gibbs transition matrix, so the bias of CD-k can
be measured without sampling noise.
"""

import itertools

import numpy as np

from ..core.rbm import free_energy, hidden_probabilities, logistic, softplus

__all__ = ["all_states", "log_partition", "log_likelihood", "nll_gradient", "gibbs_transition",
           "cd_expected_gradient", "MAX_ENUMERATED", "MAX_TRANSITION_VISIBLE"]

#: largest smaller layer enumerated (2^20 states of 20 units: ~170 MB in float64)
MAX_ENUMERATED = 20
#: most visible units for the 2^n x 2^n transition matrix (2^12 squared: 128 MB in float64)
MAX_TRANSITION_VISIBLE = 12


def all_states(n, dtype=np.float64):
    """All 2^n binary vectors of length n, shape (2^n, n), in counting order."""
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=dtype).reshape(-1, n)


def _logsumexp(x):
    top = np.max(x)
    return top + np.log(np.sum(np.exp(x - top)))


def _enumerated_layer(W):
    n_visible, n_hidden = W.shape
    smaller = min(n_visible, n_hidden)
    if smaller > MAX_ENUMERATED:
        raise ValueError(f"the smaller layer has {smaller} units; exact enumeration needs "
                         f"<= {MAX_ENUMERATED} (2^{smaller} states); use a smaller RBM or the "
                         "pseudo-likelihood")
    return "hidden" if n_hidden <= n_visible else "visible"


def _check(W, a, b):
    W = np.asarray(W, dtype=np.float64)
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if W.ndim != 2 or a.shape != (W.shape[0],) or b.shape != (W.shape[1],):
        raise ValueError(f"W, a, b have shapes {W.shape}, {a.shape}, {b.shape}; need "
                         "(n_visible, n_hidden), (n_visible,), (n_hidden,)")
    return W, a, b


def log_partition(W, a, b):
    """log Z of an RBM, exactly, by enumerating its smaller layer.

    Parameters
    ----------
    W : ndarray of shape (n_visible, n_hidden)
    a : ndarray of shape (n_visible,)
    b : ndarray of shape (n_hidden,)

    Returns
    -------
    float
    """
    W, a, b = _check(W, a, b)
    if _enumerated_layer(W) == "hidden":
        H = all_states(W.shape[1])
        return float(_logsumexp(H @ b + np.sum(softplus(H @ W.T + a), axis=1)))
    V = all_states(W.shape[0])
    return float(_logsumexp(-free_energy(V, W, a, b)))


def log_likelihood(V, W, a, b):
    """log P(v) = -F(v) - log Z for each row of V, shape (n_samples,)."""
    W, a, b = _check(W, a, b)
    V = np.asarray(V, dtype=np.float64)
    return -free_energy(V, W, a, b) - log_partition(W, a, b)


def nll_gradient(V, W, a, b):
    """Exact gradient of the mean negative log-likelihood of the rows of V.     (RBM4)

    dW = <v h^T>_model - <v P(h | v)^T>_data, and likewise for a and b; the model averages
    come from the enumerated layer, with the other layer's expectation in closed form.

    Returns
    -------
    dW, da, db : ndarrays of the shapes of W, a, b
    """
    W, a, b = _check(W, a, b)
    V = np.asarray(V, dtype=np.float64)
    ph = hidden_probabilities(V, W, b)
    data_W, data_a, data_b = V.T @ ph / len(V), V.mean(axis=0), ph.mean(axis=0)
    if _enumerated_layer(W) == "hidden":
        H = all_states(W.shape[1])
        log_p = H @ b + np.sum(softplus(H @ W.T + a), axis=1)
        p = np.exp(log_p - _logsumexp(log_p))
        pv = logistic(H @ W.T + a)                      # E[v | h] for every h
        model_W, model_a, model_b = (pv * p[:, None]).T @ H, p @ pv, p @ H
    else:
        Vall = all_states(W.shape[0])
        log_p = -free_energy(Vall, W, a, b)
        p = np.exp(log_p - _logsumexp(log_p))
        ph_all = hidden_probabilities(Vall, W, b)       # E[h | v] for every v
        model_W, model_a, model_b = (Vall * p[:, None]).T @ ph_all, p @ Vall, p @ ph_all
    return model_W - data_W, model_a - data_a, model_b - data_b


def _layer_distribution(P, states):
    """prod_j P_j^s_j (1 - P_j)^(1 - s_j) for every row of P and every state: (len(P), len(states))."""
    log_on, log_off = np.log(np.clip(P, 1e-300, 1.0)), np.log(np.clip(1.0 - P, 1e-300, 1.0))
    return np.exp(log_on @ states.T + log_off @ (1.0 - states).T)


def gibbs_transition(W, a, b):
    """Exact transition matrix of one block Gibbs step v -> h -> v' of a small RBM.   (RBM3)

    T[r, s] = sum_h P(h | v_r) P(v_s | h), with v_r, v_s the rows of ``all_states(n_visible)``.

    Returns
    -------
    T : ndarray of shape (2^n_visible, 2^n_visible)
        Each row sums to 1.
    """
    W, a, b = _check(W, a, b)
    n_visible, n_hidden = W.shape
    if n_visible > MAX_TRANSITION_VISIBLE or n_hidden > MAX_ENUMERATED:
        raise ValueError(f"the transition matrix has 2^{n_visible} rows and sums over "
                         f"2^{n_hidden} hidden states; use at most {MAX_TRANSITION_VISIBLE} "
                         f"visible and {MAX_ENUMERATED} hidden units")
    V, H = all_states(n_visible), all_states(n_hidden)
    h_given_v = _layer_distribution(hidden_probabilities(V, W, b), H)
    v_given_h = _layer_distribution(logistic(H @ W.T + a), V)
    return h_given_v @ v_given_h


def cd_expected_gradient(V, W, a, b, k):
    """Expectation of the CD-k gradient estimate over all its random numbers.     (RBM4)

    The estimate of :func:`dlcourse.core.rbm.cd_gradient` (sampled visible states, hidden
    probabilities in the statistics) has the positive phase <v P(h | v)^T> over the rows of
    V and the negative phase <v P(h | v)^T> over the chains' states after k block Gibbs steps
    started at the rows of V. The distribution of those states is the data distribution times
    T^k (:func:`gibbs_transition`), so the expectation is a finite sum. As k grows it tends
    to :func:`nll_gradient`; the difference is the bias of CD-k.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_visible)
        Binary training vectors.
    W, a, b : the RBM's parameters
    k : int
        Gibbs steps, >= 1.

    Returns
    -------
    dW, da, db : ndarrays of the shapes of W, a, b
    """
    W, a, b = _check(W, a, b)
    V = np.asarray(V, dtype=np.float64)
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a whole number of Gibbs steps >= 1, got {k}")
    if V.ndim != 2 or V.shape[1] != W.shape[0] or np.any((V != 0) & (V != 1)):
        raise ValueError(f"V must be binary with {W.shape[0]} columns; got shape {V.shape}")
    states = all_states(W.shape[0])
    index = V.astype(np.int64) @ (1 << np.arange(W.shape[0] - 1, -1, -1))
    D = np.bincount(index, minlength=len(states)) / len(V)
    T = gibbs_transition(W, a, b)
    ph_data = hidden_probabilities(V, W, b)
    for _ in range(int(k)):
        D = D @ T
    ph = hidden_probabilities(states, W, b)
    model_W, model_a, model_b = (states * D[:, None]).T @ ph, D @ states, D @ ph
    return (model_W - V.T @ ph_data / len(V), model_a - V.mean(axis=0),
            model_b - ph_data.mean(axis=0))
