"""The vanilla recurrent network, backpropagation through time, and the pieces around it:
embeddings, a temporal affine map, the temporal softmax loss and gradient clipping.

Book: 13_rnn, sections "State", "Backpropagation through time" and "Vanishing and exploding
gradients".

Layout is batch-first: a batch of sequences ``x`` has shape (N, T, D) (samples, time steps,
features) and the hidden states ``h`` (N, T, H). One step is

    (R1)  h_t = tanh(h_{t-1} W_h + x_t W_x + b),       h_0 given (zeros or learned)

with W_x (D, H), W_h (H, H), b (H,). Backpropagation through time is (BP1)-(BP4) of the
backprop chapter on the network unrolled in time: with dh_t the gradient reaching h_t (from
the loss at time t plus from step t + 1),

    (R2)  da_t = dh_t * (1 - h_t^2)                    (through the tanh)
    (R3)  dW_x = sum_t x_t^T da_t,  dW_h = sum_t h_{t-1}^T da_t,  db = sum_t da_t
    (R4)  dh_{t-1} += da_t W_h^T,   dx_t = da_t W_x^T

The weight gradients are sums over time because the same weights act at every step. The
factor W_h^T diag(1 - h^2) that (R4) applies once per step is why gradients vanish or
explode over long spans: its product over k steps shrinks or grows roughly like the k-th
power of the spectral radius of W_h (times the tanh's slopes).

Truncated BPTT (``truncate=k``) lets errors flow back only inside windows of k steps,
t = 0..k-1, k..2k-1, ... (and from the first window into h_0); the hidden state still flows
forward across them, as when a long sequence is trained in chunks. A dependency longer than k steps then gets no gradient at all.
"""

import numpy as np

from .._numba import resolve_backend
from .._validation import as_float
from .activations import softmax

__all__ = ["clip_gradient_norm", "clip_gradient_values", "embedding_backward",
           "embedding_forward", "rnn_backward", "rnn_forward", "rnn_step_backward",
           "rnn_step_forward", "temporal_affine_backward", "temporal_affine_forward",
           "temporal_softmax_loss"]


def _check_sequences(x, name="x"):
    x = as_float(x)
    if x.ndim != 3:
        raise ValueError(f"{name} must be a batch of sequences of shape (N, T, D), got shape "
                         f"{x.shape}; one sequence of shape (T, D) is x[None]")
    if x.shape[1] == 0:
        raise ValueError(f"{name} has sequences of length 0; every sequence needs at least one "
                         "time step")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


