"""How many labelings can one unit learn? Linear separability and Cover's counting theorem.

Book: 01_perceptron, section "Capacity".

P points in general position in d dimensions, labelled in all 2^P ways: a unit with d weights
and no bias can realise exactly C(P, d) = 2 sum_{k=0}^{d-1} binom(P - 1, k) of the labelings
(Cover, 1965). With a bias, use d = n_features + 1. The fraction C(P, d) / 2^P is 1 up to
P = d, exactly 1/2 at P = 2d, and falls to 0 beyond: the capacity is two patterns per weight.
"""

import numbers
from fractions import Fraction
from math import comb

import numpy as np
from scipy.optimize import linprog

from .._rng import check_rng
from .._validation import check_scalar, check_X_t

__all__ = ["cover_count", "cover_fraction", "is_linearly_separable", "separable_fraction"]


def cover_count(P, d):
    """Number of labelings of P points in general position that d weights can realise."""
    P = check_scalar(P, "P", kind=numbers.Integral, low=0)
    d = check_scalar(d, "d", kind=numbers.Integral, low=1)
    if P == 0:
        return 1
    return 2 * sum(comb(P - 1, k) for k in range(d))


def cover_fraction(P, d):
    """Fraction C(P, d) / 2^P of labelings that are linearly separable (exact)."""
    P = check_scalar(P, "P", kind=numbers.Integral, low=0)
    # integer division first keeps the answer exact for large P, where 2**P overflows a float
    return float(Fraction(cover_count(P, d), 2**P))


def is_linearly_separable(X, t):
    """Whether some w, b put every sample strictly on its own side: s_n (w . x_n + b) >= 1.

    Solved exactly as a linear-programming feasibility problem (no iteration limit to guess,
    unlike running the perceptron and hoping it converges).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    t : array_like of shape (n_samples,)
        Two classes (any two labels).

    Returns
    -------
    bool
    """
    X, t = check_X_t(X, t)
    labels = np.unique(t)
    if labels.shape[0] == 1:
        return True
    if labels.shape[0] > 2:
        raise ValueError(f"t has {labels.shape[0]} labels; separability is defined for two")
    s = np.where(t == labels[1], 1.0, -1.0)
    # variables z = (w, b); constraint -s_n (x_n . w + b) <= -1
    A_ub = -s[:, None] * np.column_stack([X, np.ones(X.shape[0])])
    b_ub = -np.ones(X.shape[0])
    res = linprog(np.zeros(X.shape[1] + 1), A_ub=A_ub, b_ub=b_ub,
                  bounds=[(None, None)] * (X.shape[1] + 1), method="highs")
    if res.status not in (0, 2):
        raise RuntimeError(f"the separability test did not finish: {res.message}")
    return res.status == 0


def separable_fraction(n_patterns, n_features, n_trials=50, rng=None):
    """Fraction of random labelings of random Gaussian patterns that are linearly separable.

    Parameters
    ----------
    n_patterns, n_features : int
    n_trials : int
        Independent draws of patterns and labels.
    rng : None, int or Generator

    Returns
    -------
    float
        Estimate of ``cover_fraction(n_patterns, n_features + 1)``.
    """
    rng = check_rng(rng)
    n_trials = check_scalar(n_trials, "n_trials", kind=numbers.Integral, low=1)
    hits = 0
    for _ in range(n_trials):
        X = rng.standard_normal((n_patterns, n_features))
        t = rng.integers(0, 2, n_patterns)
        hits += is_linearly_separable(X, t)
    return hits / n_trials
