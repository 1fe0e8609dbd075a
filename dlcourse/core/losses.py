"""Loss functions E and their gradients.

Book: 01_perceptron, section "The sigmoid unit" (binary cross-entropy);
02_logistic_regression (categorical cross-entropy); 03_gradient_descent (mean squared error);
04_backprop (the table of losses: square, log, hinge, log-softmax, max-margin, and the
multiclass hinge beside it).

Losses are averaged over the samples of a batch. A forward returns ``(E, cache)`` with E a
float; the backward takes ``dE`` (1.0 when E is the loss itself) and returns dE/da for the
net input ``a``. Working from ``a`` (the logit) rather than from y = sigmoid(a) is what makes
these losses stable: the logarithms are never taken of a probability rounded to 0 or 1.
"""

import numpy as np

from .._validation import as_float

from .activations import sigmoid, softmax

__all__ = [
    "softplus", "log_softmax",
    "binary_cross_entropy_forward", "binary_cross_entropy_backward",
    "categorical_cross_entropy_forward", "categorical_cross_entropy_backward",
    "mse_forward", "mse_backward",
    "hinge_forward", "hinge_backward",
    "multiclass_hinge_forward", "multiclass_hinge_backward",
    "max_margin_forward", "max_margin_backward",
    "log_softmax_loss_forward", "log_softmax_loss_backward",
]


def softplus(a):
    """log(1 + exp(a)) without overflow: max(a, 0) + log1p(exp(-|a|))."""
    a = as_float(a)
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def binary_cross_entropy_forward(a, t):
    """Mean cross-entropy of sigmoid units, from their net inputs.      (P3)

    E = -(1/n) sum_n [t_n ln y_n + (1 - t_n) ln(1 - y_n)] with y_n = sigmoid(a_n).
    Since -ln sigmoid(a) = softplus(-a) and -ln(1 - sigmoid(a)) = softplus(a), this is
    E = (1/n) sum_n [softplus(a_n) - t_n a_n], finite for every a.

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
        Net inputs (logits).
    t : ndarray of shape (n_samples,)
        Targets in [0, 1].

    Returns
    -------
    E : float
    cache : tuple
    """
    a = as_float(a)
    t = as_float(t)
    E = float(np.mean(softplus(a) - t * a))
    return E, (a, t)


def binary_cross_entropy_backward(dE, cache):
    """dE/da_n = (y_n - t_n) / n: the sigmoid's slope cancels against the logarithm.

    Returns
    -------
    da : ndarray of shape (n_samples,)
    """
    a, t = cache
    return dE * (sigmoid(a) - t) / a.shape[0]


