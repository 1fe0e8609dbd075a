"""The mini-batch gradient-descent loop shared by the linear models.

Book: 03_gradient_descent, section "Batch, mini-batch and online".

A model supplies ``_params()`` (a dict of arrays), ``_loss_and_grads(X, T)`` (the mean data
loss, and a gradient dict with the same keys that includes the penalty's gradient),
``_penalty()`` (the penalty's value) and the data, and optionally
``_run_epoch(X, T, order, batch)`` to run an epoch's updates its own way (a compiled loop form
that must give the same result as the default), ``_after_step()`` to run after every update
(a constraint such as max-norm) and ``_end_epoch()`` to decide when to stop in place of the
rule on ``tol`` (True: stop, False: go on; early stopping); this loop visits the
samples in a fresh random order each epoch, updates after every mini-batch with
:class:`dlcourse.optim.SGD`, records the epoch's loss, and stops when the loss improves by
less than ``tol`` or when it diverges.
"""

import contextlib
import numbers
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from .._rng import check_rng
from .._validation import check_scalar
from ..optim import SGD
from .._progress import progress as progress_line

__all__ = ["DivergenceWarning", "check_gd_params", "init_training_state", "l2_penalty",
           "run_gradient_descent", "sgd_epoch"]


#: mini-batch products (batch x n_features x n_outputs) below this size train on one BLAS thread
SMALL_PRODUCT = 10_000_000


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss grew without bound (the learning rate is too large)."""


def check_gd_params(model):
    """Validate the hyper-parameters every gradient-descent model shares."""
    if model.eta is not None and not callable(model.eta):   # None: the optimizer's default
        check_scalar(model.eta, "eta", low=0, include_low=False)
    if model.batch_size is not None:
        check_scalar(model.batch_size, "batch_size", kind=numbers.Integral, low=1)
    check_scalar(model.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
    check_scalar(model.tol, "tol", low=0)
    check_scalar(model.alpha, "alpha", low=0)


def run_gradient_descent(model, X, T, rng, epochs=None):
    """Train ``model`` in place; fills ``loss_curve_``, ``n_iter_``, ``converged_``, ``diverged_``.

    ``loss_curve_[k]`` is the mean loss over the mini-batches of epoch k, each measured just
    before its update (for batch gradient descent: the loss at the start of the epoch), plus
    the penalty at the end of the epoch. It costs nothing extra to record, unlike a separate
    pass over all the data.

    Parameters
    ----------
    model : estimator with ``_params``, ``_loss_and_grads`` and ``_penalty``
    X : ndarray of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_outputs)
    rng : numpy.random.Generator
    epochs : int, optional
        Run exactly this many epochs (partial_fit); default ``model.max_epochs`` with stopping.
    """
    n = X.shape[0]
    batch = n if model.batch_size is None else min(int(model.batch_size), n)
    if not hasattr(model, "_optimizer"):
        model._optimizer = SGD(model.eta)
    params = model._params()
    budget = model.max_epochs if epochs is None else epochs
    loop = range(budget)
    if getattr(model, "progress", False):
        loop = progress_line(loop, desc=type(model).__name__,
                             metrics=lambda: f"loss {model.loss_curve_[-1]:.4g}"
                             if model.loss_curve_ else "")
    # Small products run faster on one BLAS thread than on several (thread start-up outweighs
    # the work; 11x on 10-class digits on 2 cores); large ones keep every thread.
    small = batch * X.shape[1] * max(T.shape[1], 1) < SMALL_PRODUCT
    with threadpool_limits(1) if small else contextlib.nullcontext():
        _run_epochs(model, X, T, rng, batch, loop, epochs, params)


def _run_epochs(model, X, T, rng, batch, loop, epochs, params):
    """The epochs of :func:`run_gradient_descent`, with its stopping rules."""
    n = X.shape[0]
    for _ in loop:
        order = rng.permutation(n) if batch < n else np.arange(n)
        saved = {k: v.copy() for k, v in params.items()}
        if hasattr(model, "_run_epoch"):          # a model with a compiled loop form
            data_loss = model._run_epoch(X, T, order, batch)
        else:
            data_loss = sgd_epoch(model, X, T, order, batch)
        loss = float(data_loss) + model._penalty()
        model.n_iter_ += 1
        first = model.loss_curve_[0] if model.loss_curve_ else loss
        if not np.isfinite(loss) or loss > 1e6 * max(first, 1e-12):
            for k in params:                    # back to the last finite weights
                params[k][...] = saved[k]
            model.diverged_ = True
            warnings.warn(f"{type(model).__name__}: the loss grew from {first:.3g} to "
                          f"{loss:.3g} in {model.n_iter_} epochs; the learning rate eta="
                          f"{model._optimizer.eta:.3g} is too large, try one ten times smaller",
                          DivergenceWarning, stacklevel=4)   # the caller of fit
            model.loss_curve_.append(loss)
            return
        previous = model.loss_curve_[-1] if model.loss_curve_ else np.inf
        model.loss_curve_.append(loss)
        stop = model._end_epoch() if hasattr(model, "_end_epoch") and epochs is None else None
        if stop is not None:
            if stop:
                model.converged_ = True
                return
            continue
        if epochs is None and 0 <= previous - loss < model.tol:
            model.converged_ = True
            return


def sgd_epoch(model, X, T, order, batch):
    """The NumPy form of one epoch: a gradient step on each mini-batch, in ``order``.

    Returns the mean data loss over the samples of ``order``, each batch measured before its
    update.
    """
    params = model._params()
    total = 0.0
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        E, grads = model._loss_and_grads(X[idx], T[idx])
        model._optimizer.step(params, grads)
        if hasattr(model, "_after_step"):
            model._after_step()
        total += E * len(idx)
    return total / len(order)


def l2_penalty(alpha, weights):
    """(alpha / 2) times the sum of squared weights, skipped when alpha is 0."""
    return 0.5 * alpha * sum(float(np.sum(W * W)) for W in weights) if alpha else 0.0


def init_training_state(model, rng):
    """Reset what ``fit`` learns, keeping ``rng`` for the whole run."""
    model._rng = check_rng(rng)
    model.loss_curve_ = []
    model.n_iter_ = 0
    model.converged_ = False
    model.diverged_ = False
    if hasattr(model, "_optimizer"):
        del model._optimizer
