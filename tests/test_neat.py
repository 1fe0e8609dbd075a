"""NEAT-style topology growth (dlcourse.core.neat): the split keeps the function, innovation
numbers line genomes up, XOR is solved with a hidden node for a fixed seed."""

import numpy as np
import pytest

from dlcourse.core.neat import (Innovations, compatibility, crossover, genome_forward,
                                minimal_genome, mutate, neat_evolve)

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
T_XOR = np.array([0, 1, 1, 0], dtype=float)


def xor_fitness(genome):
    return float((4 - np.abs(genome_forward(genome, X_XOR)[:, 0] - T_XOR).sum()) ** 2)


def test_minimal_genome_is_a_single_layer():
    rng = np.random.default_rng(0)
    g = minimal_genome(2, 1, Innovations(4), rng)
    assert g.n_hidden == 0 and g.n_enabled == 3
    w = {c[0]: c[2] for c in g.conns.values()}
    expected = 1 / (1 + np.exp(-4.9 * (X_XOR @ [w[0], w[1]] + w[2])))
    np.testing.assert_allclose(genome_forward(g, X_XOR)[:, 0], expected)


def test_splitting_a_connection_adds_a_node_and_disables_the_old_gene():
    rng = np.random.default_rng(1)
    innovations = Innovations(4)
    g = minimal_genome(2, 1, innovations, rng)
    child = mutate(g, innovations, rng, p_weights=0.0, p_connection=0.0, p_node=1.0)
    assert child.n_hidden == 1 and len(child.conns) == 5 and child.n_enabled == 4
    assert sum(not c[3] for c in child.conns.values()) == 1
    assert g.n_hidden == 0                          # the parent is unchanged


def test_the_same_split_gets_the_same_innovation_numbers():
    rng = np.random.default_rng(2)
    innovations = Innovations(4)
    a = minimal_genome(2, 1, innovations, rng)
    b = minimal_genome(2, 1, innovations, rng)
    assert a.conns.keys() == b.conns.keys()
    first = next(iter(a.conns))
    a.conns = {i: c if i == first else [*c[:3], False] for i, c in a.conns.items()}
    b.conns = {i: c if i == first else [*c[:3], False] for i, c in b.conns.items()}
    ca = mutate(a, innovations, rng, p_weights=0.0, p_connection=0.0, p_node=1.0)
    cb = mutate(b, innovations, rng, p_weights=0.0, p_connection=0.0, p_node=1.0)
    assert ca.conns.keys() == cb.conns.keys() and set(ca.depth) == set(cb.depth)
    assert compatibility(ca, ca) == 0.0 and compatibility(ca, a) == pytest.approx(2.0)


def test_crossover_keeps_the_fitter_parents_structure():
    rng = np.random.default_rng(3)
    innovations = Innovations(4)
    small = minimal_genome(2, 1, innovations, rng)
    big = mutate(small, innovations, rng, p_weights=0.0, p_connection=0.0, p_node=1.0)
    child = crossover(big, small, rng)
    assert child.conns.keys() == big.conns.keys() and child.n_hidden == 1
    child = crossover(small, big, rng)
    assert child.conns.keys() == small.conns.keys()


def test_neat_solves_xor_by_growing_a_hidden_node():
    # seed 1 needs 49 generations; XOR needs at least one hidden unit
    best, history = neat_evolve(xor_fitness, 2, 1, 150, rng=1, pop_size=150, target=15.0)
    assert history["best"][-1] >= 15.0 and best.n_hidden >= 1
    np.testing.assert_array_equal(genome_forward(best, X_XOR)[:, 0] > 0.5, T_XOR == 1)


def test_negative_fitness_is_refused():
    with pytest.raises(ValueError, match="non-negative"):
        neat_evolve(lambda g: -1.0, 2, 1, 2, rng=0, pop_size=10)
