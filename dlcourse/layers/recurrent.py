"""Layers for sequences: an embedding, a recurrent layer (RNN, LSTM or GRU) and the same
affine map at every time step.

Book: 13_rnn, section "A character-level language model"; 14_lstm_gru.

Sequences are batch-first, (N, T, D). A recurrent layer can be *stateful*: its last hidden
state (and the LSTM's cell state) becomes the initial state of the next forward pass, so a
long text can be trained in chunks of T steps with the state flowing across them while the
gradient stops at each chunk's start (truncated backpropagation through time).
"""

import numbers

import numpy as np

from .._numba import BACKENDS
from .._rng import check_rng
from .._validation import check_option, check_scalar
from ..core.gru import gru_backward, gru_forward
from ..core.lstm import last_cell_state, lstm_backward, lstm_forward
from ..core.rnn import (embedding_backward, embedding_forward, rnn_backward, rnn_forward,
                        temporal_affine_backward, temporal_affine_forward)
from .base import Layer

__all__ = ["CELLS", "Embedding", "LastStep", "Recurrent", "TemporalAffine", "orthogonal"]

CELLS = ("rnn", "lstm", "gru")
_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def orthogonal(n, rng):
    """A random (n, n) orthogonal matrix: every singular value 1, so repeated products with it
    neither shrink nor grow a vector (the QR of a Gaussian matrix, signs fixed so that the
    distribution is uniform)."""
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q * np.sign(np.diag(R))


class Embedding(Layer):
    """Token ids (N, T) -> vectors (N, T, D): row ``tokens[n, t]`` of the matrix E (V, D).

    The same as a one-hot input times E, without building the one-hot. The layer has no input
    gradient (its input is integers): ``backward`` returns None.
    """

    def __init__(self, n_symbols, dim, rng=None, dtype=np.float64):
        super().__init__()
        V = check_scalar(n_symbols, "n_symbols", kind=numbers.Integral, low=1)
        D = check_scalar(dim, "dim", kind=numbers.Integral, low=1)
        rng = check_rng(rng)
        self.params["E"] = rng.normal(0.0, 1.0 / np.sqrt(D), size=(V, D)).astype(dtype)

    def forward(self, tokens, train=True):
        x, self._cache = embedding_forward(tokens, self.params["E"])
        return x

    def backward(self, dout):
        self.grads["E"] = embedding_backward(dout, self._need_cache())
        return None


