"""Two-parameter test surfaces on which optimizers are compared: an ill-conditioned quadratic
bowl, Rosenbrock's banana valley and Beale's function.

Book: 05_optimizers, section "Why plain gradient descent is slow".

Each surface is a :class:`Surface`: the function E(theta) of theta = (x, y), its gradient, the
minimum, and a window that shows the interesting part. ``E`` takes points of shape (..., 2), so
a whole grid is evaluated in one call for a contour plot.
"""

from typing import Callable, NamedTuple

import numpy as np

from .._validation import check_scalar

__all__ = ["Surface", "beale", "ill_conditioned_quadratic", "rosenbrock"]


class Surface(NamedTuple):
    """A test function of two parameters.

    Attributes
    ----------
    name : str
    E : callable
        ``E(theta)`` for theta of shape (..., 2); returns shape (...).
    grad : callable
        ``grad(theta)`` for theta of shape (2,); returns shape (2,).
    minimum : ndarray of shape (2,)
    xlim, ylim : (float, float)
        A window for plots.
    """

    name: str
    E: Callable
    grad: Callable
    minimum: np.ndarray
    xlim: tuple
    ylim: tuple


def ill_conditioned_quadratic(condition=25.0, angle=0.0):
    """E = (x'^2 + kappa y'^2) / 2 in axes rotated by ``angle`` radians: Hessian eigenvalues 1
    and kappa = ``condition``, minimum at the origin."""
    kappa = check_scalar(condition, "condition", low=1)
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([1.0, kappa]) @ R.T

    def E(theta):
        theta = np.asarray(theta, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", theta, H, theta)

    def grad(theta):
        return H @ np.asarray(theta, dtype=float)

    return Surface(f"quadratic, condition number {kappa:g}", E, grad, np.zeros(2),
                   (-3.0, 3.0), (-2.0, 2.0))


def rosenbrock(a=1.0, b=100.0):
    """E = (a - x)^2 + b (y - x^2)^2: a curved, flat-bottomed valley; minimum at (a, a^2)."""

    def E(theta):
        theta = np.asarray(theta, dtype=float)
        x, y = theta[..., 0], theta[..., 1]
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(theta):
        x, y = np.asarray(theta, dtype=float)
        return np.array([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)])

    return Surface("Rosenbrock", E, grad, np.array([a, a * a]), (-2.0, 2.0), (-1.0, 3.0))


def beale():
    """Beale's function, sum over c = (1.5, 2.25, 2.625) of (c_k - x + x y^k)^2, k = 1, 2, 3:
    flat plateaus and steep ridges; minimum 0 at (3, 0.5)."""
    c = np.array([1.5, 2.25, 2.625])
    k = np.arange(1, 4)

    def E(theta):
        theta = np.asarray(theta, dtype=float)
        x, y = theta[..., 0, None], theta[..., 1, None]
        return np.sum((c - x + x * y**k) ** 2, axis=-1)

    def grad(theta):
        x, y = np.asarray(theta, dtype=float)
        r = c - x + x * y**k
        return np.array([np.sum(2 * r * (y**k - 1)), np.sum(2 * r * x * k * y ** (k - 1))])

    return Surface("Beale", E, grad, np.array([3.0, 0.5]), (-4.5, 4.5), (-4.5, 4.5))
