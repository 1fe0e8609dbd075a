"""The compiled time loops (dlcourse.kernels.recurrent) give the NumPy form's numbers: hidden
states and every gradient, float64 and float32, with and without truncation."""

import numpy as np
import pytest

from dlcourse._numba import HAVE_NUMBA
from dlcourse.core.gru import gru_backward, gru_forward
from dlcourse.core.lstm import last_cell_state, lstm_backward, lstm_forward
from dlcourse.core.rnn import rnn_backward, rnn_forward

pytestmark = pytest.mark.skipif(not HAVE_NUMBA, reason="needs Numba")
TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=2e-4, atol=2e-5)}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def case(cell, dtype, seed, N=3, T=7, D=4, H=5):
    rng = np.random.default_rng(seed)
    g = GATES[cell]
    arrays = [rng.standard_normal((N, T, D)), rng.standard_normal((N, H)),
              0.5 * rng.standard_normal((D, g * H)), 0.5 * rng.standard_normal((H, g * H)),
              0.3 * rng.standard_normal(g * H)]
    if cell == "gru":
        arrays.append(0.3 * rng.standard_normal(H))
    return rng, [a.astype(dtype) for a in arrays]


def run(cell, arrays, backend, G, truncate=None):
    if cell == "rnn":
        h, cache = rnn_forward(*arrays, backend=backend)
        return h, rnn_backward(G, cache, truncate=truncate)
    if cell == "lstm":
        c0 = np.linspace(-1, 1, arrays[1].size).reshape(arrays[1].shape).astype(arrays[0].dtype)
        h, cache = lstm_forward(*arrays, c0=c0, backend=backend)
        grads = lstm_backward(G, cache)
        return h, grads[:-1] + (last_cell_state(cache),)
    h, cache = gru_forward(*arrays, backend=backend)
    return h, gru_backward(G, cache)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("seed", range(3))
def test_compiled_loops_match_numpy(cell, dtype, seed):
    rng, arrays = case(cell, dtype, seed, N=1 + seed, T=3 + 4 * seed)
    N, T = arrays[0].shape[:2]
    G = rng.standard_normal((N, T, arrays[1].shape[1])).astype(dtype)
    h_np, g_np = run(cell, arrays, "numpy", G)
    h_nb, g_nb = run(cell, arrays, "numba", G)
    assert h_nb.dtype == dtype
    np.testing.assert_allclose(h_nb, h_np, **TOL[dtype])
    assert len(g_nb) == len(g_np)
    for a, b in zip(g_nb, g_np):
        np.testing.assert_allclose(a, b, **TOL[dtype])


@pytest.mark.parametrize("truncate", [1, 2, 3])
def test_compiled_truncated_bptt_matches_numpy(truncate):
    rng, arrays = case("rnn", np.float64, 9, T=8)
    G = rng.standard_normal((3, 8, 5))
    for a, b in zip(run("rnn", arrays, "numba", G, truncate)[1],
                    run("rnn", arrays, "numpy", G, truncate)[1]):
        np.testing.assert_allclose(a, b, **TOL[np.float64])


def test_the_compiled_lstm_has_no_variants():
    _, arrays = case("lstm", np.float64, 0)
    with pytest.raises(ValueError, match="no peepholes or coupled"):
        lstm_forward(*arrays, P=np.zeros((3, 5)), backend="numba")
    h, _ = lstm_forward(*arrays, P=np.zeros((3, 5)), backend="auto")    # NumPy runs them
    np.testing.assert_allclose(h, lstm_forward(*arrays)[0], rtol=1e-12)
