"""The layer interface: a thin object over one ``core`` forward/backward pair.

Book: 06_regularization (the package behind the chapter; used from 12_cnn on).

A layer keeps what its pair needs between the passes (the cache) and its parameters, and
does no math of its own:

* ``forward(x, train)`` calls ``op_forward`` and keeps the cache;
* ``backward(dout)`` calls ``op_backward`` with that cache, stores the parameter gradients in
  ``grads`` and returns dE/dx for the layer below;
* ``params`` and ``grads`` are dicts with the same keys, the arrays any optimizer updates;
* ``buffers`` holds state that is learned but not by gradient (batch norm's running
  statistics).
"""

__all__ = ["Layer"]


class Layer:
    """Base class of layers; subclasses set ``params`` and implement the two passes.

    Attributes
    ----------
    params : dict of str -> ndarray
        Trainable arrays, updated in place by an optimizer.
    grads : dict of str -> ndarray
        dE/dparam after the last ``backward``, same keys as ``params``.
    buffers : dict of str -> ndarray
        Other state that training changes (not by gradient).
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.buffers = {}
        self._cache = None

    def forward(self, x, train=True):
        """Output of the layer for input ``x``; ``train`` switches training behaviour
        (dropout masks, batch statistics) on or off."""
        raise NotImplementedError

    def backward(self, dout):
        """Given dE/dout of the last ``forward``, fill ``grads`` and return dE/dx."""
        raise NotImplementedError

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward needs a forward pass first; "
                               "call forward(x, train=True) on the same batch")
        return self._cache

    def __repr__(self):
        shapes = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"
