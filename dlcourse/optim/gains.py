"""Per-weight adaptive gains: a local multiplier of the global learning rate per weight.

Book: 05_optimizers, section "Separate adaptive learning rates".

Each weight w_ij has a gain G_ij, starting at 1, that grows additively while its gradient
keeps its sign and shrinks multiplicatively when the sign flips:

    (DG1)  G <- G + kappa        if g * g_prev > 0        (kappa = 0.05)
           G <- G * phi          if g * g_prev < 0        (phi = 0.95)
    (DG2)  G <- clip(G, G_min, G_max)                     ([0.1, 10])
    (DG3)  theta <- theta - eta G g

Additive growth and multiplicative decay make large gains collapse fast once a weight
starts to oscillate. The rule is Jacobs' delta-bar-delta (1988) in the simple form of
Hinton's lectures: the previous gradient stands in for Jacobs' exponential average of past
gradients. With momentum mu > 0 the comparison is with the direction the weight is already
moving, -v (the seed notes' "agreement in sign between the current gradient and the
velocity"), and the step feeds the velocity: v <- mu v - eta G g, theta <- theta + v.

A product of exactly zero (the first step, with no previous gradient; or a zero gradient)
says nothing about oscillation, so it leaves the gain alone; the lecture slide's "otherwise"
would shrink every gain on the first step. Like Rprop, the rule is meant for full batches or
large mini-batches: mini-batch noise flips signs at random and wears the gains down.
PyTorch has no counterpart.
"""

import numpy as np

from .._validation import check_interval, check_scalar
from ._base import Optimizer, check_beta

__all__ = ["DeltaBarDelta"]


class DeltaBarDelta(Optimizer):
    """Gradient descent with a per-weight gain adapted by sign agreement, (DG1)-(DG3).

    Parameters
    ----------
    eta : float or callable, default=0.01
        Global learning rate.
    kappa : float, default=0.05
        Additive increase of a gain when signs agree.
    phi : float, default=0.95
        Multiplicative decrease when they disagree, in (0, 1).
    gain_range : (float, float), default=(0.1, 10.0)
        Limits of every gain.
    mu : float, default=0.0
        Momentum coefficient in [0, 1).
    """

    def __init__(self, eta=0.01, kappa=0.05, phi=0.95, gain_range=(0.1, 10.0), mu=0.0):
        super().__init__(eta)
        self.kappa = check_scalar(kappa, "kappa", low=0)
        self.phi = check_scalar(phi, "phi", low=0, high=1, include_low=False,
                                include_high=False)
        self.gain_range = check_interval(gain_range, "gain_range")
        if self.gain_range[0] <= 0 or not self.gain_range[0] <= 1 <= self.gain_range[1]:
            raise ValueError(f"gain_range must contain the starting gain 1 and be positive; "
                             f"got {gain_range!r}")
        self.mu = check_beta(mu, "mu")

    def _new_state(self, p):
        state = {"gain": np.ones_like(p), "previous": np.zeros_like(p)}
        if self.mu:
            state["v"] = np.zeros_like(p)
        return state

    def _update(self, p, g, state, eta):
        gain, previous = state["gain"], state["previous"]
        s = g * previous
        gain[...] = np.where(s > 0, gain + self.kappa, np.where(s < 0, gain * self.phi, gain))  # (DG1)
        np.clip(gain, *self.gain_range, out=gain)                          # (DG2)
        if self.mu:
            v = state["v"]
            v[...] = self.mu * v - eta * gain * g
            p += v
            previous[...] = -v                  # the direction the weight moves in
        else:
            p -= eta * gain * g                                            # (DG3)
            previous[...] = g
