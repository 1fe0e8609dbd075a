"""An autoencoder with scikit-learn's contract: tied or untied, sparse, denoising, contractive.

Book: 15_autoencoders; ``stacked_autoencoder`` in section "Stacked autoencoders for
pre-training".

One hidden layer, (A1) of :mod:`dlcourse.core.autoencoder`, trained by any optimizer of
:mod:`dlcourse.optim` on mini-batches. The loss is the cross-entropy of a sigmoid decoder for
data in [0, 1] (computed from the decoder's net input, finite for any weights), or the squared
error of a linear decoder for real data, each summed over the features and averaged over the
samples; to it the options add

* ``sparsity`` (beta) with target ``rho``: the KL penalty (A3) on the mean hidden activations;
* ``corruption`` "mask" or "gaussian" with strength ``noise``: the denoising autoencoder
  encodes a corrupted input and is scored on reconstructing the clean one;
* ``contraction`` (lambda): the contractive penalty (A5), sigmoid encoder only;
* ``alpha``: an L2 penalty on the weights.

:func:`stacked_autoencoder` trains autoencoders greedily, one layer on the codes of the one
below, and returns their encoder weights in the form that
:class:`dlcourse.models.dbn.PretrainedMLPClassifier` starts from.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_array, check_fitted_X, check_option, check_scalar
from ..core.activations import ACTIVATIONS, sigmoid
from ..core.autoencoder import (autoencoder_backward, autoencoder_forward, contractive_penalty,
                                gaussian_corruption, kl_sparsity_backward, kl_sparsity_forward,
                                masking_corruption)
from ..core.init import init_weights
from ..core.losses import softplus
from ._training import make_optimizer

__all__ = ["Autoencoder", "stacked_autoencoder"]


class Autoencoder(TransformerMixin, BaseEstimator):
    """A one-hidden-layer autoencoder trained by backpropagation.

    Parameters
    ----------
    n_hidden : int, default=32
        Code size k: below the input size an undercomplete bottleneck, above it overcomplete
        (which needs ``sparsity``, ``corruption`` or ``contraction`` to learn anything but a
        copy).
    encoder : str, default="sigmoid"
        Hidden activation.
    decoder : {"sigmoid", "linear"}, default="sigmoid"
        Sigmoid with the cross-entropy (data in [0, 1]), linear with the squared error.
    tied : bool, default=True
        Decoder weights W^T.
    sparsity, rho : float, default=0.0, 0.05
    corruption : {None, "mask", "gaussian"}, default=None
    noise : float, default=0.3
        Masking probability, or the Gaussian noise's standard deviation.
    contraction : float, default=0.0
    alpha : float, default=0.0
    optimizer, eta, momentum, nesterovs_momentum, beta_1, beta_2, epsilon :
        As in :class:`dlcourse.models.MLPClassifier`; default Adam with eta 0.001.
    batch_size : int, default=32
    max_epochs : int, default=20
    init : str, default="glorot"
    rng : None, int or Generator
    progress : bool, default=False

    Attributes
    ----------
    W_ : ndarray of shape (n_features, n_hidden)
    b_ : ndarray of shape (n_hidden,)
    c_ : ndarray of shape (n_features,)
    W_dec_ : ndarray of shape (n_hidden, n_features) or None when tied
    loss_curve_ : list of float
        Mean training loss (with penalties) of every epoch.
    """

    def __init__(self, n_hidden=32, encoder="sigmoid", decoder="sigmoid", tied=True,
                 sparsity=0.0, rho=0.05, corruption=None, noise=0.3, contraction=0.0, alpha=0.0,
                 optimizer="adam", eta=None, momentum=0.0, nesterovs_momentum=True, beta_1=0.9,
                 beta_2=0.999, epsilon=1e-8, batch_size=32, max_epochs=20, init="glorot",
                 rng=None, progress=False):
        self.n_hidden = n_hidden
        self.encoder = encoder
        self.decoder = decoder
        self.tied = tied
        self.sparsity = sparsity
        self.rho = rho
        self.corruption = corruption
        self.noise = noise
        self.contraction = contraction
        self.alpha = alpha
        self.optimizer = optimizer
        self.eta = eta
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.init = init
        self.rng = rng
        self.progress = progress

    def _check_params(self):
        check_scalar(self.n_hidden, "n_hidden", kind=numbers.Integral, low=1)
        check_option(self.encoder, "encoder", tuple(ACTIVATIONS))
        check_option(self.decoder, "decoder", ("sigmoid", "linear"))
        check_option(self.corruption, "corruption", (None, "mask", "gaussian"))
        for name in ("sparsity", "contraction", "alpha", "noise"):
            check_scalar(getattr(self, name), name, low=0)
        if self.sparsity and self.encoder != "sigmoid":
            raise ValueError("the KL sparsity penalty needs activations in (0, 1): use "
                             "encoder='sigmoid' with sparsity > 0")
        if self.contraction and self.encoder != "sigmoid":
            raise ValueError("the contractive penalty is written for a sigmoid encoder: use "
                             "encoder='sigmoid' with contraction > 0")
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)

    def _loss_and_grads(self, X_in, X):
        """Loss on a batch and the gradients of every parameter; X_in is the encoder's input
        (corrupted for a denoising autoencoder), X the target."""
        N = X.shape[0]
        W_dec = None if self.tied else self.W_dec_
        # a linear decoder gives the net input; the sigmoid is folded into the loss
        H, A, cache = autoencoder_forward(X_in, self.W_, self.b_, self.c_, W_dec, self.encoder,
                                          "linear")
        if self.decoder == "sigmoid":
            loss = float(np.sum(softplus(A) - X * A)) / N      # cross-entropy from net inputs
            dA = (sigmoid(A) - X) / N
        else:
            loss = 0.5 * float(np.sum((A - X) ** 2)) / N
            dA = (A - X) / N
        dH = None
        if self.sparsity:
            penalty, kl_cache = kl_sparsity_forward(H, self.rho, self.sparsity)
            loss += penalty
            dH = kl_sparsity_backward(kl_cache)
        _, dW, db, dc, dW_dec = autoencoder_backward(dA, cache, dH=dH)
        grads = {"W": dW, "b": db, "c": dc}
        if not self.tied:
            grads["W_dec"] = dW_dec
        if self.contraction:
            penalty, dW_c, db_c = contractive_penalty(X_in, self.W_, self.b_, self.contraction)
            loss += penalty
            grads["W"] = grads["W"] + dW_c
            grads["b"] = grads["b"] + db_c
        if self.alpha:
            for key in ("W", "W_dec"):
                if key in grads:
                    loss += 0.5 * self.alpha * float(np.sum(self._params[key] ** 2))
                    grads[key] = grads[key] + self.alpha * self._params[key]
        return loss, grads

    def _corrupt(self, X):
        if self.corruption == "mask":
            return masking_corruption(X, self.noise, self._rng)
        if self.corruption == "gaussian":
            return gaussian_corruption(X, self.noise, self._rng)
        return X

    def fit(self, X, y=None):
        """Train on the rows of X (y is ignored)."""
        self._check_params()
        X = check_array(X, "X", ndim=2)
        self._rng = rng = check_rng(self.rng)
        d, k = X.shape[1], self.n_hidden
        self.W_ = init_weights(d, k, self.init, rng)
        self.b_, self.c_ = np.zeros(k), np.zeros(d)
        self.W_dec_ = None if self.tied else init_weights(k, d, self.init, rng)
        self._params = {"W": self.W_, "b": self.b_, "c": self.c_}
        if not self.tied:
            self._params["W_dec"] = self.W_dec_
        self.n_features_in_ = d
        opt = make_optimizer(self, sgd_eta=0.1)
        self.loss_curve_ = []
        epochs = range(self.max_epochs)
        if self.progress:
            epochs = progress_line(epochs, desc="Autoencoder", metrics=lambda: (
                f"loss {self.loss_curve_[-1]:.4g}" if self.loss_curve_ else ""))
        for _ in epochs:
            order = rng.permutation(len(X))
            total = 0.0
            for start in range(0, len(X), self.batch_size):
                batch = X[order[start:start + self.batch_size]]
                loss, grads = self._loss_and_grads(self._corrupt(batch), batch)
                opt.step(self._params, grads)
                total += loss * len(batch)
            self.loss_curve_.append(total / len(X))
        return self

    def transform(self, X):
        """The codes h = f(x W + b), shape (n_samples, n_hidden)."""
        X = check_fitted_X(self, X, "W_")
        return ACTIVATIONS[self.encoder][0](X @ self.W_ + self.b_)

    def inverse_transform(self, H):
        """Reconstructions from codes, shape (n_samples, n_features)."""
        H = check_array(H, "H", ndim=2)
        W_dec = self.W_.T if self.tied else self.W_dec_
        A = H @ W_dec + self.c_
        return sigmoid(A) if self.decoder == "sigmoid" else A

    def reconstruct(self, X):
        """inverse_transform(transform(X))."""
        return self.inverse_transform(self.transform(X))

    def score(self, X, y=None):
        """Minus the mean reconstruction loss per sample (higher is better, as scikit-learn
        expects), without penalties or corruption."""
        X = check_fitted_X(self, X, "W_")
        A = self.transform(X) @ (self.W_.T if self.tied else self.W_dec_) + self.c_
        if self.decoder == "sigmoid":
            return -float(np.sum(softplus(A) - X * A)) / len(X)
        return -0.5 * float(np.sum((A - X) ** 2)) / len(X)


def stacked_autoencoder(X, hidden_layer_sizes, rng=None, **autoencoder_params):
    """Greedy layer-wise pre-training with autoencoders: the encoder weights of a stack.

    Book: 15_autoencoders, section "Stacked autoencoders for pre-training".

    Autoencoder l (sigmoid encoder) is fitted on the codes h^(l-1) of autoencoder l - 1 (the
    data for l = 1); its decoder is thrown away and its encoder becomes hidden layer l of a
    sigmoid network, h^l = sigmoid(h^(l-1) W^l + b^l).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Data in [0, 1] (the first autoencoder's decoder is a sigmoid with the cross-entropy,
        unless ``decoder="linear"`` is passed).
    hidden_layer_sizes : sequence of int
        Code size of each autoencoder, bottom first.
    rng : None, int or Generator
        Turned into one Generator that every layer draws from in turn.
    **autoencoder_params
        Passed to every :class:`Autoencoder` (sparsity, corruption, noise, contraction, eta,
        batch_size, max_epochs, ...); the upper layers always use a sigmoid decoder, since
        their inputs are codes in (0, 1).

    Returns
    -------
    pretrained : (list of ndarray, list of ndarray)
        ``(W, b)``: W[l] of shape (n_l, n_{l+1}) and b[l] of shape (n_{l+1},), bottom first,
        ready for ``PretrainedMLPClassifier(pretrained=..., activation="sigmoid")``.
    """
    for fixed in ("n_hidden", "encoder", "rng"):
        if fixed in autoencoder_params:
            raise ValueError(f"{fixed} is set by the stack (sizes from hidden_layer_sizes, "
                             "sigmoid encoders, one rng); leave it out")
    sizes = (hidden_layer_sizes,) if isinstance(hidden_layer_sizes, numbers.Integral) \
        else tuple(hidden_layer_sizes)
    if not sizes:
        raise ValueError("hidden_layer_sizes is empty; a stack needs at least one layer, "
                         "e.g. (64, 32)")
    for size in sizes:
        check_scalar(size, "each hidden layer size", kind=numbers.Integral, low=1)
    data = check_array(X, "X", ndim=2)
    rng = check_rng(rng)
    weights, biases = [], []
    for l, size in enumerate(sizes):
        params = dict(autoencoder_params)
        if l > 0:
            params["decoder"] = "sigmoid"
        ae = Autoencoder(n_hidden=size, encoder="sigmoid", rng=rng, **params).fit(data)
        weights.append(ae.W_.copy())
        biases.append(ae.b_.copy())
        data = ae.transform(data)              # the codes are the next layer's data
    return weights, biases
