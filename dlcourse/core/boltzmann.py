"""The Boltzmann machine (Ackley, Hinton and Sejnowski, 1985) in NumPy.

Book: 09_boltzmann.

Units are binary, s_i in {0, 1}, with symmetric weights W (zero diagonal) and biases b. The
energy of a global state is

    E(s) = -1/2 s^T W s - b^T s                                             (B1)

and a unit, given all the others, turns on with probability

    P(s_i = 1 | rest) = sigmoid(net_i / T),   net_i = sum_j W_ij s_j + b_i   (B2)

Updating units one at a time with (B2) (Gibbs sampling) reaches the Boltzmann distribution

    P(s) = exp(-E(s) / T) / Z,   Z = sum_s exp(-E(s) / T)                   (B3)

Lowering T slowly on the way (simulated annealing) helps the chain leave poor local minima.
Schedules: Boltzmann T0 / log(1 + t), Cauchy T0 / (1 + t), geometric T0 a^t          (B4)

Learning maximises the likelihood of the visible data, i.e. minimises
G = sum_v P+(v) log(P+(v) / P-(v)), the KL divergence of the 1985 paper. For each weight
the gradient of the loss (the mean negative log-likelihood) is

    dW_ij = -(<s_i s_j>_clamped - <s_i s_j>_free),   db_i = -(<s_i>_clamped - <s_i>_free)   (B5)

the "waking" statistics with the visible units clamped to data, minus the "sleeping"
statistics with the machine running freely. Updates are ``W -= eta * dW``. The paper itself
stepped every weight by a fixed amount in the direction of that difference,

    W_ij -= eta * sign(dW_ij)                                                          (B6)

The sequential Gibbs sampler is given twice: :func:`gibbs_anneal` here (NumPy, the reference)
and :func:`dlcourse.kernels.gibbs.gibbs_anneal` (compiled loops). Both take the same uniform
random numbers, keep the nets up to date incrementally in the same order and compute (B2)
with the same scalar arithmetic, so they give the same states bit for bit.
"""

import math

import numpy as np

from .activations import sigmoid

__all__ = ["bm_energy", "net_input", "unit_on_probability", "unit_on_probability_scalar",
           "boltzmann_schedule", "cauchy_schedule", "geometric_schedule", "AHS1985_SCHEDULE",
           "ahs1985_schedule", "gibbs_sweep", "gibbs_anneal", "gibbs_probe", "gibbs_anneal_probes",
           "pair_statistics",
           "clamped_statistics", "free_statistics", "bm_gradient", "sign_step", "noisy_clamp",
           "symmetrize"]


def bm_energy(S, W, b):
    """E(s) = -1/2 s^T W s - b^T s for one state or each row of S.        (B1)

    Parameters
    ----------
    S : ndarray of shape (n_units,) or (n_states, n_units)
        States in {0, 1}.
    W : ndarray of shape (n_units, n_units)
        Symmetric, zero diagonal.
    b : ndarray of shape (n_units,)

    Returns
    -------
    E : float or ndarray of shape (n_states,)
    """
    S = np.asarray(S, dtype=float)
    return -0.5 * np.sum((S @ W) * S, axis=-1) - S @ b


def net_input(S, W, b):
    """net = W s + b, the input of every unit (rows of S are states).

    Returns
    -------
    net : ndarray of the shape of S
    """
    return np.asarray(S, dtype=float) @ W.T + b


def unit_on_probability(net, T=1.0):
    """P(s_i = 1 | rest) = sigmoid(net_i / T).        (B2)"""
    return sigmoid(np.asarray(net, dtype=float) / T)


def unit_on_probability_scalar(net, T):
    """(B2) for one unit, written with scalar ``math`` exactly as the compiled kernel does."""
    x = net / T
    e = math.exp(-abs(x))
    return 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)


def boltzmann_schedule(T0, n_steps):
    """T(t) = T0 / log(1 + t) for t = 1 .. n_steps (fast enough to be proven to find
    the global minimum, too slow to use).        (B4)

    Returns
    -------
    T : ndarray of shape (n_steps,)
    """
    t = np.arange(1, n_steps + 1)
    return T0 / np.log1p(t)


def cauchy_schedule(T0, n_steps):
    """T(t) = T0 / (1 + t) for t = 0 .. n_steps - 1 (fast cooling of Cauchy training).   (B4)"""
    return T0 / (1.0 + np.arange(n_steps))


def geometric_schedule(T0, n_steps, T_final=1.0):
    """T(t) = T0 a^t for t = 0 .. n_steps - 1, with a chosen so the last value is T_final.  (B4)"""
    if n_steps == 1:
        return np.array([float(T_final)])
    a = (T_final / T0) ** (1.0 / (n_steps - 1))
    return T0 * a ** np.arange(n_steps)


#: the 1985 paper's schedule for the encoders: (sweeps, temperature) pairs, then the
#: statistics are collected for 10 sweeps at T = 10
AHS1985_SCHEDULE = ((2, 20.0), (2, 15.0), (2, 12.0), (4, 10.0))


