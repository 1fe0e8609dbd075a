"""Chapter 08: Hopfield energy, Hebbian storage, asynchronous recall in both forms, capacity."""

import numpy as np
import pytest
from sklearn.base import clone

from dlcourse._numba import HAVE_NUMBA
from dlcourse.core import hopfield as Hf
from dlcourse.data.patterns import corrupt, random_patterns
from dlcourse.kernels.hopfield import hopfield_recall as recall_loop
from dlcourse.models.hopfield import HopfieldNetwork

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")


def test_energy_matches_the_double_sum():
    rng = np.random.default_rng(0)
    n = 7
    W = rng.standard_normal((n, n))
    W = W + W.T
    np.fill_diagonal(W, 0.0)
    b = rng.standard_normal(n)
    S = random_patterns(5, n, rng=1)
    direct = [-0.5 * sum(W[i, j] * s[i] * s[j] for i in range(n) for j in range(n))
              - sum(b[i] * s[i] for i in range(n)) for s in S]
    np.testing.assert_allclose(Hf.hopfield_energy(S, W, b), direct, rtol=1e-12)
    assert Hf.hopfield_energy(S[0], W, b) == pytest.approx(direct[0], rel=1e-12)


def test_hebbian_weights_worked_example():
    # xi = (1, -1, 1), N = 3: W = xi xi^T / 3 with zero diagonal
    W = Hf.hebbian_weights(np.array([[1.0, -1.0, 1.0]]))
    expected = np.array([[0, -1, 1], [-1, 0, -1], [1, -1, 0]]) / 3
    np.testing.assert_allclose(W, expected)


def test_energy_never_increases_along_asynchronous_updates():
    rng = np.random.default_rng(2)
    n = 40
    Xi = random_patterns(12, n, rng=rng)          # above capacity: many flips happen
    W = Hf.hebbian_weights(Xi)
    b = 0.1 * rng.standard_normal(n)
    s = random_patterns(1, n, rng=rng)[0]
    h = Hf.local_field(s, W, b)
    energies = [Hf.hopfield_energy(s, W, b)]
    flips = 0
    for _ in range(6):
        for i in rng.permutation(n):
            flips += Hf.async_sweep(s, h, W, np.array([i]))
            energies.append(Hf.hopfield_energy(s, W, b))
    assert flips > 0
    assert np.all(np.diff(energies) <= 1e-12)
    np.testing.assert_allclose(h, Hf.local_field(s, W, b), atol=1e-12)   # fields kept right


def test_synchronous_update_can_cycle_where_asynchronous_cannot():
    # two units coupled negatively, both +1: synchronous flips both every step (period 2)
    W = np.array([[0.0, -1.0], [-1.0, 0.0]])
    s = np.array([1.0, 1.0])
    s1 = Hf.sync_update(s, W)
    np.testing.assert_array_equal(s1, [-1.0, -1.0])
    np.testing.assert_array_equal(Hf.sync_update(s1, W), s)
    S, n_sweeps, converged = Hf.hopfield_recall(s[None], W, np.zeros(2),
                                                np.array([[0, 1]] * 5))
    assert converged[0] and S[0, 0] != S[0, 1]


def test_stored_patterns_are_fixed_points_below_capacity():
    Xi = random_patterns(5, 200, rng=3)             # 0.025 N patterns
    net = HopfieldNetwork(rng=0).fit(Xi)
    S = net.recall(Xi)
    np.testing.assert_array_equal(S, Xi)
    assert np.all(net.n_sweeps_ == 1) and net.converged_.all()
    assert net.score(Xi) == 1.0


def test_recall_from_corrupted_cues():
    Xi = random_patterns(6, 200, rng=4)
    net = HopfieldNetwork(rng=1).fit(Xi)
    cues = corrupt(Xi, 0.2, rng=5)
    assert np.all(Hf.bit_error_rate(cues, Xi) == pytest.approx(0.2))
    S = net.recall(cues)
    np.testing.assert_array_equal(S, Xi)
    np.testing.assert_allclose(np.diag(Hf.overlap(S, Xi)), 1.0)
    assert np.all(net.energy(S) < net.energy(cues))


