"""Dropout, batch normalisation and the weight penalties: gradients against centred finite
differences, the stated properties, and every bad input's message. (PyTorch autograd
comparisons are in tests/test_torch_parity.py.)"""

import numpy as np
import pytest

from dlcourse.core.batchnorm import (batchnorm_backward, batchnorm_forward,
                                     spatial_batchnorm_backward, spatial_batchnorm_forward)
from dlcourse.core.regularization import (dropout_backward, dropout_forward,
                                          elastic_net_penalty, l1_penalty, l2_penalty,
                                          max_norm_project)
from dlcourse.testing import gradcheck, numerical_gradient

rng = np.random.default_rng(0)


# ---- dropout ------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 4)])
def test_dropout_gradient_matches_finite_differences(shape):
    x = rng.standard_normal(shape)
    mask = rng.random(shape) > 0.3
    result = gradcheck(dropout_forward, dropout_backward, [x],
                       kwargs=dict(p_drop=0.3, mask=mask), rng=1)
    assert result, str(result)


def test_inverted_dropout_keeps_the_expected_output():
    # E[y] = x (1 - p_drop) / (1 - p_drop) = x; over 200,000 draws the mean is within 1%
    x = np.full((200_000, 1), 3.0)
    y, cache = dropout_forward(x, p_drop=0.4, rng=0)
    assert y.mean() == pytest.approx(3.0, rel=0.01)
    kept = cache != 0
    assert kept.mean() == pytest.approx(0.6, abs=0.005)
    np.testing.assert_allclose(y[kept], 3.0 / 0.6)           # survivors are scaled up
    assert np.all(y[~kept] == 0)


def test_dropout_is_the_identity_at_test_time_and_for_p_zero():
    x = rng.standard_normal((3, 4))
    for kw in (dict(p_drop=0.5, train=False), dict(p_drop=0.0, train=True)):
        y, cache = dropout_forward(x, rng=0, **kw)
        np.testing.assert_array_equal(y, x)
        np.testing.assert_array_equal(dropout_backward(np.ones_like(x), cache), np.ones_like(x))


def test_dropout_same_seed_same_mask_and_the_backward_uses_it():
    x = rng.standard_normal((6, 7))
    a, ca = dropout_forward(x, 0.5, rng=3)
    b, cb = dropout_forward(x, 0.5, rng=3)
    c, _ = dropout_forward(x, 0.5, rng=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(dropout_backward(np.ones_like(x), ca) == 0, a == 0)


def test_dropout_keeps_float32():
    y, cache = dropout_forward(np.ones((2, 3), dtype=np.float32), 0.5, rng=0)
    assert y.dtype == np.float32 and cache.dtype == np.float32


@pytest.mark.parametrize("kwargs, match", [
    (dict(p_drop=1.0), r"p_drop \(the probability of dropping a unit\) must be < 1"),
    (dict(p_drop=-0.1), r"p_drop .* must be >= 0"),
    (dict(p_drop=0.5, mask=np.ones((2, 2), bool)), "pass one True/False entry per unit"),
])
def test_dropout_bad_input_says_what_to_do(kwargs, match):
    with pytest.raises(ValueError, match=match):
        dropout_forward(np.ones((3, 4)), **kwargs)


# ---- batch norm ---------------------------------------------------------------------------

def bn_inputs(shape, channels):
    return (rng.standard_normal(shape) * 2 + 1, rng.uniform(0.5, 2, channels),
            rng.standard_normal(channels))


@pytest.mark.parametrize("shape", [(2, 3), (5, 4), (16, 1)])
@pytest.mark.parametrize("train", [True, False])
def test_batchnorm_gradients_match_finite_differences(shape, train):
    x, gamma, beta = bn_inputs(shape, shape[1])
    stats = dict(running_mean=rng.standard_normal(shape[1]),
                 running_var=rng.uniform(0.5, 2, shape[1]))
    result = gradcheck(batchnorm_forward, batchnorm_backward, [x, gamma, beta],
                       kwargs=dict(train=train, **stats), names=["x", "gamma", "beta"], rng=2)
    assert result, str(result)


@pytest.mark.parametrize("shape", [(2, 3, 2, 2), (1, 2, 3, 3), (3, 1, 1, 2)])
@pytest.mark.parametrize("train", [True, False])
def test_spatial_batchnorm_gradients_match_finite_differences(shape, train):
    x, gamma, beta = bn_inputs(shape, shape[1])
    stats = dict(running_mean=rng.standard_normal(shape[1]),
                 running_var=rng.uniform(0.5, 2, shape[1]))
    result = gradcheck(spatial_batchnorm_forward, spatial_batchnorm_backward,
                       [x, gamma, beta], kwargs=dict(train=train, **stats),
                       names=["x", "gamma", "beta"], rng=3)
    assert result, str(result)


def test_batchnorm_standardises_each_feature_and_gamma_beta_undo_it():
    x, _, _ = bn_inputs((50, 3), 3)
    y, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-9)
    back, _ = batchnorm_forward(x, x.std(axis=0), x.mean(axis=0), eps=1e-12)
    np.testing.assert_allclose(back, x, atol=1e-9)


