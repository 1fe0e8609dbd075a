"""The time loops of the RNN, LSTM and GRU, compiled by Numba.

Book: 13_rnn and 14_lstm_gru (the package behind each chapter).

A recurrent layer cannot run its steps in parallel: step t needs h_{t-1}. With small
batches each step is a small matrix product and a dozen element-wise operations, and in
NumPy every one of those is a call from Python with its own temporary array, which costs
more than the arithmetic. Here each step is one ``np.dot`` (BLAS) for h_{t-1} W_h followed
by one compiled pass over the (N, gates x H) pre-activations that computes every gate and
the new state, writing into arrays made once for the whole sequence. Everything that does
not depend on the previous step stays outside the loop, in large products done once: the
input's part x W_x + b before it, and the weight gradients after it, exactly as the NumPy
form (:mod:`dlcourse.core.rnn`, :mod:`dlcourse.core.lstm`, :mod:`dlcourse.core.gru`) does.

tanh is computed from ``exp`` (tanh a = 2 sigmoid(2a) - 1): Numba's ``np.tanh`` calls the
scalar C library function, several times slower than one ``exp`` here.

Each backward kernel returns the gradient at every step's pre-activation (``da``) and the
gradient reaching the initial state; the caller turns ``da`` into weight gradients.
"""

import math

import numpy as np

from .._numba import njit

__all__ = ["gru_backward", "gru_forward", "lstm_backward", "lstm_forward", "rnn_backward",
           "rnn_forward"]


@njit(error_model="numpy")
def _sigmoid(a):
    # One formula without a branch: for a very negative, exp(-a) overflows to inf and the
    # result is exactly 0, never NaN (with error_model="numpy" the division cannot raise).
    # Without the branch of the usual stable form each call is twice as fast here.
    return 1.0 / (1.0 + math.exp(-a))


@njit(error_model="numpy")
def _tanh(a):
    return 2.0 / (1.0 + math.exp(-2.0 * a)) - 1.0


# --- vanilla RNN ----------------------------------------------------------------------------

@njit(error_model="numpy")
def rnn_forward(xw, h0, Wh):
    """Hidden states (N, T, H) from the input's part xw = x W_x + b (N, T, H), h0 (N, H)."""
    N, T, H = xw.shape
    h = np.empty_like(xw)
    prev = h0.copy()
    for t in range(T):
        a = np.dot(prev, Wh)
        for n in range(N):
            for j in range(H):
                v = _tanh(a[n, j] + xw[n, t, j])
                h[n, t, j] = v
                prev[n, j] = v
    return h


@njit(error_model="numpy")
def rnn_backward(dh, h, Wh, truncate):
    """da (N, T, H) and dh0 (N, H); ``truncate`` <= 0 means full BPTT."""
    N, T, H = h.shape
    da = np.empty_like(h)
    WhT = np.ascontiguousarray(Wh.T)
    carry = np.zeros((N, H), dtype=h.dtype)
    step = np.empty((N, H), dtype=h.dtype)
    for t in range(T - 1, -1, -1):
        for n in range(N):
            for j in range(H):
                v = (dh[n, t, j] + carry[n, j]) * (1.0 - h[n, t, j] * h[n, t, j])
                step[n, j] = v
                da[n, t, j] = v
        carry = np.dot(step, WhT)
        if truncate > 0 and t % truncate == 0 and t > 0:
            carry[:, :] = 0.0
    return da, carry


# --- LSTM (gate blocks i, f, g, o) ----------------------------------------------------------

@njit(error_model="numpy")
def lstm_forward(xw, h0, c0, Wh):
    """h and c (N, T, H) from xw = x W_x + b (N, T, 4H); the gates i, f, g, o overwrite their
    pre-activations in ``xw`` (no new arrays for them: less memory to fill)."""
    N, T, G = xw.shape
    H = G // 4
    h = np.empty((N, T, H), dtype=xw.dtype)
    c = np.empty_like(h)
    prev_h, prev_c = h0.copy(), c0.copy()
    for t in range(T):
        a = np.dot(prev_h, Wh)
        for n in range(N):
            for j in range(H):
                i = _sigmoid(a[n, j] + xw[n, t, j])
                f = _sigmoid(a[n, H + j] + xw[n, t, H + j])
                g = _tanh(a[n, 2 * H + j] + xw[n, t, 2 * H + j])
                o = _sigmoid(a[n, 3 * H + j] + xw[n, t, 3 * H + j])
                cc = f * prev_c[n, j] + i * g                                  # (L2)
                hh = o * _tanh(cc)                                             # (L3)
                xw[n, t, j], xw[n, t, H + j], xw[n, t, 2 * H + j] = i, f, g
                xw[n, t, 3 * H + j] = o
                c[n, t, j], h[n, t, j] = cc, hh
                prev_c[n, j], prev_h[n, j] = cc, hh
    return h, c


