"""Logistic regression: a sigmoid (two classes) or softmax (K classes) unit trained by
gradient descent on the cross-entropy.

Book: 02_logistic_regression.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .._validation import check_fitted_X, check_same_features, check_X_t
from ..core.activations import sigmoid, softmax
from ..core.losses import (binary_cross_entropy_backward, binary_cross_entropy_forward,
                           categorical_cross_entropy_backward, categorical_cross_entropy_forward)
from ._gd import check_gd_params, init_training_state, l2_penalty, run_gradient_descent

__all__ = ["LogisticRegression"]


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """P(class | x) from a linear model, learned by maximum likelihood.

    Book: 02_logistic_regression, eqs. (LL) log-likelihood, (CE) cross-entropy, (SM) softmax.

    With two classes, P(t = 1 | x) = sigmoid(w . x + b); with K > 2, P(t = k | x) =
    softmax(W x + b)_k. Training minimises the mean cross-entropy (the negative
    log-likelihood divided by n) plus (alpha/2) |W|^2 by batch, mini-batch or online
    gradient descent. With ``alpha > 0`` the optimum is the one scikit-learn's
    ``LogisticRegression(C=1 / (alpha * n_samples))`` finds.

    Parameters
    ----------
    eta : float or callable, default=0.5
        Learning rate or schedule.
    batch_size : int or None, default=None
        None for batch gradient descent, 1 for online learning.
    max_epochs : int, default=1000
    tol : float, default=1e-8
        Stop when an epoch lowers the loss by less than this.
    alpha : float, default=0.0
        L2 penalty on the weights (not the biases).
    rng : None, int or Generator
    progress : bool, default=False

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, (n_classes, n_features) otherwise
    intercept_ : ndarray of shape (1,) or (n_classes,)
    loss_curve_ : list of float
        Loss during every epoch: the mean over its mini-batches, each before its update.
    n_iter_, converged_, diverged_ : int, bool, bool
    """

    def __init__(self, eta=0.5, batch_size=None, max_epochs=1000, tol=1e-8, alpha=0.0,
                 rng=None, progress=False):
        self.eta = eta
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.alpha = alpha
        self.rng = rng
        self.progress = progress

    @property
    def _binary(self):
        return len(self.classes_) == 2

    def _params(self):
        return {"W": self.W_, "b": self.b_}

    def _loss_and_grads(self, X, T):
        A = X @ self.W_ + self.b_
        if self._binary:
            E, cache = binary_cross_entropy_forward(A[:, 0], T[:, 0])
            dA = binary_cross_entropy_backward(1.0, cache)[:, None]
        else:
            E, cache = categorical_cross_entropy_forward(A, T)
            dA = categorical_cross_entropy_backward(1.0, cache)
        dW = X.T @ dA + self.alpha * self.W_ if self.alpha else X.T @ dA
        return E, {"W": dW, "b": dA.sum(axis=0)}

    def _penalty(self):
        return l2_penalty(self.alpha, [self.W_])

    def _targets(self, t):
        unknown = ~np.isin(t, self.classes_)
        if np.any(unknown):
            raise ValueError(f"t contains labels {np.unique(t[unknown]).tolist()} not among "
                             f"classes_ {self.classes_.tolist()}")
        if self._binary:
            return (t == self.classes_[1]).astype(float)[:, None]
        return (t[:, None] == self.classes_[None, :]).astype(float)     # one-hot

    def _start(self, X, classes):
        self.classes_ = classes
        if len(classes) < 2:
            raise ValueError(f"t has one class {classes.tolist()}; a classifier needs at least two")
        self.n_features_in_ = X.shape[1]
        k = 1 if self._binary else len(classes)
        self.W_, self.b_ = np.zeros((X.shape[1], k)), np.zeros(k)
        init_training_state(self, self.rng)

    def fit(self, X, t):
        """Fit to X of shape (n_samples, n_features) and labels t of shape (n_samples,).
        Returns self."""
        check_gd_params(self)
        X, t = check_X_t(X, t)
        self._start(X, np.unique(t))
        run_gradient_descent(self, X, self._targets(t), self._rng)
        return self

    def partial_fit(self, X, t, classes=None):
        """One epoch over (X, t) from the current weights; ``classes`` needed on the first call
        unless t contains every class. Returns self."""
        X, t = check_X_t(X, t)
        if not hasattr(self, "W_"):
            check_gd_params(self)
            self._start(X, np.unique(t if classes is None else np.asarray(classes)))
        else:
            check_same_features(X, self.n_features_in_, "this model")
        run_gradient_descent(self, X, self._targets(t), self._rng, epochs=1)
        return self

    @property
    def coef_(self):
        return self.W_.T.copy()

    @property
    def intercept_(self):
        return self.b_.copy()

    def decision_function(self, X):
        """Net inputs: shape (n_samples,) for two classes, (n_samples, n_classes) otherwise."""
        X = check_fitted_X(self, X, "W_")
        A = X @ self.W_ + self.b_
        return A[:, 0] if self._binary else A

    def predict_proba(self, X):
        """P(class | x), shape (n_samples, n_classes); each row sums to 1."""
        A = self.decision_function(X)
        if self._binary:
            p1 = sigmoid(A)
            return np.column_stack([1.0 - p1, p1])
        return softmax(A)

    def predict(self, X):
        """The most probable class of each sample."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
