"""Checks for assignment test cells, with messages a learner can act on.

Book: how_to_use, "Assignments".

nbgrader counts a test cell as failed when it raises. Every check here raises
``AssertionError`` with a sentence that names the quantity, says what was expected, what was
found and where, and, when it can, what usually causes the difference. They never end in an
obscure NumPy traceback: a value that cannot even be turned into an array is reported as such.

The checks return ``None``. nbgrader reads a number that a test cell displays as its partial
credit, so a check on the last line of a test cell must not display a value.
"""

import contextlib
import warnings

import numpy as np

from ..testing import numerical_gradient, relative_error

__all__ = ["check_close", "check_directional_derivatives", "check_finite", "check_gradient",
           "check_shape", "check_type", "no_warnings"]


def _failure(message, hint=None):
    if hint:
        message = f"{message}\nHint: {hint}"
    return AssertionError(message)


def _fail(message, hint=None):
    __tracebackhide__ = True     # IPython and pytest leave this frame out of tracebacks
    raise _failure(message, hint) from None


def _as_array(value, name):
    """``value`` as a float array, or a clear failure when it is not numeric."""
    __tracebackhide__ = True
    if value is None:
        _fail(f"`{name}` is None; did the function forget to `return` it?")
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        pass
    _fail(f"`{name}` should be numeric (a number or a NumPy array), "
          f"got {type(value).__name__}: {_short(value)}")


def _short(value, width=60):
    text = repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _fmt(x):
    return f"{x:.6g}" if np.isfinite(x) else str(x)


def check_type(value, types, name):
    """Fail unless ``isinstance(value, types)``.

    Parameters
    ----------
    value : object
    types : type or tuple of types
    name : str
        How the learner knows the value (a variable or an expression).
    """
    __tracebackhide__ = True
    if not isinstance(value, types):
        wanted = types if isinstance(types, tuple) else (types,)
        listed = " or ".join(t.__name__ for t in wanted)
        _fail(f"`{name}` should be a {listed}, got {type(value).__name__}: {_short(value)}")


def check_shape(value, shape, name, hint=None):
    """Fail unless ``value`` (as an array) has ``shape``; ``None`` in ``shape`` matches any size.

    ``hint``, when given, is said after the shapes in place of the generic advice."""
    __tracebackhide__ = True
    _shaped(value, shape, name, hint)


def _shaped(value, shape, name, given_hint=None):
    __tracebackhide__ = True
    arr = _as_array(value, name)
    shape = tuple(shape)
    ok = arr.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, arr.shape))
    if not ok:
        wanted = "(" + ", ".join("any" if s is None else str(s) for s in shape) + \
                 ("," if len(shape) == 1 else "") + ")"
        hint = None
        if arr.ndim == len(shape) + 1 and 1 in arr.shape:
            hint = "an extra axis of length 1 often comes from X @ w with w of shape (d, 1); " \
                   "keep vectors one-dimensional, or use .ravel()"
        elif arr.ndim == 0 and len(shape) > 0:
            hint = "a single number came back; did a sum or mean run over every axis?"
        elif arr.ndim == len(shape) and arr.size and sorted(arr.shape) == sorted(
                s for s in shape if s is not None) and None not in shape:
            hint = "the axes look swapped; check for a missing or extra transpose (.T)"
        _fail(f"`{name}` should have shape {wanted} but has shape {arr.shape}", given_hint or hint)
    return arr


def check_finite(value, name, hint=None):
    """Fail if ``value`` holds NaN or infinity, saying where."""
    __tracebackhide__ = True
    arr = _as_array(value, name)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
        first = arr[where] if arr.ndim else arr
        count = int(np.sum(bad))
        place = f" at index {where}" if arr.ndim else ""
        _fail(f"`{name}` contains {count} non-finite value(s) (NaN or infinity); the first is "
              f"{first}{place}",
              hint or "an overflowing exp or a 0/0 usually causes this")


def check_close(actual, expected, name, rtol=1e-7, atol=1e-10, hint=None):
    """Fail unless ``actual`` equals ``expected`` within ``atol + rtol * |expected|``, elementwise.

    The message says how many entries differ, where the worst one is, what was found there,
    what was expected and by how much they differ.

    Parameters
    ----------
    actual : array_like
        The learner's value.
    expected : array_like
        The reference value; its shape is the required shape.
    name : str
    rtol, atol : float
        Relative and absolute tolerance, as in ``numpy.isclose``.
    hint : str, optional
        Printed under the message when the values differ.
    """
    __tracebackhide__ = True
    exp = np.asarray(expected, dtype=float)
    act = _shaped(actual, exp.shape, name)
    # NaN matches NaN and an infinity matches the same infinity; anything else must be close
    same_special = (np.isnan(act) & np.isnan(exp)) | (np.isinf(exp) & (act == exp))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(act - exp)
        allowed = atol + rtol * np.abs(exp)
        bad = ~same_special & ~(diff <= allowed)
    if not np.any(bad):
        return
    if act.ndim == 0:
        _fail(f"`{name}` is {_fmt(float(act))} but should be {_fmt(float(exp))} "
              f"(difference {_fmt(float(diff))}, allowed {allowed:.1e})", hint)
    # the worst entry: non-finite mismatches first, then the largest difference
    score = np.where(np.isfinite(diff), diff, np.inf)
    score = np.where(bad, score, -1.0)
    worst = np.unravel_index(int(np.argmax(score)), act.shape)
    where = tuple(int(i) for i in worst)
    n_bad, n = int(np.sum(bad)), act.size
    _fail(f"`{name}` differs from the expected value at {n_bad} of {n} entries; the largest "
          f"difference is at index {where}: got {_fmt(act[worst])}, expected {_fmt(exp[worst])} "
          f"(difference {_fmt(diff[worst])}, allowed {allowed[worst]:.1e})", hint)


