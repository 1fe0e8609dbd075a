"""Dictionary learning with ISTA codes, with scikit-learn's contract.

Book: 15_autoencoders, section "Sparse coding".

Alternates the two steps of :mod:`dlcourse.core.sparse_coding`: codes for the current
dictionary by ISTA (warm-started from the previous codes), then the least-squares dictionary
for those codes, rows scaled to unit length. An atom that no code uses is restarted on a
random training row, so every atom stays in play. (Scaling the atoms back to unit length
is not itself a descent step: the objective falls over the run, not in every round.)
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_array, check_fitted_X, check_scalar
from ..core.sparse_coding import (dictionary_update, ista, random_dictionary,
                                  sparse_coding_objective)

__all__ = ["SparseCoding"]


class SparseCoding(TransformerMixin, BaseEstimator):
    """Learn a dictionary of ``n_atoms`` unit-norm atoms and sparse codes for the data.

    Parameters
    ----------
    n_atoms : int, default=32
    lam : float, default=0.1
        Weight of the L1 penalty on the codes.
    n_iter : int, default=20
        Alternations of coding and dictionary update.
    ista_iter : int, default=100
        ISTA steps per coding.
    rng : None, int or Generator
    progress : bool, default=False

    Attributes
    ----------
    components_ : ndarray of shape (n_atoms, n_features)
        The dictionary D, one atom per row.
    objective_ : list of float
        (S1) summed over the data, after each alternation.
    """

    def __init__(self, n_atoms=32, lam=0.1, n_iter=20, ista_iter=100, rng=None, progress=False):
        self.n_atoms = n_atoms
        self.lam = lam
        self.n_iter = n_iter
        self.ista_iter = ista_iter
        self.rng = rng
        self.progress = progress

    def fit(self, X, y=None):
        """Learn the dictionary from the rows of X."""
        X = check_array(X, "X", ndim=2)
        check_scalar(self.n_atoms, "n_atoms", kind=numbers.Integral, low=1)
        check_scalar(self.n_iter, "n_iter", kind=numbers.Integral, low=1)
        check_scalar(self.lam, "lam", low=0)
        rng = check_rng(self.rng)
        D = random_dictionary(self.n_atoms, X.shape[1], rng)
        Z = None
        self.objective_ = []
        rounds = range(self.n_iter)
        if self.progress:
            rounds = progress_line(rounds, desc="SparseCoding", metrics=lambda: (
                f"objective {self.objective_[-1]:.4g}" if self.objective_ else ""))
        for _ in rounds:
            Z = ista(X, D, self.lam, self.ista_iter, Z0=Z)
            D = dictionary_update(X, Z)
            unused = np.linalg.norm(D, axis=1) == 0
            if unused.any():           # restart a dead atom on a random (scaled) data row
                rows = X[rng.integers(0, len(X), unused.sum())]
                D[unused] = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
            self.objective_.append(sparse_coding_objective(X, Z, D, self.lam))
        self.components_ = D
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        """The sparse codes of the rows of X, shape (n_samples, n_atoms)."""
        X = check_fitted_X(self, X, "components_")
        return ista(X, self.components_, self.lam, self.ista_iter)

    def inverse_transform(self, Z):
        """Reconstructions Z D, shape (n_samples, n_features)."""
        return check_array(Z, "Z", ndim=2) @ self.components_
