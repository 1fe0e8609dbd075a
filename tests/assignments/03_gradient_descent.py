"""Grading-test data for assignment 03_gradient_descent; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "mse": '''
from dlcourse.core.losses import mse_backward as _reference_backward
from dlcourse.core.losses import mse_forward as _reference_forward   # bound before any test

def mse_cost(X, t, w, b):
    return _reference_forward(X @ w + b, t)[0]

def mse_gradient(X, t, w, b):
    _, saved = _reference_forward(X @ w + b, t)
    g = _reference_backward(1.0, saved)
    return X.T @ g, float(g.sum())
''',
    "fits": '''
import dlcourse.models
_Reference = dlcourse.models.LinearRegression

def fit_normal_equations(X, t, alpha=0.0):
    model = _Reference(alpha=alpha).fit(X, t)
    return model.coef_, model.intercept_

def fit_gradient_descent(X, t, eta, n_epochs):
    model = _Reference(solver="gd", eta=eta, max_epochs=n_epochs, tol=0.0).fit(X, t)
    return model.coef_, model.intercept_, list(model.loss_curve_)
''',
    "minibatch": '''
import dlcourse.core.losses as _losses

def minibatch_gradient_variance(X, t, w, b, batch_size, n_draws, rng):
    grads = []
    for _ in range(n_draws):
        idx = rng.choice(X.shape[0], batch_size, replace=False)
        _, saved = _losses.mse_forward(X[idx] @ w + b, t[idx])
        g = _losses.mse_backward(1.0, saved)
        grads.append(np.r_[X[idx].T @ g, g.sum()])
    return float(np.var(grads, axis=0).sum())

''',
}

MISTAKES = {
    "cells": {
        "fits": '''
def fit_normal_equations(X, t, alpha=0.0):
    n, d = X.shape
    Xb = np.column_stack([X, np.ones(n)])
    A = Xb.T @ Xb + n * alpha * np.eye(d + 1)                   # penalises the bias too
    theta = np.linalg.solve(A, Xb.T @ t)
    return theta[:d], float(theta[d])


def fit_gradient_descent(X, t, eta, n_epochs):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(n_epochs):
        dw, db = mse_gradient(X, t, w, b)
        w, b = w - eta * dw, b - eta * db
        losses.append(mse_cost(X, t, w, b))                      # the cost after the update
    return w, b, losses
''',
        "minibatch": '''
def minibatch_gradient_variance(X, t, w, b, batch_size, n_draws, rng):
    grads = np.empty((n_draws, X.shape[1] + 1))
    for k in range(n_draws):
        idx = rng.choice(X.shape[0], batch_size, replace=False)
        dw, db = mse_gradient(X[idx], t[idx], w, b)
        grads[k, :-1], grads[k, -1] = dw, db
    return float(np.var(grads, axis=0).mean())                   # mean, not sum

''',
    },
    "full": ("test_mse_visible", "test_mse_hidden", "test_fits_visible", "test_hessian_visible",
             "test_hessian_hidden", "test_random_search", "test_degree"),
    "zero": ("test_fits_hidden", "test_lr_experiment", "test_minibatch", "test_ridge"),
    "messages": ("the losses of 30 epochs of gradient descent",
                 "is far from the theoretical"),
}

# the tests that run the learner's functions with the references blocked; the questions reuse
# those functions outside a block, so a delegating notebook may still score there
DELEGATED_TESTS = ("test_mse_visible", "test_mse_hidden", "test_fits_visible", "test_fits_hidden",
                   "test_minibatch")
