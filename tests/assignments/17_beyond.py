"""Grading-test data for assignment 17_beyond; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "operators": '''
from dlcourse.core.evolution import gaussian_mutation as _reference_mutation   # bound early
import dlcourse.core.evolution as _ev


def tournament_select(fitness, n, tournament, rng):
    return _ev.tournament_select(fitness, n, tournament, rng)


def uniform_crossover(a, b, rng):
    return _ev.uniform_crossover(a, b, rng)


def gaussian_mutation(genome, p_mutate, sigma, rng):
    return _reference_mutation(genome, p_mutate, sigma, rng)
''',
    "addressing": '''
from dlcourse.core import ntm as _ntm


def content_addressing(M, k, beta):
    return _ntm.content_forward(M, k, beta)[0]


def circular_shift(w, s):
    return _ntm.shift_forward(w, s)[0]
''',
}

MISTAKES = {
    "cells": {
        # the noise drawn before the mutation mask: the same distribution, not the stated draws
        "operators": '''
def tournament_select(fitness, n, tournament, rng):
    entrants = rng.integers(0, len(fitness), (n, tournament))
    return entrants[np.arange(n), np.argmax(np.asarray(fitness)[entrants], axis=1)]


def uniform_crossover(a, b, rng):
    return np.where(rng.random(a.shape) < 0.5, a, b)


def gaussian_mutation(genome, p_mutate, sigma, rng):
    noise = rng.normal(0.0, sigma, genome.shape)
    return genome + (rng.random(genome.shape) < p_mutate) * noise
''',
        # the cosine without its epsilon: an empty memory row gives 0 / 0
        "addressing": '''
def content_addressing(M, k, beta):
    K = (M @ k) / (np.linalg.norm(M, axis=1) * np.linalg.norm(k))
    z = beta * K
    e = np.exp(z - z.max())
    return e / e.sum()


def circular_shift(w, s):
    out = np.zeros(len(w))
    for o, s_o in zip(np.arange(len(s)) - len(s) // 2, s):
        out += s_o * np.roll(w, o)
    return out
''',
    },
    "full": ("test_operators_visible", "test_addressing_visible"),
    "zero": ("test_operators_hidden", "test_addressing_hidden"),
    "messages": ("draw rng.random(shape) first", "the content weighting for N="),
}

# task B evolves with the learner's own operators; its test checks the result
DELEGATED_TESTS = ("test_operators_visible", "test_operators_hidden", "test_addressing_visible",
                   "test_addressing_hidden")
