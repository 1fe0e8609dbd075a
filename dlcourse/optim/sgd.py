"""Plain stochastic gradient descent: theta <- theta - eta(t) * dE/dtheta.

Book: 03_gradient_descent, eq. (GD1).

An optimizer owns its state (here only the step count) and updates a dict of parameter
arrays in place from a dict of gradients with the same keys: the model computes gradients,
the optimizer decides the step, and neither reaches into the other.
"""

import numpy as np

from .._validation import check_scalar
from .schedules import constant

__all__ = ["SGD"]


class SGD:
    """Gradient descent with an optional learning-rate schedule.

    Parameters
    ----------
    eta : float or callable, default=0.1
        The learning rate, or a schedule ``eta(t)`` of the step count t = 0, 1, 2, ...
        (see :mod:`dlcourse.optim.schedules`).

    Attributes
    ----------
    t : int
        Updates made so far.
    """

    def __init__(self, eta=0.1):
        self.schedule = eta if callable(eta) else constant(check_scalar(eta, "eta", low=0,
                                                                        include_low=False))
        self.t = 0

    @property
    def eta(self):
        """The learning rate the next step will use."""
        return self.schedule(self.t)

    def step(self, params, grads):
        """Update every parameter in place: params[k] -= eta(t) * grads[k].

        Parameters
        ----------
        params : dict of str -> ndarray
        grads : dict of str -> ndarray
            Same keys and shapes as ``params``.
        """
        missing = set(params) ^ set(grads)
        if missing:
            raise KeyError(f"params and grads must have the same keys; differ in {sorted(missing)}")
        eta = self.eta
        for name, p in params.items():
            g = grads[name]
            if np.shape(g) != np.shape(p):
                raise ValueError(f"gradient for {name!r} has shape {np.shape(g)}, "
                                 f"the parameter {np.shape(p)}")
            p -= eta * g
        self.t += 1
