"""Seq2Seq: the full gradient of its loss by finite differences in float64 (with and without
attention), reproducibility, clear errors, and that it learns to reverse short sequences."""

import numpy as np
import pytest

from dlcourse.models.seq2seq import Seq2Seq, init_seq2seq_params, seq2seq_loss
from dlcourse.testing import numerical_gradient, relative_error


def reversal(n, length, n_symbols, rng):
    X = rng.integers(0, n_symbols, (n, length))
    return X, X[:, ::-1].copy()


@pytest.mark.parametrize("attention", [None, "dot", "scaled_dot", "additive"])
def test_every_gradient_matches_finite_differences(attention):
    rng = np.random.default_rng(0)
    params = init_seq2seq_params(5, 4, 3, attention=attention, n_attention=3, rng=rng)
    for p in params.values():            # no zero biases: every term of the gradient counts
        p += 0.3 * rng.standard_normal(p.shape)
    X = rng.integers(0, 5, (3, 4))
    Y = rng.integers(0, 5, (3, 3))       # an output of another length than the input
    _, grads = seq2seq_loss(params, X, Y, attention=attention)
    assert grads.keys() == params.keys()
    for name, p in params.items():
        numeric = numerical_gradient(lambda _: seq2seq_loss(params, X, Y, attention)[0], p)
        assert grads[name].shape == p.shape
        assert relative_error(grads[name], numeric) < 1e-5, name


def test_a_wrong_gradient_would_be_caught():
    """Drop the attention's share of the encoder's gradient: the check above must notice."""
    rng = np.random.default_rng(1)
    params = init_seq2seq_params(4, 3, 2, attention="dot", rng=rng)
    X, Y = rng.integers(0, 4, (2, 3)), rng.integers(0, 4, (2, 3))
    _, grads = seq2seq_loss(params, X, Y, attention="dot")
    numeric = numerical_gradient(lambda _: seq2seq_loss(params, X, Y, "dot")[0],
                                 params["enc_Wx"])
    assert relative_error(grads["enc_Wx"], numeric) < 1e-6
    wrong = grads["enc_Wx"] * 0.9
    assert relative_error(wrong, numeric) > 1e-3


def test_same_rng_same_model():
    rng = np.random.default_rng(2)
    X, Y = reversal(200, 4, 5, rng)
    a = Seq2Seq(n_hidden=8, embedding_dim=4, max_epochs=2, rng=7).fit(X, Y)
    b = Seq2Seq(n_hidden=8, embedding_dim=4, max_epochs=2, rng=7).fit(X, Y)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.predict(X[:20]), b.predict(X[:20]))
    c = Seq2Seq(n_hidden=8, embedding_dim=4, max_epochs=2, rng=8).fit(X, Y)
    assert a.loss_curve_ != c.loss_curve_


def test_it_learns_to_reverse_length_5_with_attention():
    rng = np.random.default_rng(3)
    X, Y = reversal(1500, 5, 8, rng)
    Xt, Yt = reversal(300, 5, 8, rng)
    model = Seq2Seq(n_hidden=32, embedding_dim=16, attention="dot", eta=0.02, batch_size=50,
                    max_epochs=12, backend="numpy", rng=0).fit(X, Y)
    assert model.loss_curve_[-1] < 0.3 * model.loss_curve_[0]
    assert model.score(Xt, Yt) > 0.9           # chance is 1/8
    alpha = model.attention_weights(Xt[:50])
    assert alpha.shape == (50, 5, 5)
    np.testing.assert_allclose(alpha.sum(axis=2), 1.0, rtol=1e-12)
    # reversal: output step s reads mostly input step 4 - s, the anti-diagonal (chance 1/5)
    assert np.mean(np.argmax(alpha, axis=2) == np.arange(5)[::-1]) > 0.5


def test_bad_input_gets_clear_errors():
    rng = np.random.default_rng(4)
    X, Y = reversal(20, 3, 4, rng)
    with pytest.raises(RuntimeError, match="not fitted"):
        Seq2Seq().predict(X)
    with pytest.raises(ValueError, match="integer symbols of shape"):
        Seq2Seq().fit(X.astype(float), Y)
    with pytest.raises(ValueError, match="integer symbols of shape"):
        Seq2Seq().fit(X[0], Y)
    with pytest.raises(ValueError, match="same number of sequences"):
        Seq2Seq().fit(X, Y[:5])
    with pytest.raises(ValueError, match="negative"):
        Seq2Seq().fit(X - 1, Y)
    with pytest.raises(ValueError, match="attention='soft' is not supported"):
        Seq2Seq(attention="soft").fit(X, Y)
    model = Seq2Seq(n_hidden=4, embedding_dim=2, attention=None, max_epochs=1, rng=0).fit(X, Y)
    with pytest.raises(ValueError, match="symbols 0..9 but the model knows 0..3"):
        model.predict(np.array([[0, 9, 1]]))
    with pytest.raises(ValueError, match="no attention weights"):
        model.attention_weights(X)
    assert model.predict(X, n_steps=6).shape == (20, 6)


@pytest.mark.parametrize("attention", [None, "additive"])
def test_the_compiled_gru_loops_give_the_same_loss_and_gradients(attention):
    pytest.importorskip("numba")
    rng = np.random.default_rng(5)
    params = init_seq2seq_params(6, 5, 4, attention=attention, rng=rng)
    X, Y = rng.integers(0, 6, (4, 7)), rng.integers(0, 6, (4, 5))
    loss_np, grads_np = seq2seq_loss(params, X, Y, attention, backend="numpy")
    loss_nb, grads_nb = seq2seq_loss(params, X, Y, attention, backend="numba")
    assert abs(loss_np - loss_nb) < 1e-12
    for name in params:
        np.testing.assert_allclose(grads_nb[name], grads_np[name], rtol=1e-10, atol=1e-12)
