"""One epoch of mini-batch SGD for a 784-100-10 sigmoid/softmax network, side by side.

Book: 04_backprop. Run: ``python benchmarks/bench_mlp.py`` (``--quick`` for a smoke test).

Methods: dlcourse's fused Numba loops, dlcourse's NumPy form, PyTorch on the CPU (when
installed) and scikit-learn's ``MLPClassifier.partial_fit`` (plain SGD, no momentum), all on
the same synthetic data with the same learning rate. Times are medians of repeats interleaved
round-robin in one process; thread counts are set for BLAS (threadpoolctl) and PyTorch.
GFLOP/s counts the multiply-adds of the forward pass, the weight gradients, the hidden error
and the update: about 6 x (784*100 + 100*10) flops per sample.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP
from threadpoolctl import threadpool_limits

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)
from _timing import race  # noqa: E402

from dlcourse.models import MLPClassifier
from dlcourse.models.mlp import NUMBA_MAX_BATCH

try:
    import torch
except ImportError:
    torch = None

N_IN, N_HIDDEN, N_OUT = 784, 100, 10
FLOPS_PER_SAMPLE = 6 * (N_IN * N_HIDDEN + N_HIDDEN * N_OUT)
ETA = 0.1
#: issue #16: PyTorch's time / ours, batch 100 in float32, 20,000 samples
TARGETS = {(100, "float32"): dict(at_least=1.3, aim=1.6)}


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


def measure(n, threads, repeats, rng, batches):
    rows = []
    for dtype in (np.float32, np.float64):
        X, t = synthetic(n, rng, dtype)
        for bs in batches:
            auto = "numba" if bs <= NUMBA_MAX_BATCH else "numpy"   # what backend="auto" runs
            methods = {"numba": dlcourse_epoch("numba", bs, dtype),
                       "numpy": dlcourse_epoch("numpy", bs, dtype),
                       "scikit-learn": sklearn_epoch(bs, dtype)}
            if torch is not None:
                methods["pytorch"] = torch_epoch(bs, dtype)
            med = race(methods, (X, t), repeats, threads)
            dt = np.dtype(dtype).name
            workload = f"784-100-10 SGD epoch, {n} samples, batch {bs}"
            target = TARGETS.get((bs, dt), {}) if n >= 20_000 else {}
            gflops = FLOPS_PER_SAMPLE * n / med[auto] / 1e9
            rows.append(row("mlp", workload, auto, med[auto], "PyTorch CPU", med.get("pytorch"),
                            dtype=dt, threads=threads, note=f"{gflops:.1f} GFLOP/s", **target))
            rows.append(row("mlp", workload, auto, med[auto], "scikit-learn MLPClassifier",
                            med["scikit-learn"], dtype=dt, threads=threads))
            other = "numpy" if auto == "numba" else "numba"
            rows.append(row("mlp", workload, auto, med[auto], f"dlcourse {other}", med[other],
                            dtype=dt, threads=threads))
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    n, repeats = (2_000, 2) if args.quick else (args.samples, args.repeats)
    batches = (1, 100) if args.quick else (1, 10, 100)
    rows = []
    for threads in args.threads:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(threads):
            rows += measure(n, threads, repeats, np.random.default_rng(0), batches)
    finish(rows, args)


if __name__ == "__main__":
    main()
