"""Activation functions y = f(a) and their derivatives.

Book: 01_perceptron, section "The neuron" (the table of activation functions);
02_logistic_regression (the sigmoid as a probability, softmax); 04_backprop.

Each elementwise activation ``f`` comes with ``f_prime``, its derivative df/da, written next to
it. For use inside networks every activation also has a forward/backward pair in the style of
the rest of :mod:`dlcourse.core`::

    y, cache = activation_forward(a, "sigmoid")
    da = activation_backward(dy, cache)          # dy = dE/dy  ->  da = dE/da

Activations with parameters of their own (parametric ReLU, maxout, radial basis units) have
their own pairs whose backward also returns the gradient for those parameters. Every backward
returns the gradient of the loss being minimised (see the notation page).

At a kink (ReLU at 0, the threshold at 0) the derivative is not defined; we return the
one-sided value used in practice (0 for the threshold and sign units, 0 for ReLU at a = 0).
"""

import numpy as np

from .._validation import as_float

__all__ = [
    "linear", "linear_prime",
    "threshold", "threshold_prime",
    "sign", "sign_prime",
    "sigmoid", "sigmoid_prime",
    "tanh", "tanh_prime",
    "hard_tanh", "hard_tanh_prime",
    "ramp", "ramp_prime",
    "relu", "relu_prime",
    "leaky_relu", "leaky_relu_prime",
    "gaussian", "gaussian_prime",
    "ricker", "ricker_prime",
    "ACTIVATIONS",
    "activation_forward", "activation_backward",
    "prelu_forward", "prelu_backward",
    "maxout_forward", "maxout_backward",
    "softmax", "softmax_forward", "softmax_backward",
    "rbf_forward", "rbf_backward",
]


# --- elementwise activations -------------------------------------------------------------

def linear(a):
    """Identity unit, y = a."""
    return as_float(a).copy()


def linear_prime(a):
    """dy/da = 1."""
    return np.ones_like(as_float(a))


def threshold(a):
    """Rosenblatt's threshold (Heaviside step) unit: y = 1 if a > 0 else 0."""
    a = as_float(a)
    return (a > 0).astype(a.dtype)


def threshold_prime(a):
    """dy/da = 0 wherever it exists: the reason gradient descent cannot train this unit."""
    return np.zeros_like(as_float(a))


def sign(a):
    """The binary spin unit: y = +1 if a > 0 else -1 (so y is never 0, unlike ``np.sign``)."""
    a = as_float(a)
    return np.where(a > 0, 1.0, -1.0).astype(a.dtype)


def sign_prime(a):
    """dy/da = 0 wherever it exists."""
    return np.zeros_like(as_float(a))


def sigmoid(a):
    """Logistic sigmoid y = 1 / (1 + exp(-a)), computed without overflow.

    ``exp(-a)`` overflows for a < -709, so both branches are written with ``exp(-|a|)``,
    which lies in (0, 1]: for a >= 0, y = 1 / (1 + e); for a < 0, y = e / (1 + e).
    """
    a = as_float(a)
    e = np.exp(-np.abs(a))
    # one division for both: the numerator max(e, [a >= 0]) is 1 or e (e <= 1). The same values
    # as np.where(a >= 0, 1 / (1 + e), e / (1 + e)), which branches on the sign of every value
    # (a coin toss) and took longer than the exp.
    return np.maximum(e, a >= 0) / (1.0 + e)


def sigmoid_prime(a):
    """dy/da = y (1 - y): at most 1/4, and vanishing when the unit saturates."""
    y = sigmoid(a)
    return y * (1.0 - y)


def tanh(a):
    """Hyperbolic tangent, a sigmoid rescaled to (-1, 1): tanh(a) = 2 sigmoid(2a) - 1."""
    return np.tanh(as_float(a))


def tanh_prime(a):
    """dy/da = 1 - tanh(a)^2 = 1 / cosh(a)^2."""
    y = np.tanh(as_float(a))
    return 1.0 - y * y


def hard_tanh(a):
    """Piecewise-linear tanh: -1 below -1, a in between, +1 above 1."""
    return np.clip(as_float(a), -1.0, 1.0)


def hard_tanh_prime(a):
    """dy/da = 1 on (-1, 1), 0 outside."""
    a = as_float(a)
    return ((a > -1.0) & (a < 1.0)).astype(a.dtype)


