"""Sequential Gibbs sweeps of a Boltzmann machine: dlcourse's Numba and NumPy forms.

Book: 09_boltzmann. Run: ``python benchmarks/bench_boltzmann.py`` (``--quick`` for a smoke test).

Both forms run the same annealed sweeps on the same chains with the same uniforms (and give the
same states, which is checked here too). The NumPy form can vectorise only the net update
after each flip; the compiled form runs the whole sweep as one loop. Times are medians of
repeats interleaved round-robin in one process, BLAS at one thread. Numba's compile time is
measured in a fresh process with an empty cache and reported on its own.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from threadpoolctl import threadpool_limits

from dlcourse.core.boltzmann import gibbs_anneal as gibbs_numpy
from dlcourse.core.boltzmann import net_input, symmetrize
from dlcourse.kernels.gibbs import gibbs_anneal as gibbs_numba

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)


def first_call_seconds(cache_dir):
    """First kernel call in a new process (after the imports): compile or load from the cache."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    code = ("import time, numpy as np; from dlcourse.kernels.gibbs import gibbs_anneal as g; "
            "n = 4; t0 = time.perf_counter(); "
            "g(np.zeros((1, n)), np.zeros((1, n)), np.zeros((n, n)), np.ones(n, dtype=bool), "
            "np.ones(1), np.zeros((1, 1, n)), 1, np.zeros((n, n)), np.zeros(n)); "
            "print(time.perf_counter() - t0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    return float(out.stdout)


def make_problem(n_units, n_chains, n_sweeps, rng):
    W = symmetrize(rng.standard_normal((n_units, n_units)) / np.sqrt(n_units))
    b = 0.1 * rng.standard_normal(n_units)
    S = rng.integers(0, 2, (n_chains, n_units)).astype(float)
    T = np.geomspace(5.0, 1.0, n_sweeps)
    U = rng.random((n_chains, n_sweeps, n_units))
    return W, b, S, T, U


def run_once(fn, W, b, S0, T, U, n_collect):
    S = S0.copy()
    net = net_input(S, W, b)
    C, m = np.zeros(W.shape), np.zeros(len(b))
    t0 = time.perf_counter()
    fn(S, net, W, np.ones(len(b), dtype=bool), T, U, n_collect, C, m)
    return time.perf_counter() - t0, S


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--sweeps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.quick:
        args.units, args.chains, args.sweeps, args.repeats = 50, 2, 5, 3

    with tempfile.TemporaryDirectory() as empty:
        cold = first_call_seconds(empty)
        warm = first_call_seconds(empty)
    print(f"first call in a new process: {cold:.2f} s compiling, {warm:.2f} s from Numba's cache")

    rng = np.random.default_rng(0)
    W, b, S0, T, U = make_problem(args.units, args.chains, args.sweeps, rng)
    n_collect = max(1, args.sweeps // 2)
    forms = {"numba": gibbs_numba, "numpy": gibbs_numpy}
    times = {k: [] for k in forms}
    with threadpool_limits(1):
        run_once(gibbs_numba, W, b, S0[:1], T[:1], U[:1, :1], 1)        # warm up
        states = {}
        for _ in range(args.repeats):
            for name, fn in forms.items():
                dt, states[name] = run_once(fn, W, b, S0, T, U, n_collect)
                times[name].append(dt)
    assert np.array_equal(states["numba"], states["numpy"]), "the two forms disagree"
    updates = args.chains * args.sweeps * args.units
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{args.units} units, {args.chains} chains x {args.sweeps} sweeps "
          f"({updates} unit updates), median of {args.repeats}, 1 BLAS thread; same states: yes\n")
    print(f"{'form':<8} {'s/run':>9} {'us/sweep':>10} {'ns/unit update':>15} {'speed-up':>9}")
    for name in forms:
        per_sweep = med[name] / (args.chains * args.sweeps) * 1e6
        print(f"{name:<8} {med[name]:>9.4f} {per_sweep:>10.1f} {med[name] / updates * 1e9:>15.1f} "
              f"{med['numpy'] / med[name]:>8.1f}x")
    finish([row("boltzmann", f"Gibbs sweeps, {args.units} units, {args.chains} chains x "
                f"{args.sweeps} sweeps", "numba", med["numba"], "dlcourse numpy", med["numpy"],
                dtype="float64", note="same states")], args)


if __name__ == "__main__":
    main()
