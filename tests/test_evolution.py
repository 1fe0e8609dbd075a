"""The genetic algorithm (dlcourse.core.evolution): operators, XOR solved by neuroevolution
for a fixed seed, elitism, Pareto fronts."""

import numpy as np
import pytest

from dlcourse.core.evolution import (crowding_distance, evolve, gaussian_mutation,
                                     non_dominated_fronts, nsga2_survivors, tournament_select,
                                     uniform_crossover)

X_XOR = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
T_XOR = np.array([0, 1, 1, 0], dtype=float)


def xor_net(genome, X):
    """A 2-2-1 tanh/sigmoid network from 9 genes."""
    W1, b1 = genome[:4].reshape(2, 2), genome[4:6]
    W2, b2 = genome[6:8], genome[8]
    return 1 / (1 + np.exp(-(np.tanh(X @ W1 + b1) @ W2 + b2)))


def xor_fitness(genome, rng):
    return -float(np.mean((xor_net(genome, X_XOR) - T_XOR) ** 2))


def test_neuroevolution_solves_xor_within_60_generations():
    # seeds 0, 1, 2 need 29, 23 and 21 generations
    best, history = evolve(xor_fitness, 9, 60, rng=0, pop_size=100, sigma=1.0, p_mutate=0.5,
                           target=-0.01)
    assert history["generations"] <= 60 and history["best"][-1] >= -0.01
    np.testing.assert_array_equal(np.round(xor_net(best, X_XOR)), T_XOR)


def test_elitism_never_loses_the_best_and_same_seed_same_run():
    best, history = evolve(xor_fitness, 9, 15, rng=1, n_elite=2)
    assert all(a <= b for a, b in zip(history["best"], history["best"][1:]))
    again, _ = evolve(xor_fitness, 9, 15, rng=1, n_elite=2)
    np.testing.assert_array_equal(best, again)
    assert history["evaluations"] == 15 * 50


def test_operators():
    rng = np.random.default_rng(2)
    picks = tournament_select(np.arange(10.0), 2000, 3, rng)
    assert picks.mean() > 6.0                    # the fitter win more often than not
    a, b = np.zeros(1000), np.ones(1000)
    child = uniform_crossover(a, b, rng)
    assert set(np.unique(child)) == {0.0, 1.0} and abs(child.mean() - 0.5) < 0.05
    mutated = gaussian_mutation(np.zeros(10000), 0.1, 1.0, rng)
    assert np.mean(mutated != 0) == pytest.approx(0.1, abs=0.01)


def test_pareto_fronts_of_a_small_population():
    # maximise both: (3, 1), (1, 3), (2, 2) are on the front; (1, 1) is beaten by all three,
    # (0, 0) by everyone
    objectives = np.array([[3, 1], [1, 1], [1, 3], [0, 0], [2, 2]])
    assert non_dominated_fronts(objectives) == [[0, 2, 4], [1], [3]]


def test_bad_sizes_say_what_is_wrong():
    with pytest.raises(ValueError, match="n_elite"):
        evolve(xor_fitness, 9, 5, pop_size=4, n_elite=4)


def test_crowding_distance_by_hand():
    # front (0, 4), (1, 3), (3, 1), (4, 0): ranges 4 and 4; the inner points have neighbour
    # gaps (3 - 0)/4 + (4 - 1)/4 = 1.5 and (4 - 1)/4 + (3 - 0)/4 = 1.5; a crowded point
    # (1.1, 2.9) next to (1, 3) gets less
    F = np.array([[0, 4], [1, 3], [3, 1], [4, 0]])
    np.testing.assert_allclose(crowding_distance(F), [np.inf, 1.5, 1.5, np.inf])
    F2 = np.array([[0, 4], [1, 3], [1.1, 2.9], [3, 1], [4, 0]])
    d = crowding_distance(F2)
    assert d[2] < d[3] and np.isinf(d[0]) and np.isinf(d[4])


def test_nsga2_survivors_take_whole_fronts_then_the_least_crowded():
    # front 0: indices 0, 2, 4, 5 (5 crowds 4); front 1: index 1; front 2: index 3
    F = np.array([[4, 0], [1, 1], [0, 4], [0, 0], [2, 2], [2.1, 1.95]])
    assert non_dominated_fronts(F)[0] == [0, 2, 4, 5]
    assert sorted(nsga2_survivors(F, 5).tolist()) == [0, 1, 2, 4, 5]
    three = nsga2_survivors(F, 3).tolist()
    assert 0 in three and 2 in three and len(three) == 3
    with pytest.raises(ValueError, match="n_survivors"):
        nsga2_survivors(F, 7)
