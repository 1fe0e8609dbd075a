"""Gradient checking: compare a backward pass with centred finite differences.

Book: 04_backprop, section "Gradient checking" (first used in 01_perceptron).

The rules, each for a reason:

* **Centred differences** (f(x + h) - f(x - h)) / 2h have error O(h^2), against O(h) for the
  one-sided formula, so a correct gradient agrees to about 1e-9 instead of 1e-6.
* **Float64**, and h = 1e-5: the truncation error of the centred formula grows like h^2 and
  the rounding error like eps / h, so the best step is near eps^(1/3), about 6e-6 in float64.
  In float32 (eps ~ 1e-7) no step leaves enough digits to compare.
* **Relative error** |a - n| / max(|a| + |n|, tiny): absolute errors mean nothing without
  the gradient's scale.
* **Avoid kinks**: near a point where f is not differentiable (ReLU at 0) the two sides of
  the difference straddle the kink and disagree with any backward pass. Test points should
  stay further than h from kinks.
* **Check every parameter**, including biases and the parameters of the activation.
"""

from dataclasses import dataclass, field

import numpy as np

from .._rng import check_rng

__all__ = ["numerical_gradient", "relative_error", "gradcheck", "GradcheckResult"]


def numerical_gradient(f, x, h=1e-5):
    """Centred finite-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It may read ``x``, which is changed in place and restored.
    x : ndarray of float64, any shape
        The point; modified during the call and restored before returning.
    h : float
        Step.

    Returns
    -------
    grad : ndarray, same shape as ``x``
        (f(x + h e_i) - f(x - h e_i)) / 2h for each element i: two evaluations of f per element.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        raise TypeError("numerical_gradient needs a float64 ndarray x; finite differences "
                        "in lower precision have no digits left to compare")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)   # views: writing flat writes x
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(analytic, numeric, tiny=1e-8):
    """Largest elementwise relative error max |a - n| / max(|a| + |n|, tiny).

    ``tiny`` keeps entries where both gradients are (nearly) zero from dividing by zero; such
    entries then count by their absolute difference. Its size matches the noise of a centred
    difference in float64, about 1e-16 |L| / h = 1e-11 |L| for h = 1e-5.
    """
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"gradient shapes differ: analytic {a.shape}, numeric {n.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), tiny)))


@dataclass
class GradcheckResult:
    """Outcome of :func:`gradcheck`: one relative error per checked input."""

    errors: dict = field(default_factory=dict)
    rtol: float = 1e-6

    @property
    def passed(self):
        return all(e <= self.rtol for e in self.errors.values())

    def __bool__(self):
        return self.passed

    def __str__(self):
        rows = [f"  {name}: relative error {err:.2e} {'ok' if err <= self.rtol else 'WRONG'}"
                for name, err in self.errors.items()]
        verdict = "passed" if self.passed else "FAILED"
        return f"gradient check {verdict} (tolerance {self.rtol:.0e})\n" + "\n".join(rows)


def gradcheck(forward, backward, inputs, *, kwargs=None, names=None, wrt=None,
              h=1e-5, rtol=1e-6, rng=None):
    """Check a forward/backward pair against centred finite differences.

    The pair follows the convention of :mod:`dlcourse.core`: ``forward(*inputs, **kwargs)``
    returns ``(out, cache)`` and ``backward(dout, cache)`` returns the gradient for each
    positional input, in order (a single array when there is one input).

    A random upstream gradient ``dout`` turns the output into the scalar
    L = sum(out * dout), whose gradient with respect to each input is exactly what
    ``backward(dout, cache)`` must return.

    Parameters
    ----------
    forward, backward : callable
    inputs : sequence of ndarray
        Positional array inputs; converted to float64 copies.
    kwargs : dict, optional
        Non-differentiable keyword arguments for ``forward``.
    names : sequence of str, optional
        Names used in the report (default ``x0, x1, ...``).
    wrt : sequence of int, optional
        Indices of the inputs to check (default: all).
    h, rtol : float
        Finite-difference step and the largest acceptable relative error.
    rng : None, int or Generator
        For the random ``dout``.

    Returns
    -------
    GradcheckResult
        Truthy when every checked input passes; ``str()`` gives a readable report.
    """
    rng = check_rng(rng)
    kwargs = {} if kwargs is None else kwargs
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    names = list(names) if names is not None else [f"x{i}" for i in range(len(xs))]
    if len(names) != len(xs):
        raise ValueError(f"got {len(names)} names for {len(xs)} inputs")
    wrt = range(len(xs)) if wrt is None else wrt

    out, cache = forward(*xs, **kwargs)
    out = np.asarray(out, dtype=np.float64)
    dout = rng.standard_normal(out.shape)
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != len(xs):
        raise ValueError(f"backward returned {len(grads)} gradients for {len(xs)} inputs; "
                         "it must return one per positional input, in order")

    result = GradcheckResult(rtol=rtol)
    for i in wrt:
        def loss(_, i=i):
            o, _c = forward(*xs, **kwargs)
            return np.sum(np.asarray(o) * dout)

        numeric = numerical_gradient(loss, xs[i], h=h)
        analytic = np.asarray(grads[i], dtype=np.float64)
        if analytic.shape != xs[i].shape:
            raise ValueError(f"gradient for {names[i]} has shape {analytic.shape}, "
                             f"but {names[i]} has shape {xs[i].shape}")
        result.errors[names[i]] = relative_error(analytic, numeric)
    return result
