"""Loss landscapes: the squared-error bowl over (slope, intercept), its contours, and the paths
that gradient descent takes across them.

Book: 03_gradient_descent, eqs. (LR1) cost and (GD1) update; sections "The regression bowl",
"The learning rate" and "Landscapes".

The cost of a straight line y = w x + b is a function of two numbers, so it can be drawn: as a
surface over the (w, b) plane, or as contour lines. Its values span many orders of magnitude
between the rim and the bottom, so contours are spaced logarithmically; evenly spaced levels
would all crowd the rim and leave the minimum blank.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_array, check_X_t, check_scalar

__all__ = ["descent_path", "log_levels", "mse_surface", "optimizer_path", "plot_loss_contours",
           "plot_loss_surface", "plot_trajectory", "trajectory_animation"]


def mse_surface(X, t, slopes, intercepts):
    """The cost (LR1) E(w, b) = (1/2n) sum_n (w x_n + b - t_n)^2 on a grid of lines.

    Parameters
    ----------
    X : array_like of shape (n_samples, 1) or (n_samples,)
        One input feature.
    t : array_like of shape (n_samples,)
    slopes : array_like of shape (n_slopes,)
        The values of w (the horizontal axis of the plots).
    intercepts : array_like of shape (n_intercepts,)
        The values of b (the vertical axis).

    Returns
    -------
    E : ndarray of shape (n_intercepts, n_slopes)
        ``E[i, j]`` is the cost of the line with slope ``slopes[j]`` and intercept
        ``intercepts[i]``: the layout ``contour(slopes, intercepts, E)`` expects.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 2 and X.shape[1] != 1:
        raise ValueError(f"X must hold one feature, got shape {X.shape}; a surface over "
                         "(slope, intercept) exists only for a single input")
    X, t = check_X_t(X.reshape(-1, 1), t)
    w = check_array(slopes, "slopes", ndim=1)
    b = check_array(intercepts, "intercepts", ndim=1)
    x = X[:, 0]
    # The cost is a quadratic in (w, b): expand it with the data's moments instead of building
    # an (n_intercepts, n_slopes, n_samples) array of residuals.
    sxx, sx, sxt, st, stt = (np.mean(x * x), np.mean(x), np.mean(x * t), np.mean(t),
                             np.mean(t * t))
    W, B = np.meshgrid(w, b)
    return 0.5 * (W * W * sxx + 2 * W * B * sx + B * B - 2 * W * sxt - 2 * B * st + stt)


def log_levels(E, n_levels=15, floor=None):
    """Contour levels spaced evenly in log(E), from just above the lowest value to the highest.

    Parameters
    ----------
    E : array_like
        The values to be contoured (all finite; the lowest may be 0).
    n_levels : int >= 2
    floor : float > 0, optional
        Lowest level; by default a little above the smallest value of ``E``, or 1e-3 of the
        highest when the smallest is 0.

    Returns
    -------
    levels : ndarray of shape (n_levels,)
        Increasing and positive.
    """
    E = check_array(E, "E")
    n_levels = check_scalar(n_levels, "n_levels", kind=numbers.Integral, low=2)
    top = float(E.max())
    if top <= 0:
        raise ValueError("E has no positive value; log-spaced levels need a positive cost")
    if floor is None:
        low = float(E.min())
        floor = 1.05 * low if low > 0 else 1e-3 * top
    floor = check_scalar(floor, "floor", low=0, include_low=False)
    if floor >= top:
        raise ValueError(f"floor {floor:.3g} must be below the highest value {top:.3g}")
    return np.geomspace(floor, top, n_levels)


