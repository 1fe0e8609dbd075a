"""Learning-rate schedules eta(step): callables handed to an optimizer.

Book: 03_gradient_descent, section "The learning rate"; 05_optimizers, section "Schedules".
"""

import numbers

from .._validation import check_scalar

__all__ = ["constant", "step_decay", "exponential_decay", "inverse_time"]


class _Schedule:
    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class constant(_Schedule):
    """eta(t) = eta0."""

    def __init__(self, eta0):
        self.eta0 = check_scalar(eta0, "eta0", low=0, include_low=False)

    def __call__(self, t):
        return self.eta0


class step_decay(_Schedule):
    """eta(t) = eta0 * drop ** floor(t / every): cut the rate by a factor every few steps."""

    def __init__(self, eta0, drop=0.5, every=100):
        self.eta0 = check_scalar(eta0, "eta0", low=0, include_low=False)
        self.drop = check_scalar(drop, "drop", low=0, high=1, include_low=False)
        self.every = check_scalar(every, "every", kind=numbers.Integral, low=1)

    def __call__(self, t):
        return self.eta0 * self.drop ** (t // self.every)


class exponential_decay(_Schedule):
    """eta(t) = eta0 * gamma ** t."""

    def __init__(self, eta0, gamma=0.99):
        self.eta0 = check_scalar(eta0, "eta0", low=0, include_low=False)
        self.gamma = check_scalar(gamma, "gamma", low=0, high=1, include_low=False)

    def __call__(self, t):
        return self.eta0 * self.gamma**t


class inverse_time(_Schedule):
    """eta(t) = eta0 / (1 + t / tau): sum eta = infinity and sum eta^2 < infinity, the
    Robbins-Monro conditions under which stochastic gradient descent converges."""

    def __init__(self, eta0, tau=100.0):
        self.eta0 = check_scalar(eta0, "eta0", low=0, include_low=False)
        self.tau = check_scalar(tau, "tau", low=0, include_low=False)

    def __call__(self, t):
        return self.eta0 / (1.0 + t / self.tau)
