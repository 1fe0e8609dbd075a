"""Hopfield capacity at full size, and the speed of the NumPy and Numba forms of recall.

Book: 08_hopfield. Run: ``python benchmarks/bench_hopfield_capacity.py`` (``--quick`` for a
smoke test).

For each network size N and load P/N: the fraction of stored random patterns that are fixed
points, and the mean overlap after asynchronous recall started at the patterns themselves
(the quantity that jumps at alpha_c = 0.138 for large N). Recall uses the compiled loop form;
at one load the NumPy form is run too, checked to give the same states, and timed against it
(medians of repeats, BLAS at one thread).
"""

import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from dlcourse.core.hopfield import hebbian_weights, local_field, overlap, sync_update
from dlcourse.core.hopfield import hopfield_recall as recall_numpy
from dlcourse.data.patterns import random_patterns
from dlcourse.kernels.hopfield import hopfield_recall as recall_numba

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)


def recall_both(Xi, W, orders):
    """Recall from the patterns with both forms; returns (S, t_numpy, t_numba)."""
    b = np.zeros(W.shape[0])
    t0 = time.perf_counter()
    S_np, _, _ = recall_numpy(Xi, W, b, orders)
    t1 = time.perf_counter()
    S_nb = Xi.copy()
    H = local_field(S_nb, W, b)
    t2 = time.perf_counter()
    recall_numba(S_nb, H, W, orders)
    t3 = time.perf_counter()
    if not np.array_equal(S_np, S_nb):
        raise AssertionError("the NumPy and Numba forms of recall disagree")
    return S_nb, t1 - t0, t3 - t2


def measure(N, load, n_nets, rng, max_sweeps=50):
    """Fixed-point fraction and final overlap (means over n_nets networks)."""
    fixed, m_end = [], []
    for _ in range(n_nets):
        Xi = random_patterns(max(1, int(round(load * N))), N, rng=rng)
        W = hebbian_weights(Xi)
        fixed.append(np.mean(np.all(sync_update(Xi, W) == Xi, axis=1)))
        S = Xi.copy()
        H = local_field(S, W)
        orders = np.array([rng.permutation(N) for _ in range(max_sweeps)], dtype=np.int64)
        recall_numba(S, H, W, orders)
        m_end.append(np.mean(np.diag(overlap(S, Xi))))
    return np.mean(fixed), np.std(fixed) / np.sqrt(n_nets), np.mean(m_end), \
        np.std(m_end) / np.sqrt(n_nets)


def main():
    args = parser_for(__doc__).parse_args()
    sizes = [100, 200] if args.quick else [250, 500, 1000]
    loads = [0.10, 0.14, 0.18] if args.quick else np.round(np.arange(0.08, 0.25, 0.02), 2)
    n_nets = 2 if args.quick else 5
    rng = np.random.default_rng(1982)

    with threadpool_limits(1):
        # compile once before timing
        Xi = random_patterns(3, 20, rng=rng)
        recall_both(Xi, hebbian_weights(Xi), np.array([rng.permutation(20)] * 3))

        print(f"{'N':>5} {'P/N':>5} {'fixed points':>14} {'final overlap':>15}")
        for N in sizes:
            for load in loads:
                f, f_se, m, m_se = measure(N, load, n_nets, rng)
                print(f"{N:5d} {load:5.2f} {f:8.3f}+-{f_se:.3f} {m:9.3f}+-{m_se:.3f}")

        N = sizes[-1]
        Xi = random_patterns(int(0.14 * N), N, rng=rng)
        W = hebbian_weights(Xi)
        orders = np.array([rng.permutation(N) for _ in range(50)], dtype=np.int64)
        t_np, t_nb = [], []
        for _ in range(3 if args.quick else 5):
            _, a, b = recall_both(Xi, W, orders)
            t_np.append(a)
            t_nb.append(b)
        print(f"recall of {len(Xi)} patterns, N = {N}: NumPy {statistics.median(t_np):.3f} s, "
              f"Numba {statistics.median(t_nb):.3f} s, "
              f"ratio {statistics.median(t_np) / statistics.median(t_nb):.1f}x")
    finish([row("hopfield", f"asynchronous recall of {len(Xi)} patterns, N = {N}, 50 orders",
                "numba", statistics.median(t_nb), "dlcourse numpy", statistics.median(t_np),
                dtype="float64", note="timed by wall clock, median of 3-5")], args)


if __name__ == "__main__":
    main()
