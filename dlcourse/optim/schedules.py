"""Learning-rate schedules eta(t) of the step count t = 0, 1, 2, ...: callables handed to an
optimizer.

Book: 03_gradient_descent, section "The learning rate"; 05_optimizers, section "Schedules".
"""

import math
import numbers

from .._validation import check_scalar

__all__ = ["constant", "step_decay", "exponential_decay", "inverse_time", "cosine_decay",
           "linear_warmup", "exponential_range"]


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


class cosine_decay(_Schedule):
    """eta(t) = eta_min + (eta0 - eta_min) (1 + cos(pi t / n_steps)) / 2 for t <= n_steps, then
    eta_min: half a cosine from eta0 down to eta_min (Loshchilov and Hutter, 2017, without
    restarts). It stays near eta0 for longer than exponential decay, then falls fast."""

    def __init__(self, eta0, n_steps, eta_min=0.0):
        self.eta0 = check_scalar(eta0, "eta0", low=0, include_low=False)
        self.n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=1)
        self.eta_min = check_scalar(eta_min, "eta_min", low=0, high=self.eta0)

    def __call__(self, t):
        if t >= self.n_steps:
            return self.eta_min
        fall = 0.5 * (1 + math.cos(math.pi * t / self.n_steps))   # from 1 down to 0
        return self.eta_min + (self.eta0 - self.eta_min) * fall


class linear_warmup(_Schedule):
    """eta(t) = after(t) * (t + 1) / n_warmup for the first n_warmup steps, then after(t).

    A small learning rate in the first steps keeps an adaptive optimizer from acting on its
    first, poorly estimated statistics, and a large network from diverging before its
    activations have settled; ``after`` is a number or another schedule.
    """

    def __init__(self, after, n_warmup=100):
        self.after = after if callable(after) else constant(after)
        self.n_warmup = check_scalar(n_warmup, "n_warmup", kind=numbers.Integral, low=1)

    def __call__(self, t):
        return self.after(t) * min(1.0, (t + 1) / self.n_warmup)


class exponential_range(_Schedule):
    """eta(t) = eta_min (eta_max / eta_min)^(t / (n_steps - 1)): from eta_min at t = 0 to
    eta_max at t = n_steps - 1, the same factor every step (the learning-rate range test)."""

    def __init__(self, eta_min, eta_max, n_steps):
        self.eta_min = check_scalar(eta_min, "eta_min", low=0, include_low=False)
        self.eta_max = check_scalar(eta_max, "eta_max", low=self.eta_min, include_low=False)
        self.n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=2)

    def __call__(self, t):
        return self.eta_min * (self.eta_max / self.eta_min) ** (t / (self.n_steps - 1))
