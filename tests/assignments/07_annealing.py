"""Grading-test data for assignment 07_annealing; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "accept": '''
from dlcourse.core import annealing as _sa


def accept(dE, T, rng, k=1.0):
    return _sa.accept(dE, T, rng, k)
''',
    "cauchy": '''
from dlcourse.core.annealing import cauchy_step as _reference_step   # bound early


def cauchy_step(T, size, rng, rho=1.0):
    return _reference_step(T, size, rng, rho)
''',
    "annealing": '''
from dlcourse.core import annealing as _sa


def simulated_annealing(E, w0, n_steps, T0, rho, rng, step=None):
    w, history = _sa.anneal(E, w0, n_steps, rng, step="cauchy", T0=T0, rho=rho)
    return w, history["loss"]

''',
}

MISTAKES = {
    "cells": {
        # u over a whole period of tan: still Cauchy steps, but not the stated draw
        "cauchy": '''
def cauchy_step(T, size, rng, rho=1.0):
    u = rng.uniform(-np.pi, np.pi, size)
    return rho * T * np.tan(u)
''',
        # the schedule T0 / t: one step hotter than asked, and still finds the minimum
        "annealing": '''
def simulated_annealing(E, w0, n_steps, T0, rho, rng, step=None):
    step = cauchy_step if step is None else step
    w = np.array(w0, dtype=float)
    E_w = float(E(w))
    best_w, best_E = w.copy(), E_w
    errors = []
    for t in range(1, n_steps + 1):
        T = T0 / t
        proposal = w + step(T, w.shape, rng, rho)
        E_new = float(E(proposal))
        if np.isfinite(E_new) and accept(E_new - E_w, T, rng):
            w, E_w = proposal, E_new
            if E_w < best_E:
                best_w, best_E = w.copy(), E_w
        errors.append(E_w)
    return best_w, errors

''',
    },
    "full": ("test_accept_visible", "test_accept_hidden", "test_cauchy_visible"),
    "zero": ("test_cauchy_hidden", "test_annealing_hidden"),
    "messages": ("draw u = rng.uniform(-np.pi / 2, np.pi / 2, size)", "T = T0 / (1 + t)"),
}

DELEGATED_TESTS = ("test_accept_visible", "test_accept_hidden", "test_cauchy_visible",
                   "test_cauchy_hidden", "test_annealing_hidden", "test_run_c")
