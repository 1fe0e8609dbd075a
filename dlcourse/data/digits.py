"""The 8x8 handwritten digits bundled with scikit-learn (1,797 images; no download).

Book: 01_perceptron (two-digit tasks), 02_logistic_regression, 04_backprop.
"""

import numpy as np
from sklearn.datasets import load_digits as _sklearn_digits

__all__ = ["load_digits"]


def load_digits(digits=None, scale=True):
    """Load the digits, optionally only some classes.

    Parameters
    ----------
    digits : sequence of int, optional
        Keep only these digits (e.g. ``(0, 1)`` for a two-class task).
    scale : bool
        Divide pixel intensities (0..16) by 16 so they lie in [0, 1].

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
    t : ndarray of int of shape (n_samples,)
        The digit shown.
    """
    bunch = _sklearn_digits()
    X, t = bunch.data.astype(np.float64), bunch.target.astype(int)
    if digits is not None:
        wanted = np.asarray(digits, dtype=int)
        if wanted.size == 0 or np.any((wanted < 0) | (wanted > 9)):
            raise ValueError(f"digits must be values in 0..9, got {list(digits)}")
        keep = np.isin(t, wanted)
        X, t = X[keep], t[keep]
    if scale:
        X = X / 16.0
    return X, t
