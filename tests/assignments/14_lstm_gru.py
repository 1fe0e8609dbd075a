"""Grading-test data for assignment 14_lstm_gru; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "lstm_step": '''
from dlcourse.core import lstm as _lstm


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    return _lstm.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)


def lstm_step_backward(dh, dc, cache):
    return _lstm.lstm_step_backward(dh, dc, cache)[:6]
''',
    "lstm_sequence": '''
from dlcourse.core.lstm import lstm_backward as _reference_backward   # bound early
import dlcourse.core.lstm as _lstm


def lstm_forward(x, h0, Wx, Wh, b):
    return _lstm.lstm_forward(x, h0, Wx, Wh, b)


def lstm_backward(dh, cache):
    dx, dh0, _, dWx, dWh, db, _ = _reference_backward(dh, cache)
    return dx, dh0, dWx, dWh, db
''',
    "attention": '''
from dlcourse.core import attention as _attention


def attend(q, K, V):
    c, alpha, _ = _attention.attention_forward(q, K, V, kind="scaled_dot")
    return c, alpha
''',
}

MISTAKES = {
    "cells": {
        # the scores not divided by sqrt(d): invisible when one key matches far better
        "attention": '''
def attend(q, K, V):
    e = np.einsum("nd,ntd->nt", q, K)
    alpha = softmax(e)
    return np.einsum("nt,ntv->nv", alpha, V), alpha
''',
    },
    "full": ("test_lstm_step_visible", "test_lstm_step_hidden", "test_attention_visible"),
    "zero": ("test_attention_hidden",),
    "messages": ("divide the scores by sqrt(d)",),
}

# task C measures with the learner's own LSTM and dlcourse's RNN as a tool
DELEGATED_TESTS = ("test_lstm_step_visible", "test_lstm_step_hidden",
                   "test_lstm_sequence_visible", "test_lstm_sequence_hidden",
                   "test_attention_visible", "test_attention_hidden")
