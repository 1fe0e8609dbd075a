"""One epoch of mini-batch SGD for a 784-100-10 sigmoid/softmax network, side by side.

Book: 04_backprop. Run: ``python benchmarks/bench_mlp.py`` (``--quick`` for a smoke test).

Methods: dlcourse's fused Numba loops, dlcourse's NumPy form, PyTorch on the CPU (when
installed) and scikit-learn's ``MLPClassifier.partial_fit`` (plain SGD, no momentum), all on
the same synthetic data with the same learning rate. Times are medians of repeats interleaved
round-robin in one process; thread counts are set for BLAS (threadpoolctl) and PyTorch.
GFLOP/s counts the multiply-adds of the forward pass, the weight gradients, the hidden error
and the update: about 6 x (784*100 + 100*10) flops per sample.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP
from threadpoolctl import threadpool_limits

from _timing import clock_for  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse.models import MLPClassifier
from dlcourse.models.mlp import NUMBA_MAX_BATCH

try:
    import torch
except ImportError:
    torch = None

N_IN, N_HIDDEN, N_OUT = 784, 100, 10
FLOPS_PER_SAMPLE = 6 * (N_IN * N_HIDDEN + N_HIDDEN * N_OUT)
ETA = 0.1


def synthetic(n, rng, dtype):
    X = rng.random((n, N_IN)).astype(dtype)
    t = np.argmax(X @ rng.standard_normal((N_IN, N_OUT)), axis=1)
    return X, t


def dlcourse_epoch(backend, bs, dtype):
    def run(X, t):
        MLPClassifier((N_HIDDEN,), activation="sigmoid", eta=ETA, batch_size=bs, max_epochs=1,
                      dtype=dtype, rng=0, backend=backend).fit(X, t)
    return run


def sklearn_epoch(bs, dtype):
    def run(X, t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            SkMLP((N_HIDDEN,), activation="logistic", solver="sgd", learning_rate_init=ETA,
                  momentum=0.0, batch_size=bs, alpha=0.0, random_state=0).partial_fit(
                      X, t, classes=np.arange(N_OUT))
    return run


def torch_epoch(bs, dtype):
    tdtype = torch.float32 if dtype == np.float32 else torch.float64

    def run(X, t):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Sigmoid(),
                                  torch.nn.Linear(N_HIDDEN, N_OUT)).to(tdtype)
        opt = torch.optim.SGD(net.parameters(), lr=ETA)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, tt = torch.from_numpy(X), torch.from_numpy(t)
        for start in range(0, len(t), bs):
            opt.zero_grad()
            loss_fn(net(Xt[start:start + bs]), tt[start:start + bs]).backward()
            opt.step()
    return run


def measure(n, threads, repeats, rng):
    rows = []
    for dtype in (np.float32, np.float64):
        X, t = synthetic(n, rng, dtype)
        for bs in (1, 10, 100):
            methods = {"dlcourse numba": dlcourse_epoch("numba", bs, dtype),
                       "dlcourse numpy": dlcourse_epoch("numpy", bs, dtype),
                       "scikit-learn": sklearn_epoch(bs, dtype)}
            if torch is not None:
                methods["pytorch cpu"] = torch_epoch(bs, dtype)
            for run in methods.values():          # compile, allocate, warm caches
                run(X[:200], t[:200])
            times = {m: [] for m in methods}
            clock = clock_for(threads)
            for _ in range(repeats):
                for m, run in methods.items():
                    t0 = clock()
                    run(X, t)
                    times[m].append(clock() - t0)
            med = {m: statistics.median(v) for m, v in times.items()}
            auto = "dlcourse numba" if bs <= NUMBA_MAX_BATCH else "dlcourse numpy"  # backend="auto"
            for m in methods:
                rows.append(dict(dtype=np.dtype(dtype).name, batch=bs, method=m, threads=threads,
                                 us_per_sample=med[m] / n * 1e6,
                                 gflops=FLOPS_PER_SAMPLE * n / med[m] / 1e9,
                                 auto_vs_this=med[m] / med[auto]))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 samples, 2 repeats, 1 thread")
    args = parser.parse_args()
    n, repeats = (2_000, 2) if args.quick else (args.samples, args.repeats)
    thread_counts = (1,) if args.quick else (1, 2)

    rows = []
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(threads):
            rows += measure(n, threads, repeats, np.random.default_rng(0))

    print(f"784-100-10 sigmoid/softmax, one epoch of {n} samples, median of {repeats}; "
          "1 thread: process CPU time, 2 threads: wall time")
    print("'auto speedup' = this method's time / the time of what dlcourse's backend='auto' runs\n")
    print(f"{'dtype':<8} {'batch':>5} {'method':<16} {'threads':>7} {'us/sample':>10} "
          f"{'GFLOP/s':>8} {'auto speedup':>13}")
    for r in sorted(rows, key=lambda r: (r["dtype"], r["batch"], r["threads"], r["method"])):
        print(f"{r['dtype']:<8} {r['batch']:>5} {r['method']:<16} {r['threads']:>7} "
              f"{r['us_per_sample']:>10.2f} {r['gflops']:>8.2f} {r['auto_vs_this']:>12.2f}x")


if __name__ == "__main__":
    main()
