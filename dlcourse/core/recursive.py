"""A recursive network over trees, trained by backpropagation through structure.

Book: 17_beyond, section "A recursive network over trees".

A tree is a nested tuple: a leaf is a symbol (an int in 0 .. n_symbols - 1), an inner node
is ``(op, left, right)`` with an operator index ``op`` in 0 .. n_ops - 1. The network gives
every node a vector of size D with two modules, reused wherever they occur (Bottou, 2011):

    (R1) leaf:  h = E[symbol]                                  (an embedding row)
    (R2) node:  h = tanh([h_left, h_right] W[op] + b[op])      (one association module per
                                                                operator)

so the shape of the computation is the shape of the tree, rebuilt for every input. The
gradient runs back down the same tree (backpropagation through structure): the gradient at a
node goes through its module to its two children, and every use of a module adds to that
module's weight gradient.
"""

import numbers

import numpy as np

from .._rng import check_rng
from .._validation import check_scalar

__all__ = ["expression_value", "init_tree_params", "random_expression", "tree_backward",
           "tree_forward"]

OPS = ("+", "-")


def init_tree_params(n_symbols, n_ops, D, rng, scale=0.5):
    """Embedding ``E`` (n_symbols, D), module weights ``W`` (n_ops, 2D, D) and biases ``b``
    (n_ops, D): W from N(0, 1/(2D)), E from N(0, scale^2), b zero."""
    rng = check_rng(rng)
    for name, value in [("n_symbols", n_symbols), ("n_ops", n_ops), ("D", D)]:
        check_scalar(value, name, kind=numbers.Integral, low=1)
    return {"E": rng.normal(0, scale, (n_symbols, D)),
            "W": rng.normal(0, 1 / np.sqrt(2 * D), (n_ops, 2 * D, D)),
            "b": np.zeros((n_ops, D))}


def tree_forward(tree, params):
    """The root's vector, (R1)-(R2) applied bottom-up.

    Parameters
    ----------
    tree : int or tuple (op, left, right)
    params : dict with "E" (n_symbols, D), "W" (n_ops, 2D, D), "b" (n_ops, D)

    Returns
    -------
    h : ndarray of shape (D,)
    cache : tuple
        What :func:`tree_backward` needs: the tree with every node's vector.
    """
    if isinstance(tree, (int, np.integer)):
        n_symbols = len(params["E"])
        if not 0 <= tree < n_symbols:
            raise ValueError(f"leaf symbol {tree} is outside 0 .. {n_symbols - 1}")
        h = params["E"][tree]
        return h, ("leaf", int(tree), h)
    if not (isinstance(tree, tuple) and len(tree) == 3):
        raise ValueError(f"a tree is a leaf int or a tuple (op, left, right), got {tree!r}")
    op, left, right = tree
    h_l, cache_l = tree_forward(left, params)
    h_r, cache_r = tree_forward(right, params)
    x = np.concatenate([h_l, h_r])
    h = np.tanh(x @ params["W"][op] + params["b"][op])                         # (R2)
    return h, ("node", op, x, h, cache_l, cache_r)


def tree_backward(dh, cache, params, grads=None):
    """Backpropagation through structure: add dE/dparams of one tree into ``grads``.

    Parameters
    ----------
    dh : ndarray of shape (D,)
        dE/dh at the root.
    cache : tuple
        From :func:`tree_forward`.
    params : dict
    grads : dict, optional
        Arrays shaped like ``params`` to accumulate into (zeros when omitted), so a batch of
        trees can share one gradient.

    Returns
    -------
    grads : dict with "E", "W", "b"
    """
    if grads is None:
        grads = {k: np.zeros_like(v) for k, v in params.items()}
    stack = [(dh, cache)]
    while stack:                       # an explicit stack: deep trees do not hit recursion limits
        d, c = stack.pop()
        if c[0] == "leaf":
            grads["E"][c[1]] += d
            continue
        _, op, x, h, cache_l, cache_r = c
        da = d * (1 - h * h)                                  # through the tanh
        grads["W"][op] += np.outer(x, da)
        grads["b"][op] += da
        dx = params["W"][op] @ da
        D = len(h)
        stack.append((dx[:D], cache_l))
        stack.append((dx[D:], cache_r))
    return grads


def random_expression(max_depth, n_symbols, rng, p_leaf=0.3):
    """A random expression tree over the digits 0 .. n_symbols - 1 and the operators of
    ``OPS``; below ``max_depth`` a node becomes a leaf with probability ``p_leaf``, at
    ``max_depth`` always."""
    rng = check_rng(rng)
    if max_depth == 0 or (rng.random() < p_leaf):
        return int(rng.integers(n_symbols))
    return (int(rng.integers(len(OPS))), random_expression(max_depth - 1, n_symbols, rng, p_leaf),
            random_expression(max_depth - 1, n_symbols, rng, p_leaf))


def expression_value(tree):
    """The value of an expression tree (leaf symbols are their own values)."""
    if isinstance(tree, (int, np.integer)):
        return int(tree)
    op, left, right = tree
    a, b = expression_value(left), expression_value(right)
    return a + b if OPS[op] == "+" else a - b
