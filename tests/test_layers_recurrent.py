"""Sequence layers (Embedding, Recurrent, TemporalAffine) and the character-level model."""

import numpy as np
import pytest

from dlcourse.core.rnn import temporal_softmax_loss
from dlcourse.layers import Embedding, Recurrent, Sequential, TemporalAffine
from dlcourse.layers.recurrent import CELLS, orthogonal
from dlcourse.models import CharRNN
from dlcourse.testing import numerical_gradient

TEXT = "the quick brown fox jumps over the lazy dog. " * 30


def stack(cell, rng=0, stateful=False):
    return Sequential([Embedding(7, 3, rng=rng),
                       Recurrent(3, 4, cell=cell, stateful=stateful, rng=rng),
                       TemporalAffine(4, 7, rng=rng)])


@pytest.mark.parametrize("cell", CELLS)
def test_every_parameter_gradient_matches_finite_differences(cell):
    rng = np.random.default_rng(1)
    net = stack(cell)
    for p in net.params.values():           # away from the initial zeros and ones
        p += 0.3 * rng.standard_normal(p.shape)
    x, y = rng.integers(0, 7, size=(2, 5)), rng.integers(0, 7, size=(2, 5))

    def loss():
        return temporal_softmax_loss(net.forward(x), y)[0]

    _, dscores = temporal_softmax_loss(net.forward(x), y)
    assert net.backward(dscores) is None     # no gradient for integer inputs
    grads = {k: g.copy() for k, g in net.grads.items()}
    for name, p in net.params.items():
        original = p.copy()
        numeric = numerical_gradient(lambda v: (p.__setitem__(..., v), loss())[1], p.copy())
        p[...] = original                    # the last call left one entry perturbed
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-6, atol=1e-9, err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
def test_a_stateful_layer_reads_chunks_as_one_sequence(cell):
    x = np.random.default_rng(2).standard_normal((3, 8, 5))
    whole = Recurrent(5, 6, cell=cell, rng=3).forward(x)
    chunked = Recurrent(5, 6, cell=cell, stateful=True, rng=3)
    parts = [chunked.forward(x[:, :3]), chunked.forward(x[:, 3:])]
    np.testing.assert_allclose(np.concatenate(parts, axis=1), whole, rtol=1e-12)
    chunked.reset_state()
    np.testing.assert_allclose(chunked.forward(x[:, 3:]), Recurrent(5, 6, cell=cell, rng=3)
                               .forward(x[:, 3:]), rtol=1e-12)


def test_recurrent_initialisation():
    Q = orthogonal(6, np.random.default_rng(0))
    np.testing.assert_allclose(Q.T @ Q, np.eye(6), atol=1e-12)
    lstm = Recurrent(2, 3, cell="lstm", forget_bias=1.0, rng=0)
    np.testing.assert_array_equal(lstm.params["b"], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    gru = Recurrent(2, 3, cell="gru", recurrent_init="normal", rng=0)
    assert set(gru.params) == {"Wx", "Wh", "b", "b_hn"} and gru.params["Wh"].shape == (3, 9)
    with pytest.raises(ValueError, match="cell='tree' is not supported"):
        Recurrent(2, 3, cell="tree")


@pytest.fixture(scope="module")
def trained():
    return CharRNN(n_hidden=48, cell="gru", embedding_dim=16, seq_length=20, batch_size=8,
                   eta=5e-3, rng=0).fit(TEXT, 150, progress=False)


def test_the_model_learns_a_repeated_sentence(trained):
    first, last = np.mean(trained.loss_curve_[:5]), np.mean(trained.loss_curve_[-5:])
    assert first > np.log(len(trained.chars_)) * 0.8     # starts near a uniform guess
    assert last < 0.1 and trained.loss(TEXT[:90]) < 0.1
    # at a low temperature the likeliest character always wins: the sentence comes back
    assert trained.sample(40, temperature=0.05, prime="the quick ", rng=0) == TEXT[:50]
    assert len(trained.grad_norms_) == 150 and all(np.isfinite(trained.grad_norms_))


def test_sampling_is_reproducible_and_temperature_spreads_it(trained):
    a = trained.sample(60, temperature=1.5, rng=5)
    assert a == trained.sample(60, temperature=1.5, rng=5)
    assert len(a) == 61 and set(a) <= set(trained.chars_)
    hot = trained.sample(200, temperature=3.0, prime="t", rng=6)
    assert hot[:60] != trained.sample(200, temperature=0.05, prime="t", rng=6)[:60]


def test_bad_input_gets_clear_errors(trained):
    with pytest.raises(RuntimeError, match="not fitted"):
        CharRNN().sample(5)
    with pytest.raises(ValueError, match="too short"):
        CharRNN(batch_size=8, seq_length=20).fit("abc")
    with pytest.raises(ValueError, match="never saw"):
        trained.sample(5, prime="THE")
    with pytest.raises(ValueError, match="temperature"):
        trained.sample(5, temperature=0)
    with pytest.raises(ValueError, match="cell="):
        CharRNN(cell="tree").fit(TEXT, 1)


def test_clipping_acts_on_the_per_character_gradient(trained):
    # the gradient is that of the per-character loss, so a threshold of 5 clips only spikes
    assert np.median(trained.grad_norms_) < trained.max_norm
