"""The exact block-Gibbs transition matrix and the exact expectation of CD-k (rbm_exact).

Book: 10_rbm, section "Measuring what CD does".
"""

import numpy as np
import pytest

from dlcourse.core.rbm import cd_gradient
from dlcourse.data.patterns import bars_and_stripes
from dlcourse.testing import rbm_exact


def random_rbm(n_visible, n_hidden, scale, seed):
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, scale, (n_visible, n_hidden)), rng.normal(0.0, 0.5, n_visible),
            rng.normal(0.0, 0.5, n_hidden))


def test_transition_rows_are_distributions_and_keep_the_model_distribution_fixed():
    W, a, b = random_rbm(5, 3, 1.5, 0)
    T = rbm_exact.gibbs_transition(W, a, b)
    assert T.shape == (32, 32)
    assert np.all(T >= 0)
    np.testing.assert_allclose(T.sum(axis=1), 1.0, atol=1e-12)
    p = np.exp(rbm_exact.log_likelihood(rbm_exact.all_states(5), W, a, b))
    np.testing.assert_allclose(p @ T, p, atol=1e-12)


def test_transition_row_matches_sampled_block_gibbs_steps():
    W, a, b = random_rbm(4, 3, 1.0, 1)
    T = rbm_exact.gibbs_transition(W, a, b)
    rng = np.random.default_rng(2)
    m, start = 40000, 6
    V = np.tile(rbm_exact.all_states(4)[start], (m, 1))
    _, v1 = cd_gradient(V, W, a, b, rng.random((1, m, 3)), rng.random((1, m, 4)))
    counts = np.bincount(v1.astype(int) @ (1 << np.arange(3, -1, -1)), minlength=16) / m
    np.testing.assert_allclose(counts, T[start], atol=0.01)


def test_expected_cd_gradient_matches_the_average_of_many_sampled_estimates():
    X = bars_and_stripes(3)
    W, a, b = random_rbm(9, 4, 1.0, 3)
    rng = np.random.default_rng(4)
    R = np.repeat(X, 3000, axis=0)
    for k in (1, 3):
        (dW, da, db), _ = cd_gradient(R, W, a, b, rng.random((k, len(R), 4)),
                                      rng.random((k, len(R), 9)))
        expected = rbm_exact.cd_expected_gradient(X, W, a, b, k)
        for sampled, exact in zip((dW, da, db), expected):
            np.testing.assert_allclose(sampled, exact, atol=0.015)


def test_cd_bias_vanishes_as_k_grows_and_is_positive_for_small_k():
    X = bars_and_stripes(3)
    W, a, b = random_rbm(9, 6, 2.0, 5)
    exact = np.concatenate([g.ravel() for g in rbm_exact.nll_gradient(X, W, a, b)])

    def bias(k):
        g = np.concatenate([x.ravel() for x in rbm_exact.cd_expected_gradient(X, W, a, b, k)])
        return np.linalg.norm(g - exact)

    biases = [bias(k) for k in (1, 4, 16, 400)]
    assert biases[0] > 1e-3 * np.linalg.norm(exact)
    assert biases[0] > biases[1] > biases[2] > biases[3]
    assert biases[3] < 1e-6 * np.linalg.norm(exact)


def test_cd1_is_unbiased_when_the_weights_are_zero():
    # with W = 0 the hidden layer carries no information: one step reaches the model exactly
    X = bars_and_stripes(3)
    W, a, b = np.zeros((9, 3)), np.linspace(-1.0, 1.0, 9), np.array([0.5, -0.5, 0.0])
    for got, want in zip(rbm_exact.cd_expected_gradient(X, W, a, b, 1),
                         rbm_exact.nll_gradient(X, W, a, b)):
        np.testing.assert_allclose(got, want, atol=1e-12)


@pytest.mark.parametrize("k, V, message", [
    (0, bars_and_stripes(2), "k must be"),
    (1.5, bars_and_stripes(2), "k must be"),
    (1, np.full((2, 4), 0.5), "binary"),
    (1, np.zeros((2, 3)), "columns"),
])
def test_cd_expected_gradient_rejects_bad_arguments(k, V, message):
    W, a, b = random_rbm(4, 2, 1.0, 6)
    with pytest.raises(ValueError, match=message):
        rbm_exact.cd_expected_gradient(V, W, a, b, k)


def test_transition_refuses_too_many_visible_units():
    n = rbm_exact.MAX_TRANSITION_VISIBLE + 1
    with pytest.raises(ValueError, match="visible"):
        rbm_exact.gibbs_transition(np.zeros((n, 2)), np.zeros(n), np.zeros(2))
