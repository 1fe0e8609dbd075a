"""A small Neural Turing Machine for the copy task: a linear controller, one write head and
one read head, trained by backpropagation through time.

Book: 17_beyond, section "Training a controller on the copy task".

At every step t the controller sees u_t = [x_t, phase_t, 1] (the input bits, 1 while the
sequence is being presented, and a constant) and emits, through one matrix ``Wc``, the raw
outputs of both heads; the write head also emits an erase and an add vector:

    key k, strength beta = softplus(.), gate g = sigmoid(.), shift s = softmax(3 values),
    sharpening gamma = 1 + softplus(.);   erase e = sigmoid(.), add a (linear).

Each step: the write head addresses the memory (N1)-(N4) from its previous weighting and
writes (N6); the read head addresses the new memory and reads (N5); the output is
y_t = sigmoid(r_t Wo + bo). The loss is the mean binary cross-entropy of the outputs of the
second half of the sequence against the input bits. The controller has no state of its own:
whatever it remembers is in the memory.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar
from ..core import ntm

__all__ = ["init_ntm_copy", "ntm_copy_backward", "ntm_copy_forward"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _sizes(n_bits):
    head = n_bits + 6                    # key (n_bits), beta, g, s (3), gamma
    return head, 2 * head + 2 * n_bits   # both heads, erase and add


def init_ntm_copy(n_bits, rng, scale=0.3):
    """Controller ``Wc`` (n_bits + 2, n_out) and output ``Wo`` (n_bits, n_bits) from
    N(0, scale^2), ``bo`` zero."""
    n_bits = check_scalar(n_bits, "n_bits", kind=numbers.Integral, low=1)
    rng = check_rng(rng)
    _, n_out = _sizes(n_bits)
    return {"Wc": rng.normal(0, scale, (n_bits + 2, n_out)),
            "Wo": rng.normal(0, scale, (n_bits, n_bits)), "bo": np.zeros(n_bits)}


def _head(h, B):
    """The controller's raw outputs for one head -> (k, beta, g, s, gamma)."""
    return (h[:B], np.logaddexp(0, h[B]), _sigmoid(h[B + 1]), _softmax(h[B + 2:B + 5]),
            1 + np.logaddexp(0, h[B + 5]))


def _head_backward(h, B, dk, dbeta, dg, ds, dgamma):
    d = np.zeros(B + 6)
    d[:B] = dk
    d[B] = dbeta * _sigmoid(h[B])                      # softplus' = sigmoid
    g = _sigmoid(h[B + 1])
    d[B + 1] = dg * g * (1 - g)
    s = _softmax(h[B + 2:B + 5])
    d[B + 2:B + 5] = s * (ds - ds @ s)
    d[B + 5] = dgamma * _sigmoid(h[B + 5])
    return d


def ntm_copy_forward(params, x, n_locations):
    """Present the sequence x, then ask for it back.

    Parameters
    ----------
    params : dict from :func:`init_ntm_copy`
    x : ndarray of shape (L, n_bits)
        The bits to copy; the run has 2L steps, L presenting and L answering.
    n_locations : int
        N, the memory's number of rows (at least L for a faithful copy).

    Returns
    -------
    loss : float
        Mean binary cross-entropy of the L answers.
    y : ndarray of shape (2L, n_bits)
        The outputs at every step (those of the first L steps are not scored).
    cache : dict
        For :func:`ntm_copy_backward`, including the weightings ``"w_write"`` and ``"w_read"``
        (2L, N) and the final ``"memory"``.
    """
    x = np.asarray(x, dtype=float)
    L, B = x.shape
    if params["Wo"].shape != (B, B):
        raise ValueError(f"x has {B} bits per step but the model was built for "
                         f"{params['Wo'].shape[0]}; pass n_bits={B} to init_ntm_copy")
    n_locations = check_scalar(n_locations, "n_locations", kind=numbers.Integral, low=1)
    H, _ = _sizes(B)
    u = np.zeros((2 * L, B + 2))
    u[:L, :B], u[:L, B], u[:, B + 1] = x, 1.0, 1.0
    M = np.full((n_locations, B), 1e-3)      # not zero: the cosine of a zero row is undefined
    w_write = w_read = np.eye(n_locations)[0]
    steps, ys, ww_hist, wr_hist = [], [], [], []
    for t in range(2 * L):
        o = u[t] @ params["Wc"]
        hw, hr, e_raw, a = o[:H], o[H:2 * H], o[2 * H:2 * H + B], o[2 * H + B:]
        w_write, c_aw = ntm.address_forward(M, w_write, *_head(hw, B))
        e = _sigmoid(e_raw)
        M, c_wr = ntm.write_forward(M, w_write, e, a)
        w_read, c_ar = ntm.address_forward(M, w_read, *_head(hr, B))
        r, c_rd = ntm.read_forward(M, w_read)
        y = _sigmoid(r @ params["Wo"] + params["bo"])
        steps.append((hw, hr, e, c_aw, c_wr, c_ar, c_rd, r, y))
        ys.append(y)
        ww_hist.append(w_write)
        wr_hist.append(w_read)
    y = np.array(ys)
    answer = np.clip(y[L:], 1e-12, 1 - 1e-12)
    loss = float(-np.mean(x * np.log(answer) + (1 - x) * np.log(1 - answer)))
    cache = {"u": u, "x": x, "steps": steps, "w_write": np.array(ww_hist),
             "w_read": np.array(wr_hist), "memory": M}
    return loss, y, cache


def ntm_copy_backward(params, cache):
    """Backpropagation through time, through both heads and the memory.

    Returns
    -------
    grads : dict with the keys and shapes of ``params``
    """
    u, x, steps = cache["u"], cache["x"], cache["steps"]
    L, B = x.shape
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dM = np.zeros_like(cache["memory"])
    dw_write = np.zeros(dM.shape[0])
    dw_read = np.zeros(dM.shape[0])
    for t in reversed(range(2 * L)):
        hw, hr, e, c_aw, c_wr, c_ar, c_rd, r, y = steps[t]
        # the loss is the mean cross-entropy of sigmoid outputs: dE/dz = (y - x) / (L B)
        dz = (y - x[t - L]) / (L * B) if t >= L else np.zeros(B)
        grads["Wo"] += np.outer(r, dz)
        grads["bo"] += dz
        dM_read, dw_r = ntm.read_backward(params["Wo"] @ dz, c_rd)
        dM_addr, dw_read, *d_read_head = ntm.address_backward(dw_read + dw_r, c_ar)
        dM, dw_w, de, da = ntm.write_backward(dM + dM_read + dM_addr, c_wr)
        dM_addr, dw_write, *d_write_head = ntm.address_backward(dw_write + dw_w, c_aw)
        dM = dM + dM_addr
        do = np.concatenate([_head_backward(hw, B, *d_write_head),
                             _head_backward(hr, B, *d_read_head), de * e * (1 - e), da])
        grads["Wc"] += np.outer(u[t], do)
    return grads
