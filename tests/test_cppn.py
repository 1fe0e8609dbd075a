"""CPPNs (dlcourse.core.cppn): patterns have the regularities of their activations, the
substrate's weights come from the CPPN, mutation keeps the structure."""

import numpy as np
import pytest

from dlcourse.core.cppn import (cppn_forward, cppn_mutate, cppn_pattern, random_cppn,
                                substrate_weights)


def test_a_cppn_of_distance_alone_draws_a_radially_symmetric_pattern():
    rng = np.random.default_rng(0)
    cppn = random_cppn(3, [6, 6], rng)
    cppn[0]["W"][:2] = 0.0                          # only d = sqrt(x^2 + y^2) reaches the net
    image = cppn_pattern(cppn, 21)
    np.testing.assert_allclose(image, image[::-1, :], atol=1e-12)
    np.testing.assert_allclose(image, image.T, atol=1e-12)
    assert image.shape == (21, 21) and np.all(np.abs(image) < 1)


def test_a_gauss_unit_of_x_gives_a_mirror_symmetric_pattern():
    rng = np.random.default_rng(1)
    cppn = random_cppn(3, [5], rng, activations=["gauss"])
    cppn[0]["W"][1:] = 0.0                          # only x reaches the hidden units
    cppn[0]["b"][:] = 0.0
    image = cppn_pattern(cppn, 15)
    np.testing.assert_allclose(image, image[:, ::-1], atol=1e-12)


def test_substrate_weights_are_the_cppn_at_each_pair_of_positions():
    rng = np.random.default_rng(2)
    cppn = random_cppn(4, [8], rng)
    P, Q = rng.random((5, 2)), rng.random((3, 2))
    W = substrate_weights(cppn, P, Q, threshold=0.0)
    assert W.shape == (5, 3)
    assert W[4, 1] == pytest.approx(cppn_forward(cppn, np.r_[P[4], Q[1]][None])[0])
    sparse = substrate_weights(cppn, P, Q, threshold=0.5)
    assert np.all((sparse == 0) | (np.abs(sparse) >= 0.5))


def test_mutation_copies_and_a_small_step_changes_the_pattern_a_little():
    rng = np.random.default_rng(3)
    cppn = random_cppn(3, [8, 8], rng)
    child = cppn_mutate(cppn, 0.01, rng)
    assert child[0]["W"] is not cppn[0]["W"]
    assert 0 < np.abs(cppn_pattern(child, 16) - cppn_pattern(cppn, 16)).max() < 0.2


def test_bad_inputs_say_what_is_wrong():
    rng = np.random.default_rng(4)
    with pytest.raises(ValueError, match="unknown activations"):
        random_cppn(3, [4], rng, activations=["relu6"])
    with pytest.raises(ValueError, match="shape"):
        cppn_forward(random_cppn(3, [4], rng), np.zeros((5, 4)))
