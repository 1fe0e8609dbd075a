"""Chapter 01: the perceptron rule, its two forms, the estimator, capacity."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse import Perceptron
from dlcourse._numba import HAVE_NUMBA
from dlcourse.core import perceptron as P
from dlcourse.core.capacity import (cover_count, cover_fraction, is_linearly_separable,
                                    separable_fraction)
from dlcourse.core.losses import binary_cross_entropy_backward, binary_cross_entropy_forward
from dlcourse.data import load_digits, logic_gate, two_blobs
from dlcourse.kernels.perceptron import perceptron_epoch as epoch_loop
from dlcourse.testing import gradcheck, numerical_gradient

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")


def test_worked_example_of_one_update():
    # x = (1, 2), t = 1, w = (0.5, -1), b = 0, eta = 0.1:
    # a = 0.5*1 - 1*2 + 0 = -1.5 -> y = 0; y - t = -1
    # w <- w - 0.1 * (-1) * x = (0.6, -0.8);  b <- 0 - 0.1 * (-1) = 0.1
    w, b, y, a = P.perceptron_step(np.array([[1.0, 2.0]]), np.array([1.0]),
                                   np.array([0.5, -1.0]), 0.0, 0.1, "threshold")
    assert a[0] == -1.5 and y[0] == 0.0
    np.testing.assert_allclose(w, [0.6, -0.8])
    assert b == pytest.approx(0.1)


def test_sigmoid_rule_is_the_cross_entropy_gradient():
    rng = np.random.default_rng(0)
    X, t = rng.standard_normal((8, 3)), rng.integers(0, 2, 8).astype(float)
    w, b = rng.standard_normal(3), 0.3

    def E(wb):
        E, _ = binary_cross_entropy_forward(P.net_input(X, wb[:3], wb[3]), t)
        return E

    numeric = numerical_gradient(E, np.append(w, b))
    y = P.unit_output(P.net_input(X, w, b), "sigmoid")
    dw, db = P.perceptron_gradient(X, t, y)
    np.testing.assert_allclose(np.append(dw, db), numeric, rtol=1e-7, atol=1e-10)


def test_binary_cross_entropy_backward_and_stability():
    rng = np.random.default_rng(1)
    t = rng.integers(0, 2, 6).astype(float)
    assert gradcheck(lambda a: binary_cross_entropy_forward(a, t), binary_cross_entropy_backward,
                     [rng.standard_normal(6) * 3])
    E, _ = binary_cross_entropy_forward(np.array([-1000.0, 1000.0]), np.array([1.0, 0.0]))
    assert E == pytest.approx(1000.0)          # confidently wrong costs |a|, not inf or nan


def test_or_is_learned_and_xor_never_stops_making_mistakes():
    X, t = logic_gate("or")
    p = Perceptron(rng=0).fit(X, t)
    assert p.converged_ and p.score(X, t) == 1.0
    X, t = logic_gate("xor")
    p = Perceptron(rng=0, max_epochs=200).fit(X, t)
    assert not p.converged_ and min(p.errors_) >= 1 and p.score(X, t) < 1.0


def test_convergence_within_the_novikoff_bound():
    # separable by construction with margin gamma; online mistakes <= (R / gamma)^2
    rng = np.random.default_rng(3)
    u = np.array([0.6, 0.8])
    X = rng.uniform(-1, 1, (200, 2))
    keep = np.abs(X @ u) > 0.1
    X = X[keep]
    t = (X @ u > 0).astype(float)
    R, gamma = np.max(np.linalg.norm(X, axis=1)), np.min(np.abs(X @ u))
    p = Perceptron(rng=1, max_epochs=1000).fit(X, t)
    assert p.converged_ and sum(p.errors_) <= (R / gamma) ** 2


@needs_numba
@pytest.mark.parametrize("unit", ["threshold", "sigmoid"])
@pytest.mark.parametrize("batch_size", [1, 5, 1000])
def test_loop_and_numpy_forms_agree(unit, batch_size):
    X, t = two_blobs(120, separation=1.0, rng=0)
    order = np.random.default_rng(1).permutation(120)
    w0 = np.random.default_rng(2).standard_normal(2)
    w_np, b_np, e_np, l_np = P.perceptron_epoch(X, t, w0.copy(), 0.1, order, 0.3, batch_size, unit, 0.01)
    w_nb = w0.copy()
    b_nb, e_nb, l_nb = epoch_loop(X, t, w_nb, 0.1, order, 0.3, batch_size, unit == "sigmoid", 0.01)
    np.testing.assert_allclose(w_nb, w_np, rtol=0, atol=1e-12)
    assert abs(b_nb - b_np) < 1e-12 and e_nb == e_np and abs(l_nb - l_np) < 1e-12


@needs_numba
def test_backends_give_bit_identical_weights_on_digits():
    # integer pixel values and eta = 1: every operation is exact, so the two forms must agree
    # to the last bit, epoch after epoch
    X, t = load_digits((3, 8), scale=False)
    a = Perceptron(rng=5, backend="numba", max_epochs=30).fit(X, t)
    b = Perceptron(rng=5, backend="numpy", max_epochs=30).fit(X, t)
    assert a.backend_ == "numba" and b.backend_ == "numpy"
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_ and a.errors_ == b.errors_


@needs_numba
@pytest.mark.parametrize("unit", ["threshold", "sigmoid"])
def test_backends_agree_on_real_valued_data(unit):
    X, t = load_digits((4, 9))
    kw = dict(unit=unit, eta=0.5, batch_size=4, max_epochs=10, rng=2)
    a = Perceptron(backend="numba", **kw).fit(X, t)
    b = Perceptron(backend="numpy", **kw).fit(X, t)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=0, atol=1e-12)


def test_same_seed_same_result_different_seed_different_order():
    X, t = load_digits((1, 7))
    a = Perceptron(rng=0, max_epochs=3).fit(X, t)
    b = Perceptron(rng=0, max_epochs=3).fit(X, t)
    c = Perceptron(rng=1, max_epochs=3).fit(X, t)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)


def test_digits_zero_vs_one_generalises():
    X, t = load_digits((0, 1))
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(t))
    train, test = idx[:250], idx[250:]
    p = Perceptron(rng=0).fit(X[train], t[train])
    assert p.converged_ and p.score(X[test], t[test]) >= 0.98


def test_sigmoid_unit_gives_probabilities_and_learns():
    X, t = two_blobs(200, separation=3.0, rng=4)
    p = Perceptron(unit="sigmoid", eta=0.5, max_epochs=50, tol=1e-6, rng=0).fit(X, t)
    proba = p.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert p.score(X, t) > 0.95 and p.loss_curve_[-1] < p.loss_curve_[0]
    assert not hasattr(Perceptron(), "predict_proba")           # the threshold unit has none


def test_l2_penalty_bounds_the_weights_on_separable_data():
    X, t = two_blobs(100, separation=4.0, noise=0.5, rng=0)
    free = Perceptron(unit="sigmoid", eta=1.0, max_epochs=400, rng=0).fit(X, t)
    tied = Perceptron(unit="sigmoid", eta=1.0, max_epochs=400, alpha=0.01, rng=0).fit(X, t)
    assert np.linalg.norm(tied.coef_) < 0.5 * np.linalg.norm(free.coef_)


def test_labels_are_kept_and_partial_fit_continues():
    X, t = logic_gate("and")
    labels = np.where(t > 0, "yes", "no")
    p = Perceptron(rng=0).fit(X, labels)
    assert list(p.classes_) == ["no", "yes"] and list(p.predict(X)) == list(labels)
    q = Perceptron(rng=0)
    for _ in range(20):
        q.partial_fit(X, labels, classes=["no", "yes"])
    assert q.n_iter_ == 20 and q.score(X, labels) == 1.0


def test_estimator_contract():
    p = Perceptron(eta=0.5, rng=3)
    assert p.get_params()["eta"] == 0.5 and not hasattr(p, "coef_")   # __init__ only stores
    X, t = logic_gate("or")
    assert p.fit(X, t) is p
    assert clone(p).get_params() == p.get_params()


@pytest.mark.parametrize("params, match", [
    (dict(eta=0), "eta must be > 0"),
    (dict(unit="relu"), "choose one of 'threshold', 'sigmoid'"),
    (dict(batch_size=0), "batch_size must be >= 1"),
    (dict(backend="gpu"), "choose 'auto', 'numpy' or 'numba'"),
])
def test_bad_hyper_parameters_say_what_to_do(params, match):
    X, t = logic_gate("or")
    with pytest.raises((ValueError, TypeError), match=match):
        Perceptron(**params).fit(X, t)


def test_bad_data_say_what_to_do():
    X, t = logic_gate("or")
    with pytest.raises(ValueError, match="exactly two classes"):
        Perceptron().fit(X, np.ones(4))
    p = Perceptron().fit(X, t)
    with pytest.raises(ValueError, match="fitted with 2"):
        p.predict(np.zeros((1, 3)))
    with pytest.raises(AttributeError, match="not fitted"):
        Perceptron().predict(X)
    with pytest.raises(ValueError, match="NaN"):
        Perceptron().fit(np.full((4, 2), np.nan), t)


# --- capacity -------------------------------------------------------------------------------

def test_cover_count_matches_brute_force_enumeration():
    # every labeling of P random points in the plane (with a bias: d = 3), tested exactly
    rng = np.random.default_rng(0)
    for P_ in (3, 4, 5, 6):
        X = rng.standard_normal((P_, 2))
        n_sep = sum(is_linearly_separable(X, np.array([(k >> i) & 1 for i in range(P_)]))
                    for k in range(2**P_))
        assert n_sep == cover_count(P_, 3)


def test_cover_fraction_is_one_half_at_two_patterns_per_weight():
    for d in (1, 5, 50, 500):
        assert cover_fraction(2 * d, d) == pytest.approx(0.5)
    assert cover_fraction(5, 5) == 1.0 and cover_fraction(40, 5) < 1e-5


def test_separability():
    assert is_linearly_separable(*logic_gate("or"))
    assert not is_linearly_separable(*logic_gate("xor"))
    X, t = logic_gate("xor")
    assert is_linearly_separable(np.column_stack([X, X[:, 0] * X[:, 1]]), t)   # the feature trick


def test_separable_fraction_estimates_cover():
    est = separable_fraction(24, 11, n_trials=200, rng=0)      # d = 12, P/d = 2 -> exactly 1/2
    assert abs(est - cover_fraction(24, 12)) < 0.1
