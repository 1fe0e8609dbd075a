"""Long short-term memory: a cell state updated by gates, and its backward pass.

Book: 14_lstm_gru, sections "The LSTM cell", "Its backward pass" and "Variants".

With a_t = x_t W_x + h_{t-1} W_h + b split into four blocks of H columns, in PyTorch's order
(input, forget, candidate, output):

    (L1)  i = sigmoid(a_i),  f = sigmoid(a_f),  g = tanh(a_g),  o = sigmoid(a_o)
    (L2)  c_t = f * c_{t-1} + i * g
    (L3)  h_t = o * tanh(c_t)

The cell path (L2) is additive: dE/dc_{t-1} = dE/dc_t * f plus terms through the gates, so
while the forget gate stays near 1 an error crosses many steps without being multiplied by a
weight matrix each time, unlike the vanilla RNN's W_h^T diag(1 - h^2).

Variants, as options:

* peepholes (``P`` of shape (3, H), rows for i, f, o): the gates also see the cell,
  a_i += P_i * c_{t-1}, a_f += P_f * c_{t-1}, a_o += P_o * c_t (Gers and Schmidhuber);
* coupled input and forget gates (``coupled=True``): i = 1 - f, so a cell forgets exactly
  as much as it writes; the weights then have three blocks, (f, g, o).

A plain RNN is the special case f = 0, i = 1, o = 1 with the cell's tanh taken away: then
c_t = g = tanh(a_g) and h_t = tanh(c_t) differs from the RNN only by the second tanh.
"""

import numpy as np

from .._numba import resolve_backend
from .._validation import as_float
from .activations import sigmoid
from .rnn import _check_sequences, _check_weights

__all__ = ["last_cell_state", "lstm_backward", "lstm_forward", "lstm_step_backward",
           "lstm_step_forward"]


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b, P=None, coupled=False):
    """One LSTM step, (L1)-(L3).

    Parameters
    ----------
    x : ndarray of shape (N, D)
    h_prev, c_prev : ndarray of shape (N, H)
    Wx : ndarray of shape (D, 4H), or (D, 3H) when coupled
        Column blocks (i, f, g, o), or (f, g, o) when coupled.
    Wh : ndarray of shape (H, 4H), or (H, 3H) when coupled
    b : ndarray of shape (4H,), or (3H,) when coupled
    P : ndarray of shape (3, H), optional
        Peephole weights for i, f and o (the row for i is unused when coupled).
    coupled : bool, default=False

    Returns
    -------
    h, c : ndarray of shape (N, H)
    cache : tuple
    """
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    if coupled:
        a_f, a_g, a_o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:].copy()
    else:
        a_i, a_f, a_g, a_o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:].copy()
    if P is not None:
        a_f = a_f + P[1] * c_prev
        if not coupled:
            a_i = a_i + P[0] * c_prev
    f = sigmoid(a_f)
    i = 1.0 - f if coupled else sigmoid(a_i)
    g = np.tanh(a_g)
    c = f * c_prev + i * g                                               # (L2)
    if P is not None:
        a_o += P[2] * c
    o = sigmoid(a_o)
    tc = np.tanh(c)
    h = o * tc                                                           # (L3)
    return h, c, (x, h_prev, c_prev, Wx, Wh, P, coupled, i, f, g, o, c, tc)


def lstm_step_backward(dh, dc, cache):
    """Gradients of one step.

    Parameters
    ----------
    dh : ndarray of shape (N, H)
        dE/dh_t from above and from step t + 1.
    dc : ndarray of shape (N, H)
        dE/dc_t from step t + 1 (zeros at the last step).
    cache : from :func:`lstm_step_forward`

    Returns
    -------
    dx, dh_prev, dc_prev, dWx, dWh, db, dP
        ``dP`` is None without peepholes.
    """
    x, h_prev, c_prev, Wx, Wh, P, coupled, i, f, g, o, c, tc = cache
    da_o = dh * tc * o * (1.0 - o)
    dc = dc + dh * o * (1.0 - tc * tc)                      # through h_t = o tanh(c_t)
    if P is not None:
        dc = dc + da_o * P[2]                               # c_t also feeds the output gate
    di, dg, df = dc * g, dc * i, dc * c_prev
    dc_prev = dc * f                                        # the additive path of (L2)
    if coupled:
        df = df - di                                        # i = 1 - f
    da_f = df * f * (1.0 - f)
    da_g = dg * (1.0 - g * g)
    blocks = [da_f, da_g, da_o]
    if not coupled:
        da_i = di * i * (1.0 - i)
        blocks.insert(0, da_i)
    dP = None
    if P is not None:
        dc_prev = dc_prev + da_f * P[1]
        dP = np.zeros_like(P)
        dP[1] = np.sum(da_f * c_prev, axis=0)
        dP[2] = np.sum(da_o * c, axis=0)
        if not coupled:
            dc_prev = dc_prev + da_i * P[0]
            dP[0] = np.sum(da_i * c_prev, axis=0)
    da = np.concatenate(blocks, axis=1)
    return (da @ Wx.T, da @ Wh.T, dc_prev, x.T @ da, h_prev.T @ da, da.sum(axis=0), dP)


