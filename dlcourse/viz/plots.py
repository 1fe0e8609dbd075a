"""Static plots the book draws again and again: activations, decision boundaries, curves.

Book: 01_perceptron (every section); later chapters reuse them.

Every function draws with matplotlib and returns what it drew on (the Figure it made, or the
Axes it was given), so a page can add titles or further artists. Nothing here calls
``plt.show()`` or touches a random number generator. Colours follow the rest of the package:
class 0 as blue circles, class 1 as orange squares (Okabe-Ito colours, readable by
colour-blind readers, and the same as in :func:`dlcourse.viz.interactive.decision_boundary_explorer`).
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_interval

from ..core.activations import ACTIVATIONS

__all__ = ["CLASS_COLOURS", "plot_activations", "plot_decision_boundary",
           "plot_training_curve", "plot_weight_image"]

#: fill colours of class 0 and class 1
CLASS_COLOURS = ("#0072B2", "#E69F00")
_MARKERS = ("o", "s")
_RADIAL = ("gaussian", "ricker")          # functions of a distance r, not of a net input a




def _check_int(value, name, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value!r}")
    return int(value)


def _break_jumps(x, y):
    """Insert NaN where a curve jumps, so a step is not drawn as a steep line."""
    span = np.ptp(y)
    if span == 0:
        return x, y
    jumps = np.flatnonzero(np.abs(np.diff(y)) > 0.2 * span)
    if jumps.size == 0:
        return x, y
    return (np.insert(x, jumps + 1, np.nan), np.insert(y, jumps + 1, np.nan))


# --------------------------------------------------------------------------------------------
# activation functions
# --------------------------------------------------------------------------------------------

def plot_activations(names=None, *, a_range=(-4.0, 4.0), n_points=401, ncols=4,
                     derivative=True, panel_size=(2.5, 1.9)):
    """A grid of small panels, one per activation function, each with its derivative.

    Parameters
    ----------
    names : str or sequence of str, optional
        Keys of :data:`dlcourse.core.activations.ACTIVATIONS`; all of them by default.
    a_range : (float, float), default (-4, 4)
        The interval of net inputs a (or of distances r for the radial functions) plotted.
    n_points : int, default 401
        Points per curve.
    ncols : int, default 4
        Panels per row.
    derivative : bool, default True
        Also draw f'(a), dashed. Where f jumps (threshold, sign) the derivative is drawn as 0,
        its value everywhere except at the jump.
    panel_size : (float, float)
        Width and height of one panel in inches.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes`` holds one Axes per name, in order (unused grid cells are removed); each
        has a line for f (``gid="f"``), with ``derivative`` one for f' (``gid="f_prime"``),
        and two thin guide lines through the origin.
    """
    import matplotlib.pyplot as plt

    if names is None:
        names = list(ACTIVATIONS)
    elif isinstance(names, str):
        names = [names]
    else:
        names = list(names)
    if not names:
        raise ValueError("names is empty; pass at least one activation name")
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activation(s) {unknown}; choose from {list(ACTIVATIONS)}")
    low, high = check_interval(a_range, "a_range")
    n_points = _check_int(n_points, "n_points", 2)
    ncols = _check_int(ncols, "ncols", 1)
    ncols = min(ncols, len(names))
    nrows = -(-len(names) // ncols)

    fig, axes = plt.subplots(nrows, ncols, squeeze=False,
                             figsize=(panel_size[0] * ncols, panel_size[1] * nrows))
    a = np.linspace(low, high, n_points)
    for ax, name in zip(axes.flat, names):
        f, f_prime = ACTIVATIONS[name]
        ax.axhline(0.0, color="0.85", lw=0.8, zorder=0)
        ax.axvline(0.0, color="0.85", lw=0.8, zorder=0)
        ax.plot(*_break_jumps(a, f(a)), color="C0", lw=1.8, label="$f$", gid="f")
        if derivative:
            ax.plot(*_break_jumps(a, f_prime(a)), color="C3", lw=1.3, ls="--", label="$f'$",
                    gid="f_prime")
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_xlabel("$r$" if name in _RADIAL else "$a$", fontsize=9, labelpad=1)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(names):]:
        fig.delaxes(ax)
    if derivative:
        fig.axes[0].legend(fontsize=8, loc="upper left", frameon=False)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------------
# decision boundaries
# --------------------------------------------------------------------------------------------

def _check_points(X, t):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to be drawn in the plane; got shape "
                         f"{X.shape} (project or pick two features first)")
    if X.shape[0] == 0:
        raise ValueError("X has no points; pass at least one")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values; drop or fix those rows")
    t = np.asarray(t)
    if t.shape != (X.shape[0],):
        raise ValueError(f"t must have shape ({X.shape[0]},), one target per row of X; got "
                         f"shape {t.shape}")
    if not np.all(np.isin(t, (0, 1))):
        raise ValueError(f"t must contain only 0 and 1; got values {np.unique(t)[:5].tolist()}."
                         " For targets in {-1, +1} pass (t > 0).astype(int)")
    return X, t.astype(int)


def _box(X, xlim, ylim):
    low, high = X.min(axis=0), X.max(axis=0)
    margin = np.maximum(0.1 * (high - low), 0.5)
    x0, x1 = (low[0] - margin[0], high[0] + margin[0]) if xlim is None else check_interval(
        xlim, "xlim")
    y0, y1 = (low[1] - margin[1], high[1] + margin[1]) if ylim is None else check_interval(
        ylim, "ylim")
    return x0, x1, y0, y1


def _half_plane(w, b, box):
    """Corners of box ∩ {a > 0} and the two ends of the line a = 0 inside the box."""
    x0, x1, y0, y1 = box
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    inside, ends = [], []
    for i in range(4):
        p, q = np.array(corners[i]), np.array(corners[(i + 1) % 4])
        ap, aq = w @ p + b, w @ q + b
        if ap > 0:
            inside.append(p)
        if (ap > 0) != (aq > 0) and ap != aq:
            c = p + ap / (ap - aq) * (q - p)
            inside.append(c)
            ends.append(c)
    return inside, ends


def plot_decision_boundary(ax, X, t, w=None, b=0.0, *, predict=None, shade=True,
                           mark_errors=False, xlim=None, ylim=None, resolution=200,
                           legend=True, line_kw=None):
    """Points of two classes and the boundary a classifier draws between them in the plane.

    For a linear unit (``w``, ``b``) the boundary is the line ``w . x + b = 0`` and the shaded
    half-plane is where the unit fires (``a > 0``, output 1). For any other model pass
    ``predict``: it is evaluated on a grid and the region it assigns to class 1 is shaded.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    X : array_like of shape (n_samples, 2)
    t : array_like of shape (n_samples,)
        Targets in {0, 1}: class 0 is drawn as blue circles, class 1 as orange squares.
    w : array_like of shape (2,), optional
        Weights of a linear unit. Give either ``w`` (with ``b``) or ``predict``.
    b : float, default 0
        Its bias.
    predict : callable, optional
        ``predict(Z) -> labels`` for ``Z`` of shape (n, 2), labels of shape (n,) in {0, 1}.
    shade : bool, default True
        Shade the class-1 region.
    mark_errors : bool, default False
        Ring the points the classifier gets wrong in black.
    xlim, ylim : (float, float), optional
        Plotting box; by default the data's range plus a margin.
    resolution : int, default 200
        Grid points per side for ``predict``.
    legend : bool, default True
    line_kw : dict, optional
        Extra keyword arguments for the boundary line of a linear unit.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``. A linear unit adds one line (``ax.lines``, absent if ``w = 0``) and one shaded
        polygon (``ax.patches``); ``predict`` adds filled and line contours. Each class present
        adds one collection of points, ``mark_errors`` one more.
    """
    X, t = _check_points(X, t)
    if (w is None) == (predict is None):
        raise ValueError("pass either w (and b) for a linear unit or predict for any other "
                         "model, not both and not neither")
    box = _box(X, xlim, ylim)

    if w is not None:
        w = np.asarray(w, dtype=float)
        if w.shape != (2,) or not np.all(np.isfinite(w)):
            raise ValueError(f"w must be two finite weights (w1, w2); got {w!r}")
        if isinstance(b, bool) or not isinstance(b, numbers.Real) or not np.isfinite(b):
            raise ValueError(f"b must be a finite number; got {b!r}")
        inside, ends = _half_plane(w, float(b), box)
        if shade:
            if inside:
                xy = np.array(inside)
                ax.fill(xy[:, 0], xy[:, 1], color=CLASS_COLOURS[1], alpha=0.18, lw=0,
                        zorder=0)
            else:   # nothing fires: keep one (empty) patch so the figure's structure is fixed
                ax.fill([], [], color=CLASS_COLOURS[1], alpha=0.18, lw=0, zorder=0)
        if len(ends) >= 2:
            kw = {"color": "0.15", "lw": 2.0, "label": "$w \\cdot x + b = 0$"}
            kw.update(line_kw or {})
            ax.plot([ends[0][0], ends[-1][0]], [ends[0][1], ends[-1][1]], **kw)
        predicted = (X @ w + b > 0).astype(int)
    else:
        if not callable(predict):
            raise ValueError(f"predict must be a function Z -> labels; got {predict!r}")
        resolution = _check_int(resolution, "resolution", 2)
        g1, g2 = np.meshgrid(np.linspace(box[0], box[1], resolution),
                             np.linspace(box[2], box[3], resolution))
        Z = np.column_stack([g1.ravel(), g2.ravel()])
        labels = np.asarray(predict(Z), dtype=float)
        if labels.shape != (Z.shape[0],):
            raise ValueError(f"predict returned shape {labels.shape} for {Z.shape[0]} points; it "
                             "must return one label per row")
        grid = labels.reshape(g1.shape)
        if shade:
            if grid.max() > 0.5:
                ax.contourf(g1, g2, grid, levels=[0.5, 1.5], colors=[CLASS_COLOURS[1]],
                            alpha=0.18, zorder=0)
        if grid.min() < 0.5 < grid.max():
            ax.contour(g1, g2, grid, levels=[0.5], colors="0.15", linewidths=2.0)
        predicted = (np.asarray(predict(X), dtype=float) > 0.5).astype(int)

    for k in (0, 1):
        sel = t == k
        if np.any(sel):
            ax.scatter(X[sel, 0], X[sel, 1], c=CLASS_COLOURS[k], marker=_MARKERS[k], s=36,
                       edgecolors="white", linewidths=0.6, label=f"$t = {k}$", zorder=3)
    if mark_errors:
        wrong = predicted != t
        ax.scatter(X[wrong, 0], X[wrong, 1], s=110, facecolors="none", edgecolors="black",
                   linewidths=1.4, label="misclassified", zorder=4)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if legend:
        ax.legend(loc="best", fontsize=8, framealpha=0.85)
    return ax


# --------------------------------------------------------------------------------------------
# curves and weight images
# --------------------------------------------------------------------------------------------

def plot_training_curve(ax, values, *, label=None, xlabel="epoch", ylabel=None, start=1,
                        logy=False, **line_kw):
    """One value per epoch (errors, loss, weight norm...) against the epoch number.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    values : array_like of shape (n_epochs,)
        For example ``model.errors_`` or ``model.loss_curve_``.
    label : str, optional
        Legend entry (a legend is drawn when given).
    xlabel, ylabel : str
    start : int, default 1
        Number of the first epoch.
    logy : bool, default False
        Logarithmic y axis (all values must then be positive).
    **line_kw
        Passed to ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, with one more line.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence, one value per epoch; got "
                         f"shape {v.shape}")
    if logy and not np.all(v[np.isfinite(v)] > 0):
        raise ValueError("logy=True needs positive values; drop zeros (e.g. an epoch with no "
                         "errors) or use logy=False")
    epochs = start + np.arange(v.size)
    line_kw.setdefault("lw", 1.6)
    ax.plot(epochs, v, label=label, **line_kw)
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if label is not None:
        ax.legend(fontsize=8, frameon=False)
    return ax


def plot_weight_image(ax, w, shape=(8, 8), *, cmap="RdBu_r", colorbar=True, title=None):
    """Weights that act on image pixels, drawn as an image on a symmetric colour scale.

    Red pixels push the unit towards firing (w > 0), blue ones away from it; white is 0.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    w : array_like of shape (prod(shape),)
        One weight per pixel, in row-major order.
    shape : (int, int), default (8, 8)
        Image height and width.
    cmap : str, default "RdBu_r"
    colorbar : bool, default True
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``; the image is ``ax.images[-1]``.
    """
    w = np.asarray(w, dtype=float)
    try:
        h, wd = (int(s) for s in shape)
    except (TypeError, ValueError):
        raise ValueError(f"shape must be (height, width); got {shape!r}") from None
    if w.ndim != 1 or w.size != h * wd:
        raise ValueError(f"w has shape {w.shape} but shape {(h, wd)} needs {h * wd} weights in "
                         "a 1-D array; pass model.coef_ of a model fitted on these images")
    limit = float(np.max(np.abs(w))) or 1.0
    im = ax.imshow(w.reshape(h, wd), cmap=cmap, vmin=-limit, vmax=limit)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return ax
