"""The MLP estimators' training options (chapters 05 and 06): optimizers by name or object,
penalties, max-norm, dropout, batch norm, early stopping and partial_fit."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse import optim
from dlcourse._numba import HAVE_NUMBA
from dlcourse.data import load_digits
from dlcourse.models import MLPClassifier, MLPRegressor

X_ALL, T_ALL = load_digits((0, 1, 2, 3))
X, t = X_ALL[:240], T_ALL[:240]
X_TEST, T_TEST = X_ALL[400:], T_ALL[400:]
SMALL = dict(hidden_layer_sizes=(16,), batch_size=20, max_epochs=8, rng=0)


@pytest.mark.parametrize("name, extra", [
    ("sgd", dict(momentum=0.9)), ("sgd", dict(momentum=0.9, nesterovs_momentum=False)),
    ("adam", dict(eta=0.01)), ("rmsprop", dict(eta=0.01)), ("adagrad", dict(eta=0.1)),
    ("adadelta", dict(max_epochs=20)),
    ("rprop", dict(batch_size=None, max_epochs=30)), ("delta_bar_delta", dict(eta=0.1)),
])
def test_every_optimizer_name_trains_the_digits(name, extra):
    m = MLPClassifier(optimizer=name, **{**SMALL, **extra}).fit(X, t)
    assert m.loss_curve_[-1] < 0.5 * m.loss_curve_[0]
    assert m.score(X_TEST, T_TEST) > 0.9


def test_a_name_and_the_equivalent_object_train_identically():
    a = MLPClassifier(optimizer="sgd", eta=0.1, momentum=0.9, nesterovs_momentum=False,
                      backend="numpy", **SMALL).fit(X, t)
    b = MLPClassifier(optimizer=optim.Momentum(0.1, mu=0.9), **SMALL).fit(X, t)
    c = MLPClassifier(optimizer="adam", eta=0.01, beta_1=0.8, backend="numpy", **SMALL).fit(X, t)
    d = MLPClassifier(optimizer=optim.Adam(0.01, beta1=0.8), **SMALL).fit(X, t)
    for u, v in ((a, b), (c, d)):
        for Wu, Wv in zip(u.W_ + u.b_, v.W_ + v.b_):
            np.testing.assert_array_equal(Wu, Wv)


def test_an_optimizer_object_is_copied_not_trained_in():
    opt = optim.Adam(0.01)
    m = MLPClassifier(optimizer=opt, **SMALL).fit(X, t)
    assert opt.t == 0 and opt.state == {}
    assert m._optimizer.t > 0
    again = clone(m).fit(X, t)                      # clone keeps the choice, the fit repeats
    np.testing.assert_array_equal(again.W_[0], m.W_[0])


def test_eta_none_takes_each_optimizers_usual_rate():
    assert MLPClassifier(optimizer="adam", **SMALL).fit(X, t)._optimizer.eta == 0.001
    assert MLPClassifier(**SMALL).fit(X, t)._optimizer.eta == 0.5
    assert MLPRegressor(max_epochs=1).fit(X, t * 1.0)._optimizer.eta == 0.05


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
def test_sgd_momentum_and_adam_take_the_fused_path_and_other_choices_leave_it():
    for kw in ({}, dict(optimizer="adam"), dict(momentum=0.5)):
        assert MLPClassifier(**SMALL, **kw).fit(X, t).backend_ == "numba", kw
    for kw in (dict(optimizer="rmsprop"), dict(optimizer=optim.Adam()), dict(p_drop=0.2),
               dict(batch_norm=True), dict(max_norm=3.0), dict(penalty="l1", alpha=1e-3)):
        assert MLPClassifier(**SMALL, **kw).fit(X, t).backend_ == "numpy", kw
    with pytest.raises(ValueError, match=r"supports optimizer='sgd'.*use backend='numpy'"):
        MLPClassifier(optimizer="rmsprop", backend="numba").fit(X, t)


def test_l1_gives_exact_zeros_and_the_loss_includes_each_penalty():
    kw = dict(SMALL, max_epochs=20, eta=0.1)
    l1 = MLPClassifier(penalty="l1", alpha=1e-2, **kw).fit(X, t)
    l2 = MLPClassifier(penalty="l2", alpha=1e-2, **kw).fit(X, t)
    small = lambda m: np.mean(np.abs(m.W_[0]) < 1e-3)   # noqa: E731
    assert small(l1) > 0.3 and small(l2) < 0.1
    assert l1._penalty() == pytest.approx(1e-2 * sum(np.abs(W).sum() for W in l1.W_))
    en = MLPClassifier(penalty="elasticnet", alpha=1e-2, l1_ratio=1.0, **kw).fit(X, t)
    np.testing.assert_array_equal(en.W_[0], l1.W_[0])   # l1_ratio = 1 is L1
    en = MLPClassifier(penalty="elasticnet", alpha=0.1, l1_ratio=0.25, **kw).fit(X, t)
    expected = sum(0.1 * (0.25 * np.abs(W).sum() + 0.75 / 2 * (W * W).sum()) for W in en.W_)
    assert en._penalty() == pytest.approx(expected)


def test_max_norm_bounds_every_units_incoming_weights():
    m = MLPClassifier(max_norm=0.5, **dict(SMALL, eta=1.0)).fit(X, t)
    for W in m.W_:
        assert np.linalg.norm(W, axis=0).max() <= 0.5 + 1e-12
    free = MLPClassifier(**dict(SMALL, eta=1.0, backend="numpy")).fit(X, t)
    assert np.linalg.norm(free.W_[0], axis=0).max() > 0.5


def test_dropout_same_seed_same_weights_and_deterministic_prediction():
    a = MLPClassifier(p_drop=0.3, **SMALL).fit(X, t)
    b = MLPClassifier(p_drop=0.3, **SMALL).fit(X, t)
    c = MLPClassifier(p_drop=0.3, **dict(SMALL, rng=1)).fit(X, t)
    np.testing.assert_array_equal(a.W_[0], b.W_[0])
    assert not np.array_equal(a.W_[0], c.W_[0])
    np.testing.assert_array_equal(a.predict_proba(X_TEST), a.predict_proba(X_TEST))
    assert a.score(X_TEST, T_TEST) > 0.9


def test_batch_norm_trains_and_predicts_with_running_statistics():
    m = MLPClassifier(batch_norm=True, activation="relu",
                      **dict(SMALL, batch_size=19)).fit(X, t)   # 240 = 12 * 19 + 12
    assert [type(layer).__name__ for layer in m.net_.layers] == [
        "Affine", "BatchNorm", "Activation", "Affine"]
    assert "b" not in m.net_[0].params and not np.any(m.b_[0])
    assert not np.allclose(m.net_[1].buffers["running_mean"], 0)
    # test mode: a row's prediction does not depend on the rows beside it
    np.testing.assert_allclose(m.predict_proba(X_TEST[:1]), m.predict_proba(X_TEST[:5])[:1],
                               rtol=1e-12)
    assert m.score(X_TEST, T_TEST) > 0.9
    # 241 samples in batches of 10 leave a last batch of one, which the epoch skips
    MLPClassifier(batch_norm=True, **dict(SMALL, batch_size=10)).fit(X_ALL[:241], T_ALL[:241])
    with pytest.raises(ValueError, match="batch_norm=True needs mini-batches of at least 2"):
        MLPClassifier(batch_norm=True, batch_size=1).fit(X, t)


def test_early_stopping_stops_keeps_the_best_weights_and_scores():
    # the validation accuracy reaches 1 and stays: with tol > 0 a plateau counts as no progress
    m = MLPClassifier(early_stopping=True, n_iter_no_change=3, validation_fraction=0.2,
                      tol=1e-4, **dict(SMALL, max_epochs=200, eta=0.5)).fit(X, t)
    assert m.converged_ and m.n_iter_ < 200
    assert len(m.validation_scores_) == m.n_iter_
    assert m.best_validation_score_ == max(m.validation_scores_)
    assert np.argmax(m.validation_scores_) == m.n_iter_ - 4   # 3 epochs without improving
    plain = MLPClassifier(**SMALL).fit(X, t)
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None


def test_early_stopping_restores_the_best_epochs_weights():
    kw = dict(early_stopping=True, n_iter_no_change=2, validation_fraction=0.25,
              **dict(SMALL, max_epochs=200))
    m = MLPRegressor(**kw).fit(X, t * 1.0)
    # refit a copy for exactly the best epoch count: the same weights
    best = int(np.argmax(m.validation_scores_)) + 1
    assert m.n_iter_ == best + 2                    # it trained on past the best epoch
    short = MLPRegressor(**{**kw, "max_epochs": best, "n_iter_no_change": 1000}).fit(X, t * 1.0)
    np.testing.assert_array_equal(m.W_[0], short.W_[0])


def test_partial_fit_is_fit_one_epoch_at_a_time():
    kw = dict(SMALL, optimizer="adam", eta=0.01, p_drop=0.2)
    full = MLPClassifier(**{**kw, "max_epochs": 3}).fit(X, t)
    inc = MLPClassifier(**kw)
    for _ in range(3):
        inc.partial_fit(X, t, classes=np.arange(4))
    assert inc.n_iter_ == 3 and inc._optimizer.t == full._optimizer.t
    for a, b in zip(full.W_ + full.b_, inc.W_ + inc.b_):
        np.testing.assert_array_equal(a, b)


def test_partial_fit_mistakes_say_what_to_do():
    m = MLPClassifier(**SMALL)
    with pytest.raises(ValueError, match=r"first call to partial_fit needs classes="):
        m.partial_fit(X, t)
    m.partial_fit(X[:20], t[:20], classes=[0, 1, 2, 3])      # a batch need not show them all
    with pytest.raises(ValueError, match="differ from the classes_"):
        m.partial_fit(X, t, classes=[0, 1])
    with pytest.raises(ValueError, match="features but this MLPClassifier was fitted with 64"):
        m.partial_fit(X[:, :10], t)
    r = MLPRegressor(max_epochs=1).partial_fit(X, t * 1.0).partial_fit(X, t * 1.0)
    assert r.n_iter_ == 2 and r.predict(X).shape == (240,)


@pytest.mark.parametrize("params, error, match", [
    (dict(optimizer="lbfgs"), ValueError, "choose one of 'sgd', 'adam'"),
    (dict(optimizer=object()), TypeError, r"or an object with step\(params, grads\)"),
    (dict(momentum=1.0), ValueError, "momentum must be < 1"),
    (dict(beta_1=1.5), ValueError, "beta_1 must be < 1"),
    (dict(beta_2=-0.1), ValueError, "beta_2 must be >= 0"),
    (dict(eta=-0.1), ValueError, "eta must be > 0"),
    (dict(p_drop=1.0), ValueError, r"p_drop \(the probability of dropping a hidden unit\)"),
    (dict(penalty="l3"), ValueError, "choose one of 'l2', 'l1', 'elasticnet'"),
    (dict(max_norm=0.0), ValueError, "max_norm must be > 0"),
    (dict(validation_fraction=1.0), ValueError, "validation_fraction must be < 1"),
    (dict(n_iter_no_change=0), ValueError, "n_iter_no_change must be >= 1"),
])
def test_bad_training_options_say_what_to_do(params, error, match):
    with pytest.raises(error, match=match):
        MLPClassifier(**params).fit(X[:20], t[:20])


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
@pytest.mark.parametrize("rule", [dict(optimizer="adam", eta=0.01),
                                  dict(momentum=0.9, eta=0.1),
                                  dict(momentum=0.9, nesterovs_momentum=False, eta=0.1)])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_fused_momentum_and_adam_agree_with_the_numpy_form(rule, batch_size, activation):
    # the same equations in the same order; BLAS and the loops sum in different orders, so
    # differences of 1e-16 per operation accumulate over 400 updates
    kw = dict(hidden_layer_sizes=(12, 8), activation=activation, batch_size=batch_size,
              max_epochs=2, alpha=1e-3, rng=4, **rule)
    a = MLPClassifier(backend="numba", **kw).fit(X[:200], t[:200])
    b = MLPClassifier(backend="numpy", **kw).fit(X[:200], t[:200])
    assert a.backend_ == "numba" and b.backend_ == "numpy"
    for Wa, Wb in zip(a.W_ + a.b_, b.W_ + b.b_):
        np.testing.assert_allclose(Wa, Wb, rtol=0, atol=1e-12)
    sa, sb = a._optimizer.state, b._optimizer.state    # the state is the optimizer's in both
    assert set(sa) == set(sb) and a._optimizer.t == b._optimizer.t
    for key in sa:
        for name in sa[key]:
            np.testing.assert_allclose(sa[key][name], sb[key][name], rtol=0, atol=1e-11)


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
def test_fused_adam_float32_and_tanh_agree_to_their_rounding():
    kw = dict(hidden_layer_sizes=(12,), batch_size=1, max_epochs=1, rng=2, optimizer="adam",
              eta=0.01, activation="tanh")
    a = MLPClassifier(backend="numba", **kw).fit(X[:200], t[:200])
    b = MLPClassifier(backend="numpy", **kw).fit(X[:200], t[:200])
    # libm's tanh (the loops) and NumPy's differ in the last bit for some inputs
    np.testing.assert_allclose(a.W_[0], b.W_[0], rtol=0, atol=1e-9)
    c = MLPClassifier(backend="numba", dtype=np.float32, **kw).fit(X[:200], t[:200])
    assert c.W_[0].dtype == np.float32 and c._optimizer.state["0.W"]["m"].dtype == np.float32
    np.testing.assert_allclose(c.W_[0], a.W_[0], atol=1e-4)


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
def test_fused_adam_partial_fit_continues_the_optimizer_state():
    kw = dict(SMALL, optimizer="adam", eta=0.01, backend="numba")
    full = MLPClassifier(**{**kw, "max_epochs": 2}).fit(X, t)
    inc = MLPClassifier(**kw).partial_fit(X, t, classes=np.arange(4)).partial_fit(X, t)
    assert inc._optimizer.state["0.W"]["t"] == full._optimizer.state["0.W"]["t"] == 24
    np.testing.assert_array_equal(inc.W_[0], full.W_[0])
