"""The encoder problems of Ackley, Hinton and Sejnowski (1985), set up as in the paper.

Book: 09_boltzmann (page "The encoder problems"). Run: ``python benchmarks/bench_encoder.py``
(about 10 minutes on one core; ``--quick`` for a smoke test of a few seconds).

The paper's machine and procedure, in the package's units (temperatures and weights divided
by 10, which leaves every probability unchanged):

- connectivity: each visible group connected within itself and to every hidden unit; no
  V1-V2 and no hidden-hidden connections (``encoder_connectivity``'s default);
- every weight and threshold starts at zero (``init_scale=0``);
- one learning cycle: each pattern clamped ``--annealings`` times (2 by default), each time
  with its own noise (on -> off 0.15, off -> on 0.05), the hidden units annealed 2 time
  units at T = 20, 2 at 15, 2 at 12, 4 at 10, then statistics p_ij collected over 10 time
  units at T = 10; as many free-running annealings for p'_ij; then every weight changes by
  2 in the direction of sign(p_ij - p'_ij) (``update="sign"``, ``eta=0.2``);
- one time unit is n probes of units drawn at random, n the number of units
  (``probes="random"``).

Progress is counted as the paper counts it, in learning cycles, checked after every cycle:
the number of distinct hidden codes (for each pattern, the most probable hidden state with
the whole pattern clamped, computed exactly, counted when its probability is above 1/2;
:func:`dlcourse.testing.enumeration.encoder_distinct_codes`), and when the n codes also
*decode*: with V1 clamped, the right V2 state is the most probable one, exactly
(:func:`dlcourse.testing.enumeration.encoder_solved`), which is what a global minimum of G
does. The table gives, for n-1 codes, n codes and n codes that decode, how many runs got
there within the cycle limit, their median and their longest number of cycles; the paper's
figures are printed beside ours.

Measured (2 annealings; 2 shared cores under load, 7 minutes): 4-2-4 solved in 236 of 250
runs within 2,000 cycles (median 160, longest 1,888); 4-3-4 in 200 of 200 (median 59, longest
582); 8-3-8 reached 7 codes in 19 of 20 runs (median 394), 8 codes in 1 of 20 within 5,000.
With ``--annealings 10 --runs 0.2``: 4-2-4 39 of 50 (median 51), 4-3-4 40 of 40 (median 32),
8-3-8 7 codes in 4 of 4 (median 150), 8 codes in 1 of 4.
"""

import statistics
import time

from threadpoolctl import threadpool_limits

from dlcourse.data.patterns import encoder_connectivity, encoder_patterns
from dlcourse.models.boltzmann import BoltzmannMachine
from dlcourse.testing.enumeration import encoder_distinct_codes, encoder_solved

from _report import compared, finish, parser_for, row  # noqa: E402,F401  (benchmarks/ is the script folder)

#: (n_group, n_hidden, runs, cycle limit, the paper's result)
PROBLEMS = (
    (4, 2, 250, 2000, "250/250 found; median 110 cycles, longest 1,810"),
    (4, 3, 200, 2000, "200/200 found; median 270 cycles, longest 1,090"),
    (8, 3, 20, 5000, "8 codes in 16/20, 7 in the rest; median 210 cycles to 7, 1,570 to 8"),
)


def paper_machine(n_hidden, n_group, seed, annealings=2):
    """A BoltzmannMachine with the 1985 paper's encoder settings (see the module docstring)."""
    return BoltzmannMachine(n_hidden=n_hidden, connectivity=encoder_connectivity(n_group, n_hidden),
                            statistics="sampled", schedule="ahs1985", n_collect=10,
                            n_chains=annealings, probes="random", update="sign", eta=0.2,
                            init_scale=0.0, noisy_clamping=True, rng=seed, backend="numba")


def run(n_group, n_hidden, seed, max_cycles, annealings=2):
    """Learning cycles until the machine first has n-1 distinct codes, n distinct codes, and
    n codes that also decode exactly (each None if never within ``max_cycles``)."""
    X = encoder_patterns(n_group)
    bm = paper_machine(n_hidden, n_group, seed, annealings)
    first = {n_group - 1: None, n_group: None, "decodes": None}
    for cycle in range(1, max_cycles + 1):
        bm.partial_fit(X)
        n_codes = encoder_distinct_codes(bm.W_, bm.b_, X, n_hidden)
        for k in (n_group - 1, n_group):
            if n_codes >= k and first[k] is None:
                first[k] = cycle
        if n_codes == n_group and encoder_solved(bm.W_, bm.b_, X, n_group):
            first["decodes"] = cycle
            break
    return first[n_group - 1], first[n_group], first["decodes"]


def summary(cycles):
    """'found/runs median longest' of a list of cycle counts (None: not found)."""
    done = [c for c in cycles if c is not None]
    if not done:
        return f"{0:>4}/{len(cycles):<4}{'-':>7}{'-':>8}"
    return (f"{len(done):>4}/{len(cycles):<4}{statistics.median(done):>7.0f}"
            f"{max(done):>8}")


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--runs", type=float, default=1.0,
                        help="fraction of the paper's number of runs (default 1: all)")
    parser.add_argument("--annealings", type=int, default=2,
                        help="annealings per pattern in each phase (default 2)")
    args = parser.parse_args()
    print(f"{'':<9}{'n-1 codes':^21}{'n codes':^21}{'n codes, decoding':^21}")
    print(f"{'problem':<9}" + f"{'found':>9}{'median':>7}{'longest':>8}" * 3
          + f"{'seconds':>9}   the paper")
    rows = []
    with threadpool_limits(1):
        for n_group, n_hidden, runs, max_cycles, paper in PROBLEMS:
            runs = 3 if args.quick else max(1, round(runs * args.runs))
            max_cycles = 200 if args.quick else max_cycles
            t0 = time.perf_counter()
            results = [run(n_group, n_hidden, seed, max_cycles, args.annealings)
                       for seed in range(runs)]
            print(f"{f'{n_group}-{n_hidden}-{n_group}':<9}"
                  + "".join(summary([r[k] for r in results]) for k in range(3))
                  + f"{time.perf_counter() - t0:>9.0f}   {paper}", flush=True)
            found = sum(r[0] is not None for r in results)
            rows.append(row("encoder", f"{n_group}-{n_hidden}-{n_group} encoder, {runs} runs "
                            f"of at most {max_cycles} cycles", "numba",
                            time.perf_counter() - t0, dtype="float64",
                            note=f"{found}/{runs} found n-1 codes (wall time)"))
    print(f"(cycle limits: {', '.join(f'{g}-{h}-{g}: {m}' for g, h, _, m, _ in PROBLEMS)}; "
          f"{args.annealings} annealings per pattern in each phase; a code counts when its "
          "probability is above 1/2)")
    finish(rows, args)

if __name__ == "__main__":
    main()
