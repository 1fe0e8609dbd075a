"""One training epoch of a digits autoencoder, dlcourse's Autoencoder against the same network
in PyTorch.

Book: 15_autoencoders. Run: ``python benchmarks/bench_autoencoder.py`` (``--quick`` for a
smoke test).

The network: the 8x8 digits (1,797 images scaled to [0, 1]) through a tied-weight autoencoder
64 -> 32 -> 64, sigmoid encoder, sigmoid decoder with the cross-entropy computed from the
decoder's net input, Adam with learning rate 0.001, mini-batches of 32, one epoch. A second
workload adds the options that cost extra work per batch: 128 hidden units with masking noise
(denoising) and the contractive penalty. The Autoencoder computes in float64 whatever the
input's dtype (its parameters are float64), so its float32 row times the same float64 work;
PyTorch runs in the dtype given. Times are medians of repeats interleaved round-robin in one
process; 1-thread runs are timed by process CPU time, 2-thread runs by wall time
(``_timing.clock_for``).
"""

import os

# Idle thread pools sleep instead of spinning (see bench_conv.py); set before the libraries load.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from _report import compared, finish, parser_for  # noqa: E402  (benchmarks/ is the script folder)
from _timing import race  # noqa: E402

from dlcourse.data import load_digits  # noqa: E402
from dlcourse.models import Autoencoder  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

WORKLOADS = {"tied 64-32-64": dict(n_hidden=32),
             "denoising + contractive 64-128-64": dict(n_hidden=128, corruption="mask",
                                                       noise=0.3, contraction=0.1)}


def dlcourse_epoch(options):
    def run(X):
        Autoencoder(max_epochs=1, batch_size=32, eta=0.001, rng=0, **options).fit(X)
    return run


def torch_epoch(options):
    k, p_drop, lam = options["n_hidden"], options.get("noise", 0.0), options.get("contraction", 0)
    masked = options.get("corruption") == "mask"

    def run(X):
        torch.manual_seed(0)
        dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        d = X.shape[1]
        limit = np.sqrt(6.0 / (d + k))                      # Glorot uniform, as init="glorot"
        W = torch.nn.Parameter((torch.rand(d, k, dtype=dtype) * 2 - 1) * limit)
        b = torch.nn.Parameter(torch.zeros(k, dtype=dtype))
        c = torch.nn.Parameter(torch.zeros(d, dtype=dtype))
        opt = torch.optim.Adam([W, b, c], lr=0.001)
        Xt = torch.from_numpy(X)
        order = torch.from_numpy(np.random.default_rng(0).permutation(len(X)))
        for start in range(0, len(X), 32):
            x = Xt[order[start:start + 32]]
            x_in = x * (torch.rand_like(x) >= p_drop) if masked else x
            h = torch.sigmoid(x_in @ W + b)
            a = h @ W.T + c
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                a, x, reduction="sum") / len(x)
            if lam:
                s = h * (1 - h)
                loss = loss + lam / len(x) * torch.sum(s * s * torch.sum(W * W, dim=0))
            opt.zero_grad()
            loss.backward()
            opt.step()
    return run


def measure(threads, repeats):
    """{(workload, dtype): {method: median seconds}} at this many threads."""
    rows = {}
    X64, _ = load_digits()
    for dtype in (np.float32, np.float64):
        X = X64.astype(dtype)
        for name, options in WORKLOADS.items():
            methods = {"dlcourse numpy": dlcourse_epoch(options)}
            if torch is not None:
                methods["pytorch cpu"] = torch_epoch(options)
            rows[name, np.dtype(dtype).name] = race(methods, (X,), repeats, threads)
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
            results[threads] = measure(threads, repeats)
        print(f"{threads} thread(s) measured; load average before: {load:.2f}, "
              f"after: {os.getloadavg()[0]:.2f} (this machine has {os.cpu_count()} cores)",
              flush=True)
    rows = []
    for threads in thread_counts:
        for (name, dtype), med in results[threads].items():
            rows += compared("autoencoder", f"{name}, one epoch", med, "dlcourse numpy",
                             ["pytorch cpu"], dtype=dtype, threads=threads,
                             note="dlcourse computes in float64")
    finish(rows, args)

if __name__ == "__main__":
    main()
