"""Chapter 10: RBM energy, free energy, conditionals, CD-k / PCD, the two forms, the estimator."""

import itertools

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse._numba import HAVE_NUMBA
from dlcourse.core import rbm as R
from dlcourse.data import load_digits
from dlcourse.kernels import rbm as K
from dlcourse.kernels.rbm import rbm_epoch
from dlcourse.models.rbm import GUIDE_MOMENTUM, BernoulliRBM, _momentum_at
from dlcourse.testing import numerical_gradient
from dlcourse.testing.rbm_exact import (all_states, log_likelihood, log_partition,
                                        nll_gradient)

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")


def small_rbm(n_visible=5, n_hidden=3, scale=1.0, seed=0):
    rng = np.random.default_rng(seed)
    return (scale * rng.standard_normal((n_visible, n_hidden)),
            0.5 * rng.standard_normal(n_visible), 0.5 * rng.standard_normal(n_hidden))


def bars_and_stripes(n=3):
    """The 2^n + 2^n - 2 distinct n x n images made of full rows or full columns."""
    images = []
    for bits in itertools.product((0.0, 1.0), repeat=n):
        rows = np.repeat(np.array(bits)[:, None], n, axis=1)
        images += [rows.ravel(), rows.T.ravel()]
    return np.unique(np.array(images), axis=0)


# ------------------------------------------------------------------- energy and conditionals
def test_energy_matches_the_double_sum_written_out():
    W, a, b = small_rbm()
    rng = np.random.default_rng(1)
    v, h = (rng.random((4, 5)) < 0.5) * 1.0, (rng.random((4, 3)) < 0.5) * 1.0
    loops = [-sum(v[n, i] * W[i, j] * h[n, j] for i in range(5) for j in range(3))
             - v[n] @ a - h[n] @ b for n in range(4)]
    np.testing.assert_allclose(R.energy(v, h, W, a, b), loops, rtol=1e-13)


def test_free_energy_is_minus_log_sum_over_hidden_states_of_exp_minus_energy():
    W, a, b = small_rbm(scale=3.0)            # large weights exercise the stable softplus
    V, H = all_states(5), all_states(3)
    direct = [-np.log(np.sum(np.exp(-R.energy(np.tile(v, (len(H), 1)), H, W, a, b))))
              for v in V]
    np.testing.assert_allclose(R.free_energy(V, W, a, b), direct, rtol=1e-12)


def test_free_energy_does_not_overflow_for_huge_net_inputs():
    W, a, b = small_rbm()
    F = R.free_energy(np.ones((1, 5)), 1e3 * W, a, b)
    assert np.all(np.isfinite(F))


def test_conditionals_match_enumeration_of_the_joint():
    W, a, b = small_rbm(seed=2)
    V, H = all_states(5), all_states(3)
    joint = np.exp(-np.array([[R.energy(v[None], h[None], W, a, b)[0] for h in H] for v in V]))
    p_h_given_v = (joint @ H) / joint.sum(axis=1, keepdims=True)       # P(h_j = 1 | v)
    p_v_given_h = (joint.T @ V) / joint.sum(axis=0)[:, None]           # P(v_i = 1 | h)
    np.testing.assert_allclose(R.hidden_probabilities(V, W, b), p_h_given_v, rtol=1e-12)
    np.testing.assert_allclose(R.visible_probabilities(H, W, a), p_v_given_h, rtol=1e-12)


def test_float32_parameters_stay_float32():
    W, a, b = (p.astype(np.float32) for p in small_rbm())
    v = np.ones((2, 5), np.float32)
    assert R.hidden_probabilities(v, W, b).dtype == np.float32
    assert R.free_energy(v, W, a, b).dtype == np.float32


