"""A binary restricted Boltzmann machine trained by CD-k or persistent CD-k.

Book: 10_rbm.

The recipe is Hinton's "A Practical Guide to Training Restricted Boltzmann Machines" (2010):
weights from N(0, 0.01^2), visible biases log(p_i / (1 - p_i)) from the training data, hidden
biases 0, momentum 0.5 for the first 5 epochs and 0.9 after, L2 weight decay on the weights
only, mini-batches of about 10, an optional sparsity target for the hidden units, and two
numbers to watch: the reconstruction error and the gap between the free energies of training
and held-out data (a growing gap means overfitting).
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from threadpoolctl import threadpool_limits

from .._numba import resolve_backend
from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_array, check_option, check_same_features, check_scalar
from ..core.rbm import (cd_gradient, free_energy, hidden_probabilities, pcd_gradient,
                        sample_bernoulli, softplus, visible_probabilities)
from ..kernels.rbm import rbm_epoch
from ..testing.rbm_exact import MAX_ENUMERATED, log_likelihood

__all__ = ["BernoulliRBM", "GUIDE_MOMENTUM"]

# Up to this batch size the fused loops beat NumPy: at batch 10, 1 thread, 3.3-3.8x on the
# digits and 1.2-1.6x on 20,000 x 784; at batch 100 BLAS wins on 784 inputs (1.2-1.7x).
# Measured in benchmarks/bench_rbm.py.
NUMBA_MAX_BATCH = 32
#: momentum of the guide: 0.5 while the weights settle, then 0.9
GUIDE_MOMENTUM = ((0, 0.5), (5, 0.9))
SPARSITY_DECAY = 0.95          # the guide's 0.9-0.99 for the running mean of P(h | v)
MAX_UNIFORMS = 1 << 22         # uniforms drawn at once: bounds memory on large data sets


def _momentum_at(momentum, epoch):
    if momentum == "guide":
        return [m for start, m in GUIDE_MOMENTUM if epoch >= start][-1]
    return float(momentum(epoch)) if callable(momentum) else float(momentum)


class BernoulliRBM(TransformerMixin, BaseEstimator):
    """Restricted Boltzmann machine with binary visible and hidden units.

    Book: 10_rbm.

    Parameters
    ----------
    n_hidden : int, default=64
    method : {"cd", "pcd"}, default="cd"
        Contrastive divergence (chains start at the data) or persistent CD (``batch_size``
        chains kept from one update to the next, as hidden states).
    k : int, default=1
        Gibbs steps per update.
    eta : float, default=0.1
        Learning rate; updates are ``vel = momentum * vel + eta * grad``, ``W -= vel``.
    momentum : "guide", float or callable, default="guide"
        "guide": 0.5 for the first 5 epochs, then 0.9; a callable maps the epoch to a value.
    weight_decay : float, default=1e-4
        L2 cost on the weights (not the biases).
    batch_size : int, default=10
    max_epochs : int, default=20
    sparsity_target : float, default=0.1
        Wanted mean activation of each hidden unit.
    sparsity_cost : float, default=0.0
        Strength of the sparsity penalty (0 switches it off).
    sample_visible : bool, default=True
        Sample the visible states in the Gibbs chain; False uses their probabilities (the
        guide's lower-noise reconstruction; CD only). For grey-level data in [0, 1], such
        as the scaled digits, prefer False: sampled reconstructions of grey pixels leave
        many hidden units dead (after 15 epochs on the digits, 19 of 64 stay active).
    dtype : {numpy.float64, numpy.float32}
    rng : None, int or Generator
    backend : {"auto", "numpy", "numba"}
        The NumPy form or the fused loops (small batches); same states for the same ``rng``,
        weights equal to rounding.
    progress : bool, default=False
    monitor : bool, default=True
        Record the reconstruction error of every mini-batch. Free for CD (it is the first
        Gibbs step); for PCD it costs one more product P(v | h0) per mini-batch (a sixth to
        the five of training), so switch it off for speed.

    Attributes
    ----------
    W_ : ndarray of shape (n_features, n_hidden)
    a_ : ndarray of shape (n_features,)   visible biases
    b_ : ndarray of shape (n_hidden,)     hidden biases
    chains_ : ndarray of shape (batch_size, n_hidden), PCD only
        The persistent chains' hidden states.
    reconstruction_error_ : list of float
        Per epoch: mean over samples of ||v - P(v | h)||^2, h sampled from P(h | v), each
        mini-batch measured before its update (empty with ``monitor=False``).
    free_energy_gap_ : list of float
        Per epoch, when ``validation`` is given to fit: mean F(validation) minus mean F of
        as many training samples; it grows when the model overfits.
    n_iter_ : int
    backend_ : str
    """

    def __init__(self, n_hidden=64, method="cd", k=1, eta=0.1, momentum="guide",
                 weight_decay=1e-4, batch_size=10, max_epochs=20, sparsity_target=0.1,
                 sparsity_cost=0.0, sample_visible=True, dtype=np.float64, rng=None,
                 backend="auto", progress=False, monitor=True):
        self.n_hidden = n_hidden
        self.method = method
        self.k = k
        self.eta = eta
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.sample_visible = sample_visible
        self.dtype = dtype
        self.rng = rng
        self.backend = backend
        self.progress = progress
        self.monitor = monitor

    # ----------------------------------------------------------------------------- checks
    def _check_params(self):
        check_scalar(self.n_hidden, "n_hidden", kind=numbers.Integral, low=1)
        check_option(self.method, "method", ("cd", "pcd"))
        check_scalar(self.k, "k", kind=numbers.Integral, low=1)
        check_scalar(self.eta, "eta", low=0, include_low=False)
        if not (self.momentum == "guide" or callable(self.momentum)):
            check_scalar(self.momentum, "momentum", low=0, high=1, include_high=False)
        check_scalar(self.weight_decay, "weight_decay", low=0)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
        check_scalar(self.sparsity_target, "sparsity_target", low=0, high=1,
                     include_low=False, include_high=False)
        check_scalar(self.sparsity_cost, "sparsity_cost", low=0)
        if self.method == "pcd" and not self.sample_visible:
            raise ValueError("method='pcd' needs sample_visible=True: persistent chains must "
                             "hold binary states")
        if np.dtype(self.dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        self.backend_ = resolve_backend(self.backend,
                                        numba_wins=self.batch_size <= NUMBA_MAX_BATCH)

    def _check_X(self, X, fitted=True):
        dtype = self.W_.dtype if fitted else np.dtype(self.dtype)
        X = check_array(X, "X", ndim=2, dtype=dtype)
        if np.any(X < 0) or np.any(X > 1):
            raise ValueError("X must hold binary values or probabilities in [0, 1]; scale it, "
                             "e.g. X / X.max()")
        if fitted:
            check_same_features(X, self.n_features_in_, "this RBM")
        return np.ascontiguousarray(X)

    def _check_fitted(self):
        if not hasattr(self, "W_"):
            raise AttributeError(f"this {type(self).__name__} is not fitted yet; call fit(X) first")

    # ---------------------------------------------------------------------------- training
    def _start(self, X):
        """Initial parameters as in the guide, section 8."""
        self._rng = check_rng(self.rng)
        dtype = np.dtype(self.dtype)
        n, n_features = X.shape
        self.W_ = (0.01 * self._rng.standard_normal((n_features, self.n_hidden))).astype(dtype)
        p = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)    # a pixel never on would give -inf
        self.a_ = np.log(p / (1 - p)).astype(dtype)
        self.b_ = np.zeros(self.n_hidden, dtype)
        self._vel = (np.zeros_like(self.W_), np.zeros_like(self.a_), np.zeros_like(self.b_))
        self._q = hidden_probabilities(X[:self.batch_size], self.W_, self.b_).mean(axis=0)
        m = int(self.batch_size)
        rows = X[self._rng.integers(n, size=m)]
        v = sample_bernoulli(rows, self._rng.random(rows.shape, dtype=dtype))
        self.chains_ = sample_bernoulli(hidden_probabilities(v, self.W_, self.b_),
                                        self._rng.random((m, self.n_hidden), dtype=dtype))
        self.n_features_in_ = n_features
        self.n_iter_ = 0
        self.reconstruction_error_ = []
        self.free_energy_gap_ = []

    def _numpy_batch(self, v0, U_h, U_v, eta, momentum):
        """The NumPy form of one mini-batch update; returns its reconstruction error sum
        (0 with ``monitor=False``)."""
        W, a, b = self.W_, self.a_, self.b_
        rows = v0.shape[0]
        recon = 0.0
        if self.method == "pcd":
            (dW, da, db), h_k, ph0 = pcd_gradient(v0, self.chains_, W, a, b, U_h, U_v,
                                                  return_phases=True)
            if self.monitor:      # for watching only: P(v | h0), h0 sampled from P(h | v0)
                pv1 = visible_probabilities(sample_bernoulli(ph0, U_h[0, :rows]), W, a)
                recon = float(np.sum((v0 - pv1) ** 2))
        else:
            (dW, da, db), _, ph0, pv1 = cd_gradient(v0, W, a, b, U_h[:, :rows], U_v[:, :rows],
                                                    sample_visible=self.sample_visible,
                                                    return_phases=True)
            if self.monitor:
                recon = float(np.sum((v0 - pv1) ** 2))
        penalty = np.zeros_like(b)
        if self.sparsity_cost > 0:
            self._q[...] = SPARSITY_DECAY * self._q + (1 - SPARSITY_DECAY) * ph0.mean(axis=0)
            penalty = self.sparsity_cost * (self._q - self.sparsity_target)
        db = db + penalty
        if self.sparsity_cost > 0:
            dW += np.outer(v0.mean(axis=0), penalty)
        if self.weight_decay > 0:
            dW += self.weight_decay * W
        for param, vel, grad in zip((W, a, b), self._vel, (dW, da, db)):
            vel *= momentum                # vel = momentum vel + eta grad
            vel += eta * grad
            param -= vel
        if self.method == "pcd":
            self.chains_[...] = h_k
        return recon

    def _epoch(self, X):
        """One pass over X in a random order; returns the mean reconstruction error."""
        rng, dtype = self._rng, self.W_.dtype
        n, n_visible = X.shape
        m, k = int(self.batch_size), int(self.k)
        eta = dtype.type(self.eta)
        momentum = dtype.type(_momentum_at(self.momentum, self.n_iter_))
        order = rng.permutation(n)
        n_batches = -(-n // m)
        per_batch = k * m * (n_visible + self.n_hidden)
        chunk = max(1, MAX_UNIFORMS // per_batch)
        total = 0.0
        for first in range(0, n_batches, chunk):
            count = min(chunk, n_batches - first)
            U_h = rng.random((count, k, m, self.n_hidden), dtype=dtype)
            U_v = rng.random((count, k, m, n_visible), dtype=dtype)
            part = order[first * m:(first + count) * m]
            if self.backend_ == "numba":
                # its matrix products have 10-20 rows: split over 2 threads, an epoch took
                # 1.94 s instead of 1.69 s (784 x 256, batch 10)
                with threadpool_limits(1, user_api="blas"):
                    total += rbm_epoch(X, part.astype(np.int64), m, self.W_, self.a_, self.b_,
                                       *self._vel, self._q, self.chains_, U_h, U_v, eta,
                                       momentum, dtype.type(self.weight_decay),
                                       self.method == "pcd", bool(self.sample_visible),
                                       dtype.type(self.sparsity_target),
                                       dtype.type(self.sparsity_cost),
                                       dtype.type(SPARSITY_DECAY), bool(self.monitor))
            else:
                for t in range(count):
                    idx = part[t * m:(t + 1) * m]
                    total += self._numpy_batch(X[idx], U_h[t], U_v[t], eta, momentum)
        self.n_iter_ += 1
        return total / n

    def _run(self, X, epochs, validation):
        loop = range(epochs)
        if self.progress:
            loop = progress_line(loop, desc=type(self).__name__, metrics=lambda: (
                f"recon {self.reconstruction_error_[-1]:.4g}" if self.reconstruction_error_
                else ""))
        for _ in loop:
            recon = self._epoch(X)
            if self.monitor:
                self.reconstruction_error_.append(recon)
            if validation is not None:
                self.free_energy_gap_.append(self.free_energy_gap(X, validation))
        return self

    def _check_validation(self, validation, X):
        if validation is None:
            return None
        validation = self._check_X(validation, fitted=False)
        if validation.shape[1] != X.shape[1]:
            raise ValueError(f"validation has {validation.shape[1]} features but X has "
                             f"{X.shape[1]}; pass held-out rows of the same data")
        return validation

    def fit(self, X, t=None, validation=None):
        """Train on binary (or [0, 1]) rows of X; ``validation`` rows enable the gap monitor.

        Returns self.
        """
        self._check_params()
        X = self._check_X(X, fitted=False)
        validation = self._check_validation(validation, X)
        self._start(X)
        return self._run(X, int(self.max_epochs), validation)

    def partial_fit(self, X, t=None, validation=None):
        """One more epoch over X (the first call initialises the model). Returns self.

        With ``validation`` rows, the free-energy gap after the epoch is appended to
        ``free_energy_gap_``, as :meth:`fit` does.
        """
        if not hasattr(self, "W_"):
            self._check_params()
            X = self._check_X(X, fitted=False)
            validation = self._check_validation(validation, X)
            self._start(X)
        else:
            X = self._check_X(X)
            validation = self._check_validation(validation, X)
        return self._run(X, 1, validation)

    # --------------------------------------------------------------------------- inference
    def transform(self, X):
        """P(h = 1 | v) for each row, shape (n_samples, n_hidden).                 (RBM3)"""
        self._check_fitted()
        return hidden_probabilities(self._check_X(X), self.W_, self.b_)

    def free_energy(self, X):
        """F(v) for each row, shape (n_samples,).                                  (RBM2)"""
        self._check_fitted()
        return free_energy(self._check_X(X), self.W_, self.a_, self.b_)

    def free_energy_gap(self, X_train, X_validation):
        """Mean F(validation) - mean F(as many training rows); near 0 while not overfitting."""
        self._check_fitted()
        X_train, X_validation = self._check_X(X_train), self._check_X(X_validation)
        n = min(len(X_train), len(X_validation))
        return float(np.mean(free_energy(X_validation, self.W_, self.a_, self.b_))
                     - np.mean(free_energy(X_train[:n], self.W_, self.a_, self.b_)))

    def reconstruction_error(self, X):
        """Mean over rows of ||v - P(v | P(h | v))||^2 (deterministic, mean-field)."""
        self._check_fitted()
        X = self._check_X(X)
        ph = hidden_probabilities(X, self.W_, self.b_)
        return float(np.mean(np.sum((X - visible_probabilities(ph, self.W_, self.a_)) ** 2,
                                    axis=1)))

    def gibbs(self, v, rng=None):
        """One step of block Gibbs sampling v -> h -> v'; returns binary v' of v's shape."""
        self._check_fitted()
        v = self._check_X(v)
        rng = check_rng(rng)
        dtype = self.W_.dtype
        h = sample_bernoulli(hidden_probabilities(v, self.W_, self.b_),
                             rng.random((len(v), self.W_.shape[1]), dtype=dtype))
        pv = visible_probabilities(h, self.W_, self.a_)
        return sample_bernoulli(pv, rng.random(pv.shape, dtype=dtype))

    def sample(self, n_samples=1, n_steps=1000, v_init=None, rng=None):
        """Run ``n_samples`` Gibbs chains for ``n_steps`` steps; returns their binary states.

        Chains start at ``v_init`` (shape (n_samples, n_features)) or at random binary vectors.
        """
        self._check_fitted()
        rng = check_rng(rng)
        check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=1)
        if v_init is None:
            check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
            v = (rng.random((n_samples, self.n_features_in_)) < 0.5).astype(self.W_.dtype)
        else:
            v = self._check_X(v_init)
        for _ in range(n_steps):
            v = self.gibbs(v, rng)
        return v

    def score_samples(self, X):
        """log P(v) for each row: exact when the smaller layer has <= 20 units, else the
        pseudo-likelihood sum_i log P(v_i | v_-i). Shape (n_samples,)."""
        self._check_fitted()
        X = self._check_X(X)
        if min(self.W_.shape) <= MAX_ENUMERATED:
            return log_likelihood(X, self.W_, self.a_, self.b_)
        return self.pseudo_log_likelihood(X)

    def pseudo_log_likelihood(self, X):
        """sum_i log P(v_i | v_-i) = sum_i log sigmoid(F(v with bit i flipped) - F(v))."""
        self._check_fitted()
        V = np.asarray(self._check_X(X), dtype=np.float64)
        W, a, b = (np.asarray(p, dtype=np.float64) for p in (self.W_, self.a_, self.b_))
        x = V @ W + b
        base = softplus(x).sum(axis=1)
        total = np.zeros(len(V))
        for i in range(V.shape[1]):
            d = 1.0 - 2.0 * V[:, i]                     # +1 turns the bit on, -1 off
            # F(v') - F(v) = -a_i d - sum_j [softplus(x_j + d W_ij) - softplus(x_j)]
            gap = -a[i] * d - (softplus(x + d[:, None] * W[i]).sum(axis=1) - base)
            total -= softplus(-gap)                     # log sigmoid(gap), stable
        return total

    def score(self, X, t=None):
        """Mean of :meth:`score_samples` (the exact or pseudo log-likelihood)."""
        return float(np.mean(self.score_samples(X)))
