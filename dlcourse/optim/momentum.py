"""Momentum and Nesterov momentum: a velocity that remembers past gradients.

Book: 05_optimizers, sections "Momentum" and "Nesterov momentum".

The book writes momentum as a ball with velocity v and friction mu:

    (M1)  v <- mu v - eta g
    (M2)  theta <- theta + v

PyTorch (``torch.optim.SGD(momentum=mu)``) keeps a buffer b of summed gradients instead:

    b <- mu b + g,    theta <- theta - eta b.

With a constant eta the two are the same rule, v = -eta b. They differ only when eta
changes: the book's velocity carries past steps at the old rate, PyTorch's buffer re-scales
them by the new one. These classes follow the book.
"""

import numpy as np

from ._base import Optimizer, check_beta

__all__ = ["Momentum", "Nesterov"]


class Momentum(Optimizer):
    """Gradient descent with momentum, (M1)-(M2).

    Parameters
    ----------
    eta : float or callable, default=0.01
        Learning rate or schedule.
    mu : float, default=0.9
        Momentum coefficient in [0, 1): the fraction of the velocity kept per step
        (1 - mu is the friction). mu = 0 is plain gradient descent.

    Notes
    -----
    Maps to ``torch.optim.SGD(lr=eta, momentum=mu)`` with v = -eta * momentum_buffer.
    """

    def __init__(self, eta=0.01, mu=0.9):
        super().__init__(eta)
        self.mu = check_beta(mu, "mu")

    def _new_state(self, p):
        return {"v": np.zeros_like(p)}

    def _update(self, p, g, state, eta):
        v = state["v"]
        v[...] = self.mu * v - eta * g          # (M1)
        p += v                                  # (M2)


class Nesterov(Momentum):
    """Nesterov momentum: the gradient taken at the look-ahead point theta + mu v.

    The rule as written, v <- mu v - eta grad E(theta + mu v), needs the gradient at a point
    other than the current parameters. Storing the look-ahead point phi = theta + mu v as
    the parameters instead makes the gradient the ordinary one at the stored point:

        (N1)  v   <- mu v - eta g,     g = grad E(phi)
        (N2)  phi <- phi + mu v - eta g        (v already updated)

    (from theta' = theta + v' and phi' = theta' + mu v'). The parameters this class updates
    are phi; at the end of training they differ from theta by mu v, which goes to zero as
    training converges.

    Parameters
    ----------
    eta : float or callable, default=0.01
    mu : float, default=0.9

    Notes
    -----
    Maps to ``torch.optim.SGD(lr=eta, momentum=mu, nesterov=True)``, which updates the same
    phi: with b = -v / eta, phi <- phi - eta (g + mu b).
    """

    def _update(self, p, g, state, eta):
        v = state["v"]
        v[...] = self.mu * v - eta * g          # (N1)
        p += self.mu * v - eta * g              # (N2)
