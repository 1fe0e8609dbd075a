"""Annealed gradient noise: Gaussian noise added to every gradient, shrinking over time.

Book: 05_optimizers, section "Gradient noise".

    (GN1)  g <- g + N(0, sigma_t^2),     sigma_t^2 = eta_noise / (1 + t)^gamma

(Neelakantan et al., 2015, with eta_noise in {0.01, 0.3, 1} and gamma = 0.55). The noise
lets deep or badly initialised networks leave poor regions early; its variance decays so
that it does not stop convergence later. The noise goes into the gradient before the
optimizer's own rule, so it combines with any optimizer: a wrapper, not a new rule.
"""

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["GradientNoise", "noise_variance"]


def noise_variance(t, eta_noise=0.01, gamma=0.55):
    """sigma_t^2 = eta_noise / (1 + t)^gamma, the variance of the noise at step t = 0, 1, ..."""
    return eta_noise / (1.0 + t) ** gamma


class GradientNoise:
    """Wrap an optimizer so that every gradient it sees carries annealed Gaussian noise.

    Parameters
    ----------
    optimizer : optimizer
        Any object with ``step(params, grads)``, e.g. :class:`dlcourse.optim.SGD`.
    eta_noise : float, default=0.01
        Noise variance at t = 0 (the paper's eta; not a learning rate).
    gamma : float, default=0.55
        Decay exponent, >= 0.
    rng : None, int or Generator
        Source of the noise: one Generator, drawn from in the order of the parameters.

    Attributes
    ----------
    t : int
        Steps made so far.
    """

    def __init__(self, optimizer, eta_noise=0.01, gamma=0.55, rng=None):
        if not hasattr(optimizer, "step"):
            raise TypeError(f"optimizer must have a step(params, grads) method, got "
                            f"{type(optimizer).__name__}; pass e.g. dlcourse.optim.SGD(0.1)")
        self.optimizer = optimizer
        self.eta_noise = check_scalar(eta_noise, "eta_noise", low=0)
        self.gamma = check_scalar(gamma, "gamma", low=0)
        self.rng = check_rng(rng)
        self.t = 0

    @property
    def eta(self):
        """The wrapped optimizer's learning rate."""
        return self.optimizer.eta

    def reset(self):
        """Restart the noise schedule and the wrapped optimizer."""
        self.t = 0
        self.optimizer.reset()

    def step(self, params, grads):
        """Add noise to every gradient (GN1), then let the wrapped optimizer step.

        Parameters
        ----------
        params : dict of str -> ndarray
        grads : dict of str -> ndarray
            Not modified: the noisy gradients are new arrays.
        """
        sigma = noise_variance(self.t, self.eta_noise, self.gamma) ** 0.5
        noisy = {}
        for name, g in grads.items():
            g = np.asarray(g)
            noisy[name] = g + sigma * self.rng.standard_normal(g.shape).astype(g.dtype)
        self.optimizer.step(params, noisy)
        self.t += 1
