"""Grading-test data for assignment 10_rbm; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "energies": '''
import dlcourse.core.rbm as _rbm
from dlcourse.core.rbm import free_energy as _reference_free_energy   # bound before any test

def energy(v, h, W, a, b):
    return _rbm.energy(v, h, W, a, b)

softplus = _rbm.softplus

def free_energy(v, W, a, b):
    return _reference_free_energy(v, W, a, b)
''',
    "conditionals": '''
from dlcourse.core.rbm import (hidden_probabilities as _ph, visible_probabilities as _pv,
                               logistic as _logistic, sample_bernoulli as _sample)

def logistic(x):
    return _logistic(np.asarray(x, dtype=float))

def hidden_probabilities(v, W, b):
    return _ph(v, W, b)

def visible_probabilities(h, W, a):
    return _pv(h, W, a)

def sample_bernoulli(p, u):
    return _sample(p, u)
''',
    "cd": '''
from dlcourse.core.rbm import cd_gradient as _reference_cd

def cd_gradient(v_data, W, a, b, u_h, u_v):
    return _reference_cd(v_data, W, a, b, u_h, u_v)
''',
    "train_cd": '''
from dlcourse.core.rbm import cd_gradient as _reference_cd

def train_rbm_cd(X, n_hidden, k, eta, n_epochs, batch_size, rng):
    n, n_visible = X.shape
    W = 0.01 * rng.standard_normal((n_visible, n_hidden))
    a, b = np.zeros(n_visible), np.zeros(n_hidden)
    for epoch in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            v0 = X[order[start:start + batch_size]]
            u_h = rng.random((k, len(v0), n_hidden))
            u_v = rng.random((k, len(v0), n_visible))
            (dW, da, db), _ = _reference_cd(v0, W, a, b, u_h, u_v)
            W, a, b = W - eta * dW, a - eta * da, b - eta * db
    return W, a, b
''',
    "guide_train": '''
from dlcourse.models.rbm import BernoulliRBM

def train_rbm_guide(X, n_hidden, k, eta, weight_decay, n_epochs, batch_size, rng):
    model = BernoulliRBM(n_hidden=n_hidden, k=k, eta=eta, weight_decay=weight_decay,
                         max_epochs=n_epochs, batch_size=batch_size, rng=rng,
                         backend="numpy").fit(X)
    return model.W_, model.a_, model.b_

guide_settings = dict(n_hidden=12, k=1, eta=0.02, weight_decay=1e-4, n_epochs=1500,
                      batch_size=7)
''',
    "q1_code": '''
from dlcourse.core.rbm import (hidden_probabilities as _ph, visible_probabilities as _pv,
                               sample_bernoulli as _sample)

def block_sweep(V, W, a, b, rng):
    h = _sample(_ph(V, W, b), rng.random((V.shape[0], W.shape[1])))
    return _sample(_pv(h, W, a), rng.random((V.shape[0], W.shape[0])))

def measure_sweeps(n_visible, n_hidden, rng):
    W = rng.normal(0.0, 0.1, (n_visible, n_hidden))
    a, b = np.zeros(n_visible), np.zeros(n_hidden)
    V = (rng.random((100, n_visible)) < 0.5).astype(float)
    start = time.perf_counter()
    for sweep in range(20):
        V = block_sweep(V, W, a, b, rng)
    t_block = (time.perf_counter() - start) / 2000
    n = n_visible + n_hidden
    W_bm = np.block([[np.zeros((n_visible, n_visible)), W],
                     [W.T, np.zeros((n_hidden, n_hidden))]])
    b_bm = np.concatenate([a, b])
    S = (rng.random((5, n)) < 0.5).astype(float)
    start = time.perf_counter()
    gibbs_anneal(S, net_input(S, W_bm, b_bm), W_bm, np.ones(n, dtype=bool), np.ones(2),
                 rng.random((5, 2, n)), 0, np.zeros((n, n)), np.zeros(n))
    return t_block, (time.perf_counter() - start) / 10
''',
}

MISTAKES = {
    "cells": {
        "energies": '''
def energy(v, h, W, a, b):
    return -np.sum((v @ W) * h, axis=1) - v @ a - h @ b

def softplus(x):
    return np.log(1.0 + np.exp(x))                  # overflows for x > 709

def free_energy(v, W, a, b):
    return -(v @ a) - np.sum(softplus(v @ W + b), axis=1)
''',
        "cd": '''
def cd_gradient(v_data, W, a, b, u_h, u_v):
    k, n = u_h.shape[0], v_data.shape[0]
    p0 = hidden_probabilities(v_data, W, b)
    v, p = v_data, p0
    for step in range(k):
        h = sample_bernoulli(p, u_h[step])
        v = sample_bernoulli(visible_probabilities(h, W, a), u_v[step])
        if step < k - 1:                             # the last P(h | v_k) is never computed
            p = hidden_probabilities(v, W, b)
    dW = (v.T @ p - v_data.T @ p0) / n
    return (dW, np.mean(v - v_data, axis=0), np.mean(p - p0, axis=0)), v
''',
        "train_cd": '''
def train_rbm_cd(X, n_hidden, k, eta, n_epochs, batch_size, rng):
    n, n_visible = X.shape
    W = 0.01 * rng.standard_normal((n_visible, n_hidden))
    a, b = np.zeros(n_visible), np.zeros(n_hidden)
    for epoch in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            v0 = X[order[start:start + batch_size]]
            u_h = rng.random((k, len(v0), n_hidden))
            u_v = rng.random((k, len(v0), n_visible))
            (dW, da, db), _ = cd_gradient(v0, W, a, b, u_h, u_v)
            W, a, b = W + eta * dW, a + eta * da, b + eta * db     # ascends the loss
    return W, a, b
''',
    },
    "full": ("test_energies_visible", "test_conditionals_visible", "test_conditionals_hidden",
             "test_cd_visible", "test_train_visible", "test_guide_parts"),
    "zero": ("test_energies_hidden", "test_cd_hidden", "test_train_hidden"),
    "messages": ("raised a floating-point error: overflow encountered in exp", "dW for k = "),
}

# the cells whose hidden tests run the learner's code with the references blocked; the
# update rule of task E has no reference in the package to delegate to
DELEGATED_TESTS = ("test_energies_hidden", "test_conditionals_hidden", "test_cd_hidden",
                   "test_train_hidden", "test_guide_train", "test_q1")
