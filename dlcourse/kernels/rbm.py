"""One epoch of CD-k / PCD-k training of an RBM, compiled by Numba.

Book: 10_rbm, section "At full size" of "An RBM on the digits" (benchmark: benchmarks/bench_rbm.py).

The epoch that :class:`dlcourse.models.rbm.BernoulliRBM` runs with NumPy, for each mini-batch:
the positive phase P(h | v0), k Gibbs steps, the gradient (RBM4), the sparsity and
weight-decay terms and the momentum update, with no temporary arrays and no call back into
Python. At batch sizes around 10, NumPy's per-call overhead and its passes over temporaries
set the speed, and this form wins; at 100 the matrix products dominate and the NumPy form is
as fast (measured in ``benchmarks/bench_rbm.py``).

Where the time goes, measured on 784 x 256 in float64 at batch 10 (one core; W is 1.6 MB):

* matrix products of 10 or 20 rows with W go to BLAS (``np.dot`` compiles to a BLAS call),
  except where few binary states are on (MNIST has 13% of its pixels on): adding the rows of W
  that the on-states pick is then faster (``_hidden_inputs``);
* for PCD the positive phase and the chains' P(h | v) are one product of 20 rows, not two of
  10 (BLAS runs at 39 GFLOP/s on 20 rows, 26 on 10);
* the gradient's rows come from tables of subset sums ("four Russians", ``_subset_sums``):
  at 50% of states on, 4 table rows per row of W instead of 10 rows of P(h | v);
* the update streams W (and its velocity, unless the momentum is 0) once.

The chains are kept as hidden states, as in Tieleman's PCD and scikit-learn: a step starts from
h, and no P(h | chains) is recomputed.

The uniforms come in as arrays and a unit is on when ``u < p``, exactly as in
:func:`dlcourse.core.rbm.sample_bernoulli`, so both forms visit the same states; the sums are
taken in another order than the NumPy form's, so the weights agree to rounding (1e-12 in
float64)."""

import numpy as np

from .._numba import njit
# the logistic as two cases of exp(-|x|), with the values of dlcourse.core.rbm.logistic
from .mlp import _sigmoid as _logistic

__all__ = ["rbm_epoch"]


@njit
def _axpy(alpha, x, y):
    """y += alpha * x, along contiguous rows: the compiler vectorises it as written."""
    for j in range(y.shape[0]):
        y[j] += alpha * x[j]


# (RBM4) with binary states, by the "method of four Russians": row i of the gradient is the sum
# of the rows r of P (scaled rows of P(h | v)) whose state z_r in column i is 1. Split the rows
# into groups of GROUP; each group has 2**GROUP possible sums, computed once per mini-batch (one
# vector add each). A row of the gradient then adds one stored sum per group instead of one
# row per state that is on: at batch 10 (20 rows: data and chains), 4 sums instead of ~10
# rows at 50% density.
GROUP = 5
GROUP_SUMS = 1 << GROUP


@njit
def _subset_sums(P, T):
    """T[g, s] = sum of the rows GROUP * g + l of P over the bits l set in s."""
    for g in range(T.shape[0]):
        T[g, 0] = 0.0
        for l in range(GROUP):                         # the sums with bit l: those below, plus
            r = GROUP * g + l                          # row l (if the group has one)
            for s in range(1 << l):
                if r < P.shape[0]:
                    for j in range(P.shape[1]):
                        T[g, (1 << l) + s, j] = T[g, s, j] + P[r, j]
                else:
                    T[g, (1 << l) + s] = T[g, s]


@njit
def _sum4(t0, t1, t2, t3, out, add):
    """out = t0 + t1 + t2 + t3, or out += it with ``add``."""
    if add:
        for j in range(out.shape[0]):
            out[j] += (t0[j] + t1[j]) + (t2[j] + t3[j])
    else:
        for j in range(out.shape[0]):
            out[j] = (t0[j] + t1[j]) + (t2[j] + t3[j])


@njit
def _group_keys(S, keys):
    """keys[g, i] = sum over l of S[GROUP * g + l, i] * 2**l: which of T[g] column i picks.

    Returns False (keys unusable) unless every state in S is 0 or 1.
    """
    keys[:] = 0
    for r in range(S.shape[0]):
        bit = float(1 << (r % GROUP))
        g = r // GROUP
        for i in range(S.shape[1]):
            if S[r, i] != 0.0 and S[r, i] != 1.0:
                return False
            keys[g, i] += bit * S[r, i]
    return True


