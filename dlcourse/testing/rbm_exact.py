"""Exact partition function, log-likelihood and gradient of a small RBM, by enumeration.

Book: 10_rbm, section "Measuring what CD does".

Z = sum_{v,h} exp(-E(v, h)) has 2^(n_visible + n_hidden) terms, but one layer can be summed
out analytically (RBM2): enumerating the 2^n states of the smaller layer is enough.
Summing out v instead of h gives, for every hidden vector h,

    -F_h(h) = b^T h + sum_i softplus(a_i + W_i h),    Z = sum_h exp(-F_h(h)),

so an RBM with up to ~20 units in its smaller layer is exact in a fraction of a second. These
are the oracles the tests use to judge CD-k and PCD, and that ``score_samples`` reports.
"""

import itertools

import numpy as np

from ..core.rbm import free_energy, hidden_probabilities, logistic, softplus

__all__ = ["all_states", "log_partition", "log_likelihood", "nll_gradient", "MAX_ENUMERATED"]

#: largest smaller layer enumerated (2^20 states of 20 units: ~170 MB in float64)
MAX_ENUMERATED = 20


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
