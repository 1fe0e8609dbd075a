"""What every optimizer shares: a learning rate or schedule, a step count, and state kept per
parameter name.

Book: 05_optimizers, section "One interface for every rule".

An optimizer sees two dicts with the same keys, ``params`` (arrays it changes in place) and
``grads`` (dE/dparam, the gradient of the loss being minimised). It never knows which layer a
parameter came from; the only thing it remembers about a parameter is the state it keeps
under that parameter's name (a velocity, running averages, step sizes), made the first time
the name is seen.
"""

import numpy as np

from .._validation import check_params_grads, check_scalar
from .schedules import constant

__all__ = ["Optimizer", "as_schedule", "check_beta"]


def as_schedule(eta, name="eta"):
    """A schedule ``eta(t)`` from a positive number or a callable (returned as it is)."""
    if callable(eta):
        return eta
    return constant(check_scalar(eta, name, low=0, include_low=False))


def check_beta(value, name):
    """A decay rate of a running average must lie in [0, 1): at 1 the average never moves."""
    return check_scalar(value, name, low=0, high=1, include_high=False)


class Optimizer:
    """Base class: ``step(params, grads)`` updates every parameter in place.

    Subclasses implement ``_new_state(p)`` (a dict of arrays for one parameter) and
    ``_update(p, g, state, eta)`` (one parameter's step, in place).

    Parameters
    ----------
    eta : float or callable
        Learning rate, or a schedule ``eta(t)`` of the step count t = 0, 1, 2, ...
        (see :mod:`dlcourse.optim.schedules`).

    Attributes
    ----------
    t : int
        Steps made so far.
    state : dict of str -> dict of ndarray
        What the rule remembers about each parameter, under the parameter's name.
    """

    def __init__(self, eta):
        self.schedule = as_schedule(eta)
        self.t = 0
        self.state = {}

    @property
    def eta(self):
        """The learning rate the next step will use."""
        return self.schedule(self.t)

    def reset(self):
        """Forget every parameter's state and the step count (start a new training run)."""
        self.t = 0
        self.state = {}

    def step(self, params, grads):
        """Update every parameter in place from its gradient.

        Parameters
        ----------
        params : dict of str -> ndarray
            Changed in place.
        grads : dict of str -> ndarray
            Same keys and shapes as ``params``.
        """
        check_params_grads(params, grads)
        eta = self.eta
        for name, p in params.items():
            state = self.state.get(name)
            if state is None:
                state = self.state[name] = self._new_state(p)
            else:
                self._check_state(name, p, state)
            self._update(p, np.asarray(grads[name], dtype=p.dtype), state, eta)
        self.t += 1

    def _check_state(self, name, p, state):
        for key, value in state.items():
            if isinstance(value, np.ndarray) and value.shape != p.shape:
                raise ValueError(f"{type(self).__name__} keeps state for {name!r} of shape "
                                 f"{value.shape}, but the parameter now has shape {p.shape}; "
                                 "call reset() or use a new optimizer for a new model")

    def _new_state(self, p):
        return {}

    def _update(self, p, g, state, eta):
        raise NotImplementedError

    def __repr__(self):
        skip = {"state", "t", "schedule"}
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if k not in skip and not k.startswith("_"))
        return f"{type(self).__name__}(eta={self.schedule!r}{', ' if args else ''}{args})"