def ramp(a):
    """Piecewise-linear sigmoid (saturating linear unit): 0 below 0, a on [0, 1], 1 above.

    The ramp is to the threshold unit what hard-tanh is to the sign unit: the same limits,
    joined by a straight line so that the unit has a useful slope in between.
    """
    return np.clip(as_float(a), 0.0, 1.0)


def ramp_prime(a):
    """dy/da = 1 on (0, 1), 0 outside."""
    a = as_float(a)
    return ((a > 0.0) & (a < 1.0)).astype(a.dtype)


def relu(a):
    """Rectified linear unit, y = max(0, a)."""
    return np.maximum(as_float(a), 0.0)


def relu_prime(a):
    """dy/da = 1 for a > 0, else 0."""
    a = as_float(a)
    return (a > 0).astype(a.dtype)


def leaky_relu(a, alpha=0.01):
    """y = a for a > 0, alpha * a otherwise: a small slope keeps 'dead' units learning."""
    a = as_float(a)
    return np.where(a > 0, a, a.dtype.type(alpha) * a)


def leaky_relu_prime(a, alpha=0.01):
    """dy/da = 1 for a > 0, alpha otherwise."""
    a = as_float(a)
    return np.where(a > 0, 1.0, alpha).astype(a.dtype)


def gaussian(r):
    """Gaussian radial basis function phi(r) = exp(-r^2)."""
    r = as_float(r)
    return np.exp(-r * r)


def gaussian_prime(r):
    """dphi/dr = -2 r exp(-r^2)."""
    r = as_float(r)
    return -2.0 * r * np.exp(-r * r)


def ricker(r):
    """Ricker ('Mexican hat') wavelet phi(r) = (1 - r^2) exp(-r^2 / 2)."""
    r = as_float(r)
    return (1.0 - r * r) * np.exp(-0.5 * r * r)


def ricker_prime(r):
    """dphi/dr = r (r^2 - 3) exp(-r^2 / 2)."""
    r = as_float(r)
    return r * (r * r - 3.0) * np.exp(-0.5 * r * r)