def log_softmax(a):
    """log softmax(a) over the last axis, computed as a - logsumexp(a) without overflow.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    a = as_float(a)
    m = np.max(a, axis=-1, keepdims=True)
    return a - m - np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True))


def categorical_cross_entropy_forward(a, T):
    """Mean categorical cross-entropy of softmax outputs, from their net inputs.

    E = -(1/n) sum_n sum_k T_nk ln y_nk with y_n = softmax(a_n); the log-softmax keeps every
    term finite.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_classes)
        Net inputs (logits).
    T : ndarray of shape (n_samples, n_classes)
        Targets, one-hot rows (or any rows of probabilities).

    Returns
    -------
    E : float
    cache : tuple
    """
    a = as_float(a)
    T = as_float(T)
    if a.shape != T.shape:
        raise ValueError(f"logits have shape {a.shape} but targets {T.shape}; "
                         "one-hot encode the targets to (n_samples, n_classes)")
    E = float(-np.sum(T * log_softmax(a)) / a.shape[0])
    return E, (a, T)


def categorical_cross_entropy_backward(dE, cache):
    """dE/da = (softmax(a) - T) / n: as for the sigmoid, the exponential cancels the log.

    Returns
    -------
    da : ndarray of shape (n_samples, n_classes)
    """
    a, T = cache
    return dE * (softmax(a) - T) / a.shape[0]


def mse_forward(y, t):
    """Mean squared error E = (1/2n) sum_n |y_n - t_n|^2.

    The factor 1/2 cancels the 2 of the derivative, as in the book.

    Parameters
    ----------
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Predictions.
    t : ndarray, same shape as ``y``
        Targets.

    Returns
    -------
    E : float
    cache : tuple
    """
    y = as_float(y)
    t = as_float(t)
    if y.shape != t.shape:
        raise ValueError(f"predictions have shape {y.shape} but targets {t.shape}; "
                         "they must match element for element")
    r = y - t
    return float(0.5 * np.sum(r * r) / y.shape[0]), (r,)


def mse_backward(dE, cache):
    """dE/dy = (y - t) / n.

    Returns
    -------
    dy : ndarray, same shape as the predictions
    """
    (r,) = cache
    return dE * r / r.shape[0]


def hinge_forward(a, t):
    """Mean hinge loss E = (1/n) sum_n max(0, 1 - t_n a_n) for targets t in {-1, +1}.

    Zero once a sample is on the right side with margin 1: only the errors and the samples
    near the boundary contribute, as in a support vector machine.

    Parameters
    ----------
    a : ndarray of shape (n_samples,)
    t : ndarray of shape (n_samples,)
        Targets -1 or +1.

    Returns
    -------
    E : float
    cache : tuple
    """
    a = as_float(a)
    t = as_float(t)
    if not np.all(np.isin(t, (-1.0, 1.0))):
        raise ValueError("hinge targets must be -1 or +1; map 0/1 labels with t = 2 * t - 1")
    margin = 1.0 - t * a
    return float(np.mean(np.maximum(margin, 0.0))), (t, margin > 0)


def hinge_backward(dE, cache):
    """dE/da_n = -t_n / n where the margin is violated, 0 elsewhere.

    Returns
    -------
    da : ndarray of shape (n_samples,)
    """
    t, active = cache
    return dE * np.where(active, -t, 0.0) / t.shape[0]


def _class_index(a, T):
    a = as_float(a)
    if a.ndim != 2 or np.shape(T) != a.shape:
        raise ValueError(f"scores have shape {a.shape} but targets {np.shape(T)}; pass "
                         "(n_samples, n_classes) scores and one-hot targets of the same shape")
    return a, np.argmax(T, axis=1), np.arange(a.shape[0])


def multiclass_hinge_forward(a, T, margin=1.0):
    """Multiclass hinge loss (Weston and Watkins, 1999): a hinge for *every* wrong class,

    E = (1/n) sum_n sum_{j != c_n} max(0, a_nj + m - a_nc_n).

    Each wrong class j is penalised until its score is at least m below the correct one's.
    PyTorch's ``multi_margin_loss(a, c, margin=m)`` is this loss divided by the number of
    classes K. Compare :func:`max_margin_forward`, which keeps only the largest wrong score.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_classes)
        Scores (net inputs of a linear output layer).
    T : ndarray of shape (n_samples, n_classes)
        One-hot targets; c_n is the column of the 1.
    margin : float, default=1.0
        The margin m.

    Returns
    -------
    E : float
    cache : tuple
    """
    a, c, rows = _class_index(a, T)
    margins = a - a[rows, c][:, None] + margin
    margins[rows, c] = 0.0
    active = margins > 0
    return float(np.sum(margins[active]) / a.shape[0]), (active, c)


def multiclass_hinge_backward(dE, cache):
    """Each violated margin adds +1/n to its wrong class and -1/n to the correct class.

    Returns
    -------
    da : ndarray of shape (n_samples, n_classes)
    """
    active, c = cache
    da = active.astype(float)
    da[np.arange(da.shape[0]), c] = -active.sum(axis=1)
    return dE * da / da.shape[0]


def max_margin_forward(a, T, margin=1.0):
    """Max-margin loss (Crammer and Singer, 2001): a hinge on the *largest* wrong score only,

    E = (1/n) sum_n max(0, max_{k != c_n} (a_nk + m) - a_nc_n).

    The "MaxMargin" row of the book's table of losses. Only the strongest rival k* of the
    correct class is pushed down, so a sample with several close rivals costs no more than
    one with a single rival; :func:`multiclass_hinge_forward` charges for each of them.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_classes)
        Scores (net inputs of a linear output layer).
    T : ndarray of shape (n_samples, n_classes)
        One-hot targets; c_n is the column of the 1.
    margin : float, default=1.0
        The margin m.

    Returns
    -------
    E : float
    cache : tuple
    """
    a, c, rows = _class_index(a, T)
    rivals = a.copy()
    rivals[rows, c] = -np.inf
    k_star = np.argmax(rivals, axis=1)          # ties: the first, a valid subgradient
    E_n = a[rows, k_star] + margin - a[rows, c]
    active = E_n > 0
    return float(np.sum(E_n[active]) / a.shape[0]), (active, c, k_star, a.shape)


def max_margin_backward(dE, cache):
    """dE/da_ns = (delta_{s k*} - delta_{s c}) 1{E_n > 0} / n: +1/n to the strongest rival,
    -1/n to the correct class, for the samples whose margin is violated.

    Returns
    -------
    da : ndarray of shape (n_samples, n_classes)
    """
    active, c, k_star, shape = cache
    da = np.zeros(shape)
    rows = np.arange(shape[0])[active]
    da[rows, k_star[active]] = 1.0
    da[rows, c[active]] = -1.0
    return dE * da / shape[0]


#: The log-softmax loss -log softmax(a)_c of a linear output layer (the "LogSoftMax" row of
#: the book's table) is the categorical cross-entropy of a softmax output seen as one layer.
log_softmax_loss_forward = categorical_cross_entropy_forward
log_softmax_loss_backward = categorical_cross_entropy_backward
