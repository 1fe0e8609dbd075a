"""Attention: a weighted average of a sequence's states, with weights computed from content.

Book: 14_lstm_gru, section "Attention".

A decoder that must produce its output from one fixed-size vector forgets the start of a long
input. Attention lets it look back at every encoder state instead: for a query ``q`` (the
decoder's state) and the encoder's states as keys ``K`` and values ``V``,

    (A1)  e_t = score(q, k_t)                          one number per time step
    (A2)  alpha = softmax(e) over the steps the mask allows
    (A3)  c = sum_t alpha_t v_t                          the context vector

The weights ``alpha`` are a soft, differentiable address into the sequence: the step whose
key matches the query best gets the most weight. Three scores are common:

    "dot"          e_t = q . k_t                                       (Luong)
    "scaled_dot"   e_t = q . k_t / sqrt(d)                            (Transformers)
    "additive"     e_t = w . tanh(q W_q + k_t W_k + b)                 (Bahdanau)

Dividing by sqrt(d), the key size, keeps the scores' spread independent of d, so that the
softmax does not saturate for large d. The additive score has its own parameters: W_q (Hq, A),
W_k (Hk, A), b (A,) and w (A,), and lets the query and the keys have different sizes.

Backward, with dc = dE/dc (and optionally dalpha, when the loss also uses the weights):

    (A4)  dalpha_t = dc . v_t,   dv_t = alpha_t dc
    (A5)  de_t = alpha_t (dalpha_t - sum_s alpha_s dalpha_s)       (the softmax's Jacobian)

and then through the score: for "dot", dq = sum_t de_t k_t and dk_t = de_t q (divided by
sqrt(d) when scaled); for "additive", with u_t = tanh(a_t), a_t = q W_q + k_t W_k + b,

    (A6)  da_t = de_t w * (1 - u_t^2),  dw = sum_t de_t u_t,
          dq = (sum_t da_t) W_q^T,  dk_t = da_t W_k^T,
          dW_q = q^T sum_t da_t,  dW_k = sum_t k_t^T da_t,  db = sum_t da_t.

Masked steps (padding after the end of a shorter sequence) get weight exactly 0 and no
gradient. Layout is batch-first: q (N, Hq), K (N, T, Hk), V (N, T, Hv).
"""

import numpy as np

from .._validation import as_float

__all__ = ["ATTENTION_KINDS", "attention_backward", "attention_forward"]

ATTENTION_KINDS = ("dot", "scaled_dot", "additive")


def _check(q, K, V, mask, kind, params):
    q, K, V = as_float(q), as_float(K), as_float(V)
    if q.ndim != 2 or K.ndim != 3 or V.ndim != 3:
        raise ValueError(f"attention needs q of shape (N, Hq), K (N, T, Hk) and V (N, T, Hv); "
                         f"got {q.shape}, {K.shape} and {V.shape}")
    N, T = K.shape[:2]
    if q.shape[0] != N or V.shape[:2] != (N, T):
        raise ValueError(f"q, K and V must have the same number of samples N and K, V the same "
                         f"number of steps T; got q {q.shape}, K {K.shape}, V {V.shape}")
    if kind not in ATTENTION_KINDS:
        raise ValueError(f"kind must be one of {ATTENTION_KINDS}, got {kind!r}")
    if kind == "additive":
        if any(p is None for p in params):
            raise ValueError("additive attention needs its parameters Wq, Wk, b and w")
        Wq, Wk, b, w = (as_float(p) for p in params)
        A = w.shape[0] if w.ndim == 1 else -1
        if Wq.shape != (q.shape[1], A) or Wk.shape != (K.shape[2], A) or b.shape != (A,):
            raise ValueError(f"additive attention with q of size {q.shape[1]}, keys of size "
                             f"{K.shape[2]} and w of shape {w.shape} needs Wq of shape "
                             f"({q.shape[1]}, A), Wk ({K.shape[2]}, A), b (A,) and w (A,) with "
                             f"one A; got {Wq.shape}, {Wk.shape}, {b.shape}")
        params = (Wq, Wk, b, w)
    elif q.shape[1] != K.shape[2]:
        raise ValueError(f"{kind} attention compares the query with each key, so they need the "
                         f"same size; got q of size {q.shape[1]} and keys of size {K.shape[2]} "
                         "(use kind='additive' for different sizes)")
    if mask is None:
        mask = np.ones((N, T), dtype=bool)
    else:
        mask = np.asarray(mask)
        if mask.shape != (N, T) or mask.dtype != bool:
            raise ValueError(f"mask must be booleans of shape (N, T) = {(N, T)} (True: the step "
                             f"may be attended), got {mask.dtype} {mask.shape}")
        if not np.all(mask.any(axis=1)):
            raise ValueError("every sample's mask needs at least one True step: attention over "
                             "no steps at all has no weights that sum to 1")
    return q, K, V, mask, params


