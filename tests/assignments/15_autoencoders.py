"""Grading-test data for assignment 15_autoencoders; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "ae_loss": '''
from dlcourse.core.autoencoder import autoencoder_backward as _reference_backward  # bound early
import dlcourse.core.autoencoder as _ae
from dlcourse.core.activations import sigmoid as _s


def ae_loss_and_grads(X_in, X, W, b, c):
    H, A, cache = _ae.autoencoder_forward(X_in, W, b, c, decoder="linear")
    N = X.shape[0]
    loss = float(np.sum(np.logaddexp(0.0, A) - X * A)) / N
    _, dW, db, dc, _ = _reference_backward((_s(A) - X) / N, cache)
    return loss, dict(W=dW, b=db, c=dc)
''',
    "kl": '''
from dlcourse.core import autoencoder as _ae


def kl_sparsity(H, rho, beta):
    P, cache = _ae.kl_sparsity_forward(H, rho, beta)
    return P, _ae.kl_sparsity_backward(cache)
''',
    "ista": '''
from dlcourse.core.sparse_coding import ista as _reference_ista


def ista(X, D, lam, n_iter):
    return _reference_ista(X, D, lam, n_iter=n_iter, tol=0.0)
''',
}

MISTAKES = {
    "cells": {
        # the cross-entropy taken from log(r): -inf once the sigmoid saturates
        "ae_loss": '''
def ae_loss_and_grads(X_in, X, W, b, c):
    N = X.shape[0]
    H = sigmoid(X_in @ W + b)
    R = sigmoid(H @ W.T + c)
    loss = float(-np.sum(X * np.log(R) + (1 - X) * np.log(1 - R))) / N
    dA = (R - X) / N
    dZ = (dA @ W) * H * (1.0 - H)
    return loss, {"W": X_in.T @ dZ + dA.T @ H, "b": dZ.sum(axis=0), "c": dA.sum(axis=0)}
''',
        # beta left out of the gradient (right whenever beta = 1)
        "kl": '''
def kl_sparsity(H, rho, beta):
    N = H.shape[0]
    rho_hat = H.mean(axis=0)
    P = beta * np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    return float(P), np.tile((-rho / rho_hat + (1 - rho) / (1 - rho_hat)) / N, (N, 1))
''',
        # the threshold lam instead of lam / L (right whenever L = 1, as for D = I)
        "ista": '''
def ista(X, D, lam, n_iter):
    L = np.linalg.eigvalsh(D @ D.T)[-1]
    Z = np.zeros((X.shape[0], D.shape[0]))
    for _ in range(n_iter):
        V = Z - (Z @ D - X) @ D.T / L
        Z = np.sign(V) * np.maximum(np.abs(V) - lam, 0.0)
    return Z
''',
    },
    "full": ("test_ae_visible", "test_kl_visible", "test_ista_visible"),
    "zero": ("test_ae_hidden", "test_kl_hidden", "test_ista_hidden"),
    "messages": ("np.logaddexp(0, a)", "beta multiplies the gradient", "the threshold lam / L"),
}

# task D measures with the learner's own loss; its test checks the measurement
DELEGATED_TESTS = ("test_ae_visible", "test_ae_hidden", "test_kl_visible", "test_kl_hidden",
                   "test_ista_visible", "test_ista_hidden")
