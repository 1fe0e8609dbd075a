"""Chapter 11: deep belief nets — greedy stacking, generation, fine-tuning."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse.data import load_digits
from dlcourse.models.dbn import DBN, PretrainedMLPClassifier
from dlcourse.models.mlp import MLPClassifier
from dlcourse.models.rbm import BernoulliRBM


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_greedy_stacking_trains_each_rbm_on_the_one_below(digits):
    X = digits[0][:300]
    dbn = DBN(hidden_layer_sizes=(20, 8), max_epochs=2, rng=5).fit(X)
    assert [r.W_.shape for r in dbn.rbms_] == [(64, 20), (20, 8)]
    # the same Generator, passed from layer to layer, reproduces the stack by hand
    rng = np.random.default_rng(5)
    first = BernoulliRBM(n_hidden=20, max_epochs=2, rng=rng).fit(X)
    second = BernoulliRBM(n_hidden=8, max_epochs=2, rng=rng).fit(first.transform(X))
    np.testing.assert_array_equal(dbn.rbms_[0].W_, first.W_)
    np.testing.assert_array_equal(dbn.rbms_[1].W_, second.W_)
    np.testing.assert_array_equal(dbn.transform(X), second.transform(first.transform(X)))


def test_sampling_gives_images_of_the_right_shape(digits):
    X = digits[0][:200]
    for sizes in ((16,), (16, 8)):
        dbn = DBN(hidden_layer_sizes=sizes, max_epochs=1, rng=0).fit(X)
        p = dbn.sample(5, n_steps=10, rng=1)
        v = dbn.sample(5, n_steps=10, rng=1, probabilities=False)
        assert p.shape == v.shape == (5, 64)
        assert np.all((p >= 0) & (p <= 1)) and set(np.unique(v)) <= {0.0, 1.0}
        np.testing.assert_array_equal(dbn.sample(5, n_steps=10, rng=1), p)   # same rng


def test_sampling_is_gibbs_at_the_top_then_one_pass_down(digits):
    # (DBN1): the same uniforms, drawn in the documented order, reproduce the sampler by hand
    X = digits[0][:150]
    dbn = DBN(hidden_layer_sizes=(12, 8, 5), max_epochs=1, rng=3).fit(X)
    images = dbn.sample(4, n_steps=6, rng=9, probabilities=False)
    rng = np.random.default_rng(9)
    top = dbn.rbms_[-1]
    v = (rng.random((4, 8)) < 0.5).astype(float)
    for _ in range(6):
        h = (rng.random((4, 5)) < 1 / (1 + np.exp(-(v @ top.W_ + top.b_)))).astype(float)
        v = (rng.random((4, 8)) < 1 / (1 + np.exp(-(h @ top.W_.T + top.a_)))).astype(float)
    for rbm in reversed(dbn.rbms_[:-1]):
        p = 1 / (1 + np.exp(-(v @ rbm.W_.T + rbm.a_)))
        v = (rng.random(p.shape) < p).astype(float)
    np.testing.assert_array_equal(images, v)


def test_to_mlp_starts_from_the_stacks_weights(digits):
    X, t = digits[0][:200], digits[1][:200]
    dbn = DBN(hidden_layer_sizes=(12, 6), max_epochs=1, rng=0).fit(X)
    mlp = dbn.to_mlp(max_epochs=1, eta=1e-12, rng=0)
    assert isinstance(mlp, MLPClassifier) and mlp.hidden_layer_sizes == (12, 6)
    mlp.fit(X, t)                                  # a step of 1e-12 leaves the start visible
    for l, rbm in enumerate(dbn.rbms_):
        np.testing.assert_allclose(mlp.W_[l], rbm.W_, atol=1e-9)
        np.testing.assert_allclose(mlp.b_[l], rbm.b_, atol=1e-9)
    assert mlp.W_[2].shape == (6, 10)
    assert clone(mlp).get_params()["hidden_layer_sizes"] == (12, 6)


def test_a_clone_keeps_the_pretraining(digits):
    # cross-validation clones the estimator: the stack's weights must survive
    X, t = digits[0][:200], digits[1][:200]
    dbn = DBN(hidden_layer_sizes=(12,), max_epochs=1, rng=0).fit(X)
    twin = clone(dbn.to_mlp(max_epochs=1, eta=1e-12, rng=0)).fit(X, t)
    np.testing.assert_allclose(twin.W_[0], dbn.rbms_[0].W_, atol=1e-9)


def test_fine_tuning_beats_random_initialisation_on_few_labels(digits):
    # 50 labels, 1000 unlabelled images for pre-training; a deep sigmoid net (100, 50)
    # started at random barely leaves chance in 30 epochs, the pre-trained one does not
    X, t = digits
    gains = []
    for seed in range(3):
        perm = np.random.default_rng(seed).permutation(len(X))
        labelled, test = perm[:50], perm[1000:]
        dbn = DBN(hidden_layer_sizes=(100, 50), max_epochs=20, rng=seed).fit(X[perm[:1000]])
        fit = dict(eta=0.5, max_epochs=30, rng=seed)
        dbn.fine_tune(X[labelled], t[labelled], **fit)
        scratch = MLPClassifier(hidden_layer_sizes=(100, 50), activation="sigmoid",
                                **fit).fit(X[labelled], t[labelled])
        gains.append(np.mean(dbn.predict(X[test]) == t[test])
                     - np.mean(scratch.predict(X[test]) == t[test]))
    assert np.mean(gains) > 0.15, gains
    assert dbn.predict_proba(X[:3]).shape == (3, 10)


def test_dbn_errors_say_what_to_do(digits):
    X, t = digits[0][:50], digits[1][:50]
    with pytest.raises(ValueError, match="at least one RBM"):
        DBN(hidden_layer_sizes=()).fit(X)
    with pytest.raises(AttributeError, match="not fitted"):
        DBN().transform(X)
    dbn = DBN(hidden_layer_sizes=(4,), max_epochs=1, rng=0).fit(X)
    with pytest.raises(AttributeError, match="fine_tune"):
        dbn.predict(X)
    with pytest.raises(ValueError, match="set by the DBN"):
        dbn.to_mlp(hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="features"):
        dbn.fine_tune(X[:, :10], t)
    mlp = PretrainedMLPClassifier(hidden_layer_sizes=(4,), max_epochs=1)   # no stack given
    assert mlp.fit(X, t).W_[0].shape == (64, 4)
    W, b = dbn.rbms_[0].W_, dbn.rbms_[0].b_
    with pytest.raises(ValueError, match="hidden_layer_sizes needs"):
        PretrainedMLPClassifier(hidden_layer_sizes=(5,), pretrained=([W], [b])).fit(X, t)
    with pytest.raises(ValueError, match="as many weight matrices as bias vectors"):
        PretrainedMLPClassifier(hidden_layer_sizes=(4,), pretrained=([W], [])).fit(X, t)


def test_without_the_monitor_every_layer_learns_the_same_weights(digits):
    X = digits[0][:200]
    kwargs = dict(hidden_layer_sizes=(16, 8), method="pcd", max_epochs=2, rng=3)
    watched = DBN(**kwargs).fit(X)
    quiet = DBN(monitor=False, **kwargs).fit(X)
    for a, b in zip(watched.rbms_, quiet.rbms_):
        assert not b.monitor and len(a.reconstruction_error_) > 0
        assert len(b.reconstruction_error_) == 0
        assert np.array_equal(a.W_, b.W_)
