"""Restricted Boltzmann machines: energy, free energy, conditionals and contrastive divergence.

Book: 10_rbm.

Binary visible units v (n_visible,) and hidden units h (n_hidden,), joined by weights W of
shape (n_visible, n_hidden), with visible biases a and hidden biases b:

* energy (RBM1):            E(v, h) = -v^T W h - a^T v - b^T h
* free energy (RBM2):       F(v) = -log sum_h exp(-E(v, h)) = -a^T v - sum_j softplus(b_j + v^T W_j)
* conditionals (RBM3):      P(h_j = 1 | v) = sigmoid(b_j + v^T W_j),
                            P(v_i = 1 | h) = sigmoid(a_i + W_i h)
* gradient (RBM4), of the mean negative log-likelihood -(1/n) sum log P(v):
  dW = <v h^T>_model - <v h^T>_data, da = <v>_model - <v>_data, db = <h>_model - <h>_data,
  so an update is ``W -= eta * dW``. Contrastive divergence (CD-k) replaces the model
  average by k steps of Gibbs sampling started at the data; persistent CD (PCD) keeps the
  chains running from one update to the next.

Every function keeps the dtype of W (float32 or float64). Sampling never draws: a unit is on
when its uniform is below its probability, ``u < p``, the same comparison the compiled form in
:mod:`dlcourse.kernels.rbm` makes, so both give the same states for the same uniforms.
"""

import numpy as np

__all__ = ["energy", "free_energy", "hidden_probabilities", "visible_probabilities",
           "sample_bernoulli", "cd_gradient", "pcd_gradient", "logistic", "softplus"]


def logistic(x):
    """sigmoid(x) = 1 / (1 + exp(-x)) in the dtype of x, with exp(-|x|) so nothing overflows."""
    e = np.exp(-np.abs(x))
    # 1 / (1 + e) for x >= 0, e / (1 + e) below: one division for both,
    # the numerator max(e, [x >= 0]) being 1 or e (e <= 1). The same
    # values as np.where(x >= 0, 1, e), which branches on every sign (a
    # coin toss) and took longer than the exp: 4 ns a value.
    p = np.maximum(e, x >= 0)
    e += x.dtype.type(1)
    p /= e
    return p


