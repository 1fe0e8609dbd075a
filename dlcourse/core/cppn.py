"""Compositional pattern-producing networks (CPPNs): an indirect encoding.

Book: 17_beyond, section "Direct and indirect encodings".

A CPPN is a small network that maps *coordinates* to a value. Its units use varied
activation functions, each adding a kind of regularity to the pattern:

    sin       repetition              gauss  exp(-a^2)   symmetry about a = 0
    sigmoid   a soft step             tanh, abs, identity

Drawn at every pixel (x, y) of a grid, with the distance d = sqrt(x^2 + y^2) from the centre as
an extra input, it paints an image (Stanley, 2007). Queried at pairs of neuron positions
(x1, y1, x2, y2) it gives the weight of the connection between them: a large network's weights
described by a few CPPN parameters (HyperNEAT, Stanley et al., 2009). That is an *indirect*
encoding: the genome is the CPPN, not the weights it produces.

A CPPN here is a list of layers, each a dict with ``"W"`` (n_in, n_out), ``"b"`` (n_out,) and
``"act"`` (n_out,) activation names; the last layer has one unit.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["ACTIVATIONS", "cppn_forward", "cppn_mutate", "cppn_pattern", "random_cppn",
           "substrate_weights"]

ACTIVATIONS = {
    "sin": lambda a: np.sin(a),
    "gauss": lambda a: np.exp(-a * a),
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
    "tanh": np.tanh,
    "abs": np.abs,
    "identity": lambda a: a,
}


def random_cppn(n_inputs, hidden, rng, scale=1.5, activations=None):
    """A CPPN with random weights and a random activation for every unit.

    Parameters
    ----------
    n_inputs : int
        3 for images (x, y, d), 4 for a substrate's connections (x1, y1, x2, y2).
    hidden : sequence of int
        Units per hidden layer.
    rng : Generator
    scale : float
        First-layer weights from N(0, scale^2): larger scales give busier patterns. Later
        weights are N(0, 1.5^2 / fan_in); hidden biases N(0, 1), the output's bias 0.
    activations : sequence of str, optional
        Names from ``ACTIVATIONS`` to choose from (default: all). The output unit is ``tanh``.

    Returns
    -------
    cppn : list of dict
    """
    rng = check_rng(rng)
    check_scalar(n_inputs, "n_inputs", kind=numbers.Integral, low=1)
    names = list(ACTIVATIONS) if activations is None else list(activations)
    unknown = [a for a in names if a not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activations {unknown}; choose from {list(ACTIVATIONS)}")
    sizes = [n_inputs, *hidden, 1]
    cppn = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = k == len(sizes) - 2
        # the first layer sees coordinates in [-1, 1]: its scale sets the pattern's frequency;
        # later layers get unit-variance inputs to their units, and the output no bias, so
        # that it neither saturates nor drifts to one shade
        std = scale if k == 0 else 1.5 / np.sqrt(n_in)
        cppn.append({"W": rng.normal(0, std, (n_in, n_out)),
                     "b": np.zeros(n_out) if last else rng.normal(0, 1.0, n_out),
                     "act": np.array(["tanh"] if last else rng.choice(names, n_out))})
    return cppn


def cppn_forward(cppn, inputs):
    """Outputs of the CPPN for a batch of coordinates.

    Parameters
    ----------
    cppn : list of dict
    inputs : ndarray of shape (n, n_inputs)

    Returns
    -------
    out : ndarray of shape (n,), in (-1, 1)
    """
    h = np.asarray(inputs, dtype=float)
    if h.ndim != 2 or h.shape[1] != cppn[0]["W"].shape[0]:
        raise ValueError(f"inputs must have shape (n, {cppn[0]['W'].shape[0]}), got {h.shape}")
    for layer in cppn:
        a = h @ layer["W"] + layer["b"]
        h = np.empty_like(a)
        for name in set(layer["act"]):
            cols = layer["act"] == name
            h[:, cols] = ACTIVATIONS[name](a[:, cols])
    return h[:, 0]


def cppn_pattern(cppn, size):
    """The CPPN drawn on a size x size grid over [-1, 1]^2 from inputs (x, y, d).

    Returns
    -------
    image : ndarray of shape (size, size)
    """
    size = check_scalar(size, "size", kind=numbers.Integral, low=2)
    y, x = np.mgrid[-1:1:size * 1j, -1:1:size * 1j]
    coords = np.stack([x.ravel(), y.ravel(), np.hypot(x, y).ravel()], axis=1)
    return cppn_forward(cppn, coords).reshape(size, size)


def substrate_weights(cppn, positions_in, positions_out, threshold=0.2):
    """HyperNEAT: the weights between two layers of neurons placed in the plane.

    Parameters
    ----------
    cppn : list of dict
        With 4 inputs (x1, y1, x2, y2).
    positions_in : ndarray of shape (n_in, 2)
    positions_out : ndarray of shape (n_out, 2)
    threshold : float
        Outputs with |value| below it give no connection (weight 0), as in HyperNEAT.

    Returns
    -------
    W : ndarray of shape (n_in, n_out)
    """
    P, Q = np.asarray(positions_in, float), np.asarray(positions_out, float)
    pairs = np.concatenate([np.repeat(P, len(Q), axis=0), np.tile(Q, (len(P), 1))], axis=1)
    W = cppn_forward(cppn, pairs).reshape(len(P), len(Q))
    return np.where(np.abs(W) < threshold, 0.0, W)


def cppn_mutate(cppn, sigma, rng, p_activation=0.0, activations=None):
    """A copy with N(0, sigma^2) added to every weight and bias, and each hidden unit's
    activation redrawn with probability ``p_activation``."""
    rng = check_rng(rng)
    names = list(ACTIVATIONS) if activations is None else list(activations)
    child = []
    for k, layer in enumerate(cppn):
        act = layer["act"].copy()
        if k < len(cppn) - 1:
            redraw = rng.random(len(act)) < p_activation
            act[redraw] = rng.choice(names, int(redraw.sum()))
        child.append({"W": layer["W"] + rng.normal(0, sigma, layer["W"].shape),
                      "b": layer["b"] + rng.normal(0, sigma, layer["b"].shape), "act": act})
    return child