def plot_loss_surface(ax, slopes, intercepts, E, *, cmap="viridis", log=False, minimum=None):
    """Draw the cost as a 3-D surface over (slope, intercept).

    Parameters
    ----------
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D
        Made with ``fig.add_subplot(projection="3d")``.
    slopes : array_like of shape (n_slopes,)
    intercepts : array_like of shape (n_intercepts,)
    E : array_like of shape (n_intercepts, n_slopes)
        From :func:`mse_surface`.
    cmap : str
    log : bool, default False
        Plot log10(E) (all values must then be positive).
    minimum : (float, float), optional
        (w, b) of the minimum, marked with a red dot on the floor of the box.

    Returns
    -------
    ax
    """
    w, b, E = _check_grid(slopes, intercepts, E)
    if not hasattr(ax, "plot_surface"):
        raise ValueError("ax must be a 3-D axes: fig.add_subplot(projection='3d')")
    Z = _maybe_log(E, log)
    W, B = np.meshgrid(w, b)
    ax.plot_surface(W, B, Z, cmap=cmap, linewidth=0, antialiased=True, alpha=0.9)
    ax.set_xlabel("slope $w$")
    ax.set_ylabel("intercept $b$")
    ax.set_zlabel(r"$\log_{10} E$" if log else "$E$")
    if minimum is not None:
        ax.scatter([minimum[0]], [minimum[1]], [Z.min()], color="red", s=30, depthshade=False)
    return ax


def plot_loss_contours(ax, slopes, intercepts, E, *, n_levels=15, filled=True, minimum=None,
                       cmap="viridis"):
    """Draw log-spaced contour lines of the cost over (slope, intercept).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    slopes : array_like of shape (n_slopes,)
    intercepts : array_like of shape (n_intercepts,)
    E : array_like of shape (n_intercepts, n_slopes)
    n_levels : int
        Number of levels, spaced evenly in log(E) by :func:`log_levels`.
    filled : bool, default True
        Shade between the lines as well.
    minimum : (float, float), optional
        (w, b) of the minimum, marked with a star.
    cmap : str

    Returns
    -------
    matplotlib.axes.Axes
    """
    w, b, E = _check_grid(slopes, intercepts, E)
    levels = log_levels(E, n_levels)
    if filled:
        from matplotlib.colors import LogNorm
        ax.contourf(w, b, np.maximum(E, levels[0]), levels=np.r_[levels[0] * 0.5, levels],
                    cmap=cmap, norm=LogNorm(), alpha=0.35)
    ax.contour(w, b, E, levels=levels, colors="0.3", linewidths=0.7)
    if minimum is not None:
        ax.plot(*minimum, marker="*", color="red", ms=12, ls="none", label="minimum")
    ax.set_xlabel("slope $w$")
    ax.set_ylabel("intercept $b$")
    return ax


def descent_path(grad, start, eta, n_steps, *, max_norm=1e6):
    """Follow (GD1) theta <- theta - eta * grad(theta) and record every point.

    Parameters
    ----------
    grad : callable
        ``grad(theta) -> ndarray`` of the same shape as ``theta``: the gradient of the cost.
    start : array_like of shape (n_params,)
    eta : float > 0
        The learning rate.
    n_steps : int >= 0
    max_norm : float
        Stop early once |theta| exceeds this (a diverging run), so the path stays finite.

    Returns
    -------
    path : ndarray of shape (n_points, n_params)
        ``path[0]`` is ``start``; ``n_points`` is ``n_steps + 1`` unless the run diverged.
    """
    theta = check_array(start, "start", ndim=1).copy()
    eta = check_scalar(eta, "eta", low=0, include_low=False)
    n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=0)
    if not callable(grad):
        raise TypeError("grad must be a function theta -> gradient of the cost at theta")
    path = [theta.copy()]
    for _ in range(n_steps):
        g = np.asarray(grad(theta), dtype=float)
        if g.shape != theta.shape:
            raise ValueError(f"grad returned shape {g.shape} for parameters of shape "
                             f"{theta.shape}; return one partial derivative per parameter")
        theta = theta - eta * g
        if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > max_norm:
            break
        path.append(theta.copy())
    return np.array(path)


