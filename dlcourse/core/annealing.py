"""Training without gradients: simulated annealing over the weights (Boltzmann and Cauchy
training), the combined Cauchy + backpropagation step, and weight squashing.

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
("network paralysis"); squashing the weights of saturated units,

    (SA7)  w <- s tanh(w / s),

shrinks the large ones and leaves small ones nearly unchanged.

Where the mean error changes fast with the temperature, the cooling has to slow down. The
pseudo-specific heat measures this from the fluctuations of the error at a fixed temperature,

    (SA6)  C(T) = Var(E) / (k T^2)   (= d<E>/dT for a system in equilibrium at T).

To anneal a network, :func:`network_objective` turns a fully connected network of
:mod:`dlcourse.core.backprop` into a function of one flat weight vector.

Book: 07_annealing, sections "From random search to annealing" (SA1-SA4, SA6),
"Annealing against backpropagation" (SA5, network_objective) and "Network paralysis and
weight squashing" (squash_weights, SA7).
"""

import numbers

import numpy as np

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_array, check_option, check_scalar
from .backprop import OUTPUTS, network_backward, network_forward, network_loss

__all__ = ["NetworkObjective", "accept", "anneal", "boltzmann_schedule", "cauchy_schedule",
           "cauchy_step", "gaussian_step", "network_objective", "specific_heat",
           "squash_weights"]


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
    """(SA7): s tanh(W / s), large weights pulled in towards +-s, small ones barely changed."""
    return scale * np.tanh(np.asarray(W) / scale)


STEPS = {"gaussian": (gaussian_step, boltzmann_schedule),
         "cauchy": (cauchy_step, cauchy_schedule)}


def anneal(loss, w0, n_steps, rng=None, step="cauchy", T0=1.0, rho=1.0, k=1.0, grad=None,
           eta=0.0, lr=0.1, alpha=0.9, per_weight=False, squash=None, schedule=None,
           target=None, progress=False):
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
    schedule : callable, optional
        ``schedule(t) -> T`` for t = 1 .. n_steps, in place of the step's own schedule
        (``T0`` is then not used), e.g. a staircase of fixed temperatures.
    target : float, optional
        Stop after the first step whose best error is below ``target`` (the history is then
        shorter than ``n_steps``).
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
    draw, own_schedule = STEPS[step]
    if schedule is None:
        schedule = lambda t: own_schedule(t, T0)  # noqa: E731
    elif not callable(schedule):
        raise TypeError(f"schedule must be a function of the step t, got {type(schedule)}")
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
        T = float(schedule(t))
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
        if target is not None and best_E < target:
            break
    history["accepted"] = kept / proposals
    return best_w, history


def specific_heat(E, T, k=1.0, burn_in=0.5):
    """(SA6): the pseudo-specific heat Var(E) / (k T^2) at each temperature of a staircase.

    Parameters
    ----------
    E : ndarray of shape (n_steps,)
        The current error after each step (``history["loss"]`` of :func:`anneal`).
    T : ndarray of shape (n_steps,)
        The temperature of each step; consecutive steps at the same T form one level.
    k : float
    burn_in : float in [0, 1)
        Fraction of each level left out while the error settles to the new temperature.

    Returns
    -------
    temperatures, mean_E, C : ndarrays of shape (n_levels,)
    """
    E = check_array(E, "E", ndim=1)
    T = check_array(T, "T", ndim=1)
    if E.shape != T.shape:
        raise ValueError(f"E has {E.size} steps but T has {T.size}; pass one temperature "
                         "per step")
    if not 0 <= burn_in < 1:
        raise ValueError(f"burn_in is the fraction of a level left out, in [0, 1); "
                         f"got {burn_in}")
    starts = np.flatnonzero(np.r_[True, T[1:] != T[:-1]])
    ends = np.r_[starts[1:], T.size]
    temperatures, mean_E, C = [], [], []
    for a, b in zip(starts, ends):
        kept = E[a + int(burn_in * (b - a)):b]
        if kept.size < 2:
            raise ValueError(f"the level at T = {T[a]:g} keeps {kept.size} step(s) after "
                             "the burn-in; use more steps per temperature")
        temperatures.append(T[a])
        mean_E.append(kept.mean())
        C.append(kept.var() / (k * T[a] ** 2))
    return np.array(temperatures), np.array(mean_E), np.array(C)


