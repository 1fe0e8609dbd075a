"""Training without gradients: simulated annealing over the weights (Boltzmann and Cauchy
training), the combined Cauchy + backpropagation step, and weight squashing.

Book: 07_annealing.

Boltzmann training changes the weights at random and keeps a change that lowers the error;
a change that raises it by c > 0 is kept with probability

    (SA1)  P(c) = exp(-c / (k T)),

so that early on, at a high temperature T, the search can climb out of a local minimum, and
later, cooled, it settles. The steps and the cooling go together:

    (SA2)  Gaussian steps, density ~ exp(-x^2 / T^2) (standard deviation T / sqrt(2)), need
           the slow schedule T(t) = T0 / log(1 + t) to be sure of the global minimum;
    (SA3)  Cauchy steps, density T / (T^2 + x^2) (heavy tails: occasional very long jumps),
           allow the fast schedule T(t) = T0 / (1 + t).

A Cauchy step is drawn by inverting its distribution function: with u uniform on
(-pi/2, pi/2),

    (SA4)  x = rho T tan(u),

rho a step-size coefficient. Combined with backpropagation, the proposed change is a weighted
sum of a gradient step (with momentum) and a Cauchy step,

    (SA5)  dW = eta (alpha dW_prev - (1 - alpha) lr g) + (1 - eta) x_c,

accepted by (SA1) like any other proposal (eta = 0: pure Cauchy training; eta = 1: pure
gradient descent with momentum). Long Cauchy jumps can drive sigmoid units into saturation
("network paralysis"); squashing the weights of saturated units, w <- s tanh(w / s), shrinks
the large ones and leaves small ones nearly unchanged.
"""

import numbers

import numpy as np

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_option, check_scalar

__all__ = ["accept", "anneal", "boltzmann_schedule", "cauchy_schedule", "cauchy_step",
           "gaussian_step", "squash_weights"]


def boltzmann_schedule(t, T0):
    """(SA2): T0 / log(1 + t) for t >= 1 (T0 / log 2 at t = 1)."""
    return T0 / np.log1p(np.maximum(t, 1))


def cauchy_schedule(t, T0):
    """(SA3): T0 / (1 + t)."""
    return T0 / (1.0 + t)


def gaussian_step(T, size, rng, rho=1.0):
    """Steps with density ~ exp(-x^2 / T^2) (times rho): normal with standard deviation
    rho T / sqrt(2)."""
    return rho * check_rng(rng).normal(0.0, T / np.sqrt(2.0), size)


def cauchy_step(T, size, rng, rho=1.0):
    """(SA4): rho T tan(u), u uniform on (-pi/2, pi/2): Cauchy steps of scale rho T."""
    u = check_rng(rng).uniform(-np.pi / 2, np.pi / 2, size)
    return rho * T * np.tan(u)


def accept(dE, T, rng, k=1.0):
    """(SA1): keep a change that lowers the error; one that raises it by dE with probability
    exp(-dE / (k T)). Returns a bool."""
    if dE <= 0:
        return True
    if T <= 0:
        return False
    return bool(check_rng(rng).random() < np.exp(-dE / (k * T)))


def squash_weights(W, scale):
    """s tanh(W / s): large weights pulled in towards +-s, small ones barely changed."""
    return scale * np.tanh(np.asarray(W) / scale)


STEPS = {"gaussian": (gaussian_step, boltzmann_schedule),
         "cauchy": (cauchy_step, cauchy_schedule)}


def anneal(loss, w0, n_steps, rng=None, step="cauchy", T0=1.0, rho=1.0, k=1.0, grad=None,
           eta=0.0, lr=0.1, alpha=0.9, per_weight=False, squash=None, progress=False):
    """Simulated annealing of a weight vector.

    Parameters
    ----------
    loss : callable
        ``loss(w) -> float``, the error of the network with weights w (any shape).
    w0 : ndarray
        Starting weights (not changed).
    n_steps : int
        Proposals (sweeps over all weights with ``per_weight``).
    rng : None, int or Generator
    step : {"cauchy", "gaussian"}
        Step distribution, each with its schedule: (SA3) or (SA2).
    T0, rho, k : float
        Initial temperature, step coefficient (multiplies either step), Boltzmann's
        constant in (SA1).
    grad : callable, optional
        ``grad(w) -> ndarray`` for the combined rule (SA5) with weight ``eta`` on the
        gradient step (learning rate ``lr``, momentum ``alpha``).
    per_weight : bool, default=False
        Change one weight at a time (the seed's step 3, a sweep per step) instead of all at
        once.
    squash : float, optional
        Squash accepted weights with this scale.
    progress : bool

    Returns
    -------
    w : ndarray
        The best weights seen.
    history : dict
        ``"loss"`` (the current error after each step), ``"best"``, ``"T"``,
        ``"accepted"`` (fraction of proposals kept), ``"evaluations"``.
    """
    check_option(step, "step", tuple(STEPS))
    n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=1)
    T0 = check_scalar(T0, "T0", low=0, include_low=False)
    if not 0 <= eta <= 1:
        raise ValueError(f"eta weighs the gradient step against the Cauchy step, in [0, 1]; "
                         f"got {eta}")
    if eta > 0 and grad is None:
        raise ValueError("eta > 0 combines a gradient step with the random one: pass grad")
    rng = check_rng(rng)
    draw, schedule = STEPS[step]
    w = np.array(w0, dtype=float)
    E = float(loss(w))
    best_w, best_E = w.copy(), E
    dW_prev = np.zeros_like(w)
    history = {"loss": [], "best": [], "T": [], "accepted": 0.0, "evaluations": 1}
    proposals = kept = 0
    steps = range(1, n_steps + 1)
    if progress:
        steps = progress_line(steps, desc="annealing", metrics=lambda: f"best {best_E:.4g}")
    for t in steps:
        T = float(schedule(t, T0))
        for i in (range(w.size) if per_weight else [None]):
            size = w.shape if i is None else ()
            x = draw(T, size, rng, rho)
            if i is None and eta > 0:                                        # (SA5)
                dW = eta * (alpha * dW_prev - (1 - alpha) * lr * grad(w)) + (1 - eta) * x
            elif i is None:
                dW = x
            else:
                dW = np.zeros_like(w)
                dW.flat[i] = x
            proposal = w + dW
            if squash is not None:
                proposal = squash_weights(proposal, squash)
            E_new = float(loss(proposal))
            history["evaluations"] += 1
            proposals += 1
            if np.isfinite(E_new) and accept(E_new - E, T, rng, k):           # (SA1)
                w, E, dW_prev = proposal, E_new, dW
                kept += 1
                if E < best_E:
                    best_w, best_E = w.copy(), E
        history["loss"].append(E)
        history["best"].append(best_E)
        history["T"].append(T)
    history["accepted"] = kept / proposals
    return best_w, history
