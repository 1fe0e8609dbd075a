"""One epoch of mini-batch training with momentum, Nesterov momentum or Adam, compiled by
Numba.

Book: 05_optimizers (the package behind the chapter: the fused loop of every rule).

The loop form of :mod:`dlcourse.kernels.mlp` with the SGD update replaced by the rules of
:mod:`dlcourse.optim` (same equations, same order of operations, so both forms round alike).
In the NumPy form an adaptive rule costs a dozen passes over every weight array per step
(each expression of (A1)-(A4) is one pass and one temporary); here the gradient of a weight
is used the moment it is known, updating the weight and its state in one pass and
allocating nothing. At batch size 1 that pass is most of the work.

The optimizer state (velocity, or the two moments of Adam) belongs to the optimizer object:
the estimator hands its arrays in and they are updated in place.

Measured (benchmarks/bench_optim.py, 784-100-10, 1 thread, CPU time, a busy 2-core machine):
Adam at batch 1 takes 128 us/sample in float32 and 211 in float64, 5x faster than the NumPy
form and 6.6-7.5x faster than torch.optim.Adam; at batch 10 and 100 it is 3.1-3.8x and
1.9x faster than PyTorch. Adam's update (a square root and two divisions per weight) costs
more than the forward and backward passes together at batch 1, in any form.
"""

import math

import numpy as np

from .._numba import njit
from .mlp import _activate, _derivative, _gather_rows, _output, _sample_loss, _times_derivative

__all__ = ["RULES", "mlp_optim_epoch"]

#: update rule -> code for the compiled kernel
RULES = {"momentum": 0, "nesterov": 1, "adam": 2}


@njit(error_model="numpy")       # no zero-division check, so the divisions vectorise
def _update(W, M, V, p, G, r, hp):
    """Row p of the weights W updated in place from the gradient row G[r], with the state
    rows M[p], V[p]. (Rows are indexed here rather than passed as views: building a view per
    row costs as much as the row's arithmetic.)

    ``hp`` holds the hyper-parameters in the weights' dtype; c1 = 1 - beta1 and c2 = 1 - beta2
    are rounded from float64 as the NumPy form's scalars are, and Adam's bias corrections
    enter as step = eta / (1 - beta1^t) and root_d2 = sqrt(1 - beta2^t) (eta and 1 when
    switched off), as in :class:`dlcourse.optim.Adam`.
    """
    rule, eta, alpha, mu, beta1, c1, beta2, c2, eps, step, root_d2 = hp
    if rule == 0:                                      # (M1)-(M2)
        for q in range(W.shape[1]):
            M[p, q] = mu * M[p, q] - eta * G[r, q]
            W[p, q] += M[p, q]
    elif rule == 1:                                    # (N1)-(N2)
        for q in range(W.shape[1]):
            M[p, q] = mu * M[p, q] - eta * G[r, q]
            W[p, q] += mu * M[p, q] - eta * G[r, q]
    else:                                              # (A1)-(A4)
        for q in range(W.shape[1]):
            g = G[r, q]
            M[p, q] = beta1 * M[p, q] + c1 * g
            V[p, q] = beta2 * V[p, q] + c2 * g * g
            W[p, q] -= step * (M[p, q] / (math.sqrt(V[p, q]) / root_d2 + eps))


@njit
def _row(x):
    """A vector as a matrix of one row, so that biases go through :func:`_update` too."""
    return x.reshape((1, x.shape[0]))


@njit
def _forward_one(X, i, W, b, A, Y, hidden_code, output_code):
    """Forward pass of sample i into the work vectors A, Y (as in kernels.mlp)."""
    L = len(W)
    Y[0][:] = X[i]
    for l in range(L):                                 # A^l = Y^{l-1} W^l + b^l
        Wl, al, yin = W[l], A[l], Y[l]
        al[:] = b[l]
        for p in range(Wl.shape[0]):
            u = yin[p]
            if u != 0.0:                               # skip silent inputs (ReLU, sparse x)
                for q in range(Wl.shape[1]):
                    al[q] += u * Wl[p, q]
        if l < L - 1:
            _activate(Y[l + 1], al, hidden_code)
    _output(Y[L], A[L - 1], output_code)


@njit
def _online_step(X, T, i, W, b, MW, Mb, VW, Vb, A, Y, D, g, hp, hidden_code, output_code):
    """Batch size 1: forward, BP1, then BP2 and the rule's update layer by layer."""
    alpha = hp[2]
    L = len(W)
    _forward_one(X, i, W, b, A, Y, hidden_code, output_code)
    aL, yL, dL = A[L - 1], Y[L], D[L - 1]
    loss = _sample_loss(aL, yL, T, i, output_code)
    for q in range(aL.shape[0]):                       # BP1 for every supported pair
        dL[q] = yL[q] - T[i, q]
    for l in range(L - 1, -1, -1):
        Wl, dl, yin = W[l], D[l], Y[l]
        if l > 0:                                      # BP2 reads W^l before it changes
            below = D[l - 1]
            for p in range(Wl.shape[0]):
                s = 0.0
                for q in range(Wl.shape[1]):
                    s += Wl[p, q] * dl[q]
                below[p] = s * _derivative(Y[l], A[l - 1], hidden_code, p)
        Ml, Vl = MW[l], VW[l]
        for p in range(Wl.shape[0]):                   # BP4, then the rule, row by row
            u = yin[p]
            for q in range(Wl.shape[1]):
                g[0, q] = u * dl[q] + alpha * Wl[p, q]
            _update(Wl, Ml, Vl, p, g, 0, hp)
        _update(_row(b[l]), _row(Mb[l]), _row(Vb[l]), 0, _row(dl), 0, hp)         # BP3
    return loss


