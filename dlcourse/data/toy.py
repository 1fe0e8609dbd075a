"""Small generated data sets used throughout the book.

Book: 01_perceptron (logic gates, random labelings, blobs); 16_gans, section "A ring of
eight Gaussians" (the ring mixture).
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["GATES", "gaussian_ring", "logic_gate", "random_labelings", "two_blobs"]

#: truth tables of the two-input Boolean functions a single unit is tried on
GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}


def logic_gate(name):
    """The four input patterns and targets of a two-input Boolean gate.

    Parameters
    ----------
    name : {"and", "or", "nand", "nor", "xor", "xnor"}

    Returns
    -------
    X : ndarray of shape (4, 2)
        Rows (0, 0), (0, 1), (1, 0), (1, 1).
    t : ndarray of shape (4,)
        Targets in {0, 1}.
    """
    key = str(name).lower()
    if key not in GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {', '.join(GATES)}")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(GATES[key], dtype=float)


def random_labelings(n_patterns, n_features, rng=None):
    """Random Gaussian patterns with random 0/1 labels: the capacity experiment's data.

    Returns
    -------
    X : ndarray of shape (n_patterns, n_features)
    t : ndarray of shape (n_patterns,)
    """
    rng = check_rng(rng)
    n_patterns = check_scalar(n_patterns, "n_patterns", kind=numbers.Integral, low=1)
    n_features = check_scalar(n_features, "n_features", kind=numbers.Integral, low=1)
    X = rng.standard_normal((n_patterns, n_features))
    t = rng.integers(0, 2, n_patterns).astype(float)
    return X, t


def two_blobs(n_samples=100, separation=3.0, noise=1.0, rng=None):
    """Two Gaussian clouds in the plane, class 0 around (-s/2, -s/2) and class 1 around (s/2, s/2).

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    t : ndarray of shape (n_samples,)
        Half the samples (rounded down) in class 0, the rest in class 1.
    """
    rng = check_rng(rng)
    n_samples = check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=2)
    check_scalar(noise, "noise", low=0)
    t = np.zeros(n_samples)
    t[n_samples // 2:] = 1.0
    centres = np.where(t[:, None] > 0, separation / 2, -separation / 2)
    X = centres + noise * rng.standard_normal((n_samples, 2))
    return X, t


def gaussian_ring(n_samples=1000, n_modes=8, radius=2.0, std=0.05, rng=None):
    """Points from an equal mixture of Gaussians whose centres sit evenly on a circle.

    The standard test of mode collapse for generative models: every mode is easy to learn on
    its own, and a model that has missed some is plain to see.

    Parameters
    ----------
    n_samples : int, default=1000
    n_modes : int, default=8
    radius : float, default=2.0
        Radius of the circle of centres.
    std : float, default=0.05
        Standard deviation of each Gaussian, in both coordinates.
    rng : None, int or Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    modes : ndarray of shape (n_samples,)
        The index of the Gaussian each point was drawn from.
    centres : ndarray of shape (n_modes, 2)
        Centre k at angle 2 pi k / n_modes.
    """
    rng = check_rng(rng)
    n_samples = check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
    n_modes = check_scalar(n_modes, "n_modes", kind=numbers.Integral, low=1)
    radius = check_scalar(radius, "radius", kind=numbers.Real, low=0.0)
    std = check_scalar(std, "std", kind=numbers.Real, low=0.0)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    modes = rng.integers(0, n_modes, n_samples)
    X = centres[modes] + std * rng.standard_normal((n_samples, 2))
    return X, modes, centres
