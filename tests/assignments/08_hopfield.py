"""Grading-test data for assignment 08_hopfield; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "hebbian": '''
from dlcourse.core.hopfield import hebbian_weights as _reference_hebbian   # bound early

def hebbian_weights(patterns):
    return _reference_hebbian(patterns)
''',
    "energy": '''
import dlcourse.core.hopfield as _hf

def energy(S, W, b):
    return _hf.hopfield_energy(S, W, b)
''',
    "sweep": '''
from dlcourse.core.hopfield import async_sweep as _reference_sweep
from dlcourse.core.hopfield import local_field as _reference_field

def async_sweep(s, W, b, order):
    s = np.array(s, dtype=float)
    h = _reference_field(s, W, b)
    n_flips = _reference_sweep(s, h, W, np.asarray(order))
    return s, n_flips
''',
    "recall": '''
from dlcourse.models.hopfield import HopfieldNetwork as _Net
from dlcourse.core.hopfield import hopfield_recall as _reference_recall

def recall(cue, W, b, rng, max_sweeps=100):
    orders = np.array([rng.permutation(len(cue)) for _ in range(max_sweeps)])
    S, n_sweeps, _ = _reference_recall(np.asarray(cue, dtype=float)[None], W, b, orders)
    return S[0], int(n_sweeps[0])


patterns_d = random_patterns(5, 100, rng=4)
W_d = hebbian_weights(patterns_d)
cues_d = corrupt(patterns_d, 0.2, rng=5)
recalled_d = _Net(rng=6).fit(patterns_d).recall(cues_d)
''',
    "capacity": '''
from dlcourse.models.hopfield import HopfieldNetwork as _Net


def fixed_point_fraction(patterns):
    return _Net().fit(patterns).score(patterns)


N_e = 100
loads = [0.05, 0.10, 0.15, 0.20, 0.25, 0.30]
n_nets = 10
data_rng = np.random.default_rng(8)
fractions = []
for load in loads:
    P = int(round(load * N_e))
    fractions.append(np.mean([fixed_point_fraction(random_patterns(P, N_e, rng=data_rng))
                              for _ in range(n_nets)]))


def half_load(loads, fractions):
    return float(np.interp(0.5, fractions[::-1], loads[::-1]))


alpha_half = half_load(loads, fractions)
''',
}

MISTAKES = {
    "cells": {
        "sweep": '''
def async_sweep(s, W, b, order):
    s = np.array(s, dtype=float)
    n_flips = 0
    for i in order:
        h = W[i] @ s + b[i]
        new = 1.0 if h >= 0 else -1.0            # a tie switches the unit on
        if new != s[i]:
            s[i] = new
            n_flips += 1
    return s, n_flips
''',
        "recall": '''
def recall(cue, W, b, rng, max_sweeps=100):
    s = np.array(cue, dtype=float)
    order = rng.permutation(len(s))              # one order, reused for every sweep
    n_sweeps = 0
    for sweep in range(max_sweeps):
        s, n_flips = async_sweep(s, W, b, order)
        n_sweeps += 1
        if n_flips == 0:
            break
    return s, n_sweeps


patterns_d = random_patterns(5, 100, rng=4)
W_d = hebbian_weights(patterns_d)
cues_d = corrupt(patterns_d, 0.2, rng=5)
rng_d = np.random.default_rng(6)
recalled_d = np.array([recall(cue, W_d, np.zeros(100), rng_d)[0] for cue in cues_d])
''',
    },
    "full": ("test_hebbian_visible", "test_hebbian_hidden", "test_energy_visible",
             "test_energy_hidden", "test_sweep_visible", "test_recall_visible",
             "test_capacity_visible", "test_capacity_hidden"),
    "zero": ("test_sweep_hidden", "test_recall_hidden"),
    "messages": ("a unit whose field is exactly 0 must keep its state",
                 "draw a new order with rng.permutation(N) at the start of every sweep"),
}

# every autograded cell: each test runs the learner's functions with the references blocked
DELEGATED_TESTS = None
