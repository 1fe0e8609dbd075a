"""Binary patterns for energy-based networks: encoders, bars-and-stripes, shifter, parity,
random memories and their corrupted versions.

Book: 08_hopfield (random patterns, corruption), 09_boltzmann (encoders, parity, shifter,
bars-and-stripes), 10_rbm (bars-and-stripes).
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_array, check_scalar

__all__ = ["encoder_patterns", "encoder_connectivity", "bars_and_stripes", "shifter",
           "parity_patterns", "random_patterns", "corrupt"]


def encoder_patterns(n_group):
    """The encoder problem of the 1985 paper: V1 and V2 each have one unit on, the same one.

    Parameters
    ----------
    n_group : int
        Units per visible group (4 for 4-2-4 and 4-3-4, 8 for 8-3-8).

    Returns
    -------
    X : ndarray of shape (n_group, 2 * n_group)
        Row k is (e_k, e_k): columns 0 .. n_group-1 are V1, the rest V2.
    """
    n_group = check_scalar(n_group, "n_group", kind=numbers.Integral, low=2)
    E = np.eye(n_group)
    return np.concatenate([E, E], axis=1)


def encoder_connectivity(n_group, n_hidden, connect_hidden=False):
    """Connection mask of an n-h-n encoder machine (units V1, V2, then H), as in the paper.

    Ackley, Hinton and Sejnowski (1985) connected each visible group within itself and to
    every hidden unit; V1 and V2 are not connected to each other, so every message between
    them must pass through the h hidden units, and the hidden units are not connected to
    each other either.

    Parameters
    ----------
    n_group : int
        Units per visible group.
    n_hidden : int
        Hidden units.
    connect_hidden : bool, default=False
        Also connect the hidden units to each other (not the paper's machine; the package's
        mask before it followed the paper).

    Returns
    -------
    mask : ndarray of bool of shape (2 * n_group + n_hidden, 2 * n_group + n_hidden)
        Symmetric, False on the diagonal.
    """
    n_group = check_scalar(n_group, "n_group", kind=numbers.Integral, low=2)
    n_hidden = check_scalar(n_hidden, "n_hidden", kind=numbers.Integral, low=1)
    group = np.repeat([0, 1, 2], [n_group, n_group, n_hidden])
    same = group[:, None] == group[None, :]
    to_hidden = (group[:, None] == 2) != (group[None, :] == 2)
    mask = (same & (group[:, None] < 2)) | to_hidden
    if connect_hidden:
        mask |= same & (group[:, None] == 2)
    np.fill_diagonal(mask, False)
    return mask


def bars_and_stripes(size):
    """Every distinct size x size image made of full vertical bars or full horizontal stripes.

    Returns
    -------
    X : ndarray of shape (2 * 2**size - 2, size * size)
        Flattened row by row; the empty and the full image appear once each.
    """
    size = check_scalar(size, "size", kind=numbers.Integral, low=1, high=5)
    codes = ((np.arange(2 ** size)[:, None] >> np.arange(size)) & 1).astype(float)
    bars = np.repeat(codes[:, None, :], size, axis=1)          # column pattern, every row
    stripes = np.repeat(codes[:, :, None], size, axis=2)        # row pattern, every column
    X = np.concatenate([bars, stripes]).reshape(-1, size * size)
    return np.unique(X, axis=0)


def shifter(n_bits):
    """The shifter problem: V1 random bits, V2 = V1 shifted (with wrap-around) left, not at
    all, or right, and three units that say which shift it was.

    Returns
    -------
    X : ndarray of shape (3 * 2**n_bits, 2 * n_bits + 3)
        Columns: V1, V2, then the one-hot shift (left, none, right); all cases once.
    """
    n_bits = check_scalar(n_bits, "n_bits", kind=numbers.Integral, low=2, high=10)
    V1 = ((np.arange(2 ** n_bits)[:, None] >> np.arange(n_bits)) & 1).astype(float)
    rows = []
    for k, shift in enumerate((-1, 0, 1)):
        label = np.zeros((len(V1), 3))
        label[:, k] = 1.0
        rows.append(np.concatenate([V1, np.roll(V1, shift, axis=1), label], axis=1))
    return np.concatenate(rows)


def parity_patterns(n_bits, parity=0):
    """All n-bit patterns whose number of ones is even (``parity=0``) or odd (``parity=1``).

    For 3 bits and even parity every pair of units is independent and uniform, yet the third
    bit is fixed by the other two: a purely third-order dependency.

    Returns
    -------
    X : ndarray of shape (2**(n_bits - 1), n_bits)
    """
    n_bits = check_scalar(n_bits, "n_bits", kind=numbers.Integral, low=2, high=16)
    if parity not in (0, 1):
        raise ValueError(f"parity must be 0 (even) or 1 (odd), got {parity!r}")
    S = ((np.arange(2 ** n_bits)[:, None] >> np.arange(n_bits - 1, -1, -1)) & 1)
    return S[S.sum(axis=1) % 2 == parity].astype(float)


def random_patterns(n_patterns, n_units, rng=None):
    """Independent random patterns in {-1, +1}, each unit +1 with probability 1/2.

    Returns
    -------
    X : ndarray of shape (n_patterns, n_units)
    """
    rng = check_rng(rng)
    n_patterns = check_scalar(n_patterns, "n_patterns", kind=numbers.Integral, low=1)
    n_units = check_scalar(n_units, "n_units", kind=numbers.Integral, low=1)
    return np.where(rng.random((n_patterns, n_units)) < 0.5, -1.0, 1.0)


def corrupt(X, flip_fraction, rng=None, exact=True):
    """Flip a fraction of the units of each pattern ({-1, +1} or {0, 1} patterns).

    Parameters
    ----------
    X : array_like of shape (n_patterns, n_units)
        Values in {-1, +1} (a flip negates) or in {0, 1} (a flip is 1 - x); an X made of
        ones only is read as {-1, +1}.
    flip_fraction : float in [0, 1]
    rng : None, int or numpy.random.Generator
    exact : bool, default=True
        Flip exactly round(flip_fraction * n_units) units per row (chosen at random), or
        each unit independently with probability ``flip_fraction``.

    Returns
    -------
    X_noisy : ndarray of shape (n_patterns, n_units)
    """
    rng = check_rng(rng)
    X = check_array(X, "X", ndim=2)
    flip_fraction = check_scalar(flip_fraction, "flip_fraction", low=0.0, high=1.0)
    spins = bool(np.all(np.abs(X) == 1.0))
    if not spins and not np.all((X == 0.0) | (X == 1.0)):
        raise ValueError("X must hold only -1/+1 or only 0/1 values to be corrupted by flips")
    n, d = X.shape
    if exact:
        k = int(round(flip_fraction * d))
        flip = np.zeros((n, d), dtype=bool)
        for r in range(n):
            flip[r, rng.permutation(d)[:k]] = True
    else:
        flip = rng.random((n, d)) < flip_fraction
    return np.where(flip, -X if spins else 1.0 - X, X)
