"""Autoencoder pieces: the one-hidden-layer autoencoder (tied or untied), the KL sparsity
penalty, the contractive penalty, and the corruptions of a denoising autoencoder.

Book: 15_autoencoders, sections "Copying through a bottleneck", "Overcomplete codes" and
"Denoising and contractive".

The autoencoder codes x (a row) as h = f(x W + b) and reconstructs it as
r = g(h W_dec + c), with W_dec = W^T when the weights are tied:

    (A1)  h = f(x W + b),  r = g(h W_dec + c)

With tied weights W appears twice, so its gradient is the sum of the encoder's part and the
transpose of the decoder's part:

    (A2)  dE/dW = x^T delta_h + (h^T delta_r)^T

Sparse autoencoder: with rho_hat_j the mean activation of hidden unit j over the batch and a
target rho, the penalty beta sum_j KL(rho || rho_hat_j) pushes most units to be mostly off:

    (A3)  KL(rho || rho_hat) = rho log(rho / rho_hat) + (1 - rho) log((1 - rho) / (1 - rho_hat))
    (A4)  dP/dh_nj = (beta / N) (-rho / rho_hat_j + (1 - rho) / (1 - rho_hat_j))

Contractive autoencoder: the penalty is the squared Frobenius norm of the encoder's Jacobian
dh/dx, averaged over the batch. For a sigmoid encoder dh_j/dx_i = h_j (1 - h_j) W_ij, so with
s = h (1 - h) and w2_j = sum_i W_ij^2

    (A5)  P = (lambda / N) sum_n sum_j s_nj^2 w2_j
    (A6)  dP/dW = (lambda / N) [X^T (2 s^2 (1 - 2h) w2) + 2 W sum_n s_n^2],
          dP/db = (lambda / N) sum_n 2 s_n^2 (1 - 2 h_n) w2
"""

import numpy as np

from .._rng import check_rng
from .._validation import as_float
from .activations import ACTIVATIONS, activation_backward, activation_forward

__all__ = ["autoencoder_backward", "autoencoder_forward", "contractive_penalty",
           "gaussian_corruption", "kl_sparsity_backward", "kl_sparsity_forward",
           "masking_corruption"]


def autoencoder_forward(X, W, b, c, W_dec=None, encoder="sigmoid", decoder="sigmoid"):
    """(A1) for a batch.

    Parameters
    ----------
    X : ndarray of shape (N, d)
    W : ndarray of shape (d, k)
        Encoder weights.
    b : ndarray of shape (k,)
    c : ndarray of shape (d,)
    W_dec : ndarray of shape (k, d), optional
        Decoder weights; None ties them to W^T.
    encoder, decoder : str
        Activations f and g (a sigmoid decoder for binary data with the cross-entropy, a
        linear one for real data with the squared error).

    Returns
    -------
    H : ndarray of shape (N, k)
        The codes.
    R : ndarray of shape (N, d)
        The reconstructions.
    cache : tuple
    """
    X = as_float(X)
    if X.ndim != 2 or W.ndim != 2 or W.shape[0] != X.shape[1]:
        raise ValueError(f"X (N, d) and W (d, k) must agree on d; got {X.shape} and {W.shape}")
    k = W.shape[1]
    tied = W_dec is None
    W_dec = W.T if tied else W_dec
    if b.shape != (k,) or c.shape != (X.shape[1],) or W_dec.shape != (k, X.shape[1]):
        raise ValueError(f"b must be ({k},), c ({X.shape[1]},) and W_dec ({k}, {X.shape[1]}); "
                         f"got {b.shape}, {c.shape} and {W_dec.shape}")
    H, cache_h = activation_forward(X @ W + b, encoder)
    R, cache_r = activation_forward(H @ W_dec + c, decoder)
    return H, R, (X, H, W, W_dec, tied, cache_h, cache_r)


def autoencoder_backward(dR, cache, dH=None):
    """Gradients of (A1); ``dH`` adds a gradient on the codes (a penalty's, (A4)).

    Returns
    -------
    dX : ndarray of shape (N, d)
    dW : ndarray of shape (d, k)
        With tied weights, the sum (A2).
    db, dc : ndarray of shape (k,), (d,)
    dW_dec : ndarray of shape (k, d), or None when tied
    """
    X, H, W, W_dec, tied, cache_h, cache_r = cache
    delta_r = activation_backward(dR, cache_r)
    dW_dec = H.T @ delta_r
    dH_total = delta_r @ W_dec.T
    if dH is not None:
        dH_total = dH_total + dH
    delta_h = activation_backward(dH_total, cache_h)
    dW = X.T @ delta_h
    if tied:
        dW = dW + dW_dec.T                                            # (A2)
    return delta_h @ W.T, dW, delta_h.sum(axis=0), delta_r.sum(axis=0), \
        None if tied else dW_dec


def _check_rho(rho):
    if not 0 < rho < 1:
        raise ValueError(f"the target activation rho must lie strictly between 0 and 1, got {rho}")


def kl_sparsity_forward(H, rho=0.05, beta=1.0):
    """(A3): beta sum_j KL(rho || mean_n H_nj), for activations in (0, 1).

    Returns
    -------
    penalty : float
    cache : tuple
    """
    _check_rho(rho)
    H = as_float(H)
    # a unit that is always 0 or always 1 has an infinite penalty: keep rho_hat inside (0, 1)
    tiny = np.finfo(H.dtype).eps
    rho_hat = np.clip(H.mean(axis=0), tiny, 1 - tiny)
    kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
    return float(beta * kl.sum()), (rho_hat, rho, beta, H.shape[0])


def kl_sparsity_backward(cache):
    """(A4): the penalty's gradient with respect to every activation, shape (N, k)."""
    rho_hat, rho, beta, N = cache
    per_unit = beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / N
    return np.broadcast_to(per_unit, (N, rho_hat.shape[0])).copy()


def contractive_penalty(X, W, b, lam):
    """(A5)-(A6) for a sigmoid encoder h = sigmoid(X W + b).

    Returns
    -------
    penalty : float
    dW : ndarray of shape (d, k)
    db : ndarray of shape (k,)
    """
    X = as_float(X)
    H = ACTIVATIONS["sigmoid"][0](X @ W + b)
    s = H * (1.0 - H)                      # dh/da of each unit for each sample
    w2 = np.sum(W * W, axis=0)             # squared length of each unit's weight vector
    N = X.shape[0]
    penalty = lam / N * np.sum(s * s * w2)
    g = 2.0 * s * s * (1.0 - 2.0 * H) * w2          # d(s^2 w2)/da, per sample and unit
    dW = lam / N * (X.T @ g + 2.0 * W * np.sum(s * s, axis=0))
    db = lam / N * g.sum(axis=0)
    return float(penalty), dW, db


def masking_corruption(X, p_drop, rng=None):
    """Set each entry to 0 with probability ``p_drop`` (the denoising autoencoder's masking
    noise); returns the corrupted copy."""
    if not 0 <= p_drop < 1:
        raise ValueError(f"p_drop is the probability of zeroing an entry, in [0, 1); got {p_drop}")
    X = as_float(X)
    rng = check_rng(rng)
    return X * (rng.random(X.shape) >= p_drop)


def gaussian_corruption(X, sigma, rng=None):
    """X plus Gaussian noise of standard deviation ``sigma``; returns the corrupted copy."""
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    X = as_float(X)
    return X + sigma * check_rng(rng).standard_normal(X.shape).astype(X.dtype)