# --------------------------------------------------------------------------- exact oracles
@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_log_partition_matches_brute_force_over_all_joint_states(shape):
    W, a, b = small_rbm(*shape, seed=3)
    V, H = all_states(shape[0]), all_states(shape[1])
    terms = [-R.energy(np.tile(v, (len(H), 1)), H, W, a, b) for v in V]
    assert log_partition(W, a, b) == pytest.approx(np.log(np.sum(np.exp(terms))), rel=1e-12)
    assert np.exp(log_likelihood(V, W, a, b)).sum() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_exact_gradient_matches_finite_differences_of_the_log_likelihood(shape):
    W, a, b = small_rbm(*shape, seed=4)
    V = (np.random.default_rng(5).random((7, shape[0])) < 0.5) * 1.0
    grads = nll_gradient(V, W, a, b)
    params = [W, a, b]
    for which, grad in enumerate(grads):
        def nll(x, which=which):
            p = list(params)
            p[which] = x
            return -np.mean(log_likelihood(V, *p))
        numeric = numerical_gradient(nll, params[which].copy())
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_enumeration_refuses_layers_that_are_too_large():
    with pytest.raises(ValueError, match="pseudo-likelihood"):
        log_partition(np.zeros((21, 22)), np.zeros(21), np.zeros(22))


# --------------------------------------------------------------------------------- CD-k
def test_cd_expected_gradient_approaches_the_exact_gradient_as_k_grows():
    W, a, b = small_rbm(6, 4, scale=1.0, seed=0)     # strong weights: CD-1 is visibly biased
    V = (np.random.default_rng(0).random((5, 6)) < 0.5) * 1.0
    exact = np.concatenate([g.ravel() for g in nll_gradient(V, W, a, b)])
    chains = np.repeat(V, 4000, axis=0)               # many chains average out the noise
    errors = []
    for k in (1, 2, 4, 16):
        rng = np.random.default_rng(1)
        (dW, da, db), _ = R.cd_gradient(chains, W, a, b, rng.random((k, len(chains), 4)),
                                        rng.random((k, len(chains), 6)))
        errors.append(np.linalg.norm(np.concatenate([dW.ravel(), da, db]) - exact))
    assert errors[0] > errors[1] > errors[2]
    assert errors[3] < errors[0] / 5


def test_cd_gradient_is_zero_when_uniforms_keep_the_data_fixed():
    # u = 0 turns a unit on (0 < p) and u = 1 off: uniforms that reproduce the data make the
    # negative phase the positive one, so the gradient is exactly zero
    W, a, b = small_rbm(seed=6)
    v = np.array([[1.0, 0, 1, 0, 1]])
    u_h = np.full((1, 1, 3), 0.5)
    u_v = np.where(v == 1, 0.0, 1.0)[None]            # 0 < p always on, 1 < p never
    (dW, da, db), v1 = R.cd_gradient(v, W, a, b, u_h, u_v)
    np.testing.assert_array_equal(v1, v)
    assert np.abs(dW).max() == 0 and np.abs(da).max() == 0 and np.abs(db).max() == 0


def test_pcd_keeps_hidden_chains_and_runs_the_gibbs_chain_from_them():
    W, a, b = small_rbm(seed=7)
    rng = np.random.default_rng(0)
    v, h = (rng.random((4, 5)) < 0.5) * 1.0, (rng.random((6, 3)) < 0.5) * 1.0
    u_h, u_v = rng.random((2, 6, 3)), rng.random((2, 6, 5))
    (dW, da, db), new = R.pcd_gradient(v, h, W, a, b, u_h, u_v)
    assert new.shape == (6, 3)
    h_k = h                                           # the chain, written out step by step
    for step in range(2):
        v_k = R.sample_bernoulli(R.visible_probabilities(h_k, W, a), u_v[step])
        ph_k = R.hidden_probabilities(v_k, W, b)
        h_k = R.sample_bernoulli(ph_k, u_h[step])
    np.testing.assert_array_equal(new, h_k)
    ph_data = R.hidden_probabilities(v, W, b)
    np.testing.assert_allclose(dW, v_k.T @ ph_k / 6 - v.T @ ph_data / 4, atol=1e-15)
    np.testing.assert_allclose(da, v_k.mean(0) - v.mean(0), atol=1e-15)
    np.testing.assert_allclose(db, ph_k.mean(0) - ph_data.mean(0), atol=1e-15)
    with pytest.raises(ValueError, match="uniforms"):
        R.pcd_gradient(v, h, W, a, b, u_h[:, :4], u_v)


