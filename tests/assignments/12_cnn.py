"""Grading-test data for assignment 12_cnn; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "output_size": '''
from dlcourse.core.conv import conv_output_size as _reference


def output_size(n, k, stride=1, padding=0):
    return _reference(n, k, stride, padding)
''',
    "conv_forward": '''
from dlcourse.core import conv as _conv


def conv_forward(x, W, b, stride=1, padding=0):
    return _conv.conv2d_forward(x, W, b, stride=stride, padding=padding, method="direct")
''',
    "conv_backward": '''
from dlcourse.core.conv import conv2d_backward as _reference_backward   # bound early


def conv_backward(dout, cache):
    return _reference_backward(dout, cache)
''',
    "maxpool": '''
import dlcourse.core.pooling as _pooling


def maxpool_forward(x, size=2, stride=None):
    return _pooling.maxpool_forward(x, size, stride)


def maxpool_backward(dout, cache):
    return _pooling.maxpool_backward(dout, cache)
''',
    "convnet": '''
from dlcourse.core.conv import conv2d_backward as _cb, conv2d_forward as _cf
from dlcourse.core.pooling import maxpool_backward as _pb, maxpool_forward as _pf


def convnet_loss_and_gradients(X, t, params, pool):
    m = len(X)
    A, cc = _cf(X, params["W"], params["b"], padding=1)
    Q, pc = _pf(np.maximum(A, 0), pool)
    Z = Q.reshape(m, -1)
    P = softmax(Z @ params["V"] + params["c"])
    loss = -np.mean(np.log(P[np.arange(m), t]))
    D = P.copy()
    D[np.arange(m), t] -= 1
    D /= m
    _, dW, db = _cb(_pb((D @ params["V"].T).reshape(Q.shape), pc) * (A > 0), cc)
    return loss, {"W": dW, "b": db, "V": Z.T @ D, "c": D.sum(axis=0)}


def convnet_predict(X, params, pool):
    A, _ = _cf(X, params["W"], params["b"], padding=1)
    Q, _ = _pf(np.maximum(A, 0), pool)
    return np.argmax(Q.reshape(len(X), -1) @ params["V"] + params["c"], axis=1)
''',
}

MISTAKES = {
    "cells": {
        "output_size": '''
def output_size(n, k, stride=1, padding=0):
    padding = {"valid": 0, "same": (k - 1) // 2, "full": k - 1}.get(padding, padding)
    if n + 2 * padding < k:
        raise ValueError("the kernel does not fit")
    return (n + 2 * padding - k) // stride + 1     # a stride that does not fit is rounded down
''',
        # a convolution in the signal-processing sense (the kernel flipped), consistently in
        # both passes: the gradients are right for it, the layer is not the book's
        "conv_forward": '''
def conv_forward(x, W, b, stride=1, padding=0):
    N, C, H, Wd = x.shape
    F, _, KH, KW = W.shape
    Wf = W[:, :, ::-1, ::-1]
    Ho, Wo = output_size(H, KH, stride, padding), output_size(Wd, KW, stride, padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    y = np.empty((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = x_pad[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            y[:, :, i, j] = np.tensordot(window, Wf, axes=([1, 2, 3], [1, 2, 3])) + b
    return y, (x_pad, Wf, stride, padding)
''',
        "conv_backward": '''
def conv_backward(dout, cache):
    x_pad, Wf, stride, padding = cache
    F, C, KH, KW = Wf.shape
    N, _, Ho, Wo = dout.shape
    dx_pad, dWf = np.zeros(x_pad.shape), np.zeros(Wf.shape)
    for i in range(Ho):
        for j in range(Wo):
            rows = slice(i * stride, i * stride + KH)
            cols = slice(j * stride, j * stride + KW)
            dWf += np.tensordot(dout[:, :, i, j], x_pad[:, :, rows, cols], axes=(0, 0))
            dx_pad[:, :, rows, cols] += np.tensordot(dout[:, :, i, j], Wf, axes=(1, 0))
    H, Wd = x_pad.shape[2] - 2 * padding, x_pad.shape[3] - 2 * padding
    dx = dx_pad[:, :, padding:padding + H, padding:padding + Wd]
    return dx, dWf[:, :, ::-1, ::-1], dout.sum(axis=(0, 2, 3))
''',
        "maxpool": '''
def maxpool_forward(x, size=2, stride=None):
    stride = size if stride is None else stride
    N, C, H, Wd = x.shape
    Ho, Wo = output_size(H, size, stride), output_size(Wd, size, stride)
    y = np.empty((N, C, Ho, Wo))
    winner = np.empty((N, C, Ho, Wo), dtype=int)
    for i in range(Ho):
        for j in range(Wo):
            flat = x[:, :, i * stride:i * stride + size,
                     j * stride:j * stride + size].reshape(N, C, size * size)
            winner[:, :, i, j] = size * size - 1 - flat[:, :, ::-1].argmax(axis=2)  # last max
            y[:, :, i, j] = flat.max(axis=2)
    return y, (x.shape, winner, size, stride)


def maxpool_backward(dout, cache):
    x_shape, winner, size, stride = cache
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x_shape)
    n, c = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(Ho):
        for j in range(Wo):
            u, v = np.divmod(winner[:, :, i, j], size)
            np.add.at(dx, (n, c, i * stride + u, j * stride + v), dout[:, :, i, j])
    return dx
''',
    },
    "full": ("test_output_size_visible", "test_conv_forward_visible", "test_conv_backward_visible",
             "test_maxpool_visible", "test_maxpool_forward_hidden", "test_convnet_visible"),
    "zero": ("test_output_size_hidden", "test_conv_forward_hidden", "test_conv_backward_hidden",
             "test_maxpool_backward_hidden"),
    "messages": ("should raise a ValueError", "without flipping the kernel",
                 "a tie goes to the first maximum"),
}

# tasks E (training), F and G use the learner's own layers as tools; their tests check the
# measurement, not an implementation that could be delegated
DELEGATED_TESTS = ("test_output_size_visible", "test_output_size_hidden",
                   "test_conv_forward_visible", "test_conv_forward_hidden",
                   "test_conv_backward_visible", "test_conv_backward_hidden",
                   "test_maxpool_visible", "test_maxpool_forward_hidden",
                   "test_maxpool_backward_hidden", "test_convnet_visible", "test_convnet_hidden")
