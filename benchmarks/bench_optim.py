"""One epoch of a 784-100-10 sigmoid/softmax network trained with Adam and with momentum,
side by side.

Book: 05_optimizers. Run: ``python benchmarks/bench_optim.py`` (``--quick`` for a smoke test).

Methods: dlcourse's fused Numba loops (:mod:`dlcourse.kernels.mlp_optim`), dlcourse's NumPy
form (the layer stack and :mod:`dlcourse.optim`), and PyTorch on the CPU with
``torch.optim.Adam`` / ``torch.optim.SGD(momentum=0.9)`` when installed; the same synthetic
data and hyper-parameters for all. Times are medians of repeats interleaved round-robin in one
process; 1-thread runs are timed by process CPU time, 2-thread runs by wall time
(``_timing.clock_for``). Thread counts are set for BLAS (threadpoolctl) and PyTorch.
"""

import statistics

import numpy as np
from threadpoolctl import threadpool_limits

from _timing import clock_for  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse.models import MLPClassifier

from _report import compared, finish, parser_for, row  # noqa: E402,F401  (benchmarks/ is the script folder)

try:
    import torch
except ImportError:
    torch = None

N_IN, N_HIDDEN, N_OUT = 784, 100, 10
RULES = {   # name: (dlcourse keywords, torch optimizer factory)
    "adam": (dict(optimizer="adam", eta=0.001),
             lambda p: torch.optim.Adam(p, lr=0.001)),
    "momentum": (dict(optimizer="sgd", eta=0.1, momentum=0.9, nesterovs_momentum=False),
                 lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
}


def synthetic(n, rng, dtype):
    X = rng.random((n, N_IN)).astype(dtype)
    t = np.argmax(X @ rng.standard_normal((N_IN, N_OUT)), axis=1)
    return X, t


def dlcourse_epoch(rule, backend, bs, dtype):
    def run(X, t):
        MLPClassifier((N_HIDDEN,), activation="sigmoid", batch_size=bs, max_epochs=1,
                      dtype=dtype, rng=0, backend=backend, **RULES[rule][0]).fit(X, t)
    return run


def torch_epoch(rule, bs, dtype):
    tdtype = torch.float32 if dtype == np.float32 else torch.float64

    def run(X, t):
        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(N_IN, N_HIDDEN), torch.nn.Sigmoid(),
                                  torch.nn.Linear(N_HIDDEN, N_OUT)).to(tdtype)
        opt = RULES[rule][1](net.parameters())
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, tt = torch.from_numpy(X), torch.from_numpy(t)
        for start in range(0, len(t), bs):
            opt.zero_grad()
            loss_fn(net(Xt[start:start + bs]), tt[start:start + bs]).backward()
            opt.step()
    return run


def measure(n, threads, repeats, rng, rules, batches):
    rows = []
    for dtype in (np.float32, np.float64):
        X, t = synthetic(n, rng, dtype)
        for rule in rules:
            for bs in batches:
                methods = {"dlcourse numba": dlcourse_epoch(rule, "numba", bs, dtype),
                           "dlcourse numpy": dlcourse_epoch(rule, "numpy", bs, dtype)}
                if torch is not None:
                    methods["pytorch cpu"] = torch_epoch(rule, bs, dtype)
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
                rows += compared("optim", f"784-100-10 {rule} epoch, {n} samples, batch {bs}",
                                 med, "dlcourse numba", ["pytorch cpu", "dlcourse numpy"],
                                 dtype=np.dtype(dtype).name, threads=threads)
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    n, repeats = (2_000, 2) if args.quick else (args.samples, args.repeats)
    thread_counts = (1,) if args.quick else tuple(args.threads)

    rows = []
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(threads):
            rows += measure(n, threads, repeats, np.random.default_rng(0), tuple(RULES),
                            (1, 10, 100))

    finish(rows, args)


if __name__ == "__main__":
    main()
