"""NEAT-style topology growth: networks that start minimal and gain nodes and connections.

Book: 17_beyond, section "NEAT: augmenting topologies".

A compact version of NeuroEvolution of Augmenting Topologies (Stanley and Miikkulainen,
2002), small enough to read in one sitting. It keeps NEAT's three ideas:

    (T1) historical markings: every connection gene carries an innovation number, the same
         number wherever the same connection (src -> dst) first appeared, so two genomes of
         different shapes can be lined up gene by gene for crossover;
    (T2) growth from a minimal start: inputs wired straight to outputs; mutations add a
         connection, or split a connection into two through a new hidden node (the old one is
         disabled, the new in-weight is 1 and the out-weight the old weight, so the network
         computes almost the same function right after the split);
    (T3) speciation: genomes closer than ``threshold`` in the compatibility distance
         delta = c1 * (non-matching genes) / n + c3 * (mean weight difference of matching genes)
         form a species; a genome's fitness is shared by its species' size, so a new
         structure competes first with its own kind and is not wiped out before its weights
         are tuned.

Simplifications against the paper: only feed-forward networks (each node has a depth in
[0, 1] and connections go from lower to higher depth), one activation for every node, no
distinction between disjoint and excess genes, and no interspecies mating.
"""

import numbers
from dataclasses import dataclass, field

import numpy as np

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["Genome", "Innovations", "compatibility", "crossover", "genome_forward",
           "minimal_genome", "mutate", "neat_evolve"]


def _sigmoid(a):
    # NEAT's steepened sigmoid, close to linear near 0 and saturating by |a| ~ 1
    return 1.0 / (1.0 + np.exp(-4.9 * a))


@dataclass
class Genome:
    """A network as genes.

    Attributes
    ----------
    n_inputs, n_outputs : int
        Node ids 0 .. n_inputs - 1 are the inputs, ``n_inputs`` is the bias (always 1), the
        next ``n_outputs`` ids are the outputs; hidden nodes get new ids as they appear.
    depth : dict of int -> float
        Each node's depth: 0 for inputs and bias, 1 for outputs, in between for hidden nodes.
    conns : dict of int -> list [src, dst, weight, enabled]
        Connection genes under their innovation numbers (T1).
    """

    n_inputs: int
    n_outputs: int
    depth: dict = field(default_factory=dict)
    conns: dict = field(default_factory=dict)

    def copy(self):
        return Genome(self.n_inputs, self.n_outputs, dict(self.depth),
                      {i: list(c) for i, c in self.conns.items()})

    @property
    def outputs(self):
        return list(range(self.n_inputs + 1, self.n_inputs + 1 + self.n_outputs))

    @property
    def n_hidden(self):
        return len(self.depth) - self.n_inputs - 1 - self.n_outputs

    @property
    def n_enabled(self):
        return sum(1 for c in self.conns.values() if c[3])


class Innovations:
    """The run's register of innovation numbers and hidden-node ids (T1).

    The same new connection, or the split of the same connection, gets the same number in
    every genome where it appears.
    """

    def __init__(self, first_node_id):
        self.conn = {}            # (src, dst) -> innovation number
        self.split = {}           # innovation number split -> new node id
        self.next_node = first_node_id

    def connection(self, src, dst):
        return self.conn.setdefault((src, dst), len(self.conn))

    def node(self, innovation):
        if innovation not in self.split:
            self.split[innovation] = self.next_node
            self.next_node += 1
        return self.split[innovation]


def minimal_genome(n_inputs, n_outputs, innovations, rng, scale=1.0):
    """Inputs and bias connected straight to the outputs, weights from N(0, scale^2) (T2)."""
    rng = check_rng(rng)
    genome = Genome(n_inputs, n_outputs)
    for i in range(n_inputs + 1):
        genome.depth[i] = 0.0
    for o in genome.outputs:
        genome.depth[o] = 1.0
        for i in range(n_inputs + 1):
            genome.conns[innovations.connection(i, o)] = [i, o, rng.normal(0, scale), True]
    return genome


