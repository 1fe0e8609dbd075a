"""Grading-test data for assignment 05_optimizers; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "momentum": '''
import dlcourse.optim as _optim                 # bound before the block
_Momentum, _Nesterov = _optim.Momentum, _optim.Nesterov

def momentum_step(theta, v, g, eta, mu):
    opt = _Momentum(eta, mu=mu)
    params = {"p": np.array(theta, dtype=float)}
    opt.state["p"] = {"v": np.array(v, dtype=float)}
    opt.step(params, {"p": g})
    return params["p"], opt.state["p"]["v"]

def nesterov_step(theta, v, grad, eta, mu):
    opt = _Nesterov(eta, mu=mu)
    phi = {"p": np.array(theta + mu * v, dtype=float)}
    opt.state["p"] = {"v": np.array(v, dtype=float)}
    opt.step(phi, {"p": grad(phi["p"])})
    v_new = opt.state["p"]["v"]
    return phi["p"] - mu * v_new, v_new
''',
    "adam": '''
import dlcourse.optim as _optim

def adam_step(theta, m, v, g, t, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    opt = _optim.Adam(eta, beta1=beta1, beta2=beta2, eps=eps)
    params = {"p": np.array(theta, dtype=float)}
    opt.state["p"] = {"m": np.array(m, dtype=float), "v": np.array(v, dtype=float), "t": t - 1}
    opt.step(params, {"p": g})
    return params["p"], opt.state["p"]["m"], opt.state["p"]["v"]
''',
    "rprop": '''
import dlcourse.optim.rprop as _rprop_module
_Rprop = _rprop_module.Rprop

def rprop_step(theta, g, g_prev, delta, eta_plus=1.2, eta_minus=0.5, delta_min=1e-6,
               delta_max=50.0):
    opt = _Rprop(float(np.min(delta)), eta_plus, eta_minus, delta_min, delta_max)
    params = {"p": np.array(theta, dtype=float)}
    opt.state["p"] = {"delta": np.array(delta, dtype=float), "g_prev": np.array(g_prev, dtype=float)}
    opt.step(params, {"p": g})
    return params["p"], opt.state["p"]["g_prev"], opt.state["p"]["delta"]
''',
    "adagrad": '''
import dlcourse.optim as _optim
_Adagrad, _RMSprop = _optim.Adagrad, _optim.RMSprop

def adagrad_step(theta, G, g, eta, eps=1e-10):
    opt = _Adagrad(eta, eps=eps)
    params = {"p": np.array(theta, dtype=float)}
    opt.state["p"] = {"G": np.array(G, dtype=float)}
    opt.step(params, {"p": g})
    return params["p"], opt.state["p"]["G"]

def rmsprop_step(theta, MA, g, eta, rho=0.9, eps=1e-8):
    opt = _RMSprop(eta, rho=rho, eps=eps)
    params = {"p": np.array(theta, dtype=float)}
    opt.state["p"] = {"MA": np.array(MA, dtype=float)}
    opt.step(params, {"p": g})
    return params["p"], opt.state["p"]["MA"]

''',
}

DELEGATED_TESTS = ("test_momentum_visible", "test_momentum_hidden", "test_nesterov_hidden",
                   "test_adam_visible", "test_adam_hidden", "test_rprop_visible",
                   "test_rprop_hidden", "test_adagrad_visible", "test_adagrad_hidden")
# not delegated: test_range_test and test_measure_steps check measurements the learner makes
# in the notebook with these functions (outside any blocked() region); a delegating
# submission fails every test of the functions themselves

MISTAKES = {
    "cells": {
        "momentum": '''
def momentum_step(theta, v, g, eta, mu):
    v_new = mu * v - eta * g
    return theta + v_new, v_new

def nesterov_step(theta, v, grad, eta, mu):
    v_new = mu * v - eta * grad(theta)          # gradient at theta, not at theta + mu v
    return theta + v_new, v_new
''',
        "adam": '''
def adam_step(theta, m, v, g, t, eta, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2)                     # the exponent t is missing
    return theta - eta * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
        "rprop": '''
def rprop_step(theta, g, g_prev, delta, eta_plus=1.2, eta_minus=0.5, delta_min=1e-6,
               delta_max=50.0):
    agree = g * g_prev
    delta = np.where(agree > 0, np.minimum(delta * eta_plus, delta_max),
                     np.where(agree < 0, np.maximum(delta * eta_minus, delta_min), delta))
    return theta - np.sign(g) * delta, g, delta   # steps and remembers g after a sign change
''',
    },
    "full": ("test_momentum_visible", "test_momentum_hidden", "test_adam_visible",
             "test_rprop_visible", "test_range_test", "test_adagrad_visible",
             "test_adagrad_hidden", "test_measure_steps"),
    "zero": ("test_nesterov_hidden", "test_adam_hidden", "test_rprop_hidden"),
    "messages": ("the gradient belongs at the look-ahead point",
                 "both moments need their own correction",
                 "after a sign change the weight waits one step"),
}
