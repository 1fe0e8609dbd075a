"""Function evaluations per second of the annealing loop (Cauchy training), on XOR and on a
small digits network.

Book: 07_annealing. Run: ``python benchmarks/bench_annealing.py`` (``--quick`` for a smoke
test).

The package has only the NumPy form of :func:`dlcourse.core.annealing.anneal` (no compiled
loop form), so this measures that form alone, and splits its cost into the error evaluation
(the network's forward pass through :func:`dlcourse.core.annealing.network_objective`) and the
loop around it (drawing the step, the acceptance test, bookkeeping). Times are medians of
repeats interleaved round-robin in one process, by process CPU time with BLAS on one thread
(``_timing.race``).
"""


import numpy as np
from threadpoolctl import threadpool_limits

from _timing import race  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse.core.annealing import anneal, network_objective
from dlcourse.data import load_digits, logic_gate

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)


def problems():
    X, t = logic_gate("xor")
    xor = network_objective(X, t.reshape(-1, 1), (2, 3, 1), ["sigmoid", "sigmoid"])
    Xd, d = load_digits(digits=(0, 1, 2, 3))
    Xd, d = Xd[:100], d[:100]
    digits = network_objective(Xd, np.eye(4)[d], (64, 6, 4), ["sigmoid", "sigmoid"])
    return {"XOR 2-3-1": xor, "digits 64-6-4 (100 images)": digits}


def main(args):
    quick = args.quick
    rows = []
    n_steps = 200 if quick else 3000
    repeats = 1 if quick else 5
    rng = np.random.default_rng(0)
    with threadpool_limits(1):
        for name, f in problems().items():
            w0 = rng.normal(0, 0.5, f.size)
            methods = {
                "anneal (Cauchy)": lambda: anneal(f, w0, n_steps, rng=1, step="cauchy",
                                                  T0=0.05, rho=100.0),
                "error evaluations alone": lambda: [f(w0) for _ in range(n_steps)],
            }
            times = race(methods, (), repeats, threads=1)
            loop = times["anneal (Cauchy)"]
            evals = times["error evaluations alone"]
            rows.append(row("annealing", f"{name}, {f.size} weights, {n_steps} steps", "anneal",
                            loop, "forward passes alone", evals,
                            note=f"the loop adds {1e6 * (loop - evals) / n_steps:.1f} us per step"))
            print(f"{name}, {f.size} weights, {n_steps} steps:")
            print(f"  anneal: {n_steps / loop:9,.0f} evaluations/s "
                  f"({1e6 * loop / n_steps:6.1f} us per step)")
            print(f"  forward pass alone: {n_steps / evals:9,.0f} evaluations/s "
                  f"({1e6 * evals / n_steps:6.1f} us); the loop adds "
                  f"{1e6 * (loop - evals) / n_steps:5.1f} us per step")
    print("Compiled form: none in the package (dlcourse.kernels has no annealing loop); "
          "NumPy form only.")
    finish(rows, args)


if __name__ == "__main__":
    main(parser_for(__doc__).parse_args())
