"""ConvNetClassifier: scikit-learn's contract, learning the digits, the penalty on kernels,
and the messages for images that do not fit."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse.data import load_digits
from dlcourse.models import ConvNetClassifier
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient


@pytest.fixture(scope="module")
def digits():
    X, t = load_digits()
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:600]], t[order[:600]], X[order[1300:]], t[order[1300:]]


def test_learns_the_digits_and_follows_the_estimator_contract(digits):
    X, t, X_test, t_test = digits
    model = ConvNetClassifier(conv_layers=((6, 3),), eta=0.01, max_epochs=6, rng=0)
    model.fit(X, t)
    assert model.score(X_test, t_test) > 0.85
    assert model.predict_proba(X_test[:5]).shape == (5, 10)
    assert model.loss_curve_[-1] < 0.5 * model.loss_curve_[0]
    again = clone(model).fit(X, t)                       # same seed, same network
    np.testing.assert_array_equal(again.kernels_[0], model.kernels_[0])
    assert clone(model).get_params()["conv_layers"] == ((6, 3),)


def test_partial_fit_and_early_stopping_run(digits):
    X, t, _, _ = digits
    model = ConvNetClassifier(conv_layers=((4, 3),), max_epochs=3, rng=1)
    model.partial_fit(X[:100], t[:100], classes=np.arange(10))
    model.partial_fit(X[100:200], t[100:200])
    assert model.n_iter_ == 2
    stopped = ConvNetClassifier(conv_layers=((4, 3),), max_epochs=3, early_stopping=True,
                                rng=1).fit(X, t)
    assert len(stopped.validation_scores_) == stopped.n_iter_


def test_the_gradient_includes_the_penalty_on_the_kernels():
    rng = np.random.default_rng(2)
    X, t = rng.random((8, 36)), rng.integers(0, 3, 8)
    model = ConvNetClassifier(image_shape=(1, 6, 6), conv_layers=((2, 3),), hidden_layer_sizes=(4,),
                              activation="tanh", alpha=0.3, batch_size=None, max_epochs=1, rng=3)
    model.fit(X, t)
    T = np.eye(3)[t]
    E, grads = model._loss_and_grads(X, T)

    def loss(_):
        E, _g = model._loss_and_grads(X, T)
        return E + model._penalty()

    for key, p in model.net_.params.items():
        assert relative_error(grads[key], numerical_gradient(loss, p)) < 1e-6, key


def test_sizes_that_do_not_fit_say_which_block(digits):
    X, t, _, _ = digits
    with pytest.raises(ValueError, match="image_shape"):
        ConvNetClassifier(image_shape=(1, 4, 4)).fit(X, t)
    with pytest.raises(ValueError, match="block 1"):
        ConvNetClassifier(conv_layers=((4, 3), (4, 3), (4, 3)), padding="valid").fit(X, t)
    with pytest.raises(ValueError, match="pool"):
        ConvNetClassifier(pool="median").fit(X, t)