def ahs1985_schedule(scale=0.1):
    """The paper's annealing schedule, one temperature per sweep, multiplied by ``scale``.

    With the default 0.1 it ends at T = 1, where our weights play the role of the paper's
    weights divided by 10.

    Returns
    -------
    T : ndarray of shape (10,)
    """
    return scale * np.concatenate([np.full(k, T) for k, T in AHS1985_SCHEDULE])


def gibbs_sweep(s, net, W, free, T, u):
    """One sequential Gibbs sweep (B2) over the free units, in index order (NumPy form).

    ``s`` and ``net`` are updated in place.

    Parameters
    ----------
    s : ndarray of shape (n_units,)
        State in {0, 1}.
    net : ndarray of shape (n_units,)
        Its nets W s + b (:func:`net_input`), kept up to date.
    W : ndarray of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    free : ndarray of bool of shape (n_units,)
        False for clamped units, which are never updated.
    T : float
    u : ndarray of shape (n_units,)
        Uniform numbers in [0, 1); unit i turns on when u[i] < P(s_i = 1 | rest).
    """
    for i in range(s.shape[0]):
        if not free[i]:
            continue
        new = 1.0 if u[i] < unit_on_probability_scalar(net[i], T) else 0.0
        if new != s[i]:
            net += W[i] * (new - s[i])      # W symmetric: row i is column i, contiguous
            s[i] = new


def gibbs_anneal(S, net, W, free, temperatures, U, n_collect, C, m):
    """Annealed Gibbs sampling of every row of S; statistics of the last sweeps.

    Sweep t runs at ``temperatures[t]``; after each of the last ``n_collect`` sweeps the
    state is added to the accumulators: C += s s^T, m += s. ``S``, ``net``, ``C`` and ``m``
    are updated in place.

    Parameters
    ----------
    S : ndarray of shape (n_chains, n_units)
        Start states (clamped units hold their clamped values).
    net : ndarray of shape (n_chains, n_units)
        Their nets, from :func:`net_input`.
    W : ndarray of shape (n_units, n_units)
        Symmetric (rows are read as columns).
    free : ndarray of bool of shape (n_units,)
    temperatures : ndarray of shape (n_sweeps,)
    U : ndarray of shape (n_chains, n_sweeps, n_units)
        Uniform numbers, drawn by the caller from one Generator.
    n_collect : int
    C : ndarray of shape (n_units, n_units)
    m : ndarray of shape (n_units,)
    """
    n_sweeps = temperatures.shape[0]
    for r in range(S.shape[0]):
        for t in range(n_sweeps):
            gibbs_sweep(S[r], net[r], W, free, temperatures[t], U[r, t])
            if t >= n_sweeps - n_collect:
                C += np.outer(S[r], S[r])
                m += S[r]


def gibbs_probe(s, net, W, free, T, units, u):
    """One *time unit* of the 1985 paper: a probe of each listed unit in turn (NumPy form).

    The paper did not sweep the units in order: it picked a unit at random, let it decide
    by (B2), and called n such probes (n = number of units) one unit of time, so each unit
    gets one chance to change its state on average. A probe that lands on a clamped unit
    changes nothing. ``s`` and ``net`` are updated in place.

    Parameters
    ----------
    s, net, W, free, T
        As in :func:`gibbs_sweep`.
    units : ndarray of int of shape (n_probes,)
        The probed units, drawn uniformly at random by the caller.
    u : ndarray of shape (n_probes,)
        Uniform numbers in [0, 1), one per probe.
    """
    for k in range(units.shape[0]):
        i = units[k]
        if not free[i]:
            continue
        new = 1.0 if u[k] < unit_on_probability_scalar(net[i], T) else 0.0
        if new != s[i]:
            net += W[i] * (new - s[i])
            s[i] = new


def gibbs_anneal_probes(S, net, W, free, temperatures, J, U, n_collect, C, m):
    """Annealing by random probes, as in the 1985 paper; statistics of the last time units.

    Time unit t runs at ``temperatures[t]`` and probes the units ``J[r, t]`` of chain r
    (:func:`gibbs_probe`); after each of the last ``n_collect`` time units the state is added
    to the accumulators: C += s s^T, m += s. ``S``, ``net``, ``C`` and ``m`` are updated in
    place.

    Parameters
    ----------
    S, net, W, free, temperatures, n_collect, C, m
        As in :func:`gibbs_anneal`.
    J : ndarray of int of shape (n_chains, n_time_units, n_probes)
        Probed units; the paper's time unit is n_probes = n_units.
    U : ndarray of shape (n_chains, n_time_units, n_probes)
        Uniform numbers, drawn by the caller from one Generator.
    """
    n_steps = temperatures.shape[0]
    for r in range(S.shape[0]):
        for t in range(n_steps):
            gibbs_probe(S[r], net[r], W, free, temperatures[t], J[r, t], U[r, t])
            if t >= n_steps - n_collect:
                C += np.outer(S[r], S[r])
                m += S[r]


