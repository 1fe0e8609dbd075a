"""Recurrent networks that read a whole sequence and answer once, with scikit-learn's contract.

Book: 14_lstm_gru, section "A long-range task" (13_rnn for the vanilla cell).

The network is one recurrent layer (RNN, LSTM or GRU) whose last hidden state goes to an
affine output: a linear output with squared error for :class:`RecurrentRegressor`, a softmax
with cross-entropy for :class:`RecurrentClassifier`. Training is mini-batch Adam with the
gradient norm clipped at every update. Inputs are batch-first, X of shape (n_samples, T, D);
all sequences of one call have the same length.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from threadpoolctl import threadpool_limits

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_option, check_scalar
from ..core.activations import softmax
from ..core.rnn import clip_gradient_norm
from ..layers import Affine, LastStep, Recurrent, Sequential
from ..layers.recurrent import CELLS
from ..optim import Adam

__all__ = ["RecurrentClassifier", "RecurrentRegressor"]


def _check_sequences(X, name="X"):
    X = np.asarray(X, dtype=float)
    if X.ndim != 3:
        raise ValueError(f"{name} must be sequences of shape (n_samples, T, n_features), got "
                         f"shape {X.shape}; one feature per step is X[:, :, None]")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{name} has no samples or sequences of length 0: shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


class _RecurrentModel(BaseEstimator):
    """Shared parameters and training loop; subclasses define the output and its loss."""

    def __init__(self, n_hidden=32, cell="lstm", eta=0.01, batch_size=32, max_epochs=20,
                 max_norm=1.0, recurrent_init="orthogonal", forget_bias=1.0, backend="auto",
                 progress=False, rng=None):
        self.n_hidden, self.cell, self.eta, self.batch_size = n_hidden, cell, eta, batch_size
        self.max_epochs, self.max_norm = max_epochs, max_norm
        self.recurrent_init, self.forget_bias, self.backend = recurrent_init, forget_bias, backend
        self.progress, self.rng = progress, rng

    def _check_params(self):
        check_scalar(self.n_hidden, "n_hidden", kind=numbers.Integral, low=1)
        check_option(self.cell, "cell", CELLS)
        check_scalar(self.eta, "eta", low=0.0, include_low=False)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
        check_scalar(self.max_norm, "max_norm", low=0.0, include_low=False)

    def _fit(self, X, Y):
        """Train on sequences X (n, T, D) and targets Y (n, n_outputs) in the output's form."""
        self._check_params()
        rng = check_rng(self.rng)
        n, T, D = X.shape
        self.n_features_in_ = D
        self.net_ = Sequential([
            Recurrent(D, self.n_hidden, cell=self.cell, recurrent_init=self.recurrent_init,
                      forget_bias=self.forget_bias, backend=self.backend, rng=rng),
            LastStep(),
            Affine(self.n_hidden, Y.shape[1], rng=rng)])
        optimizer = Adam(eta=self.eta)
        self.loss_curve_, self.grad_norms_ = [], []
        epochs = range(self.max_epochs)
        if self.progress:
            epochs = progress_line(epochs, desc="epochs", metrics=lambda: (
                f"loss {self.loss_curve_[-1]:.4f}" if self.loss_curve_ else ""))
        # one BLAS thread: a time step's products are small, and several threads' start-up
        # would cost more than the work
        with threadpool_limits(1):
            self._epochs(X, Y, rng, optimizer, epochs)
        self.n_iter_ = self.max_epochs
        return self

    def _epochs(self, X, Y, rng, optimizer, epochs):
        n = X.shape[0]
        for _ in epochs:
            order = rng.permutation(n)
            total = 0.0
            for start in range(0, n, self.batch_size):
                i = order[start:start + self.batch_size]
                out = self.net_.forward(X[i])
                loss, dout = self._loss(out, Y[i])
                self.net_.backward(dout)
                grads = {k: g for k, g in self.net_.grads.items()}
                self.grad_norms_.append(clip_gradient_norm(grads, self.max_norm))
                optimizer.step(self.net_.params, grads)
                total += loss * len(i)
            self.loss_curve_.append(total / n)

    def _outputs(self, X):
        if not hasattr(self, "net_"):
            raise RuntimeError(f"this {type(self).__name__} is not fitted yet; call fit first")
        X = _check_sequences(X)
        if X.shape[2] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[2]} features per step but the model was fitted "
                             f"with {self.n_features_in_}; pass sequences like the training ones")
        return self.net_.forward(X, train=False)


class RecurrentRegressor(RegressorMixin, _RecurrentModel):
    """A recurrent network with a linear output on its last state, trained by squared error.

    Parameters
    ----------
    n_hidden : int, default=32
    cell : {"rnn", "lstm", "gru"}, default="lstm"
    eta : float, default=0.01
        Adam's learning rate.
    batch_size : int, default=32
    max_epochs : int, default=20
    max_norm : float, default=1.0
        Gradient norm clipping threshold (every update).
    recurrent_init : {"orthogonal", "normal"}, default="orthogonal"
    forget_bias : float, default=1.0
        Initial forget-gate bias of the LSTM.
    backend : {"auto", "numpy", "numba"}, default="auto"
        Who runs the loop over time.
    progress : bool, default=False
    rng : None, int or Generator

    Attributes
    ----------
    loss_curve_ : list of float
        Mean squared error over the training set during each epoch.
    grad_norms_ : list of float
        Gradient norm before clipping, every update.
    """

    def fit(self, X, y):
        """Train on sequences X (n, T, D) and targets y (n,) or (n, k)."""
        X = _check_sequences(X)
        y = np.asarray(y, dtype=float)
        if y.shape[0] != X.shape[0] or y.ndim not in (1, 2):
            raise ValueError(f"y must have one target (or a row of targets) per sequence: "
                             f"{X.shape[0]} sequences, y of shape {y.shape}")
        self._single_output = y.ndim == 1
        return self._fit(X, y.reshape(len(y), -1))

    def _loss(self, out, Y):
        diff = out - Y
        # E = sum of squares / (2 m): its gradient is (out - Y) / m; reported as the MSE
        return float(np.mean(np.sum(diff ** 2, axis=1))), diff / len(Y)

    def predict(self, X):
        """Predicted targets, shape (n,) or (n, k) as in fit."""
        out = self._outputs(X)
        return out[:, 0] if self._single_output else out


class RecurrentClassifier(ClassifierMixin, _RecurrentModel):
    """A recurrent network with a softmax output on its last state, trained by cross-entropy.

    Parameters are those of :class:`RecurrentRegressor`.

    Attributes
    ----------
    classes_ : ndarray
        The labels seen in fit.
    loss_curve_ : list of float
        Mean cross-entropy over the training set during each epoch.
    grad_norms_ : list of float
    """

    def fit(self, X, y):
        """Train on sequences X (n, T, D) and labels y (n,)."""
        X = _check_sequences(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have one label per sequence: {X.shape[0]} sequences, y of "
                             f"shape {y.shape}")
        self.classes_, t = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("y has a single class; a classifier needs at least two")
        return self._fit(X, np.eye(len(self.classes_))[t])

    def _loss(self, out, Y):
        P = softmax(out)
        loss = -np.mean(np.sum(Y * np.log(np.maximum(P, 1e-300)), axis=1))
        return float(loss), (P - Y) / len(Y)

    def predict_proba(self, X):
        """Class probabilities, shape (n, n_classes), columns in the order of classes_."""
        return softmax(self._outputs(X))

    def predict(self, X):
        """The likeliest label of each sequence."""
        return self.classes_[np.argmax(self._outputs(X), axis=1)]