def _check_weights(D, H, Wx, Wh, b, gates=1, name="rnn"):
    if Wx.shape != (D, gates * H) or Wh.shape != (H, gates * H) or b.shape != (gates * H,):
        raise ValueError(f"{name} with D = {D} inputs and H = {H} hidden units needs Wx of shape "
                         f"({D}, {gates * H}), Wh ({H}, {gates * H}) and b ({gates * H},); got "
                         f"{Wx.shape}, {Wh.shape} and {b.shape}")


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One step of (R1).

    Parameters
    ----------
    x : ndarray of shape (N, D)
    h_prev : ndarray of shape (N, H)
    Wx : ndarray of shape (D, H)
    Wh : ndarray of shape (H, H)
    b : ndarray of shape (H,)

    Returns
    -------
    h : ndarray of shape (N, H)
    cache : tuple
    """
    h = np.tanh(h_prev @ Wh + x @ Wx + b)
    return h, (x, h_prev, Wx, Wh, h)


def rnn_step_backward(dh, cache):
    """Gradients of one step, (R2)-(R4): (dx, dh_prev, dWx, dWh, db)."""
    x, h_prev, Wx, Wh, h = cache
    da = dh * (1.0 - h * h)                                          # (R2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b, backend="numpy"):
    """(R1) over whole sequences.

    Parameters
    ----------
    x : ndarray of shape (N, T, D)
    h0 : ndarray of shape (N, H)
    Wx, Wh, b : as in :func:`rnn_step_forward`
    backend : {"numpy", "numba", "auto"}, default="numpy"
        Who runs the loop over time: this function's NumPy lines, or the compiled loop of
        :mod:`dlcourse.kernels.recurrent` (same numbers; "auto": compiled when Numba is there).
        :func:`rnn_backward` uses the same form.

    Returns
    -------
    h : ndarray of shape (N, T, H)
        Every hidden state h_1 .. h_T.
    cache : tuple
    """
    x = _check_sequences(x)
    h0, Wx, Wh, b = as_float(h0), as_float(Wx), as_float(Wh), as_float(b)
    N, T, D = x.shape
    H = h0.shape[-1]
    if h0.shape != (N, H):
        raise ValueError(f"h0 must have shape (N, H) = ({N}, {H}), got {h0.shape}")
    _check_weights(D, H, Wx, Wh, b)
    xw = x @ Wx                              # the input's part of every step, in one product
    xw += b                                  # (in place: one large temporary, not two)
    backend = resolve_backend(backend, numba_wins=True)
    if backend == "numba":
        from ..kernels import recurrent as compiled     # imported on first use
        h = compiled.rnn_forward(xw, h0.astype(xw.dtype), np.ascontiguousarray(Wh, xw.dtype))
        return h, (x, h0, Wx, Wh, h, backend)
    h = np.empty((N, T, H), dtype=np.result_type(x, Wx))
    prev = h0
    for t in range(T):
        prev = h[:, t] = np.tanh(prev @ Wh + xw[:, t])
    return h, (x, h0, Wx, Wh, h, backend)


def rnn_backward(dh, cache, truncate=None):
    """Backpropagation through time, (R2)-(R4), optionally truncated.

    Parameters
    ----------
    dh : ndarray of shape (N, T, H)
        Gradient of the loss with respect to every hidden state, from the layers above.
    cache : from :func:`rnn_forward`
    truncate : int, optional
        Let errors flow back only inside windows of this many steps (see the module notes).

    Returns
    -------
    dx : ndarray of shape (N, T, D)
    dh0 : ndarray of shape (N, H)
    dWx, dWh, db : gradients of the weights, summed over time
    """
    x, h0, Wx, Wh, h, backend = cache
    N, T, H = h.shape
    dh = as_float(dh)
    if dh.shape != h.shape:
        raise ValueError(f"dh must have the shape of the hidden states {h.shape}, got {dh.shape}")
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be a number of steps >= 1, got {truncate}")
    if backend == "numba":
        from ..kernels import recurrent as compiled
        da, carry = compiled.rnn_backward(dh.astype(h.dtype), h,
                                          np.ascontiguousarray(Wh, h.dtype),
                                          0 if truncate is None else truncate)
    else:
        da = np.empty_like(h)
        carry = np.zeros((N, H), dtype=h.dtype)      # the gradient arriving from step t + 1
        for t in range(T - 1, -1, -1):
            da[:, t] = (dh[:, t] + carry) * (1.0 - h[:, t] * h[:, t])        # (R2)
            carry = da[:, t] @ Wh.T                                          # (R4)
            if truncate is not None and t % truncate == 0 and t > 0:
                carry = np.zeros_like(carry)         # the window ends: nothing flows further
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    # (R3): the sums over samples and time as single products
    dWx = x.reshape(N * T, -1).T @ da.reshape(N * T, H)
    dWh = h_prev.reshape(N * T, H).T @ da.reshape(N * T, H)
    db = da.sum(axis=(0, 1))
    dx = da @ Wx.T                                                           # (R4)
    return dx, carry, dWx, dWh, db


# --- inputs and outputs around the recurrence -----------------------------------------------

def embedding_forward(tokens, E):
    """Look up each token's row of the embedding matrix.

    Parameters
    ----------
    tokens : ndarray of int of shape (N, T)
        Indices into a vocabulary of V symbols.
    E : ndarray of shape (V, D)

    Returns
    -------
    x : ndarray of shape (N, T, D)
    cache : tuple
        A one-hot input times E is the same as this lookup, which never builds the one-hot.
    """
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.dtype.kind not in "iu":
        raise ValueError(f"tokens must be integers of shape (N, T), got {tokens.dtype} "
                         f"{tokens.shape}")
    V = E.shape[0]
    if tokens.size and (tokens.min() < 0 or tokens.max() >= V):
        raise ValueError(f"tokens must lie in 0..{V - 1} for a vocabulary of {V} symbols, got "
                         f"{tokens.min()}..{tokens.max()}; is the embedding built for this "
                         "vocabulary?")
    return E[tokens], (tokens, E.shape)


def embedding_backward(dx, cache):
    """dE: each token's gradient added to its row (a token seen twice gets both)."""
    tokens, shape = cache
    dE = np.zeros(shape, dtype=dx.dtype)
    np.add.at(dE, tokens.ravel(), dx.reshape(-1, shape[1]))
    return dE


