"""Loop forms of the algorithms, compiled by Numba (see :mod:`dlcourse._numba`).

A kernel exists only where loops are the algorithm (online learning, Gibbs sweeps, per-time-step
cells) and is checked in the tests against its NumPy reference in :mod:`dlcourse.core`.
Kernels draw no random numbers: callers pass the noise in.
"""