def optimizer_path(optimizer, grad, start, n_steps, *, max_norm=1e6):
    """Follow any optimizer of :mod:`dlcourse.optim` on a function of a few parameters.

    Book: 05_optimizers, section "Why plain gradient descent is slow".

    Parameters
    ----------
    optimizer : object with ``step(params, grads)``
        For example ``dlcourse.optim.Adam(0.1)``; it is used as it is (pass a new one per
        path: it keeps its state).
    grad : callable
        ``grad(theta) -> ndarray`` of the shape of ``theta``.
    start : array_like of shape (n_params,)
    n_steps : int >= 0
    max_norm : float
        Stop early once |theta| exceeds this (a diverging run), so the path stays finite.

    Returns
    -------
    path : ndarray of shape (n_points, n_params)
        ``path[0]`` is ``start``; ``n_points`` is ``n_steps + 1`` unless the run diverged.
    """
    if not hasattr(optimizer, "step"):
        raise TypeError(f"optimizer must have a step(params, grads) method, got "
                        f"{type(optimizer).__name__}; pass e.g. dlcourse.optim.Momentum(0.01)")
    theta = check_array(start, "start", ndim=1).astype(float)
    n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=0)
    params = {"theta": theta}
    path = [theta.copy()]
    for _ in range(n_steps):
        g = np.asarray(grad(theta), dtype=float)
        if g.shape != theta.shape:
            raise ValueError(f"grad returned shape {g.shape} for parameters of shape "
                             f"{theta.shape}; return one partial derivative per parameter")
        optimizer.step(params, {"theta": g})
        if not np.all(np.isfinite(theta)) or np.linalg.norm(theta) > max_norm:
            break
        path.append(theta.copy())
    return np.array(path)


def plot_trajectory(ax, path, *, label=None, color="C3", marker="o", ms=3, **line_kw):
    """Draw an optimiser's path across a contour plot: its points joined in order.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    path : array_like of shape (n_points, 2)
        For example from :func:`descent_path`; columns are (w, b).
    label : str, optional
        Legend entry (a legend is drawn when given).

    Returns
    -------
    matplotlib.axes.Axes
    """
    path = _check_path(path)
    ax.plot(path[:, 0], path[:, 1], color=color, marker=marker, ms=ms, lw=1.2, label=label,
            **line_kw)
    ax.plot(*path[0], marker="s", color=color, ms=6, ls="none")
    if label is not None:
        ax.legend(fontsize=8, frameon=False)
    return ax


def trajectory_animation(slopes, intercepts, E, path, *, minimum=None, interval_ms=150,
                         dpi=72, figsize=(4.5, 3.6), title="gradient descent"):
    """An animation of a path across the contours that plays in the static page.

    Parameters
    ----------
    slopes, intercepts, E :
        The grid, as for :func:`plot_loss_contours`.
    path : array_like of shape (n_points, 2)
    minimum : (float, float), optional
    interval_ms : int
        Milliseconds per frame.
    dpi : int
    figsize : (float, float)
    title : str

    Returns
    -------
    IPython.display.HTML
        A JavaScript player (:func:`dlcourse.viz.animation_html`), one frame per point.
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from .interactive import animation_html

    path = _check_path(path)
    interval_ms = check_scalar(interval_ms, "interval_ms", kind=numbers.Integral, low=1)
    fig, ax = plt.subplots(figsize=figsize)
    plot_loss_contours(ax, slopes, intercepts, E, minimum=minimum)
    (line,) = ax.plot([], [], color="C3", marker="o", ms=3, lw=1.2)
    caption = ax.set_title(title)

    def draw(k):
        line.set_data(path[:k + 1, 0], path[:k + 1, 1])
        caption.set_text(f"{title}: step {k}")
        return line, caption

    anim = FuncAnimation(fig, draw, frames=len(path), interval=interval_ms, blit=False)
    return animation_html(anim, dpi=dpi)


def _check_grid(slopes, intercepts, E):
    w = check_array(slopes, "slopes", ndim=1)
    b = check_array(intercepts, "intercepts", ndim=1)
    E = check_array(E, "E", ndim=2)
    if E.shape != (b.size, w.size):
        raise ValueError(f"E has shape {E.shape} but the grid needs (len(intercepts), "
                         f"len(slopes)) = {(b.size, w.size)}; compute it with mse_surface")
    return w, b, E


def _maybe_log(E, log):
    if not log:
        return E
    if np.any(E <= 0):
        raise ValueError("log=True needs a positive cost everywhere; use log=False")
    return np.log10(E)


def _check_path(path):
    path = check_array(path, "path", ndim=2)
    if path.shape[1] != 2:
        raise ValueError(f"path must have two columns (w, b), got shape {path.shape}")
    return path
