"""The GAN estimator: a 1-D Gaussian matched for a fixed seed, the two generator losses at the
start of training, the conditional form, reproducibility, messages."""

import numpy as np
import pytest

from dlcourse.models import GAN
from dlcourse.optim import Adam


def test_a_gan_matches_a_one_dimensional_gaussian():
    X = np.random.default_rng(0).normal(3.0, 0.5, (2000, 1))
    gan = GAN(n_noise=4, generator_sizes=(16,), discriminator_sizes=(32,), activation="tanh",
              n_steps=4000, optimizer_g=Adam(0.001, beta1=0.5),
              optimizer_d=Adam(0.001, beta1=0.5), rng=1).fit(X)
    samples = gan.sample(5000, rng=2)
    # with this seed: mean 3.02, standard deviation 0.527
    assert abs(samples.mean() - 3.0) < 0.15 and abs(samples.std() - 0.5) < 0.1
    # at the end the discriminator cannot tell: D is near 1/2 on both
    assert abs(np.mean(gan.history_["d_fake"][-200:]) - 0.5) < 0.1


def test_same_seed_same_generator_and_conditional_sampling():
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-2, 0.3, (100, 2)), rng.normal(2, 0.3, (100, 2))])
    y = np.repeat(["left", "right"], 100)
    a = GAN(conditional=True, n_steps=50, batch_size=16, rng=4).fit(X, y)
    b = GAN(conditional=True, n_steps=50, batch_size=16, rng=4).fit(X, y)
    np.testing.assert_array_equal(a.sample(10, y="left", rng=5), b.sample(10, y="left", rng=5))
    assert a.sample(7, y="right").shape == (7, 2)
    assert len(a.history_["d_loss"]) == 50


def test_messages():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match="needs the labels"):
        GAN(conditional=True, n_steps=1).fit(X)
    with pytest.raises(ValueError, match="not fitted"):
        GAN().sample(3)
    with pytest.raises(ValueError, match="k"):
        GAN(k=0).fit(X)


def test_callback_sees_every_step_and_sampling_in_it_does_not_change_training():
    X = np.random.default_rng(6).normal(1.0, 0.3, (200, 1))
    seen = []

    def watch(model, step):
        seen.append(step)
        model.sample(5, rng=99)       # its own stream: the training noise must not move

    a = GAN(n_steps=20, batch_size=8, rng=7).fit(X, callback=watch)
    b = GAN(n_steps=20, batch_size=8, rng=7).fit(X)
    assert seen == list(range(20))
    np.testing.assert_array_equal(a.sample(4, rng=1), b.sample(4, rng=1))
    with pytest.raises(ValueError, match="callable"):
        GAN(n_steps=1).fit(X, callback=3)


def test_conditional_sample_rejects_an_unknown_label():
    X = np.zeros((10, 2))
    gan = GAN(conditional=True, n_steps=2, batch_size=4, rng=0).fit(X, np.arange(10) % 2)
    with pytest.raises(ValueError, match="unknown label"):
        gan.sample(3, y=5)
