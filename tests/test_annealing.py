"""Simulated annealing (dlcourse.core.annealing): the step distributions, the acceptance rule,
and annealing against gradient descent on a function with many local minima."""

import numpy as np
import pytest
from scipy import stats

from dlcourse.core.annealing import (accept, anneal, boltzmann_schedule, cauchy_schedule,
                                     cauchy_step, gaussian_step, network_objective,
                                     specific_heat, squash_weights)


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


def test_a_fixed_schedule_replaces_the_cooling():
    staircase = lambda t: [2.0, 1.0][(t - 1) // 50]  # noqa: E731
    _, history = anneal(bumpy, [1.0], 100, rng=7, schedule=staircase)
    assert history["T"][:50] == [2.0] * 50 and history["T"][50:] == [1.0] * 50
    with pytest.raises(TypeError, match="function"):
        anneal(bumpy, [1.0], 10, schedule=0.5)


def test_specific_heat_is_the_variance_over_temperature_squared():
    E = np.array([9.0, 1.0, 3.0, 9.0, 2.0, 2.0, 6.0])
    T = np.array([2.0, 2.0, 2.0, 0.5, 0.5, 0.5, 0.5])
    temps, mean_E, C = specific_heat(E, T, burn_in=0.34)
    # level 1 keeps E = 1, 3 (one step burnt): mean 2, variance 1, T^2 = 4
    # level 2 keeps 2, 2, 6 (int(0.34 * 4) = 1 burnt): mean 10/3, variance 32/9, T^2 = 1/4
    np.testing.assert_allclose(temps, [2.0, 0.5])
    np.testing.assert_allclose(mean_E, [2.0, 10 / 3])
    np.testing.assert_allclose(C, [0.25, 32 / 9 * 4])
    with pytest.raises(ValueError, match="more steps"):
        specific_heat(E, T, burn_in=0.9)
    with pytest.raises(ValueError, match="one temperature"):
        specific_heat(E, T[:3])


def test_specific_heat_matches_the_slope_of_the_mean_for_a_two_level_system():
    # E in {0, 1}, Metropolis at fixed T: <E> = 1 / (1 + e^{1/T}), d<E>/dT = Var(E) / T^2
    levels = [0.3, 0.5, 1.0]
    stair = lambda t: levels[(t - 1) // 20000]  # noqa: E731
    two_level = lambda w: float(np.round(w[0]) % 2)  # noqa: E731
    _, h = anneal(two_level, [0.0], 60000, rng=8, step="gaussian", rho=3.0, schedule=stair)
    temps, mean_E, C = specific_heat(np.array(h["loss"]), np.array(h["T"]))
    exact_mean = 1 / (1 + np.exp(1 / temps))
    exact_C = np.exp(1 / temps) / (1 + np.exp(1 / temps)) ** 2 / temps ** 2
    np.testing.assert_allclose(mean_E, exact_mean, atol=0.02)
    np.testing.assert_allclose(C, exact_C, rtol=0.1)


def xor_objective(loss="mse", activations=("sigmoid", "sigmoid")):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    t = np.array([[0], [1], [1], [0]], dtype=float)
    return network_objective(X, t, (2, 3, 1), activations, loss=loss)


def test_network_objective_packs_and_unpacks_the_weights():
    f = xor_objective()
    assert f.size == 2 * 3 + 3 * 1 + 3 + 1
    w = np.arange(f.size, dtype=float)
    W, b = f.unpack(w)
    assert [x.shape for x in W + b] == [(2, 3), (3, 1), (3,), (1,)]
    np.testing.assert_array_equal(W[0], [[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(b[1], [12])
    np.testing.assert_array_equal(f.pack(W, b), w)
    with pytest.raises(ValueError, match="13 weights"):
        f.unpack(np.zeros(12))
    with pytest.raises(ValueError, match="do not fit"):
        network_objective(np.zeros((4, 2)), np.zeros((4, 2)), (2, 3, 1), ["tanh", "sigmoid"])
    with pytest.raises(ValueError, match="activations"):
        network_objective(np.zeros((4, 2)), np.zeros((4, 1)), (2, 3, 1), ["tanh"])


def test_network_objective_loss_is_the_forward_pass_and_counts_calls():
    f = xor_objective()
    W = [np.zeros((2, 3)), np.zeros((3, 1))]
    b = [np.zeros(3), np.zeros(1)]
    # every output is sigmoid(0) = 1/2: E = (1/2n) sum (1/2 - t)^2 = 1/8
    assert f(f.pack(W, b)) == pytest.approx(0.125)
    assert f.evaluations == 1
    np.testing.assert_allclose(f.outputs(f.pack(W, b)), 0.5)


@pytest.mark.parametrize("loss, activations", [("mse", ("sigmoid", "sigmoid")),
                                               ("cross_entropy", ("tanh", "sigmoid"))])
def test_network_objective_gradient_matches_centred_differences(loss, activations):
    f = xor_objective(loss, activations)
    w = np.random.default_rng(9).normal(0, 1, f.size)
    g = f.grad(w)
    E, g_again = f.loss_and_grad(w)
    assert E == f(w)
    np.testing.assert_array_equal(g, g_again)
    h = 1e-6
    numeric = np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(f.size)])
    rel = np.linalg.norm(g - numeric) / np.linalg.norm(g + numeric)
    assert rel < 1e-7
    # a wrong gradient (one output weight's sign flipped) fails the same check
    wrong = g.copy()
    wrong[9] *= -1
    assert np.linalg.norm(wrong - numeric) / np.linalg.norm(wrong + numeric) > 1e-3


def test_annealing_a_network_objective_learns_xor():
    f = xor_objective()
    w0 = np.random.default_rng(10).normal(0, 0.5, f.size)
    best, history = anneal(f, w0, 4000, rng=10, step="cauchy", T0=0.05, rho=20.0)
    assert np.all((f.outputs(best)[:, 0] > 0.5) == (f.T[:, 0] > 0.5)), history["best"][-1]


def test_annealing_stops_at_the_target_error():
    _, full = anneal(bumpy, [4.0], 3000, rng=11, T0=3.0)
    _, short = anneal(bumpy, [4.0], 3000, rng=11, T0=3.0, target=-0.9)
    n = len(short["loss"])
    assert short["best"][-1] < -0.9 <= short["best"][-2]
    assert n < 3000 and short["best"] == full["best"][:n] and short["evaluations"] == n + 1