@njit
def _gradient_row(i, keys, T, picked, out):
    """out = row i of the gradient: the sum of the tables T[g, keys[g, i]] that are not zero.

    picked : (n_groups + 3,) work space.
    """
    n_picked = 0
    for g in range(T.shape[0]):
        if keys[g, i] != 0.0:
            picked[n_picked] = g * GROUP_SUMS + int(keys[g, i])
            n_picked += 1
    if n_picked == 0:
        out[:] = 0.0
    for q in range(n_picked, n_picked + 3):
        picked[q] = 0                                  # T[0, 0]: zero
    for q in range(0, n_picked, 4):                    # four tables per pass over out
        _sum4(_table(T, picked[q]), _table(T, picked[q + 1]), _table(T, picked[q + 2]),
              _table(T, picked[q + 3]), out, q > 0)


@njit
def _table(T, key):
    return T[key // GROUP_SUMS, key % GROUP_SUMS]


@njit
def _update_row(w, vw, grad, mean_v, penalty, eta, momentum, weight_decay, velocity):
    """Momentum step of one row of W, gradient ``grad`` (RBM4) plus the sparsity and
    weight-decay terms.

    Without ``velocity`` (allowed when momentum is 0: the velocity is then eta dW, whatever it
    was) the row of velocities is neither read nor written: the update streams W alone, half
    the memory traffic (W and vW are 1.6 MB each at 784 x 256 in float64).
    """
    if velocity:
        for j in range(w.shape[0]):
            dW = grad[j] + mean_v * penalty[j] + weight_decay * w[j]
            vw[j] = momentum * vw[j] + eta * dW
            w[j] -= vw[j]
    else:
        for j in range(w.shape[0]):
            w[j] -= eta * (grad[j] + mean_v * penalty[j] + weight_decay * w[j])


#: Above this fraction of states on, V W is a matrix product (BLAS); below it, a sum of rows
DENSE = 0.25


@njit
def _hidden_inputs(V, W, out):
    """out[r] = V[r] W for every row r (V and out C-contiguous).

    Binary data with few states on (MNIST has 13% of its pixels on) skip the zeros: each row
    of W is read once and added where a state is on. Dense states (or probabilities) go to
    BLAS, which multiplies by the zeros but runs at several times the speed of the adds.
    """
    if np.count_nonzero(V) > DENSE * V.size:
        np.dot(V, W, out)
        return
    out[:] = 0.0
    for i in range(W.shape[0]):
        for r in range(V.shape[0]):
            if V[r, i] != 0.0:
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
def _hidden_probabilities(V, W, b, out):
    """out = P(h | v) for every row of V (RBM3)."""
    _hidden_inputs(V, W, out)
    _squash(out, b)


@njit
def _visible_step(h, W, a, U_v, sample_visible, v, pv, v_data, monitor):
    """Half a Gibbs step: v ~ P(v | h) for every row of h.

    h : (m, n_hidden) hidden states; U_v : (m, n_visible) uniforms; v : (m, n_visible) the new
    visible states (out); pv : (m, n_visible) work space. With ``monitor``, returns the summed
    squared reconstruction error ||v_data - P(v | h)||^2 (v_data: the rows the chains started
    from), else 0.
    """
    np.dot(h, W.T, pv)                                 # the visible units' inputs W h
    recon = 0.0
    for r in range(h.shape[0]):
        for i in range(W.shape[0]):
            p = _logistic(pv[r, i] + a[i])             # P(v_i = 1 | h_r)        (RBM3)
            if monitor:
                recon += (v_data[r, i] - p) ** 2
            v[r, i] = _visible_state(p, U_v[r, i], sample_visible)
    return recon


@njit
def _reconstruction_error(h, W, a, v_data, pv):
    """sum over rows and units of (v_data - P(v | h))^2; pv : (m, n_visible) work space."""
    np.dot(h, W.T, pv)
    recon = 0.0
    for r in range(h.shape[0]):
        for i in range(W.shape[0]):
            recon += (v_data[r, i] - _logistic(pv[r, i] + a[i])) ** 2
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
    # rows 0..n-1 of S and PH: the mini-batch's data; rows n..n+m-1: the chains
    S = np.zeros((2 * m, n_visible), W.dtype)          # visible states
    PH = np.zeros((2 * m, n_hidden), W.dtype)          # P(h | v) of each row of S
    h = np.zeros((m, n_hidden), W.dtype)               # the chains' hidden states
    h0 = np.zeros((m, n_hidden), W.dtype)
    pv = np.zeros((m, n_visible), W.dtype)
    P_scaled = np.zeros((2 * m, n_hidden), W.dtype)
    T = np.zeros(((2 * m + GROUP - 1) // GROUP, GROUP_SUMS, n_hidden), W.dtype)
    keys = np.zeros((T.shape[0], n_visible), W.dtype)
    picked = np.zeros(T.shape[0] + 3, np.int64)
    grad = np.zeros(n_hidden, W.dtype)
    penalty = np.zeros(n_hidden, W.dtype)
    recon = 0.0
    n_batches = (n + batch - 1) // batch
    for t in range(n_batches):
        start = t * batch
        rows = min(batch, n - start)
        chain_rows = m if persistent else rows
        R = rows + chain_rows
        data, v, ph_data, ph = S[:rows], S[rows:R], PH[:rows], PH[rows:R]
        for r in range(rows):
            data[r] = X[order[start + r]]
        if persistent:
            h[:] = chains
        else:                                          # positive phase, then h ~ P(h | v0)
            _hidden_probabilities(data, W, b, ph_data)
            _sample(ph_data, U_h[t, 0, :rows], h[:rows])
        hc = h[:chain_rows]
        for step in range(k):                          # negative phase: k Gibbs steps
            if step > 0 and not persistent:
                _sample(ph, U_h[t, step, :chain_rows], hc)
            recon += _visible_step(hc, W, a, U_v[t, step, :chain_rows], sample_visible, v,
                                   pv[:chain_rows], data,
                                   monitor and step == 0 and not persistent)
            if persistent and step == 0:               # PCD: the positive phase joins the
                _hidden_probabilities(S[:R], W, b, PH[:R])  # chains' first step (one product)
            else:
                _hidden_probabilities(v, W, b, ph)
            if persistent:                             # the chains move on: h ~ P(h | v)
                _sample(ph, U_h[t, step], hc)
        if persistent and monitor:                     # watching only: P(v | h0), h0 ~ P(h | v0)
            _sample(ph_data, U_h[t, 0, :rows], h0[:rows])
            recon += _reconstruction_error(h0[:rows], W, a, data, pv[:rows])
        for j in range(n_hidden):                      # hidden biases and the sparsity term
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
        # (RBM4) <v h>_model / m - <v h>_data / n: row i is a sum of the rows of PH scaled once
        # per mini-batch (-1/n for the data, 1/m for the chains; not a division per weight),
        # picked by the states in column i of S
        for r in range(rows):
            for j in range(n_hidden):
                P_scaled[r, j] = -ph_data[r, j] / rows
        for r in range(chain_rows):
            for j in range(n_hidden):
                P_scaled[rows + r, j] = ph[r, j] / chain_rows
        _subset_sums(P_scaled[:R], T)
        binary = _group_keys(S[:R], keys)
        # with no momentum the velocities are needed after the last mini-batch only
        velocity = momentum != 0.0 or t == n_batches - 1
        for i in range(n_visible):
            sum_data = 0.0
            sum_model = 0.0
            for r in range(rows):
                sum_data += data[r, i]
            for r in range(chain_rows):
                sum_model += v[r, i]
            mean_v = sum_data / rows
            va[i] = momentum * va[i] + eta * (sum_model / chain_rows - mean_v)
            a[i] -= va[i]
            if binary:                                 # row i of (RBM4)
                _gradient_row(i, keys, T, picked, grad)
            else:                                      # probabilities: add the rows
                grad[:] = 0.0
                for r in range(R):
                    if S[r, i] != 0.0:
                        _axpy(S[r, i], P_scaled[r], grad)
            _update_row(W[i], vW[i], grad, mean_v, penalty, eta, momentum, weight_decay,
                        velocity)
        if persistent:
            chains[:] = h
    return recon
