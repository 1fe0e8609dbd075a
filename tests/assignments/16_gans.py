"""Grading-test data for assignment 16_gans; the format is in tests/assignments/README.md."""

DELEGATIONS = {
    "losses": '''
from dlcourse.core.gan import generator_loss as _reference_generator_loss   # bound early
import dlcourse.core.gan as _gan


def discriminator_loss(l_real, l_fake):
    return _gan.discriminator_loss(l_real, l_fake)


def generator_loss(l_fake, saturating=False):
    return _reference_generator_loss(l_fake, saturating)
''',
    # the learner's round written on the reference losses
    "round": '''
from dlcourse.core import gan as _gan


def discriminator_gradients(pG, pD, x_real, z):
    fake, _ = mlp_forward(pG, z)
    l_real, c_real = mlp_forward(pD, x_real)
    l_fake, c_fake = mlp_forward(pD, fake)
    loss, d_r, d_f = _gan.discriminator_loss(l_real[:, 0], l_fake[:, 0])
    g_r = mlp_backward(pD, c_real, d_r[:, None])[1]
    g_f = mlp_backward(pD, c_fake, d_f[:, None])[1]
    return loss, {key: g_r[key] + g_f[key] for key in pD}


def generator_gradients(pG, pD, z, saturating=False):
    fake, c_g = mlp_forward(pG, z)
    l_fake, c_d = mlp_forward(pD, fake)
    loss, d_f = _gan.generator_loss(l_fake[:, 0], saturating)
    return loss, mlp_backward(pG, c_g, mlp_backward(pD, c_d, d_f[:, None])[0])[1]
''',
}

MISTAKES = {
    "cells": {
        # log of a textbook sigmoid: right at logit -40, -inf once exp overflows (|l| ~ 800)
        "losses": '''
def sigmoid(l):
    return 1 / (1 + np.exp(-l))


def discriminator_loss(l_real, l_fake):
    loss = -np.mean(np.log(sigmoid(l_real))) - np.mean(np.log(1 - sigmoid(l_fake)))
    return float(loss), -(1 - sigmoid(l_real)) / l_real.size, sigmoid(l_fake) / l_fake.size


def generator_loss(l_fake, saturating=False):
    if saturating:
        return float(np.mean(np.log(1 - sigmoid(l_fake)))), -sigmoid(l_fake) / l_fake.size
    return float(-np.mean(np.log(sigmoid(l_fake)))), -(1 - sigmoid(l_fake)) / l_fake.size
''',
        # the saturating flag ignored: always the non-saturating loss
        "round": '''
def discriminator_gradients(pG, pD, x_real, z):
    fake, _ = mlp_forward(pG, z)
    l_real, cache_real = mlp_forward(pD, x_real)
    l_fake, cache_fake = mlp_forward(pD, fake)
    loss, d_real, d_fake = discriminator_loss(l_real[:, 0], l_fake[:, 0])
    _, g_real = mlp_backward(pD, cache_real, d_real[:, None])
    _, g_fake = mlp_backward(pD, cache_fake, d_fake[:, None])
    return loss, {q: g_real[q] + g_fake[q] for q in pD}


def generator_gradients(pG, pD, z, saturating=False):
    fake, cache_g = mlp_forward(pG, z)
    l_fake, cache_d = mlp_forward(pD, fake)
    loss, d_fake = generator_loss(l_fake[:, 0])
    d_samples, _ = mlp_backward(pD, cache_d, d_fake[:, None])
    _, grads = mlp_backward(pG, cache_g, d_samples)
    return loss, grads
''',
    },
    "full": ("test_losses_visible", "test_round_visible"),
    "zero": ("test_losses_hidden", "test_round_hidden"),
    "messages": ("np.logaddexp(0, -l)", "saturating=True"),
}

DELEGATED_TESTS = ("test_losses_visible", "test_losses_hidden", "test_round_visible",
                   "test_round_hidden")
