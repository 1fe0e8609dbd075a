"""One random number generator per call, never a global one.

Every public function that draws random numbers takes an ``rng`` argument and turns it into a
:class:`numpy.random.Generator` once, with :func:`check_rng`. Compiled kernels never draw:
they receive the noise (permutations, uniforms) they need as arrays, so that the NumPy and
Numba forms of an algorithm see the same numbers and give the same result for the same seed.
"""

import numbers

import numpy as np

__all__ = ["check_rng"]


def check_rng(rng=None):
    """Turn ``rng`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        ``None`` gives fresh, unpredictable entropy; an int seeds a new Generator (same seed,
        same numbers); a Generator is returned as it is, so the caller's stream advances.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        For anything else, including the legacy ``numpy.random.RandomState``.
    """
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer, got {rng}")
        return np.random.default_rng(int(rng))
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            "rng is a legacy numpy.random.RandomState; pass an int seed or "
            "numpy.random.default_rng(seed) instead"
        )
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )
