"""Deep belief nets: a stack of RBMs trained greedily, one layer at a time.

Book: 11_dbn.

Greedy layer-wise pre-training (Hinton, Osindero and Teh, 2006): train an RBM on the data,
then another on the first one's hidden probabilities P(h | v), and so on. The stack is then a
generative model and a good starting point for a sigmoid multilayer perceptron that
backpropagation fine-tunes on labels.

* the model (DBN1): P(v, h1, ..., hL) = P(v | h1) P(h1 | h2) ... P(h(L-2) | h(L-1))
  P(h(L-1), hL), an RBM at the top and directed sigmoid layers below, with
  P(h(l-1)_i = 1 | h(l)) = sigmoid(a_i + W_i h(l)) read from RBM l;
* the bound (DBN2): log P(v) >= sum_h1 Q(h1 | v) [log P(h1) + log P(v | h1)] + H(Q(. | v)),
  with Q(h1 | v) the first RBM's P(h1 | v). With the first RBM's own prior P(h1) the bound is
  tight; training the next RBM on samples of Q improves the prior term, so a layer added this
  way (as large as the layer below, started from its transpose) can only raise the bound.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .._rng import check_rng
from .._validation import check_scalar
from ..core.rbm import sample_bernoulli, visible_probabilities
from .mlp import MLPClassifier
from .rbm import BernoulliRBM

__all__ = ["DBN", "PretrainedMLPClassifier"]

_RBM_PARAMS = ("method", "k", "eta", "momentum", "weight_decay", "batch_size", "max_epochs",
               "sparsity_target", "sparsity_cost", "sample_visible", "dtype", "backend",
               "progress", "monitor")


class PretrainedMLPClassifier(MLPClassifier):
    """An :class:`MLPClassifier` whose ``fit`` starts from given weights, not random ones.

    Book: 11_dbn, section "Fine-tuning with few labels".

    Parameters
    ----------
    pretrained : (list of ndarray, list of ndarray) or None, default=None
        ``(W, b)``: weights of shape (n_l, n_{l+1}) and biases of the first layers, bottom
        first; the layers not given (the output layer) keep their usual random start. A
        constructor parameter, so ``sklearn.base.clone`` (and with it cross-validation)
        keeps the pre-training.
    **mlp_params
        Everything :class:`MLPClassifier` takes.
    """

    def __init__(self, hidden_layer_sizes=(30,), activation="sigmoid", output="softmax",
                 loss="cross_entropy", init="glorot", eta=0.5, batch_size=10, max_epochs=30,
                 tol=0.0, alpha=0.0, dtype=np.float64, rng=None, backend="auto",
                 progress=False, pretrained=None):
        super().__init__(hidden_layer_sizes=hidden_layer_sizes, activation=activation,
                         output=output, loss=loss, init=init, eta=eta, batch_size=batch_size,
                         max_epochs=max_epochs, tol=tol, alpha=alpha, dtype=dtype, rng=rng,
                         backend=backend, progress=progress)
        self.pretrained = pretrained

    def _start(self, n_features, n_out):
        super()._start(n_features, n_out)
        W_given, b_given = self.pretrained if self.pretrained is not None else ([], [])
        if len(W_given) != len(b_given) or len(W_given) > len(self.W_) - 1:
            raise ValueError(f"pretrained needs as many weight matrices as bias vectors, for at "
                             f"most the {len(self.W_) - 1} hidden layers; got {len(W_given)} "
                             f"and {len(b_given)}")
        if W_given and np.shape(W_given[0])[0] != n_features:
            raise ValueError(f"X has {n_features} features but the pre-trained first layer "
                             f"takes {np.shape(W_given[0])[0]}; pass the data the DBN was "
                             "fitted on")
        for l, (W, b) in enumerate(zip(W_given, b_given)):
            if np.shape(W) != self.W_[l].shape or np.shape(b) != self.b_[l].shape:
                raise ValueError(f"pretrained layer {l} has shapes {np.shape(W)} and "
                                 f"{np.shape(b)}; hidden_layer_sizes needs "
                                 f"{self.W_[l].shape} and {self.b_[l].shape}")
            # in place, so that the compiled backend's work arrays stay valid
            self.W_[l][...] = W
            self.b_[l][...] = b


class DBN(TransformerMixin, BaseEstimator):
    """A deep belief net: BernoulliRBMs stacked by greedy layer-wise pre-training.

    Book: 11_dbn.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 32)
        Hidden units of each RBM, bottom to top.
    method, k, eta, momentum, weight_decay, batch_size, max_epochs, sparsity_target,
    sparsity_cost, sample_visible, dtype, backend, progress, monitor
        Passed to every :class:`dlcourse.models.rbm.BernoulliRBM` of the stack
        (``monitor=False`` skips each layer's reconstruction monitor; the weights are the same).
    rng : None, int or Generator

    Attributes
    ----------
    rbms_ : list of BernoulliRBM
        The trained layers, bottom first; RBM l is trained on P(h | v) of RBM l - 1.
    mlp_ : PretrainedMLPClassifier
        After :meth:`fine_tune`.
    n_features_in_ : int
    """

    def __init__(self, hidden_layer_sizes=(64, 32), method="cd", k=1, eta=0.1,
                 momentum="guide", weight_decay=1e-4, batch_size=10, max_epochs=20,
                 sparsity_target=0.1, sparsity_cost=0.0, sample_visible=True,
                 dtype=np.float64, rng=None, backend="auto", progress=False, monitor=True):
        self.hidden_layer_sizes = hidden_layer_sizes
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

    def _sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = (sizes,)
        sizes = tuple(sizes)
        if not sizes:
            raise ValueError("hidden_layer_sizes is empty; a DBN needs at least one RBM, "
                             "e.g. (64, 32)")
        for s in sizes:
            check_scalar(s, "each hidden layer size", kind=numbers.Integral, low=1)
        return sizes

    def _check_fitted(self):
        if not hasattr(self, "rbms_"):
            raise AttributeError("this DBN is not fitted yet; call fit(X) first")

    def fit(self, X, t=None):
        """Greedy layer-wise pre-training on binary (or [0, 1]) rows of X. Returns self.

        RBM l is fitted on P(h | data) of RBM l - 1, each one a step up the bound (DBN2).
        """
        sizes = self._sizes()
        rng = check_rng(self.rng)
        params = {name: getattr(self, name) for name in _RBM_PARAMS}
        self.rbms_ = []
        data = X
        for n_hidden in sizes:
            rbm = BernoulliRBM(n_hidden=n_hidden, rng=rng, **params).fit(data)
            self.rbms_.append(rbm)
            data = rbm.transform(data)          # probabilities feed the next layer
        self.n_features_in_ = self.rbms_[0].n_features_in_
        return self

    def transform(self, X):
        """The top layer's P(h | below) after a bottom-up pass, shape (n_samples, last size)."""
        self._check_fitted()
        for rbm in self.rbms_:
            X = rbm.transform(X)
        return X

    def sample(self, n_samples=1, n_steps=200, rng=None, probabilities=True):
        """Generate from (DBN1): Gibbs sampling in the top RBM, then a top-down pass.

        Parameters
        ----------
        n_samples : int
        n_steps : int
            Gibbs steps in the top RBM (its chains start from random binary states).
        rng : None, int or Generator
        probabilities : bool, default=True
            Return P(v | h) of the bottom layer (smooth images) instead of binary samples.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        self._check_fitted()
        rng = check_rng(rng)
        check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=1)
        top = self.rbms_[-1]
        v = top.sample(n_samples, n_steps=n_steps, rng=rng)   # states of the top's visible layer
        if len(self.rbms_) == 1:
            if not probabilities:
                return v
            ph = top.transform(v)                           # one more half step down
            h = sample_bernoulli(ph, rng.random(ph.shape, dtype=ph.dtype))
            return visible_probabilities(h, top.W_, top.a_)
        for rbm in reversed(self.rbms_[:-1]):               # top-down, one pass
            p = visible_probabilities(v, rbm.W_, rbm.a_)
            v = sample_bernoulli(p, rng.random(p.shape, dtype=p.dtype))
        return p if probabilities else v

    def to_mlp(self, **mlp_params):
        """An unfitted sigmoid MLP classifier whose hidden layers start from the stack.

        ``mlp_params`` go to :class:`MLPClassifier` (eta, batch_size, max_epochs, alpha,
        rng, backend, ...); the architecture and activation come from the DBN.
        """
        self._check_fitted()
        for fixed in ("hidden_layer_sizes", "activation", "pretrained"):
            if fixed in mlp_params:
                raise ValueError(f"{fixed} is set by the DBN's stack; leave it out")
        dtype = mlp_params.get("dtype", self.dtype)
        return PretrainedMLPClassifier(
            hidden_layer_sizes=tuple(r.W_.shape[1] for r in self.rbms_), activation="sigmoid",
            pretrained=([r.W_.astype(dtype) for r in self.rbms_],
                        [r.b_.astype(dtype) for r in self.rbms_]),
            **mlp_params)

    def fine_tune(self, X, t, **mlp_params):
        """Fine-tune the stack with backpropagation on labels t; the MLP is ``mlp_``.

        Returns self.
        """
        self.mlp_ = self.to_mlp(**mlp_params).fit(X, t)
        return self

    def predict(self, X):
        """Classes predicted by the fine-tuned network."""
        if not hasattr(self, "mlp_"):
            raise AttributeError("this DBN is not fine-tuned yet; call fine_tune(X, t) first")
        return self.mlp_.predict(X)

    def predict_proba(self, X):
        """Class probabilities from the fine-tuned network."""
        if not hasattr(self, "mlp_"):
            raise AttributeError("this DBN is not fine-tuned yet; call fine_tune(X, t) first")
        return self.mlp_.predict_proba(X)
