"""Input and hyper-parameter checks whose messages say what went wrong and what to do.

Models and public functions call these at their boundary, so a bad argument fails at once with
a sentence a learner can act on, never later as a shape error deep in NumPy or a silent NaN.
"""

import numbers

import numpy as np

__all__ = [
    "as_float",
    "check_array",
    "check_X_t",
    "check_scalar",
    "check_option",
    "check_same_features",
    "check_fitted_X",
    "check_interval",
    "check_params_grads",
]


def as_float(x):
    """``x`` as a floating array: float32 and float64 stay as they are, anything else becomes
    float64. The math functions use it so that a float32 model computes in float32."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def check_array(x, name="X", *, ndim=None, dtype=np.float64, allow_empty=False, finite=True):
    """Return ``x`` as a NumPy array of ``dtype``, checking its dimension and values.

    Parameters
    ----------
    x : array_like
        The input.
    name : str
        The argument's name, used in messages.
    ndim : int or tuple of int, optional
        Allowed numbers of dimensions.
    dtype : numpy dtype or None
        Floating dtype to convert to (float64 by default; ``None`` keeps a floating input's
        dtype and turns anything else into float64).
    allow_empty : bool
        Whether an array with no elements is acceptable.
    finite : bool
        Reject NaN and infinity.

    Returns
    -------
    ndarray
    """
    if hasattr(x, "dtype") and x.dtype == object or isinstance(x, str):
        raise TypeError(f"{name} must be numeric, got {type(x).__name__}; pass numbers in a NumPy array")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be turned into an array ({exc}); "
                         "pass a rectangular list or a NumPy array") from None
    if arr.dtype == object:
        raise ValueError(f"{name} is ragged or holds non-numbers; pass a rectangular numeric array")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}; convert it with .astype(float)")
    if dtype is None:
        dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
    arr = arr.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            hint = ""
            if 2 in allowed and arr.ndim == 1:
                hint = "; for a single sample use X.reshape(1, -1), for a single feature X.reshape(-1, 1)"
            want = " or ".join(str(k) for k in allowed)
            raise ValueError(f"{name} must be {want}-dimensional, got shape {arr.shape}{hint}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least one sample")
    if finite and arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity; remove or impute those entries first")
    return arr


def check_X_t(X, t, *, dtype=np.float64):
    """Check a design matrix and its targets together.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    t : array_like of shape (n_samples,)

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    t : ndarray of shape (n_samples,)
    """
    X = check_array(X, "X", ndim=2, dtype=dtype)
    t = np.asarray(t)
    if t.ndim == 2 and t.shape[1] == 1:
        t = t.ravel()
    if t.ndim != 1:
        raise ValueError(f"t must be 1-dimensional with one target per sample, got shape {t.shape}")
    if t.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} samples but t has {t.shape[0]} targets; pass one target per row of X"
        )
    if t.dtype.kind == "f" and not np.all(np.isfinite(t)):
        raise ValueError("t contains NaN or infinity; every sample needs a valid target")
    return X, t


def check_scalar(value, name, *, kind=numbers.Real, low=None, high=None,
                 include_low=True, include_high=True):
    """Check a hyper-parameter is a number of the right kind in the right range.

    Returns the value as ``float`` (or ``int`` for ``kind=numbers.Integral``).
    """
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if kind is numbers.Integral else "a number"
        raise TypeError(f"{name} must be {what}, got {value!r}")
    if kind is numbers.Real and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (value == low and not include_low)):
        op = ">=" if include_low else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}")
    if high is not None and (value > high or (value == high and not include_high)):
        op = "<=" if include_high else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}")
    return int(value) if kind is numbers.Integral else float(value)


def check_option(value, name, options):
    """Check ``value`` is one of ``options`` and say which ones exist if it is not."""
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name}={value!r} is not supported; choose one of {listed}")
    return value


def check_same_features(X, n_features_in, model_name="the model"):
    """Check a new ``X`` has the columns a fitted model was trained on."""
    if X.shape[1] != n_features_in:
        raise ValueError(
            f"X has {X.shape[1]} features but {model_name} was fitted with {n_features_in}; "
            "pass the same columns you fitted on"
        )


def check_fitted_X(model, X, attribute, dtype=np.float64):
    """For ``predict``-like methods: the model must be fitted, X must have its columns.

    Parameters
    ----------
    model : estimator
    X : array_like of shape (n_samples, n_features)
    attribute : str
        An attribute that exists only after ``fit`` (e.g. ``"W_"``).
    dtype : numpy dtype
        The floating dtype the model computes in.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    """
    name = type(model).__name__
    if not hasattr(model, attribute):
        raise AttributeError(f"this {name} is not fitted yet; call fit(X, t) first")
    X = check_array(X, "X", ndim=2, dtype=dtype, allow_empty=model.n_features_in_ == 0)
    check_same_features(X, model.n_features_in_, f"this {name}")
    return X


def check_interval(value, name):
    """Check ``value`` is a pair (low, high) of finite numbers with low < high.

    Returns
    -------
    (float, float)
    """
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of numbers; got {value!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must satisfy low < high with finite values; got {value!r}")
    return low, high


def check_params_grads(params, grads):
    """Check a parameter dict and a gradient dict go together: same keys, same shapes.

    Parameters
    ----------
    params : dict of str -> ndarray
    grads : dict of str -> ndarray
    """
    if not isinstance(params, dict) or not isinstance(grads, dict):
        raise TypeError("params and grads must be dicts mapping a parameter's name to its "
                        f"array; got {type(params).__name__} and {type(grads).__name__}")
    differ = set(params) ^ set(grads)
    if differ:
        raise KeyError(f"params and grads must have the same keys; differ in {sorted(differ)}: "
                       "pass one gradient per parameter, under the parameter's name")
    for name, p in params.items():
        if np.shape(grads[name]) != np.shape(p):
            raise ValueError(f"gradient for {name!r} has shape {np.shape(grads[name])}, the "
                             f"parameter {np.shape(p)}; a gradient must have its parameter's shape")
