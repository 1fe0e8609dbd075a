"""Neuroevolution: a genetic algorithm over weight vectors, and Pareto fronts for several
objectives.

Book: 17_beyond, sections "Neuroevolution" and "Keeping the front spread out: crowding
distance".

Conventional neuroevolution fixes the network's topology and evolves its weights as a
population of vectors. One generation:

    (E1) evaluate every individual's fitness (higher is better; a noisy fitness can be
         averaged over several evaluations);
    (E2) keep the ``n_elite`` best unchanged (elitism: the best never gets worse);
    (E3) fill the rest with children: two parents chosen by tournament (the fitter of
         ``tournament`` random individuals), uniform crossover (each weight from either parent
         with probability 1/2), Gaussian mutation of each weight with probability
         ``p_mutate``.

With several objectives there is no single best: an individual dominates another when it is
at least as good in every objective and better in one, and the non-dominated individuals form
the Pareto front. NSGA-II sorts a population into successive fronts, and within a front
prefers individuals in sparsely populated stretches of it (the crowding distance), so that
the front is covered evenly:

    (E4) survivors: whole fronts in order while they fit; the last front that does not fit
         entirely is cut by decreasing crowding distance.
"""

import numbers

import numpy as np

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["crowding_distance", "evolve", "gaussian_mutation", "non_dominated_fronts",
           "nsga2_survivors", "tournament_select", "uniform_crossover"]


def tournament_select(fitness, n, tournament, rng):
    """Indices of ``n`` parents, each the fittest of ``tournament`` random individuals."""
    rng = check_rng(rng)
    entrants = rng.integers(0, len(fitness), (n, tournament))
    return entrants[np.arange(n), np.argmax(np.asarray(fitness)[entrants], axis=1)]


def uniform_crossover(a, b, rng):
    """A child taking each gene from ``a`` or ``b`` with probability 1/2."""
    return np.where(check_rng(rng).random(a.shape) < 0.5, a, b)


def gaussian_mutation(genome, p_mutate, sigma, rng):
    """Add N(0, sigma^2) to each gene with probability ``p_mutate``."""
    rng = check_rng(rng)
    hit = rng.random(genome.shape) < p_mutate
    return genome + hit * rng.normal(0.0, sigma, genome.shape)


def evolve(fitness, n_genes, n_generations, rng=None, pop_size=50, n_elite=2, tournament=3,
           p_crossover=0.9, p_mutate=0.1, sigma=0.5, init_scale=1.0, n_evaluations=1,
           target=None, progress=False):
    """A genetic algorithm over real vectors, (E1)-(E3).

    Parameters
    ----------
    fitness : callable
        ``fitness(genome, rng) -> float``, higher is better; ``rng`` lets a noisy fitness
        draw its noise from the run's one generator.
    n_genes : int
        Length of each genome (the network's number of weights).
    n_generations : int
    rng : None, int or Generator
    pop_size, n_elite, tournament : int
    p_crossover : float
        Probability that a child is a crossover of two parents (else a copy of one).
    p_mutate, sigma : float
        Per-gene mutation probability and size.
    init_scale : float
        Initial genes from N(0, init_scale^2).
    n_evaluations : int
        Fitness evaluations averaged per individual (for noisy fitness).
    target : float, optional
        Stop as soon as the best fitness reaches it.
    progress : bool

    Returns
    -------
    best : ndarray of shape (n_genes,)
    history : dict
        ``"best"`` and ``"mean"`` fitness per generation, ``"generations"`` run,
        ``"evaluations"``.
    """
    n_genes = check_scalar(n_genes, "n_genes", kind=numbers.Integral, low=1)
    n_generations = check_scalar(n_generations, "n_generations", kind=numbers.Integral, low=1)
    pop_size = check_scalar(pop_size, "pop_size", kind=numbers.Integral, low=2)
    n_elite = check_scalar(n_elite, "n_elite", kind=numbers.Integral, low=0, high=pop_size - 1)
    rng = check_rng(rng)
    population = rng.normal(0.0, init_scale, (pop_size, n_genes))
    history = {"best": [], "mean": [], "generations": 0, "evaluations": 0}
    generations = range(n_generations)
    if progress:
        generations = progress_line(generations, desc="generation",
                                    metrics=lambda: f"best {history['best'][-1]:.4g}"
                                    if history["best"] else "")
    for _ in generations:
        scores = np.array([np.mean([fitness(g, rng) for _ in range(n_evaluations)])
                           for g in population])                                     # (E1)
        history["evaluations"] += pop_size * n_evaluations
        order = np.argsort(scores)[::-1]
        history["best"].append(float(scores[order[0]]))
        history["mean"].append(float(scores.mean()))
        history["generations"] += 1
        best = population[order[0]].copy()
        if target is not None and scores[order[0]] >= target:
            break
        children = [population[i].copy() for i in order[:n_elite]]                    # (E2)
        while len(children) < pop_size:                                               # (E3)
            i, j = tournament_select(scores, 2, tournament, rng)
            child = (uniform_crossover(population[i], population[j], rng)
                     if rng.random() < p_crossover else population[i].copy())
            children.append(gaussian_mutation(child, p_mutate, sigma, rng))
        population = np.array(children)
    return best, history


