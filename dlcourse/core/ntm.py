"""Neural Turing Machine addressing, step by step, each a forward/backward pair.

Book: 17_beyond, section "Neural Turing Machines".

A memory M of N rows (locations) of width W is read and written through a weighting w over
the locations (non-negative, summing to 1). A head computes it from its controller's outputs
in four steps (Graves et al., 2014):

    (N1) content:       K_i = k . M_i / (|k| |M_i|),   w^c = softmax(beta K)       (beta >= 0)
    (N2) interpolation: w^g = g w^c + (1 - g) w_prev                              (0 <= g <= 1)
    (N3) shift:         w~_i = sum_o s_o w^g_{(i - o) mod N}    (s a distribution over offsets
                        -S//2 .. S//2: a circular convolution)
    (N4) sharpening:    w_i = (w~_i)^gamma / sum_j (w~_j)^gamma                     (gamma >= 1)

Content addressing finds a location by what it holds (the soft, content-based lookup that
attention also is); interpolation, shift and sharpening add location-based addressing: stay
where the head was, move by one, and undo the blur the shift causes. Reading and writing:

    (N5) read:   r = w M
    (N6) write:  M' = M * (1 - w e^T) + w a^T      (erase vector e in [0, 1]^W, add vector a)

Every step is differentiable, so a controller can learn to address by gradient descent.
"""

import numpy as np

from .._validation import as_float
from .activations import softmax

__all__ = ["address_backward", "address_forward", "content_backward", "content_forward", "interpolate_backward", "interpolate_forward",
           "read_backward", "read_forward", "sharpen_backward", "sharpen_forward",
           "shift_backward", "shift_forward", "write_backward", "write_forward"]

_EPS = 1e-8     # keeps the cosine finite for an all-zero row or key


def content_forward(M, k, beta):
    """(N1): M (N, W), key k (W,), strength beta >= 0 -> (w (N,), cache)."""
    M, k = as_float(M), as_float(k)
    if M.ndim != 2 or k.shape != (M.shape[1],):
        raise ValueError(f"the key must have the memory's width: M (N, W) = {M.shape}, "
                         f"k {k.shape}")
    if beta < 0:
        raise ValueError(f"the key strength beta must be >= 0, got {beta}")
    len_M, len_k = np.sqrt(np.sum(M * M, axis=1)), float(np.sqrt(k @ k))
    denom = (len_M + _EPS) * (len_k + _EPS)
    K = (M @ k) / denom
    w = softmax(beta * K)
    return w, (M, k, beta, len_M, len_k, denom, K, w)


def content_backward(dw, cache):
    """Gradients of (N1): (dM (N, W), dk (W,), dbeta)."""
    M, k, beta, len_M, len_k, denom, K, w = cache
    dz = w * (dw - np.dot(dw, w))                   # through the softmax
    dbeta = float(np.dot(dz, K))
    dK = dz * beta
    # K_i = (M_i . k) / ((|M_i| + eps)(|k| + eps)); d|v|/dv = v / |v| (0 for v = 0)
    unit_M = np.divide(M, len_M[:, None], out=np.zeros_like(M), where=len_M[:, None] > 0)
    unit_k = k / len_k if len_k > 0 else np.zeros_like(k)
    dM = (dK / denom)[:, None] * k - (dK * K / (len_M + _EPS))[:, None] * unit_M
    dk = (dK / denom) @ M - np.sum(dK * K) / (len_k + _EPS) * unit_k
    return dM, dk, dbeta


def interpolate_forward(w_c, w_prev, g):
    """(N2): the gate g in [0, 1] mixes the content weighting with the previous one."""
    if not 0 <= g <= 1:
        raise ValueError(f"the interpolation gate g must lie in [0, 1], got {g}")
    return g * w_c + (1 - g) * w_prev, (w_c, w_prev, g)


def interpolate_backward(dw, cache):
    """Gradients of (N2): (dw_c, dw_prev, dg)."""
    w_c, w_prev, g = cache
    return g * dw, (1 - g) * dw, float(np.dot(dw, w_c - w_prev))


def _offsets(s):
    S = len(s)
    if S % 2 == 0:
        raise ValueError(f"the shift distribution needs an odd length (offsets -S//2..S//2), "
                         f"got {S}")
    return np.arange(S) - S // 2


