"""RNN, LSTM and GRU against PyTorch's nn.RNN, nn.LSTM and nn.GRU in float64, weights copied
over, on random shapes and sequence lengths.

Mapping: PyTorch stores W_ih (gates H, D) and W_hh (gates H, H), applied as x W_ih^T; ours are
their transposes, applied as x W_x. Gate order is the same, (i, f, g, o) for the LSTM and
(r, z, n) for the GRU. PyTorch has two bias vectors; their sum is our b, except for the GRU's
candidate, whose state bias b_hn sits inside the reset gate's product and stays separate.
"""

import numpy as np
import pytest

from dlcourse.core.gru import gru_backward, gru_forward
from dlcourse.core.lstm import lstm_backward, lstm_forward
from dlcourse.core.rnn import rnn_backward, rnn_forward

torch = pytest.importorskip("torch")
TOL = dict(rtol=1e-9, atol=1e-11)


def random_case(seed, gates):
    rng = np.random.default_rng(seed)
    N, T, D, H = (int(v) for v in rng.integers(1, 7, size=4))
    T = int(rng.integers(1, 12))
    return (rng, N, T, D, H, rng.standard_normal((N, T, D)), rng.standard_normal((N, H)),
            0.6 * rng.standard_normal((gates * H, D)), 0.6 * rng.standard_normal((gates * H, H)),
            0.3 * rng.standard_normal(gates * H), 0.3 * rng.standard_normal(gates * H))


def load(module, W_ih, W_hh, b_ih, b_hh):
    with torch.no_grad():
        module.weight_ih_l0.copy_(torch.tensor(W_ih))
        module.weight_hh_l0.copy_(torch.tensor(W_hh))
        module.bias_ih_l0.copy_(torch.tensor(b_ih))
        module.bias_hh_l0.copy_(torch.tensor(b_hh))
    return module


def run_torch(module, x, *states, G):
    xt = torch.tensor(x, requires_grad=True)
    st = [torch.tensor(s[None], requires_grad=True) for s in states]
    out, _ = module(xt, st[0] if len(st) == 1 else tuple(st))
    out.backward(torch.tensor(G))
    return out.detach().numpy(), xt.grad.numpy(), [s.grad.numpy()[0] for s in st]


@pytest.mark.parametrize("seed", range(15))
def test_rnn_matches_nn_rnn(seed):
    rng, N, T, D, H, x, h0, W_ih, W_hh, b_ih, b_hh = random_case(seed, 1)
    h, cache = rnn_forward(x, h0, W_ih.T, W_hh.T, b_ih + b_hh)
    G = rng.standard_normal(h.shape)
    dx, dh0, dWx, dWh, db = rnn_backward(G, cache)
    m = load(torch.nn.RNN(D, H, batch_first=True).double(), W_ih, W_hh, b_ih, b_hh)
    out, tdx, (tdh0,) = run_torch(m, x, h0, G=G)
    for ours, theirs in ((h, out), (dx, tdx), (dh0, tdh0), (dWx, m.weight_ih_l0.grad.numpy().T),
                         (dWh, m.weight_hh_l0.grad.numpy().T), (db, m.bias_ih_l0.grad.numpy())):
        np.testing.assert_allclose(ours, theirs, **TOL)


@pytest.mark.parametrize("seed", range(15))
def test_lstm_matches_nn_lstm(seed):
    rng, N, T, D, H, x, h0, W_ih, W_hh, b_ih, b_hh = random_case(100 + seed, 4)
    c0 = rng.standard_normal((N, H))
    h, cache = lstm_forward(x, h0, W_ih.T, W_hh.T, b_ih + b_hh, c0=c0)
    G = rng.standard_normal(h.shape)
    dx, dh0, dc0, dWx, dWh, db, _ = lstm_backward(G, cache)
    m = load(torch.nn.LSTM(D, H, batch_first=True).double(), W_ih, W_hh, b_ih, b_hh)
    out, tdx, (tdh0, tdc0) = run_torch(m, x, h0, c0, G=G)
    for ours, theirs in ((h, out), (dx, tdx), (dh0, tdh0), (dc0, tdc0),
                         (dWx, m.weight_ih_l0.grad.numpy().T), (dWh, m.weight_hh_l0.grad.numpy().T),
                         (db, m.bias_ih_l0.grad.numpy())):
        np.testing.assert_allclose(ours, theirs, **TOL)


@pytest.mark.parametrize("seed", range(15))
def test_gru_matches_nn_gru(seed):
    rng, N, T, D, H, x, h0, W_ih, W_hh, b_ih, b_hh = random_case(200 + seed, 3)
    # r and z: the two biases add up; n: the state's bias stays inside the reset product
    b = b_ih + np.concatenate([b_hh[:2 * H], np.zeros(H)])
    h, cache = gru_forward(x, h0, W_ih.T, W_hh.T, b, b_hh[2 * H:])
    G = rng.standard_normal(h.shape)
    dx, dh0, dWx, dWh, db, db_hn = gru_backward(G, cache)
    m = load(torch.nn.GRU(D, H, batch_first=True).double(), W_ih, W_hh, b_ih, b_hh)
    out, tdx, (tdh0,) = run_torch(m, x, h0, G=G)
    for ours, theirs in ((h, out), (dx, tdx), (dh0, tdh0), (dWx, m.weight_ih_l0.grad.numpy().T),
                         (dWh, m.weight_hh_l0.grad.numpy().T), (db, m.bias_ih_l0.grad.numpy()),
                         (db_hn, m.bias_hh_l0.grad.numpy()[2 * H:])):
        np.testing.assert_allclose(ours, theirs, **TOL)
