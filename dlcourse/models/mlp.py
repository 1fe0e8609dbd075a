"""Multilayer perceptrons trained by backpropagation and mini-batch SGD.

Book: 04_backprop.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .._numba import resolve_backend
from .._validation import check_array, check_fitted_X, check_option, check_scalar, check_X_t
from ..core.activations import ACTIVATIONS
from ..core.backprop import LOSSES, OUTPUTS, network_backward, network_forward, network_loss
from ..core.init import INITS, init_weights
from ..kernels.mlp import HIDDEN_CODES, OUTPUT_CODES, mlp_sgd_epoch
from ._gd import (check_gd_params, init_training_state, l2_penalty, run_gradient_descent,
                  sgd_epoch)

__all__ = ["MLPClassifier", "MLPRegressor"]

# Up to this batch size the compiled form beats the NumPy form (1.6x at batch 100, float32);
# beyond it both spend their time in BLAS. Measured in benchmarks/bench_mlp.py.
NUMBA_MAX_BATCH = 256


class _BaseMLP(BaseEstimator):
    """Shared machinery; see :class:`MLPClassifier` and :class:`MLPRegressor`."""

    def _check_params(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = (sizes,)
        for s in sizes:
            check_scalar(s, "each hidden layer size", kind=numbers.Integral, low=1)
        self._sizes = tuple(int(s) for s in sizes)
        check_option(self.activation, "activation", tuple(ACTIVATIONS))
        check_option(self.output, "output", OUTPUTS)
        check_option(self.loss, "loss", tuple(LOSSES))
        wanted = LOSSES[self.loss]
        if wanted is not None and self.output not in wanted:
            raise ValueError(f"loss={self.loss!r} needs output in {wanted}, got {self.output!r}")
        check_option(self.init, "init", INITS)
        check_gd_params(self)
        if np.dtype(self.dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        supported = (self.activation in HIDDEN_CODES
                     and (self.output, self.loss) in OUTPUT_CODES and not callable(self.eta))
        if self.backend == "numba" and not supported:
            raise ValueError(
                "backend='numba' supports hidden activations "
                f"{sorted(HIDDEN_CODES)}, (output, loss) pairs {sorted(OUTPUT_CODES)} and a "
                "constant eta; use backend='numpy' for other choices")
        small = self.batch_size is not None and self.batch_size <= NUMBA_MAX_BATCH
        self.backend_ = resolve_backend(self.backend, numba_wins=supported and small)

    def _start(self, n_features, n_out):
        init_training_state(self, self.rng)
        rng = self._rng
        dtype = np.dtype(self.dtype)
        sizes = (n_features,) + self._sizes + (n_out,)
        self.W_ = [np.ascontiguousarray(init_weights(i, o, self.init, rng), dtype=dtype)
                   for i, o in zip(sizes[:-1], sizes[1:])]
        self.b_ = [np.zeros(o, dtype=dtype) for o in sizes[1:]]
        self.n_features_in_ = n_features
        self._activations = [self.activation] * len(self._sizes) + [self.output]
        if self.backend_ == "numba":            # work vectors for the batch-size-1 steps
            self._work = (tuple(np.zeros(s, dtype=dtype) for s in sizes[1:]),       # A
                          tuple(np.zeros(s, dtype=dtype) for s in sizes),           # Y
                          tuple(np.zeros(s, dtype=dtype) for s in sizes[1:]))       # delta

    def _params(self):
        params = {f"W{l}": W for l, W in enumerate(self.W_)}
        params.update({f"b{l}": b for l, b in enumerate(self.b_)})
        return params

    def _loss_and_grads(self, X, T):
        A, Y = network_forward(X, self.W_, self.b_, self._activations)
        E, delta = network_loss(A[-1], Y[-1], T, self.output, self.loss)
        dW, db = network_backward(delta, A, Y, self.W_, self._activations)
        if self.alpha:
            dW = [g + self.alpha * W for g, W in zip(dW, self.W_)]
        grads = {f"W{l}": g for l, g in enumerate(dW)}
        grads.update({f"b{l}": g for l, g in enumerate(db)})
        return E, grads

    def _penalty(self):
        return l2_penalty(self.alpha, self.W_)

    def _run_epoch(self, X, T, order, batch):
        if self.backend_ != "numba":
            return sgd_epoch(self, X, T, order, batch)
        A, Y, D = self._work
        dtype = self.W_[0].dtype
        loss = mlp_sgd_epoch(X, T, tuple(self.W_), tuple(self.b_), A, Y, D,
                             order.astype(np.int64), dtype.type(self._optimizer.eta),
                             dtype.type(self.alpha), int(batch), HIDDEN_CODES[self.activation],
                             OUTPUT_CODES[(self.output, self.loss)])
        self._optimizer.t += -(-X.shape[0] // batch)   # updates made, for schedules' sake
        return loss

    def _fit(self, X, T):
        self._start(X.shape[1], T.shape[1])
        run_gradient_descent(self, X, T, self._rng)
        return self

    def _forward(self, X):
        dtype = self.W_[0].dtype if hasattr(self, "W_") else np.float64
        X = check_fitted_X(self, X, "W_", dtype=dtype)
        _, Y = network_forward(X, self.W_, self.b_, self._activations)
        return Y[-1]


_DOC_PARAMS = """
    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(30,)
        Units in each hidden layer; ``()`` gives a network with no hidden layer.
    activation : str, default="sigmoid"
        Hidden activation, any elementwise one of :mod:`dlcourse.core.activations`.
    output, loss : str
        Output function and loss; see :data:`dlcourse.core.backprop.LOSSES` for the pairs.
    init : {"zeros", "normal", "lecun", "he", "glorot", "sparse"}, default="glorot"
        Initial weights (:func:`dlcourse.core.init.init_weights`); biases start at zero.
    eta : float or callable, default=0.5
        Learning rate or schedule.
    batch_size : int or None, default=10
        Mini-batch size; None for full-batch gradient descent.
    max_epochs : int, default=30
    tol : float, default=0.0
        Stop early when an epoch lowers the training loss by less than this (0: never).
    alpha : float, default=0.0
        L2 penalty on the weights.
    dtype : {numpy.float64, numpy.float32}
    rng : None, int or Generator
        Initial weights and visiting order.
    backend : {"auto", "numpy", "numba"}, default="auto"
        The NumPy form or the fused loop form (small batches); both give the same weights
        for the same ``rng`` (to rounding).
    progress : bool, default=False
        Show a progress line while training.

    Attributes
    ----------
    W_, b_ : lists of ndarray
        Weights (n_l, n_{l+1}) and biases of each layer.
    loss_curve_ : list of float
        Training loss during every epoch: the mean over its mini-batches, each measured
        before its update, plus the penalty.
    n_iter_, converged_, diverged_ : int, bool, bool
    backend_ : str
