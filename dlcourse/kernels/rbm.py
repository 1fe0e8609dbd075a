"""One epoch of CD-k / PCD-k training of an RBM as fused loops, compiled by Numba.

Book: 10_rbm, section "At full size" of "An RBM on the digits" (benchmark: benchmarks/bench_rbm.py).

The loop form of the epoch that :class:`dlcourse.models.rbm.BernoulliRBM` runs with NumPy:
for each mini-batch, the positive phase P(h | v0), k Gibbs steps, the gradient (RBM4), the
sparsity and weight-decay terms and the momentum update, all in place with no temporary
arrays. At batch sizes around 10 NumPy's per-call overhead, not arithmetic, sets the speed,
and this form wins; at 100 and above BLAS wins (measured in ``benchmarks/bench_rbm.py``).

The uniforms come in as arrays and a unit is on when ``u < p``, exactly as in
:func:`dlcourse.core.rbm.sample_bernoulli`, so both forms visit the same states; the sums are
taken in another order than BLAS's, so the weights agree to rounding (1e-12 in float64).
Inner loops run along contiguous rows of W, or of its transpose for P(v | h).
"""

import math

import numpy as np

from .._numba import njit

__all__ = ["rbm_epoch"]


@njit
def _logistic(x):
    # the same two branches as dlcourse.core.rbm.logistic, so the values match
    e = math.exp(-abs(x))
    if x >= 0:
        return 1.0 / (1.0 + e)
    return e / (1.0 + e)


@njit
def _hidden(v, W, b, out):
    """out = sigmoid(b + v W) for one visible vector (axpy over the rows of W)."""
    out[:] = 0.0
    for i in range(W.shape[0]):
        vi = v[i]
        if vi != 0.0:
            for j in range(W.shape[1]):
                out[j] += vi * W[i, j]
    for j in range(W.shape[1]):
        out[j] = _logistic(out[j] + b[j])


@njit
def _visible(h, WT, a, out):
    """out = sigmoid(a + W h) for one binary hidden vector, from W's transpose WT.

    A sum over the hidden units that are on, as axpy over contiguous rows of WT: the
    compiler vectorises it, where a dot product along a row of W with strict
    floating-point order would run one element at a time.
    """
    out[:] = 0.0
    for j in range(WT.shape[0]):
        if h[j] != 0.0:
            for i in range(WT.shape[1]):
                out[i] += WT[j, i]
    for i in range(WT.shape[1]):
        out[i] = _logistic(out[i] + a[i])


