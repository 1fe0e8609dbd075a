"""One epoch of PCD-1 training of a binary RBM, side by side.

Book: 10_rbm. Run: ``python benchmarks/bench_rbm.py`` (``--quick`` for a smoke test).

Methods: the form ``backend="auto"`` picks (the fused Numba loops up to batch 32, NumPy
above), the other form, and scikit-learn's ``BernoulliRBM`` (which always runs PCD-1 with plain
SGD), with the same hyper-parameters: PCD-1, eta = 0.1, no momentum, no weight decay,
``batch_size`` chains, and no reconstruction monitor (``monitor=False``; scikit-learn
computes none unless verbose). Data: the 8x8 digits (1,797 x 64, 64 hidden units) and
synthetic binary images (20,000 x 784, 256 hidden units), sparse (13% of pixels on, like
MNIST) and dense (50% on). The issue's rows: batch 10 in float64, batch 100 in float32.

Times are medians of repeats interleaved round-robin in one process; thread counts are set
for BLAS with threadpoolctl. Numba's compile time is measured separately, cold, with a
private cache folder.
"""

import os
import tempfile
import time

os.environ.setdefault("NUMBA_CACHE_DIR", tempfile.mkdtemp(prefix="bench_rbm_"))  # cold compile

import numpy as np  # noqa: E402
from sklearn.neural_network import BernoulliRBM as SkRBM  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)
from _timing import race  # noqa: E402

from dlcourse.data import load_digits  # noqa: E402
from dlcourse.models.rbm import NUMBA_MAX_BATCH, BernoulliRBM  # noqa: E402

ETA = 0.1
#: issue #16: scikit-learn's time / ours on 20,000 x 784 binary, 256 hidden, PCD-1
TARGETS = {(10, "float64"): dict(at_least=2.5, aim=4.0),
           (100, "float32"): dict(at_least=1.2, aim=1.5)}


def digits(n, rng, dtype):
    return (load_digits()[0] > 0.5).astype(dtype), 64


def binary(density):
    """Binary images: 20 random prototypes with ``density`` of their pixels on, each pixel
    flipped with probability 0.05 (sparse like MNIST at 0.13, dense at 0.5)."""
    def make(n, rng, dtype):
        prototypes = rng.random((20, 784)) < density
        X = prototypes[rng.integers(20, size=n)] ^ (rng.random((n, 784)) < 0.05)
        return X.astype(dtype), 256
    return make


def dlcourse_epoch(backend, n_hidden, bs, dtype, method="pcd"):
    # monitor=False: scikit-learn computes no reconstruction error either
    def run(X):
        BernoulliRBM(n_hidden, method=method, eta=ETA, momentum=0.0, weight_decay=0.0,
                     batch_size=bs, max_epochs=1, dtype=dtype, rng=0, backend=backend,
                     monitor=False).fit(X)
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


def measure(sets, configs, threads, repeats, rng):
    rows = []
    for name, make in sets.items():
        for bs, dtype in configs:
            X, n_hidden = make(rng, dtype)
            auto = "numba" if bs <= NUMBA_MAX_BATCH else "numpy"   # what backend="auto" runs
            other = "numpy" if auto == "numba" else "numba"
            methods = {auto: dlcourse_epoch(auto, n_hidden, bs, dtype),
                       other: dlcourse_epoch(other, n_hidden, bs, dtype),
                       "scikit-learn": sklearn_epoch(n_hidden, bs, dtype)}
            med = race(methods, (X,), repeats, threads)
            dt = np.dtype(dtype).name
            target = TARGETS.get((bs, dt), {}) if name.startswith("binary 20000") else {}
            workload = f"PCD-1 epoch, {name}, {n_hidden} hidden, batch {bs}"
            rows.append(row("rbm", workload, auto, med[auto], "scikit-learn BernoulliRBM",
                            med["scikit-learn"], dtype=dt, threads=threads, **target))
            rows.append(row("rbm", workload, other, med[other], "scikit-learn BernoulliRBM",
                            med["scikit-learn"], dtype=dt, threads=threads,
                            note="the form backend='auto' does not pick here"))
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    n, repeats = (2_000, 2) if args.quick else (args.samples, args.repeats)
    sets = {"digits 1797x64": lambda rng, dt: digits(n, rng, dt),
            f"binary {n}x784, 13% on": lambda rng, dt: binary(0.13)(n, rng, dt),
            f"binary {n}x784, 50% on": lambda rng, dt: binary(0.5)(n, rng, dt)}
    configs = [(10, np.float64), (100, np.float32)]
    if not args.quick:
        configs += [(10, np.float32), (100, np.float64)]

    with threadpool_limits(1):
        compiled = compile_times()
    print("Numba compile (cold, first call of each dtype): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in compiled.items()))
    rows = []
    for threads in args.threads:
        with threadpool_limits(threads):
            rows += measure(sets, configs, threads, repeats, np.random.default_rng(0))
    finish(rows, args)


if __name__ == "__main__":
    main()
