"""Backpropagation: the four equations, and a network's forward and backward passes built
from them.

Book: 04_backprop, eqs. (BP1)-(BP4).

A network of L layers maps a batch X (one example per row) through

    A^l = Y^{l-1} W^l + b^l,    Y^l = f_l(A^l),    Y^0 = X,           l = 1..L

and delta^l = dE/dA^l is the error of layer l. Then, with (.) the elementwise product,

    (BP1)  delta^L = dE/dY^L (.) f_L'(A^L)                         error at the output
    (BP2)  delta^l = (delta^{l+1} W^{l+1 T}) (.) f_l'(A^l)         error sent one layer down
    (BP3)  dE/db^l = sum over samples of delta^l
    (BP4)  dE/dW^l = Y^{l-1 T} delta^l

For a softmax or sigmoid output with the cross-entropy, BP1 simplifies to
delta^L = (Y^L - T) / n: the derivative of the output function cancels against the
logarithm of the loss, which is why these pairs learn fast even when the output saturates.
"""


from .activations import ACTIVATIONS, softmax, softmax_backward
from .losses import (binary_cross_entropy_forward, categorical_cross_entropy_forward,
                     hinge_backward, hinge_forward, log_softmax_loss_backward,
                     log_softmax_loss_forward, max_margin_backward, max_margin_forward,
                     multiclass_hinge_backward, multiclass_hinge_forward, mse_backward,
                     mse_forward)

__all__ = [
    "output_error", "hidden_error", "bias_gradient", "weight_gradient",
    "OUTPUTS", "LOSSES", "network_forward", "network_loss", "network_backward",
]


def output_error(dE_dY, A_L, f_prime):
    """(BP1) The error of the output layer, delta^L = dE/dY^L (.) f'(A^L).

    Parameters
    ----------
    dE_dY : ndarray of shape (n_samples, n_out)
        Gradient of the loss with respect to the network's outputs.
    A_L : ndarray of shape (n_samples, n_out)
        Net inputs of the output layer.
    f_prime : callable
        Derivative of the output activation, elementwise.

    Returns
    -------
    delta_L : ndarray of shape (n_samples, n_out)
    """
    return dE_dY * f_prime(A_L)


def hidden_error(delta_next, W_next, A, f_prime):
    """(BP2) The error of layer l from the layer above: (delta^{l+1} W^{l+1 T}) (.) f'(A^l).

    Parameters
    ----------
    delta_next : ndarray of shape (n_samples, n_next)
        Error of layer l + 1.
    W_next : ndarray of shape (n_units, n_next)
        Weights from layer l into layer l + 1.
    A : ndarray of shape (n_samples, n_units)
        Net inputs of layer l.
    f_prime : callable
        Derivative of layer l's activation.

    Returns
    -------
    delta : ndarray of shape (n_samples, n_units)
    """
    return (delta_next @ W_next.T) * f_prime(A)


def bias_gradient(delta):
    """(BP3) dE/db^l: the error of each unit, summed over the samples of the batch.

    Parameters
    ----------
    delta : ndarray of shape (n_samples, n_units)

    Returns
    -------
    ndarray of shape (n_units,)
    """
    return delta.sum(axis=0)


def weight_gradient(Y_prev, delta):
    """(BP4) dE/dW^l = Y^{l-1 T} delta^l: a weight's input times its unit's error, summed.

    Parameters
    ----------
    Y_prev : ndarray of shape (n_samples, n_in)
        Outputs of the layer below (the inputs X for the first layer).
    delta : ndarray of shape (n_samples, n_units)

    Returns
    -------
    ndarray of shape (n_in, n_units)
    """
    return Y_prev.T @ delta


#: output functions a network may end with: every elementwise activation, and softmax
OUTPUTS = tuple(ACTIVATIONS) + ("softmax",)

