"""Fully connected layers: the affine map and an elementwise activation.

Book: 04_backprop (the pairs), 06_regularization (as layers).
"""

import numbers

import numpy as np

from .._validation import check_option, check_scalar
from ..core.activations import ACTIVATIONS, activation_backward, activation_forward
from ..core.init import INITS, init_weights
from ..core.linear import affine_backward, affine_forward
from .base import Layer

__all__ = ["Affine", "Activation"]


class Affine(Layer):
    """A = x W + b, over :func:`dlcourse.core.linear.affine_forward`.

    Parameters
    ----------
    n_in, n_out : int
    init : str, default="glorot"
        See :func:`dlcourse.core.init.init_weights`.
    bias : bool, default=True
        Whether the layer has b (a layer followed by batch norm does not need one).
    input_grad : bool, default=True
        Whether ``backward`` returns dE/dx; False for a first layer fed with data, whose
        gradient nobody uses (``backward`` then returns None).
    rng : None, int or Generator
    dtype : numpy dtype, default=float64

    Attributes
    ----------
    params : {"W": (n_in, n_out), "b": (n_out,)}
    """

    def __init__(self, n_in, n_out, init="glorot", bias=True, input_grad=True, rng=None,
                 dtype=np.float64):
        super().__init__()
        self.input_grad = bool(input_grad)
        n_in = check_scalar(n_in, "n_in", kind=numbers.Integral, low=1)
        n_out = check_scalar(n_out, "n_out", kind=numbers.Integral, low=1)
        check_option(init, "init", INITS)
        self.params["W"] = np.ascontiguousarray(init_weights(n_in, n_out, init, rng),
                                                dtype=dtype)
        if bias:
            self.params["b"] = np.zeros(n_out, dtype=dtype)

    def forward(self, x, train=True):
        W = self.params["W"]
        b = self.params.get("b")
        out, self._cache = affine_forward(x, W, b if b is not None else W.dtype.type(0))
        return out

    def backward(self, dout):
        dx, dW, db = affine_backward(dout, self._need_cache(), need_dx=self.input_grad)
        self.grads = {"W": dW, "b": db} if "b" in self.params else {"W": dW}
        return dx


class Activation(Layer):
    """y = f(a) elementwise, over :func:`dlcourse.core.activations.activation_forward`.

    Parameters
    ----------
    name : str
        A key of :data:`dlcourse.core.activations.ACTIVATIONS`.
    """

    def __init__(self, name):
        super().__init__()
        self.name = check_option(name, "activation", tuple(ACTIVATIONS))

    def forward(self, x, train=True):
        out, self._cache = activation_forward(x, self.name)
        return out

    def backward(self, dout):
        return activation_backward(dout, self._need_cache())

    def __repr__(self):
        return f"Activation({self.name!r})"