def non_dominated_fronts(objectives):
    """Sort individuals into Pareto fronts (all objectives maximised), as NSGA-II does.

    Parameters
    ----------
    objectives : ndarray of shape (n, m)

    Returns
    -------
    fronts : list of lists of int
        Front 0 is the Pareto front: nobody dominates its members; front 1 is dominated only
        by front 0, and so on.
    """
    F = np.asarray(objectives, dtype=float)
    n = len(F)
    # dominates[i, j]: i is at least as good everywhere and better somewhere
    geq = np.all(F[:, None, :] >= F[None, :, :], axis=2)
    gt = np.any(F[:, None, :] > F[None, :, :], axis=2)
    dominates = geq & gt
    beaten_by = dominates.sum(axis=0)
    fronts, current = [], [i for i in range(n) if beaten_by[i] == 0]
    while current:
        fronts.append(current)
        following = []
        for i in current:
            for j in np.nonzero(dominates[i])[0]:
                beaten_by[j] -= 1
                if beaten_by[j] == 0:
                    following.append(int(j))
        current = sorted(following)
    return fronts


def crowding_distance(objectives):
    """NSGA-II's crowding distance of the members of one front.

    Parameters
    ----------
    objectives : ndarray of shape (n, m)
        The objective values of the front's n members.

    Returns
    -------
    distance : ndarray of shape (n,)
        For each objective, sort the front by it; a member scores the gap between its two
        neighbours divided by the objective's range, summed over objectives. The two ends of
        each objective get ``inf``, so the extremes of the front are always kept.
    """
    F = np.asarray(objectives, dtype=float)
    if F.ndim != 2:
        raise ValueError(f"objectives must have shape (n, m), got {F.shape}")
    n, m = F.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for j in range(m):
        order = np.argsort(F[:, j], kind="stable")
        values = F[order, j]
        span = values[-1] - values[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (values[2:] - values[:-2]) / span
    return distance


def nsga2_survivors(objectives, n_survivors):
    """Indices of the ``n_survivors`` individuals NSGA-II keeps, (E4).

    Parameters
    ----------
    objectives : ndarray of shape (n, m)
        All objectives maximised.
    n_survivors : int
        At most n.

    Returns
    -------
    keep : ndarray of int, shape (n_survivors,)
        Front 0 first, then front 1, ...; the last front taken is cut by decreasing crowding
        distance.
    """
    F = np.asarray(objectives, dtype=float)
    n_survivors = check_scalar(n_survivors, "n_survivors", kind=numbers.Integral, low=1,
                               high=len(F))
    keep = []
    for front in non_dominated_fronts(F):
        if len(keep) + len(front) <= n_survivors:
            keep.extend(front)
            continue
        crowd = crowding_distance(F[front])
        order = np.argsort(-crowd, kind="stable")
        keep.extend(np.asarray(front)[order[:n_survivors - len(keep)]].tolist())
        break
    return np.array(keep, dtype=int)