"""


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A multilayer perceptron for classification, trained by backpropagation.

    Book: 04_backprop.
    """ + _DOC_PARAMS

    def __init__(self, hidden_layer_sizes=(30,), activation="sigmoid", output="softmax",
                 loss="cross_entropy", init="glorot", eta=0.5, batch_size=10, max_epochs=30,
                 tol=0.0, alpha=0.0, dtype=np.float64, rng=None, backend="auto",
                 progress=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.init = init
        self.eta = eta
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.alpha = alpha
        self.dtype = dtype
        self.rng = rng
        self.backend = backend
        self.progress = progress

    def _targets(self, t):
        unknown = ~np.isin(t, self.classes_)
        if np.any(unknown):
            raise ValueError(f"t contains labels {np.unique(t[unknown]).tolist()} not among "
                             f"classes_ {self.classes_.tolist()}")
        if self.loss == "hinge":
            return np.where(t == self.classes_[1], 1.0, -1.0)[:, None]
        return (t[:, None] == self.classes_[None, :]).astype(float)

    def fit(self, X, t):
        """Train on X of shape (n_samples, n_features) with labels t. Returns self."""
        self._check_params()
        X, t = check_X_t(X, t, dtype=np.dtype(self.dtype))
        self.classes_ = np.unique(t)
        if len(self.classes_) < 2:
            raise ValueError("t has a single class; a classifier needs at least two")
        if self.loss == "hinge" and len(self.classes_) != 2:
            raise ValueError("loss='hinge' is for two classes; use loss='max_margin' or "
                             "'multiclass_hinge' for more")
        T = self._targets(t).astype(self.dtype)
        return self._fit(X, T)

    def predict_proba(self, X):
        """Network outputs as class probabilities, shape (n_samples, n_classes)."""
        if self.output not in ("softmax", "sigmoid"):
            raise AttributeError(f"output={self.output!r} gives scores, not probabilities")
        Y = self._forward(X)
        return Y / Y.sum(axis=1, keepdims=True) if self.output == "sigmoid" else Y

    def predict(self, X):
        """The class with the largest output."""
        Y = self._forward(X)
        if self.loss == "hinge":
            return self.classes_[(Y[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(Y, axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """A multilayer perceptron for regression (linear output, squared error by default).

    Book: 04_backprop.
    """ + _DOC_PARAMS

    def __init__(self, hidden_layer_sizes=(30,), activation="tanh", output="linear",
                 loss="mse", init="glorot", eta=0.05, batch_size=10, max_epochs=100,
                 tol=0.0, alpha=0.0, dtype=np.float64, rng=None, backend="auto",
                 progress=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.init = init
        self.eta = eta
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.alpha = alpha
        self.dtype = dtype
        self.rng = rng
        self.backend = backend
        self.progress = progress

    def fit(self, X, t):
        """Train on X of shape (n_samples, n_features) with targets t of shape (n_samples,)
        or (n_samples, n_outputs). Returns self."""
        self._check_params()
        X = check_array(X, "X", ndim=2, dtype=np.dtype(self.dtype))
        t = check_array(t, "t", ndim=(1, 2), dtype=np.dtype(self.dtype))
        check_X_t(X, t if t.ndim == 1 else t[:, 0])
        self._one_output = t.ndim == 1
        return self._fit(X, t.reshape(len(t), -1))

    def predict(self, X):
        """Network outputs, shape (n_samples,) for one target, else (n_samples, n_outputs)."""
        Y = self._forward(X)
        return Y[:, 0] if self._one_output else Y
