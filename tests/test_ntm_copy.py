"""The copy-task NTM (dlcourse.models.ntm_copy): backpropagation through time through both
heads and the memory against centred finite differences in float64; training learns to copy
for a fixed seed."""

import numpy as np
import pytest

from dlcourse.models.ntm_copy import init_ntm_copy, ntm_copy_backward, ntm_copy_forward
from dlcourse.optim import Adam
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient


@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_through_time_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    params = init_ntm_copy(3, rng, scale=0.5)
    x = (rng.random((3, 3)) < 0.5).astype(float)
    _, _, cache = ntm_copy_forward(params, x, 5)
    grads = ntm_copy_backward(params, cache)
    for name in params:
        numeric = numerical_gradient(lambda _: ntm_copy_forward(params, x, 5)[0], params[name])
        # some entries of dWc are ~1e-8, where the difference's noise (~1e-11 |E| / h scale)
        # dominates an entrywise relative error; compare with an absolute floor instead
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=name)


def test_a_wrong_output_gradient_fails_the_check():
    rng = np.random.default_rng(2)
    params = init_ntm_copy(3, rng)
    x = (rng.random((3, 3)) < 0.5).astype(float)
    _, _, cache = ntm_copy_forward(params, x, 5)
    grads = ntm_copy_backward(params, cache)
    numeric = numerical_gradient(lambda _: ntm_copy_forward(params, x, 5)[0], params["Wc"])
    assert relative_error(2 * grads["Wc"], numeric) > 0.3
    assert not np.allclose(2 * grads["Wc"], numeric, rtol=1e-6, atol=1e-9)


def test_training_learns_to_copy():
    # seed 1: no wrong bits on new sequences after 600 sequences
    rng = np.random.default_rng(1)
    params = init_ntm_copy(4, rng)
    optimizer = Adam(eta=0.02)
    for _ in range(600):
        x = (rng.random((4, 4)) < 0.5).astype(float)
        _, _, cache = ntm_copy_forward(params, x, 8)
        optimizer.step(params, ntm_copy_backward(params, cache))
    wrong = 0
    for _ in range(50):
        x = (rng.random((4, 4)) < 0.5).astype(float)
        _, y, _ = ntm_copy_forward(params, x, 8)
        wrong += np.sum((y[4:] > 0.5) != (x > 0.5))
    assert wrong == 0


def test_bits_must_match_the_model():
    params = init_ntm_copy(4, 0)
    with pytest.raises(ValueError, match="n_bits=3"):
        ntm_copy_forward(params, np.zeros((2, 3)), 4)
