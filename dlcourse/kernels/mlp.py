"""One epoch of mini-batch SGD for a multilayer network, compiled by Numba.

Book: 04_backprop, section "Fast small-batch training: two implementations, one result".

The NumPy form (:mod:`dlcourse.core.backprop`) makes a dozen array operations per layer and
per mini-batch from Python; at small batch sizes their fixed cost, not arithmetic, sets the
speed. Compiled, the same steps cost almost nothing to start:

* batch size 1: one pass forward and one backward per sample, no temporary arrays, and the
  weight update fused into the backward pass (BP2 reads W^l before BP4 changes it in place).
  Inner loops run along rows of W as axpy updates, y += alpha * x, which the compiler
  vectorises without reordering any sum.
* larger batches: the equations as matrix products (``np.dot``, BLAS) on the gathered batch,
  the NumPy form's steps without the Python in between, writing into work arrays made
  once per epoch rather than new arrays in every mini-batch.
"""

import math

import numpy as np

from .._numba import njit

__all__ = ["HIDDEN_CODES", "OUTPUT_CODES", "mlp_sgd_epoch"]

#: activation name -> code for the compiled kernel
HIDDEN_CODES = {"sigmoid": 0, "tanh": 1, "relu": 2, "linear": 3}
#: (output, loss) -> code: outputs whose BP1 is (Y - T) / n, and linear + squared error
OUTPUT_CODES = {("softmax", "cross_entropy"): 0, ("sigmoid", "cross_entropy"): 1,
                ("linear", "mse"): 2}


@njit
def _sigmoid(a):
    # 1 / (1 + e) for a >= 0, e / (1 + e) below, e = exp(-|a|): one division with a select,
    # not a branch on the sign, which a mini-batch's net inputs make a coin toss (a mispredicted
    # branch cost more than the exp: the epoch at batch 100 took 9% longer)
    e = math.exp(-abs(a))
    return (1.0 if a >= 0 else e) / (1.0 + e)


@njit
def _activate(y, a, code):
    """y = f(a) in place.

    tanh is libm's: the faster 2 sigmoid(2a) - 1 cancels digits near a = 0.
    """
    for j in range(a.shape[0]):
        if code == 0:
            y[j] = _sigmoid(a[j])
        elif code == 1:
            y[j] = math.tanh(a[j])
        elif code == 2:
            y[j] = a[j] if a[j] > 0 else 0.0
        else:
            y[j] = a[j]


@njit
def _derivative(y, a, code, j):
    """f'(a_j) from the output y_j (or a_j for ReLU)."""
    if code == 0:
        return y[j] * (1.0 - y[j])
    if code == 1:
        return 1.0 - y[j] * y[j]
    if code == 2:
        return 1.0 if a[j] > 0 else 0.0
    return 1.0


@njit
def _sample_loss(aL, yL, T, i, output_code):
    """Loss of one sample from the output layer's net inputs, as the NumPy form computes it."""
    loss = 0.0
    if output_code == 0:                               # softmax: log-sum-exp - a_c
        top = aL[0]
        for q in range(aL.shape[0]):
            top = max(top, aL[q])
        total = 0.0
        for q in range(aL.shape[0]):
            total += math.exp(aL[q] - top)
        for q in range(aL.shape[0]):
            loss += T[i, q] * (math.log(total) + top - aL[q])
    elif output_code == 1:                             # sigmoid: softplus(a) - t a
        for q in range(aL.shape[0]):
            loss += max(aL[q], 0.0) + math.log1p(math.exp(-abs(aL[q]))) - T[i, q] * aL[q]
    else:                                              # squared error
        for q in range(aL.shape[0]):
            loss += 0.5 * (yL[q] - T[i, q]) ** 2
    return loss


@njit
def _output(yL, aL, output_code):
    if output_code == 0:
        top = aL[0]
        for q in range(aL.shape[0]):
            top = max(top, aL[q])
        total = 0.0
        for q in range(aL.shape[0]):
            yL[q] = math.exp(aL[q] - top)
            total += yL[q]
        for q in range(aL.shape[0]):
            yL[q] /= total
    elif output_code == 1:
        _activate(yL, aL, 0)
    else:
        yL[:] = aL


