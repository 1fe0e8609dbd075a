"""Grading-test data for assignment 04_backprop; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "bp_equations": '''
import dlcourse.core.backprop as bp
from dlcourse.core.backprop import weight_gradient as _reference_weight_gradient  # bound early

def output_error(dE_dY, A_L, f_prime):
    return bp.output_error(dE_dY, A_L, f_prime)

def hidden_error(delta_next, W_next, A, f_prime):
    return bp.hidden_error(delta_next, W_next, A, f_prime)

bias_gradient = bp.bias_gradient

def weight_gradient(Y_prev, delta):
    return _reference_weight_gradient(Y_prev, delta)
''',
    "backprop": '''
from dlcourse.core.backprop import network_backward as _reference_backward

def backprop(X, T, W, b):
    A, Y = forward(X, W, b)
    layer_functions = ["sigmoid" for _ in W[:-1]] + ["softmax"]
    dW, db = _reference_backward((Y[-1] - T) / len(X), A, Y, W, layer_functions)
    return cross_entropy(Y[-1], T), dW, db
''',
    "gradcheck": '''
from dlcourse.testing import gradcheck as _gc

def numerical_gradient(f, x, h=1e-5):
    return _gc.numerical_gradient(f, x, h)

def relative_error(analytic, numeric):
    return _gc.relative_error(analytic, numeric)

numeric_c = numerical_gradient(lambda w: layer_loss(X_c, w, G_c), W_c)
error_1 = relative_error(layer_backward_1(X_c, W_c, G_c), numeric_c)
error_2 = relative_error(layer_backward_2(X_c, W_c, G_c), numeric_c)
buggy = 1 if error_1 > error_2 else 2
''',
}

MISTAKES = {
    "cells": {
        "bp_equations": '''
def output_error(dE_dY, A_L, f_prime):
    return dE_dY * f_prime(A_L)

def hidden_error(delta_next, W_next, A, f_prime):
    return (delta_next @ W_next.T) * f_prime(A)

def bias_gradient(delta):
    return delta.mean(axis=0)                 # averages instead of summing over the batch

def weight_gradient(Y_prev, delta):
    return Y_prev.T @ delta
''',
        "gradcheck": '''
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    f_x = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f_x) / h            # one-sided: error of order h
        x[i] = old
    return grad

def relative_error(analytic, numeric):
    a, n = np.asarray(analytic, float), np.asarray(numeric, float)
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)))

numeric_c = numerical_gradient(lambda w: layer_loss(X_c, w, G_c), W_c)
error_1 = relative_error(layer_backward_1(X_c, W_c, G_c), numeric_c)
error_2 = relative_error(layer_backward_2(X_c, W_c, G_c), numeric_c)
buggy = 1 if error_1 > error_2 else 2
''',
    },
    "full": ("test_bp_visible", "test_bp1_hidden", "test_bp2_hidden", "test_bp4_hidden",
             "test_gradcheck_visible"),
    "zero": ("test_bp3_hidden", "test_gradcheck_hidden"),
    "messages": ("bias_gradient on a batch of 7", "use the centred difference"),
}

# the measurement of task E has no reference to delegate to (its loglog_slope is a line fit)
DELEGATED_TESTS = ("test_bp_visible", "test_bp1_hidden", "test_bp2_hidden", "test_bp3_hidden",
                   "test_bp4_hidden", "test_backprop_visible", "test_backprop_hidden",
                   "test_gradcheck_visible", "test_gradcheck_hidden", "test_train_hidden",
                   "test_equal_init")