def lstm_forward(x, h0, Wx, Wh, b, c0=None, P=None, coupled=False, backend="numpy"):
    """The LSTM over whole sequences.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H)
    Wx, Wh, b, P, coupled : as in :func:`lstm_step_forward`
    c0 : ndarray of shape (N, H), optional
        Initial cell state; zeros by default.
    backend : {"numpy", "numba", "auto"}, default="numpy"
        The loop over time as NumPy steps, or compiled (:mod:`dlcourse.kernels.recurrent`,
        the plain LSTM only: with peepholes or coupled gates "auto" runs NumPy).

    Returns
    -------
    h : ndarray of shape (N, T, H)
    cache : list
    """
    x = _check_sequences(x)
    h0, Wx, Wh, b = as_float(h0), as_float(Wx), as_float(Wh), as_float(b)
    N, T, D = x.shape
    H = h0.shape[-1]
    _check_weights(D, H, Wx, Wh, b, gates=3 if coupled else 4, name="lstm")
    if P is not None and np.shape(P) != (3, H):
        raise ValueError(f"peephole weights P must have shape (3, H) = (3, {H}), got "
                         f"{np.shape(P)}")
    c = np.zeros((N, H), dtype=h0.dtype) if c0 is None else as_float(c0)
    plain = P is None and not coupled
    if resolve_backend(backend, numba_wins=plain) == "numba":
        if not plain:
            raise ValueError("the compiled LSTM has no peepholes or coupled gates; use "
                             "backend='numpy' (or 'auto') for these variants")
        from ..kernels import recurrent as compiled     # imported on first use
        xw = x @ Wx
        xw += b                 # in place: a second large temporary costs more than the sum
        c0 = c.astype(xw.dtype)
        gates = xw                      # the kernel overwrites the pre-activations
        h, cs = compiled.lstm_forward(gates, h0.astype(xw.dtype), c0,
                                      np.ascontiguousarray(Wh, xw.dtype))
        return h, ("numba", x, h0, c0, Wx, Wh, h, cs, gates)
    h = np.empty((N, T, H), dtype=np.result_type(x, Wx))
    prev, caches = h0, []
    for t in range(T):
        prev, c, step = lstm_step_forward(x[:, t], prev, c, Wx, Wh, b, P, coupled)
        h[:, t] = prev
        caches.append(step)
    return h, caches


def lstm_backward(dh, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    Returns
    -------
    dx : ndarray of shape (N, T, D)
    dh0, dc0 : ndarray of shape (N, H)
    dWx, dWh, db : summed over time
    dP : ndarray of shape (3, H), or None without peepholes
    """
    if cache[0] == "numba":
        return _compiled_backward(dh, cache)
    T = len(cache)
    x0, h_prev, c_prev, Wx, Wh, P = cache[0][:6]
    N, H = h_prev.shape
    dh = as_float(dh)
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have shape (N, T, H) = {(N, T, H)}, got {dh.shape}")
    dx = np.empty((N, T, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wx.shape[1], dtype=Wx.dtype)
    dP = None if P is None else np.zeros_like(P)
    dh_next = np.zeros((N, H), dtype=dh.dtype)
    dc_next = np.zeros((N, H), dtype=dh.dtype)
    for t in range(T - 1, -1, -1):
        dx[:, t], dh_next, dc_next, gWx, gWh, gb, gP = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, cache[t])
        dWx += gWx
        dWh += gWh
        db += gb
        if dP is not None:
            dP += gP
    return dx, dh_next, dc_next, dWx, dWh, db, dP


def _compiled_backward(dh, cache):
    from ..kernels import recurrent as compiled
    _, x, h0, c0, Wx, Wh, h, c, gates = cache
    N, T, H = c.shape
    dh = as_float(dh)
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have shape (N, T, H) = {(N, T, H)}, got {dh.shape}")
    da, dh0, dc0 = compiled.lstm_backward(dh.astype(c.dtype), c0, c, gates,
                                          np.ascontiguousarray(Wh, c.dtype))
    h_prev = np.concatenate([h0[:, None].astype(c.dtype), h[:, :-1]], axis=1)
    da2 = da.reshape(N * T, 4 * H)
    dWx = x.reshape(N * T, -1).T @ da2
    dWh = h_prev.reshape(N * T, H).T @ da2
    return da @ Wx.T, dh0, dc0, dWx, dWh, da2.sum(axis=0), None


def last_cell_state(cache):
    """c_T (N, H), the cell state after the last step of :func:`lstm_forward`, to carry into
    the next chunk of a long sequence."""
    if cache[0] == "numba":
        return cache[7][:, -1]
    return cache[-1][11]
