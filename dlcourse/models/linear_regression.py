"""Linear regression by the normal equations or by gradient descent on the squared error.

Book: 03_gradient_descent.
"""

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from .._validation import check_array, check_fitted_X, check_option
from ..core.losses import mse_backward, mse_forward
from ._gd import check_gd_params, init_training_state, l2_penalty, run_gradient_descent

__all__ = ["LinearRegression"]


class LinearRegression(RegressorMixin, BaseEstimator):
    """y = X w + b fitted to targets t by least squares.

    Book: 03_gradient_descent, eqs. (LR1) cost, (LR2) normal equations, (GD1) update.

    The cost is E(w, b) = (1/2n) sum_n (y_n - t_n)^2 + (alpha/2) |w|^2. Its minimum solves the
    normal equations (X'^T X' + n alpha D) theta = X'^T t, with X' = [X, 1], theta = (w, b) and D
    the identity without its bias entry; gradient descent reaches the same point step by step.

    Parameters
    ----------
    solver : {"normal", "gd"}, default="normal"
        Solve the normal equations directly, or run (mini-batch) gradient descent.
    eta : float or callable, default=0.1
        Learning rate or schedule (gradient descent only).
    batch_size : int or None, default=None
        None for batch gradient descent, 1 for online, anything between for mini-batches.
    max_epochs : int, default=1000
    tol : float, default=1e-10
        Stop when an epoch lowers the cost by less than this.
    alpha : float, default=0.0
        L2 penalty on the weights (ridge regression).
    rng : None, int or Generator
        Visiting order for mini-batches.
    progress : bool, default=False
        Show a progress line while training.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_outputs, n_features)
    intercept_ : float or ndarray of shape (n_outputs,)
    loss_curve_ : list of float
        Cost during every epoch (gradient descent; the mean over its mini-batches, each
        before its update), or the cost at the solution (normal equations).
    n_iter_, converged_, diverged_ : int, bool, bool
    """

    def __init__(self, solver="normal", eta=0.1, batch_size=None, max_epochs=1000, tol=1e-10,
                 alpha=0.0, rng=None, progress=False):
        self.solver = solver
        self.eta = eta
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.alpha = alpha
        self.rng = rng
        self.progress = progress

    def _params(self):
        return {"W": self.W_, "b": self.b_}

    def _loss_and_grads(self, X, T):
        Y = X @ self.W_ + self.b_
        E, cache = mse_forward(Y, T)
        dY = mse_backward(1.0, cache)
        dW = X.T @ dY + self.alpha * self.W_ if self.alpha else X.T @ dY
        return E, {"W": dW, "b": dY.sum(axis=0)}

    def _penalty(self):
        return l2_penalty(self.alpha, [self.W_])

    def fit(self, X, t):
        """Fit to samples X of shape (n_samples, n_features) and targets t of shape (n_samples,)
        or (n_samples, n_outputs). Returns self."""
        check_option(self.solver, "solver", ("normal", "gd"))
        check_gd_params(self)
        X = check_array(X, "X", ndim=2, allow_empty=True)   # no columns: the constant model
        if X.shape[0] == 0:
            raise ValueError("X has no samples; pass at least one row")
        t_arr = check_array(t, "t", ndim=(1, 2))
        if t_arr.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} samples but t has {t_arr.shape[0]} targets; "
                             "pass one target per row of X")
        self._one_output = t_arr.ndim == 1
        T = t_arr.reshape(len(t_arr), -1)
        n, d = X.shape
        self.n_features_in_ = d
        init_training_state(self, self.rng)
        if self.solver == "normal":
            Xb = np.column_stack([X, np.ones(n)])
            A = Xb.T @ Xb
            A[:d, :d] += n * self.alpha * np.eye(d)
            if self.alpha > 0:
                theta = np.linalg.solve(A, Xb.T @ T)
            else:   # lstsq copes with collinear columns, where X'^T X' is singular
                theta = np.linalg.lstsq(Xb, T, rcond=None)[0]
            self.W_, self.b_ = theta[:d], theta[d]
            self.loss_curve_.append(self._loss_and_grads(X, T)[0] + self._penalty())
            self.converged_ = True
        else:
            self.W_, self.b_ = np.zeros((d, T.shape[1])), np.zeros(T.shape[1])
            run_gradient_descent(self, X, T, self._rng)
        return self

    @property
    def coef_(self):
        return self.W_[:, 0].copy() if self._one_output else self.W_.T.copy()

    @property
    def intercept_(self):
        return float(self.b_[0]) if self._one_output else self.b_.copy()

    def predict(self, X):
        """y = X w + b, of shape (n_samples,) or (n_samples, n_outputs)."""
        X = check_fitted_X(self, X, "W_")
        Y = X @ self.W_ + self.b_
        return Y[:, 0] if self._one_output else Y
