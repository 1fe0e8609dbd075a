"""The recursive network over trees (dlcourse.core.recursive): backpropagation through
structure against centred finite differences in float64, expressions and their values."""

import numpy as np
import pytest

from dlcourse.core.recursive import (expression_value, init_tree_params, random_expression,
                                     tree_backward, tree_forward)
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient

TREE = (0, (1, 3, 1), (0, 2, (1, 4, 4)))          # (3 - 1) + (2 + (4 - 4)) = 4


def test_expression_value_by_hand():
    assert expression_value(TREE) == 4 and expression_value(3) == 3


def test_backprop_through_structure_matches_finite_differences():
    rng = np.random.default_rng(0)
    params = init_tree_params(5, 2, 4, rng)
    params["b"] = rng.normal(0, 0.3, params["b"].shape)
    G = rng.standard_normal(4)
    h, cache = tree_forward(TREE, params)
    grads = tree_backward(G, cache, params)
    for name in params:
        numeric = numerical_gradient(lambda _: float(tree_forward(TREE, params)[0] @ G),
                                     params[name])
        assert relative_error(grads[name], numeric) < 1e-7, name


def test_a_shared_module_gets_the_sum_of_its_uses():
    rng = np.random.default_rng(1)
    params = init_tree_params(5, 2, 3, rng)
    G = rng.standard_normal(3)
    _, cache = tree_forward(TREE, params)
    grads = tree_backward(G, cache, params)
    # leaf 4 appears twice, leaf 0 never: its embedding row gets no gradient
    assert np.all(grads["E"][0] == 0) and np.any(grads["E"][4] != 0)
    twice = tree_backward(G, cache, params, grads={k: v.copy() for k, v in grads.items()})
    np.testing.assert_allclose(twice["W"], 2 * grads["W"])


def test_random_expressions_respect_the_depth():
    rng = np.random.default_rng(2)

    def depth(t):
        return 0 if isinstance(t, int) else 1 + max(depth(t[1]), depth(t[2]))

    trees = [random_expression(3, 5, rng) for _ in range(200)]
    assert max(depth(t) for t in trees) == 3 and min(depth(t) for t in trees) == 0


def test_bad_trees_say_what_is_wrong():
    params = init_tree_params(5, 2, 3, np.random.default_rng(3))
    with pytest.raises(ValueError, match="outside"):
        tree_forward((0, 1, 7), params)
    with pytest.raises(ValueError, match="tuple"):
        tree_forward([0, 1, 2], params)
