"""Multilayer perceptrons trained by backpropagation, with any optimizer and regulariser.

Book: 04_backprop; 05_optimizers and 06_regularization, sections on the estimators.

Two forms train the same network. The NumPy form is a stack of layers
(:mod:`dlcourse.layers`: affine, [batch norm], activation, [dropout] per hidden layer) whose
gradients any optimizer of :mod:`dlcourse.optim` applies; it computes the products of
(BP1)-(BP4) in the same order as :mod:`dlcourse.core.backprop`. The compiled form fuses
forward pass, gradient and update for SGD (:mod:`dlcourse.kernels.mlp`) and for momentum,
Nesterov and Adam (:mod:`dlcourse.kernels.mlp_optim`) with an L2 penalty: at small batch
sizes the NumPy form spends its time on the overhead of many small array operations.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .._numba import resolve_backend
from .._validation import (check_array, check_fitted_X, check_option, check_same_features,
                           check_scalar, check_X_t)
from ..core.activations import ACTIVATIONS, softmax
from ..core.backprop import LOSSES, OUTPUTS, network_loss
from ..core.init import INITS
from ..core.regularization import max_norm_project
from ..kernels.mlp import HIDDEN_CODES, OUTPUT_CODES, mlp_sgd_epoch
from ..kernels.mlp_optim import RULES, mlp_optim_epoch
from ..layers import Activation, Affine, BatchNorm, Dropout, Sequential
from ._gd import check_gd_params, init_training_state, l2_penalty, run_gradient_descent, sgd_epoch
from ._training import (EarlyStopping, add_penalty_gradient, check_training_params,
                        make_optimizer, penalty_value, validation_split)

__all__ = ["MLPClassifier", "MLPRegressor"]

# Up to this batch size the compiled form beats the NumPy form (1.6x at batch 100, float32);
# beyond it both spend their time in BLAS. Measured in benchmarks/bench_mlp.py.
NUMBA_MAX_BATCH = 256


class _BaseMLP(BaseEstimator):
    """Shared machinery; see :class:`MLPClassifier` and :class:`MLPRegressor`."""

    # whether a compiled whole-network form exists (the ConvNet's backend means its layers')
    _fused_form = True

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
        check_training_params(self)
        if np.dtype(self.dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self._fused_rule = self._fused_rule_name()
        supported = self._fused_rule is not None
        if self._fused_form and self.backend == "numba" and not supported:
            raise ValueError(
                "backend='numba' supports optimizer='sgd' (with or without momentum) and "
                "optimizer='adam' given by name, a constant eta, penalty='l2', no dropout, "
                f"batch norm or max_norm, hidden activations {sorted(HIDDEN_CODES)} and "
                f"(output, loss) pairs {sorted(OUTPUT_CODES)}; use backend='numpy' for other "
                "choices")
        if self.batch_norm and self.batch_size == 1:
            raise ValueError("batch_norm=True needs mini-batches of at least 2 samples to "
                             "estimate a variance; use batch_size >= 2 (or None)")
        small = self.batch_size is not None and self.batch_size <= NUMBA_MAX_BATCH
        self.backend_ = resolve_backend(self.backend, numba_wins=supported and small)

    def _fused_rule_name(self):
        """The update rule the compiled form runs for these hyper-parameters, or None."""
        if not (self.penalty == "l2" and self.max_norm is None and self.p_drop == 0
                and not self.batch_norm and self.activation in HIDDEN_CODES
                and (self.output, self.loss) in OUTPUT_CODES and not callable(self.eta)
                and isinstance(self.optimizer, str)):
            return None
        if self.optimizer == "sgd":
            if self.momentum == 0:
                return "sgd"
            return "nesterov" if self.nesterovs_momentum else "momentum"
        return "adam" if self.optimizer == "adam" else None

    def _start(self, n_features, n_out):
        init_training_state(self, self.rng)
        dtype = np.dtype(self.dtype)
        sizes = (n_features,) + self._sizes + (n_out,)
        self._finish_stack([], sizes, n_features, first_input_grad=False)
        if self.backend_ == "numba":            # work vectors for the batch-size-1 steps
            self._work = (tuple(np.zeros(s, dtype=dtype) for s in sizes[1:]),       # A
                          tuple(np.zeros(s, dtype=dtype) for s in sizes),           # Y
                          tuple(np.zeros(s, dtype=dtype) for s in sizes[1:]))       # delta

    def _finish_stack(self, stack, sizes, n_features, first_input_grad=True, kernels=()):
        """Append the fully connected layers of ``sizes`` to ``stack`` (affine, [batch norm],
        activation, [dropout] per hidden layer), build ``net_`` and the optimizer."""
        rng, dtype = self._rng, np.dtype(self.dtype)
        affine = []
        for l, (n_in, n) in enumerate(zip(sizes[:-1], sizes[1:])):
            hidden = l < len(sizes) - 2
            affine.append(len(stack))
            # batch norm's beta replaces the bias of the layer below it
            stack.append(Affine(n_in, n, self.init, bias=not (hidden and self.batch_norm),
                                input_grad=first_input_grad or l > 0, rng=rng, dtype=dtype))
            if hidden:
                if self.batch_norm:
                    stack.append(BatchNorm(n, dtype=dtype))
                stack.append(Activation(self.activation))
                if self.p_drop:
                    stack.append(Dropout(self.p_drop, rng=rng))
        self.net_ = Sequential(stack)
        self._weight_keys = [f"{i}.W" for i in list(kernels) + affine]
        self.W_ = [self.net_[i].params["W"] for i in affine]
        self.b_ = [self.net_[i].params.get("b", np.zeros(n, dtype=dtype))
                   for i, n in zip(affine, sizes[1:])]
        self.n_features_in_ = n_features
        self._optimizer = make_optimizer(self, self._sgd_eta)

    def _params(self):
        return self.net_.params

    def _output_function(self, A_L):
        return softmax(A_L) if self.output == "softmax" else ACTIVATIONS[self.output][0](A_L)

    def _loss_and_grads(self, X, T):
        A_L = self.net_.forward(X, train=True)
        E, delta = network_loss(A_L, self._output_function(A_L), T, self.output, self.loss)
        self.net_.backward(delta)
        grads = self.net_.grads
        for key, W in zip(self._weight_keys, self._penalised()):
            grads[key] = add_penalty_gradient(self, grads[key], W)
        return E, grads

    def _penalised(self):
        """The weight arrays the penalty applies to, in the order of ``_weight_keys``."""
        return self.W_

    def _penalty(self):
        if self.penalty == "l2":
            return l2_penalty(self.alpha, self._penalised())
        return penalty_value(self, self._penalised())

    def _after_step(self):
        if self.max_norm is not None:
            for W in self.W_:
                W[...] = max_norm_project(W, self.max_norm)

    def _end_epoch(self):
        stopper = getattr(self, "_stopper", None)
        return None if stopper is None else stopper.end_epoch()

    def _run_epoch(self, X, T, order, batch):
        if self.backend_ != "numba" or not self._fused_form:
            n = len(order)
            if self.batch_norm and n > batch and n % batch == 1:
                # a last mini-batch of one sample has no batch variance: leave that sample
                # out of this epoch (the order is random, so a different one each epoch)
                return sgd_epoch(self, X, T, order[:-1], batch)
            return sgd_epoch(self, X, T, order, batch)
        if self._fused_rule != "sgd":
            return self._run_fused_optim_epoch(X, T, order, batch)
        A, Y, D = self._work
        dtype = self.W_[0].dtype
        loss = mlp_sgd_epoch(X, T, tuple(self.W_), tuple(self.b_), A, Y, D,
                             order.astype(np.int64), dtype.type(self._optimizer.eta),
                             dtype.type(self.alpha), int(batch), HIDDEN_CODES[self.activation],
                             OUTPUT_CODES[(self.output, self.loss)])
        self._optimizer.t += -(-X.shape[0] // batch)   # updates made, for schedules' sake
        return loss

    def _run_fused_optim_epoch(self, X, T, order, batch):
        """The compiled form of an epoch with momentum or Adam; the state stays the
        optimizer's (the kernel updates its arrays in place)."""
        opt = self._optimizer
        for key, p in self.net_.params.items():
            if key not in opt.state:
                opt.state[key] = opt._new_state(p)
        adam = self._fused_rule == "adam"
        first, second = ("m", "v") if adam else ("v", "v")
        W_keys = self._weight_keys
        b_keys = [key[:-1] + "b" for key in W_keys]
        state = lambda keys, name: tuple(opt.state[k][name] for k in keys)  # noqa: E731
        A, Y, D = self._work
        loss = mlp_optim_epoch(
            X, T, tuple(self.W_), tuple(self.b_), state(W_keys, first), state(b_keys, first),
            state(W_keys, second), state(b_keys, second), A, Y, D, order.astype(np.int64),
            int(batch), HIDDEN_CODES[self.activation], OUTPUT_CODES[(self.output, self.loss)],
            RULES[self._fused_rule], float(opt.eta), float(self.alpha),
            float(getattr(opt, "mu", 0.0)), float(getattr(opt, "beta1", 0.0)),
            float(getattr(opt, "beta2", 0.0)), float(getattr(opt, "eps", 1.0)),
            bool(getattr(opt, "bias_correction", False)),
            int(opt.state[W_keys[0]].get("t", 0)))
        updates = -(-X.shape[0] // batch)
        if adam:
            for key in opt.state:
                opt.state[key]["t"] += updates
        opt.t += updates
        return loss

    def _fit(self, X, T, t_score, labels=None):
        """Train from scratch; ``t_score`` are the targets as ``score`` takes them and
        ``labels`` the classes to stratify the validation split by (classifiers)."""
        self._start(X.shape[1], T.shape[1])
        self.validation_scores_ = self.best_validation_score_ = None
        if self.early_stopping:
            train, val = validation_split(len(X), self.validation_fraction, self._rng, labels)
            if len(train) == 0:
                raise ValueError(f"validation_fraction={self.validation_fraction} leaves no "
                                 f"samples to train on out of {len(X)}; pass more samples or a "
                                 "smaller fraction")
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
            self._stopper = EarlyStopping(self, X[val], t_score[val],
                                          lambda: {**self.net_.params, **self.net_.buffers})
            X, T = X[train], T[train]
        try:
            run_gradient_descent(self, X, T, self._rng)
        finally:
            if self.early_stopping:
                self._stopper.restore_best()
                del self._stopper
        return self

    def _partial_fit(self, X, T):
        run_gradient_descent(self, X, T, self._rng, epochs=1)
        return self

    def _forward(self, X):
        dtype = self.W_[0].dtype if hasattr(self, "W_") else np.float64
        X = check_fitted_X(self, X, "W_", dtype=dtype)
        return self._output_function(self.net_.forward(X, train=False))


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
    optimizer : str or optimizer object, default="sgd"
        "sgd" (with ``momentum`` > 0: momentum, Nesterov's if ``nesterovs_momentum``),
        "adam", "rmsprop" (with ``momentum``), "adagrad", "adadelta", "rprop" (``eta`` is the
        initial step size; use full batches, ``batch_size=None``), "delta_bar_delta" (with
        ``momentum``), or any object with ``step(params, grads)`` such as
        ``dlcourse.optim.Adam(0.01)`` (copied and reset at each ``fit``).
    eta : float, callable or None, default=None
        Learning rate or schedule; None takes the optimizer's usual one: 0.5 for "sgd" in the
        classifier (0.05 in the regressor), 0.001 for "adam" and "rmsprop", 0.01 for
        "adagrad", "rprop" and "delta_bar_delta", 1.0 for "adadelta".
    momentum : float in [0, 1), default=0.0
        mu of :class:`dlcourse.optim.Momentum` (scikit-learn's default is 0.9; here 0 keeps
        plain SGD and its fast compiled form the default).
    nesterovs_momentum : bool, default=True
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's decay rates and eps (epsilon is RMSprop's eps too).
    batch_size : int or None, default=10
        Mini-batch size; None for full-batch gradient descent.
    max_epochs : int, default=30
    tol : float, default=0.0
        Without early stopping: stop when an epoch lowers the training loss by less than
        this (0: never). With it: the improvement of the validation score that counts.
    penalty : {"l2", "l1", "elasticnet"}, default="l2"
        Weight penalty (never on biases, gamma or beta): (alpha / 2) sum w^2, alpha sum |w|,
        or alpha (l1_ratio sum |w| + (1 - l1_ratio) / 2 sum w^2), scikit-learn's elastic net.
    alpha : float, default=0.0
        Strength of the penalty.
    l1_ratio : float in [0, 1], default=0.15
    max_norm : float or None, default=None
        After every update, scale each unit's incoming weight vector down to this length if
        it is longer (:func:`dlcourse.core.regularization.max_norm_project`).
    p_drop : float in [0, 1), default=0.0
        Probability of dropping each hidden unit in training (inverted dropout after every
        hidden activation); not the keep probability.
    batch_norm : bool, default=False
        Batch normalisation between each hidden affine map and its activation (the affine
        map then has no bias); mini-batches need at least 2 samples.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (per class for the classifier)
        and stop when its score (``score``: accuracy, or R^2 for the regressor) has not
        improved by ``tol`` for ``n_iter_no_change`` epochs in a row; the weights of the best
        epoch are kept. Not used by ``partial_fit``.
    validation_fraction : float in (0, 1), default=0.1
    n_iter_no_change : int, default=10
    dtype : {numpy.float64, numpy.float32}
    rng : None, int or Generator
        Initial weights, visiting order, dropout masks and validation split.
    backend : {"auto", "numpy", "numba"}, default="auto"
        The layer stack (NumPy) or the fused loop form; the fused form runs optimizer="sgd"
        (with or without momentum) and "adam" given by name, with a constant eta, the L2
        penalty and no dropout, batch norm or max-norm, and gives the same weights as the
        NumPy form for the same ``rng`` (to rounding). "auto" takes it for batches of up to
        256 samples.
    progress : bool, default=False
        Show a progress line while training.

    Attributes
    ----------
    net_ : dlcourse.layers.Sequential
        The network below the output function; its ``params`` are the arrays trained.
    W_, b_ : lists of ndarray
        Weights (n_l, n_{l+1}) and biases of each affine layer (the same arrays as in
        ``net_``; a layer followed by batch norm has no bias, shown as zeros).
    loss_curve_ : list of float
        Training loss during every epoch: the mean over its mini-batches, each measured
        before its update, plus the penalty.
    validation_scores_ : list of float or None
        Validation score after every epoch, with early stopping.
    best_validation_score_ : float or None
    n_iter_, converged_, diverged_ : int, bool, bool
    backend_ : str
"""


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """A multilayer perceptron for classification, trained by backpropagation.

    Book: 04_backprop; 05_optimizers and 06_regularization for the training options.
    """ + _DOC_PARAMS

    _sgd_eta = 0.5

    def __init__(self, hidden_layer_sizes=(30,), activation="sigmoid", output="softmax",
                 loss="cross_entropy", init="glorot", optimizer="sgd", eta=None,
                 momentum=0.0, nesterovs_momentum=True, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, batch_size=10, max_epochs=30, tol=0.0, penalty="l2", alpha=0.0,
                 l1_ratio=0.15, max_norm=None, p_drop=0.0, batch_norm=False,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 dtype=np.float64, rng=None, backend="auto", progress=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.init = init
        self.optimizer = optimizer
        self.eta = eta
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.max_norm = max_norm
        self.p_drop = p_drop
        self.batch_norm = batch_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
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

    def _set_classes(self, classes):
        self.classes_ = np.unique(classes)
        if len(self.classes_) < 2:
            raise ValueError("t has a single class; a classifier needs at least two")
        if self.loss == "hinge" and len(self.classes_) != 2:
            raise ValueError("loss='hinge' is for two classes; use loss='max_margin' or "
                             "'multiclass_hinge' for more")

    def fit(self, X, t):
        """Train on X of shape (n_samples, n_features) with labels t. Returns self."""
        self._check_params()
        X, t = check_X_t(X, t, dtype=np.dtype(self.dtype))
        self._set_classes(t)
        T = self._targets(t).astype(self.dtype)
        return self._fit(X, T, t_score=t, labels=t)

    def partial_fit(self, X, t, classes=None):
        """One epoch over (X, t), continuing from the current weights and optimizer state.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        t : array_like of shape (n_samples,)
        classes : array_like, optional
            Every label the data will ever contain; required on the first call (a batch
            need not show every class), ignored when it repeats the known classes.

        Returns
        -------
        self
        """
        first = not hasattr(self, "net_")
        if first:
            self._check_params()
            if classes is None:
                raise ValueError("the first call to partial_fit needs classes=, every label "
                                 "the data will ever contain (e.g. classes=np.unique(t_all))")
        dtype = np.dtype(self.dtype) if first else self.W_[0].dtype
        X, t = check_X_t(X, t, dtype=dtype)
        if first:
            self._set_classes(classes)
            self._start(X.shape[1], 1 if self.loss == "hinge" else len(self.classes_))
            self.validation_scores_ = self.best_validation_score_ = None
        else:
            check_same_features(X, self.n_features_in_, f"this {type(self).__name__}")
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise ValueError(f"classes={np.unique(classes).tolist()} differ from the "
                                 f"classes_ {self.classes_.tolist()} of the first call; pass "
                                 "the same classes or start again with fit")
        return self._partial_fit(X, self._targets(t).astype(dtype))

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

    Book: 04_backprop; 05_optimizers and 06_regularization for the training options.
    """ + _DOC_PARAMS

    _sgd_eta = 0.05

    def __init__(self, hidden_layer_sizes=(30,), activation="tanh", output="linear",
                 loss="mse", init="glorot", optimizer="sgd", eta=None, momentum=0.0,
                 nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 batch_size=10, max_epochs=100, tol=0.0, penalty="l2", alpha=0.0,
                 l1_ratio=0.15, max_norm=None, p_drop=0.0, batch_norm=False,
                 early_stopping=False, validation_fraction=0.1, n_iter_no_change=10,
                 dtype=np.float64, rng=None, backend="auto", progress=False):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.init = init
        self.optimizer = optimizer
        self.eta = eta
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.tol = tol
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.max_norm = max_norm
        self.p_drop = p_drop
        self.batch_norm = batch_norm
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.rng = rng
        self.backend = backend
        self.progress = progress

    def _check_targets(self, X, t, dtype):
        X = check_array(X, "X", ndim=2, dtype=dtype)
        t = check_array(t, "t", ndim=(1, 2), dtype=dtype)
        check_X_t(X, t if t.ndim == 1 else t[:, 0])
        return X, t

    def fit(self, X, t):
        """Train on X of shape (n_samples, n_features) with targets t of shape (n_samples,)
        or (n_samples, n_outputs). Returns self."""
        self._check_params()
        X, t = self._check_targets(X, t, np.dtype(self.dtype))
        self._one_output = t.ndim == 1
        return self._fit(X, t.reshape(len(t), -1), t_score=t)

    def partial_fit(self, X, t):
        """One epoch over (X, t), continuing from the current weights and optimizer state.

        Returns
        -------
        self
        """
        first = not hasattr(self, "net_")
        if first:
            self._check_params()
        X, t = self._check_targets(X, t, np.dtype(self.dtype) if first else self.W_[0].dtype)
        T = t.reshape(len(t), -1)
        if first:
            self._one_output = t.ndim == 1
            self._start(X.shape[1], T.shape[1])
            self.validation_scores_ = self.best_validation_score_ = None
        else:
            check_same_features(X, self.n_features_in_, f"this {type(self).__name__}")
            if T.shape[1] != self.W_[-1].shape[1]:
                raise ValueError(f"t has {T.shape[1]} outputs but the network was started "
                                 f"with {self.W_[-1].shape[1]}; pass targets of the same width")
        return self._partial_fit(X, T)

    def predict(self, X):
        """Network outputs, shape (n_samples,) for one target, else (n_samples, n_outputs)."""
        Y = self._forward(X)
        return Y[:, 0] if self._one_output else Y