def temporal_affine_forward(h, W, b):
    """The same affine map at every time step: (N, T, H) @ (H, M) + (M,) -> (N, T, M)."""
    return h @ W + b, (h, W)


def temporal_affine_backward(dout, cache):
    """(dh, dW, db) of :func:`temporal_affine_forward`."""
    h, W = cache
    N, T, H = h.shape
    M = W.shape[1]
    d2 = dout.reshape(N * T, M)
    return dout @ W.T, h.reshape(N * T, H).T @ d2, d2.sum(axis=0)


def temporal_softmax_loss(scores, targets, mask=None):
    """Mean cross-entropy of a softmax at every time step, and its gradient.

    Parameters
    ----------
    scores : ndarray of shape (N, T, V)
    targets : ndarray of int of shape (N, T)
    mask : ndarray of bool of shape (N, T), optional
        Which steps count (padding after the end of a shorter sequence does not).

    Returns
    -------
    loss : float
        Summed over the counted steps, divided by N (per sequence, as in CS231n and in
        character models' usual "loss per sequence"; divide by T for per-character).
    dscores : ndarray of shape (N, T, V)
    """
    scores = as_float(scores)
    N, T, V = scores.shape
    targets = np.asarray(targets)
    if targets.shape != (N, T):
        raise ValueError(f"targets must have shape (N, T) = ({N}, {T}), got {targets.shape}")
    if targets.size and (targets.min() < 0 or targets.max() >= V):
        raise ValueError(f"targets must lie in 0..{V - 1}, got {targets.min()}..{targets.max()}")
    mask = np.ones((N, T), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    flat = scores.reshape(N * T, V)
    # log-softmax by log-sum-exp: no overflow for large scores, no log(0)
    shifted = flat - flat.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N * T)
    m = mask.ravel()
    loss = -np.sum(log_p[rows, targets.ravel()] * m) / N
    d = softmax(flat)
    d[rows, targets.ravel()] -= 1.0
    d *= m[:, None] / N
    return float(loss), d.reshape(N, T, V)


# --- gradient clipping ----------------------------------------------------------------------

def clip_gradient_norm(grads, max_norm):
    """Scale all gradients down together when their joint L2 norm exceeds ``max_norm``.

    Parameters
    ----------
    grads : dict of str -> ndarray
        Changed in place.
    max_norm : float > 0

    Returns
    -------
    norm : float
        The norm before clipping (worth logging: spikes show the "cliffs" of the loss).
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm       # the direction is kept, only the step shortened
    return norm


def clip_gradient_values(grads, limit):
    """Clip every gradient entry to [-limit, limit] in place (changes the direction too)."""
    if not limit > 0:
        raise ValueError(f"limit must be > 0, got {limit}")
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