#: name -> (f, f_prime) for every elementwise activation.
ACTIVATIONS = {
    "linear": (linear, linear_prime),
    "threshold": (threshold, threshold_prime),
    "sign": (sign, sign_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "hard_tanh": (hard_tanh, hard_tanh_prime),
    "ramp": (ramp, ramp_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "gaussian": (gaussian, gaussian_prime),
    "ricker": (ricker, ricker_prime),
}


def _lookup(name):
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        names = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; choose one of {names}") from None


def activation_forward(a, name):
    """Apply an elementwise activation.

    Parameters
    ----------
    a : ndarray of any shape
        Net inputs (activities) a = w . x + b.
    name : str
        A key of :data:`ACTIVATIONS`.

    Returns
    -------
    y : ndarray, same shape as ``a``
    cache : tuple
        What :func:`activation_backward` needs.
    """
    f, _ = _lookup(name)
    return f(a), (name, a)


def activation_backward(dy, cache):
    """Chain rule through an elementwise activation: dE/da = dE/dy * f'(a).

    Parameters
    ----------
    dy : ndarray, same shape as the forward output
        dE/dy.
    cache : tuple
        From :func:`activation_forward`.

    Returns
    -------
    da : ndarray, same shape as ``dy``
    """
    name, a = cache
    _, f_prime = _lookup(name)
    return dy * f_prime(a)


# --- activations with parameters or coupling between units ----------------------------------

def prelu_forward(a, alpha):
    """Parametric ReLU: y = a for a > 0, alpha_j * a otherwise, with a learned slope per unit.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_units)
    alpha : ndarray of shape (n_units,)

    Returns
    -------
    y : ndarray of shape (n_samples, n_units)
    cache : tuple
    """
    y = np.where(a > 0, a, alpha * a)
    return y, (a, alpha)


def prelu_backward(dy, cache):
    """Gradients of the parametric ReLU.

    Returns
    -------
    da : ndarray of shape (n_samples, n_units)
    dalpha : ndarray of shape (n_units,)
        dE/dalpha_j = sum over samples of dE/dy * a where a <= 0.
    """
    a, alpha = cache
    negative = a <= 0
    da = np.where(negative, alpha * dy, dy)
    dalpha = np.sum(np.where(negative, a * dy, 0.0), axis=0)
    return da, dalpha


def maxout_forward(x, W, b):
    """Maxout unit: y_j = max_k (x . W[:, j, k] + b[j, k]), the best of k linear pieces.

    ReLU is maxout with two pieces, one of them fixed at zero; leaky ReLU is maxout with the
    second piece a shallow copy of the first.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_in)
    W : ndarray of shape (n_in, n_units, n_pieces)
    b : ndarray of shape (n_units, n_pieces)

    Returns
    -------
    y : ndarray of shape (n_samples, n_units)
    cache : tuple
    """
    z = np.einsum("ni,ijk->njk", x, W) + b          # (n_samples, n_units, n_pieces)
    k_star = np.argmax(z, axis=2)                    # the winning piece of each unit
    y = np.take_along_axis(z, k_star[:, :, None], axis=2)[:, :, 0]
    return y, (x, W, k_star)


def maxout_backward(dy, cache):
    """Gradients of maxout: only the winning piece of each unit receives the gradient.

    Returns
    -------
    dx : ndarray of shape (n_samples, n_in)
    dW : ndarray of shape (n_in, n_units, n_pieces)
    db : ndarray of shape (n_units, n_pieces)
    """
    x, W, k_star = cache
    n_pieces = W.shape[2]
    dz = dy[:, :, None] * (k_star[:, :, None] == np.arange(n_pieces))   # route to the winner
    dx = np.einsum("njk,ijk->ni", dz, W)
    dW = np.einsum("ni,njk->ijk", x, dz)
    db = dz.sum(axis=0)
    return dx, dW, db


def softmax(a, axis=-1):
    """Softmax y_k = exp(a_k) / sum_j exp(a_j), stable for any a.

    Subtracting max_j a_j leaves y unchanged (it cancels between numerator and denominator)
    and keeps every exponent <= 0, so nothing overflows.
    """
    a = as_float(a)
    z = a - np.max(a, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_forward(a):
    """Softmax over the last axis.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    y : ndarray of shape (n_samples, n_classes)
        Each row is positive and sums to 1.
    cache : ndarray
        ``y`` itself, which is all the backward pass needs.
    """
    y = softmax(a, axis=-1)
    return y, y


def softmax_backward(dy, cache):
    """dE/da_k = y_k (dE/dy_k - sum_j dE/dy_j y_j), the softmax Jacobian applied to dy.

    Returns
    -------
    da : ndarray of shape (n_samples, n_classes)
    """
    y = cache
    return y * (dy - np.sum(dy * y, axis=-1, keepdims=True))


_RBF = {
    # phi as a function of s = r^2, and dphi/ds: smooth even where r = 0
    "gaussian": (lambda s: np.exp(-s), lambda s: -np.exp(-s)),
    "ricker": (lambda s: (1.0 - s) * np.exp(-0.5 * s),
               lambda s: (0.5 * s - 1.5) * np.exp(-0.5 * s)),
}


def rbf_forward(x, c, beta, phi="gaussian"):
    """Radial basis units: y_nj = phi(r_nj) with r_nj = beta_j * ||x_n - c_j||.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_in)
    c : ndarray of shape (n_units, n_in)
        Centres.
    beta : ndarray of shape (n_units,)
        Inverse widths.
    phi : {"gaussian", "ricker"}

    Returns
    -------
    y : ndarray of shape (n_samples, n_units)
    cache : tuple
    """
    if phi not in _RBF:
        raise ValueError(f"unknown radial function {phi!r}; choose 'gaussian' or 'ricker'")
    diff = x[:, None, :] - c[None, :, :]             # (n_samples, n_units, n_in)
    d2 = np.sum(diff * diff, axis=2)                 # squared distances
    s = beta**2 * d2                                 # s = r^2
    y = _RBF[phi][0](s)
    return y, (diff, d2, beta, s, phi)


def rbf_backward(dy, cache):
    """Gradients of radial basis units with respect to inputs, centres and widths.

    Returns
    -------
    dx : ndarray of shape (n_samples, n_in)
    dc : ndarray of shape (n_units, n_in)
    dbeta : ndarray of shape (n_units,)
    """
    diff, d2, beta, s, phi = cache
    ds = dy * _RBF[phi][1](s)                        # dE/ds, (n_samples, n_units)
    # s = beta^2 ||x - c||^2:  ds/dx = 2 beta^2 (x - c),  ds/dc = -ds/dx,  ds/dbeta = 2 beta d2
    g = 2.0 * (ds * beta**2)[:, :, None] * diff
    dx = g.sum(axis=1)
    dc = -g.sum(axis=0)
    dbeta = np.sum(ds * 2.0 * beta * d2, axis=0)
    return dx, dc, dbeta
