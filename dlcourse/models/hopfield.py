"""The Hopfield network as an estimator: store patterns, recall them from corrupted cues.

Book: 08_hopfield.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator

from .._numba import resolve_backend
from .._rng import check_rng
from .._validation import check_array, check_option, check_same_features, check_scalar
from ..core.hopfield import (bit_error_rate, hebbian_weights, hopfield_energy, local_field,
                             sync_update)
from ..core.hopfield import hopfield_recall as hopfield_recall_numpy
from ..kernels.hopfield import hopfield_recall as hopfield_recall_numba

__all__ = ["HopfieldNetwork"]


def _check_spins(X, name="X"):
    X = check_array(X, name, ndim=2)
    if not np.all((X == 1.0) | (X == -1.0)):
        raise ValueError(f"{name} must hold only -1 and +1 (Hopfield states); "
                         "for 0/1 patterns pass 2 * X - 1")
    return X


class HopfieldNetwork(BaseEstimator):
    """An associative memory: Hebbian storage (H2) and recall by the update rule (H3).

    Book: 08_hopfield.

    Parameters
    ----------
    update : {"async", "sync"}, default="async"
        One unit at a time in a random order per sweep (energy never increases), or all
        units at once (H4), which can end in a 2-cycle.
    max_sweeps : int, default=100
        Sweeps at most per recall.
    rng : None, int or numpy.random.Generator
        Source of the visiting orders.
    backend : {"auto", "numpy", "numba"}, default="auto"
        NumPy form or compiled loop form of asynchronous recall; both give the same states.

    Attributes
    ----------
    W_ : ndarray of shape (n_features, n_features)
    b_ : ndarray of shape (n_features,)
        Zero: Hebb's rule stores no bias.
    patterns_ : ndarray of shape (n_patterns, n_features)
    n_features_in_ : int
    n_sweeps_ : ndarray of int
        Sweeps used by each row in the last :meth:`recall`.
    converged_ : ndarray of bool
        Whether each row of the last recall reached a fixed point.
    backend_ : str
    """

    def __init__(self, update="async", max_sweeps=100, rng=None, backend="auto"):
        self.update = update
        self.max_sweeps = max_sweeps
        self.rng = rng
        self.backend = backend

    def fit(self, X, y=None):
        """Store the rows of X with Hebb's rule (H2).

        Parameters
        ----------
        X : array_like of shape (n_patterns, n_features)
            Patterns in {-1, +1}.
        """
        check_option(self.update, "update", ("async", "sync"))
        check_scalar(self.max_sweeps, "max_sweeps", kind=numbers.Integral, low=1)
        X = _check_spins(X)
        self.backend_ = resolve_backend(self.backend, numba_wins=True)
        self.rng_ = check_rng(self.rng)
        self.patterns_ = X.copy()
        self.n_features_in_ = X.shape[1]
        self.W_ = hebbian_weights(X)
        self.b_ = np.zeros(X.shape[1])
        return self

    def _check_fitted(self):
        if not hasattr(self, "W_"):
            raise RuntimeError("this HopfieldNetwork is not fitted yet; call fit(patterns) first")

    def recall(self, X, max_sweeps=None, rng=None):
        """Run the update rule from each row of X until a fixed point (or ``max_sweeps``).

        Parameters
        ----------
        X : array_like of shape (n_states, n_features)
            Cues in {-1, +1}.
        max_sweeps : int, optional
            Overrides the estimator's ``max_sweeps``.
        rng : None, int or numpy.random.Generator, optional
            Source of the visiting orders; by default the stream created at fit.

        Returns
        -------
        S : ndarray of shape (n_states, n_features)
        """
        self._check_fitted()
        X = _check_spins(X)
        check_same_features(X, self.n_features_in_, "this HopfieldNetwork")
        max_sweeps = self.max_sweeps if max_sweeps is None else max_sweeps
        max_sweeps = check_scalar(max_sweeps, "max_sweeps", kind=numbers.Integral, low=1)
        rng = self.rng_ if rng is None else check_rng(rng)
        n = self.n_features_in_
        if self.update == "sync":
            S = X.copy()
            self.n_sweeps_ = np.full(S.shape[0], max_sweeps, dtype=np.int64)
            self.converged_ = np.zeros(S.shape[0], dtype=bool)
            for t in range(max_sweeps):
                S_new = sync_update(S, self.W_, self.b_)
                stable = np.all(S_new == S, axis=1) & ~self.converged_
                self.n_sweeps_[stable] = t + 1
                self.converged_ |= stable
                S = S_new
                if self.converged_.all():
                    break
            return S
        orders = np.array([rng.permutation(n) for _ in range(max_sweeps)], dtype=np.int64)
        if self.backend_ == "numba":
            S = np.ascontiguousarray(X, dtype=np.float64).copy()
            H = local_field(S, self.W_, self.b_)
            self.n_sweeps_, self.converged_ = hopfield_recall_numba(S, H, self.W_, orders)
        else:
            S, self.n_sweeps_, self.converged_ = hopfield_recall_numpy(X, self.W_, self.b_, orders)
        return S

    def energy(self, X):
        """Energy (H1) of each row of X under the stored weights.

        Returns
        -------
        E : ndarray of shape (n_states,)
        """
        self._check_fitted()
        X = _check_spins(X)
        check_same_features(X, self.n_features_in_, "this HopfieldNetwork")
        return hopfield_energy(X, self.W_, self.b_)

    def score(self, X, y=None):
        """Fraction of the rows of X that are fixed points (no unit would change).

        One synchronous step (H4) from a state leaves it unchanged exactly when no
        asynchronous update (H3) would change it, so this tests the fixed points of both
        rules without running a recall. ``X=None`` scores the stored patterns.
        """
        self._check_fitted()
        X = self.patterns_ if X is None else _check_spins(X)
        S = sync_update(X, self.W_, self.b_)
        return float(np.mean(bit_error_rate(S, X) == 0))