def test_cd_rejects_uniforms_of_the_wrong_shape():
    W, a, b = small_rbm()
    with pytest.raises(ValueError, match="uniforms"):
        R.cd_gradient(np.ones((2, 5)), W, a, b, np.zeros((1, 3, 3)), np.zeros((1, 3, 5)))


# ------------------------------------------------------------------------ the two forms
def _one_epoch(backend, dtype=np.float64, threshold=0.5, **kw):
    X = (load_digits()[0][:120] > threshold).astype(dtype)    # 29% of pixels on; 13% at 0.9
    params = dict(n_hidden=12, k=2, batch_size=10, max_epochs=3, rng=0, backend=backend,
                  dtype=dtype)
    params.update(kw)
    return BernoulliRBM(**params).fit(X)


@needs_numba
@pytest.mark.parametrize("kw", [dict(method="cd"), dict(method="pcd"),
                                dict(method="pcd", k=1, batch_size=7, monitor=False),
                                dict(method="cd", sparsity_cost=0.5, batch_size=7),
                                dict(method="cd", sample_visible=False),
                                dict(method="pcd", momentum=0.0, threshold=0.9),
                                dict(method="cd", momentum=0.0, weight_decay=0.01, k=1)])
def test_numba_epoch_gives_the_numpy_weights_and_the_same_states(kw):
    a, b = _one_epoch("numpy", **kw), _one_epoch("numba", **kw)
    for name in ("W_", "a_", "b_"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=0, atol=1e-12)
    for vel_a, vel_b in zip(a._vel, b._vel):   # kept even where momentum 0 skips them
        np.testing.assert_allclose(vel_b, vel_a, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(a.chains_, b.chains_)     # the same sampled states
    np.testing.assert_allclose(a.reconstruction_error_, b.reconstruction_error_, rtol=1e-12)


@needs_numba
def test_numba_epoch_agrees_in_float32_to_float32_rounding():
    a, b = _one_epoch("numpy", np.float32), _one_epoch("numba", np.float32)
    assert b.W_.dtype == np.float32
    np.testing.assert_allclose(b.W_, a.W_, atol=2e-5)


@pytest.mark.parametrize("density", [0.05, 0.6])
def test_kernel_hidden_inputs_are_v_times_w_on_both_paths(density):
    # below kernels.rbm.DENSE the rows of W are added where a state is on; above, BLAS
    rng = np.random.default_rng(3)
    W = rng.standard_normal((37, 11))
    V = (rng.random((6, 37)) < density) * 1.0
    V[0, :3] = [0.25, 0.5, 1.0]                                 # probabilities too
    out = np.full((6, 11), np.nan)
    K._hidden_inputs(V, W, out)
    assert (np.count_nonzero(V) > K.DENSE * V.size) == (density > 0.5)
    np.testing.assert_allclose(out, V @ W, rtol=0, atol=1e-13)


@pytest.mark.parametrize("R", [1, 3, 5, 7, 20, 23])
@pytest.mark.parametrize("density", [0.1, 0.6])
def test_four_russians_gradient_rows_are_s_transpose_p(R, density):
    # tables of subset sums of groups of rows of P, picked by the binary states of S
    rng = np.random.default_rng(R)
    S = (rng.random((R, 29)) < density) * 1.0
    P = rng.standard_normal((R, 9))
    T = np.zeros((-(-R // K.GROUP), K.GROUP_SUMS, 9))
    keys = np.zeros((T.shape[0], 29))
    picked = np.zeros(T.shape[0] + 3, np.int64)
    K._subset_sums(P, T)
    assert K._group_keys(S, keys)
    rows = np.full((29, 9), np.nan)
    for i in range(29):
        K._gradient_row(i, keys, T, picked, rows[i])
    np.testing.assert_allclose(rows, S.T @ P, rtol=0, atol=1e-13)
    S[-1, 0] = 0.5                                              # not binary: no keys
    assert not K._group_keys(S, keys)


def test_kernel_batch_update_is_one_cd_gradient_step():
    # momentum 0, no decay, eta 1: W_new = W - dW with the core's gradient
    W, a, b = small_rbm(seed=8)
    rng = np.random.default_rng(0)
    X = (rng.random((4, 5)) < 0.5) * 1.0
    U_h, U_v = rng.random((1, 2, 4, 3)), rng.random((1, 2, 4, 5))
    (dW, da, db), _ = R.cd_gradient(X, W, a, b, U_h[0], U_v[0])
    W2, a2, b2 = W.copy(), a.copy(), b.copy()
    zeros = [np.zeros_like(p) for p in (W, a, b, b)]
    rbm_epoch(X, np.arange(4), 4, W2, a2, b2, *zeros, np.zeros((0, 3)), U_h, U_v,
              1.0, 0.0, 0.0, False, True, 0.1, 0.0, 0.95, True)
    np.testing.assert_allclose(W2, W - dW, atol=1e-14)
    np.testing.assert_allclose(a2, a - da, atol=1e-14)
    np.testing.assert_allclose(b2, b - db, atol=1e-14)


# ----------------------------------------------------------------------------- learning
def test_cd1_and_pcd_raise_the_exact_log_likelihood_of_bars_and_stripes():
    X = bars_and_stripes(3)
    data = np.tile(X, (20, 1))
    for method, momentum in (("cd", "guide"), ("pcd", 0.5)):
        start = BernoulliRBM(n_hidden=8, method=method, momentum=momentum, max_epochs=1,
                             rng=0).fit(data).score(X)
        end = BernoulliRBM(n_hidden=8, method=method, momentum=momentum, max_epochs=60,
                           rng=0).fit(data).score(X)
        assert end > start + 0.8, (method, start, end)
        assert end <= -np.log(len(X)) + 1e-9           # no model beats the data's own entropy


def test_pcd_reaches_a_log_likelihood_like_scikit_learns():
    from sklearn.neural_network import BernoulliRBM as SkRBM
    X = bars_and_stripes(3)
    data = np.tile(X, (20, 1))
    ours, theirs = [], []
    for seed in range(4):
        sk = SkRBM(n_components=8, learning_rate=0.1, batch_size=10, n_iter=60,
                   random_state=seed).fit(data)
        theirs.append(np.mean(log_likelihood(X, sk.components_.T, sk.intercept_visible_,
                                             sk.intercept_hidden_)))
        ours.append(BernoulliRBM(n_hidden=8, method="pcd", eta=0.1, momentum=0.0,
                                 weight_decay=0.0, max_epochs=60, rng=seed).fit(data).score(X))
    start = BernoulliRBM(n_hidden=8, max_epochs=1, rng=0).fit(data).score(X)
    assert np.mean(ours) > start + 0.6 and np.mean(theirs) > start + 0.6
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.75, (ours, theirs)


def test_reconstruction_error_falls_and_the_gap_is_recorded():
    X = load_digits()[0]
    rbm = BernoulliRBM(n_hidden=32, max_epochs=6, rng=0).fit(X[:600], validation=X[600:900])
    err = rbm.reconstruction_error_
    assert len(err) == 6 and err[-1] < err[0]
    assert len(rbm.free_energy_gap_) == 6 and np.all(np.isfinite(rbm.free_energy_gap_))
    assert rbm.reconstruction_error(X[:600]) < np.sum((X[:600] - X[:600].mean(0)) ** 2, 1).mean()


def test_guide_momentum_is_half_then_nine_tenths():
    assert [_momentum_at("guide", e) for e in (0, 4, 5, 50)] == [0.5, 0.5, 0.9, 0.9]
    assert GUIDE_MOMENTUM[-1] == (5, 0.9)
    assert _momentum_at(lambda e: 0.1 * e, 3) == pytest.approx(0.3)


# ----------------------------------------------------------------------------- estimator
def test_estimator_contract_and_reproducibility():
    X = (load_digits()[0][:200] > 0.5) * 1.0
    rbm = BernoulliRBM(n_hidden=10, max_epochs=2, rng=3)
    assert rbm.fit(X) is rbm
    assert clone(rbm).get_params() == rbm.get_params()
    np.testing.assert_array_equal(clone(rbm).fit(X).W_, rbm.W_)
    assert rbm.transform(X).shape == (200, 10) and rbm.n_iter_ == 2
    assert rbm.partial_fit(X) is rbm and rbm.n_iter_ == 3
    s = rbm.sample(4, n_steps=3, rng=0)
    assert s.shape == (4, 64) and set(np.unique(s)) <= {0.0, 1.0}
    assert rbm.score_samples(X[:5]).shape == (5,)          # exact: 10 hidden units
    assert rbm.fit_transform(X).shape == (200, 10)


def test_score_samples_switches_to_the_pseudo_likelihood_for_large_layers():
    W, a, b = small_rbm(5, 3, seed=9)
    rbm = BernoulliRBM(n_hidden=3).fit(np.ones((2, 5)))
    rbm.W_, rbm.a_, rbm.b_ = W, a, b
    V = all_states(5)
    logp = log_likelihood(V, W, a, b)
    expected = np.zeros(len(V))                           # sum_i log P(v_i | v_-i)
    for i in range(5):
        flipped = V.copy()
        flipped[:, i] = 1 - flipped[:, i]
        expected += logp - np.logaddexp(logp, log_likelihood(flipped, W, a, b))
    np.testing.assert_allclose(rbm.pseudo_log_likelihood(V), expected, rtol=1e-10)
    big = BernoulliRBM(n_hidden=21, max_epochs=1, rng=0).fit((load_digits()[0][:50] > .5) * 1.)
    v = np.zeros((1, 64))
    np.testing.assert_array_equal(big.score_samples(v), big.pseudo_log_likelihood(v))


@pytest.mark.parametrize("kw, match", [
    (dict(method="gibbs"), "method"), (dict(k=0), "k must be"),
    (dict(eta=-1.0), "eta"), (dict(momentum=1.5), "momentum"),
    (dict(method="pcd", sample_visible=False), "binary"), (dict(backend="gpu"), "backend"),
    (dict(sparsity_target=1.0), "sparsity_target"),
])
def test_bad_hyper_parameters_fail_with_a_clear_message(kw, match):
    with pytest.raises(ValueError, match=match):
        BernoulliRBM(**kw).fit(np.zeros((3, 4)))


def test_bad_data_fails_with_a_clear_message():
    rbm = BernoulliRBM(n_hidden=2, max_epochs=1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        rbm.fit(np.full((3, 4), 2.0))
    with pytest.raises(ValueError, match="NaN"):
        rbm.fit(np.full((3, 4), np.nan))
    with pytest.raises(ValueError, match="2-dimensional"):
        rbm.fit(np.zeros(4))
    with pytest.raises(AttributeError, match="not fitted"):
        rbm.transform(np.zeros((1, 4)))
    rbm.fit(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="features"):
        rbm.transform(np.zeros((1, 5)))
    with pytest.raises(ValueError, match="features"):
        BernoulliRBM(max_epochs=1).fit(np.zeros((3, 4)), validation=np.zeros((2, 5)))


def test_partial_fit_monitors_the_free_energy_gap_like_fit():
    X = (load_digits()[0][:240] > 0.5) * 1.0
    a = BernoulliRBM(n_hidden=8, max_epochs=2, rng=5, backend="numpy")
    a.fit(X[:200], validation=X[200:])
    b = BernoulliRBM(n_hidden=8, rng=5, backend="numpy")
    for _ in range(2):
        b.partial_fit(X[:200], validation=X[200:])
    np.testing.assert_allclose(b.free_energy_gap_, a.free_energy_gap_, rtol=1e-12)
    assert len(b.free_energy_gap_) == 2
    with pytest.raises(ValueError, match="held-out rows of the same data"):
        b.partial_fit(X[:200], validation=X[200:, :10])


@pytest.mark.parametrize("backend", [pytest.param("numba", marks=needs_numba), "numpy"])
@pytest.mark.parametrize("method", ["cd", "pcd"])
def test_switching_the_monitor_off_leaves_training_unchanged(backend, method):
    on = _one_epoch(backend, method=method)
    off = _one_epoch(backend, method=method, monitor=False)
    np.testing.assert_array_equal(off.W_, on.W_)
    assert len(on.reconstruction_error_) == 3 and off.reconstruction_error_ == []
