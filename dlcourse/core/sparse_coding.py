"""Sparse coding: a dictionary of unit-norm atoms, codes found by ISTA, the dictionary learned
by alternating.

Book: 15_autoencoders, section "Sparse coding".

Each row x of X (d features) is approximated by a combination of a few atoms, the rows of a
dictionary D (k, d) of unit length: x ~ z D with a sparse code z (k,). The codes minimise

    (S1)  E(z) = 1/2 ||x - z D||^2 + lambda ||z||_1.

ISTA (iterative shrinkage-thresholding) alternates a gradient step on the smooth part with
the proximal step of the L1 part, a soft threshold:

    (S2)  z <- soft(z - (1/L) (z D - x) D^T, lambda / L),   soft(v, a) = sign(v) max(|v| - a, 0)

with L the largest eigenvalue of D D^T (the Lipschitz constant of the gradient), which makes
every step decrease E. Given the codes, the dictionary that fits best in the least-squares
sense is a linear solve; its rows are then scaled back to unit length (a longer atom would let
the code shrink and the L1 penalty lose its meaning).
"""

import numpy as np

from .._rng import check_rng
from .._validation import as_float

__all__ = ["dictionary_update", "ista", "random_dictionary", "soft_threshold",
           "sparse_coding_objective"]


def soft_threshold(v, a):
    """sign(v) max(|v| - a, 0), elementwise: the proximal step of a ||.||_1."""
    return np.sign(v) * np.maximum(np.abs(v) - a, 0.0)


def sparse_coding_objective(X, Z, D, lam):
    """(S1) summed over the rows of X."""
    return float(0.5 * np.sum((X - Z @ D) ** 2) + lam * np.sum(np.abs(Z)))


def ista(X, D, lam, n_iter=200, tol=1e-8, Z0=None):
    """Sparse codes of every row of X by ISTA, (S2).

    Parameters
    ----------
    X : ndarray of shape (N, d)
    D : ndarray of shape (k, d)
        Atoms as rows.
    lam : float >= 0
    n_iter : int
    tol : float
        Stop when no code entry moved by more than this in one step.
    Z0 : ndarray of shape (N, k), optional
        A warm start (the codes of the previous dictionary, when learning it).

    Returns
    -------
    Z : ndarray of shape (N, k)
    """
    X, D = as_float(X), as_float(D)
    if X.ndim != 2 or D.ndim != 2 or X.shape[1] != D.shape[1]:
        raise ValueError(f"X (N, d) and the dictionary D (k, d) must agree on d; got {X.shape} "
                         f"and {D.shape}")
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")
    L = float(np.linalg.eigvalsh(D @ D.T)[-1])
    if L == 0:
        return np.zeros((X.shape[0], D.shape[0]))
    Z = np.zeros((X.shape[0], D.shape[0])) if Z0 is None else as_float(Z0).copy()
    XDt, DDt = X @ D.T, D @ D.T                  # the gradient is Z DD^T - X D^T
    for _ in range(n_iter):
        Z_new = soft_threshold(Z - (Z @ DDt - XDt) / L, lam / L)
        moved = np.max(np.abs(Z_new - Z)) if Z.size else 0.0
        Z = Z_new
        if moved <= tol:
            break
    return Z


def dictionary_update(X, Z, ridge=1e-8):
    """The least-squares dictionary for fixed codes, rows scaled to unit length.

    Solves (Z^T Z + ridge I) D = Z^T X; an atom that no code uses is left at zero by the
    solve and is returned as it came (zero): the caller may restart it.
    """
    X, Z = as_float(X), as_float(Z)
    k = Z.shape[1]
    D = np.linalg.solve(Z.T @ Z + ridge * np.eye(k), Z.T @ X)
    norms = np.linalg.norm(D, axis=1, keepdims=True)
    return np.divide(D, norms, out=np.zeros_like(D), where=norms > 0)


def random_dictionary(k, d, rng=None):
    """k atoms of length d drawn from a Gaussian and scaled to unit length."""
    D = check_rng(rng).standard_normal((k, d))
    return D / np.linalg.norm(D, axis=1, keepdims=True)
