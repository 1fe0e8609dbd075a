"""One epoch of PCD-1 training of a binary RBM, side by side.

Book: 10_rbm. Run: ``python benchmarks/bench_rbm.py`` (``--quick`` for a smoke test).

Methods: dlcourse's fused Numba loops, dlcourse's NumPy form and scikit-learn's
``BernoulliRBM`` (which always runs PCD-1 with plain SGD), with the same hyper-parameters:
PCD-1, eta = 0.1, no momentum, no weight decay, ``batch_size`` chains. dlcourse also records
the reconstruction error of every mini-batch (one extra product P(v | h0) per batch for PCD);
scikit-learn monitors nothing unless verbose. Data: the 8x8 digits (1,797 x 64, 64 hidden
units) and a synthetic binary set (20,000 x 784, 100 hidden units, noisy prototypes).

Times are medians of repeats interleaved round-robin in one process; thread counts are set
for BLAS with threadpoolctl. Numba's compile time is measured separately, cold, with a
private cache folder.
"""

import argparse
import os
import statistics
import tempfile
import time

os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="bench_rbm_"))  # cold compile

import numpy as np  # noqa: E402
from sklearn.neural_network import BernoulliRBM as SkRBM  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from _timing import clock_for  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse.data import load_digits  # noqa: E402
from dlcourse.models.rbm import NUMBA_MAX_BATCH, BernoulliRBM  # noqa: E402

ETA = 0.1


def digits(rng, dtype):
    return (load_digits()[0] > 0.5).astype(dtype), 64


def synthetic(n, rng, dtype):
    """Binary images: 20 random prototypes, each pixel flipped with probability 0.1."""
    prototypes = rng.random((20, 784)) < 0.3
    X = prototypes[rng.integers(20, size=n)] ^ (rng.random((n, 784)) < 0.1)
    return X.astype(dtype), 100


def dlcourse_epoch(backend, n_hidden, bs, dtype, method="pcd"):
    def run(X):
        BernoulliRBM(n_hidden, method=method, eta=ETA, momentum=0.0, weight_decay=0.0,
                     batch_size=bs, max_epochs=1, dtype=dtype, rng=0, backend=backend).fit(X)
    return run


def sklearn_epoch(n_hidden, bs, dtype):
    def run(X):
        SkRBM(n_components=n_hidden, learning_rate=ETA, batch_size=bs, n_iter=1,
              random_state=0).fit(X)
    return run


def compile_times():
    out = {}
    for dtype in (np.float32, np.float64):
        X = np.zeros((20, 8), dtype)
        t0 = time.perf_counter()
        dlcourse_epoch("numba", 4, 10, dtype)(X)
        out[np.dtype(dtype).name] = time.perf_counter() - t0
    return out


def measure(sets, batches, threads, repeats, rng):
    rows = []
    for name, make in sets.items():
        for dtype in (np.float32, np.float64):
            X, n_hidden = make(rng, dtype)
            for bs in batches:
                methods = {"dlcourse numba": dlcourse_epoch("numba", n_hidden, bs, dtype),
                           "numba CD-1": dlcourse_epoch("numba", n_hidden, bs, dtype, "cd"),
                           "dlcourse numpy": dlcourse_epoch("numpy", n_hidden, bs, dtype),
                           "scikit-learn": sklearn_epoch(n_hidden, bs, dtype)}
                for run in methods.values():          # allocate, warm caches
                    run(X[:200])
                times = {m: [] for m in methods}
                clock = clock_for(threads)
                for _ in range(repeats):
                    for m, run in methods.items():
                        t0 = clock()
                        run(X)
                        times[m].append(clock() - t0)
                med = {m: statistics.median(v) for m, v in times.items()}
                auto = "dlcourse numba" if bs <= NUMBA_MAX_BATCH else "dlcourse numpy"
                for m in methods:
                    rows.append(dict(data=name, dtype=np.dtype(dtype).name, batch=bs, method=m,
                                     threads=threads, us=med[m] / len(X) * 1e6,
                                     vs_auto=med[m] / med[auto],
                                     best=min((m for m in med if m != "numba CD-1"),
                                              key=med.get)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batches", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--quick", action="store_true", help="2,000 samples, 2 repeats, 1 thread")
    args = parser.parse_args()
    n, repeats = (2_000, 2) if args.quick else (args.samples, args.repeats)
    thread_counts = (1,) if args.quick else (1, 2)
    sets = {"digits": digits, f"binary {n}x784": lambda rng, dt: synthetic(n, rng, dt)}

    with threadpool_limits(1):
        compiled = compile_times()
    rows = []
    for threads in thread_counts:
        with threadpool_limits(threads):
            rows += measure(sets, args.batches, threads, repeats, np.random.default_rng(0))

    print("Numba compile (cold, first call of each dtype): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in compiled.items()))
    print(f"PCD-1 epoch, median of {repeats} (1 thread: process CPU time, 2 threads: wall "
          f"time); 'numba CD-1' is the cheaper CD-1 for reference; 'vs auto' = this time / "
          f"the time of what backend='auto' runs (numba up to batch {NUMBA_MAX_BATCH})\n")
    print(f"{'data':<18} {'dtype':<8} {'batch':>5} {'threads':>7} {'method':<15} "
          f"{'us/sample':>10} {'vs auto':>8}  winner")
    for r in sorted(rows, key=lambda r: (r["data"], r["dtype"], r["batch"], r["threads"],
                                         r["method"])):
        print(f"{r['data']:<18} {r['dtype']:<8} {r['batch']:>5} {r['threads']:>7} "
              f"{r['method']:<15} {r['us']:>10.2f} {r['vs_auto']:>7.2f}x  {r['best']}")


if __name__ == "__main__":
    main()
