"""Rosenblatt's perceptron (and the sigmoid unit trained on cross-entropy) as an estimator.

Book: 01_perceptron.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if

from .._numba import resolve_backend
from .._rng import check_rng
from .._validation import (check_fitted_X, check_option, check_same_features, check_scalar,
                           check_X_t)
from ..core.activations import sigmoid
from ..core.perceptron import UNITS, net_input
from ..core.perceptron import perceptron_epoch as perceptron_epoch_numpy
from ..kernels.perceptron import perceptron_epoch as perceptron_epoch_numba

__all__ = ["Perceptron"]

# Up to this mini-batch size the compiled loop beats the NumPy form (measured in
# benchmarks/bench_perceptron.py: 26-199x at batch 1, 1.1-2.6x still at batch 100).
NUMBA_MAX_BATCH = 256


class Perceptron(ClassifierMixin, BaseEstimator):
    """A single unit y = f(w . x + b) trained with the perceptron rule.

    Book: 01_perceptron, eq. (P2).

    Parameters
    ----------
    unit : {"threshold", "sigmoid"}, default="threshold"
        "threshold" is Rosenblatt's unit, y in {0, 1}, trained with his error-correction rule;
        "sigmoid" is the logistic unit, y = P(class 1 | x), trained by gradient descent on the
        cross-entropy. Both use the update w <- w - eta * mean((y - t) x).
    eta : float, default=1.0
        Learning rate (> 0).
    batch_size : int, default=1
        Samples per update: 1 is online learning; a value >= n_samples is batch learning.
    max_epochs : int, default=100
        Passes over the data at most.
    alpha : float, default=0.0
        L2 penalty (alpha / 2) |w|^2 on the weights (not the bias).
    shuffle : bool, default=True
        Visit the samples in a new random order every epoch.
    tol : float or None, default=None
        For the sigmoid unit: stop when the epoch loss improves by less than ``tol``. The
        threshold unit always stops after an epoch with no mistakes.
    w_init : {"zeros", "random"}, default="zeros"
        Initial weights: all zero (Rosenblatt) or small Gaussian values (scale 0.01).
    rng : None, int or numpy.random.Generator
        Source of the visiting order and of random initial weights.
    backend : {"auto", "numpy", "numba"}, default="auto"
        The NumPy form or the compiled loop form; "auto" picks the faster for ``batch_size``.
        Both give the same weights for the same ``rng``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The weights w.
    intercept_ : float
        The bias b.
    classes_ : ndarray of shape (2,)
        The two class labels; ``classes_[1]`` is the one the unit fires for.
    n_features_in_ : int
    n_iter_ : int
        Epochs run.
    errors_ : list of int
        Samples misclassified during each epoch (each counted before its own update).
    loss_curve_ : list of float
        Mean loss during each epoch (perceptron criterion or cross-entropy).
    converged_ : bool
        Threshold unit: an epoch passed with no mistakes. Sigmoid unit: the ``tol`` criterion met.
    backend_ : str
        The form that was run ("numpy" or "numba").
    """

    def __init__(self, unit="threshold", eta=1.0, batch_size=1, max_epochs=100, alpha=0.0,
                 shuffle=True, tol=None, w_init="zeros", rng=None, backend="auto"):
        self.unit = unit
        self.eta = eta
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.alpha = alpha
        self.shuffle = shuffle
        self.tol = tol
        self.w_init = w_init
        self.rng = rng
        self.backend = backend

    # --- fitting -----------------------------------------------------------------------

    def _check_params(self):
        check_option(self.unit, "unit", UNITS)
        check_scalar(self.eta, "eta", low=0, include_low=False)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
        check_scalar(self.alpha, "alpha", low=0)
        if self.tol is not None:
            check_scalar(self.tol, "tol", low=0)
        check_option(self.w_init, "w_init", ("zeros", "random"))
        self.backend_ = resolve_backend(self.backend,
                                        numba_wins=self.batch_size <= NUMBA_MAX_BATCH)

    def _encode(self, t):
        """Map labels to targets in {0, 1} (``classes_[1]`` -> 1), refusing unknown labels."""
        known = np.isin(t, self.classes_)
        if not np.all(known):
            raise ValueError(f"t contains labels {np.unique(t[~known]).tolist()} that are not "
                             f"among classes_ {self.classes_.tolist()}")
        return (t == self.classes_[1]).astype(np.float64)

    def _init_state(self, n_features):
        rng = check_rng(self.rng)
        self._rng = rng
        if self.w_init == "zeros":
            self.coef_ = np.zeros(n_features)
        else:
            self.coef_ = 0.01 * rng.standard_normal(n_features)
        self.intercept_ = 0.0
        self.n_features_in_ = n_features
        self.n_iter_ = 0
        self.errors_, self.loss_curve_ = [], []
        self.converged_ = False

    def _epoch(self, X, t01):
        order = self._rng.permutation(X.shape[0]) if self.shuffle else np.arange(X.shape[0])
        eta, bs, alpha = float(self.eta), int(self.batch_size), float(self.alpha)
        if self.backend_ == "numba":
            w = self.coef_.copy()
            b, n_errors, loss = perceptron_epoch_numba(
                X, t01, w, float(self.intercept_), order.astype(np.int64), eta, bs,
                self.unit == "sigmoid", alpha)
        else:
            w, b, n_errors, loss = perceptron_epoch_numpy(
                X, t01, self.coef_, float(self.intercept_), order, eta, bs, self.unit, alpha)
        self.coef_, self.intercept_ = w, float(b)
        self.n_iter_ += 1
        self.errors_.append(int(n_errors))
        self.loss_curve_.append(float(loss))
        return int(n_errors), float(loss)

    def fit(self, X, t):
        """Learn w and b from the samples X with targets t.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        t : array_like of shape (n_samples,)
            Exactly two distinct labels.

        Returns
        -------
        self
        """
        self._check_params()
        X, t = check_X_t(X, t)
        self.classes_ = np.unique(t)
        if self.classes_.shape[0] != 2:
            raise ValueError(f"t has {self.classes_.shape[0]} distinct label(s) "
                             f"{self.classes_.tolist()}; a perceptron separates exactly two "
                             "classes (for more, train one perceptron per class)")
        t01 = self._encode(t)
        self._init_state(X.shape[1])
        previous = np.inf
        for _ in range(self.max_epochs):
            n_errors, loss = self._epoch(X, t01)
            if self.unit == "threshold" and n_errors == 0:
                self.converged_ = True
                break
            if self.unit == "sigmoid" and self.tol is not None and previous - loss < self.tol:
                self.converged_ = True
                break
            previous = loss
        return self

    def partial_fit(self, X, t, classes=None):
        """Run one epoch over (X, t), starting from the current weights.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        t : array_like of shape (n_samples,)
        classes : array_like of shape (2,), optional
            Both labels; required on the first call unless t already contains both.

        Returns
        -------
        self
        """
        first = not hasattr(self, "coef_")
        if first:
            self._check_params()
        X, t = check_X_t(X, t)
        if first:
            labels = np.unique(t) if classes is None else np.unique(np.asarray(classes))
            if labels.shape[0] != 2:
                raise ValueError("the first call to partial_fit needs both class labels: pass "
                                 "classes=[label0, label1] or a batch that contains both")
            self.classes_ = labels
            self._init_state(X.shape[1])
        else:
            check_same_features(X, self.n_features_in_, "this perceptron")
        self._epoch(X, self._encode(t))
        return self

    # --- using a fitted perceptron -------------------------------------------------------

    def decision_function(self, X):
        """The net input a = X w + b; the unit fires (predicts ``classes_[1]``) where a > 0.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        a : ndarray of shape (n_samples,)
        """
        X = check_fitted_X(self, X, "coef_")
        return net_input(X, self.coef_, self.intercept_)

    def predict(self, X):
        """Predicted label for each sample: ``classes_[1]`` where a > 0, else ``classes_[0]``."""
        fires = self.decision_function(X) > 0
        return self.classes_[fires.astype(int)]

    def _is_sigmoid(self):
        return self.unit == "sigmoid"

    @available_if(_is_sigmoid)
    def predict_proba(self, X):
        """P(class | x) for the sigmoid unit: columns for ``classes_[0]`` and ``classes_[1]``.

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
        """
        p1 = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p1, p1])
