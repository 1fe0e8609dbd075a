"""The test surfaces of 05_optimizers and optimizer_path."""

import numpy as np
import pytest

from dlcourse.data import beale, ill_conditioned_quadratic, rosenbrock
from dlcourse.optim import SGD, Adam
from dlcourse.testing import numerical_gradient
from dlcourse.viz.landscapes import descent_path, optimizer_path

SURFACES = [ill_conditioned_quadratic(10.0, angle=0.3), rosenbrock(), beale()]


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        theta = rng.uniform(-1.5, 1.5, size=2)
        numeric = numerical_gradient(lambda p: float(surface.E(p)), theta.copy())
        np.testing.assert_allclose(surface.grad(theta), numeric, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)
def test_minimum_is_a_stationary_point_with_zero_value(surface):
    np.testing.assert_allclose(surface.grad(surface.minimum), 0.0, atol=1e-12)
    assert surface.E(surface.minimum) == pytest.approx(0.0, abs=1e-12)


def test_E_evaluates_a_grid_in_one_call():
    grid = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(0, 2, 3)), axis=-1)
    for surface in SURFACES:
        values = surface.E(grid)
        assert values.shape == (3, 4)
        assert values[1, 2] == pytest.approx(surface.E(grid[1, 2]))


def test_quadratic_has_the_condition_number_asked_for():
    s = ill_conditioned_quadratic(25.0, angle=0.7)
    H = np.column_stack([s.grad(e) for e in np.eye(2)])
    lam = np.linalg.eigvalsh(H)
    assert lam[-1] / lam[0] == pytest.approx(25.0)


def test_optimizer_path_with_sgd_is_descent_path():
    s = rosenbrock()
    start = np.array([-1.5, 2.0])
    np.testing.assert_allclose(optimizer_path(SGD(1e-3), s.grad, start, 50),
                               descent_path(s.grad, start, 1e-3, 50), rtol=0, atol=1e-14)


def test_optimizer_path_stops_on_divergence_and_leaves_start_alone():
    s = ill_conditioned_quadratic(10.0)
    start = np.array([1.0, 1.0])
    path = optimizer_path(SGD(0.5), s.grad, start, 500, max_norm=1e3)   # eta * 10 > 2
    assert len(path) < 501 and np.all(np.isfinite(path))
    np.testing.assert_array_equal(start, [1.0, 1.0])
    assert len(optimizer_path(Adam(0.1), s.grad, start, 20)) == 21


def test_optimizer_path_rejects_an_object_without_step():
    with pytest.raises(TypeError, match="step"):
        optimizer_path(0.1, rosenbrock().grad, [0.0, 0.0], 5)