def shift_forward(w, s):
    """(N3): circular convolution of w (N,) with the shift distribution s (S,), S odd.

    ``s = [0, 0, 1]`` (offsets -1, 0, +1) moves the focus one location forward, like
    ``np.roll(w, 1)``.
    """
    w, s = as_float(w), as_float(s)
    out = np.zeros_like(w)
    for o, s_o in zip(_offsets(s), s):
        out += s_o * np.roll(w, o)                  # np.roll(w, o)[i] = w[(i - o) mod N]
    return out, (w, s)


def shift_backward(dout, cache):
    """Gradients of (N3): (dw (N,), ds (S,))."""
    w, s = cache
    dw = np.zeros_like(w)
    ds = np.empty_like(s)
    for j, (o, s_o) in enumerate(zip(_offsets(s), s)):
        dw += s_o * np.roll(dout, -o)               # the adjoint of a roll is the roll back
        ds[j] = np.dot(dout, np.roll(w, o))
    return dw, ds


def sharpen_forward(w, gamma):
    """(N4): w^gamma renormalised; gamma >= 1 makes the weighting sharper."""
    if gamma < 1:
        raise ValueError(f"the sharpening exponent gamma must be >= 1, got {gamma}")
    w = as_float(w)
    p = np.power(np.maximum(w, 0.0), gamma)
    total = p.sum()
    return p / total, (w, gamma, p, total)


def sharpen_backward(dout, cache):
    """Gradients of (N4): (dw (N,), dgamma)."""
    w, gamma, p, total = cache
    out = p / total
    dp = (dout - np.dot(dout, out)) / total          # through the normalisation
    safe = w > 0
    dw = np.where(safe, dp * gamma * np.divide(p, w, out=np.zeros_like(w), where=safe), 0.0)
    log_w = np.log(w, out=np.zeros_like(w), where=safe)
    dgamma = float(np.sum(dp * p * log_w))
    return dw, dgamma


def read_forward(M, w):
    """(N5): r = w M, the weighted sum of the rows."""
    return w @ M, (M, w)


def read_backward(dr, cache):
    """Gradients of (N5): (dM, dw)."""
    M, w = cache
    return np.outer(w, dr), M @ dr


def write_forward(M, w, e, a):
    """(N6): erase by w e^T, then add w a^T; returns the new memory and the cache."""
    M, w, e, a = as_float(M), as_float(w), as_float(e), as_float(a)
    if np.any(e < 0) or np.any(e > 1):
        raise ValueError("the erase vector's entries must lie in [0, 1] (a sigmoid output)")
    keep = 1.0 - np.outer(w, e)
    return M * keep + np.outer(w, a), (M, w, e, a, keep)


def write_backward(dM_new, cache):
    """Gradients of (N6): (dM, dw, de, da)."""
    M, w, e, a, keep = cache
    d_keep = dM_new * M                             # dE/d(1 - w e^T)
    dw = -(d_keep @ e) + dM_new @ a
    de = -(w @ d_keep)
    da = w @ dM_new
    return dM_new * keep, dw, de, da


def address_forward(M, w_prev, k, beta, g, s, gamma):
    """One head's weighting, (N1)-(N4) composed.

    Parameters
    ----------
    M : ndarray of shape (N, W)
        The memory.
    w_prev : ndarray of shape (N,)
        The head's weighting at the previous step.
    k : ndarray of shape (W,)
        The key; ``beta`` >= 0 its strength.
    g : float in [0, 1]
        Interpolation gate: 1 uses the content weighting, 0 the previous weighting.
    s : ndarray of shape (S,), S odd
        Distribution over the shifts -S//2 .. S//2.
    gamma : float >= 1
        Sharpening exponent.

    Returns
    -------
    w : ndarray of shape (N,)
    cache : tuple
        The four steps' caches, for :func:`address_backward`.
    """
    w_c, c1 = content_forward(M, k, beta)
    w_g, c2 = interpolate_forward(w_c, as_float(w_prev), g)
    w_s, c3 = shift_forward(w_g, s)
    w, c4 = sharpen_forward(w_s, gamma)
    return w, (c1, c2, c3, c4)


def address_backward(dw, cache):
    """Gradients of :func:`address_forward`, the four backward steps in reverse order.

    Returns
    -------
    dM, dw_prev, dk, dbeta, dg, ds, dgamma
        One gradient per input, with the input's shape (floats for the scalars).
    """
    c1, c2, c3, c4 = cache
    dw_s, dgamma = sharpen_backward(dw, c4)
    dw_g, ds = shift_backward(dw_s, c3)
    dw_c, dw_prev, dg = interpolate_backward(dw_g, c2)
    dM, dk, dbeta = content_backward(dw_c, c1)
    return dM, dw_prev, dk, dbeta, dg, ds, dgamma
