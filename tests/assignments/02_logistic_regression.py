"""Grading-test data for assignment 02_logistic_regression; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "cross_entropy": '''
import dlcourse.core.losses as losses
from dlcourse.core.activations import sigmoid as _reference_sigmoid   # bound before any test

def sigmoid(a):
    return _reference_sigmoid(a)

def cross_entropy(a, t):
    return losses.binary_cross_entropy_forward(np.asarray(a, dtype=float), t)[0]

def cross_entropy_grad(a, t):
    _, cache = losses.binary_cross_entropy_forward(np.asarray(a, dtype=float), t)
    return losses.binary_cross_entropy_backward(1.0, cache)
''',
    "train_logistic": '''
from dlcourse.models.logistic_regression import LogisticRegression as _Reference

def train_logistic(X, t, eta, n_epochs, alpha=0.0):
    model = _Reference(eta=eta, max_epochs=n_epochs, tol=0.0, alpha=alpha).fit(X, t)
    return model.W_[:, 0].copy(), float(model.b_[0]), list(model.loss_curve_)
''',
    "softmax": '''
from dlcourse.core import losses as _losses
from dlcourse.core.activations import softmax as _reference_softmax

def softmax(A):
    return _reference_softmax(A)

def categorical_cross_entropy(A, T):
    return _losses.categorical_cross_entropy_forward(np.asarray(A, dtype=float), T)[0]

def categorical_cross_entropy_grad(A, T):
    _, cache = _losses.categorical_cross_entropy_forward(np.asarray(A, dtype=float), T)
    return _losses.categorical_cross_entropy_backward(1.0, cache)
''',
}

MISTAKES = {
    "cells": {
        "cross_entropy": '''
def sigmoid(a):
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0, e) / (1.0 + e)

def cross_entropy(a, t):
    y = sigmoid(a)                                   # log of a rounded probability
    return float(-np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)))

def cross_entropy_grad(a, t):
    return (sigmoid(a) - t) / np.asarray(a).shape[0]
''',
        "train_logistic": '''
def train_logistic(X, t, eta, n_epochs, alpha=0.0):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(n_epochs):
        a = X @ w + b
        losses.append(cross_entropy(a, t))
        delta = cross_entropy_grad(a, t)
        w = w - eta * (X.T @ delta + alpha * w)
        b = b - eta * (np.sum(delta) + alpha * b)       # the bias decayed too
    return w, b, losses
''',
        "softmax": '''
def softmax(A):
    Z = np.exp(np.asarray(A, dtype=float))           # no shift: overflows at 1000
    return Z / Z.sum(axis=1, keepdims=True)

def categorical_cross_entropy(A, T):
    return float(-np.sum(T * np.log(softmax(A))) / np.asarray(A).shape[0])

def categorical_cross_entropy_grad(A, T):
    return (softmax(A) - T) / np.asarray(A).shape[0]
''',
    },
    "full": ("test_ce_visible", "test_train_visible", "test_softmax_visible", "test_q1",
             "test_q2"),
    "zero": ("test_ce_hidden", "test_train_hidden", "test_softmax_hidden"),
    "messages": ("for a between -1000 and 1000", "applies to w only, not to b",
                 "for net inputs of +-1000"),
}

# the task tests rerun the learner's functions with the references blocked; the questions
# reuse them but check the numbers the learner reports
DELEGATED_TESTS = ("test_ce_visible", "test_ce_hidden", "test_train_visible",
                   "test_train_hidden", "test_softmax_visible", "test_softmax_hidden")