def genome_forward(genome, X):
    """Outputs of the genome's network.

    Parameters
    ----------
    genome : Genome
    X : ndarray of shape (n_samples, n_inputs)

    Returns
    -------
    Y : ndarray of shape (n_samples, n_outputs)
        Every non-input node computes sigmoid(4.9 * sum of enabled incoming weight * value).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != genome.n_inputs:
        raise ValueError(f"X must have shape (n_samples, {genome.n_inputs}), got {X.shape}")
    value = {i: X[:, i] for i in range(genome.n_inputs)}
    value[genome.n_inputs] = np.ones(len(X))
    incoming = {}
    for src, dst, weight, enabled in genome.conns.values():
        if enabled:
            incoming.setdefault(dst, []).append((src, weight))
    for node in sorted((n for n, d in genome.depth.items() if d > 0), key=genome.depth.get):
        a = np.zeros(len(X))
        for src, weight in incoming.get(node, []):
            a += weight * value[src]
        value[node] = _sigmoid(a)
    return np.stack([value[o] for o in genome.outputs], axis=1)


def mutate(genome, innovations, rng, p_weights=0.8, sigma=0.5, p_reset=0.1, p_connection=0.1,
           p_node=0.05):
    """A mutated copy: perturb the weights, maybe add a connection, maybe split one (T2).

    Parameters
    ----------
    genome : Genome
    innovations : Innovations
    rng : Generator
    p_weights : float
        Probability that the weights are perturbed; each weight then gets N(0, sigma^2) added,
        or with probability ``p_reset`` a fresh N(0, 1) value.
    p_connection, p_node : float
        Probabilities of adding a connection between two unconnected nodes (lower depth to
        higher) and of splitting a random enabled connection with a new node.
    """
    rng = check_rng(rng)
    child = genome.copy()
    if rng.random() < p_weights:
        for c in child.conns.values():
            c[2] = rng.normal() if rng.random() < p_reset else c[2] + rng.normal(0, sigma)
    if rng.random() < p_connection:
        existing = {(c[0], c[1]) for c in child.conns.values()}
        candidates = [(a, b) for a in child.depth for b in child.depth
                      if child.depth[a] < child.depth[b] and (a, b) not in existing]
        if candidates:
            a, b = candidates[rng.integers(len(candidates))]
            child.conns[innovations.connection(a, b)] = [a, b, rng.normal(), True]
    if rng.random() < p_node:
        enabled = [i for i, c in child.conns.items() if c[3]]
        if enabled:
            split = enabled[rng.integers(len(enabled))]
            src, dst, weight, _ = child.conns[split]
            node = innovations.node(split)
            if node not in child.depth:
                child.conns[split][3] = False
                child.depth[node] = (child.depth[src] + child.depth[dst]) / 2
                child.conns[innovations.connection(src, node)] = [src, node, 1.0, True]
                child.conns[innovations.connection(node, dst)] = [node, dst, weight, True]
    return child


def crossover(fitter, other, rng):
    """A child lined up by innovation numbers (T1): matching genes from either parent at
    random, the genes only the fitter parent has from it (its structure is kept)."""
    rng = check_rng(rng)
    child = fitter.copy()
    for i, c in child.conns.items():
        if i in other.conns and rng.random() < 0.5:
            c[2] = other.conns[i][2]
            if not other.conns[i][3] and rng.random() < 0.75:
                c[3] = False
    return child


def compatibility(a, b, c1=1.0, c3=0.4):
    """NEAT's distance (T3) between two genomes.

    The number of non-matching connection genes is divided by the larger genome's gene count
    once that exceeds 20 (by 1 below, as in the paper, since small genomes differ little).
    """
    shared = a.conns.keys() & b.conns.keys()
    n_mismatch = len(a.conns) + len(b.conns) - 2 * len(shared)
    n = max(len(a.conns), len(b.conns))
    n = n if n > 20 else 1
    # plain Python: this runs for every genome against every species, and np.mean on a
    # handful of numbers costs more than the sum itself
    w_diff = sum(abs(a.conns[i][2] - b.conns[i][2]) for i in shared) / len(shared) if shared \
        else 0.0
    return c1 * n_mismatch / n + c3 * w_diff


def neat_evolve(fitness, n_inputs, n_outputs, n_generations, rng=None, pop_size=150,
                threshold=3.0, survival=0.3, p_crossover=0.75, target=None, progress=False,
                **mutation):
    """Evolve weights and topologies together, (T1)-(T3).

    Parameters
    ----------
    fitness : callable
        ``fitness(genome) -> float``, non-negative, higher is better.
    n_inputs, n_outputs, n_generations, pop_size : int
    rng : None, int or Generator
    threshold : float
        Compatibility distance below which a genome joins a species.
    survival : float
        Fraction of each species (its best) allowed to parent the next generation.
    p_crossover : float
        Probability that a child is a crossover of two parents of its species.
    target : float, optional
        Stop as soon as the best fitness reaches it.
    progress : bool
    **mutation
        Passed to :func:`mutate`.

    Returns
    -------
    best : Genome
    history : dict of lists
        Per generation: ``"best"`` fitness, ``"n_species"``, ``"n_hidden"`` and
        ``"n_connections"`` (enabled) of the best genome.
    """
    for name, value in [("n_inputs", n_inputs), ("n_outputs", n_outputs),
                        ("n_generations", n_generations), ("pop_size", pop_size)]:
        check_scalar(value, name, kind=numbers.Integral, low=1)
    check_scalar(survival, "survival", low=0, high=1, include_low=False)
    rng = check_rng(rng)
    innovations = Innovations(first_node_id=n_inputs + 1 + n_outputs)
    population = [minimal_genome(n_inputs, n_outputs, innovations, rng) for _ in range(pop_size)]
    representatives = []
    history = {"best": [], "n_species": [], "n_hidden": [], "n_connections": []}
    generations = range(n_generations)
    if progress:
        generations = progress_line(generations, desc="generation",
                                    metrics=lambda: f"best {history['best'][-1]:.3g}"
                                    if history["best"] else "")
    best, best_score = None, -np.inf
    for _ in generations:
        scores = np.array([fitness(g) for g in population], dtype=float)
        if np.any(scores < 0):
            raise ValueError("neat_evolve needs a non-negative fitness (it is shared "
                             "proportionally); shift or square your score")
        top = int(np.argmax(scores))
        if scores[top] > best_score:
            best, best_score = population[top].copy(), float(scores[top])
        species = [[] for _ in representatives]                                   # (T3)
        for i, g in enumerate(population):
            for s, rep in enumerate(representatives):
                if compatibility(g, rep) < threshold:
                    species[s].append(i)
                    break
            else:
                representatives.append(g)
                species.append([i])
        kept = [(rep, members) for rep, members in zip(representatives, species) if members]
        representatives = [population[members[0]] for _, members in kept]
        species = [members for _, members in kept]
        history["best"].append(float(scores[top]))
        history["n_species"].append(len(species))
        history["n_hidden"].append(population[top].n_hidden)
        history["n_connections"].append(population[top].n_enabled)
        if target is not None and best_score >= target:
            break
        shared = np.array([scores[members].sum() / len(members) for members in species])
        share = shared / shared.sum() if shared.sum() > 0 else np.full(len(species),
                                                                         1 / len(species))
        n_children = np.floor(share * pop_size).astype(int)
        n_children[np.argmax(share)] += pop_size - n_children.sum()
        children = []
        for members, n in zip(species, n_children):
            if n == 0:
                continue
            ranked = sorted(members, key=lambda i: -scores[i])
            children.append(population[ranked[0]].copy())       # the species' champion
            parents = ranked[:max(1, int(np.ceil(survival * len(ranked))))]
            for _ in range(n - 1):
                a = parents[rng.integers(len(parents))]
                if rng.random() < p_crossover and len(parents) > 1:
                    b = parents[rng.integers(len(parents))]
                    a, b = (a, b) if scores[a] >= scores[b] else (b, a)
                    child = crossover(population[a], population[b], rng)
                else:
                    child = population[a]
                children.append(mutate(child, innovations, rng, **mutation))
        population = children
    return best, history
