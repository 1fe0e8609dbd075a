"""Recurrent layers (dlcourse.core.rnn, .lstm, .gru): every backward against centred finite
differences in float64, truncated BPTT against a hand-computed example, the pieces around the
recurrence, and the messages for bad input. PyTorch comparisons: tests/test_torch_recurrent.py."""

import numpy as np
import pytest

from dlcourse.core.gru import gru_backward, gru_forward
from dlcourse.core.lstm import lstm_backward, lstm_forward
from dlcourse.core.rnn import (clip_gradient_norm, clip_gradient_values, embedding_backward,
                               embedding_forward, rnn_backward, rnn_forward,
                               temporal_affine_backward, temporal_affine_forward,
                               temporal_softmax_loss)
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient

SHAPES = [(2, 3, 4, 5), (1, 6, 2, 3), (3, 1, 3, 2)]      # (N, T, D, H)


def check_all(forward, backward, arrays, n_outputs_skip=0, tol=1e-7, **options):
    """L = sum(h * G): compare backward(G) with finite differences for every array."""
    h, cache = forward(*arrays, **options)
    G = np.random.default_rng(99).standard_normal(h.shape)
    grads = backward(G, cache)
    for name, array, grad in zip(("x", "h0", "Wx", "Wh", "b", "extra"), arrays, grads):
        numeric = numerical_gradient(lambda _: np.sum(forward(*arrays, **options)[0] * G), array)
        assert relative_error(grad, numeric) < tol, name


def weights(rng, D, H, gates):
    return (0.5 * rng.standard_normal((D, gates * H)), 0.5 * rng.standard_normal((H, gates * H)),
            0.3 * rng.standard_normal(gates * H))


@pytest.mark.parametrize("shape", SHAPES)
def test_rnn_bptt_matches_finite_differences(shape):
    N, T, D, H = shape
    rng = np.random.default_rng(0)
    check_all(rnn_forward, rnn_backward,
              [rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), *weights(rng, D, H, 1)])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("peepholes, coupled", [(False, False), (True, False), (False, True),
                                                (True, True)])
def test_lstm_bptt_matches_finite_differences(shape, peepholes, coupled):
    N, T, D, H = shape
    rng = np.random.default_rng(1)
    x, h0, c0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    Wx, Wh, b = weights(rng, D, H, 3 if coupled else 4)
    P = 0.5 * rng.standard_normal((3, H)) if peepholes else None

    def forward(x, h0, Wx, Wh, b, c0, P):
        return lstm_forward(x, h0, Wx, Wh, b, c0=c0, P=P, coupled=coupled)

    arrays = [x, h0, Wx, Wh, b, c0] + ([P] if peepholes else [])
    h, cache = forward(*arrays, *([] if peepholes else [None]))
    G = rng.standard_normal(h.shape)
    dx, dh0, dc0, dWx, dWh, db, dP = lstm_backward(G, cache)
    loss = lambda _: np.sum(forward(*arrays, *([] if peepholes else [None]))[0] * G)  # noqa: E731
    for name, array, grad in zip(("x", "h0", "Wx", "Wh", "b", "c0", "P"), arrays,
                                 (dx, dh0, dWx, dWh, db, dc0, dP)):
        assert relative_error(grad, numerical_gradient(loss, array)) < 1e-6, name


@pytest.mark.parametrize("shape", SHAPES)
def test_gru_bptt_matches_finite_differences(shape):
    N, T, D, H = shape
    rng = np.random.default_rng(2)
    check_all(gru_forward, gru_backward,
              [rng.standard_normal((N, T, D)), rng.standard_normal((N, H)), *weights(rng, D, H, 3),
               0.3 * rng.standard_normal(H)])


