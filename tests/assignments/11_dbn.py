"""Grading-test data for assignment 11_dbn; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "greedy_stack": '''
from dlcourse.models.dbn import DBN as _ReferenceDBN    # bound before any test

def greedy_stack(X, hidden_sizes, rng, **rbm_params):
    return _ReferenceDBN(hidden_layer_sizes=tuple(hidden_sizes), rng=rng,
                         **rbm_params).fit(X).rbms_
''',
    "upward_pass": '''
def upward_pass(stack, X):
    layers, H = [], X
    for rbm in stack:
        H = rbm.transform(H)
        layers.append(H)
    return layers
''',
    "sampling": '''
from dlcourse.models.dbn import DBN as _ReferenceDBN

def gibbs_top(rbm, v, n_steps, rng):
    return rbm.sample(n_steps=n_steps, v_init=v, rng=rng)

def sample_dbn(stack, n_samples, n_steps, rng):
    dbn = _ReferenceDBN()
    dbn.rbms_ = list(stack)
    return dbn.sample(n_samples, n_steps=n_steps, rng=rng, probabilities=False)
''',
    "experiment": '''
from dlcourse.models.dbn import DBN as _ReferenceDBN

def pretrained_vs_random(X_train, X_labelled, t_labelled, X_test, t_test, hidden_sizes, rng):
    dbn = _ReferenceDBN(hidden_layer_sizes=tuple(hidden_sizes), rng=rng, **PRETRAIN).fit(X_train)
    seed = int(rng.integers(2**31))
    dbn.fine_tune(X_labelled, t_labelled, rng=seed, **FINE_TUNE)
    scratch = MLPClassifier(hidden_layer_sizes=tuple(hidden_sizes), activation="sigmoid",
                            rng=seed, **FINE_TUNE).fit(X_labelled, t_labelled)
    return dbn.mlp_.score(X_test, t_test), scratch.score(X_test, t_test)
''',
}

MISTAKES = {
    "cells": {
        "greedy_stack": '''
def greedy_stack(X, hidden_sizes, rng, **rbm_params):
    stack, data = [], X
    for n_hidden in hidden_sizes:
        rbm = BernoulliRBM(n_hidden=n_hidden, rng=rng, **rbm_params).fit(data)
        stack.append(rbm)
        p = rbm.transform(data)
        data = (rng.random(p.shape) < p).astype(float)     # binary samples go up, not P(h | v)
    return stack
''',
        "upward_pass": '''
def upward_pass(stack, X):
    layers, H = [], X
    for rbm in stack:
        H = 1.0 / (1.0 + np.exp(-(H @ rbm.W_ + rbm.b_)))      # overflows for large inputs
        layers.append(H)
    return layers
''',
        "sampling": '''
def gibbs_top(rbm, v, n_steps, rng):
    sig = lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))
    v = np.asarray(v, dtype=float)
    for _ in range(n_steps):
        h = (rng.random((len(v), rbm.W_.shape[1])) < sig(v @ rbm.W_ + rbm.b_)).astype(float)
        v = (rng.random(v.shape) < sig(h @ rbm.W_.T + rbm.a_)).astype(float)
    return v

def sample_dbn(stack, n_samples, n_steps, rng):
    sig = lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))
    v = np.zeros((n_samples, stack[-1].W_.shape[0]))           # chains start at zero
    v = gibbs_top(stack[-1], v, n_steps, rng)
    for rbm in reversed(stack[:-1]):
        p = sig(v @ rbm.W_.T + rbm.a_)
        v = (rng.random(p.shape) < p).astype(float)
    return v
''',
    },
    "full": ("test_stack_visible", "test_upward_visible", "test_sampling_visible",
             "test_experiment_visible"),
    "zero": ("test_stack_hidden", "test_upward_hidden", "test_sampling_hidden"),
    "messages": ("overflow encountered in exp", "differ from the reference",
                 "W_ of RBM 2"),
}

# every autograded cell: each test runs the learner's function with the DBN (and, for the
# passes and the sampler, the RBM's own methods) blocked
DELEGATED_TESTS = None
