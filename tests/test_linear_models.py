"""Chapters 02 and 03 (package layer): losses, SGD and schedules, linear and logistic regression."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.linear_model import Ridge

from dlcourse import LinearRegression, LogisticRegression
from dlcourse.core.losses import (categorical_cross_entropy_backward,
                                  categorical_cross_entropy_forward, log_softmax, mse_backward,
                                  mse_forward)
from dlcourse.data import load_digits
from dlcourse.models import DivergenceWarning
from dlcourse.optim import SGD, exponential_decay, inverse_time, step_decay
from dlcourse.testing import gradcheck


def regression_problem(n=100, rng=0):
    rng = np.random.default_rng(rng)
    X = rng.standard_normal((n, 3))
    t = X @ np.array([1.0, 2.0, -1.0]) + 0.5 + 0.1 * rng.standard_normal(n)
    return X, t


def test_categorical_cross_entropy_gradient_and_stability():
    rng = np.random.default_rng(0)
    T = np.eye(4)[rng.integers(0, 4, 6)]
    assert gradcheck(lambda a: categorical_cross_entropy_forward(a, T),
                     categorical_cross_entropy_backward, [3 * rng.standard_normal((6, 4))])
    E, _ = categorical_cross_entropy_forward(np.array([[1000.0, -1000.0]]), np.array([[0.0, 1.0]]))
    assert E == pytest.approx(2000.0)
    np.testing.assert_allclose(np.exp(log_softmax(np.array([[1e4, 0.0]]))).sum(), 1.0)


def test_mse_gradient_and_worked_value():
    # y = (1, 3), t = (0, 1): E = (1/2*2) * (1 + 4) = 1.25
    E, _ = mse_forward(np.array([1.0, 3.0]), np.array([0.0, 1.0]))
    assert E == 1.25
    t = np.random.default_rng(1).standard_normal((5, 2))
    assert gradcheck(lambda y: mse_forward(y, t), mse_backward, [np.zeros((5, 2)) + 0.3])
    with pytest.raises(ValueError, match="must match"):
        mse_forward(np.zeros(3), np.zeros(4))


def test_sgd_updates_in_place_and_follows_its_schedule():
    w = np.array([1.0, -1.0])
    opt = SGD(step_decay(0.5, drop=0.1, every=2))
    for _ in range(3):
        opt.step({"w": w}, {"w": np.array([1.0, 1.0])})
    # steps of 0.5, 0.5, 0.05
    np.testing.assert_allclose(w, [1.0 - 1.05, -1.0 - 1.05])
    assert opt.t == 3
    assert exponential_decay(1.0, 0.5)(3) == 0.125 and inverse_time(1.0, tau=10)(10) == 0.5
    with pytest.raises(KeyError, match="same keys"):
        opt.step({"w": w}, {"v": w})


def test_normal_equations_and_gradient_descent_agree():
    X, t = regression_problem()
    exact = LinearRegression().fit(X, t)
    gd = LinearRegression(solver="gd", eta=0.5, max_epochs=5000, tol=1e-16).fit(X, t)
    np.testing.assert_allclose(gd.coef_, exact.coef_, atol=1e-6)
    assert gd.intercept_ == pytest.approx(exact.intercept_, abs=1e-6)
    assert np.all(np.diff(gd.loss_curve_) <= 1e-15)          # batch GD never goes uphill here


def test_ridge_matches_scikit_learn():
    X, t = regression_problem()
    ours = LinearRegression(alpha=0.5).fit(X, t)
    theirs = Ridge(alpha=0.5 * len(t)).fit(X, t)              # sklearn sums, we average
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)


def test_mini_batch_and_online_reach_the_neighbourhood_of_the_optimum():
    X, t = regression_problem()
    exact = LinearRegression().fit(X, t).coef_
    for bs in (1, 10):
        m = LinearRegression(solver="gd", eta=0.02, batch_size=bs, max_epochs=60, rng=0).fit(X, t)
        assert np.max(np.abs(m.coef_ - exact)) < 0.05


def test_too_large_a_learning_rate_stops_with_a_clear_warning_and_finite_weights():
    X, t = regression_problem()
    with pytest.warns(DivergenceWarning, match="too large"):
        m = LinearRegression(solver="gd", eta=3.0, max_epochs=500).fit(X, t)
    assert m.diverged_ and np.all(np.isfinite(m.coef_)) and m.n_iter_ < 500


@pytest.mark.parametrize("digits", [(3, 8), (0, 1, 2, 3)])
def test_logistic_regression_finds_scikit_learns_optimum(digits):
    X, t = load_digits(digits)
    alpha = 0.1
    ours = LogisticRegression(eta=0.5, alpha=alpha, max_epochs=20000, tol=1e-14).fit(X, t)
    theirs = SkLogisticRegression(C=1 / (alpha * len(t)), tol=1e-12, max_iter=10000).fit(X, t)
    assert ours.converged_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-5)


def test_logistic_regression_on_all_ten_digits_generalises():
    X, t = load_digits()
    idx = np.random.default_rng(0).permutation(len(t))
    train, test = idx[:1200], idx[1200:]
    m = LogisticRegression(eta=0.1, batch_size=10, max_epochs=15, rng=0).fit(X[train], t[train])
    assert m.score(X[test], t[test]) > 0.93
    proba = m.predict_proba(X[test])
    assert proba.shape == (len(test), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_logistic_partial_fit_and_labels():
    X, t = load_digits((1, 7))
    labels = np.where(t == 7, "seven", "one")
    m = LogisticRegression(eta=0.5, rng=0)
    for _ in range(5):
        m.partial_fit(X, labels, classes=["one", "seven"])
    assert m.n_iter_ == 5 and m.score(X, labels) > 0.98
    with pytest.raises(ValueError, match="not among classes_"):
        m.partial_fit(X[:2], ["one", "two"])


@pytest.mark.parametrize("params, match", [
    (dict(eta=-1.0), "eta must be > 0"),
    (dict(batch_size=0), "batch_size must be >= 1"),
    (dict(alpha=-0.1), "alpha must be >= 0"),
])
def test_bad_hyper_parameters_say_what_to_do(params, match):
    X, t = load_digits((0, 1))
    with pytest.raises((ValueError, TypeError), match=match):
        LogisticRegression(**params).fit(X, t)
    with pytest.raises(ValueError, match="solver"):
        LinearRegression(solver="svd").fit(*regression_problem())


def test_a_model_with_no_features_fits_the_mean():
    t = np.array([1.0, 2.0, 6.0])
    for solver in ("normal", "gd"):
        m = LinearRegression(solver=solver, eta=0.5, max_epochs=200).fit(np.zeros((3, 0)), t)
        np.testing.assert_allclose(m.predict(np.zeros((2, 0))), [3.0, 3.0], atol=1e-5)
    with pytest.raises(ValueError, match="no samples"):
        LinearRegression().fit(np.zeros((0, 2)), np.zeros(0))
