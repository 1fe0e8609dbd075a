"""Grading-test data for assignment 06_regularization; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "dropout": '''
from dlcourse.core import regularization as _reg


def dropout_forward(x, p_drop, train, rng):
    return _reg.dropout_forward(x, p_drop, train, rng=rng)


def dropout_backward(dout, cache):
    return _reg.dropout_backward(dout, cache)
''',
    "batchnorm": '''
from dlcourse.core.batchnorm import batchnorm_backward as _reference_backward  # bound early
import dlcourse.core.batchnorm as _bn


def batchnorm_forward(x, gamma, beta, train, running_mean, running_var, momentum=0.1, eps=1e-5):
    return _bn.batchnorm_forward(x, gamma, beta, train, running_mean, running_var, momentum, eps)


def batchnorm_backward(dout, cache):
    return _reference_backward(dout, cache)
''',
    "early_stopping": '''
from dlcourse.models._training import EarlyStopping as _Reference


class EarlyStopper:
    def __init__(self, patience, tol=0.0):
        class _Model:
            pass
        self._model = _Model()
        self._model.tol, self._model.n_iter_no_change = tol, patience
        self._model.validation_scores_, self._model.best_validation_score_ = [], -np.inf
        self._scores = []
        self._model.score = lambda X, t: self._scores[-1]
        self._ref = _Reference(self._model, None, None, lambda: {})
        self.epoch, self.best_epoch = 0, None

    def update(self, score):
        self._scores.append(score)
        before = self._model.best_validation_score_
        stop = self._ref.end_epoch()
        if self._model.best_validation_score_ > before:
            self.best_epoch = self.epoch
        self.epoch += 1
        self.best_score = self._model.best_validation_score_
        self.bad_epochs = self._ref.bad_epochs
        return stop

''',
}

MISTAKES = {
    "cells": {
        "dropout": '''
def dropout_forward(x, p_drop, train, rng):
    if not train or p_drop == 0:
        return x.copy(), None
    scaled_mask = (rng.random(x.shape) >= p_drop) / p_drop   # keep and drop mixed up
    return x * scaled_mask, scaled_mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
''',
        "batchnorm": '''
def batchnorm_forward(x, gamma, beta, train, running_mean, running_var, momentum=0.1, eps=1e-5):
    if train:
        mu, var = x.mean(axis=0), x.var(axis=0)
        running_mean[...] = (1 - momentum) * running_mean + momentum * mu
        running_var[...] = (1 - momentum) * running_var + momentum * var   # biased variance
    else:
        mu, var = running_mean, running_var
    sigma = np.sqrt(var + eps)
    xhat = (x - mu) / sigma
    return gamma * xhat + beta, (xhat, gamma, sigma, train)


def batchnorm_backward(dout, cache):
    xhat, gamma, sigma, train = cache
    g = dout * gamma
    dgamma, dbeta = np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
    if not train:
        return g / sigma, dgamma, dbeta
    m = dout.shape[0]
    return (m * g - g.sum(axis=0) - xhat * np.sum(g * xhat, axis=0)) / (m * sigma), dgamma, dbeta
''',
        "early_stopping": '''
class EarlyStopper:
    def __init__(self, patience, tol=0.0):
        self.patience, self.tol = patience, tol
        self.best_score, self.best_epoch = -np.inf, None
        self.bad_epochs, self.epoch = 0, 0

    def update(self, score):
        if score > self.best_score:                   # the tolerance is forgotten
            self.best_score, self.best_epoch, self.bad_epochs = score, self.epoch, 0
        else:
            self.bad_epochs += 1
        self.epoch += 1
        return self.bad_epochs >= self.patience

''',
    },
    "full": ("test_dropout_visible", "test_dropout_backward_hidden", "test_batchnorm_visible",
             "test_batchnorm_backward_hidden", "test_early_stopping_visible"),
    "zero": ("test_dropout_forward_hidden", "test_batchnorm_forward_hidden",
             "test_early_stopping_hidden"),
    "messages": ("p_drop=0.2", "running_var after a batch", "stop as soon as"),
}

# tasks D and E measure with the learner's own functions and dlcourse's MLPClassifier as a
# tool; their tests check the measurement, not an implementation that could be delegated
DELEGATED_TESTS = ("test_dropout_visible", "test_dropout_forward_hidden",
                   "test_dropout_backward_hidden", "test_batchnorm_visible",
                   "test_batchnorm_forward_hidden", "test_batchnorm_backward_hidden",
                   "test_early_stopping_visible", "test_early_stopping_hidden")
