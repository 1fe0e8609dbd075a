"""A network as a list of layers, run forward in order and backward in reverse.

Book: 06_regularization (the package behind the chapter; used from 12_cnn on).
"""

from .base import Layer

__all__ = ["Sequential"]


class Sequential(Layer):
    """Chain layers; its ``params``, ``grads`` and ``buffers`` gather theirs under
    ``"<index>.<name>"`` keys ("0.W", "0.b", "2.gamma", ...), so one optimizer updates all.

    Parameters
    ----------
    layers : list of Layer
    """

    def __init__(self, layers):
        self._cache = None                # params, grads and buffers are the layers'
        self.layers = list(layers)
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is a {type(layer).__name__}, not a Layer; build "
                                "networks from dlcourse.layers classes")

    def _gather(self, attribute):
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in getattr(layer, attribute).items()}

    # The layers own the arrays; each dict is new but holds the layers' own arrays, so an
    # optimizer that updates params[...] in place updates the layers.
    @property
    def params(self):
        return self._gather("params")

    @property
    def grads(self):
        return self._gather("grads")

    @property
    def buffers(self):
        return self._gather("buffers")

    def forward(self, x, train=True):
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def backward(self, dout):
        """Backward through every layer; returns dE/dx (None if the first layer is an
        ``Affine(input_grad=False)``)."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential([\n  {inner},\n])"
