"""Rprop: steps set by the sign of the gradient alone, each weight its own step size.

Book: 05_optimizers, section "Rprop".

Each weight keeps a step size Delta. When its gradient keeps its sign, Delta grows by
eta_plus; when the sign flips (the last step jumped over a minimum), Delta shrinks by
eta_minus. The weight then moves by Delta against the sign of its gradient: the size of the
gradient plays no part, which makes Rprop immune to the very small and very large gradients
of deep or saturated networks. It needs full batches (or very large ones): the sign of a
mini-batch gradient flips by sampling noise, and each false flip halves the step.

There are several published variants. This is the one ``torch.optim.Rprop`` implements,
Rprop without weight-backtracking with the gradient zeroed after a sign change (iRprop-,
Igel and Huesken, 2000):

    (R1)  s = g * g_prev
    (R2)  Delta <- clip(Delta * eta_plus,  Delta_min, Delta_max)   if s > 0
          Delta <- clip(Delta * eta_minus, Delta_min, Delta_max)   if s < 0
    (R3)  g <- 0                                                   if s < 0
    (R4)  theta <- theta - sign(g) Delta
    (R5)  g_prev <- g

After a sign change the weight waits one step (R3) and the next step counts as "no
information" (s = 0, Delta unchanged), so a weight never shrinks its step twice for one
overshoot. The original Rprop (Riedmiller and Braun, 1993) also undid the last step.
"""

import numpy as np

from .._validation import check_scalar
from ._base import Optimizer

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (iRprop-, the variant of ``torch.optim.Rprop``).

    Parameters
    ----------
    delta0 : float, default=0.01
        Initial step size of every weight (``lr`` in ``torch.optim.Rprop``).
    eta_plus : float, default=1.2
        Growth factor, > 1.
    eta_minus : float, default=0.5
        Shrink factor, in (0, 1).
    delta_min, delta_max : float, default=1e-6, 50.0
        Limits of the step size.

    Notes
    -----
    Maps to ``torch.optim.Rprop(lr=delta0, etas=(eta_minus, eta_plus),
    step_sizes=(delta_min, delta_max))``. Rprop has no learning rate; ``eta`` reports
    ``delta0`` so that training loops that print a learning rate have one to print.
    """

    def __init__(self, delta0=0.01, eta_plus=1.2, eta_minus=0.5, delta_min=1e-6,
                 delta_max=50.0):
        super().__init__(check_scalar(delta0, "delta0", low=0, include_low=False))
        self.delta0 = float(delta0)
        self.eta_plus = check_scalar(eta_plus, "eta_plus", low=1, include_low=False)
        self.eta_minus = check_scalar(eta_minus, "eta_minus", low=0, high=1,
                                      include_low=False, include_high=False)
        self.delta_min = check_scalar(delta_min, "delta_min", low=0)
        self.delta_max = check_scalar(delta_max, "delta_max", low=self.delta_min,
                                      include_low=False)
        if not self.delta_min <= self.delta0 <= self.delta_max:
            raise ValueError(f"delta0={self.delta0} must lie in [delta_min, delta_max] = "
                             f"[{self.delta_min}, {self.delta_max}]")

    def _new_state(self, p):
        return {"delta": np.full_like(p, self.delta0), "g_prev": np.zeros_like(p)}

    def _update(self, p, g, state, eta):
        delta, g_prev = state["delta"], state["g_prev"]
        s = g * g_prev                                                      # (R1)
        factor = np.where(s > 0, self.eta_plus, np.where(s < 0, self.eta_minus, 1.0))
        delta[...] = np.clip(delta * factor, self.delta_min, self.delta_max)  # (R2)
        g = np.where(s < 0, 0.0, g)                                         # (R3)
        p -= np.sign(g) * delta                                             # (R4)
        g_prev[...] = g                                                     # (R5)