def test_capacity_breaks_down_near_0_14_n():
    # fraction of stored patterns that stay fixed points (no bit flips), N = 200, seed fixed:
    # well below 0.14 N nearly all are stable; well above it almost none are.
    n = 200

    def stable_fraction(alpha, seed):
        Xi = random_patterns(int(alpha * n), n, rng=seed)
        return HopfieldNetwork().fit(Xi).score(Xi)

    low = np.mean([stable_fraction(0.05, s) for s in range(3)])
    high = np.mean([stable_fraction(0.25, s) for s in range(3)])
    assert low > 0.9
    assert high < 0.2
    # and recall from the patterns themselves drifts far at 0.25 N
    Xi = random_patterns(int(0.25 * n), n, rng=7)
    S = HopfieldNetwork(rng=0).fit(Xi).recall(Xi)
    assert np.mean(Hf.bit_error_rate(S, Xi)) > 0.05


@needs_numba
def test_numpy_and_numba_recall_agree_bit_for_bit():
    rng = np.random.default_rng(8)
    n = 60
    Xi = random_patterns(10, n, rng=rng)
    W = Hf.hebbian_weights(Xi)
    b = 0.05 * rng.standard_normal(n)
    cues = corrupt(Xi, 0.3, rng=rng)
    orders = np.array([rng.permutation(n) for _ in range(30)])
    S_np, sweeps_np, conv_np = Hf.hopfield_recall(cues, W, b, orders)
    S_nb = cues.copy()
    H = Hf.local_field(S_nb, W, b)
    sweeps_nb, conv_nb = recall_loop(S_nb, H, W, orders)
    np.testing.assert_array_equal(S_np, S_nb)
    np.testing.assert_array_equal(sweeps_np, sweeps_nb)
    np.testing.assert_array_equal(conv_np, conv_nb)
    assert sweeps_np.max() > 1
    a = HopfieldNetwork(rng=3, backend="numpy").fit(Xi).recall(cues)
    c = HopfieldNetwork(rng=3, backend="numba").fit(Xi).recall(cues)
    np.testing.assert_array_equal(a, c)


def test_estimator_contract_and_same_seed_same_result():
    Xi = random_patterns(4, 30, rng=0)
    net = HopfieldNetwork(max_sweeps=7, rng=2)
    assert clone(net).get_params() == net.get_params()
    assert net.fit(Xi) is net
    assert net.W_.shape == (30, 30) and net.n_features_in_ == 30
    cues = corrupt(Xi, 0.4, rng=1)
    r1 = HopfieldNetwork(rng=5).fit(Xi).recall(cues)
    r2 = HopfieldNetwork(rng=5).fit(Xi).recall(cues)
    np.testing.assert_array_equal(r1, r2)
    sync = HopfieldNetwork(update="sync").fit(Xi)
    assert sync.recall(Xi).shape == Xi.shape and sync.converged_.all()


def test_clear_errors_on_bad_input():
    net = HopfieldNetwork()
    with pytest.raises(RuntimeError, match="not fitted"):
        net.recall(np.ones((1, 3)))
    with pytest.raises(ValueError, match="2 \\* X - 1"):
        net.fit(np.array([[0.0, 1.0, 1.0]]))
    net.fit(np.array([[1.0, -1.0, 1.0]]))
    with pytest.raises(ValueError, match="features"):
        net.recall(np.ones((1, 4)))
    with pytest.raises(ValueError, match="max_sweeps"):
        net.recall(np.ones((1, 3)), max_sweeps=0)
    with pytest.raises(ValueError, match="update"):
        HopfieldNetwork(update="parallel").fit(np.ones((1, 3)))
    with pytest.raises(ValueError, match="backend"):
        HopfieldNetwork(backend="gpu").fit(np.ones((1, 3)))


def test_reversed_patterns_and_three_pattern_mixtures_are_spurious_fixed_points():
    # at a low load (P/N = 0.03) Hebb's rule also stabilises -xi (same energy) and the
    # majority vote of any three patterns (overlap about 1/2 with each, higher energy)
    Xi = random_patterns(6, 200, rng=11)
    net = HopfieldNetwork(rng=0).fit(Xi)
    assert net.score(-Xi) == 1.0
    np.testing.assert_allclose(net.energy(-Xi), net.energy(Xi), rtol=1e-12)
    mixes = np.array([np.sign(Xi[i] + Xi[j] + Xi[k])
                      for i, j, k in [(0, 1, 2), (1, 3, 5), (2, 4, 5)]])
    assert net.score(mixes) == 1.0
    m = Hf.overlap(mixes, Xi)
    assert np.all(np.abs(m[0, :3] - 0.5) < 0.15)
    assert net.energy(mixes).max() < 0 and net.energy(mixes).min() > net.energy(Xi).max()
