"""Exact enumeration of small Boltzmann machines: partition function, marginals, gradient."""

import itertools

import numpy as np
import pytest

from dlcourse.core.boltzmann import bm_energy, symmetrize
from dlcourse.testing import enumeration as En


def random_machine(n, rng, scale=1.0, mask=None):
    W = symmetrize(scale * rng.standard_normal((n, n)))
    if mask is not None:
        W = np.where(mask, W, 0.0)
    return W, scale * rng.standard_normal(n)


def direct_probabilities(W, b, T=1.0):
    states = [np.array(s, dtype=float) for s in itertools.product((0, 1), repeat=len(b))]
    weights = np.array([np.exp(-float(bm_energy(s, W, b)) / T) for s in states])
    return np.array(states), weights / weights.sum(), np.log(weights.sum())


def test_states_are_enumerated_in_index_order():
    S = En.all_states(3)
    np.testing.assert_array_equal(S[5], [1, 0, 1])            # 5 = 0b101
    np.testing.assert_array_equal(En.state_index(S), np.arange(8))


def test_partition_function_and_distribution_match_direct_sums():
    rng = np.random.default_rng(0)
    W, b = random_machine(5, rng)
    for T in (1.0, 2.5):
        states, P, logZ = direct_probabilities(W, b, T)
        assert En.log_partition(W, b, T) == pytest.approx(logZ, rel=1e-12)
        np.testing.assert_allclose(En.state_probabilities(W, b, T), P, rtol=1e-10)


def test_log_partition_is_stable_for_huge_weights():
    rng = np.random.default_rng(1)
    W, b = random_machine(6, rng, scale=1000.0)
    logZ = En.log_partition(W, b)
    assert np.isfinite(logZ)
    assert logZ == pytest.approx(-bm_energy(En.all_states(6), W, b).min(), rel=1e-9)


def test_visible_distribution_marginalises_hidden_units():
    rng = np.random.default_rng(2)
    W, b = random_machine(6, rng)
    states, P, _ = direct_probabilities(W, b)
    Pv = En.visible_distribution(W, b, n_visible=4)
    for k, v in enumerate(En.all_states(4)):
        assert Pv[k] == pytest.approx(P[np.all(states[:, :4] == v, axis=1)].sum(), rel=1e-10)
    V = En.all_states(4)[[1, 7, 7, 12]]
    assert En.log_likelihood(V, W, b) == pytest.approx(np.mean(np.log(Pv[[1, 7, 7, 12]])))


def test_bipartite_machine_is_an_rbm():
    # an RBM's P(v) has the closed form exp(a.v) prod_j (1 + exp(c_j + v.W_j)) / Z
    rng = np.random.default_rng(3)
    nv, nh = 4, 3
    mask = np.zeros((nv + nh, nv + nh), dtype=bool)
    mask[:nv, nv:] = mask[nv:, :nv] = True
    W, b = random_machine(nv + nh, rng, mask=mask)
    V = En.all_states(nv)
    unnorm = np.exp(V @ b[:nv]) * np.prod(1 + np.exp(b[nv:] + V @ W[:nv, nv:]), axis=1)
    np.testing.assert_allclose(En.visible_distribution(W, b, nv), unnorm / unnorm.sum(),
                               rtol=1e-10)


@pytest.mark.parametrize("n_visible, n_hidden", [(3, 0), (3, 2), (4, 3)])
def test_exact_gradient_matches_finite_differences(n_visible, n_hidden):
    rng = np.random.default_rng(n_visible + n_hidden)
    n = n_visible + n_hidden
    W, b = random_machine(n, rng, scale=0.7)
    V = rng.integers(0, 2, (6, n_visible)).astype(float)
    dW, db = En.exact_gradient(V, W, b)
    eps = 1e-5

    def nll(W_, b_):
        return -En.log_likelihood(V, W_, b_)

    for i in range(n):
        e = np.zeros(n)
        e[i] = eps
        assert db[i] == pytest.approx((nll(W, b + e) - nll(W, b - e)) / (2 * eps), abs=1e-8)
        for j in range(i + 1, n):
            E = np.zeros((n, n))
            E[i, j] = E[j, i] = eps                  # W_ij and W_ji are one weight
            numeric = (nll(W + E, b) - nll(W - E, b)) / (2 * eps)
            assert dW[i, j] == pytest.approx(numeric, abs=1e-8)
            assert dW[j, i] == dW[i, j]
    assert np.all(np.diag(dW) == 0)


def test_kl_divergence_is_nll_minus_data_entropy():
    rng = np.random.default_rng(5)
    W, b = random_machine(5, rng)
    V = En.all_states(3)[[0, 3, 3, 5, 6, 6, 6, 7]]
    P = En.empirical_distribution(V)
    assert P.sum() == pytest.approx(1.0) and P[6] == pytest.approx(3 / 8)
    H = -np.sum(P[P > 0] * np.log(P[P > 0]))
    G = En.kl_divergence(P, W, b, 3)
    assert G == pytest.approx(-En.log_likelihood(V, W, b) - H, rel=1e-10)
    assert G > 0


def test_conditional_distribution_is_bayes_rule():
    rng = np.random.default_rng(6)
    W, b = random_machine(5, rng)
    states, P, _ = direct_probabilities(W, b)
    cond = En.conditional_distribution(W, b, [0, 2], [1, 0], [3, 4])
    keep = (states[:, 0] == 1) & (states[:, 2] == 0)
    for k, q in enumerate(En.all_states(2)):
        sel = keep & np.all(states[:, 3:] == q, axis=1)
        assert cond[k] == pytest.approx(P[sel].sum() / P[keep].sum(), rel=1e-10)


def test_enumeration_refuses_machines_too_large():
    with pytest.raises(ValueError, match="sampled statistics"):
        En.all_states(En.MAX_UNITS + 1)


def test_conditional_distribution_matches_filtering_all_states():
    rng = np.random.default_rng(21)
    n = 7
    A = rng.standard_normal((n, n))
    W = 0.5 * (A + A.T)
    np.fill_diagonal(W, 0.0)
    b = rng.standard_normal(n)
    clamp, values, query = [1, 4], [1.0, 0.0], [0, 5, 6]
    S = En.all_states(n)
    keep = np.all(S[:, clamp] == values, axis=1)
    p = En.state_probabilities(W, b)[keep]
    brute = np.bincount(En.state_index(S[keep][:, query]), weights=p / p.sum(), minlength=8)
    np.testing.assert_allclose(En.conditional_distribution(W, b, clamp, values, query), brute,
                               atol=1e-14)


def test_encoder_solved_accepts_a_learned_code_and_rejects_zero_weights():
    from dlcourse.data.patterns import encoder_connectivity, encoder_patterns
    from dlcourse.models.boltzmann import BoltzmannMachine
    X = encoder_patterns(2)
    n = 2 * 2 + 1
    assert not En.encoder_solved(np.zeros((n, n)), np.zeros(n), X, 2)
    bm = BoltzmannMachine(n_hidden=1, connectivity=encoder_connectivity(2, 1), eta=2.0,
                          max_iter=300, init_scale=0.5, rng=0).fit(X)
    assert En.encoder_solved(bm.W_, bm.b_, X, 2)