@njit
def _batch_step(X, T, idx, W, b, MW, Mb, VW, Vb, A, Y, D, G, gb, hp, hidden_code,
                output_code):
    """A mini-batch: the four equations as matrix products (BLAS) into work arrays, then the
    rule's update."""
    alpha = hp[2]
    L = len(W)
    m = idx.shape[0]
    Y0 = Y[0][:m]
    _gather_rows(X, idx, Y0)
    for l in range(L):
        a, y = A[l][:m], Y[l + 1][:m]
        np.dot(Y[l][:m], W[l], a)
        for r in range(m):
            a[r] += b[l]
            if l < L - 1:
                _activate(y[r], a[r], hidden_code)
            else:
                _output(y[r], a[r], output_code)
    loss = 0.0
    delta = D[L - 1][:m]
    for r in range(m):
        loss += _sample_loss(A[L - 1][r], Y[L][r], T, idx[r], output_code)
        for q in range(delta.shape[1]):                # BP1 of the mean loss
            delta[r, q] = (Y[L][r, q] - T[idx[r], q]) / m
    for l in range(L - 1, -1, -1):
        delta = D[l][:m]
        Wl, bl, dW = W[l], b[l], G[l]
        np.dot(Y[l][:m].T, delta, dW)                  # BP4
        if l > 0:                                      # BP2, before W^l changes
            below = D[l - 1][:m]
            np.dot(delta, Wl.T, below)
            _times_derivative(below, Y[l], A[l - 1], hidden_code)
        Ml, Vl = MW[l], VW[l]
        for p in range(Wl.shape[0]):
            for q in range(Wl.shape[1]):
                dW[p, q] = dW[p, q] + alpha * Wl[p, q]
            _update(Wl, Ml, Vl, p, dW, p, hp)
        for q in range(bl.shape[0]):                   # BP3
            s = 0.0
            for r in range(m):
                s += delta[r, q]
            gb[0, q] = s
        _update(_row(bl), _row(Mb[l]), _row(Vb[l]), 0, gb, 0, hp)
    return loss


@njit
def _as(value, like):
    """``value`` rounded to the dtype of the array ``like``."""
    out = np.empty(1, dtype=like.dtype)
    out[0] = value
    return out[0]


@njit
def mlp_optim_epoch(X, T, W, b, MW, Mb, VW, Vb, A, Y, D, order, batch_size, hidden_code,
                    output_code, rule, eta, alpha, mu, beta1, beta2, eps, bias_correction, t0):
    """One epoch of mini-batch training on the mean loss; W, b and the state are updated in
    place.

    Parameters
    ----------
    X, T, W, b, A, Y, D, order, batch_size, hidden_code, output_code
        As in :func:`dlcourse.kernels.mlp.mlp_sgd_epoch`.
    MW, Mb : tuples of arrays shaped like W and b
        Velocity v (momentum, Nesterov) or first moment m (Adam), per layer.
    VW, Vb : tuples of arrays shaped like W and b
        Adam's second moment v (ignored by the momentum rules; pass MW, Mb).
    rule : int
        :data:`RULES` code.
    eta, alpha, mu, beta1, beta2, eps : float
        Learning rate, L2 penalty, momentum, Adam's decay rates and eps, as Python floats
        (rounded here to X's dtype, as NumPy rounds Python scalars).
    bias_correction : bool
    t0 : int
        Steps made before this epoch (Adam's bias correction uses t = t0 + 1, t0 + 2, ...).

    Returns
    -------
    float
        Mean data loss over the epoch, each mini-batch measured before its update.
    """
    n = X.shape[0]
    L = len(W)
    rows = min(batch_size, n) if batch_size > 1 else 0  # work arrays of _batch_step
    A2 = [np.empty((rows, W[l].shape[1]), dtype=X.dtype) for l in range(L)]
    D2 = [np.empty((rows, W[l].shape[1]), dtype=X.dtype) for l in range(L)]
    Y2 = [np.empty((rows, W[l].shape[0]), dtype=X.dtype) for l in range(L)]
    Y2.append(np.empty((rows, W[L - 1].shape[1]), dtype=X.dtype))
    GW = [np.empty_like(W[l]) for l in range(L) if batch_size > 1]
    widest = 1
    for l in range(L):
        widest = max(widest, W[l].shape[1])
    g = np.empty((1, widest), dtype=X.dtype)           # one row of a gradient
    total = 0.0
    t = t0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        t += 1
        step, root_d2 = eta, 1.0
        if rule == 2 and bias_correction:              # in float64, as the NumPy form
            step = eta / (1.0 - math.pow(beta1, t))
            root_d2 = math.sqrt(1.0 - math.pow(beta2, t))
        hp = (rule, _as(eta, X), _as(alpha, X), _as(mu, X), _as(beta1, X), _as(1.0 - beta1, X),
              _as(beta2, X), _as(1.0 - beta2, X), _as(eps, X), _as(step, X), _as(root_d2, X))
        if stop - start == 1:
            total += _online_step(X, T, order[start], W, b, MW, Mb, VW, Vb, A, Y, D, g, hp,
                                  hidden_code, output_code)
        else:
            total += _batch_step(X, T, order[start:stop], W, b, MW, Mb, VW, Vb, A2, Y2, D2,
                                 GW, g, hp, hidden_code, output_code)
    return total / n
