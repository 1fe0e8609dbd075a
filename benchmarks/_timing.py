"""Timing helpers shared by the benchmarks."""

import statistics
import time


def clock_for(threads):
    """CPU time of this process for 1-thread runs, wall time otherwise.

    On a shared machine other jobs stretch wall time unevenly; a single-threaded run's CPU
    time is the stable figure. With 2 threads CPU time adds the threads up, so wall time it is.
    """
    return time.process_time if threads == 1 else time.perf_counter


def race(methods, args, repeats, threads):
    """Median time of each method, run round-robin ``repeats`` times after one warm-up call
    each (compile, allocate, warm caches), timed by :func:`clock_for`."""
    for run in methods.values():
        run(*args)
    clock = clock_for(threads)
    times = {m: [] for m in methods}
    for _ in range(repeats):
        for m, run in methods.items():
            t0 = clock()
            run(*args)
            times[m].append(clock() - t0)
    return {m: statistics.median(v) for m, v in times.items()}
