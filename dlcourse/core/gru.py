"""The gated recurrent unit: an LSTM-like memory without a separate cell.

Book: 14_lstm_gru, section "The GRU".

With the input's part ax = x_t W_x + b and the state's part u = h_{t-1} W_h, each split into
blocks of H columns in PyTorch's order (reset, update, new):

    (G1)  r = sigmoid(ax_r + u_r),   z = sigmoid(ax_z + u_z)
    (G2)  n = tanh(ax_n + r * (u_n + b_hn))
    (G3)  h_t = (1 - z) * n + z * h_{t-1}

The update gate z interpolates between keeping the old state and writing the new one (the
coupled input and forget gates of the LSTM, i = 1 - f); the reset gate r decides how much of
the old state the candidate n may look at. This is PyTorch's form, with the reset applied to
u_n + b_hn after the product (Cho et al.'s first paper applies it to h_{t-1} before the
product, (r * h_{t-1}) W_hn); both are GRUs, and this one lets ``nn.GRU`` check the code.
"""

import numpy as np

from .._numba import resolve_backend
from .._validation import as_float
from .activations import sigmoid
from .rnn import _check_sequences, _check_weights

__all__ = ["gru_backward", "gru_forward", "gru_step_backward", "gru_step_forward"]


def gru_step_forward(x, h_prev, Wx, Wh, b, b_hn):
    """One GRU step, (G1)-(G3).

    Parameters
    ----------
    x : ndarray of shape (N, D)
    h_prev : ndarray of shape (N, H)
    Wx : ndarray of shape (D, 3H)
        Column blocks (r, z, n).
    Wh : ndarray of shape (H, 3H)
    b : ndarray of shape (3H,)
    b_hn : ndarray of shape (H,)
        The state's bias of the candidate, inside the reset gate's product.

    Returns
    -------
    h : ndarray of shape (N, H)
    cache : tuple
    """
    H = h_prev.shape[1]
    ax = x @ Wx + b
    u = h_prev @ Wh
    r = sigmoid(ax[:, :H] + u[:, :H])
    z = sigmoid(ax[:, H:2 * H] + u[:, H:2 * H])
    un = u[:, 2 * H:] + b_hn
    n = np.tanh(ax[:, 2 * H:] + r * un)                              # (G2)
    h = (1.0 - z) * n + z * h_prev                                   # (G3)
    return h, (x, h_prev, Wx, Wh, r, z, n, un)


def gru_step_backward(dh, cache):
    """Gradients of one step: (dx, dh_prev, dWx, dWh, db, db_hn)."""
    x, h_prev, Wx, Wh, r, z, n, un = cache
    dn = dh * (1.0 - z)
    dz = dh * (h_prev - n)
    da_n = dn * (1.0 - n * n)
    da_r = da_n * un * r * (1.0 - r)
    da_z = dz * z * (1.0 - z)
    du_n = da_n * r
    dax = np.concatenate([da_r, da_z, da_n], axis=1)                 # the input's parts
    du = np.concatenate([da_r, da_z, du_n], axis=1)                  # the state's parts
    dh_prev = dh * z + du @ Wh.T
    return dax @ Wx.T, dh_prev, x.T @ dax, h_prev.T @ du, dax.sum(axis=0), du_n.sum(axis=0)


def gru_forward(x, h0, Wx, Wh, b, b_hn, backend="numpy"):
    """The GRU over whole sequences.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H)
    Wx, Wh, b, b_hn : as in :func:`gru_step_forward`
    backend : {"numpy", "numba", "auto"}, default="numpy"
        The loop over time as NumPy steps, or compiled (:mod:`dlcourse.kernels.recurrent`).

    Returns
    -------
    h : ndarray of shape (N, T, H)
    cache : list
    """
    x = _check_sequences(x)
    h0, Wx, Wh, b, b_hn = (as_float(a) for a in (h0, Wx, Wh, b, b_hn))
    N, T, D = x.shape
    H = h0.shape[-1]
    _check_weights(D, H, Wx, Wh, b, gates=3, name="gru")
    if b_hn.shape != (H,):
        raise ValueError(f"b_hn must have shape (H,) = ({H},), got {b_hn.shape}")
    if resolve_backend(backend, numba_wins=True) == "numba":
        from ..kernels import recurrent as compiled     # imported on first use
        xw = x @ Wx
        xw += b                 # in place: a second large temporary costs more than the sum
        h0 = h0.astype(xw.dtype)
        gates = xw                      # the kernel overwrites the input parts
        h, un = compiled.gru_forward(gates, h0, np.ascontiguousarray(Wh, xw.dtype),
                                     b_hn.astype(xw.dtype))
        return h, ("numba", x, h0, Wx, Wh, h, gates, un)
    h = np.empty((N, T, H), dtype=np.result_type(x, Wx))
    prev, caches = h0, []
    for t in range(T):
        prev, step = gru_step_forward(x[:, t], prev, Wx, Wh, b, b_hn)
        h[:, t] = prev
        caches.append(step)
    return h, caches


def gru_backward(dh, cache):
    """Backpropagation through time for :func:`gru_forward`:
    (dx (N, T, D), dh0 (N, H), dWx, dWh, db, db_hn), the weight gradients summed over time."""
    if cache[0] == "numba":
        return _compiled_backward(dh, cache)
    T = len(cache)
    x0, h_prev, Wx, Wh = cache[0][:4]
    N, H = h_prev.shape
    dh = as_float(dh)
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have shape (N, T, H) = {(N, T, H)}, got {dh.shape}")
    dx = np.empty((N, T, Wx.shape[0]), dtype=dh.dtype)
    dWx, dWh = np.zeros_like(Wx), np.zeros_like(Wh)
    db, db_hn = np.zeros(3 * H, dtype=Wx.dtype), np.zeros(H, dtype=Wx.dtype)
    carry = np.zeros((N, H), dtype=dh.dtype)
    for t in range(T - 1, -1, -1):
        dx[:, t], carry, gWx, gWh, gb, gbn = gru_step_backward(dh[:, t] + carry, cache[t])
        dWx += gWx
        dWh += gWh
        db += gb
        db_hn += gbn
    return dx, carry, dWx, dWh, db, db_hn


def _compiled_backward(dh, cache):
    from ..kernels import recurrent as compiled
    _, x, h0, Wx, Wh, h, gates, un = cache
    N, T, H = h.shape
    dh = as_float(dh)
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have shape (N, T, H) = {(N, T, H)}, got {dh.shape}")
    dax, du, dh0 = compiled.gru_backward(dh.astype(h.dtype), h0, h, gates, un,
                                         np.ascontiguousarray(Wh, h.dtype))
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1).reshape(N * T, H)
    dax2, du2 = dax.reshape(N * T, 3 * H), du.reshape(N * T, 3 * H)
    return (dax @ Wx.T, dh0, x.reshape(N * T, -1).T @ dax2, h_prev.T @ du2, dax2.sum(axis=0),
            du2[:, 2 * H:].sum(axis=0))
