"""The encoder problems of Ackley, Hinton and Sejnowski (1985) learned with sampled statistics.

Book: 09_boltzmann. Run: ``python benchmarks/bench_encoder.py`` (``--quick`` for a smoke test).

For each problem (4-2-4, 4-3-4, 8-3-8) and each update rule (gradient steps ``W -= eta dW``,
and the paper's fixed-size steps ``W -= eta sign(dW)``) a machine is trained from many seeds
with annealed Gibbs sampling ("ahs1985" schedule, noisy clamping) and checked every
``--every`` learning cycles, exactly, with :func:`dlcourse.testing.enumeration.encoder_solved`.
Reported: the fraction of seeds that solve the problem within ``--max-cycles`` and the median
number of cycles they needed. The book's page runs a small version of the same table.
"""

import argparse
import statistics
import time

from threadpoolctl import threadpool_limits

from dlcourse.data.patterns import encoder_connectivity, encoder_patterns
from dlcourse.models.boltzmann import BoltzmannMachine
from dlcourse.testing.enumeration import encoder_solved

PROBLEMS = ((4, 2), (4, 3), (8, 3))
RULES = (("gradient", 0.5), ("sign", 0.2), ("sign", 0.1))


def cycles_to_solve(n_group, n_hidden, update, eta, seed, max_cycles, every, n_chains=5):
    """Learning cycles until the encoder is solved (a multiple of ``every``), or None."""
    X = encoder_patterns(n_group)
    bm = BoltzmannMachine(n_hidden=n_hidden, connectivity=encoder_connectivity(n_group, n_hidden),
                          statistics="sampled", n_chains=n_chains, update=update, eta=eta,
                          init_scale=0.5, noisy_clamping=True, rng=seed, backend="numba")
    for cycle in range(1, max_cycles + 1):
        bm.partial_fit(X)
        if cycle % every == 0 and encoder_solved(bm.W_, bm.b_, X, n_group):
            return cycle
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--max-cycles", type=int, default=None,
                        help="default: 400 for the 4-unit groups, 1000 for 8-3-8")
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="3 seeds, 60 cycles")
    args = parser.parse_args()
    seeds = 3 if args.quick else args.seeds
    print(f"{'rule':<18}{'problem':<9}{'seeds':>6}{'solved':>9}{'median cycles':>15}"
          f"{'seconds':>9}")
    with threadpool_limits(1):
        for n_group, n_hidden in PROBLEMS:
            max_cycles = args.max_cycles or (1000 if n_group == 8 else 400)
            if args.quick:
                max_cycles = 60
            for update, eta in RULES:
                t0 = time.perf_counter()
                cycles = [cycles_to_solve(n_group, n_hidden, update, eta, seed, max_cycles,
                                          args.every) for seed in range(seeds)]
                done = [c for c in cycles if c is not None]
                median = statistics.median(done) if done else float("nan")
                print(f"{update + f' eta={eta}':<18}{f'{n_group}-{n_hidden}-{n_group}':<9}"
                      f"{seeds:>6}{len(done) / seeds:>9.2f}{median:>15.0f}"
                      f"{time.perf_counter() - t0:>9.1f}", flush=True)
    limit = 60 if args.quick else (args.max_cycles or "400 (4-unit groups) / 1000 (8-3-8)")
    print(f"(solved within {limit} cycles, checked every "
          f"{args.every}; the paper reports every one of 250 runs of 4-2-4 solved, median "
          "about 110 cycles, as we recall it)")


if __name__ == "__main__":
    main()
