"""Generated regression data for chapter 03: lines, sines, polynomial features, splits."""

import numpy as np
import pytest

from dlcourse.data.regression import (linear_data, polynomial_features, sine_data,
                                      train_val_test_split)


def test_linear_data_recovers_its_line_by_least_squares():
    X, t = linear_data(2000, slope=1.5, intercept=-0.7, noise=0.1, rng=0)
    assert X.shape == (2000, 1) and t.shape == (2000,)
    slope, intercept = np.polyfit(X[:, 0], t, 1)
    assert abs(slope - 1.5) < 0.01 and abs(intercept + 0.7) < 0.01


def test_linear_data_without_noise_lies_on_the_line_inside_the_range():
    X, t = linear_data(30, slope=-2.0, intercept=3.0, noise=0.0, x_range=(1.0, 2.0), rng=1)
    np.testing.assert_allclose(t, -2.0 * X[:, 0] + 3.0)
    assert X.min() >= 1.0 and X.max() <= 2.0


def test_same_seed_gives_same_data_and_generator_advances():
    np.testing.assert_array_equal(sine_data(10, rng=3)[1], sine_data(10, rng=3)[1])
    rng = np.random.default_rng(3)
    assert not np.array_equal(sine_data(10, rng=rng)[0], sine_data(10, rng=rng)[0])


def test_sine_data_noise_has_the_requested_spread():
    x, t = sine_data(5000, noise=0.3, rng=2)
    assert abs(np.std(t - np.sin(2 * np.pi * x)) - 0.3) < 0.02


def test_polynomial_features_are_the_powers_without_a_constant_column():
    Phi = polynomial_features([2.0, -1.0], 3)
    np.testing.assert_array_equal(Phi, [[2.0, 4.0, 8.0], [-1.0, 1.0, -1.0]])
    assert polynomial_features([1.0, 2.0], 0).shape == (2, 0)


def test_split_is_a_partition_of_the_samples_with_the_requested_sizes():
    X = np.arange(20.0)[:, None]
    (Xa, ta), (Xb, tb), (Xc, tc) = train_val_test_split(X, np.arange(20.0), (0.5, 0.25, 0.25),
                                                       rng=0)
    assert (len(Xa), len(Xb), len(Xc)) == (10, 5, 5)
    assert sorted(np.r_[ta, tb, tc]) == list(range(20))
    np.testing.assert_array_equal(Xa[:, 0], ta)


@pytest.mark.parametrize("call, message", [
    (lambda: linear_data(0), "n_samples"),
    (lambda: linear_data(5, noise=-1.0), "noise"),
    (lambda: sine_data(5, x_range=(1.0, 0.0)), "low < high"),
    (lambda: polynomial_features(np.ones((2, 2)), 2), "1-dimensional"),
    (lambda: polynomial_features([1.0], -1), "degree"),
    (lambda: train_val_test_split(np.ones(4), np.ones(3)), "one target per sample"),
    (lambda: train_val_test_split(np.ones(4), np.ones(4), (0.5, 0.5, 0.5)), "add up to 1"),
    (lambda: train_val_test_split(np.ones(2), np.ones(2), (0.0, 0.5, 0.5)), "none for training"),
])
def test_bad_arguments_say_what_to_do(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
