"""Regularisers: dropout as a forward/backward pair, and the weight penalties.

Book: 06_regularization, sections "Dropout", "L2: weight decay", "L1: constant shrinkage" and
"Elastic net and max-norm".

Dropout is named by its **drop** probability, ``p_drop``: the fraction of units silenced in
training. (The seed notes and many courses write p for the *keep* probability; mixing the two
is the most reported dropout bug, so the name says which.) It is inverted dropout: the kept
units are scaled by 1 / (1 - p_drop) during training, so that each unit's expected output is
unchanged and the network is used as it is at test time.

The penalties are functions of one weight array returning the penalty's value and its
gradient, to be added to the data loss and its gradient. Biases are not penalised by
convention: they do not make a network more flexible, only shift its units.
"""

import numpy as np

from .._rng import check_rng
from .._validation import as_float, check_scalar

__all__ = ["dropout_forward", "dropout_backward", "l2_penalty", "l1_penalty",
           "elastic_net_penalty", "max_norm_project"]


def _check_p_drop(p_drop):
    return check_scalar(p_drop, "p_drop (the probability of dropping a unit)", low=0, high=1,
                        include_high=False)


def dropout_forward(x, p_drop, train=True, rng=None, mask=None):
    """Inverted dropout: y = x * m / (1 - p_drop) with m_i ~ Bernoulli(1 - p_drop) in training,
    y = x at test time.

    Book: 06_regularization, eq. (DO1).

    Parameters
    ----------
    x : ndarray of any shape, e.g. (n_samples, n_units)
    p_drop : float in [0, 1)
        Probability of dropping each unit (not of keeping it).
    train : bool, default=True
        Drop units (training) or pass x through unchanged (evaluation).
    rng : None, int or Generator
        Draws the mask when ``mask`` is not given.
    mask : ndarray of bool of the shape of x, optional
        Which units are kept (True) in training: pass it to reuse a mask or to compare with
        another implementation; it is scaled by 1 / (1 - p_drop) here.

    Returns
    -------
    out : ndarray of the shape of x
    cache : ndarray or None
        The scaled mask m / (1 - p_drop) (None at test time or with p_drop = 0).
    """
    x = as_float(x)
    p_drop = _check_p_drop(p_drop)
    if not train or p_drop == 0.0:
        return x.copy(), None
    if mask is None:
        mask = check_rng(rng).random(x.shape) >= p_drop
    elif np.shape(mask) != x.shape:
        raise ValueError(f"mask has shape {np.shape(mask)} but x has {x.shape}; pass one "
                         "True/False entry per unit of x")
    scaled = np.asarray(mask, dtype=x.dtype) / x.dtype.type(1.0 - p_drop)
    return x * scaled, scaled


def dropout_backward(dout, cache):
    """dE/dx = dE/dy * m / (1 - p_drop): the error flows back only through kept units.

    Parameters
    ----------
    dout : ndarray of the shape of x
    cache : from :func:`dropout_forward`

    Returns
    -------
    dx : ndarray of the shape of x
    """
    return dout.copy() if cache is None else dout * cache


def l2_penalty(W, lam):
    """(lam / 2) sum w^2 and its gradient lam * w (weight decay).

    Book: 06_regularization, eq. (L2).

    Parameters
    ----------
    W : ndarray, any shape
    lam : float >= 0

    Returns
    -------
    value : float
    dW : ndarray of the shape of W
    """
    lam = check_scalar(lam, "lam", low=0)
    return 0.5 * lam * float(np.sum(W * W)), lam * W


def l1_penalty(W, lam):
    """lam sum |w| and its (sub)gradient lam * sign(w), with sign(0) = 0.

    Book: 06_regularization, eq. (L1).

    L1 shrinks every weight by the same amount eta * lam per step whatever its size, so
    small weights reach zero and stay near it; sign(0) = 0 leaves an exact zero alone
    rather than kicking it away.

    Returns
    -------
    value : float
    dW : ndarray of the shape of W
    """
    lam = check_scalar(lam, "lam", low=0)
    return lam * float(np.sum(np.abs(W))), lam * np.sign(W)


def elastic_net_penalty(W, lam1, lam2):
    """lam1 sum |w| + (lam2 / 2) sum w^2: L1 and L2 together, and its gradient.

    Book: 06_regularization, eq. (EN).

    The seed notes write lam2 w^2; the 1/2 here makes lam2 mean what lam means in
    :func:`l2_penalty` (gradient lam2 w). scikit-learn's ``alpha, l1_ratio`` is
    lam1 = alpha * l1_ratio, lam2 = alpha * (1 - l1_ratio).

    Returns
    -------
    value : float
    dW : ndarray of the shape of W
    """
    v1, g1 = l1_penalty(W, lam1)
    v2, g2 = l2_penalty(W, lam2)
    return v1 + v2, g1 + g2


def max_norm_project(W, c, axis=0):
    """Project every unit's incoming weight vector onto the ball ||w||_2 <= c.

    Book: 06_regularization, eq. (MN).

    A constraint, not a penalty: applied after each update, it leaves vectors inside the ball
    alone and rescales longer ones to length c, so no weight can grow without bound however
    large the learning rate.

    Parameters
    ----------
    W : ndarray of shape (n_in, n_out)
        A layer's weights; column j holds unit j's incoming weights.
    c : float > 0
        Largest allowed norm.
    axis : int, default=0
        The axis along which a unit's incoming weights lie.

    Returns
    -------
    ndarray of the shape of W
        A new array (assign it back with ``W[...] = max_norm_project(W, c)``).
    """
    c = check_scalar(c, "c (the largest norm of a unit's weights)", low=0, include_low=False)
    norms = np.sqrt(np.sum(W * W, axis=axis, keepdims=True))
    return W * np.minimum(1.0, c / np.maximum(norms, np.finfo(W.dtype).tiny))