@njit
def _online_step(X, T, i, W, b, A, Y, D, eta, alpha, hidden_code, output_code):
    """Batch size 1: forward, BP1, then BP2 and the in-place update layer by layer."""
    L = len(W)
    Y[0][:] = X[i]
    for l in range(L):                                 # A^l = Y^{l-1} W^l + b^l
        Wl, al, yin = W[l], A[l], Y[l]
        al[:] = b[l]
        for p in range(Wl.shape[0]):
            v = yin[p]
            if v != 0.0:                               # skip silent inputs (ReLU, sparse x)
                for q in range(Wl.shape[1]):
                    al[q] += v * Wl[p, q]
        if l < L - 1:
            _activate(Y[l + 1], al, hidden_code)
    aL, yL, dL = A[L - 1], Y[L], D[L - 1]
    _output(yL, aL, output_code)
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
        for p in range(Wl.shape[0]):                   # BP4 and the update, in place
            v = yin[p]
            for q in range(Wl.shape[1]):               # rounded as the NumPy form rounds
                Wl[p, q] -= eta * (v * dl[q] + alpha * Wl[p, q])
        for q in range(Wl.shape[1]):                   # BP3
            b[l][q] -= eta * dl[q]
    return loss


@njit
def _gather_rows(X, idx, out):
    """out[r] = X[idx[r]]: an element loop, which copied a mini-batch of 100 x 784 float32
    rows in 49 us against 72 us for the row assignment ``out[r] = X[idx[r]]``."""
    for r in range(idx.shape[0]):
        x, y = X[idx[r]], out[r]
        for p in range(x.shape[0]):
            y[p] = x[p]


@njit
def _times_derivative(delta, Y, A, hidden_code):
    """delta[r, p] *= f'(a_p) of row r (BP2's elementwise factor); Y, A: the layer's outputs
    and net inputs, at least as many rows as delta."""
    for r in range(delta.shape[0]):
        y, a, d = Y[r], A[r], delta[r]                 # one view per row, not per element
        for p in range(d.shape[0]):
            d[p] *= _derivative(y, a, hidden_code, p)


@njit
def _batch_step(X, T, idx, W, b, A, Y, D, G, eta, alpha, hidden_code, output_code):
    """A mini-batch: the four equations as matrix products (BLAS) on the gathered rows.

    Every product writes into the preallocated work arrays A, Y, D (max batch rows) and G
    (one weight-gradient matrix per layer): a fresh 784 x 100 array per mini-batch costs as
    much as the product itself at small batch sizes.
    """
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
        for p in range(Wl.shape[0]):                   # the update, rounded as NumPy's
            for q in range(Wl.shape[1]):
                Wl[p, q] -= eta * (dW[p, q] + alpha * Wl[p, q])
        for q in range(bl.shape[0]):                   # BP3
            s = 0.0
            for r in range(m):
                s += delta[r, q]
            bl[q] -= eta * s
    return loss


@njit
def mlp_sgd_epoch(X, T, W, b, A, Y, D, order, eta, alpha, batch_size, hidden_code,
                  output_code):
    """One epoch of mini-batch SGD on the mean loss; W and b are updated in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_out)
    W, b : tuples of the L weight matrices (n_l, n_{l+1}) and bias vectors (n_{l+1},), C-ordered
        (tuples rather than lists: Numba indexes a tuple of same-typed arrays at no cost)
    A, Y, D : tuples of work vectors for batch size 1: net inputs, outputs (Y[0] has
        n_features entries, Y[l+1] the size of layer l) and errors delta of each layer
    order : ndarray of int64 of shape (n_samples,)
        Visiting order, drawn by the caller.
    eta, alpha : float
        Learning rate and L2 penalty.
    batch_size : int
    hidden_code : int
        Code of the hidden activation (:data:`HIDDEN_CODES`).
    output_code : int
        Code of the output/loss pair (:data:`OUTPUT_CODES`).

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
    total = 0.0
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if stop - start == 1:
            total += _online_step(X, T, order[start], W, b, A, Y, D, eta, alpha,
                                  hidden_code, output_code)
        else:
            total += _batch_step(X, T, order[start:stop], W, b, A2, Y2, D2, GW, eta, alpha,
                                 hidden_code, output_code)
    return total / n