def check_gradient(f, grad, x, name, h=1e-6, rtol=1e-5):
    """Fail unless ``grad`` matches the centred finite-difference gradient of ``f`` at ``x``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, a scalar function.
    grad : callable or array_like
        ``grad(x)`` returning the analytic gradient, or that gradient already evaluated at x.
    x : array_like
        The point (copied; not modified).
    name : str
        What the gradient is called, e.g. ``"sigmoid_prime(a)"``.
    h : float
        Finite-difference step.
    rtol : float
        Largest acceptable relative error (see :func:`dlcourse.testing.relative_error`).
    """
    __tracebackhide__ = True
    x = np.array(x, dtype=np.float64)
    analytic = grad(x.copy()) if callable(grad) else grad
    analytic = _shaped(analytic, x.shape, name)
    check_finite(analytic, name)
    numeric = numerical_gradient(lambda z: float(f(z)), x.copy(), h=h)
    err = relative_error(analytic, numeric)
    if not err <= rtol:
        rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-8)
        worst = np.unravel_index(int(np.argmax(rel)), rel.shape)
        where = tuple(int(i) for i in worst)
        _fail(f"`{name}` does not match the numerical derivative: at index {where} it gives "
              f"{_fmt(analytic[worst])} but finite differences give {_fmt(numeric[worst])} "
              f"(relative error {err:.1e}, allowed {rtol:.0e})",
              "differentiate the function you actually implemented, and check each factor "
              "of the chain rule")



def check_directional_derivatives(f, grad, x, name, rng, n_directions=3, h=1e-6, rtol=1e-5):
    """Fail unless ``grad`` predicts the change of ``f`` along random directions.

    For a direction ``d``, the derivative of ``f`` along ``d`` is ``sum(grad * d)``; the
    centred difference ``(f(x + h d) - f(x - h d)) / 2h`` measures it with two calls of ``f``
    instead of the ``2 x.size`` calls of a full finite-difference gradient. A wrong entry of
    ``grad`` changes the prediction for almost every random ``d``, so a few directions check
    the whole gradient; in a grading test, where every call of the learner's ``f`` crosses to
    the learner's kernel, this keeps a check of a large gradient within the cell's time.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, a scalar function.
    grad : array_like
        The analytic gradient at ``x``, of the shape of ``x``.
    x : array_like
        The point (copied; not modified).
    name : str
        What the gradient is called, e.g. ``'grads["W"]'``.
    rng : numpy.random.Generator
        Draws the directions (standard normal entries).
    n_directions : int
    h : float
        Finite-difference step along a direction of unit length.
    rtol : float
        Largest acceptable relative error between prediction and measurement.
    """
    __tracebackhide__ = True
    x = np.array(x, dtype=np.float64)
    analytic = _shaped(grad, x.shape, name)
    check_finite(analytic, name)
    for k in range(n_directions):
        d = rng.standard_normal(x.shape)
        d /= np.linalg.norm(d)
        predicted = float(np.sum(analytic * d))
        measured = (float(f(x + h * d)) - float(f(x - h * d))) / (2 * h)
        err = abs(predicted - measured) / max(abs(predicted) + abs(measured), 1e-8)
        if not err <= rtol:
            _fail(f"`{name}` does not match the numerical derivative: along a random direction "
                  f"it predicts a change of {_fmt(predicted)} per unit step, finite differences "
                  f"measure {_fmt(measured)} (relative error {err:.1e}, allowed {rtol:.0e})",
                  "differentiate the function you actually implemented, and check each factor "
                  "of the chain rule")

@contextlib.contextmanager
def no_warnings(name):
    """Fail if the block emits a warning or a floating-point overflow, division by zero or
    invalid operation (underflow to 0 is allowed: it is the right answer).

    ``np.errstate`` turns NumPy's overflow into an error even if the notebook silenced it with
    ``np.seterr``, so a hidden ``inf`` cannot slip through.
    """
    __tracebackhide__ = True
    error = None
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        warnings.simplefilter("always")
        try:
            yield
        except FloatingPointError as exc:
            error = str(exc)
    if error is not None:           # "from None": no chained FloatingPointError traceback
        raise _failure(f"`{name}` raised a floating-point error: {error}",
                       "np.exp(x) overflows once x > 709; rearrange so that exp only ever sees "
                       "arguments <= 0, e.g. with exp(-|a|)") from None
    if caught:
        first = caught[0]
        _fail(f"`{name}` emitted {len(caught)} warning(s), the first: "
              f"{first.category.__name__}: {first.message}",
              "a correct implementation runs silently; np.where evaluates both of its "
              "branches everywhere, so an overflow in the unused branch still warns")
