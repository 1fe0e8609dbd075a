"""Grading-test data for assignment 13_rnn; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "rnn_step": '''
from dlcourse.core import rnn as _rnn


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return _rnn.rnn_step_forward(x, h_prev, Wx, Wh, b)


def rnn_step_backward(dh, cache):
    return _rnn.rnn_step_backward(dh, cache)
''',
    "bptt": '''
from dlcourse.core.rnn import rnn_backward as _reference_backward   # bound early
import dlcourse.core.rnn as _rnn


def rnn_forward(x, h0, Wx, Wh, b):
    return _rnn.rnn_forward(x, h0, Wx, Wh, b, backend="numpy")


def rnn_backward(dh, cache):
    return _reference_backward(dh, cache)
''',
    "clipping": '''
from dlcourse.core import rnn as _rnn


def clip_gradient_norm(grads, max_norm):
    return _rnn.clip_gradient_norm(grads, max_norm)
''',
}

MISTAKES = {
    "cells": {
        # dh0 taken before going back through the first step
        "bptt": '''
def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.empty((N, T, h0.shape[1]))
    caches, prev = [], h0
    for t in range(T):
        prev, c = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h[:, t] = prev
        caches.append(c)
    return h, caches


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.empty((N, T, cache[0][2].shape[0]))
    dWx, dWh, db = 0, 0, 0
    carry = dh0 = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dh0 = carry
        dx[:, t], carry, gWx, gWh, gb = rnn_step_backward(dh[:, t] + carry, cache[t])
        dWx, dWh, db = dWx + gWx, dWh + gWh, db + gb
    return dx, dh0, dWx, dWh, db
''',
        # the factor applied always, so gradients below the threshold are scaled up
        "clipping": '''
def clip_gradient_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    for g in grads.values():
        g *= max_norm / norm
    return norm
''',
    },
    "full": ("test_step_visible", "test_step_hidden", "test_bptt_visible",
             "test_clipping_visible"),
    "zero": ("test_bptt_hidden", "test_clipping_hidden"),
    "messages": ("dh0 of rnn_backward for", "below the threshold nothing changes"),
}

# tasks D and E measure with the learner's own functions; their tests check the measurement
DELEGATED_TESTS = ("test_step_visible", "test_step_hidden", "test_bptt_visible",
                   "test_bptt_hidden", "test_clipping_visible", "test_clipping_hidden")
