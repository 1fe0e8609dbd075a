"""Loss-landscape helpers: the MSE grid, log levels, descent paths, and the plots."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse.core.losses import mse_forward  # noqa: E402
from dlcourse.data.regression import linear_data  # noqa: E402
from dlcourse.viz.landscapes import (descent_path, log_levels, mse_surface,  # noqa: E402
                                     plot_loss_contours, plot_loss_surface, plot_trajectory,
                                     trajectory_animation)


@pytest.fixture
def data():
    return linear_data(25, slope=1.0, intercept=0.5, noise=0.3, rng=4)


def test_mse_surface_matches_the_loss_at_every_grid_point(data):
    X, t = data
    w, b = np.linspace(-1, 3, 7), np.linspace(-2, 2, 5)
    E = mse_surface(X, t, w, b)
    assert E.shape == (5, 7)
    for i, bi in enumerate(b):
        for j, wj in enumerate(w):
            assert E[i, j] == pytest.approx(mse_forward(wj * X[:, 0] + bi, t)[0], rel=1e-12)


def test_mse_surface_is_lowest_at_the_least_squares_line(data):
    X, t = data
    w_star, b_star = np.polyfit(X[:, 0], t, 1)
    w = np.r_[np.linspace(-1, 3, 40), w_star]
    b = np.r_[np.linspace(-2, 2, 40), b_star]
    E = mse_surface(X, t, w, b)
    i, j = np.unravel_index(np.argmin(E), E.shape)
    assert (i, j) == (40, 40)


def test_log_levels_are_geometric_and_cover_the_values():
    E = np.array([[0.01, 1.0], [10.0, 100.0]])
    levels = log_levels(E, 5)
    assert levels[0] > 0.01 and levels[-1] == pytest.approx(100.0)
    np.testing.assert_allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))
    assert log_levels(np.array([0.0, 10.0]), 3)[0] == pytest.approx(0.01)


def test_descent_path_on_a_quadratic_converges_or_stops_when_it_diverges():
    A = np.diag([1.0, 4.0])                       # Hessian eigenvalues 1 and 4: 2/4 = 0.5
    path = descent_path(lambda th: A @ th, [1.0, 1.0], 0.4, 60)
    assert path.shape == (61, 2) and np.linalg.norm(path[-1]) < 1e-4
    np.testing.assert_allclose(path[1], [0.6, -0.6])
    blown = descent_path(lambda th: A @ th, [1.0, 1.0], 0.6, 500, max_norm=1e3)
    assert len(blown) < 500 and np.linalg.norm(blown[-1]) <= 1e3


def test_plots_draw_on_the_axes_they_are_given(data):
    X, t = data
    w, b = np.linspace(-1, 3, 30), np.linspace(-2, 2, 20)
    E = mse_surface(X, t, w, b)
    fig = plt.figure()
    ax = fig.add_subplot(1, 2, 1)
    assert plot_loss_contours(ax, w, b, E, minimum=(1.0, 0.5)) is ax
    assert len(ax.collections) >= 2
    plot_trajectory(ax, [[0.0, 0.0], [0.5, 0.2], [0.9, 0.4]], label="gd")
    assert ax.get_legend() is not None
    ax3 = fig.add_subplot(1, 2, 2, projection="3d")
    assert plot_loss_surface(ax3, w, b, E, log=True, minimum=(1.0, 0.5)) is ax3
    plt.close(fig)


def test_trajectory_animation_is_a_self_contained_player(data):
    X, t = data
    w, b = np.linspace(-1, 3, 20), np.linspace(-2, 2, 15)
    E = mse_surface(X, t, w, b)
    page = trajectory_animation(w, b, E, np.array([[0.0, 0.0], [0.5, 0.2], [0.9, 0.4]])).data
    assert page.count("data:image/png;base64") == 3
    assert "<link" not in page and "http" not in page.split("<script")[0]


@pytest.mark.parametrize("call, message", [
    (lambda: mse_surface(np.ones((3, 2)), np.ones(3), [0.0], [0.0]), "one feature"),
    (lambda: log_levels(np.zeros(3)), "positive"),
    (lambda: log_levels(np.ones(3), 1), "n_levels"),
    (lambda: descent_path(lambda th: np.zeros(3), [0.0, 0.0], 0.1, 2), "one partial derivative"),
    (lambda: descent_path(lambda th: th, [0.0], -0.1, 2), "eta"),
    (lambda: plot_trajectory(None, np.ones((3, 3))), "two columns"),
    (lambda: plot_loss_contours(None, [0.0, 1.0], [0.0], np.ones((2, 2))), "mse_surface"),
])
def test_bad_arguments_say_what_to_do(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