#: loss name -> (output functions it expects, or None for any)
LOSSES = {
    "mse": None,                    # square loss, any output
    "cross_entropy": ("sigmoid", "softmax"),
    "hinge": ("linear",),           # binary, targets in {-1, +1} (one column)
    "max_margin": ("linear",),      # hinge on the largest wrong score (Crammer-Singer)
    "multiclass_hinge": ("linear",),  # a hinge for every wrong score (Weston-Watkins)
    "log_softmax": ("linear",),     # -log softmax(A)_c, one-hot targets
}


def _apply(name, A):
    return softmax(A) if name == "softmax" else ACTIVATIONS[name][0](A)


def network_forward(X, W, b, activations):
    """Forward pass, keeping every layer's net inputs and outputs for the backward pass.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    W : list of L ndarrays, W[l] of shape (n_{l}, n_{l+1})
    b : list of L ndarrays, b[l] of shape (n_{l+1},)
    activations : list of L str
        Activation of each layer (names of :data:`OUTPUTS`; softmax only for the last).

    Returns
    -------
    A : list of L ndarrays
        Net inputs A^1..A^L.
    Y : list of L + 1 ndarrays
        Outputs Y^0 = X, Y^1..Y^L.
    """
    Y, A = [X], []
    for Wl, bl, f in zip(W, b, activations):
        A.append(Y[-1] @ Wl + bl)
        Y.append(_apply(f, A[-1]))
    return A, Y


def network_loss(A_L, Y_L, T, output, loss):
    """The mean loss E of a batch and the output error delta^L (BP1).

    Where the output and loss match (sigmoid or softmax with cross-entropy) both are computed
    from the net inputs A^L, which keeps them finite at any scale.

    Parameters
    ----------
    A_L, Y_L : ndarray of shape (n_samples, n_out)
        Net inputs and outputs of the last layer.
    T : ndarray of shape (n_samples, n_out)
        Targets (one-hot rows for classification; +-1 for "hinge").
    output : str
    loss : str

    Returns
    -------
    E : float
    delta_L : ndarray of shape (n_samples, n_out)
    """
    n = A_L.shape[0]
    if loss == "cross_entropy":
        if output == "softmax":
            E, _ = categorical_cross_entropy_forward(A_L, T)
        else:
            E, _ = binary_cross_entropy_forward(A_L.ravel(), T.ravel())
            E *= A_L.shape[1]           # a mean over samples, summed over output units
        return E, (Y_L - T) / n         # BP1 with f' cancelled
    if loss == "mse":
        E, cache = mse_forward(Y_L, T)
        dE_dY = mse_backward(1.0, cache)
        if output == "softmax":
            return E, softmax_backward(dE_dY, Y_L)
        return E, output_error(dE_dY, A_L, ACTIVATIONS[output][1])
    forward, backward = {
        "hinge": (hinge_forward, hinge_backward),
        "max_margin": (max_margin_forward, max_margin_backward),
        "multiclass_hinge": (multiclass_hinge_forward, multiclass_hinge_backward),
        "log_softmax": (log_softmax_loss_forward, log_softmax_loss_backward),
    }[loss]
    E, cache = forward(A_L if loss != "hinge" else A_L.ravel(), T if loss != "hinge" else T.ravel())
    delta = backward(1.0, cache)
    return E, delta.reshape(A_L.shape)  # linear output: f' = 1


def network_backward(delta_L, A, Y, W, activations):
    """Backward pass: the gradients of every layer from the output error, by BP2-BP4.

    Parameters
    ----------
    delta_L : ndarray of shape (n_samples, n_out)
        Output error from :func:`network_loss` (BP1).
    A, Y : lists from :func:`network_forward`
    W : list of L ndarrays
    activations : list of L str

    Returns
    -------
    dW : list of L ndarrays, shaped like W
    db : list of L ndarrays, shaped like b
    """
    L = len(W)
    dW, db = [None] * L, [None] * L
    delta = delta_L
    for l in range(L - 1, -1, -1):
        dW[l] = weight_gradient(Y[l], delta)                      # BP4
        db[l] = bias_gradient(delta)                              # BP3
        if l > 0:
            delta = hidden_error(delta, W[l], A[l - 1],           # BP2
                                 ACTIVATIONS[activations[l - 1]][1])
    return dW, db
