"""One epoch of CD-k / PCD-k training of an RBM as fused loops, compiled by Numba.

Book: 10_rbm, section "At full size" of "An RBM on the digits" (benchmark: benchmarks/bench_rbm.py).

The loop form of the epoch that :class:`dlcourse.models.rbm.BernoulliRBM` runs with NumPy:
for each mini-batch, the positive phase P(h | v0), k Gibbs steps, the gradient (RBM4), the
sparsity and weight-decay terms and the momentum update, all in place with no temporary
arrays. At batch sizes around 10 NumPy's per-call overhead, not arithmetic, sets the speed,
and this form wins; at 100 and above BLAS wins (measured in ``benchmarks/bench_rbm.py``).

What makes it fast is the order of the loops, not the arithmetic. W (784 x 256 in float64
is 1.6 MB) does not fit in a core's cache, so every pass over it costs a trip to memory; each
loop here walks W one visible unit (one row of W) at a time and does for that row everything
the mini-batch needs from it, for all its rows at once:

* a Gibbs step: P(v_i | h) of every chain (a dot product with the row), the chain's new v_i,
  and v_i's share of P(h | v) (the row added where v_i is on; binary states skip the zeros);
* the gradient and the update: row i of <v h>_model - <v h>_data, then of W, in place.

So a PCD-1 mini-batch reads W three times (positive phase, Gibbs step, update), where the
matrix-product form reads it once per product. The chains are kept as hidden states, as in
Tieleman's PCD and scikit-learn: a step starts from h, and no P(h | chains) is recomputed.

The uniforms come in as arrays and a unit is on when ``u < p``, exactly as in
:func:`dlcourse.core.rbm.sample_bernoulli`, so both forms visit the same states; the sums are
taken in another order than BLAS's, so the weights agree to rounding (1e-12 in float64).
"""

import math

import numpy as np

from .._numba import njit
# sums whose order the compiler may change: _dot, and _dot4 below (the reason is at _dot)
from .perceptron import _dot

__all__ = ["rbm_epoch"]


@njit
def _logistic(x):
    # the same two branches as dlcourse.core.rbm.logistic, so the values match
    e = math.exp(-abs(x))
    if x >= 0:
        return 1.0 / (1.0 + e)
    return e / (1.0 + e)


@njit
def _axpy(alpha, x, y):
    """y += alpha * x, along contiguous rows: the compiler vectorises it as written."""
    for j in range(y.shape[0]):
        y[j] += alpha * x[j]


# Four dot products that share their second vector, summed in any order (the reason is
# the one given for _dot in dlcourse.kernels.perceptron): x is loaded once for four rows.
@njit(fastmath={"reassoc"})
def _dot4(w0, w1, w2, w3, x):
    """(w0 . x, w1 . x, w2 . x, w3 . x) for vectors of the same length."""
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    for j in range(x.shape[0]):
        xj = x[j]
        s0 += w0[j] * xj
        s1 += w1[j] * xj
        s2 += w2[j] * xj
        s3 += w3[j] * xj
    return s0, s1, s2, s3


@njit
def _hidden_inputs(V, W, out):
    """out[r] = V[r] W for every row r: each row of W is read once for all rows of V."""
    out[:] = 0.0
    for i in range(W.shape[0]):
        for r in range(V.shape[0]):
            if V[r, i] != 0.0:                         # binary data: most terms are zero
                _axpy(V[r, i], W[i], out[r])


@njit
def _squash(inputs, bias):
    """inputs <- sigmoid(inputs + bias), row by row: P(h | v) from the summed inputs."""
    for r in range(inputs.shape[0]):
        for j in range(inputs.shape[1]):
            inputs[r, j] = _logistic(inputs[r, j] + bias[j])


@njit
def _sample(p, U, out):
    """out = 1 where U < p, else 0 (as dlcourse.core.rbm.sample_bernoulli)."""
    for r in range(p.shape[0]):
        for j in range(p.shape[1]):
            out[r, j] = 1.0 if U[r, j] < p[r, j] else 0.0


