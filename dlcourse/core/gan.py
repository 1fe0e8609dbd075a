"""The losses of a generative adversarial network, from the discriminator's logits.

Book: 16_gans, sections "The game" and "Two generator losses"; the evaluation tools
(Parzen windows, mode coverage) in sections "A Parzen-window likelihood" and "A ring of eight
Gaussians".

The discriminator outputs D(x) = sigmoid(l(x)), the probability that x is real. With logits
l_r on a batch of real samples and l_f on generated ones G(z), the value function of the game
is V = E log D(x) + E log(1 - D(G(z))); the discriminator maximises it, so it minimises

    (D1)  L_D = -mean log sigmoid(l_r) - mean log(1 - sigmoid(l_f))

and the generator, in the original minimax form, minimises E log(1 - D(G(z))):

    (D2)  L_G,sat  = mean log(1 - sigmoid(l_f))          dL/dl_f = -sigmoid(l_f) / n
    (D3)  L_G,ns   = -mean log sigmoid(l_f)               dL/dl_f = -(1 - sigmoid(l_f)) / n

Early in training the discriminator rejects fakes easily, l_f << 0 and sigmoid(l_f) ~ 0: the
saturating loss (D2) then gives the generator almost no gradient, while the non-saturating
one (D3) gives nearly its largest. Both have the same fixed point. All of them are computed
from the logits with log sigmoid(l) = -softplus(-l) and log(1 - sigmoid(l)) = -softplus(l),
which stay finite however confident the discriminator is.
"""

import numpy as np

from .._validation import as_float
from .activations import sigmoid
from .losses import softplus

__all__ = ["discriminator_loss", "generator_loss", "mode_coverage", "parzen_bandwidth",
           "parzen_log_likelihood"]


def discriminator_loss(logits_real, logits_fake):
    """(D1) and its gradients.

    Parameters
    ----------
    logits_real : ndarray of shape (n_real,) or (n_real, 1)
    logits_fake : ndarray of shape (n_fake,) or (n_fake, 1)

    Returns
    -------
    loss : float
    d_real, d_fake : ndarrays shaped like the logits
    """
    lr, lf = as_float(logits_real), as_float(logits_fake)
    loss = np.mean(softplus(-lr)) + np.mean(softplus(lf))
    return float(loss), -(1.0 - sigmoid(lr)) / lr.size, sigmoid(lf) / lf.size


def generator_loss(logits_fake, saturating=False):
    """(D3), or (D2) with ``saturating=True``, and its gradient with respect to the logits."""
    lf = as_float(logits_fake)
    if saturating:
        return float(-np.mean(softplus(lf))), -sigmoid(lf) / lf.size
    return float(np.mean(softplus(-lf))), -(1.0 - sigmoid(lf)) / lf.size


def parzen_log_likelihood(X, samples, sigma, batch=256):
    """Mean log-likelihood of X under a Parzen window (Gaussian kernel) estimate built on the
    generator's samples: p(x) = (1/m) sum_i N(x; s_i, sigma^2 I).

    The estimate of Goodfellow et al. (2014) for GANs, which have no likelihood of their own;
    it is weak in high dimension (it needs very many samples and rewards blur), which the book
    measures. Computed with log-sum-exp, in batches of rows of X.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    samples : ndarray of shape (m, d)
    sigma : float > 0
        The kernel width; choose it on validation data (:func:`parzen_bandwidth`).

    Returns
    -------
    float
    """
    X, S = as_float(X), as_float(samples)
    if X.ndim != 2 or S.ndim != 2 or X.shape[1] != S.shape[1]:
        raise ValueError(f"X (n, d) and samples (m, d) must agree on d; got {X.shape}, {S.shape}")
    if not sigma > 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    m, d = S.shape
    total = 0.0
    for start in range(0, len(X), batch):
        total += float(np.sum(_parzen_log_sums(_squared_distances(X[start:start + batch], S),
                                               sigma)))
    return total / len(X) - np.log(m) - 0.5 * d * np.log(2 * np.pi * sigma ** 2)


def _squared_distances(x, S):
    """||x_j - s_i||^2 for all rows, shape (len(x), len(S)), clipped at 0 against round-off."""
    return np.maximum(np.sum(x * x, axis=1)[:, None] - 2 * x @ S.T + np.sum(S * S, axis=1), 0.0)


def _parzen_log_sums(sq, sigma):
    """log sum_i exp(-sq_ji / (2 sigma^2)) for each row j, by log-sum-exp."""
    e = -sq / (2 * sigma ** 2)
    top = e.max(axis=1, keepdims=True)
    return top[:, 0] + np.log(np.exp(e - top).sum(axis=1))


def parzen_bandwidth(X_val, samples, sigmas):
    """The sigma of ``sigmas`` with the largest validation log-likelihood, and all scores.

    The same as calling :func:`parzen_log_likelihood` for every sigma, with the squared
    distances computed once.

    Parameters
    ----------
    X_val : ndarray of shape (n, d)
    samples : ndarray of shape (m, d)
    sigmas : sequence of float > 0

    Returns
    -------
    best : float
    scores : list of float, one per sigma
    """
    X, S = as_float(X_val), as_float(samples)
    if X.ndim != 2 or S.ndim != 2 or X.shape[1] != S.shape[1]:
        raise ValueError(f"X_val (n, d) and samples (m, d) must agree on d; got {X.shape}, "
                         f"{S.shape}")
    sigmas = np.asarray(sigmas, dtype=float)
    if sigmas.ndim != 1 or len(sigmas) == 0 or not np.all(sigmas > 0):
        raise ValueError(f"sigmas must be a non-empty list of widths > 0, got {sigmas}")
    m, d = S.shape
    sq = _squared_distances(X, S)
    scores = [float(np.mean(_parzen_log_sums(sq, s))) - np.log(m)
              - 0.5 * d * np.log(2 * np.pi * s ** 2) for s in sigmas]
    return float(sigmas[int(np.argmax(scores))]), scores


def mode_coverage(samples, centres, max_distance, min_count=1):
    """Which modes of a known mixture a generator's samples cover.

    Each sample is assigned to its nearest centre if it lies within ``max_distance`` of it
    (a "good" sample; the usual choice is three standard deviations of a mode), and is left
    unassigned otherwise. A mode is covered when at least ``min_count`` good samples fall on it.

    Parameters
    ----------
    samples : ndarray of shape (n, d)
    centres : ndarray of shape (n_modes, d)
    max_distance : float > 0
    min_count : int >= 1, default=1

    Returns
    -------
    counts : ndarray of int of shape (n_modes,)
        Good samples on each mode.
    covered : int
        Number of modes with at least ``min_count`` good samples.
    good_fraction : float
        Share of the samples that lie within ``max_distance`` of some centre.
    """
    S, C = as_float(samples), as_float(centres)
    if S.ndim != 2 or C.ndim != 2 or S.shape[1] != C.shape[1]:
        raise ValueError(f"samples (n, d) and centres (n_modes, d) must agree on d; got "
                         f"{S.shape}, {C.shape}")
    if not max_distance > 0:
        raise ValueError(f"max_distance must be > 0, got {max_distance}")
    if int(min_count) != min_count or min_count < 1:
        raise ValueError(f"min_count must be an integer >= 1, got {min_count}")
    dist = np.sqrt(((S[:, None, :] - C[None, :, :]) ** 2).sum(axis=2))
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(S)), nearest] <= max_distance
    counts = np.bincount(nearest[good], minlength=len(C))
    return counts, int(np.sum(counts >= min_count)), float(good.mean()) if len(S) else 0.0
