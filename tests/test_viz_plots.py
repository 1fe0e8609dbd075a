"""The plotting helpers draw what they say, refuse bad input, and show_source shows real code."""

import inspect

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse.core import perceptron as core_perceptron  # noqa: E402
from dlcourse.core.activations import ACTIVATIONS, sigmoid  # noqa: E402
from dlcourse.kernels import perceptron as kernel_perceptron  # noqa: E402
from dlcourse.viz.plots import (plot_activations, plot_decision_boundary,  # noqa: E402
                                plot_training_curve, plot_weight_image)
from dlcourse.viz.source import SourceCode, show_side_by_side, show_source  # noqa: E402

X4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
T_OR = np.array([0, 1, 1, 1])


def curves(ax):
    """The plotted functions of a panel, without the guide lines through the origin."""
    return {line.get_gid(): line for line in ax.lines if line.get_gid()}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- plot_activations ------------------------------------------------------------------------

def test_plot_activations_draws_one_panel_per_name_with_f_and_derivative():
    fig = plot_activations(["sigmoid", "relu", "tanh"], ncols=2)
    assert len(fig.axes) == 3                      # the fourth grid cell is removed
    for ax in fig.axes:
        assert set(curves(ax)) == {"f", "f_prime"}


def test_plot_activations_default_covers_every_activation():
    fig = plot_activations(derivative=False)
    assert [ax.get_title() for ax in fig.axes] == [n.replace("_", " ") for n in ACTIVATIONS]
    assert all(set(curves(ax)) == {"f"} for ax in fig.axes)


def test_plot_activations_curve_is_the_function():
    fig = plot_activations("sigmoid", a_range=(-3, 3), n_points=7)
    x, y = curves(fig.axes[0])["f"].get_data()
    np.testing.assert_allclose(y, sigmoid(x))


def test_plot_activations_breaks_the_threshold_step_instead_of_drawing_a_ramp():
    fig = plot_activations("threshold", derivative=False, n_points=11)
    x, y = curves(fig.axes[0])["f"].get_data()
    assert np.isnan(y).sum() == 1                  # one gap at the jump


@pytest.mark.parametrize("kwargs, match", [
    ({"names": ["sigmoid", "softsign"]}, "unknown activation"),
    ({"names": []}, "empty"),
    ({"a_range": (2, -2)}, "low < high"),
    ({"n_points": 1}, "n_points"),
    ({"ncols": 0}, "ncols"),
])
def test_plot_activations_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_activations(**kwargs)


# --- plot_decision_boundary ------------------------------------------------------------------

def test_boundary_line_of_a_linear_unit_satisfies_w_dot_x_plus_b_equals_zero():
    w, b = np.array([1.0, 2.0]), -1.2
    _, ax = plt.subplots()
    plot_decision_boundary(ax, X4, T_OR, w, b)
    assert len(ax.lines) == 1
    xs, ys = ax.lines[0].get_data()
    ends = np.column_stack([xs, ys])
    np.testing.assert_allclose(ends @ w + b, 0.0, atol=1e-12)
    # the segment spans the plotting box: each end lies on its border
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    for ex, ey in ends:
        assert np.isclose(ex, x0) or np.isclose(ex, x1) or np.isclose(ey, y0) or np.isclose(ey, y1)


def test_boundary_draws_both_classes_and_shades_the_firing_half_plane():
    w, b = np.array([1.0, 1.0]), -0.5
    _, ax = plt.subplots()
    plot_decision_boundary(ax, X4, T_OR, w, b)
    assert len(ax.collections) == 2                # class 0 and class 1
    offsets = [c.get_offsets() for c in ax.collections]
    assert len(offsets[0]) == 1 and len(offsets[1]) == 3
    assert len(ax.patches) == 1
    polygon = ax.patches[0].get_xy()
    # every corner of the shaded region is on the firing side (or on the line)
    assert np.all(polygon @ w + b >= -1e-12)
    # and it contains (1, 1), which fires, but not (0, 0), which does not
    path = ax.patches[0].get_path()
    assert path.contains_point((1.0, 1.0)) and not path.contains_point((0.0, 0.0))


def test_boundary_rings_exactly_the_misclassified_points():
    t_xor = np.array([0, 1, 1, 0])
    _, ax = plt.subplots()
    plot_decision_boundary(ax, X4, t_xor, [1.0, 1.0], -0.5, mark_errors=True)
    rings = ax.collections[-1].get_offsets()
    np.testing.assert_array_equal(np.asarray(rings), [[1.0, 1.0]])


def test_boundary_with_zero_weights_draws_no_line():
    _, ax = plt.subplots()
    plot_decision_boundary(ax, X4, T_OR, [0.0, 0.0], 1.0)
    assert len(ax.lines) == 0
    assert len(ax.patches) == 1                    # everything fires: the whole box is shaded


