"""One epoch of mini-batch SGD for a multilayer network, fused into loops by Numba.

Book: 04_backprop, section "Fast small-batch training".

The NumPy form (:mod:`dlcourse.core.backprop`) makes a handful of array operations per layer
and per mini-batch; at batch sizes 1-10 their fixed cost, not arithmetic, sets the speed.
This loop form goes through each sample once forward and once backward with no temporary
arrays. At batch size 1 the weight update is fused into the backward pass: BP2 reads W^l
before BP4 changes it, then W^l is updated in place. Larger batches add each sample's
gradient into buffers and update once per batch, exactly like the NumPy form.

Inner loops run along rows of W (contiguous memory) as axpy updates, y += alpha * x, which
the compiler vectorises without reordering any sum.
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
    if a >= 0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


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
def mlp_sgd_epoch(X, T, W, b, A, Y, D, dW, db, order, eta, alpha, batch_size,
                  hidden_code, output_code):
    """One epoch of mini-batch SGD on the mean loss; W and b are updated in place.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_out)
    W, b : tuples of the L weight matrices (n_l, n_{l+1}) and bias vectors (n_{l+1},), C-ordered
        (tuples rather than lists: Numba indexes a tuple of same-typed arrays at no cost)
    A, Y, D : tuples of work vectors: net inputs, outputs (Y[0] has n_features
        entries, Y[l+1] the size of layer l) and errors delta of each layer
    dW, db : tuples of gradient buffers shaped like W and b (unused at batch size 1)
    order : ndarray of int64 of shape (n_samples,)
        Visiting order, drawn by the caller.
    eta, alpha : float
        Learning rate and L2 penalty.
    batch_size : int
    hidden_code : int
        Code of the hidden activation (:data:`HIDDEN_CODES`).
    output_code : int
        Code of the output/loss pair (:data:`OUTPUT_CODES`).
    """
    L = len(W)
    n = X.shape[0]
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        m = stop - start
        fused = m == 1
        if not fused:
            for l in range(L):
                dW[l][:, :] = 0.0
                db[l][:] = 0.0
        for k in range(start, stop):
            i = order[k]
            # forward: A^l = Y^{l-1} W^l + b^l, Y^l = f(A^l)
            Y[0][:] = X[i]
            for l in range(L):
                Wl, al, yin = W[l], A[l], Y[l]
                al[:] = b[l]
                for p in range(Wl.shape[0]):
                    v = yin[p]
                    if v != 0.0:                       # skip silent inputs (ReLU, sparse x)
                        for q in range(Wl.shape[1]):
                            al[q] += v * Wl[p, q]
                if l < L - 1:
                    _activate(Y[l + 1], al, hidden_code)
            # output: Y^L and BP1, delta^L = (Y^L - T) / m for every supported pair
            aL, yL, dL = A[L - 1], Y[L], D[L - 1]
            if output_code == 0:                       # softmax
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
            for q in range(aL.shape[0]):
                dL[q] = (yL[q] - T[i, q]) / m
            # backward: BP2 for the layer below (reading W^l), then BP3/BP4
            for l in range(L - 1, -1, -1):
                Wl, dl, yin = W[l], D[l], Y[l]
                if l > 0:
                    below = D[l - 1]
                    for p in range(Wl.shape[0]):
                        s = 0.0
                        for q in range(Wl.shape[1]):
                            s += Wl[p, q] * dl[q]
                        below[p] = s * _derivative(Y[l], A[l - 1], hidden_code, p)
                if fused:                              # update now: BP4 and BP3 in place
                    for p in range(Wl.shape[0]):
                        v = yin[p]
                        for q in range(Wl.shape[1]):   # rounded as the NumPy form rounds
                            Wl[p, q] -= eta * (v * dl[q] + alpha * Wl[p, q])
                    for q in range(Wl.shape[1]):
                        b[l][q] -= eta * dl[q]
                else:
                    g = dW[l]
                    for p in range(Wl.shape[0]):
                        v = yin[p]
                        if v != 0.0:
                            for q in range(Wl.shape[1]):
                                g[p, q] += v * dl[q]
                    for q in range(Wl.shape[1]):
                        db[l][q] += dl[q]
        if not fused:
            for l in range(L):
                Wl, g = W[l], dW[l]
                for p in range(Wl.shape[0]):
                    for q in range(Wl.shape[1]):
                        Wl[p, q] -= eta * (g[p, q] + alpha * Wl[p, q])
                for q in range(Wl.shape[1]):
                    b[l][q] -= eta * db[l][q]
    return 0
