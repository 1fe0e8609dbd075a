"""A generative adversarial network (optionally conditional) built from the layer stack.

Book: 16_gans, sections "Two generator losses" (the training loop, k steps, the saturating
option) and "Conditional GANs".

Generator G: noise z (and, conditional, a one-hot label) -> a sample; discriminator D: a
sample (and the label) -> one logit, D = sigmoid(logit). Training alternates, per mini-batch
of real data, ``k`` discriminator steps on (D1) of :mod:`dlcourse.core.gan` with a fresh batch
of fakes each, then one generator step on the non-saturating loss (D3), or on the saturating
(D2) with ``saturating=True``. The gradient reaches G's parameters through D: backward
through D gives dE/d(sample), which is G's output gradient. Each network has its own
optimizer (the original paper used SGD with momentum).
"""

import copy
import numbers

import numpy as np
from sklearn.base import BaseEstimator

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_array, check_scalar
from ..core.gan import discriminator_loss, generator_loss
from ..layers import Activation, Affine, Sequential
from ..optim import Adam

__all__ = ["GAN"]


def _mlp(sizes, hidden, output, rng):
    stack = []
    for l, (n_in, n) in enumerate(zip(sizes[:-1], sizes[1:])):
        stack.append(Affine(n_in, n, "glorot", rng=rng))
        last = l == len(sizes) - 2
        if not last:
            stack.append(Activation(hidden))
        elif output != "linear":
            stack.append(Activation(output))
    return Sequential(stack)


