"""Grading-test data for assignment 09_boltzmann; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "distribution": '''
import dlcourse.testing.enumeration as _En
from dlcourse.core.boltzmann import bm_energy as _reference_energy   # bound before any test

def all_states(n):
    return _En.all_states(n).copy()

def energy(S, W, b):
    return _reference_energy(np.atleast_2d(S), W, b)

def boltzmann_distribution(W, b, T=1.0):
    return _En.state_probabilities(W, b, T), _En.log_partition(W, b, T)
''',
    "statistics": '''
from dlcourse.core.boltzmann import pair_statistics as _reference_pairs
from dlcourse.testing.enumeration import (exact_clamped_statistics as _clamped,
                                          exact_free_statistics as _free)
from dlcourse.core.boltzmann import bm_gradient as _reference_gradient

def pair_statistics(S, weights):
    return _reference_pairs(S, weights)

def exact_statistics(V, W, b):
    return _clamped(V, W, b), _free(W, b)

def learning_rule(clamped, free):
    return _reference_gradient(clamped, free)
''',
    "likelihood": '''
import dlcourse.testing.enumeration as _En

def log_likelihood(V, W, b):
    return _En.log_likelihood(V, W, b)

def G_divergence(V, W, b):
    return _En.kl_divergence(_En.empirical_distribution(V), W, b, V.shape[1])
''',
    "train_exact": '''
from dlcourse.models.boltzmann import BoltzmannMachine as _Reference

def train_exact(V, n_hidden, eta, n_steps, rng):
    bm = _Reference(n_hidden=n_hidden, eta=eta, max_iter=n_steps, init_scale=1.0, rng=rng)
    bm.fit(V)
    return bm.W_, bm.b_, [G_divergence(V, bm.W_, bm.b_)] * n_steps
''',
}

MISTAKES = {
    "cells": {
        "distribution": '''
def all_states(n):
    k = np.arange(2 ** n)
    return ((k[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(float)

def energy(S, W, b):
    S = np.atleast_2d(np.asarray(S, dtype=float))
    return -0.5 * np.sum((S @ W) * S, axis=1) - S @ b

def boltzmann_distribution(W, b, T=1.0):
    boltzmann_factors = np.exp(-energy(all_states(len(b)), W, b) / T)   # overflows
    Z = boltzmann_factors.sum()
    return boltzmann_factors / Z, float(np.log(Z))
''',
        "statistics": '''
def pair_statistics(S, weights):
    S = np.asarray(S, dtype=float)
    return (S * np.asarray(weights)[:, None]).T @ S, np.asarray(weights) @ S

def exact_statistics(V, W, b):
    n_samples, n_visible = V.shape
    H = all_states(len(b) - n_visible)
    S = np.concatenate([np.repeat(V, len(H), axis=0), np.tile(H, (n_samples, 1))], axis=1)
    # every hidden state equally likely: forgets P(h | v)
    clamped = pair_statistics(S, np.full(len(S), 1.0 / len(S)))
    P, _ = boltzmann_distribution(W, b)
    return clamped, pair_statistics(all_states(len(b)), P)

def learning_rule(clamped, free):
    (p_c, q_c), (p_f, q_f) = clamped, free
    dW = -(p_c - p_f)
    np.fill_diagonal(dW, 0.0)
    return dW, -(q_c - q_f)
''',
    },
    "full": ('test_distribution_visible', 'test_statistics_visible', 'test_likelihood_visible'),
    "zero": ('test_distribution_hidden', 'test_statistics_hidden'),
    "messages": ('raised a floating-point error: overflow encountered in exp',
                 'of a machine with 2 visible and 1 hidden units'),
}

# every autograded cell: each runs the learner's functions with the references blocked
DELEGATED_TESTS = None
