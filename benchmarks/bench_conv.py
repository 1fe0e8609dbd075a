"""Convolution 5x5 + max-pooling 2x2, forward and backward, side by side with PyTorch; and one
training epoch of the digits ConvNet.

Book: 12_cnn. Run: ``python benchmarks/bench_conv.py`` (``--quick`` for a smoke test).

Shapes (batch 32): 1 -> 8 channels on 28x28 images, and 8 -> 16 channels on 12x12. Methods:
dlcourse's im2col form with the windows copied by compiled loops ("dlcourse numba"), the
same form with NumPy views ("dlcourse numpy"), the direct loops over output positions
("dlcourse direct"), and PyTorch's ``conv2d`` + ``max_pool2d`` with autograd. The epoch:
the 8x8 digits (1,797 images, batch 32, Adam) through conv 3x3 (8 maps, same padding) ->
ReLU -> max-pool 2 -> softmax, dlcourse's ConvNetClassifier against the same network in
PyTorch. Times are medians of repeats interleaved round-robin in one process; 1-thread runs
are timed by process CPU time, 2-thread runs by wall time (``_timing.clock_for``).
"""

import os

# Two thread pools share this process at 2 threads, OpenBLAS's (NumPy) and PyTorch's OpenMP one,
# on 2 cores that other jobs use too. A pool that spins while idle keeps the cores from the
# other library: run interleaved with spinning pools, one conv batch took 100-400x its 1-thread
# time (measured here). Idle threads sleep instead; this must be set before the libraries load.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from _report import compared, finish, parser_for  # noqa: E402  (benchmarks/ is the script folder)
from _timing import race  # noqa: E402

from dlcourse.core.conv import conv2d_backward, conv2d_forward  # noqa: E402
from dlcourse.core.pooling import maxpool_backward, maxpool_forward  # noqa: E402
from dlcourse.data import load_digits  # noqa: E402
from dlcourse.models import ConvNetClassifier  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

SHAPES = {"1->8 on 28x28": (32, 1, 28, 28, 8), "8->16 on 12x12": (32, 8, 12, 12, 16)}


def dlcourse_layer(method, backend):
    def run(x, W, b):
        y, c1 = conv2d_forward(x, W, b, method=method, backend=backend)
        z, c2 = maxpool_forward(y, 2, backend=backend)
        conv2d_backward(maxpool_backward(np.ones_like(z), c2), c1)
    return run


def torch_layer(x, W, b):
    xt = torch.from_numpy(x).requires_grad_()
    Wt = torch.from_numpy(W).requires_grad_()
    bt = torch.from_numpy(b).requires_grad_()
    torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(xt, Wt, bt), 2).sum().backward()


def dlcourse_epoch(X, t):
    ConvNetClassifier(conv_layers=((8, 3),), max_epochs=1, batch_size=32, eta=0.01,
                      dtype=X.dtype.type, rng=0).fit(X, t)


def torch_epoch(X, t):
    torch.manual_seed(0)
    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
                              torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                              torch.nn.Linear(128, 10)).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    Xt = torch.from_numpy(X).reshape(-1, 1, 8, 8)
    tt = torch.from_numpy(t)
    order = torch.from_numpy(np.random.default_rng(0).permutation(len(X)))
    for start in range(0, len(X), 32):
        idx = order[start:start + 32]
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(Xt[idx]), tt[idx]).backward()
        opt.step()



def measure(threads, repeats, quick):
    """{(workload, dtype): {method: median seconds}} at this many threads."""
    rows = {}
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for shape_name, (N, C, H, Wd, F) in SHAPES.items():
            x = rng.standard_normal((N, C, H, Wd)).astype(dtype)
            W = (0.1 * rng.standard_normal((F, C, 5, 5))).astype(dtype)
            b = np.zeros(F, dtype=dtype)
            methods = {"dlcourse numba": dlcourse_layer("im2col", "numba"),
                       "dlcourse numpy": dlcourse_layer("im2col", "numpy")}
            if not quick:
                methods["dlcourse direct"] = dlcourse_layer("direct", "numpy")
            if torch is not None:
                methods["pytorch cpu"] = torch_layer
            rows[f"conv5x5+pool {shape_name}", np.dtype(dtype).name] = race(
                methods, (x, W, b), repeats, threads)
        X, t = load_digits()
        X = X.astype(dtype)
        methods = {"dlcourse numba": dlcourse_epoch}
        if torch is not None:
            methods["pytorch cpu"] = torch_epoch
        rows["digits ConvNet epoch", np.dtype(dtype).name] = race(
            methods, (X, t), max(1, repeats // 2), threads)
    return rows




def main():
    parser = parser_for(__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    repeats = 2 if args.quick else args.repeats
    thread_counts = (1,) if args.quick else tuple(args.threads)
    results = {}
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        load = os.getloadavg()[0]
        with threadpool_limits(threads):
            results[threads] = measure(threads, repeats, args.quick)
        print(f"{threads} thread(s) measured; load average before: {load:.2f}, "
              f"after: {os.getloadavg()[0]:.2f} (this machine has {os.cpu_count()} cores)",
              flush=True)
    rows = []
    for threads in thread_counts:
        for (name, dtype), med in results[threads].items():
            rows += compared("conv", name, med, "dlcourse numba",
                             [m for m in ("pytorch cpu", "dlcourse numpy", "dlcourse direct")
                              if m in med or m == "pytorch cpu"], dtype=dtype, threads=threads)
    finish(rows, args)

if __name__ == "__main__":
    main()
