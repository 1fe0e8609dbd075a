"""The general Boltzmann machine as an estimator: learning from waking and sleeping statistics.

Book: 09_boltzmann.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator

from .._numba import resolve_backend
from .._rng import check_rng
from .._validation import check_array, check_option, check_same_features, check_scalar
from ..core.boltzmann import (ahs1985_schedule, bm_gradient, boltzmann_schedule,
                              cauchy_schedule, geometric_schedule, net_input, noisy_clamp,
                              pair_statistics, sign_step, symmetrize)
from ..core.boltzmann import gibbs_anneal as gibbs_anneal_numpy
from ..core.boltzmann import gibbs_anneal_probes as gibbs_anneal_probes_numpy
from ..kernels.gibbs import gibbs_anneal as gibbs_anneal_numba
from ..kernels.gibbs import gibbs_anneal_probes as gibbs_anneal_probes_numba
from ..testing.enumeration import (exact_clamped_statistics, exact_free_statistics,
                                   log_likelihood)

__all__ = ["BoltzmannMachine"]

SCHEDULES = ("ahs1985", "geometric", "boltzmann", "cauchy")
UPDATES = ("gradient", "sign")
PROBES = ("sweep", "random")
#: the exact log-likelihood is tracked during fit up to this many units (2^16 states)
TRACK_MAX_UNITS = 16
#: exact statistics are allowed up to this many units
EXACT_MAX_UNITS = 20


def _check_binary(X, name="X"):
    X = check_array(X, name, ndim=2)
    if not np.all((X == 0.0) | (X == 1.0)):
        raise ValueError(f"{name} must hold only 0 and 1 (binary units); "
                         "for -1/+1 data pass (X + 1) / 2")
    return X


class BoltzmannMachine(BaseEstimator):
    """A Boltzmann machine with visible and hidden binary units and any connectivity.

    Book: 09_boltzmann, eqs. (B1)-(B6). Units are ordered visible first, then hidden.
    Each update is one step of gradient descent on the mean negative log-likelihood of the
    data, ``W -= eta * dW`` with dW from (B5), or the paper's fixed-size step against its
    sign (B6).

    Parameters
    ----------
    n_hidden : int, default=0
        Hidden units (0 gives a fully visible machine).
    connectivity : "full" or array_like of bool of shape (n_units, n_units), default="full"
        Which pairs of units are connected; a mask must be symmetric (its diagonal is ignored).
    statistics : {"exact", "sampled"}, default="exact"
        Waking and sleeping statistics by enumerating all states (small machines only), or
        by annealed Gibbs sampling as in the 1985 paper.
    schedule : {"ahs1985", "geometric", "boltzmann", "cauchy"} or array_like, default="ahs1985"
        Annealing temperatures, one per sweep, floored at 1 (the temperature of the model).
        "ahs1985" is the paper's schedule divided by 10 (``n_sweeps`` and ``T0`` are ignored).
    T0 : float, default=10.0
        Start temperature of the named schedules.
    n_sweeps : int, default=10
        Annealing sweeps of the named schedules.
    n_collect : int, default=10
        Sweeps at T = 1 whose states are averaged into the statistics.
    n_chains : int, default=5
        Sampled statistics: chains per data vector in the waking phase; the sleeping phase
        runs ``n_chains * n_samples`` free chains.
    probes : {"sweep", "random"}, default="sweep"
        Sampled statistics: each step of the schedule is a sweep over the units in index
        order, or, as in the 1985 paper, one *time unit* of ``n_units`` probes of units
        drawn at random (a probe of a clamped unit changes nothing).
    eta : float, default=0.5
        Learning rate (``update="gradient"``) or the fixed size of every step
        (``update="sign"``).
    update : {"gradient", "sign"}, default="gradient"
        "gradient": ``W -= eta * dW`` with dW from (B5). "sign": the 1985 paper's rule, a
        step of fixed size against the sign of the statistics difference,
        ``W -= eta * sign(dW)`` (B6); the paper's step of 2 at T = 10 is ``eta=0.2`` with
        the "ahs1985" schedule. Weight decay is added outside the sign in both cases.
    weight_decay : float, default=0.0
        Adds weight_decay * W to dW, pulling unused weights to zero (as in the paper).
    noisy_clamping : bool or (float, float), default=False
        Clamp visible units noisily: on -> off with probability p_on_off, off -> on with
        p_off_on; True means the paper's (0.15, 0.05). Stops weights growing without bound.
        With sampled statistics every clamped chain draws its own noise.
    max_iter : int, default=100
        Updates made by :meth:`fit`.
    init_scale : float, default=0.1
        Standard deviation of the initial weights; 0 starts every weight at zero, as the
        1985 paper did.
    rng : None, int or numpy.random.Generator
    backend : {"auto", "numpy", "numba"}, default="auto"
        Form of the Gibbs sampler; both give the same states for the same ``rng``.

    Attributes
    ----------
    W_ : ndarray of shape (n_units, n_units)
        Symmetric, zero diagonal, zero outside ``mask_``.
    b_ : ndarray of shape (n_units,)
    mask_ : ndarray of bool of shape (n_units, n_units)
    temperatures_ : ndarray
        Annealing temperatures followed by the ``n_collect`` sweeps at T = 1.
    n_features_in_ : int
        Visible units.
    n_iter_ : int
    loss_curve_ : list of float
        Exact mean negative log-likelihood after each update (machines of at most 16 units).
    backend_ : str
    """

    def __init__(self, n_hidden=0, connectivity="full", statistics="exact", schedule="ahs1985",
                 T0=10.0, n_sweeps=10, n_collect=10, n_chains=5, probes="sweep", eta=0.5,
                 update="gradient",
                 weight_decay=0.0, noisy_clamping=False, max_iter=100, init_scale=0.1,
                 rng=None, backend="auto"):
        self.n_hidden = n_hidden
        self.connectivity = connectivity
        self.statistics = statistics
        self.schedule = schedule
        self.T0 = T0
        self.n_sweeps = n_sweeps
        self.n_collect = n_collect
        self.n_chains = n_chains
        self.probes = probes
        self.eta = eta
        self.update = update
        self.weight_decay = weight_decay
        self.noisy_clamping = noisy_clamping
        self.max_iter = max_iter
        self.init_scale = init_scale
        self.rng = rng
        self.backend = backend

    # -- set-up ---------------------------------------------------------------------------
    def _validate_params(self):
        check_scalar(self.n_hidden, "n_hidden", kind=numbers.Integral, low=0)
        check_option(self.statistics, "statistics", ("exact", "sampled"))
        check_scalar(self.n_collect, "n_collect", kind=numbers.Integral, low=1)
        check_scalar(self.n_chains, "n_chains", kind=numbers.Integral, low=1)
        check_scalar(self.eta, "eta", low=0.0, include_low=False)
        check_option(self.update, "update", UPDATES)
        check_option(self.probes, "probes", PROBES)
        check_scalar(self.weight_decay, "weight_decay", low=0.0)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.init_scale, "init_scale", low=0.0)

    def _temperatures(self):
        if isinstance(self.schedule, str):
            check_option(self.schedule, "schedule", SCHEDULES)
            if self.schedule == "ahs1985":
                T = ahs1985_schedule()
            else:
                T0 = check_scalar(self.T0, "T0", low=0.0, include_low=False)
                n = check_scalar(self.n_sweeps, "n_sweeps", kind=numbers.Integral, low=1)
                T = {"geometric": geometric_schedule, "boltzmann": boltzmann_schedule,
                     "cauchy": cauchy_schedule}[self.schedule](T0, n)
        else:
            T = check_array(self.schedule, "schedule", ndim=1)
            if np.any(T <= 0):
                raise ValueError("schedule temperatures must all be > 0")
        return np.concatenate([np.maximum(T, 1.0), np.ones(self.n_collect)])

    def _noise(self):
        nc = self.noisy_clamping
        if nc is None or nc is False:
            return None
        if nc is True:
            return (0.15, 0.05)           # the 1985 paper's values
        try:
            p_on_off, p_off_on = (float(p) for p in nc)
        except (TypeError, ValueError):
            raise ValueError(f"noisy_clamping must be True, False or a pair of probabilities "
                             f"(p_on_off, p_off_on), got {nc!r}") from None
        for name, p in (("p_on_off", p_on_off), ("p_off_on", p_off_on)):
            check_scalar(p, f"noisy_clamping {name}", low=0.0, high=1.0)
        return p_on_off, p_off_on

    def _mask(self, n_units):
        if isinstance(self.connectivity, str):
            check_option(self.connectivity, "connectivity", ("full",))
            mask = np.ones((n_units, n_units), dtype=bool)
        else:
            mask = np.asarray(self.connectivity, dtype=bool)
            if mask.shape != (n_units, n_units):
                raise ValueError(f"connectivity mask has shape {mask.shape}; it needs "
                                 f"({n_units}, {n_units}) for {n_units} units (visible first, "
                                 "then hidden)")
            if not np.array_equal(mask, mask.T):
                raise ValueError("connectivity mask must be symmetric: weights in a Boltzmann "
                                 "machine connect pairs of units both ways")
            mask = mask.copy()
        np.fill_diagonal(mask, False)
        return mask

    def _initialize(self, n_visible):
        self._validate_params()
        n_units = n_visible + self.n_hidden
        if self.statistics == "exact" and n_units > EXACT_MAX_UNITS:
            raise ValueError(f"statistics='exact' enumerates 2^{n_units} states; use at most "
                             f"{EXACT_MAX_UNITS} units or statistics='sampled'")
        self.backend_ = resolve_backend(self.backend, numba_wins=True)
        self.rng_ = check_rng(self.rng)
        self.noise_ = self._noise()
        self.mask_ = self._mask(n_units)
        self.temperatures_ = self._temperatures()
        W = self.init_scale * self.rng_.standard_normal((n_units, n_units))
        self.W_ = np.where(self.mask_, symmetrize(W), 0.0)
        self.b_ = np.zeros(n_units)
        self.n_features_in_ = n_visible
        self.n_iter_ = 0
        self.loss_curve_ = []

    # -- sampling -------------------------------------------------------------------------
    def _run_chains(self, S, free, rng):
        """Anneal the chains S in place; return the averaged statistics (p, q)."""
        n_chains, n_units = S.shape
        U = rng.random((n_chains, len(self.temperatures_), n_units))
        net = net_input(S, self.W_, self.b_)
        C, m = np.zeros((n_units, n_units)), np.zeros(n_units)
        numba = self.backend_ == "numba"
        if self.probes == "random":
            J = rng.integers(0, n_units, U.shape)
            kernel = gibbs_anneal_probes_numba if numba else gibbs_anneal_probes_numpy
            kernel(S, net, self.W_, free, self.temperatures_, J, U, self.n_collect, C, m)
        else:
            kernel = gibbs_anneal_numba if numba else gibbs_anneal_numpy
            kernel(S, net, self.W_, free, self.temperatures_, U, self.n_collect, C, m)
        n = n_chains * self.n_collect
        return C / n, m / n

    def _statistics(self, X):
        n_visible, n_units = self.n_features_in_, len(self.b_)
        if self.statistics == "exact":
            V = X if self.noise_ is None else noisy_clamp(X, *self.noise_, rng=self.rng_)
            return (exact_clamped_statistics(V, self.W_, self.b_),
                    exact_free_statistics(self.W_, self.b_))
        V = np.repeat(X, self.n_chains, axis=0)   # every clamped annealing its own noise
        if self.noise_ is not None:
            V = noisy_clamp(V, *self.noise_, rng=self.rng_)
        if self.n_hidden == 0:
            clamped = pair_statistics(V)          # nothing left to sample
        else:
            S = np.concatenate([V, self.rng_.integers(0, 2, (len(V), self.n_hidden)).astype(float)],
                               axis=1)
            free = np.arange(n_units) >= n_visible
            clamped = self._run_chains(S, free, self.rng_)
        S = self.rng_.integers(0, 2, (len(X) * self.n_chains, n_units)).astype(float)
        return clamped, self._run_chains(S, np.ones(n_units, dtype=bool), self.rng_)

    # -- learning -------------------------------------------------------------------------
    def _update(self, X):
        stats = self._statistics(X)
        if self.update == "sign":
            dW, db = sign_step(*stats, W=self.W_, weight_decay=self.weight_decay,
                               mask=self.mask_)
        else:
            dW, db = bm_gradient(*stats, W=self.W_, weight_decay=self.weight_decay,
                                 mask=self.mask_)
        self.W_ -= self.eta * dW
        self.b_ -= self.eta * db
        self.n_iter_ += 1
        if len(self.b_) <= TRACK_MAX_UNITS:
            self.loss_curve_.append(-log_likelihood(X, self.W_, self.b_))

    def fit(self, X, y=None):
        """Initialise and make ``max_iter`` full-batch updates (B5).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_visible)
            Binary data in {0, 1}.
        """
        X = _check_binary(X)
        self._initialize(X.shape[1])
        for _ in range(self.max_iter):
            self._update(X)
        return self

    def partial_fit(self, X, y=None):
        """One update (B5) on the batch X; initialises on the first call."""
        X = _check_binary(X)
        if not hasattr(self, "W_"):
            self._initialize(X.shape[1])
        check_same_features(X, self.n_features_in_, "this BoltzmannMachine")
        self._update(X)
        return self

    def _check_fitted(self):
        if not hasattr(self, "W_"):
            raise RuntimeError("this BoltzmannMachine is not fitted yet; call fit(X) first")

    def sample(self, n_samples=1, rng=None):
        """Visible states of independent free-running annealed chains.

        Parameters
        ----------
        n_samples : int
        rng : None, int or numpy.random.Generator, optional
            By default the stream created at fit.

        Returns
        -------
        V : ndarray of shape (n_samples, n_visible)
        """
        self._check_fitted()
        n_samples = check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
        rng = self.rng_ if rng is None else check_rng(rng)
        S = rng.integers(0, 2, (n_samples, len(self.b_))).astype(float)
        self._run_chains(S, np.ones(len(self.b_), dtype=bool), rng)
        return S[:, :self.n_features_in_]

    def score(self, X, y=None):
        """Exact mean log-likelihood log P(v) of the rows of X (nats per sample)."""
        self._check_fitted()
        X = _check_binary(X)
        check_same_features(X, self.n_features_in_, "this BoltzmannMachine")
        if len(self.b_) > EXACT_MAX_UNITS:
            raise ValueError(f"score enumerates 2^{len(self.b_)} states; it is available for "
                             f"at most {EXACT_MAX_UNITS} units")
        return log_likelihood(X, self.W_, self.b_)
