"""Loss functions E and their gradients.

Book: 01_perceptron, section "The sigmoid unit" (binary cross-entropy); 02_logistic_regression
extends this module.

Losses are averaged over the samples of a batch. A forward returns ``(E, cache)`` with E a
float; the backward takes ``dE`` (1.0 when E is the loss itself) and returns dE/da for the
net input ``a``. Working from ``a`` (the logit) rather than from y = sigmoid(a) is what makes
these losses stable: the logarithms are never taken of a probability rounded to 0 or 1.
"""

import numpy as np

from .activations import sigmoid

__all__ = ["softplus", "binary_cross_entropy_forward", "binary_cross_entropy_backward"]


def softplus(a):
    """log(1 + exp(a)) without overflow: max(a, 0) + log1p(exp(-|a|))."""
    a = np.asarray(a, dtype=float)
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def binary_cross_entropy_forward(a, t):
    """Mean cross-entropy of sigmoid units, from their net inputs.

    E = -(1/n) sum_n [t_n ln y_n + (1 - t_n) ln(1 - y_n)] with y_n = sigmoid(a_n).
    Since -ln sigmoid(a) = softplus(-a) and -ln(1 - sigmoid(a)) = softplus(a), this is
    E = (1/n) sum_n [softplus(a_n) - t_n a_n], finite for every a.

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
        Net inputs (logits).
    t : ndarray of shape (n_samples,)
        Targets in [0, 1].

    Returns
    -------
    E : float
    cache : tuple
    """
    a = np.asarray(a, dtype=float)
    t = np.asarray(t, dtype=float)
    E = float(np.mean(softplus(a) - t * a))
    return E, (a, t)


def binary_cross_entropy_backward(dE, cache):
    """dE/da_n = (y_n - t_n) / n: the sigmoid's slope cancels against the logarithm.

    Returns
    -------
    da : ndarray of shape (n_samples,)
    """
    a, t = cache
    return dE * (sigmoid(a) - t) / a.shape[0]
