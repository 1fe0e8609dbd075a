"""A layer of units: the affine map A = X W + b.

Book: 04_backprop, section "From one unit to a layer".
"""


__all__ = ["affine_forward", "affine_backward"]


def affine_forward(x, W, b):
    """A = x W + b for a batch of row vectors.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_in)
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)

    Returns
    -------
    out : ndarray of shape (n_samples, n_out)
    cache : tuple
        (x, W), what the backward pass needs.
    """
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise ValueError(f"x of shape {x.shape} cannot be multiplied by W of shape {W.shape}; "
                         "x must be (n_samples, n_in) and W (n_in, n_out)")
    return x @ W + b, (x, W)


def affine_backward(dout, cache, need_dx=True):
    """Gradients of A = x W + b.

    Parameters
    ----------
    dout : ndarray of shape (n_samples, n_out)
        dE/dA.
    cache : tuple
        From :func:`affine_forward`.
    need_dx : bool, default=True
        False skips dx, for a first layer whose input is the data: nothing uses its
        gradient, and for a wide input (784 pixels) it is the largest product of the pass.

    Returns
    -------
    dx : ndarray of shape (n_samples, n_in), or None when ``need_dx`` is False
        dE/dx = dout W^T (the error sent to the layer below).
    dW : ndarray of shape (n_in, n_out)
        dE/dW = x^T dout (each weight: its input times the error of its unit, summed over samples).
    db : ndarray of shape (n_out,)
        dE/db = dout summed over samples.
    """
    x, W = cache
    return dout @ W.T if need_dx else None, x.T @ dout, dout.sum(axis=0)
