"""Generated regression data: a noisy line, a noisy sine, polynomial features and data splits.

Book: 03_gradient_descent (the MSE bowl, learning rates, mini-batches, overfitting).
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_array, check_interval, check_scalar

__all__ = ["linear_data", "polynomial_features", "sine_data", "train_val_test_split"]


def linear_data(n_samples=50, slope=2.0, intercept=-1.0, noise=0.5, x_range=(-1.0, 3.0),
                rng=None):
    """Points scattered around a line: t = slope * x + intercept + noise * epsilon.

    Parameters
    ----------
    n_samples : int
    slope, intercept : float
        The line the data come from (the answer linear regression should find).
    noise : float >= 0
        Standard deviation of the Gaussian noise epsilon added to each target.
    x_range : (float, float)
        x is drawn uniformly from this interval. An interval that is not centred on 0 makes
        the cost's bowl a tilted, elongated valley (slope and intercept are correlated).
    rng : None, int or Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 1)
    t : ndarray of shape (n_samples,)
    """
    rng = check_rng(rng)
    n_samples = check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
    slope = check_scalar(slope, "slope")
    intercept = check_scalar(intercept, "intercept")
    noise = check_scalar(noise, "noise", low=0)
    low, high = check_interval(x_range, "x_range")
    x = rng.uniform(low, high, n_samples)
    t = slope * x + intercept + noise * rng.standard_normal(n_samples)
    return x[:, None], t


def sine_data(n_samples=20, noise=0.2, x_range=(0.0, 1.0), rng=None):
    """Noisy samples of one period of a sine: t = sin(2 pi x) + noise * epsilon.

    The classic curve for overfitting: a polynomial of low degree cannot follow it, one of
    high degree follows the noise too.

    Parameters
    ----------
    n_samples : int
    noise : float >= 0
        Standard deviation of the Gaussian noise.
    x_range : (float, float)
        x is drawn uniformly from this interval.
    rng : None, int or Generator

    Returns
    -------
    x : ndarray of shape (n_samples,)
    t : ndarray of shape (n_samples,)
    """
    rng = check_rng(rng)
    n_samples = check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
    noise = check_scalar(noise, "noise", low=0)
    low, high = check_interval(x_range, "x_range")
    x = rng.uniform(low, high, n_samples)
    return x, np.sin(2 * np.pi * x) + noise * rng.standard_normal(n_samples)


def polynomial_features(x, degree):
    """The powers x, x^2, ..., x^degree as columns (the bias is the model's intercept).

    Parameters
    ----------
    x : array_like of shape (n_samples,)
    degree : int >= 0
        Degree 0 gives an array with no columns: the model is a constant.

    Returns
    -------
    Phi : ndarray of shape (n_samples, degree)
    """
    x = check_array(x, "x", ndim=1)
    degree = check_scalar(degree, "degree", kind=numbers.Integral, low=0)
    return x[:, None] ** np.arange(1, degree + 1)


def train_val_test_split(X, t, fractions=(0.6, 0.2, 0.2), rng=None):
    """Shuffle the samples once and cut them into training, validation and test sets.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
    t : array_like of shape (n_samples, ...)
    fractions : (float, float, float)
        Shares of the training, validation and test sets; they must add up to 1.
    rng : None, int or Generator

    Returns
    -------
    (X_train, t_train), (X_val, t_val), (X_test, t_test)
        The validation set is ``round(fractions[1] * n)`` samples, the test set
        ``round(fractions[2] * n)``, the training set the rest.
    """
    rng = check_rng(rng)
    X, t = np.asarray(X), np.asarray(t)
    if X.shape[:1] != t.shape[:1]:
        raise ValueError(f"X has {X.shape[0]} samples but t has {t.shape[0]} targets; "
                         "pass one target per sample")
    shares = [check_scalar(f, "each fraction", low=0) for f in fractions]
    if len(shares) != 3 or abs(sum(shares) - 1.0) > 1e-9:
        raise ValueError(f"fractions must be three shares (train, validation, test) that add "
                         f"up to 1; got {tuple(fractions)!r}")
    n = X.shape[0]
    n_val, n_test = int(round(shares[1] * n)), int(round(shares[2] * n))
    if n - n_val - n_test < 1:
        raise ValueError(f"{n} samples leave none for training with fractions {tuple(fractions)}; "
                         "pass more samples or a larger training share")
    order = rng.permutation(n)
    parts = np.split(order, [n - n_val - n_test, n - n_test])
    return tuple((X[idx], t[idx]) for idx in parts)