class NetworkObjective:
    """A fully connected network seen as a function of one flat weight vector.

    The vector holds W^1, ..., W^L and then b^1, ..., b^L, each raveled in row-major order
    (the layout of the Hessian example of 04_backprop). Build it with
    :func:`network_objective`.

    Attributes
    ----------
    shapes : list of tuples
        Shapes of W^1..W^L then b^1..b^L.
    size : int
        Number of weights and biases, the length of the flat vector.
    """

    def __init__(self, X, T, layer_sizes, activations, loss):
        self.X, self.T = X, T
        self.activations, self.loss_name = list(activations), loss
        self.shapes = ([(a, b) for a, b in zip(layer_sizes[:-1], layer_sizes[1:])]
                       + [(b,) for b in layer_sizes[1:]])
        self.size = int(sum(np.prod(s) for s in self.shapes))
        self.evaluations = 0

    def unpack(self, w):
        """Flat vector of shape (size,) -> (W, b), two lists of L arrays (views of w)."""
        w = np.asarray(w, dtype=float)
        if w.shape != (self.size,):
            raise ValueError(f"the network has {self.size} weights and biases; got a vector "
                             f"of shape {w.shape}")
        parts = np.split(w, np.cumsum([int(np.prod(s)) for s in self.shapes])[:-1])
        parts = [p.reshape(s) for p, s in zip(parts, self.shapes)]
        L = len(self.activations)
        return parts[:L], parts[L:]

    def pack(self, W, b):
        """(W, b) lists -> flat vector of shape (size,)."""
        return np.concatenate([np.ravel(p) for p in list(W) + list(b)]).astype(float)

    def outputs(self, w, X=None):
        """Network outputs Y^L of shape (n_samples, n_out), for the training X by default."""
        W, b = self.unpack(w)
        return network_forward(self.X if X is None else X, W, b, self.activations)[1][-1]

    def _forward(self, w):
        W, b = self.unpack(w)
        A, Y = network_forward(self.X, W, b, self.activations)
        E, delta = network_loss(A[-1], Y[-1], self.T, self.activations[-1], self.loss_name)
        return W, A, Y, E, delta

    def loss(self, w):
        """The mean error E(w) over the training set (one forward pass)."""
        self.evaluations += 1
        return float(self._forward(w)[3])

    __call__ = loss

    def grad(self, w):
        """dE/dw of shape (size,), by backpropagation (a forward and a backward pass)."""
        return self.loss_and_grad(w)[1]

    def loss_and_grad(self, w):
        """(E, dE/dw) from one forward and one backward pass; not counted in evaluations."""
        W, A, Y, E, delta = self._forward(w)
        dW, db = network_backward(delta, A, Y, W, self.activations)
        return float(E), self.pack(dW, db)


def network_objective(X, T, layer_sizes, activations, loss="mse"):
    """A network's error as a function of one flat weight vector, for :func:`anneal`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_out)
        Targets (one-hot rows for a softmax output).
    layer_sizes : sequence of int
        (n_features, n_hidden..., n_out).
    activations : sequence of str
        One per layer, as in :func:`dlcourse.core.backprop.network_forward`.
    loss : str, default="mse"
        A loss of :func:`dlcourse.core.backprop.network_loss`.

    Returns
    -------
    NetworkObjective
        Callable: ``objective(w) -> E``; ``objective.grad(w)`` by backpropagation;
        ``objective.unpack(w)`` and ``objective.pack(W, b)``. It counts its loss calls in
        ``evaluations``.
    """
    X = check_array(X, "X", ndim=2)
    T = check_array(T, "T", ndim=2)
    layer_sizes = [int(n) for n in layer_sizes]
    if len(layer_sizes) < 2 or min(layer_sizes) < 1:
        raise ValueError(f"layer_sizes lists the units of each layer, inputs first, at least "
                         f"two positive sizes; got {layer_sizes}")
    if len(activations) != len(layer_sizes) - 1:
        raise ValueError(f"{len(layer_sizes) - 1} layers need as many activations; got "
                         f"{len(activations)}")
    for name in activations:
        check_option(name, "activation", tuple(OUTPUTS))
    if X.shape[1] != layer_sizes[0] or T.shape != (X.shape[0], layer_sizes[-1]):
        raise ValueError(f"X of shape {X.shape} and T of shape {T.shape} do not fit layer "
                         f"sizes {layer_sizes}: X needs {layer_sizes[0]} columns and T "
                         f"{layer_sizes[-1]}, one row per sample")
    return NetworkObjective(X, T, layer_sizes, activations, loss)
