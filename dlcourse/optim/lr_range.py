"""The learning-rate range test: one short run with a learning rate growing every step.

Book: 05_optimizers, section "Choosing a learning rate".

Train from the current weights while eta grows by the same factor each step, from far too
small to far too large, and record the loss (Smith, 2017). The loss first barely moves, then
falls, then turns and blows up. A good learning rate lies where it falls fastest, somewhat
below the point where it turns: one short run replaces a grid of full trainings.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from .._validation import check_scalar
from .schedules import exponential_range
from .sgd import SGD

__all__ = ["LRRangeResult", "lr_range_test"]


@dataclass
class LRRangeResult:
    """What :func:`lr_range_test` measured.

    Attributes
    ----------
    etas : ndarray of shape (n_done,)
        Learning rate of each step made.
    losses : ndarray of shape (n_done,)
        Loss measured just before that step.
    smoothed : ndarray of shape (n_done,)
        Losses smoothed by a bias-corrected exponential moving average.
    eta_steepest : float
        The learning rate where the smoothed loss fell fastest against log(eta), before it
        reached its lowest value.
    """

    etas: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    eta_steepest: float


def lr_range_test(loss_and_grads, params, make_optimizer=SGD, eta_min=1e-5, eta_max=10.0,
                  n_steps=100, smoothing=0.9, stop_factor=4.0):
    """Run the learning-rate range test on copies of ``params``.

    Parameters
    ----------
    loss_and_grads : callable
        ``loss_and_grads(params) -> (loss, grads)`` for the next mini-batch (the caller
        decides which batch each call sees); ``grads`` has the keys of ``params``.
    params : dict of str -> ndarray
        Starting weights; not modified (the test trains a copy).
    make_optimizer : callable, default=SGD
        ``make_optimizer(schedule)`` gives the optimizer to test, e.g.
        ``lambda eta: Adam(eta)`` or ``lambda eta: Momentum(eta, mu=0.9)``.
    eta_min, eta_max : float
        First and last learning rate.
    n_steps : int, default=100
        Steps from eta_min to eta_max.
    smoothing : float, default=0.9
        Decay of the moving average in ``smoothed``, in [0, 1).
    stop_factor : float, default=4.0
        Stop once the smoothed loss exceeds this many times its lowest value (or is not
        finite): beyond that point the run only measures divergence.

    Returns
    -------
    LRRangeResult
    """
    n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=3)
    smoothing = check_scalar(smoothing, "smoothing", low=0, high=1, include_high=False)
    stop_factor = check_scalar(stop_factor, "stop_factor", low=1, include_low=False)
    schedule = exponential_range(eta_min, eta_max, n_steps)
    optimizer = make_optimizer(schedule)
    work = {k: np.array(v, copy=True) for k, v in params.items()}
    etas, losses, smoothed = [], [], []
    average, best = 0.0, np.inf
    for t in range(n_steps):
        loss, grads = loss_and_grads(work)
        loss = float(loss)
        average = smoothing * average + (1 - smoothing) * loss
        s = average / (1 - smoothing ** (t + 1))          # bias-corrected, as in Adam
        etas.append(schedule(t))
        losses.append(loss)
        smoothed.append(s)
        if not np.isfinite(s) or s > stop_factor * best:
            break
        best = min(best, s)
        optimizer.step(work, grads)
    etas, losses, smoothed = np.array(etas), np.array(losses), np.array(smoothed)
    # the steepest fall is looked for up to the lowest smoothed loss: past it the run measures
    # divergence, and a noisy loss can fall steeply there for a step or two
    finite = np.flatnonzero(np.isfinite(smoothed))
    finite = finite[: np.argmin(smoothed[finite]) + 1] if len(finite) else finite
    if len(finite) > 1:
        slope = np.gradient(smoothed[finite], np.log(etas[finite]))
        steepest = etas[finite][np.argmin(slope)]
    else:
        steepest = etas[0]
    return LRRangeResult(etas, losses, smoothed, float(steepest))
