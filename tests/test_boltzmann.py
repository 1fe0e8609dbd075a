"""Chapter 09: Boltzmann machines: units, annealing, the Gibbs sampler in two forms, learning."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse._numba import HAVE_NUMBA
from dlcourse.core import boltzmann as B
from dlcourse.data.patterns import (bars_and_stripes, corrupt, encoder_connectivity,
                                    encoder_patterns, parity_patterns, shifter)
from dlcourse.kernels.gibbs import gibbs_anneal as gibbs_loop
from dlcourse.models.boltzmann import BoltzmannMachine
from dlcourse.testing import enumeration as En

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
gibbs_fast = gibbs_loop if HAVE_NUMBA else B.gibbs_anneal


def random_machine(n, rng, scale=1.0):
    return B.symmetrize(scale * rng.standard_normal((n, n))), scale * rng.standard_normal(n)


def test_energy_matches_the_double_sum():
    rng = np.random.default_rng(0)
    W, b = random_machine(5, rng)
    S = rng.integers(0, 2, (4, 5)).astype(float)
    direct = [-sum(W[i, j] * s[i] * s[j] for i in range(5) for j in range(i + 1, 5))
              - s @ b for s in S]
    np.testing.assert_allclose(B.bm_energy(S, W, b), direct, rtol=1e-12)


def test_unit_probability_is_the_boltzmann_ratio():
    # P(s_i = 1 | rest) = e^{-E(s with s_i=1)/T} / (e^{-E(.. 1)/T} + e^{-E(.. 0)/T})
    rng = np.random.default_rng(1)
    W, b = random_machine(6, rng)
    s = rng.integers(0, 2, 6).astype(float)
    for T in (0.5, 1.0, 3.0):
        for i in range(6):
            on, off = s.copy(), s.copy()
            on[i], off[i] = 1.0, 0.0
            e_on, e_off = -B.bm_energy(on, W, b) / T, -B.bm_energy(off, W, b) / T
            ratio = 1.0 / (1.0 + np.exp(e_off - e_on))
            net = B.net_input(s, W, b)[i]
            assert B.unit_on_probability(net, T) == pytest.approx(ratio, rel=1e-12)
            assert B.unit_on_probability_scalar(net, T) == pytest.approx(ratio, rel=1e-12)


def test_annealing_schedules():
    np.testing.assert_allclose(B.boltzmann_schedule(2.0, 3), 2.0 / np.log([2.0, 3.0, 4.0]))
    np.testing.assert_allclose(B.cauchy_schedule(2.0, 3), [2.0, 1.0, 2.0 / 3.0])
    g = B.geometric_schedule(8.0, 4)
    np.testing.assert_allclose(g, [8.0, 4.0, 2.0, 1.0])
    T = B.ahs1985_schedule()
    assert len(T) == 10 and T[0] == pytest.approx(2.0) and T[-1] == pytest.approx(1.0)
    # Cauchy cools faster than Boltzmann from the same start
    assert B.cauchy_schedule(5.0, 50)[-1] < B.boltzmann_schedule(5.0, 50)[-1]


def test_gibbs_sampler_reaches_the_boltzmann_distribution():
    # 5 units, 40000 independent chains of 25 sweeps at T = 1; with this many samples the
    # total-variation distance from sampling noise alone is about 0.01; we allow 0.02.
    rng = np.random.default_rng(2)
    n, n_chains = 5, 40000
    W, b = random_machine(n, rng)
    T = np.ones(25)
    S = rng.integers(0, 2, (n_chains, n)).astype(float)
    net = B.net_input(S, W, b)
    C, m = np.zeros((n, n)), np.zeros(n)
    U = rng.random((n_chains, len(T), n))
    gibbs_fast(S, net, W, np.ones(n, dtype=bool), T, U, 1, C, m)
    hist = np.bincount(En.state_index(S), minlength=2 ** n) / n_chains
    tv = 0.5 * np.abs(hist - En.state_probabilities(W, b)).sum()
    assert tv < 0.02
    p, q = En.exact_free_statistics(W, b)
    np.testing.assert_allclose(C / n_chains, p, atol=0.015)
    np.testing.assert_allclose(m / n_chains, q, atol=0.015)


def test_clamped_gibbs_sampler_reaches_the_conditional_distribution():
    rng = np.random.default_rng(3)
    n, n_chains = 5, 30000
    W, b = random_machine(n, rng)
    free = np.array([False, True, False, True, True])
    S = rng.integers(0, 2, (n_chains, n)).astype(float)
    S[:, 0], S[:, 2] = 1.0, 0.0
    T = np.concatenate([B.geometric_schedule(5.0, 10), np.ones(10)])   # annealed on the way
    gibbs_fast(S, B.net_input(S, W, b), W, free, T, rng.random((n_chains, len(T), n)), 1,
               np.zeros((n, n)), np.zeros(n))
    assert np.all(S[:, 0] == 1.0) and np.all(S[:, 2] == 0.0)
    hist = np.bincount(En.state_index(S[:, [1, 3, 4]]), minlength=8) / n_chains
    exact = En.conditional_distribution(W, b, [0, 2], [1, 0], [1, 3, 4])
    assert 0.5 * np.abs(hist - exact).sum() < 0.02


@needs_numba
def test_numpy_and_numba_gibbs_agree_bit_for_bit():
    rng = np.random.default_rng(4)
    n, n_chains = 12, 6
    W, b = random_machine(n, rng, scale=2.0)
    free = rng.random(n) < 0.7
    T = np.concatenate([B.cauchy_schedule(4.0, 5), np.ones(4)])
    S0 = rng.integers(0, 2, (n_chains, n)).astype(float)
    U = rng.random((n_chains, len(T), n))
    results = []
    for fn in (B.gibbs_anneal, gibbs_loop):
        S, C, m = S0.copy(), np.zeros((n, n)), np.zeros(n)
        net = B.net_input(S, W, b)
        fn(S, net, W, free, T, U, 4, C, m)
        results.append((S, net, C, m))
    for a, c in zip(*results):
        np.testing.assert_array_equal(a, c)
    assert not np.array_equal(results[0][0], S0)          # the chains did move
    np.testing.assert_allclose(results[0][1], B.net_input(results[0][0], W, b), atol=1e-12)
    kw = dict(n_hidden=2, statistics="sampled", max_iter=3, rng=7)
    a = BoltzmannMachine(backend="numpy", **kw).fit(encoder_patterns(2))
    c = BoltzmannMachine(backend="numba", **kw).fit(encoder_patterns(2))
    np.testing.assert_array_equal(a.W_, c.W_)
    np.testing.assert_array_equal(a.sample(5, rng=1), c.sample(5, rng=1))


def test_gradient_from_statistics_is_the_exact_gradient_with_decay_and_mask():
    rng = np.random.default_rng(5)
    W, b = random_machine(5, rng)
    V = rng.integers(0, 2, (4, 3)).astype(float)
    stats = En.exact_clamped_statistics(V, W, b), En.exact_free_statistics(W, b)
    dW, db = B.bm_gradient(*stats)
    dW_exact, db_exact = En.exact_gradient(V, W, b)
    np.testing.assert_allclose(dW, dW_exact, atol=1e-14)
    np.testing.assert_allclose(db, db_exact, atol=1e-14)
    mask = rng.random((5, 5)) < 0.5
    mask = mask | mask.T
    dW2, _ = B.bm_gradient(*stats, W=W, weight_decay=0.1, mask=mask)
    np.testing.assert_allclose(dW2, np.where(mask, dW + 0.1 * W, 0.0), atol=1e-14)


def test_hidden_units_learn_a_third_order_dependency():
    # 3-bit even parity: every pair of bits is uniform and independent, so a machine with
    # only pairwise weights and no hidden units can do no better than the uniform
    # distribution over 8 states: G >= log 2. Two hidden units bring G near 0.
    V = parity_patterns(3)
    P = En.empirical_distribution(V)
    visible = BoltzmannMachine(n_hidden=0, max_iter=300, eta=2.0, init_scale=1.0, rng=3).fit(V)
    hidden = BoltzmannMachine(n_hidden=2, max_iter=800, eta=2.0, init_scale=1.0, rng=3).fit(V)
    G_visible = En.kl_divergence(P, visible.W_, visible.b_, 3)
    G_hidden = En.kl_divergence(P, hidden.W_, hidden.b_, 3)
    assert G_visible > np.log(2) - 1e-3
    assert G_hidden < 0.05
    assert hidden.loss_curve_[-1] == pytest.approx(G_hidden + np.log(4), rel=1e-9)


def encoder_solved(bm, X, n_group):
    """Every V1 pattern makes the right V2 pattern the most probable one (exact)."""
    V1, V2 = range(n_group), range(n_group, 2 * n_group)
    return all(np.argmax(En.conditional_distribution(bm.W_, bm.b_, V1, x[:n_group], V2))
               == En.state_index(x[None, n_group:])[0] for x in X)


@needs_numba
def test_424_encoder_is_learned_with_sampled_statistics():
    X, mask = encoder_patterns(4), encoder_connectivity(4, 2)
    solved = [encoder_solved(BoltzmannMachine(
        n_hidden=2, connectivity=mask, statistics="sampled", n_chains=10, eta=0.5,
        max_iter=600, init_scale=0.5, noisy_clamping=True, rng=seed, backend="numba").fit(X),
        X, 4) for seed in range(5)]
    assert np.mean(solved) >= 0.6


def test_noisy_clamping_flip_rates():
    rng = np.random.default_rng(6)
    V = (rng.random((20000, 10)) < 0.5).astype(float)
    Vn = B.noisy_clamp(V, 0.15, 0.05, rng=rng)
    assert np.mean(Vn[V == 1] == 0) == pytest.approx(0.15, abs=0.01)
    assert np.mean(Vn[V == 0] == 1) == pytest.approx(0.05, abs=0.01)


def test_estimator_contract_score_sample_and_mask():
    X, mask = encoder_patterns(4), encoder_connectivity(4, 2)
    bm = BoltzmannMachine(n_hidden=2, connectivity=mask, max_iter=30, eta=1.0, rng=0)
    assert clone(bm).get_params()["n_hidden"] == 2
    assert bm.fit(X) is bm
    assert bm.W_.shape == (10, 10) and bm.n_features_in_ == 8 and bm.n_iter_ == 30
    np.testing.assert_array_equal(bm.W_, bm.W_.T)
    assert np.all(bm.W_[~bm.mask_] == 0.0)
    assert bm.score(X) == pytest.approx(-bm.loss_curve_[-1])
    assert bm.loss_curve_[-1] < bm.loss_curve_[0]
    assert bm.partial_fit(X).n_iter_ == 31
    S = bm.sample(7, rng=1)
    assert S.shape == (7, 8) and set(np.unique(S)) <= {0.0, 1.0}
    same = [BoltzmannMachine(statistics="sampled", n_hidden=1, max_iter=2, rng=4).fit(X).W_
            for _ in range(2)]
    np.testing.assert_array_equal(*same)


def test_data_generators():
    X = encoder_patterns(4)
    assert X.shape == (4, 8) and np.all(X[:, :4] == X[:, 4:]) and np.all(X.sum(1) == 2)
    mask = encoder_connectivity(4, 2)
    assert not mask[:4, 4:8].any() and mask[:4, 8:].all() and mask[4:8, 8:].all()
    # the paper's machine: groups connected within themselves, hidden units not
    assert mask[0, 1] and mask[4, 5] and not mask[8, 9] and np.array_equal(mask, mask.T)
    old = encoder_connectivity(4, 2, connect_hidden=True)
    assert {tuple(ij) for ij in np.argwhere(old != mask)} == {(8, 9), (9, 8)}
    bs = bars_and_stripes(3)
    assert bs.shape == (14, 9) and len(np.unique(bs, axis=0)) == 14
    sh = shifter(4)
    assert sh.shape == (48, 11)
    right = sh[sh[:, -1] == 1]
    np.testing.assert_array_equal(right[:, 4:8], np.roll(right[:, :4], 1, axis=1))
    P = parity_patterns(3)
    assert P.shape == (4, 3) and np.all(P.sum(1) % 2 == 0)
    C = corrupt(P, 1 / 3, rng=0)
    assert np.all(np.sum(C != P, axis=1) == 1)


def test_clear_errors_on_bad_input():
    with pytest.raises(ValueError, match="only 0 and 1"):
        BoltzmannMachine().fit(np.array([[0.0, 2.0]]))
    with pytest.raises(ValueError, match="symmetric"):
        BoltzmannMachine(connectivity=np.triu(np.ones((3, 3)))).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        BoltzmannMachine(connectivity=np.ones((2, 2))).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="statistics='sampled'"):
        BoltzmannMachine(n_hidden=30).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="schedule"):
        BoltzmannMachine(schedule="linear").fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="eta"):
        BoltzmannMachine(eta=0).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="pair of probabilities"):
        BoltzmannMachine(noisy_clamping=0.1).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="p_on_off"):
        BoltzmannMachine(noisy_clamping=(1.5, 0.0)).fit(np.ones((2, 3)))
    with pytest.raises(RuntimeError, match="not fitted"):
        BoltzmannMachine().sample(3)
    bm = BoltzmannMachine(max_iter=1).fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="features"):
        bm.score(np.ones((2, 4)))


def test_sign_step_is_the_sign_of_the_gradient_plus_decay():
    rng = np.random.default_rng(8)
    W, b = random_machine(5, rng)
    V = rng.integers(0, 2, (6, 3)).astype(float)
    stats = En.exact_clamped_statistics(V, W, b), En.exact_free_statistics(W, b)
    dW, db = B.bm_gradient(*stats)
    sW, sb = B.sign_step(*stats)
    np.testing.assert_array_equal(sW, np.sign(dW))
    np.testing.assert_array_equal(sb, np.sign(db))
    off = ~np.eye(5, dtype=bool)
    assert set(np.unique(np.abs(sW[off]))) == {1.0} and np.all(np.diag(sW) == 0.0)
    mask = rng.random((5, 5)) < 0.5
    mask = mask | mask.T
    sW2, _ = B.sign_step(*stats, W=W, weight_decay=0.1, mask=mask)
    expected = np.where(mask, np.sign(dW) + 0.1 * W, 0.0)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(sW2, expected, atol=1e-15)


def test_sign_update_moves_every_weight_by_exactly_eta():
    X = parity_patterns(3)
    kw = dict(n_hidden=1, max_iter=1, init_scale=0.5, rng=5)
    start = BoltzmannMachine(eta=1e-300, **kw).fit(X)      # the initial weights, unchanged
    bm = BoltzmannMachine(eta=0.3, update="sign", **kw).fit(X)
    step = np.abs(bm.W_ - start.W_)[~np.eye(4, dtype=bool)]
    np.testing.assert_allclose(step, 0.3, rtol=1e-12)
    np.testing.assert_allclose(np.abs(bm.b_ - start.b_)[np.abs(bm.b_) > 0], 0.3, rtol=1e-12)
    grad = BoltzmannMachine(eta=0.3, **kw).fit(X)
    assert not np.allclose(np.abs(grad.W_ - start.W_)[~np.eye(4, dtype=bool)], 0.3)


@needs_numba
def test_sign_update_numpy_and_numba_agree_bit_for_bit():
    X, mask = encoder_patterns(4), encoder_connectivity(4, 2)
    kw = dict(n_hidden=2, connectivity=mask, statistics="sampled", update="sign", eta=0.2,
              noisy_clamping=True, max_iter=5, rng=11)
    a = BoltzmannMachine(backend="numpy", **kw).fit(X)
    c = BoltzmannMachine(backend="numba", **kw).fit(X)
    np.testing.assert_array_equal(a.W_, c.W_)
    np.testing.assert_array_equal(a.b_, c.b_)


def test_random_probes_numpy_and_numba_agree_bit_for_bit_and_skip_clamped_units():
    X, mask = encoder_patterns(4), encoder_connectivity(4, 2)
    kw = dict(n_hidden=2, connectivity=mask, statistics="sampled", n_chains=2, probes="random",
              update="sign", eta=0.2, init_scale=0.0, noisy_clamping=True, max_iter=4, rng=3)
    a = BoltzmannMachine(backend="numpy", **kw).fit(X)
    assert np.abs(a.W_).max() > 0 and np.all(a.W_[~a.mask_] == 0.0)
    if HAVE_NUMBA:
        c = BoltzmannMachine(backend="numba", **kw).fit(X)
        np.testing.assert_array_equal(a.W_, c.W_)
    # a probe of a clamped unit leaves it alone; probes of free units follow (B2)
    W, b = np.zeros((3, 3)), np.array([50.0, 50.0, -50.0])
    S = np.zeros((1, 3))
    net = B.net_input(S, W, b)
    C, m = np.zeros((3, 3)), np.zeros(3)
    J = np.array([[[0, 1, 2]]])
    B.gibbs_anneal_probes(S, net, W, np.array([False, True, True]), np.ones(1), J,
                          np.full((1, 1, 3), 0.5), 1, C, m)
    np.testing.assert_array_equal(S, [[0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(m, [0.0, 1.0, 0.0])


def test_encoder_codes_count_distinct_clear_codes():
    X = encoder_patterns(4)
    W, b = np.zeros((10, 10)), np.zeros(10)
    assert En.encoder_distinct_codes(W, b, X, 2) == 0          # flat: no clear code
    codes = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    for k, code in enumerate(codes):        # V1.k and V2.k push the hidden units to code k
        for j in range(2):
            w = 6.0 if code[j] else -6.0
            for v in (k, 4 + k):
                W[v, 8 + j] = W[8 + j, v] = w
    assert En.encoder_distinct_codes(W, b, X, 2) == 4
    np.testing.assert_array_equal(En.encoder_codes(W, b, X, 2)[0], codes)
    W[1, 8:] = W[8:, 1] = W[5, 8:] = W[8:, 5] = W[0, 8]      # pattern 1 now shares code 0
    assert En.encoder_distinct_codes(W, b, X, 2) == 3


@needs_numba
def test_sign_rule_solves_most_424_encoders():
    X, mask = encoder_patterns(4), encoder_connectivity(4, 2)
    solved = [En.encoder_solved(*(lambda m: (m.W_, m.b_))(BoltzmannMachine(
        n_hidden=2, connectivity=mask, statistics="sampled", n_chains=5, update="sign",
        eta=0.1, max_iter=400, init_scale=0.5, noisy_clamping=True, rng=seed,
        backend="numba").fit(X)), X, 4) for seed in range(6)]
    assert np.mean(solved) >= 0.5


def test_unknown_update_rule_is_refused():
    with pytest.raises(ValueError, match="update"):
        BoltzmannMachine(update="adam").fit(np.ones((2, 3)))