def test_truncated_bptt_against_a_hand_computed_example():
    # one unit, no input weight that matters: h_t = tanh(w h_{t-1} + x_t), loss = h_3
    w = 0.5
    x = np.array([[[0.1], [0.2], [0.3]]])
    h, cache = rnn_forward(x, np.zeros((1, 1)), np.eye(1), np.array([[w]]), np.zeros(1))
    h1, h2, h3 = h[0, :, 0]
    G = np.zeros((1, 3, 1))
    G[0, 2, 0] = 1.0
    s2, s3 = 1 - h2 ** 2, 1 - h3 ** 2
    # full BPTT: dh3/dw = s3 (h2 + w s2 (h1 + w s1 h0)), h0 = 0
    full = s3 * (h2 + w * s2 * h1)
    assert rnn_backward(G, cache)[3][0, 0] == pytest.approx(full, rel=1e-12)
    # windows of 2 steps, t = 0..1 and 2: the error of h3 stops at the window's first step
    assert rnn_backward(G, cache, truncate=2)[3][0, 0] == pytest.approx(s3 * h2, rel=1e-12)
    # windows of 1 step: each step sees only its own product
    assert rnn_backward(G, cache, truncate=1)[3][0, 0] == pytest.approx(s3 * h2, rel=1e-12)
    assert rnn_backward(G, cache, truncate=1)[2][0, 0] == pytest.approx(s3 * 0.3, rel=1e-12)


def test_embedding_and_temporal_affine_gradients():
    rng = np.random.default_rng(3)
    tokens = np.array([[0, 2, 2], [1, 0, 3]])
    E = rng.standard_normal((4, 5))
    x, cache = embedding_forward(tokens, E)
    np.testing.assert_array_equal(x[1, 2], E[3])
    G = rng.standard_normal(x.shape)
    numeric = numerical_gradient(lambda e: np.sum(embedding_forward(tokens, e)[0] * G), E)
    assert relative_error(embedding_backward(G, cache), numeric) < 1e-8
    h, W, b = rng.standard_normal((2, 3, 5)), rng.standard_normal((5, 4)), rng.standard_normal(4)
    out, cache = temporal_affine_forward(h, W, b)
    G = rng.standard_normal(out.shape)
    dh, dW, db = temporal_affine_backward(G, cache)
    for array, grad in ((h, dh), (W, dW), (b, db)):
        numeric = numerical_gradient(lambda _: np.sum(temporal_affine_forward(h, W, b)[0] * G),
                                     array)
        assert relative_error(grad, numeric) < 1e-8


def test_temporal_softmax_loss_gradient_mask_and_extreme_scores():
    rng = np.random.default_rng(4)
    scores = rng.standard_normal((2, 4, 5))
    targets = rng.integers(0, 5, (2, 4))
    mask = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=bool)
    loss, d = temporal_softmax_loss(scores, targets, mask)
    numeric = numerical_gradient(lambda s: temporal_softmax_loss(s, targets, mask)[0], scores)
    assert relative_error(d, numeric) < 1e-7
    assert np.all(d[~mask] == 0)
    big = np.zeros((1, 1, 3))
    big[0, 0] = [1000.0, -1000.0, 0.0]
    loss, d = temporal_softmax_loss(big, np.array([[1]]))
    assert loss == pytest.approx(2000.0) and np.all(np.isfinite(d))


def test_clipping_keeps_the_direction_or_clips_each_entry():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert clip_gradient_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])
    np.testing.assert_allclose(grads["b"], [[0.8]])
    small = {"a": np.array([0.1, -0.2])}
    clip_gradient_norm(small, 1.0)
    np.testing.assert_array_equal(small["a"], [0.1, -0.2])
    values = {"a": np.array([3.0, -0.5, -7.0])}
    clip_gradient_values(values, 1.0)
    np.testing.assert_array_equal(values["a"], [1.0, -0.5, -1.0])


@pytest.mark.parametrize("bad, message", [
    (np.zeros((4, 3)), r"\(N, T, D\)"),
    (np.zeros((2, 0, 3)), "length 0"),
    (np.full((1, 2, 3), np.nan), "NaN"),
])
def test_bad_sequences_say_what_is_wrong(bad, message):
    rng = np.random.default_rng(5)
    with pytest.raises(ValueError, match=message):
        rnn_forward(bad, np.zeros((bad.shape[0], 2)), *weights(rng, 3, 2, 1))


def test_bad_weights_tokens_and_targets_say_what_is_wrong():
    rng = np.random.default_rng(6)
    with pytest.raises(ValueError, match=r"Wx of shape \(3, 8\)"):
        lstm_forward(np.zeros((1, 2, 3)), np.zeros((1, 2)), *weights(rng, 3, 2, 3))
    with pytest.raises(ValueError, match="vocabulary of 4"):
        embedding_forward(np.array([[0, 4]]), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="targets must lie"):
        temporal_softmax_loss(np.zeros((1, 2, 3)), np.array([[0, 3]]))
    with pytest.raises(ValueError, match="max_norm"):
        clip_gradient_norm({}, 0.0)