@njit(error_model="numpy")
def lstm_backward(dh, c0, c, gates, Wh):
    """da (N, T, 4H), dh0 and dc0 (N, H), from the gates (N, T, 4H) of :func:`lstm_forward`."""
    N, T, H = dh.shape
    da = np.empty((N, T, 4 * H), dtype=dh.dtype)
    WhT = np.ascontiguousarray(Wh.T)
    dh_next = np.zeros((N, H), dtype=dh.dtype)
    dc_next = np.zeros((N, H), dtype=dh.dtype)
    step = np.empty((N, 4 * H), dtype=dh.dtype)
    for t in range(T - 1, -1, -1):
        for n in range(N):
            for j in range(H):
                i, f = gates[n, t, j], gates[n, t, H + j]
                g, o = gates[n, t, 2 * H + j], gates[n, t, 3 * H + j]
                tc = _tanh(c[n, t, j])
                c_prev = c[n, t - 1, j] if t > 0 else c0[n, j]
                d = dh[n, t, j] + dh_next[n, j]
                dc = dc_next[n, j] + d * o * (1.0 - tc * tc)
                step[n, j] = dc * g * i * (1.0 - i)                     # input gate
                step[n, H + j] = dc * c_prev * f * (1.0 - f)            # forget gate
                step[n, 2 * H + j] = dc * i * (1.0 - g * g)             # candidate
                step[n, 3 * H + j] = d * tc * o * (1.0 - o)             # output gate
                dc_next[n, j] = dc * f                                  # the additive path
        da[:, t, :] = step
        dh_next = np.dot(step, WhT)
    return da, dh_next, dc_next


# --- GRU (gate blocks r, z, n; the state's bias b_hn inside the reset product) --------------

@njit(error_model="numpy")
def gru_forward(xw, h0, Wh, b_hn):
    """h and un = u_n + b_hn (N, T, H) from xw = x W_x + b (N, T, 3H); the gates r, z and the
    candidate n overwrite their input parts in ``xw``."""
    N, T, G = xw.shape
    H = G // 3
    h = np.empty((N, T, H), dtype=xw.dtype)
    un_ = np.empty_like(h)
    prev = h0.copy()
    for t in range(T):
        u = np.dot(prev, Wh)
        for s in range(N):
            for j in range(H):
                r = _sigmoid(xw[s, t, j] + u[s, j])
                z = _sigmoid(xw[s, t, H + j] + u[s, H + j])
                un = u[s, 2 * H + j] + b_hn[j]
                nn = _tanh(xw[s, t, 2 * H + j] + r * un)                     # (G2)
                hh = (1.0 - z) * nn + z * prev[s, j]                           # (G3)
                xw[s, t, j], xw[s, t, H + j], xw[s, t, 2 * H + j] = r, z, nn
                un_[s, t, j] = un
                h[s, t, j] = hh
                prev[s, j] = hh
    return h, un_


@njit(error_model="numpy")
def gru_backward(dh, h0, h, gates, un_, Wh):
    """dax (N, T, 3H) (the input's parts), du (N, T, 3H) (the state's parts) and dh0."""
    N, T, H = dh.shape
    dax = np.empty((N, T, 3 * H), dtype=dh.dtype)
    du = np.empty_like(dax)
    WhT = np.ascontiguousarray(Wh.T)
    carry = np.zeros((N, H), dtype=dh.dtype)
    step = np.empty((N, 3 * H), dtype=dh.dtype)
    keep = np.empty((N, H), dtype=dh.dtype)
    for t in range(T - 1, -1, -1):
        for s in range(N):
            for j in range(H):
                r, z, nn = gates[s, t, j], gates[s, t, H + j], gates[s, t, 2 * H + j]
                un = un_[s, t, j]
                h_prev = h[s, t - 1, j] if t > 0 else h0[s, j]
                d = dh[s, t, j] + carry[s, j]
                da_n = d * (1.0 - z) * (1.0 - nn * nn)
                da_r = da_n * un * r * (1.0 - r)
                da_z = d * (h_prev - nn) * z * (1.0 - z)
                dax[s, t, j], dax[s, t, H + j], dax[s, t, 2 * H + j] = da_r, da_z, da_n
                step[s, j], step[s, H + j], step[s, 2 * H + j] = da_r, da_z, da_n * r
                keep[s, j] = d * z                                  # through z * h_{t-1}
        du[:, t, :] = step
        carry = keep + np.dot(step, WhT)
    return dax, du, carry