def pair_statistics(S, sample_weight=None):
    """<s_i s_j> and <s_i> over the rows of S (optionally weighted).

    Parameters
    ----------
    S : ndarray of shape (n_states, n_units)
    sample_weight : ndarray of shape (n_states,), optional
        Probabilities of the rows (summing to 1); uniform when omitted.

    Returns
    -------
    p : ndarray of shape (n_units, n_units)
        p_ij = <s_i s_j>.
    q : ndarray of shape (n_units,)
        q_i = <s_i>.
    """
    S = np.asarray(S, dtype=float)
    w = (np.full(S.shape[0], 1.0 / S.shape[0]) if sample_weight is None
         else np.asarray(sample_weight, dtype=float))
    p = (S * w[:, None]).T @ S
    return 0.5 * (p + p.T), w @ S          # exactly symmetric, as W must stay


def clamped_statistics(S_clamped):
    """The "waking" statistics <s_i s_j>_clamped, <s_i>_clamped (first term of (B5)).

    Parameters
    ----------
    S_clamped : ndarray of shape (n_states, n_units)
        Global states sampled with the visible units clamped to the data.
    """
    return pair_statistics(S_clamped)


def free_statistics(S_free):
    """The "sleeping" statistics <s_i s_j>_free, <s_i>_free (second term of (B5)).

    Parameters
    ----------
    S_free : ndarray of shape (n_states, n_units)
        Global states sampled with nothing clamped.
    """
    return pair_statistics(S_free)


def bm_gradient(clamped, free, W=None, weight_decay=0.0, mask=None):
    """Gradient (B5) of the mean negative log-likelihood, plus weight decay.

    Parameters
    ----------
    clamped, free : tuple (p, q)
        Pair and unit statistics, as returned by :func:`pair_statistics`.
    W : ndarray of shape (n_units, n_units), optional
        Needed when ``weight_decay > 0``: adds the gradient of (weight_decay / 2) |W|^2.
    weight_decay : float
    mask : ndarray of bool of shape (n_units, n_units), optional
        Connections that exist; the others get a zero gradient.

    Returns
    -------
    dW : ndarray of shape (n_units, n_units)
        Symmetric, zero diagonal.
    db : ndarray of shape (n_units,)
    """
    (p_c, q_c), (p_f, q_f) = clamped, free
    dW = -(p_c - p_f)                 # waking raises, sleeping lowers the weight
    return _add_decay(dW, W, weight_decay, mask), -(q_c - q_f)


def _add_decay(dW, W, weight_decay, mask):
    """dW + weight_decay * W on the connections that exist; zero diagonal."""
    if weight_decay:
        dW = dW + weight_decay * W
    np.fill_diagonal(dW, 0.0)
    return dW if mask is None else np.where(mask, dW, 0.0)


def sign_step(clamped, free, W=None, weight_decay=0.0, mask=None):
    """The 1985 paper's update direction: sign(p'_ij - p_ij), one fixed step per weight.  (B6)

    Ackley, Hinton and Sejnowski changed every weight by the same amount (2 at T = 10) in the
    direction that (B5) points, ignoring how large the difference was. Noisy sampled
    statistics then move the weights by a bounded amount however noisy they are. Weight
    decay, if any, is added outside the sign.

    Parameters
    ----------
    clamped, free : tuple (p, q)
        Pair and unit statistics, as returned by :func:`pair_statistics`.
    W, weight_decay, mask
        As in :func:`bm_gradient`.

    Returns
    -------
    dW : ndarray of shape (n_units, n_units)
        Entries in {-1, 0, +1} (plus weight_decay * W), symmetric, zero diagonal.
    db : ndarray of shape (n_units,)
        Entries in {-1, 0, +1}.
    """
    (p_c, q_c), (p_f, q_f) = clamped, free
    return _add_decay(np.sign(p_f - p_c), W, weight_decay, mask), np.sign(q_f - q_c)


def noisy_clamp(V, p_on_off=0.15, p_off_on=0.05, rng=None):
    """Noisy clamping of the 1985 paper: on units clamped off with probability
    ``p_on_off``, off units clamped on with probability ``p_off_on``.

    Parameters
    ----------
    V : ndarray of shape (n_samples, n_visible)
        Data in {0, 1}.
    rng : numpy.random.Generator

    Returns
    -------
    V_noisy : ndarray of shape (n_samples, n_visible)
    """
    u = rng.random(V.shape)
    flip = np.where(V > 0.5, u < p_on_off, u < p_off_on)
    return np.where(flip, 1.0 - V, V)


def symmetrize(W):
    """(W + W^T) / 2 with a zero diagonal: the form every Boltzmann weight matrix must have."""
    W = 0.5 * (W + W.T)
    np.fill_diagonal(W, 0.0)
    return W
