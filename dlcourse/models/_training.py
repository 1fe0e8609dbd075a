"""Training options of the network estimators: which optimizer, which penalty, and early
stopping on a validation split.

Book: 05_optimizers, section "Every optimizer on the digits"; 06_regularization, sections
"Early stopping with patience" and "Penalties and constraints on the weights".

The names are scikit-learn's where scikit-learn has the same idea (``momentum``,
``nesterovs_momentum``, ``beta_1``, ``beta_2``, ``epsilon``, ``alpha``, ``penalty``,
``l1_ratio``, ``early_stopping``, ``validation_fraction``, ``n_iter_no_change``, ``tol``).
"""

import copy
import numbers

import numpy as np

from .._validation import check_option, check_scalar
from ..core.regularization import elastic_net_penalty, l1_penalty, l2_penalty
from .. import optim

__all__ = ["OPTIMIZERS", "PENALTIES", "DEFAULT_ETA", "check_training_params", "make_optimizer",
           "penalty_value", "add_penalty_gradient", "EarlyStopping", "validation_split"]

#: optimizer names an estimator accepts
OPTIMIZERS = ("sgd", "adam", "rmsprop", "adagrad", "adadelta", "rprop", "delta_bar_delta")
PENALTIES = ("l2", "l1", "elasticnet")
#: learning rate used when eta=None (for "sgd" the estimator's own default); for "rprop" it
#: is the initial step size
DEFAULT_ETA = {"adam": 0.001, "rmsprop": 0.001, "adagrad": 0.01, "adadelta": 1.0,
               "rprop": 0.01, "delta_bar_delta": 0.01}


def check_training_params(model):
    """Validate the optimizer, penalty and early-stopping hyper-parameters of ``model``."""
    opt = model.optimizer
    if isinstance(opt, str):
        check_option(opt, "optimizer", OPTIMIZERS)
    elif not hasattr(opt, "step"):
        raise TypeError(f"optimizer must be a name ({', '.join(OPTIMIZERS)}) or an object with "
                        f"step(params, grads), got {type(opt).__name__}")
    check_scalar(model.momentum, "momentum", low=0, high=1, include_high=False)
    check_scalar(model.beta_1, "beta_1", low=0, high=1, include_high=False)
    check_scalar(model.beta_2, "beta_2", low=0, high=1, include_high=False)
    check_scalar(model.epsilon, "epsilon", low=0, include_low=False)
    check_option(model.penalty, "penalty", PENALTIES)
    check_scalar(model.l1_ratio, "l1_ratio", low=0, high=1)
    if model.max_norm is not None:
        check_scalar(model.max_norm, "max_norm", low=0, include_low=False)
    check_scalar(model.p_drop, "p_drop (the probability of dropping a hidden unit)", low=0,
                 high=1, include_high=False)
    check_scalar(model.validation_fraction, "validation_fraction", low=0, high=1,
                 include_low=False, include_high=False)
    check_scalar(model.n_iter_no_change, "n_iter_no_change", kind=numbers.Integral, low=1)


def make_optimizer(model, sgd_eta):
    """The optimizer ``model`` asks for, fresh for a new training run.

    Parameters
    ----------
    model : estimator
        With ``optimizer``, ``eta``, ``momentum``, ``nesterovs_momentum``, ``beta_1``,
        ``beta_2``, ``epsilon``.
    sgd_eta : float
        The estimator's default learning rate for plain SGD.
    """
    opt = model.optimizer
    if not isinstance(opt, str):               # an object: a copy, so every fit starts afresh
        opt = copy.deepcopy(opt)
        opt.reset()
        return opt
    eta = model.eta if model.eta is not None else DEFAULT_ETA.get(opt, sgd_eta)
    mu = model.momentum
    if opt == "sgd":
        if mu == 0:
            return optim.SGD(eta)
        return (optim.Nesterov if model.nesterovs_momentum else optim.Momentum)(eta, mu=mu)
    if opt == "adam":
        return optim.Adam(eta, beta1=model.beta_1, beta2=model.beta_2, eps=model.epsilon)
    if opt == "rmsprop":
        return optim.RMSprop(eta, eps=model.epsilon, mu=mu)
    if opt == "adagrad":
        return optim.Adagrad(eta)
    if opt == "adadelta":
        return optim.Adadelta(eta)
    if opt == "rprop":
        return optim.Rprop(delta0=eta)
    return optim.DeltaBarDelta(eta, mu=mu)


def _lams(model):
    """(lam1, lam2) of the elastic net that ``penalty``, ``alpha``, ``l1_ratio`` stand for."""
    a = model.alpha
    return {"l2": (0.0, a), "l1": (a, 0.0),
            "elasticnet": (a * model.l1_ratio, a * (1 - model.l1_ratio))}[model.penalty]


def penalty_value(model, weights):
    """The penalty summed over the weight matrices (0 when alpha is 0)."""
    if not model.alpha:
        return 0.0
    lam1, lam2 = _lams(model)
    return sum(elastic_net_penalty(W, lam1, lam2)[0] for W in weights)


def add_penalty_gradient(model, g, W):
    """dE/dW of the data loss ``g`` plus the penalty's gradient at W."""
    if not model.alpha:
        return g
    if model.penalty == "l2":
        return g + l2_penalty(W, model.alpha)[1]
    if model.penalty == "l1":
        return g + l1_penalty(W, model.alpha)[1]
    return g + elastic_net_penalty(W, *_lams(model))[1]


class EarlyStopping:
    """Stop when the validation score has not improved by ``tol`` for ``n_iter_no_change``
    epochs, and keep the best weights seen (scikit-learn's rule).

    Parameters
    ----------
    model : estimator with ``score``
    X_val, t_val : the held-out split
    state : callable
        ``state() -> dict of arrays`` that training changes (parameters and buffers), to
        copy at the best epoch and write back at the end.
    """

    def __init__(self, model, X_val, t_val, state):
        self.model, self.X_val, self.t_val, self.state = model, X_val, t_val, state
        self.best_state = None
        self.bad_epochs = 0

    def end_epoch(self):
        """Score the epoch's weights; True when training should stop."""
        m = self.model
        score = float(m.score(self.X_val, self.t_val))
        m.validation_scores_.append(score)
        if score < m.best_validation_score_ + m.tol:
            self.bad_epochs += 1
        else:
            self.bad_epochs = 0
        if score > m.best_validation_score_:
            m.best_validation_score_ = score
            self.best_state = {k: v.copy() for k, v in self.state().items()}
        return self.bad_epochs >= m.n_iter_no_change

    def restore_best(self):
        if self.best_state is not None:
            for k, v in self.state().items():
                v[...] = self.best_state[k]


def validation_split(n, fraction, rng, labels=None):
    """Indices (train, validation), the validation part ``fraction`` of n samples; with
    ``labels``, every class gets its share (stratified), as scikit-learn does for classifiers."""
    if labels is None:
        order = rng.permutation(n)
        n_val = max(1, int(round(fraction * n)))
        return np.sort(order[n_val:]), np.sort(order[:n_val])
    val = []
    for c in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == c))
        val.append(members[:max(1, int(round(fraction * len(members))))])
    val = np.sort(np.concatenate(val))
    return np.setdiff1d(np.arange(n), val), val