class Recurrent(Layer):
    """A recurrent layer over whole sequences: (N, T, D) -> every hidden state (N, T, H).

    Parameters
    ----------
    n_inputs, n_hidden : int
        D and H.
    cell : {"rnn", "lstm", "gru"}, default="lstm"
    recurrent_init : {"orthogonal", "normal"}, default="orthogonal"
        W_h as a random orthogonal matrix (per gate), or Gaussian with standard deviation
        1/sqrt(H); the input weights are Gaussian with standard deviation 1/sqrt(D).
    forget_bias : float, default=1.0
        Initial bias of the LSTM's forget gate: 1 keeps the cell's memory at the start of
        training instead of halving it every step.
    stateful : bool, default=False
        Carry the last state into the next forward pass (see the module notes);
        :meth:`reset_state` starts again from zeros.
    backend : {"auto", "numpy", "numba"}, default="auto"
        Who runs the loop over time (see :mod:`dlcourse.kernels.recurrent`).
    rng : None, int or Generator
    dtype : numpy dtype, default=float64

    Attributes
    ----------
    params : {"Wx": (D, gH), "Wh": (H, gH), "b": (gH,)} with g = 1, 4, 3 gates, and for the
        GRU also "b_hn": (H,)
    """

    def __init__(self, n_inputs, n_hidden, cell="lstm", recurrent_init="orthogonal",
                 forget_bias=1.0, stateful=False, backend="auto", rng=None, dtype=np.float64):
        super().__init__()
        D = check_scalar(n_inputs, "n_inputs", kind=numbers.Integral, low=1)
        H = check_scalar(n_hidden, "n_hidden", kind=numbers.Integral, low=1)
        check_option(cell, "cell", CELLS)
        check_option(recurrent_init, "recurrent_init", ("orthogonal", "normal"))
        rng = check_rng(rng)
        g = _GATES[cell]
        self.cell, self.n_hidden, self.stateful = cell, H, bool(stateful)
        self.backend = check_option(backend, "backend", BACKENDS)
        Wx = rng.normal(0.0, 1.0 / np.sqrt(D), size=(D, g * H))
        if recurrent_init == "orthogonal":
            Wh = np.concatenate([orthogonal(H, rng) for _ in range(g)], axis=1)
        else:
            Wh = rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, g * H))
        b = np.zeros(g * H)
        if cell == "lstm":
            b[H:2 * H] = forget_bias                    # gate order (i, f, g, o)
        self.params.update(Wx=Wx.astype(dtype), Wh=Wh.astype(dtype), b=b.astype(dtype))
        if cell == "gru":
            self.params["b_hn"] = np.zeros(H, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        """Start the next forward pass from zero state."""
        self.state = None

    def _initial(self, N, dtype):
        zeros = np.zeros((N, self.n_hidden), dtype=dtype)
        if self.state is None or self.state[0].shape[0] != N:
            return zeros, zeros.copy()
        return self.state

    def forward(self, x, train=True):
        p = self.params
        h0, c0 = self._initial(x.shape[0], p["Wx"].dtype)
        if self.cell == "rnn":
            h, cache = rnn_forward(x, h0, p["Wx"], p["Wh"], p["b"], backend=self.backend)
            state = (h[:, -1], c0)
        elif self.cell == "lstm":
            h, cache = lstm_forward(x, h0, p["Wx"], p["Wh"], p["b"], c0=c0,
                                    backend=self.backend)
            state = (h[:, -1], last_cell_state(cache))
        else:
            h, cache = gru_forward(x, h0, p["Wx"], p["Wh"], p["b"], p["b_hn"],
                                   backend=self.backend)
            state = (h[:, -1], c0)
        if self.stateful:
            # a copy: the next chunk starts from these values but no gradient flows back
            self.state = (state[0].copy(), state[1].copy())
        self._cache = cache
        return h

    def backward(self, dout):
        cache = self._need_cache()
        if self.cell == "rnn":
            dx, _, dWx, dWh, db = rnn_backward(dout, cache)
        elif self.cell == "lstm":
            dx, _, _, dWx, dWh, db, _ = lstm_backward(dout, cache)
        else:
            dx, _, dWx, dWh, db, db_hn = gru_backward(dout, cache)
            self.grads["b_hn"] = db_hn
        self.grads.update(Wx=dWx, Wh=dWh, b=db)
        return dx

    def __repr__(self):
        D, H = self.params["Wx"].shape[0], self.n_hidden
        return f"Recurrent({D} -> {H}, cell={self.cell!r}, stateful={self.stateful})"


class TemporalAffine(Layer):
    """The same affine map at every step: (N, T, H) @ W (H, M) + b (M,) -> (N, T, M)."""

    def __init__(self, n_inputs, n_outputs, rng=None, dtype=np.float64):
        super().__init__()
        H = check_scalar(n_inputs, "n_inputs", kind=numbers.Integral, low=1)
        M = check_scalar(n_outputs, "n_outputs", kind=numbers.Integral, low=1)
        rng = check_rng(rng)
        self.params["W"] = rng.normal(0.0, 1.0 / np.sqrt(H), size=(H, M)).astype(dtype)
        self.params["b"] = np.zeros(M, dtype=dtype)

    def forward(self, h, train=True):
        out, self._cache = temporal_affine_forward(h, self.params["W"], self.params["b"])
        return out

    def backward(self, dout):
        dh, self.grads["W"], self.grads["b"] = temporal_affine_backward(dout, self._need_cache())
        return dh


class LastStep(Layer):
    """(N, T, H) -> (N, H): the last time step, for a network that reads a whole sequence and
    answers once (many-to-one). The backward pass puts the gradient at the last step and zeros
    at all the others: the earlier steps get theirs only through the recurrence."""

    def forward(self, h, train=True):
        self._cache = h.shape
        return h[:, -1]

    def backward(self, dout):
        dh = np.zeros(self._need_cache(), dtype=dout.dtype)
        dh[:, -1] = dout
        return dh
