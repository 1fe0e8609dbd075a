"""Simulated annealing (dlcourse.core.annealing): the step distributions, the acceptance rule,
and annealing against gradient descent on a function with many local minima."""

import numpy as np
import pytest
from scipy import stats

from dlcourse.core.annealing import (accept, anneal, boltzmann_schedule, cauchy_schedule,
                                     cauchy_step, gaussian_step, squash_weights)


def test_the_cauchy_step_has_the_cauchy_distribution():
    x = cauchy_step(T=0.5, size=20000, rng=0, rho=2.0)
    # scale rho T = 1: the Kolmogorov-Smirnov test does not reject it (fixed seed)
    assert stats.kstest(x, stats.cauchy(scale=1.0).cdf).pvalue > 0.05
    # and it is heavy-tailed: far more long jumps than a Gaussian of the same temperature
    g = gaussian_step(T=0.5, size=20000, rng=0, rho=2.0)
    assert np.mean(np.abs(x) > 5) > 0.1 and np.mean(np.abs(g) > 5) == 0


def test_the_gaussian_step_has_the_seed_density():
    x = gaussian_step(T=2.0, size=50000, rng=1)
    assert np.std(x) == pytest.approx(2.0 / np.sqrt(2.0), rel=0.02)


def test_acceptance_follows_the_boltzmann_probability():
    rng = np.random.default_rng(2)
    kept = np.mean([accept(1.0, 0.5, rng) for _ in range(20000)])
    assert kept == pytest.approx(np.exp(-2.0), abs=0.01)
    assert accept(-3.0, 1e-9, rng) and not accept(1.0, 0.0, rng)


def test_schedules_and_squashing():
    assert cauchy_schedule(9, 10.0) == pytest.approx(1.0)
    assert boltzmann_schedule(np.e - 1, 2.0) == pytest.approx(2.0)
    assert cauchy_schedule(100, 1.0) < boltzmann_schedule(100, 1.0)
    np.testing.assert_allclose(squash_weights([0.01, 100.0], 3.0), [0.01, 3.0], rtol=1e-4)


def bumpy(w):
    # global minimum at 0, local minima about every 2.1 units: 0.1 w^2 - cos(3 w)
    return float(0.1 * np.sum(w ** 2) - np.sum(np.cos(3 * w)))


def test_annealing_finds_the_global_minimum_more_often_than_gradient_descent():
    starts = np.random.default_rng(3).uniform(-6, 6, 20)
    found_gd = found_sa = 0
    for seed, w0 in enumerate(starts):
        w = np.array([w0])
        for _ in range(500):                                    # gradient descent
            w = w - 0.05 * (0.2 * w + 3 * np.sin(3 * w))
        found_gd += abs(w[0]) < 0.3
        best, history = anneal(bumpy, [w0], 3000, rng=seed, step="cauchy", T0=3.0, rho=1.0)
        found_sa += abs(best[0]) < 0.3
    # with these seeds: 18 of 20 against 6 of 20
    assert found_sa >= 15 and found_gd <= 8, (found_sa, found_gd)


def test_annealing_history_and_same_seed_same_result():
    best, history = anneal(bumpy, [4.0, -4.0], 200, rng=5, step="gaussian", T0=1.0)
    assert len(history["loss"]) == 200 and history["evaluations"] == 201
    assert 0 < history["accepted"] < 1
    assert all(b1 >= b2 for b1, b2 in zip(history["best"], history["best"][1:]))
    again, _ = anneal(bumpy, [4.0, -4.0], 200, rng=5, step="gaussian", T0=1.0)
    np.testing.assert_array_equal(best, again)
    one_at_a_time, h = anneal(bumpy, [4.0, -4.0], 50, rng=5, per_weight=True)
    assert h["evaluations"] == 1 + 50 * 2


def test_the_combined_rule_needs_a_gradient_and_pure_gradient_descends():
    with pytest.raises(ValueError, match="pass grad"):
        anneal(bumpy, [1.0], 10, eta=0.5)
    grad = lambda w: 0.2 * w + 3 * np.sin(3 * w)  # noqa: E731
    best, history = anneal(bumpy, [0.5], 300, rng=6, grad=grad, eta=1.0, lr=0.05, alpha=0.0)
    assert abs(best[0]) < 1e-3                     # eta = 1: gradient descent into the basin
    with pytest.raises(ValueError, match="step"):
        anneal(bumpy, [1.0], 10, step="uniform")