def test_boundary_accepts_a_predict_function_for_a_nonlinear_model():
    t_xor = np.array([0, 1, 1, 0])

    def predict(Z):
        return ((Z[:, 0] - 0.5) * (Z[:, 1] - 0.5) < 0).astype(int)

    _, ax = plt.subplots()
    plot_decision_boundary(ax, X4, t_xor, predict=predict, resolution=50, mark_errors=True)
    assert len(ax.collections) >= 3                # contours + two classes + rings
    assert len(ax.collections[-1].get_offsets()) == 0   # predict solves XOR: nothing ringed
    assert len(ax.lines) == 0


@pytest.mark.parametrize("args, kwargs, match", [
    ((np.zeros((4, 3)), T_OR, [1, 1]), {}, "shape \\(n_samples, 2\\)"),
    ((X4, T_OR[:3], [1, 1]), {}, "one target per row"),
    ((X4, np.array([0, 1, 2, 1]), [1, 1]), {}, "only 0 and 1"),
    ((X4, T_OR, [1, 1, 1]), {}, "two finite weights"),
    ((X4, T_OR), {}, "either w"),
    ((X4, T_OR, [1, 1]), {"predict": lambda Z: Z[:, 0] > 0}, "not both"),
    ((X4, T_OR), {"predict": lambda Z: np.zeros(3)}, "one label per row"),
    ((X4, T_OR, [1, 1]), {"xlim": (1, 0)}, "low < high"),
])
def test_boundary_rejects_bad_input(args, kwargs, match):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=match):
        plot_decision_boundary(ax, *args, **kwargs)


# --- plot_training_curve and plot_weight_image -----------------------------------------------

def test_training_curve_plots_values_against_epochs_starting_at_one():
    _, ax = plt.subplots()
    out = plot_training_curve(ax, [5, 3, 0], label="errors", ylabel="errors")
    assert out is ax and len(ax.lines) == 1
    x, y = ax.lines[0].get_data()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [5, 3, 0])
    assert ax.get_legend() is not None


@pytest.mark.parametrize("values, kwargs, match", [
    ([], {}, "non-empty"),
    ([[1, 2], [3, 4]], {}, "1-D"),
    ([3, 1, 0], {"logy": True}, "positive"),
])
def test_training_curve_rejects_bad_input(values, kwargs, match):
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match=match):
        plot_training_curve(ax, values, **kwargs)


def test_weight_image_shows_the_weights_on_a_symmetric_scale():
    w = np.arange(64.0) - 20.0
    _, ax = plt.subplots()
    plot_weight_image(ax, w)
    im = ax.images[-1]
    np.testing.assert_array_equal(im.get_array(), w.reshape(8, 8))
    assert im.get_clim() == (-43.0, 43.0)


def test_weight_image_rejects_the_wrong_number_of_weights():
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="needs 64 weights"):
        plot_weight_image(ax, np.zeros(63))


# --- show_source -------------------------------------------------------------------------------

def test_show_source_returns_the_real_source_of_a_function():
    shown = show_source(core_perceptron.perceptron_epoch)
    assert isinstance(shown, SourceCode)
    assert str(shown) == inspect.getsource(core_perceptron.perceptron_epoch)
    assert shown.path == "dlcourse/core/perceptron.py"
    assert shown.first_line == inspect.getsourcelines(core_perceptron.perceptron_epoch)[1]
    page = shown._repr_html_()
    assert "perceptron_epoch" in page and "dlcourse/core/perceptron.py" in page


def test_show_source_unwraps_a_numba_kernel_to_its_python_loop():
    shown = show_source(kernel_perceptron.perceptron_epoch)
    assert shown.path == "dlcourse/kernels/perceptron.py"
    assert "for j in range(n_features):" in str(shown)


def test_show_source_can_leave_out_the_docstring_and_pick_lines():
    full = inspect.getsource(core_perceptron.net_input).splitlines()
    bare = str(show_source(core_perceptron.net_input, docstring=False))
    assert '"""' not in bare
    assert bare.splitlines() == [full[0], full[-1]]
    first_two = str(show_source(core_perceptron.net_input, lines=(1, 2)))
    assert first_two.splitlines() == full[:2]


def test_show_source_rejects_bad_lines_and_objects_without_source():
    with pytest.raises(ValueError, match="outside the source"):
        show_source(core_perceptron.net_input, lines=(3, 500))
    with pytest.raises(TypeError, match="no Python source"):
        show_source(len)


def test_show_side_by_side_puts_every_listing_in_one_flex_row():
    left = show_source(core_perceptron.net_input)
    right = show_source(kernel_perceptron.perceptron_epoch)
    page = show_side_by_side(left, right)._repr_html_()
    assert page.count('class="dlc-source"') == 2 and "display: flex" in page
    with pytest.raises(ValueError, match="show_source"):
        show_side_by_side(left, "not a listing")