def softplus(x):
    """log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), in the dtype of x, without overflow."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def energy(v, h, W, a, b):
    """Energy of joint configurations.                                       (RBM1)

    Parameters
    ----------
    v : ndarray of shape (n_samples, n_visible)
    h : ndarray of shape (n_samples, n_hidden)
    W : ndarray of shape (n_visible, n_hidden)
    a : ndarray of shape (n_visible,)
    b : ndarray of shape (n_hidden,)

    Returns
    -------
    E : ndarray of shape (n_samples,)
    """
    return -np.sum((v @ W) * h, axis=1) - v @ a - h @ b


def free_energy(v, W, a, b):
    """Free energy F(v) = -a^T v - sum_j softplus(b_j + v^T W_j).           (RBM2)

    The hidden units are summed out analytically: each contributes a factor
    1 + exp(b_j + v^T W_j) to sum_h exp(-E(v, h)), so P(v) = exp(-F(v)) / Z.

    Parameters
    ----------
    v : ndarray of shape (n_samples, n_visible)
    W, a, b : see :func:`energy`

    Returns
    -------
    F : ndarray of shape (n_samples,)
    """
    return -(v @ a) - np.sum(softplus(v @ W + b), axis=1)


def hidden_probabilities(v, W, b):
    """P(h_j = 1 | v) = sigmoid(b_j + v^T W_j), shape (n_samples, n_hidden).  (RBM3)"""
    return logistic(v @ W + b)


def visible_probabilities(h, W, a):
    """P(v_i = 1 | h) = sigmoid(a_i + W_i h), shape (n_samples, n_visible).   (RBM3)"""
    return logistic(h @ W.T + a)


def sample_bernoulli(p, u):
    """Binary states: 1 where the uniform ``u`` is below the probability ``p``, else 0."""
    return (u < p).astype(p.dtype)


def cd_gradient(v_data, W, a, b, u_h, u_v, *, chains=None, sample_visible=True,
                return_phases=False):
    """CD-k estimate of the gradient of the mean negative log-likelihood.     (RBM4)

    Positive phase: the data v0 and P(h | v0) (probabilities, not samples: less noise, same
    expectation). Negative phase: k steps of block Gibbs sampling h ~ P(h | v), v ~ P(v | h),
    started at the data (CD) or at ``chains`` (PCD); the statistics use the last visible
    states v_k and P(h | v_k), as in Hinton's practical guide.

    Parameters
    ----------
    v_data : ndarray of shape (n, n_visible)
    W, a, b : see :func:`energy`
    u_h : ndarray of shape (k, m, n_hidden)
        Uniforms for the k hidden samples; m = n for CD, m = number of chains for PCD.
    u_v : ndarray of shape (k, m, n_visible)
        Uniforms for the k visible samples (unused with ``sample_visible=False``).
    chains : ndarray of shape (m, n_visible), optional
        Persistent chains' visible states; None starts the chains at the data (CD).
    sample_visible : bool, default=True
        False uses P(v | h) itself as the visible state of every step (the guide's
        "reconstruction with probabilities", lower variance but biased for k > 1).
    return_phases : bool, default=False
        Also return what monitoring and the sparsity penalty need, at no extra cost for CD.

    Returns
    -------
    (dW, da, db) : gradients of the negative log-likelihood, shapes of W, a, b
    v_k : ndarray of shape (m, n_visible)
        The chains' last visible states (the new persistent chains for PCD).
    ph_data : ndarray of shape (n, n_hidden), only with ``return_phases``
        P(h | v_data).
    pv_recon : ndarray of shape (n, n_visible), only with ``return_phases``
        The reconstruction P(v | h0), h0 sampled from P(h | v_data) with ``u_h[0, :n]``.
    """
    k = u_h.shape[0]
    if k < 1 or u_v.shape[0] != k:
        raise ValueError(f"u_h and u_v need the same number k >= 1 of steps, got "
                         f"{u_h.shape[0]} and {u_v.shape[0]}")
    v = v_data if chains is None else chains
    if chains is not None and v.shape[0] < v_data.shape[0] and return_phases:
        raise ValueError("monitoring needs at least as many chains as data rows")
    if u_h.shape[1:] != (v.shape[0], W.shape[1]) or u_v.shape[1:] != v.shape:
        raise ValueError(f"uniforms have shapes {u_h.shape} and {u_v.shape}; need (k, "
                         f"{v.shape[0]}, {W.shape[1]}) and (k, {v.shape[0]}, {W.shape[0]})")
    ph_data = hidden_probabilities(v_data, W, b)
    ph = ph_data if chains is None else hidden_probabilities(v, W, b)
    pv_recon = None
    if return_phases and chains is not None:
        h0 = sample_bernoulli(ph_data, u_h[0, :v_data.shape[0]])
        pv_recon = visible_probabilities(h0, W, a)
    for step in range(k):
        h = sample_bernoulli(ph, u_h[step])
        pv = visible_probabilities(h, W, a)
        if pv_recon is None:
            pv_recon = pv
        v = sample_bernoulli(pv, u_v[step]) if sample_visible else pv
        ph = hidden_probabilities(v, W, b)
    n, m = v_data.shape[0], v.shape[0]
    # the factors are scaled, not dW: fewer numbers to divide
    dW = v.T @ (ph / m) - v_data.T @ (ph_data / n)
    da = v.mean(axis=0) - v_data.mean(axis=0)
    db = ph.mean(axis=0) - ph_data.mean(axis=0)
    if return_phases:
        return (dW, da, db), v, ph_data, pv_recon
    return (dW, da, db), v


def pcd_gradient(v_data, h_chains, W, a, b, u_h, u_v, *, return_phases=False):
    """Persistent CD-k: the negative phase continues chains kept as hidden states.  (RBM4)

    As in Tieleman's PCD and scikit-learn's ``BernoulliRBM``: each of the k steps samples
    v ~ P(v | h), then h ~ P(h | v); the statistics use the last visible states v_k and
    P(h | v_k), and the last hidden states h_k are the chains of the next call. Keeping the
    chains as hidden states means nothing is recomputed when the weights have changed: for
    k = 1, five matrix products per update (P(h | v_data), P(v | h), P(h | v_1) and the two
    statistics).

    Parameters
    ----------
    v_data : ndarray of shape (n, n_visible)
    h_chains : ndarray of shape (m, n_hidden)
        The chains' hidden states (binary).
    W, a, b : see :func:`energy`
    u_h : ndarray of shape (k, m, n_hidden)
    u_v : ndarray of shape (k, m, n_visible)
        Uniforms for the hidden and visible samples of the k steps.
    return_phases : bool, default=False
        Also return P(h | v_data).

    Returns
    -------
    (dW, da, db) : gradients of the negative log-likelihood, shapes of W, a, b
    h_chains : ndarray of shape (m, n_hidden)
        The chains after k more Gibbs steps; pass them to the next call.
    ph_data : ndarray of shape (n, n_hidden), only with ``return_phases``
    """
    k = u_h.shape[0]
    m = h_chains.shape[0]
    if k < 1 or u_v.shape[0] != k:
        raise ValueError(f"u_h and u_v need the same number k >= 1 of steps, got "
                         f"{u_h.shape[0]} and {u_v.shape[0]}")
    if u_h.shape[1:] != h_chains.shape or u_v.shape[1:] != (m, W.shape[0]):
        raise ValueError(f"uniforms have shapes {u_h.shape} and {u_v.shape}; need (k, {m}, "
                         f"{W.shape[1]}) and (k, {m}, {W.shape[0]})")
    ph_data = hidden_probabilities(v_data, W, b)
    h = h_chains
    for step in range(k):
        v = sample_bernoulli(visible_probabilities(h, W, a), u_v[step])
        ph = hidden_probabilities(v, W, b)
        h = sample_bernoulli(ph, u_h[step])
    n = v_data.shape[0]
    # the factors are scaled, not dW: fewer numbers to divide
    dW = v.T @ (ph / m) - v_data.T @ (ph_data / n)
    da = v.mean(axis=0) - v_data.mean(axis=0)
    db = ph.mean(axis=0) - ph_data.mean(axis=0)
    if return_phases:
        return (dW, da, db), h, ph_data
    return (dW, da, db), h