def test_batchnorm_running_statistics_worked_example():
    # x = [[1], [3]]: mu = 2, biased var = 1, unbiased 2
    # running_mean = 0.9 * 0 + 0.1 * 2 = 0.2,  running_var = 0.9 * 1 + 0.1 * 2 = 1.1
    rm, rv = np.zeros(1), np.ones(1)
    y, _ = batchnorm_forward(np.array([[1.0], [3.0]]), np.ones(1), np.zeros(1), True, rm, rv,
                             momentum=0.1, eps=0.0001)
    np.testing.assert_allclose(rm, [0.2])
    np.testing.assert_allclose(rv, [1.1])
    np.testing.assert_allclose(y[:, 0], np.array([-1, 1]) / np.sqrt(1.0001))
    # test mode: (5 - 0.2) / sqrt(1.1 + 1e-4) * 2 + 1
    y, _ = batchnorm_forward(np.array([[5.0]]), np.array([2.0]), np.array([1.0]), False, rm, rv,
                             eps=0.0001)
    assert y[0, 0] == pytest.approx(4.8 / np.sqrt(1.1001) * 2 + 1)


def test_batchnorm_dx_sums_to_zero_in_training_mode():
    # a constant added to x changes nothing, so dE/dx has no component along the batch mean:
    # this is why the layer before batch norm needs no bias
    x, gamma, beta = bn_inputs((8, 3), 3)
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, _, _ = batchnorm_backward(rng.standard_normal((8, 3)), cache)
    np.testing.assert_allclose(dx.sum(axis=0), 0, atol=1e-13)


def test_spatial_batchnorm_normalises_each_channel_over_batch_and_positions():
    x = rng.standard_normal((4, 3, 5, 6)) * np.array([1, 5, 10])[None, :, None, None]
    y, _ = spatial_batchnorm_forward(x, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, atol=1e-9)


def test_batchnorm_bad_input_says_what_to_do():
    g, b = np.ones(3), np.zeros(3)
    with pytest.raises(ValueError, match="needs at least 2 values per feature.*batch of 1.*"
                                         "batch_size >= 2, or train=False"):
        batchnorm_forward(np.ones((1, 3)), g, b, train=True)
    with pytest.raises(ValueError, match="batch of 1"):
        spatial_batchnorm_forward(np.ones((1, 3, 1, 1)), g, b, train=True)
    with pytest.raises(ValueError, match="pass running_mean and running_var"):
        batchnorm_forward(np.ones((4, 3)), g, b, train=False)
    with pytest.raises(ValueError, match=r"use spatial_batchnorm_forward for \(N, C, H, W\)"):
        batchnorm_forward(np.ones((4, 3, 2, 2)), g, b)
    with pytest.raises(ValueError, match=r"gamma, beta of shape \(n_features,\)"):
        batchnorm_forward(np.ones((4, 2)), g, b)
    with pytest.raises(ValueError, match="momentum must be <= 1"):
        batchnorm_forward(np.ones((4, 3)), g, b, momentum=1.5)


# ---- penalties ----------------------------------------------------------------------------

def test_penalty_gradients_match_finite_differences():
    W = rng.standard_normal((4, 3))
    W[np.abs(W) < 0.01] = 0.5                  # keep L1 away from its kink at 0
    for penalty in (lambda w: l2_penalty(w, 0.3), lambda w: l1_penalty(w, 0.3),
                    lambda w: elastic_net_penalty(w, 0.2, 0.7)):
        numeric = numerical_gradient(lambda w: penalty(w)[0], W.copy())
        np.testing.assert_allclose(penalty(W)[1], numeric, rtol=1e-7, atol=1e-9)


def test_penalty_worked_values_and_sign_of_zero():
    W = np.array([[3.0, -4.0], [0.0, 1.0]])
    assert l2_penalty(W, 0.5) == (pytest.approx(0.25 * 26), pytest.approx(0.5 * W))
    value, dW = l1_penalty(W, 0.5)
    assert value == 4.0                                  # 0.5 * (3 + 4 + 0 + 1)
    np.testing.assert_array_equal(dW, [[0.5, -0.5], [0.0, 0.5]])   # sign(0) = 0
    value, dW = elastic_net_penalty(W, 0.5, 0.1)
    assert value == pytest.approx(4.0 + 0.05 * 26)
    np.testing.assert_allclose(dW, [[0.8, -0.9], [0.0, 0.6]])


def test_max_norm_rescales_only_the_long_columns():
    W = np.array([[3.0, 0.3], [4.0, 0.4]])               # column norms 5 and 0.5
    P = max_norm_project(W, 2.0)
    np.testing.assert_allclose(P[:, 0], [1.2, 1.6])      # scaled to length 2
    np.testing.assert_array_equal(P[:, 1], W[:, 1])      # inside the ball: untouched
    np.testing.assert_array_equal(max_norm_project(np.zeros((2, 2)), 1.0), 0)
    np.testing.assert_allclose(np.linalg.norm(max_norm_project(W, 2.0, axis=1), axis=1),
                               [2.0, 2.0])


def test_penalty_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="lam must be >= 0"):
        l2_penalty(np.ones(2), -1.0)
    with pytest.raises(ValueError, match=r"c \(the largest norm of a unit's weights\) must be > 0"):
        max_norm_project(np.ones((2, 2)), 0.0)
