"""Perceptron training speed: dlcourse's Numba and NumPy forms beside scikit-learn's Perceptron.

Book: 01_perceptron. Run: ``python benchmarks/bench_perceptron.py`` (or ``make bench``).

Every method trains for the same number of epochs on the same data (labels noisy enough that
no method converges early). Times are medians of repeated runs interleaved round-robin in one
process, by process CPU time with BLAS held at one thread (the stable figure on a shared
2-core machine). The issue's row: 20,000 x 50, online, 10 epochs.
Numba's compile time is measured once, in a fresh process, and reported on its own.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.linear_model import Perceptron as SkPerceptron
from threadpoolctl import threadpool_limits

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse import Perceptron
from dlcourse.data import load_digits

#: issue #16: scikit-learn's time / ours, online epochs on 20,000 x 50
TARGET = dict(at_least=1.5, aim=3.0)


def noisy_problem(n_samples, n_features, rng):
    X = rng.standard_normal((n_samples, n_features))
    w = rng.standard_normal(n_features)
    t = (X @ w + 2.0 * rng.standard_normal(n_samples) > 0).astype(float)
    return X, t


def first_fit_seconds(cache_dir=None):
    """Time of the first fit in a new process: Numba's compile (empty cache) or cache load."""
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    code = ("import time, numpy as np; from dlcourse import Perceptron; t0 = time.perf_counter(); "
            "Perceptron(backend='numba', max_epochs=1).fit(np.eye(2), [0, 1]); "
            "print(time.perf_counter() - t0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    return float(out.stdout)


def time_fit(make, X, t):
    """Process CPU time of one fit (BLAS is held to 1 thread by the caller)."""
    est = make()
    t0 = time.process_time()
    est.fit(X, t)
    return time.process_time() - t0


def run(datasets, epochs, repeats):
    rows = []
    for name, (X, t) in datasets.items():
        methods = {
            "sklearn Perceptron (online)": lambda: SkPerceptron(
                eta0=1.0, max_iter=epochs, tol=None, shuffle=True, random_state=0),
        }
        for bs in (1, 10, 100):
            for backend in ("numba", "numpy"):
                methods[f"dlcourse {backend}, batch {bs}"] = (
                    lambda bs=bs, backend=backend: Perceptron(
                        eta=1.0, batch_size=bs, max_epochs=epochs, rng=0, backend=backend))
        for make in methods.values():         # warm up: compile, caches, first-touch
            time_fit(make, X[:50], t[:50])
        times = {m: [] for m in methods}
        for _ in range(repeats):              # round-robin so drift hits every method alike
            for m, make in methods.items():
                times[m].append(time_fit(make, X, t))
        med = {m: statistics.median(v) for m, v in times.items()}
        sk = med["sklearn Perceptron (online)"]
        issue_row = name.startswith("synthetic 20000x50")
        for backend in ("numba", "numpy"):     # online learning against scikit-learn
            rows.append(row("perceptron", f"{name}, online, {epochs} epochs", backend,
                            med[f"dlcourse {backend}, batch 1"], "scikit-learn Perceptron", sk,
                            dtype="float64", **(TARGET if issue_row and backend == "numba"
                                                else {})))
        for bs in (10, 100):                   # mini-batches: the loop form against NumPy's
            rows.append(row("perceptron", f"{name}, batch {bs}, {epochs} epochs", "numba",
                            med[f"dlcourse numba, batch {bs}"], "dlcourse numpy",
                            med[f"dlcourse numpy, batch {bs}"], dtype="float64"))
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    Xd, td = load_digits()
    n = 2_000 if args.quick else 20_000
    datasets = {"digits 1797x64 (odd vs even)": (Xd, (td % 2).astype(float)),
                f"synthetic {n}x50": noisy_problem(n, 50, rng)}
    if not args.quick:
        datasets["synthetic 20000x784"] = noisy_problem(20_000, 784, rng)

    with tempfile.TemporaryDirectory() as empty:
        cold = first_fit_seconds(empty)
        warm = first_fit_seconds(empty)
    print(f"first fit in a new process: {cold:.2f} s compiling, {warm:.2f} s from Numba's cache")
    repeats = 3 if args.quick else args.repeats
    with threadpool_limits(1):                 # the issue's figure: 1 thread, CPU time
        rows = run(datasets, args.epochs, repeats)
    finish(rows, args)


if __name__ == "__main__":
    main()
