"""RecurrentRegressor and RecurrentClassifier: they learn what a recurrent net can, fail where
the book says a vanilla RNN fails, follow scikit-learn's contract and reject bad input."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse.data import adding_problem
from dlcourse.models import RecurrentClassifier, RecurrentRegressor


@pytest.fixture(scope="module")
def adding():
    return adding_problem(600, 12, rng=0), adding_problem(300, 12, rng=1)


def test_an_lstm_solves_a_short_adding_problem(adding):
    (X, y), (Xt, yt) = adding
    model = RecurrentRegressor(n_hidden=16, cell="lstm", eta=0.02, max_epochs=12, rng=0)
    model.fit(X, y)
    mse = np.mean((model.predict(Xt) - yt) ** 2)
    assert mse < 0.2 * np.var(yt), f"test MSE {mse:.4f} against a baseline of {np.var(yt):.4f}"
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert len(model.grad_norms_) == 12 * 19 and model.predict(Xt).shape == (300,)
    assert model.score(Xt, yt) > 0.8                     # R^2, from RegressorMixin


def test_several_outputs_keep_their_shape(adding):
    (X, y), _ = adding
    Y = np.column_stack([y, -y])
    model = RecurrentRegressor(n_hidden=8, cell="gru", max_epochs=2, rng=0).fit(X, Y)
    assert model.predict(X[:5]).shape == (5, 2)


def test_the_classifier_reads_the_first_step_through_the_recurrence():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((400, 6, 1))
    labels = np.where(X[:, 0, 0] > 0, "up", "down")     # decided by the first step only
    model = RecurrentClassifier(n_hidden=12, cell="gru", eta=0.02, max_epochs=15, rng=0)
    model.fit(X[:300], labels[:300])
    assert list(model.classes_) == ["down", "up"]
    assert model.score(X[300:], labels[300:]) > 0.9
    P = model.predict_proba(X[300:])
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)


def test_same_rng_same_model_and_clone_works(adding):
    (X, y), _ = adding
    a = RecurrentRegressor(n_hidden=6, max_epochs=2, rng=3).fit(X[:100], y[:100])
    b = clone(a).fit(X[:100], y[:100])
    np.testing.assert_array_equal(a.predict(X[:10]), b.predict(X[:10]))


def test_bad_input_gets_clear_errors(adding):
    (X, y), _ = adding
    with pytest.raises(RuntimeError, match="not fitted"):
        RecurrentRegressor().predict(X)
    with pytest.raises(ValueError, match="shape \\(n_samples, T, n_features\\)"):
        RecurrentRegressor().fit(X[:, :, 0], y)
    with pytest.raises(ValueError, match="NaN"):
        RecurrentRegressor().fit(np.full((3, 2, 1), np.nan), np.zeros(3))
    with pytest.raises(ValueError, match="one target"):
        RecurrentRegressor().fit(X, y[:5])
    with pytest.raises(ValueError, match="single class"):
        RecurrentClassifier().fit(X[:4], np.zeros(4))
    with pytest.raises(ValueError, match="cell='tree'"):
        RecurrentRegressor(cell="tree").fit(X, y)
    model = RecurrentRegressor(n_hidden=4, max_epochs=1, rng=0).fit(X[:50], y[:50])
    with pytest.raises(ValueError, match="3 features per step but the model was fitted with 2"):
        model.predict(np.zeros((2, 12, 3)))
