"""Run every benchmark and write one table: ``benchmarks/results/latest.md`` and ``latest.json``.

Book: how_to_use, "For instructors".

Run: ``make bench`` (all of them, full size: about an hour on the 2-core machine), ``make bench
QUICK=1`` (small sizes, a few minutes), ``make bench COMPARE=old.json`` (print how each ratio
moved since that run; by default the previous ``latest.json`` is compared before it is
replaced). Or directly: ``python benchmarks/run.py [--quick] [--compare PATH] [bench_x.py ...]``.

Each ``bench_*.py`` runs in its own process (Numba caches, thread pools and PyTorch's OpenMP
stay apart) with ``--json`` and hands back its rows (see ``_report.py``). A script that fails
is reported with its error and the others still run; the exit status is then 1.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from _report import compare, machine, markdown, write  # noqa: E402

HOW = ("Each row: the median of repeats run round-robin in one process (every method once per "
       "round, so a load change hits all alike), after a warm-up call (Numba compiles, caches "
       "fill). 1 thread: BLAS, PyTorch and Numba held to one thread and timed by process CPU "
       "time; 2 threads: wall time. 'peer / dlcourse' above 1 means dlcourse is faster; "
       "'at least' and 'aim' are the targets of issue #16 where it sets them.")


def scripts(names=None):
    """The benchmark scripts to run: the given ones, or every bench_*.py beside this file."""
    if names:
        return [os.path.abspath(n) for n in names]
    return sorted(os.path.join(HERE, f) for f in os.listdir(HERE)
                  if f.startswith("bench_") and f.endswith(".py"))


def run_one(path, quick, timeout):
    """Run one script; returns (rows, error message or None, seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "rows.json")
        cmd = [sys.executable, path, "--json", out] + (["--quick"] if quick else [])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [HERE] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        t0 = time.perf_counter()
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, env=env,
                                  timeout=timeout, cwd=HERE)
        except subprocess.TimeoutExpired:
            return [], f"stopped after {timeout:.0f} s (raise --timeout)", time.perf_counter() - t0
        seconds = time.perf_counter() - t0
        if done.returncode != 0 or not os.path.exists(out):
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return [], f"exit status {done.returncode}: " + " / ".join(tail), seconds
        with open(out) as f:
            return json.load(f), None, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", help="benchmark scripts (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--out", default=os.path.join(HERE, "results"),
                        help="folder for latest.md and latest.json")
    parser.add_argument("--compare", metavar="JSON",
                        help="an earlier latest.json (default: the one in --out, if any)")
    parser.add_argument("--timeout", type=float, default=3 * 3600,
                        help="seconds one script may take")
    args = parser.parse_args(argv)
    md_path = os.path.join(args.out, "latest.md")
    json_path = os.path.join(args.out, "latest.json")
    previous_path = args.compare or (json_path if os.path.exists(json_path) else None)
    previous = None
    if previous_path:
        with open(previous_path) as f:
            previous = json.load(f)

    rows, failures = [], []
    for path in scripts(args.scripts):
        name = os.path.basename(path)
        print(f"running {name}{' (quick)' if args.quick else ''} ...", flush=True)
        got, error, seconds = run_one(path, args.quick, args.timeout)
        print(f"  {len(got)} rows in {seconds:.0f} s" + (f"; FAILED: {error}" if error else ""),
              flush=True)
        rows += got
        if error:
            failures.append((name, error))
    notes = HOW + (" Quick mode: small sizes, not the issue's workloads." if args.quick else "")
    notes += "".join(f"\n\nFAILED: {name}: {error}" for name, error in failures)
    write(rows, md_path, json_path, machine(), notes)
    print("\n" + markdown(rows))
    print(f"written: {md_path}, {json_path}")
    if previous is not None:
        moved = compare(rows, previous["rows"])
        print(f"\nratios against {previous_path} ({previous['machine'].get('date', '?')}):")
        for r, old, change in moved:
            flag = "  <-- slower" if change < 0.9 else ("  faster" if change > 1.1 else "")
            print(f"  {r['benchmark']}: {r['workload']} {r['dtype']} {r['threads']}t "
                  f"{r['method']} vs {r['peer']}: {old:.2f}x -> {r['ratio']:.2f}x{flag}")
        if not moved:
            print("  no row in common")
    for name, error in failures:
        print(f"FAILED: {name}: {error}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
