"""The perceptron: one unit y = f(w . x + b) and its learning rule, in vectorised NumPy.

Book: 01_perceptron, section "The perceptron learning rule".

The update for a mini-batch B is

    w <- w - eta * ( (1/|B|) sum_{n in B} (y_n - t_n) x_n + alpha w )        (P2)
    b <- b - eta *   (1/|B|) sum_{n in B} (y_n - t_n)

with y = threshold(a) for Rosenblatt's rule and y = sigmoid(a) for the logistic unit. For
the sigmoid unit, (y - t) x is exactly the gradient of the cross-entropy; for the threshold
unit it is the gradient of the perceptron criterion sum_n (y_n - t_n) a_n, which is zero on
correctly classified samples and positive on the others. One rule, two units: the book
compares them. ``alpha`` is an optional L2 penalty (alpha/2)|w|^2 on the weights.

The loop form of one epoch, compiled with Numba, is :func:`dlcourse.kernels.perceptron.perceptron_epoch`;
:func:`perceptron_epoch` here is its reference and both give the same weights.
"""

import numpy as np

from .activations import sigmoid, threshold
from .losses import softplus

__all__ = ["UNITS", "net_input", "unit_output", "perceptron_gradient", "perceptron_step",
           "perceptron_epoch"]

UNITS = ("threshold", "sigmoid")


def net_input(X, w, b):
    """a = X w + b, the activity of the unit for each sample.        (P1)

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    w : ndarray of shape (n_features,)
    b : float

    Returns
    -------
    a : ndarray of shape (n_samples,)
    """
    return X @ w + b


def unit_output(a, unit):
    """y = f(a) for the perceptron's ``unit``: "threshold" (0/1) or "sigmoid" (in (0, 1))."""
    return threshold(a) if unit == "threshold" else sigmoid(a)


def perceptron_gradient(X, t, y, w=None, alpha=0.0):
    """Gradient of the rule (P2): the mean of (y_n - t_n) x_n, plus alpha w.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
        Targets in {0, 1}.
    y : ndarray of shape (n_samples,)
        Outputs of the unit.
    w : ndarray of shape (n_features,), optional
        Needed only when ``alpha > 0``.
    alpha : float
        L2 penalty strength.

    Returns
    -------
    dw : ndarray of shape (n_features,)
    db : float
    """
    delta = y - t                                   # the error of each sample
    dw = X.T @ delta / X.shape[0]
    if alpha:
        dw = dw + alpha * w
    db = float(np.mean(delta))
    return dw, db


def perceptron_step(X, t, w, b, eta, unit, alpha=0.0):
    """One update (P2) on the mini-batch (X, t); returns the new w, b and the outputs y.

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    y : ndarray of shape (n_samples,)
        Outputs before the update.
    a : ndarray of shape (n_samples,)
        Net inputs before the update.
    """
    a = net_input(X, w, b)
    y = unit_output(a, unit)
    dw, db = perceptron_gradient(X, t, y, w, alpha)
    return w - eta * dw, b - eta * db, y, a


def perceptron_epoch(X, t, w, b, order, eta, batch_size, unit, alpha=0.0):
    """One pass over the data in the given ``order``, updating after every mini-batch.

    Online learning is ``batch_size=1``; batch learning is ``batch_size=n_samples``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    b : float
    order : ndarray of int of shape (n_samples,)
        The order in which samples are visited (a permutation drawn by the caller).
    eta : float
    batch_size : int
    unit : {"threshold", "sigmoid"}
    alpha : float

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    n_errors : int
        Samples misclassified when they were visited (before their update).
    loss : float
        Mean loss over the epoch, each sample counted before its update: the perceptron
        criterion for the threshold unit, the cross-entropy for the sigmoid unit.
    """
    n_errors, loss = 0, 0.0
    for start in range(0, X.shape[0], batch_size):
        idx = order[start:start + batch_size]
        w, b, y, a = perceptron_step(X[idx], t[idx], w, b, eta, unit, alpha)
        n_errors += int(np.sum((a > 0) != (t[idx] > 0.5)))
        if unit == "threshold":
            loss += float(np.sum((y - t[idx]) * a))
        else:
            loss += float(np.sum(softplus(a) - t[idx] * a))
    return w, b, n_errors, loss / X.shape[0]