def attention_forward(q, K, V, mask=None, kind="scaled_dot", Wq=None, Wk=None, b=None, w=None):
    """Attention of each query over its sequence, (A1)-(A3).

    Parameters
    ----------
    q : ndarray of shape (N, Hq)
        One query per sample (a decoder state).
    K : ndarray of shape (N, T, Hk)
        Keys, one per time step (encoder states).
    V : ndarray of shape (N, T, Hv)
        Values averaged by the weights (often the same array as K).
    mask : ndarray of bool of shape (N, T), optional
        False marks steps that must get no weight (padding).
    kind : {"dot", "scaled_dot", "additive"}
    Wq, Wk, b, w : ndarray, only for ``kind="additive"``
        Shapes (Hq, A), (Hk, A), (A,) and (A,).

    Returns
    -------
    c : ndarray of shape (N, Hv)
        The context vectors.
    alpha : ndarray of shape (N, T)
        The attention weights; each row sums to 1 over its unmasked steps.
    cache : tuple
    """
    q, K, V, mask, params = _check(q, K, V, mask, kind, (Wq, Wk, b, w))
    if kind == "additive":
        Wq, Wk, b, w = params
        u = np.tanh((q @ Wq)[:, None, :] + K @ Wk + b)                   # (N, T, A)
        e = u @ w
    else:
        u = None
        e = np.einsum("nd,ntd->nt", q, K)
        if kind == "scaled_dot":
            e = e / np.sqrt(K.shape[2])
    e = np.where(mask, e, -np.inf)
    e = e - e.max(axis=1, keepdims=True)          # shifted: exp never overflows
    alpha = np.exp(e)
    alpha /= alpha.sum(axis=1, keepdims=True)     # masked steps: exp(-inf) = 0 exactly
    c = np.einsum("nt,ntv->nv", alpha, V)
    return c, alpha, (q, K, V, alpha, kind, params, u)


def attention_backward(dc, cache, dalpha=None):
    """Gradients of attention, (A4)-(A6).

    Parameters
    ----------
    dc : ndarray of shape (N, Hv)
        dE/dc.
    cache : from :func:`attention_forward`
    dalpha : ndarray of shape (N, T), optional
        dE/dalpha, when the loss uses the weights directly as well.

    Returns
    -------
    dq, dK, dV : ndarrays of the shapes of q, K, V
        And for ``kind="additive"`` also dWq, dWk, db, dw.
    """
    q, K, V, alpha, kind, params, u = cache
    dc = as_float(dc)
    if dc.shape != (V.shape[0], V.shape[2]):
        raise ValueError(f"dc must have the shape of the context {(V.shape[0], V.shape[2])}, "
                         f"got {dc.shape}")
    dV = alpha[:, :, None] * dc[:, None, :]                                  # (A4)
    da_w = np.einsum("nv,ntv->nt", dc, V)
    if dalpha is not None:
        da_w = da_w + as_float(dalpha)
    de = alpha * (da_w - np.sum(alpha * da_w, axis=1, keepdims=True))       # (A5)
    if kind == "additive":
        Wq, Wk, b, w = params
        da = de[:, :, None] * w * (1.0 - u ** 2)                            # (A6)
        da_sum = da.sum(axis=1)                                              # (N, A)
        dw = np.einsum("nt,nta->a", de, u)
        dq = da_sum @ Wq.T
        dK = da @ Wk.T
        dWq = q.T @ da_sum
        dWk = np.einsum("ntk,nta->ka", K, da)
        return dq, dK, dV, dWq, dWk, da_sum.sum(axis=0), dw
    if kind == "scaled_dot":
        de = de / np.sqrt(K.shape[2])
    dq = np.einsum("nt,ntd->nd", de, K)
    dK = de[:, :, None] * q[:, None, :]
    return dq, dK, dV
