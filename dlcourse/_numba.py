"""The project's only ``import numba``: compile loop kernels, or run them as plain Python.

A loop kernel in :mod:`dlcourse.kernels` is an ordinary Python function written like the
book's pseudo-code and compiled here with :func:`njit`. The readable source and the fast path
are the same code: with Numba missing, or with ``NUMBA_DISABLE_JIT=1`` in the environment,
:func:`njit` returns the function unchanged and it runs as Python.

Compiled kernels are cached on disk (``cache=True``) in ``__pycache__`` beside the module, so a
new process loads them in a fraction of a second instead of compiling again. When the package
is installed read-only and HOME is not writable either, point Numba at a writable folder with
``NUMBA_CACHE_DIR=/some/writable/dir``; without one, caching is switched off with a warning.
"""

import os
import warnings

try:
    import numba as _numba
except ImportError:  # the package still works, only slower
    _numba = None

__all__ = ["njit", "prange", "HAVE_NUMBA", "jit_enabled", "resolve_backend", "BACKENDS",
           "dispatcher_type"]

HAVE_NUMBA = _numba is not None
BACKENDS = ("auto", "numpy", "numba")


def jit_enabled():
    """Whether kernels are really compiled (Numba installed and not disabled)."""
    return HAVE_NUMBA and os.environ.get("NUMBA_DISABLE_JIT", "0") in ("", "0")


def njit(fn=None, *, cache=True, parallel=False, error_model="python", fastmath=False):
    """Compile ``fn`` with Numba in nopython mode, or return it unchanged without Numba.

    Usable as ``njit(fn)`` or as a decorator ``@njit`` / ``@njit(parallel=True)``.
    ``error_model="numpy"`` makes a division by zero give inf or nan, as in NumPy, instead
    of raising ZeroDivisionError; without the check the compiler can vectorise loops that
    divide (5x faster on a row of 100 float64 divisions, measured here).
    ``fastmath`` passes LLVM's floating-point flags on (False, True or a set such as
    ``{"reassoc"}``); keep it to the one small function that needs it, and say why there.
    """
    if fn is None:
        return lambda f: njit(f, cache=cache, parallel=parallel, error_model=error_model,
                              fastmath=fastmath)
    if not HAVE_NUMBA:
        return fn
    options = dict(parallel=parallel, error_model=error_model, fastmath=fastmath)
    try:
        return _numba.njit(cache=cache, **options)(fn)
    except RuntimeError as exc:
        if not cache or "cannot cache" not in str(exc) and "locator" not in str(exc):
            raise
        warnings.warn(
            f"Numba cannot cache {fn.__name__} (no writable cache folder); it will compile in "
            "every new process. Set NUMBA_CACHE_DIR to a writable directory to fix this.",
            RuntimeWarning,
            stacklevel=2,
        )
        return _numba.njit(cache=False, **options)(fn)


prange = _numba.prange if HAVE_NUMBA else range


def resolve_backend(backend, *, numba_wins):
    """Turn ``backend="auto" | "numpy" | "numba"`` into the form to run.

    Parameters
    ----------
    backend : {"auto", "numpy", "numba"}
    numba_wins : bool
        Whether, for this call, the compiled loop form is the faster one (measured in
        ``benchmarks/``); used by ``"auto"``.

    Returns
    -------
    {"numpy", "numba"}
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is not supported; choose 'auto', 'numpy' or 'numba'")
    if backend == "numba" and not HAVE_NUMBA:
        raise ImportError("backend='numba' needs Numba: pip install numba, or use backend='numpy'")
    if backend == "auto":
        return "numba" if (HAVE_NUMBA and numba_wins) else "numpy"
    return backend


def dispatcher_type():
    """The class of compiled kernels (``numba.core.dispatcher.Dispatcher``), or None without
    Numba; the grader uses it to recognise kernels it must block."""
    if not HAVE_NUMBA:
        return None
    from numba.core.dispatcher import Dispatcher
    return Dispatcher
