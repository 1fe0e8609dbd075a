"""Plain stochastic gradient descent: theta <- theta - eta(t) * dE/dtheta.

Book: 03_gradient_descent, eq. (GD1).

An optimizer owns its state (here only the step count) and updates a dict of parameter
arrays in place from a dict of gradients with the same keys: the model computes gradients,
the optimizer decides the step, and neither reaches into the other.
"""

from ._base import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
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
        super().__init__(eta)

    def _update(self, p, g, state, eta):
        p -= eta * g
