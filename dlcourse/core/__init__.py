"""The math form: stateless NumPy functions named as in the book.

Forward/backward pairs follow one convention: ``op_forward(x, ...) -> (out, cache)`` and
``op_backward(dout, cache) -> (dx, ...)``, one gradient per positional input, each the
gradient of the loss being minimised.
"""