@njit
def _visible_state(p, u, sample_visible):
    """A visible unit's new value: 1 where u < p (sampled), else its probability p."""
    if sample_visible:
        return 1.0 if u < p else 0.0
    return p


@njit
def _gibbs_step(h, W, a, b, U_v, sample_visible, v, ph, v_data, monitor):
    """One block Gibbs step v ~ P(v | h), then P(h | v), in one pass over the rows of W.

    h : (m, n_hidden) hidden states; v : (m, n_visible) the new visible states (out);
    ph : (m, n_hidden) P(h | v) (out); U_v : (m, n_visible) uniforms. With ``monitor``,
    returns the summed squared reconstruction error ||v_data - P(v | h)||^2 (v_data has
    the m rows the chains started from).

    Four visible units (rows of W) at a time: for each chain, their four inputs come from one
    pass over h[r] (h[r] is loaded once for four rows, and four sums run side by side: the
    epoch on 784 x 256 with 10 chains took 1.23x less time than with one dot at a time).
    """
    recon = 0.0
    ph[:] = 0.0
    n = W.shape[0]
    i = 0
    while i + 4 <= n:
        w0, w1, w2, w3 = W[i], W[i + 1], W[i + 2], W[i + 3]
        for r in range(h.shape[0]):
            s0, s1, s2, s3 = _dot4(w0, w1, w2, w3, h[r])
            p0 = _logistic(s0 + a[i])                  # P(v_i = 1 | h_r)        (RBM3)
            p1 = _logistic(s1 + a[i + 1])
            p2 = _logistic(s2 + a[i + 2])
            p3 = _logistic(s3 + a[i + 3])
            if monitor:
                recon += ((v_data[r, i] - p0) ** 2 + (v_data[r, i + 1] - p1) ** 2
                          + (v_data[r, i + 2] - p2) ** 2 + (v_data[r, i + 3] - p3) ** 2)
            c0 = _visible_state(p0, U_v[r, i], sample_visible)
            c1 = _visible_state(p1, U_v[r, i + 1], sample_visible)
            c2 = _visible_state(p2, U_v[r, i + 2], sample_visible)
            c3 = _visible_state(p3, U_v[r, i + 3], sample_visible)
            v[r, i], v[r, i + 1], v[r, i + 2], v[r, i + 3] = c0, c1, c2, c3
            y = ph[r]                                  # their share of P(h | v)
            if c0 != 0.0:
                _axpy(c0, w0, y)
            if c1 != 0.0:
                _axpy(c1, w1, y)
            if c2 != 0.0:
                _axpy(c2, w2, y)
            if c3 != 0.0:
                _axpy(c3, w3, y)
        i += 4
    while i < n:                                       # the last rows, one at a time
        for r in range(h.shape[0]):
            p = _logistic(_dot(W[i], h[r]) + a[i])
            if monitor:
                recon += (v_data[r, i] - p) ** 2
            v[r, i] = _visible_state(p, U_v[r, i], sample_visible)
            if v[r, i] != 0.0:
                _axpy(v[r, i], W[i], ph[r])
        i += 1
    _squash(ph, b)
    return recon


@njit
def _reconstruction_error(h, W, a, v_data):
    """sum over rows and units of (v_data - P(v | h))^2, one pass over the rows of W."""
    recon = 0.0
    for i in range(W.shape[0]):
        for r in range(h.shape[0]):
            recon += (v_data[r, i] - _logistic(_dot(W[i], h[r]) + a[i])) ** 2
    return recon