class GAN(BaseEstimator):
    """A GAN with fully connected generator and discriminator.

    Parameters
    ----------
    n_noise : int, default=8
        Size of the noise vector z ~ N(0, I).
    generator_sizes, discriminator_sizes : tuple of int, default=(32,), (32,)
        Hidden layers of each network.
    activation : str, default="relu"
        Hidden activation of both networks ("tanh" and "sigmoid" work too).
    output : str, default="linear"
        The generator's output activation ("sigmoid" for data in [0, 1]).
    k : int, default=1
        Discriminator steps per generator step.
    saturating : bool, default=False
        Train G on log(1 - D(G(z))) (the minimax form) instead of -log D(G(z)).
    conditional : bool, default=False
        Feed the one-hot label to both networks; ``fit`` then needs y.
    batch_size : int, default=64
    n_steps : int, default=2000
        Generator steps.
    optimizer_g, optimizer_d : optimizer objects, optional
        Adam(0.001, beta1=0.5) each by default; copied at ``fit``.
    rng : None, int or Generator
    progress : bool, default=False

    Attributes
    ----------
    generator_, discriminator_ : dlcourse.layers.Sequential
    history_ : dict
        ``"d_loss"`` and ``"g_loss"`` per generator step, and ``"d_real"``, ``"d_fake"``:
        the discriminator's mean output on the real and fake batch.
    """

    def __init__(self, n_noise=8, generator_sizes=(32,), discriminator_sizes=(32,),
                 activation="relu", output="linear", k=1, saturating=False, conditional=False,
                 batch_size=64, n_steps=2000, optimizer_g=None, optimizer_d=None, rng=None,
                 progress=False):
        self.n_noise = n_noise
        self.generator_sizes = generator_sizes
        self.discriminator_sizes = discriminator_sizes
        self.activation = activation
        self.output = output
        self.k = k
        self.saturating = saturating
        self.conditional = conditional
        self.batch_size = batch_size
        self.n_steps = n_steps
        self.optimizer_g = optimizer_g
        self.optimizer_d = optimizer_d
        self.rng = rng
        self.progress = progress

    def _with_label(self, a, Y):
        return a if Y is None else np.hstack([a, Y])

    def _generate(self, n, Y, train, rng=None):
        z = (self._rng if rng is None else rng).standard_normal((n, self.n_noise))
        return self.generator_.forward(self._with_label(z, Y), train)

    def fit(self, X, y=None, callback=None):
        """Train on the rows of X (with their labels y when ``conditional``).

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), optional
            Class labels; needed when ``conditional``.
        callback : callable, optional
            ``callback(model, step)`` after every generator step, ``step`` counting from 0
            (for samples or measurements during training; :meth:`sample` with its own ``rng``
            leaves the training noise stream untouched).

        Returns
        -------
        self
        """
        X = check_array(X, "X", ndim=2)
        for name in ("n_noise", "k", "batch_size", "n_steps"):
            check_scalar(getattr(self, name), name, kind=numbers.Integral, low=1)
        if callback is not None and not callable(callback):
            raise ValueError(f"callback must be callable as callback(model, step), got "
                             f"{type(callback).__name__}")
        rng = self._rng = check_rng(self.rng)
        if self.conditional:
            if y is None:
                raise ValueError("a conditional GAN needs the labels: fit(X, y)")
            self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
            labels = np.eye(len(self.classes_))[codes]
        else:
            labels = None
        n_labels = 0 if labels is None else labels.shape[1]
        d = X.shape[1]
        self.n_features_in_ = d
        self.generator_ = _mlp((self.n_noise + n_labels,) + tuple(self.generator_sizes) + (d,),
                               self.activation, self.output, rng)
        self.discriminator_ = _mlp((d + n_labels,) + tuple(self.discriminator_sizes) + (1,),
                                   self.activation, "linear", rng)
        opt_g = copy.deepcopy(self.optimizer_g) if self.optimizer_g else Adam(0.001, beta1=0.5)
        opt_d = copy.deepcopy(self.optimizer_d) if self.optimizer_d else Adam(0.001, beta1=0.5)
        self.history_ = {"d_loss": [], "g_loss": [], "d_real": [], "d_fake": []}
        D, G, m = self.discriminator_, self.generator_, self.batch_size
        steps = range(self.n_steps)
        if self.progress:
            steps = progress_line(steps, desc="GAN", metrics=lambda: (
                f"D {self.history_['d_loss'][-1]:.3f}  G {self.history_['g_loss'][-1]:.3f}"
                if self.history_["d_loss"] else ""))
        for step in steps:
            for _ in range(self.k):                          # discriminator steps, (D1)
                idx = rng.integers(0, len(X), m)
                Y = None if labels is None else labels[idx]
                fake = self._generate(m, Y, train=True)
                # real and fake rows through D as one batch: one backward pass gives the
                # gradients of both halves of (D1), summed
                both = np.vstack([self._with_label(X[idx], Y), self._with_label(fake, Y)])
                logits = D.forward(both)
                logits_real = logits[:m]
                loss_d, g_real, g_fake = discriminator_loss(logits[:m, 0], logits[m:, 0])
                D.backward(np.concatenate([g_real, g_fake])[:, None])
                opt_d.step(D.params, D.grads)
            Y = None if labels is None else labels[rng.integers(0, len(labels), m)]
            fake = self._generate(m, Y, train=True)          # generator step, (D2)/(D3)
            logits_fake = D.forward(self._with_label(fake, Y))
            loss_g, g_logits = generator_loss(logits_fake[:, 0], self.saturating)
            d_input = D.backward(g_logits[:, None])
            G.backward(d_input[:, :fake.shape[1]])           # the label's columns are data
            opt_g.step(G.params, G.grads)
            self.history_["d_loss"].append(loss_d)
            self.history_["g_loss"].append(loss_g)
            self.history_["d_real"].append(float(np.mean(1 / (1 + np.exp(-logits_real)))))
            self.history_["d_fake"].append(float(np.mean(1 / (1 + np.exp(-logits_fake)))))
            if callback is not None:
                callback(self, step)
        return self

    def sample(self, n, y=None, rng=None):
        """n samples from the generator (with labels y for a conditional GAN).

        Parameters
        ----------
        n : int
        y : label or array-like of shape (n,), optional
            The class of each sample; needed when ``conditional``.
        rng : None, int or Generator
            For the noise. None continues the model's own generator; a given ``rng`` leaves
            that stream alone, so sampling inside a ``fit`` callback does not change training.

        Returns
        -------
        ndarray of shape (n, n_features)
        """
        if not hasattr(self, "generator_"):
            raise ValueError("this GAN is not fitted yet; call fit(X) first")
        rng = None if rng is None else check_rng(rng)
        Y = None
        if self.conditional:
            if y is None:
                raise ValueError("a conditional GAN samples a given class: sample(n, y=...)")
            y = np.broadcast_to(np.asarray(y), (n,))
            Y = (np.asarray(y)[:, None] == self.classes_[None, :]).astype(float)
            if not Y.any(axis=1).all():
                raise ValueError(f"unknown label in y; this GAN was fitted on the classes "
                                 f"{list(self.classes_)}")
        return self._generate(n, Y, train=False, rng=rng)
