"""Sequence tasks for recurrent networks: the adding problem, the copy task, sine waves.

Book: 13_rnn and 14_lstm_gru (long-range tasks where the vanilla RNN fails).

Each returns inputs of shape (N, T, D) (batch-first, as :mod:`dlcourse.core.rnn`) and targets,
drawn from ``rng`` only.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["adding_problem", "copy_task", "sine_sequences"]


def adding_problem(n, T, rng=None):
    """The adding problem (Hochreiter and Schmidhuber, 1997).

    Each step carries two numbers: a value drawn uniformly from [0, 1], and a marker that is 1
    at exactly two steps, one in the first half of the sequence and one in the second, and 0
    elsewhere. The target is the sum of the two marked values. Predicting the mean sum, 1,
    gives a mean squared error of about 1/6, the baseline a model must beat; the dependency
    spans up to T steps.

    Returns
    -------
    X : ndarray of shape (n, T, 2)
    y : ndarray of shape (n,)
    """
    n = check_scalar(n, "n", kind=numbers.Integral, low=1)
    T = check_scalar(T, "T", kind=numbers.Integral, low=2)
    rng = check_rng(rng)
    X = np.zeros((n, T, 2))
    X[:, :, 0] = rng.random((n, T))
    half = T // 2
    first = rng.integers(0, half, n)
    second = rng.integers(half, T, n)
    rows = np.arange(n)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    return X, X[rows, first, 0] + X[rows, second, 0]


def copy_task(n, n_symbols=8, length=5, delay=10, rng=None):
    """The copy task: remember a short sequence of symbols over a delay, then repeat it.

    The input is ``length`` random symbols from 1..n_symbols, then ``delay`` blanks (0), then
    a "go" marker (n_symbols + 1) followed by ``length - 1`` more blanks; the target is blank
    everywhere except the last ``length`` steps, which repeat the symbols. A model that
    ignores the start scores about 1/n_symbols on the copied steps.

    Returns
    -------
    X : ndarray of int of shape (n, T)
        Symbols 0..n_symbols + 1, T = 2 length + delay; one-hot them, or use an embedding.
    Y : ndarray of int of shape (n, T)
    """
    n = check_scalar(n, "n", kind=numbers.Integral, low=1)
    n_symbols = check_scalar(n_symbols, "n_symbols", kind=numbers.Integral, low=2)
    length = check_scalar(length, "length", kind=numbers.Integral, low=1)
    delay = check_scalar(delay, "delay", kind=numbers.Integral, low=0)
    rng = check_rng(rng)
    T = 2 * length + delay
    X = np.zeros((n, T), dtype=np.int64)
    Y = np.zeros((n, T), dtype=np.int64)
    symbols = rng.integers(1, n_symbols + 1, (n, length))
    X[:, :length] = symbols
    X[:, length + delay] = n_symbols + 1
    Y[:, T - length:] = symbols
    return X, Y


def sine_sequences(n, T, rng=None, noise=0.0):
    """Sine waves with random frequency and phase; the target is the next value.

    Returns
    -------
    X : ndarray of shape (n, T, 1)
        sin(omega t + phi) at t = 0..T-1 (plus Gaussian noise of sd ``noise``).
    y : ndarray of shape (n, T, 1)
        The clean wave one step later.
    """
    n = check_scalar(n, "n", kind=numbers.Integral, low=1)
    T = check_scalar(T, "T", kind=numbers.Integral, low=1)
    rng = check_rng(rng)
    omega = rng.uniform(0.1, 0.5, (n, 1))
    phi = rng.uniform(0.0, 2 * np.pi, (n, 1))
    t = np.arange(T + 1)[None, :]
    wave = np.sin(omega * t + phi)
    X = wave[:, :-1] + noise * rng.standard_normal((n, T))
    return X[:, :, None], wave[:, 1:, None]