@njit
def rbm_epoch(X, order, batch, W, a, b, vW, va, vb, q, chains, U_h, U_v, eta, momentum,
              weight_decay, persistent, sample_visible, sparsity_target, sparsity_cost,
              sparsity_decay, monitor):
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
    chains : ndarray of shape (m, n_hidden)
        Persistent chains' hidden states (PCD; m = batch), updated; unused for CD.
    U_h : ndarray of shape (n_batches, k, m, n_hidden)
    U_v : ndarray of shape (n_batches, k, m, n_visible)
        Uniforms for the hidden and visible samples of each mini-batch and step.
    eta, momentum, weight_decay : float
    persistent, sample_visible : bool
    sparsity_target, sparsity_cost, sparsity_decay : float
    monitor : bool
        Sum the reconstruction error (free for CD; one more pass over W for PCD).

    Returns
    -------
    float
        With ``monitor``, the sum over the epoch's samples of the squared reconstruction error
        ||v0 - P(v | h0)||^2, h0 sampled from P(h | v0) with the first step's uniforms; else 0.
    """
    n_visible, n_hidden = W.shape
    k, m = U_h.shape[1], U_h.shape[2]
    n = order.shape[0]
    v_data = np.zeros((m, n_visible), W.dtype)
    ph_data = np.zeros((m, n_hidden), W.dtype)
    h = np.zeros((m, n_hidden), W.dtype)
    v = np.zeros((m, n_visible), W.dtype)
    ph = np.zeros((m, n_hidden), W.dtype)
    h0 = np.zeros((m, n_hidden), W.dtype)
    ph_data_scaled = np.zeros((m, n_hidden), W.dtype)
    ph_model_scaled = np.zeros((m, n_hidden), W.dtype)
    grad = np.zeros(n_hidden, W.dtype)
    penalty = np.zeros(n_hidden, W.dtype)
    recon = 0.0
    for t in range((n + batch - 1) // batch):
        start = t * batch
        rows = min(batch, n - start)
        data = v_data[:rows]
        for r in range(rows):
            data[r] = X[order[start + r]]
        _hidden_inputs(data, W, ph_data[:rows])        # positive phase: P(h | v0)
        _squash(ph_data[:rows], b)
        if persistent:
            chain_rows = m
            h[:] = chains
            if monitor:                                # watching only: P(v | h0), h0 ~ P(h | v0)
                _sample(ph_data[:rows], U_h[t, 0, :rows], h0[:rows])
                recon += _reconstruction_error(h0[:rows], W, a, data)
        else:
            chain_rows = rows
            _sample(ph_data[:rows], U_h[t, 0, :rows], h[:rows])
        hc, vc, phc = h[:chain_rows], v[:chain_rows], ph[:chain_rows]
        for step in range(k):                          # negative phase: k Gibbs steps
            if step > 0 and not persistent:
                _sample(phc, U_h[t, step, :chain_rows], hc)
            recon += _gibbs_step(hc, W, a, b, U_v[t, step, :chain_rows], sample_visible, vc,
                                 phc, data, monitor and step == 0 and not persistent)
            if persistent:                             # the chains move on: h ~ P(h | v)
                _sample(phc, U_h[t, step], hc)
        # (RBM4) and the update, one row of W at a time
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
        # <v h>_model / m - <v h>_data / n, row by row, as sums of the rows of P(h | v) scaled
        # once per mini-batch (not a division per weight: they cost as much as the sums)
        for r in range(chain_rows):
            for j in range(n_hidden):
                ph_model_scaled[r, j] = ph[r, j] / chain_rows
        for r in range(rows):
            for j in range(n_hidden):
                ph_data_scaled[r, j] = -ph_data[r, j] / rows
        for i in range(n_visible):
            grad[:] = 0.0                              # row i of (RBM4)
            sum_data = 0.0
            sum_model = 0.0
            for r in range(rows):
                xi = data[r, i]
                sum_data += xi
                if xi != 0.0:
                    _axpy(xi, ph_data_scaled[r], grad)
            for r in range(chain_rows):
                vi = v[r, i]
                sum_model += vi
                if vi != 0.0:
                    _axpy(vi, ph_model_scaled[r], grad)
            mean_v = sum_data / rows
            va[i] = momentum * va[i] + eta * (sum_model / chain_rows - mean_v)
            a[i] -= va[i]
            for j in range(n_hidden):
                dW = grad[j] + mean_v * penalty[j] + weight_decay * W[i, j]
                vW[i, j] = momentum * vW[i, j] + eta * dW
                W[i, j] -= vW[i, j]
        if persistent:
            chains[:] = h
    return recon
