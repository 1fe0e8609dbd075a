"""Grading-test data for assignment 01_perceptron; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "activations": '''
import dlcourse.core.activations as act
from dlcourse.core.activations import sigmoid as _reference_sigmoid   # bound before any test

def threshold(a):
    return act.threshold(a)

def sigmoid(a):
    return _reference_sigmoid(a)

sigmoid_prime = act.sigmoid_prime
''',
    "perceptron_step": '''
from dlcourse.core.perceptron import perceptron_step as _reference_step

def perceptron_step(X, t, w, b, eta, unit, alpha=0.0):
    w, b, _, _ = _reference_step(X, t, w, b, eta, unit, alpha)
    return w, b
''',
    "train_perceptron": '''
from dlcourse.core.perceptron import perceptron_epoch as _reference_epoch

def train_perceptron(X, t, eta, max_epochs, rng):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(max_epochs):
        w, b, n_errors, _ = _reference_epoch(X, t, w, b, rng.permutation(len(t)), eta, 1,
                                             "threshold")
        errors.append(n_errors)
        if n_errors == 0:
            break
    return w, b, errors
''',
}

MISTAKES = {
    "cells": {
        "activations": '''
def threshold(a):
    return (np.asarray(a) > 0).astype(float)

def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))   # overflows for a < -709

def sigmoid_prime(a):
    return sigmoid(a) * (1.0 - sigmoid(a))
''',
        "train_perceptron": '''
def train_perceptron(X, t, eta, max_epochs, rng):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(max_epochs):
        mistakes = 0
        for i in range(len(t)):                                   # never shuffled
            if (X[i] @ w + b > 0) != (t[i] > 0.5):
                mistakes += 1
                w, b = perceptron_step(X[i:i + 1], t[i:i + 1], w, b, eta, "threshold")
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, b, errors
''',
    },
    "full": ('test_activations_visible', 'test_step_visible', 'test_step_hidden', 'test_train_visible'),
    "zero": ('test_activations_hidden', 'test_train_hidden'),
    "messages": ('raised a floating-point error: overflow encountered in exp', 'on the two separable blobs with eta = 1.0'),
}

# every autograded cell: in 01 each question's test reruns the learner's functions with the
# references blocked
DELEGATED_TESTS = None
