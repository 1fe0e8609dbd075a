"""Perceptron training speed: dlcourse's Numba and NumPy forms beside scikit-learn's Perceptron.

Book: 01_perceptron. Run: ``python benchmarks/bench_perceptron.py`` (or ``make bench``).

Every method trains for the same number of epochs on the same data (labels noisy enough that
no method converges early). Times are medians of repeated runs interleaved round-robin in one
process, with BLAS held at one thread (the stable figure on a shared 2-core machine).
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

from dlcourse import Perceptron
from dlcourse.data import load_digits


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
    est = make()
    t0 = time.perf_counter()
    est.fit(X, t)
    return time.perf_counter() - t0


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
        ref = med["sklearn Perceptron (online)"]
        for m in methods:
            numpy_twin = m.replace("numba", "numpy")
            rows.append((name, m, med[m] / epochs * 1e3,
                         med[numpy_twin] / med[m] if "numba" in m else float("nan"),
                         ref / med[m]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small data, for a smoke test")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    Xd, td = load_digits()
    datasets = {"digits 1797x64 (odd vs even)": (Xd, (td % 2).astype(float))}
    if not args.quick:
        datasets["synthetic 20000x100"] = noisy_problem(20_000, 100, rng)
        datasets["synthetic 20000x784"] = noisy_problem(20_000, 784, rng)

    with tempfile.TemporaryDirectory() as empty:
        cold = first_fit_seconds(empty)
        warm = first_fit_seconds(empty)
    print(f"first fit in a new process: {cold:.2f} s compiling, {warm:.2f} s from Numba's cache")
    repeats = 3 if args.quick else args.repeats
    with threadpool_limits(args.threads):
        rows = run(datasets, args.epochs, repeats)
    print(f"\n{args.epochs} epochs, median of {repeats}, {args.threads} BLAS thread(s)\n")
    print(f"{'data':<30} {'method':<30} {'ms/epoch':>9} {'numba/numpy':>12} {'vs sklearn':>11}")
    for data, method, ms, vs_numpy, vs_sk in rows:
        speedup = "" if np.isnan(vs_numpy) else f"{vs_numpy:.1f}x"
        print(f"{data:<30} {method:<30} {ms:>9.3f} {speedup:>12} {vs_sk:>10.2f}x")


if __name__ == "__main__":
    main()
