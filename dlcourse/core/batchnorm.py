"""Batch normalisation: standardise each feature over the mini-batch, then scale and shift.

Book: 06_regularization, section "Batch normalization".

In training mode, for a batch x of m rows and each feature k,

    (BN1)  mu_k = (1/m) sum_i x_ik,      var_k = (1/m) sum_i (x_ik - mu_k)^2
    (BN2)  xhat_ik = (x_ik - mu_k) / sqrt(var_k + eps)
    (BN3)  y_ik = gamma_k xhat_ik + beta_k

and the running averages that replace mu and var at test time move towards the batch's:

    (BN4)  running_mean <- (1 - momentum) running_mean + momentum mu
           running_var  <- (1 - momentum) running_var  + momentum var * m / (m - 1)

``momentum`` follows PyTorch: it weighs the *new* batch (0.1), where some courses
(CS231n) weigh the old average (0.9). The running variance is the unbiased one, as in
PyTorch. The layer before batch norm needs no bias: beta takes its place, and (BN2)
subtracts any constant added before it.

The backward pass has three terms because every x_ik reaches y through xhat_ik directly,
through mu_k and through var_k; they combine into

    (BN5)  dx = (1 / (m sigma)) (m dxhat - sum_i dxhat - xhat sum_i (dxhat xhat)),
           dxhat = dy gamma,   sigma = sqrt(var + eps).

At test time the statistics are constants, and batch norm is an affine map of each feature.
"""

import numpy as np

from .._validation import as_float, check_scalar

__all__ = ["batchnorm_forward", "batchnorm_backward", "spatial_batchnorm_forward",
           "spatial_batchnorm_backward"]


def batchnorm_forward(x, gamma, beta, train=True, running_mean=None, running_var=None,
                      momentum=0.1, eps=1e-5):
    """Batch normalisation of (N, D) inputs, (BN1)-(BN4).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
    gamma, beta : ndarray of shape (n_features,)
        Scale and shift, learned.
    train : bool, default=True
        Batch statistics (and update the running ones), or the running statistics.
    running_mean, running_var : ndarray of shape (n_features,), optional
        Updated in place in training mode (BN4); required in evaluation mode.
    momentum : float in [0, 1], default=0.1
        Weight of the new batch in the running averages (PyTorch's convention).
    eps : float > 0, default=1e-5

    Returns
    -------
    out : ndarray of shape (n_samples, n_features)
    cache : tuple
    """
    x = as_float(x)
    if x.ndim != 2 or np.shape(gamma) != (x.shape[1],) or np.shape(beta) != (x.shape[1],):
        raise ValueError(f"batchnorm_forward needs x of shape (n_samples, n_features) and gamma, "
                         f"beta of shape (n_features,); got {x.shape}, {np.shape(gamma)}, "
                         f"{np.shape(beta)} (use spatial_batchnorm_forward for (N, C, H, W))")
    momentum = check_scalar(momentum, "momentum", low=0, high=1)
    eps = check_scalar(eps, "eps", low=0, include_low=False)
    if train:
        m = x.shape[0]
        if m < 2:
            raise ValueError("batch norm in training mode needs at least 2 values per feature "
                             f"to estimate a variance, got a batch of {m}; use batch_size >= 2, "
                             "or train=False to normalise with the running statistics")
        mu = x.mean(axis=0)                                         # (BN1)
        var = x.var(axis=0)
        if running_mean is not None:                                # (BN4)
            running_mean[...] = (1 - momentum) * running_mean + momentum * mu
        if running_var is not None:
            running_var[...] = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch norm in evaluation mode (train=False) normalises with the "
                             "running statistics; pass running_mean and running_var")
        mu, var = running_mean, running_var
    sigma = np.sqrt(var + eps)
    xhat = (x - mu) / sigma                                         # (BN2)
    out = gamma * xhat + beta                                       # (BN3)
    return out, (xhat, gamma, sigma, train)


def batchnorm_backward(dout, cache):
    """Gradients of batch normalisation, (BN5) in training mode.

    Parameters
    ----------
    dout : ndarray of shape (n_samples, n_features)
    cache : from :func:`batchnorm_forward`

    Returns
    -------
    dx : ndarray of shape (n_samples, n_features)
    dgamma : ndarray of shape (n_features,)
        sum_i dy_ik xhat_ik.
    dbeta : ndarray of shape (n_features,)
        sum_i dy_ik.
    """
    xhat, gamma, sigma, train = cache
    dgamma = np.sum(dout * xhat, axis=0)
    dbeta = dout.sum(axis=0)
    dxhat = dout * gamma
    if not train:                                  # fixed statistics: an affine map
        return dxhat / sigma, dgamma, dbeta
    m = dout.shape[0]
    dx = (m * dxhat                                             # term 1: through xhat
          - dxhat.sum(axis=0)                                   # term 2: through mu
          - xhat * np.sum(dxhat * xhat, axis=0)) / (m * sigma)  # term 3: through var
    return dx, dgamma, dbeta


def _to_rows(x):
    """(N, C, H, W) -> (N H W, C): every pixel of every sample is one row of C features."""
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def _from_rows(rows, shape):
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


def spatial_batchnorm_forward(x, gamma, beta, train=True, running_mean=None,
                              running_var=None, momentum=0.1, eps=1e-5):
    """Batch normalisation of feature maps: one mean and variance per channel, taken over the
    batch and all positions (N H W values), as a convolutional layer shares its weights over
    positions.

    Book: 06_regularization, section "Batch normalization"; used in 12_cnn.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_channels, height, width)
    gamma, beta : ndarray of shape (n_channels,)
    train, running_mean, running_var, momentum, eps
        As in :func:`batchnorm_forward` (running statistics of shape (n_channels,)).

    Returns
    -------
    out : ndarray of shape (n_samples, n_channels, height, width)
    cache : tuple
    """
    x = as_float(x)
    if x.ndim != 4:
        raise ValueError(f"spatial_batchnorm_forward needs x of shape (N, C, H, W), got "
                         f"{x.shape}; use batchnorm_forward for (n_samples, n_features)")
    rows, cache = batchnorm_forward(_to_rows(x), gamma, beta, train, running_mean,
                                    running_var, momentum, eps)
    return _from_rows(rows, x.shape), (cache, x.shape)


def spatial_batchnorm_backward(dout, cache):
    """Gradients of :func:`spatial_batchnorm_forward`.

    Returns
    -------
    dx : ndarray of shape (n_samples, n_channels, height, width)
    dgamma, dbeta : ndarray of shape (n_channels,)
    """
    flat_cache, shape = cache
    drows, dgamma, dbeta = batchnorm_backward(_to_rows(dout), flat_cache)
    return _from_rows(drows, shape), dgamma, dbeta
