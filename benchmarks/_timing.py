"""Timing helpers shared by the benchmarks."""

import time


def clock_for(threads):
    """CPU time of this process for 1-thread runs, wall time otherwise.

    On a shared machine other jobs stretch wall time unevenly; a single-threaded run's CPU
    time is the stable figure. With 2 threads CPU time adds the threads up, so wall time it is.
    """
    return time.process_time if threads == 1 else time.perf_counter