@njit
def rbm_epoch(X, order, batch, W, a, b, vW, va, vb, q, chains, U_h, U_v, eta, momentum,
              weight_decay, persistent, sample_visible, sparsity_target, sparsity_cost,
              sparsity_decay):
    """One epoch of CD-k (or PCD-k) updates; W, a, b, the velocities, q and chains in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_visible)
    order : ndarray of int64 of shape (n_samples,)
        Visiting order; mini-batch t holds ``order[t * batch:(t + 1) * batch]``.
    batch : int
    W, a, b : ndarrays of shapes (n_visible, n_hidden), (n_visible,), (n_hidden,)
    vW, va, vb : ndarrays, same shapes
        Momentum velocities: ``vel = momentum * vel + eta * grad``, ``param -= vel``.
    q : ndarray of shape (n_hidden,)
        Running mean of the hidden probabilities (for the sparsity penalty).
    chains : ndarray of shape (m, n_visible)
        Persistent chains (PCD; m = batch), updated; unused for CD.
    U_h : ndarray of shape (n_batches, k, m, n_hidden)
    U_v : ndarray of shape (n_batches, k, m, n_visible)
        Uniforms for the hidden and visible samples of each mini-batch and step.
    eta, momentum, weight_decay : float
    persistent, sample_visible : bool
    sparsity_target, sparsity_cost, sparsity_decay : float

    Returns
    -------
    float
        Sum over the epoch's samples of the squared reconstruction error ||v0 - P(v | h0)||^2,
        h0 sampled from P(h | v0) with the first step's uniforms.
    """
    n_visible, n_hidden = W.shape
    k, m = U_h.shape[1], U_h.shape[2]
    n = order.shape[0]
    ph_data = np.zeros((m, n_hidden), W.dtype)
    ph = np.zeros((m, n_hidden), W.dtype)
    h = np.zeros(n_hidden, W.dtype)
    v = np.zeros((m, n_visible), W.dtype)
    pos = np.zeros((n_visible, n_hidden), W.dtype)
    neg = np.zeros((n_visible, n_hidden), W.dtype)
    sum_data = np.zeros(n_visible, W.dtype)
    sum_model = np.zeros(n_visible, W.dtype)
    penalty = np.zeros(n_hidden, W.dtype)
    pv = np.zeros(n_visible, W.dtype)
    WT = np.zeros((n_hidden, n_visible), W.dtype)
    recon = 0.0
    for t in range((n + batch - 1) // batch):
        start = t * batch
        rows = min(batch, n - start)
        WT[:] = W.T                                    # this mini-batch's weights, transposed
        for r in range(rows):                          # positive phase
            _hidden(X[order[start + r]], W, b, ph_data[r])
        if persistent:
            chain_rows = m
            for r in range(m):
                v[r] = chains[r]
                _hidden(v[r], W, b, ph[r])
            for r in range(rows):                      # monitoring only: one reconstruction
                x = X[order[start + r]]
                for j in range(n_hidden):
                    h[j] = 1.0 if U_h[t, 0, r, j] < ph_data[r, j] else 0.0
                _visible(h, WT, a, pv)
                for i in range(n_visible):
                    recon += (x[i] - pv[i]) ** 2
        else:
            chain_rows = rows
            for r in range(rows):
                v[r] = X[order[start + r]]
                ph[r] = ph_data[r]
        for step in range(k):                          # negative phase: k Gibbs steps
            for r in range(chain_rows):
                for j in range(n_hidden):
                    h[j] = 1.0 if U_h[t, step, r, j] < ph[r, j] else 0.0
                _visible(h, WT, a, pv)
                for i in range(n_visible):
                    if step == 0 and not persistent:
                        recon += (v[r, i] - pv[i]) ** 2    # v[r] still holds the data here
                    if sample_visible:
                        v[r, i] = 1.0 if U_v[t, step, r, i] < pv[i] else 0.0
                    else:
                        v[r, i] = pv[i]
                _hidden(v[r], W, b, ph[r])
        # (RBM4): dW = <v h>_model - <v h>_data, from the rows' sums as in the NumPy form
        pos[:] = 0.0
        neg[:] = 0.0
        sum_data[:] = 0.0
        sum_model[:] = 0.0
        for r in range(rows):
            x = X[order[start + r]]
            for i in range(n_visible):
                xi = x[i]
                sum_data[i] += xi
                if xi != 0.0:
                    for j in range(n_hidden):
                        pos[i, j] += xi * ph_data[r, j]
        for r in range(chain_rows):
            for i in range(n_visible):
                vi = v[r, i]
                sum_model[i] += vi
                if vi != 0.0:
                    for j in range(n_hidden):
                        neg[i, j] += vi * ph[r, j]
        for j in range(n_hidden):
            mean_data = 0.0
            mean_model = 0.0
            for r in range(rows):
                mean_data += ph_data[r, j]
            for r in range(chain_rows):
                mean_model += ph[r, j]
            mean_data /= rows
            mean_model /= chain_rows
            penalty[j] = 0.0
            if sparsity_cost > 0.0:                   # pulls the running mean q_j to the target
                q[j] = sparsity_decay * q[j] + (1.0 - sparsity_decay) * mean_data
                penalty[j] = sparsity_cost * (q[j] - sparsity_target)
            vb[j] = momentum * vb[j] + eta * (mean_model - mean_data + penalty[j])
            b[j] -= vb[j]
        for i in range(n_visible):
            mean_v = sum_data[i] / rows
            va[i] = momentum * va[i] + eta * (sum_model[i] / chain_rows - mean_v)
            a[i] -= va[i]
            for j in range(n_hidden):
                dW = neg[i, j] / chain_rows - pos[i, j] / rows
                dW = dW + mean_v * penalty[j] + weight_decay * W[i, j]
                vW[i, j] = momentum * vW[i, j] + eta * dW
                W[i, j] -= vW[i, j]
        if persistent:
            for r in range(m):
                chains[r] = v[r]
    return recon

