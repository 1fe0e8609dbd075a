"""An encoder-decoder for sequences of symbols, with or without attention.

Book: 14_lstm_gru, section "Attention".

The encoder is a GRU that reads the input symbols (through an embedding) and keeps every
state, H_enc of shape (N, T, H). The decoder is a second GRU that starts from the encoder's
last state and writes the output one symbol at a time; its input at step s is the symbol of
step s - 1 (a start symbol at s = 0). Its state d_s goes to a softmax over the symbols:

* without attention, scores_s = d_s W_out + b_out: everything the decoder knows about the
  input passed through the one vector h_T, the fixed-size bottleneck;
* with attention, the decoder state is the query over the encoder states,
  c_s = attention(d_s, H_enc, H_enc) (:mod:`dlcourse.core.attention`), and
  scores_s = [d_s, c_s] W_out + b_out: every output step reads its own weighted average of
  the input's states (Luong's placement, after the decoder step, so that the decoder's
  recurrence itself stays a plain GRU).

Training uses teacher forcing (the decoder reads the true previous symbol, so all output steps
run as one sequence), the mean cross-entropy per output symbol, Adam, and the gradient norm
clipped at every update. Prediction decodes greedily: the likeliest symbol of each step is fed
back as the next step's input.
"""

import numbers

import numpy as np
from threadpoolctl import threadpool_limits

from .._numba import BACKENDS
from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_option, check_scalar
from ..core.attention import ATTENTION_KINDS, attention_backward, attention_forward
from ..core.gru import gru_backward, gru_forward, gru_step_forward
from ..core.rnn import (clip_gradient_norm, embedding_backward, embedding_forward,
                        temporal_affine_backward, temporal_affine_forward,
                        temporal_softmax_loss)
from ..layers.recurrent import orthogonal
from ..optim import Adam

__all__ = ["Seq2Seq", "init_seq2seq_params", "seq2seq_loss"]

_ATTENTION = (None,) + ATTENTION_KINDS


def init_seq2seq_params(n_symbols, n_hidden, embedding_dim, attention=None, n_attention=None,
                        rng=None):
    """Initial weights of an encoder-decoder.

    Parameters
    ----------
    n_symbols : int
        V, the symbols 0..V-1 of inputs and outputs; the decoder's embedding has one more row,
        the start symbol V.
    n_hidden : int
        H, the state size of both GRUs.
    embedding_dim : int
        D, the size of each symbol's vector.
    attention : {None, "dot", "scaled_dot", "additive"}
    n_attention : int, optional
        A, the hidden size of the additive score; H by default.
    rng : None, int or Generator

    Returns
    -------
    params : dict of str -> ndarray
        ``E_enc`` (V, D), ``E_dec`` (V + 1, D); for ``enc`` and ``dec`` the GRU's ``Wx``
        (D, 3H), ``Wh`` (H, 3H), ``b`` (3H,), ``b_hn`` (H,); ``W_out`` (H, V), or (2H, V) with
        attention, and ``b_out`` (V,); for additive attention ``att_Wq`` (H, A), ``att_Wk``
        (H, A), ``att_b`` (A,), ``att_w`` (A,).
    """
    V = check_scalar(n_symbols, "n_symbols", kind=numbers.Integral, low=2)
    H = check_scalar(n_hidden, "n_hidden", kind=numbers.Integral, low=1)
    D = check_scalar(embedding_dim, "embedding_dim", kind=numbers.Integral, low=1)
    check_option(attention, "attention", _ATTENTION)
    A = H if n_attention is None else check_scalar(n_attention, "n_attention",
                                                   kind=numbers.Integral, low=1)
    rng = check_rng(rng)
    p = {"E_enc": rng.standard_normal((V, D)), "E_dec": rng.standard_normal((V + 1, D))}
    for part in ("enc", "dec"):
        p[f"{part}_Wx"] = rng.normal(0.0, 1.0 / np.sqrt(D), (D, 3 * H))
        p[f"{part}_Wh"] = np.concatenate([orthogonal(H, rng) for _ in range(3)], axis=1)
        p[f"{part}_b"] = np.zeros(3 * H)
        p[f"{part}_b_hn"] = np.zeros(H)
    width = H if attention is None else 2 * H
    p["W_out"] = rng.normal(0.0, 1.0 / np.sqrt(width), (width, V))
    p["b_out"] = np.zeros(V)
    if attention == "additive":
        p["att_Wq"] = rng.normal(0.0, 1.0 / np.sqrt(H), (H, A))
        p["att_Wk"] = rng.normal(0.0, 1.0 / np.sqrt(H), (H, A))
        p["att_b"] = np.zeros(A)
        p["att_w"] = rng.normal(0.0, 1.0 / np.sqrt(A), A)
    return p


def _attention_params(p, attention):
    if attention == "additive":
        return {"Wq": p["att_Wq"], "Wk": p["att_Wk"], "b": p["att_b"], "w": p["att_w"]}
    return {}


def _forward(p, X, Y_in, attention, backend):
    """Teacher-forced scores (N, T', V) and everything the backward pass needs."""
    x_enc, c_emb_enc = embedding_forward(X, p["E_enc"])
    H_enc, c_enc = gru_forward(x_enc, np.zeros((X.shape[0], p["enc_Wh"].shape[0])),
                               p["enc_Wx"], p["enc_Wh"], p["enc_b"], p["enc_b_hn"],
                               backend=backend)
    x_dec, c_emb_dec = embedding_forward(Y_in, p["E_dec"])
    D_dec, c_dec = gru_forward(x_dec, H_enc[:, -1], p["dec_Wx"], p["dec_Wh"], p["dec_b"],
                               p["dec_b_hn"], backend=backend)
    c_att, alphas = [], None
    features = D_dec
    if attention is not None:
        kw = _attention_params(p, attention)
        steps = [attention_forward(D_dec[:, s], H_enc, H_enc, kind=attention, **kw)
                 for s in range(D_dec.shape[1])]
        context = np.stack([c for c, _, _ in steps], axis=1)            # (N, T', H)
        alphas = np.stack([a for _, a, _ in steps], axis=1)             # (N, T', T)
        c_att = [cache for _, _, cache in steps]
        features = np.concatenate([D_dec, context], axis=2)
    scores, c_out = temporal_affine_forward(features, p["W_out"], p["b_out"])
    return scores, alphas, (c_emb_enc, c_enc, c_emb_dec, c_dec, c_att, c_out, H_enc.shape)


def _backward(dscores, cache, attention):
    """Gradients of every parameter from dE/dscores (N, T', V)."""
    c_emb_enc, c_enc, c_emb_dec, c_dec, c_att, c_out, (N, T, H) = cache
    g = {}
    dfeatures, g["W_out"], g["b_out"] = temporal_affine_backward(dscores, c_out)
    dD = dfeatures[:, :, :H].copy()
    dH_enc = np.zeros((N, T, H))
    if attention is not None:
        dcontext = dfeatures[:, :, H:]
        if attention == "additive":
            for name in ("Wq", "Wk", "b", "w"):
                g[f"att_{name}"] = 0.0
        for s, step in enumerate(c_att):
            # the encoder states are both the keys and the values
            dq, dK, dV, *dparams = attention_backward(dcontext[:, s], step)
            dD[:, s] += dq
            dH_enc += dK + dV
            if attention == "additive":
                for name, d in zip(("Wq", "Wk", "b", "w"), dparams):
                    g[f"att_{name}"] = g[f"att_{name}"] + d
    dx_dec, dh_last, g["dec_Wx"], g["dec_Wh"], g["dec_b"], g["dec_b_hn"] = gru_backward(
        dD, c_dec)
    g["E_dec"] = embedding_backward(dx_dec, c_emb_dec)
    dH_enc[:, -1] += dh_last                 # the decoder started from the encoder's h_T
    dx_enc, _, g["enc_Wx"], g["enc_Wh"], g["enc_b"], g["enc_b_hn"] = gru_backward(dH_enc, c_enc)
    g["E_enc"] = embedding_backward(dx_enc, c_emb_enc)
    return g


def _decoder_inputs(Y, start):
    """The teacher-forced inputs: the start symbol, then Y without its last step."""
    return np.concatenate([np.full((Y.shape[0], 1), start, dtype=Y.dtype), Y[:, :-1]], axis=1)


def seq2seq_loss(params, X, Y, attention=None, backend="numpy"):
    """Mean cross-entropy per output symbol under teacher forcing, and its gradient.

    Parameters
    ----------
    params : dict
        As made by :func:`init_seq2seq_params` with the same ``attention``.
    X : ndarray of int of shape (N, T)
        Input symbols 0..V-1.
    Y : ndarray of int of shape (N, T')
        Target symbols 0..V-1.
    attention : {None, "dot", "scaled_dot", "additive"}
    backend : {"numpy", "numba", "auto"}, default="numpy"
        Who runs the GRUs' loops over time.

    Returns
    -------
    loss : float
    grads : dict with the keys of ``params``
    """
    check_option(attention, "attention", _ATTENTION)
    V = params["E_enc"].shape[0]
    X, Y = _check_symbols(X, V, "X"), _check_symbols(Y, V, "Y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must hold the same number of sequences, got {X.shape[0]} "
                         f"and {Y.shape[0]}")
    scores, _, cache = _forward(params, X, _decoder_inputs(Y, V), attention, backend)
    loss, dscores = temporal_softmax_loss(scores, Y)
    T_out = Y.shape[1]
    return loss / T_out, _backward(dscores / T_out, cache, attention)


def _check_symbols(S, V, name):
    S = np.asarray(S)
    if S.ndim != 2 or S.dtype.kind not in "iu":
        raise ValueError(f"{name} must be integer symbols of shape (n_sequences, length), got "
                         f"{S.dtype} of shape {S.shape}")
    if S.shape[0] == 0 or S.shape[1] == 0:
        raise ValueError(f"{name} has no sequences or sequences of length 0: shape {S.shape}")
    if V is not None and (S.min() < 0 or S.max() >= V):
        raise ValueError(f"{name} has symbols {S.min()}..{S.max()} but the model knows "
                         f"0..{V - 1}; use the symbols the model was fitted with")
    if S.min() < 0:
        raise ValueError(f"{name} has negative symbols; symbols are 0, 1, 2, ...")
    return S.astype(np.int64)


class Seq2Seq:
    """A GRU encoder-decoder for sequences of symbols, with optional attention.

    Parameters
    ----------
    n_hidden : int, default=32
        State size H of the encoder and the decoder.
    embedding_dim : int, default=16
    attention : {None, "dot", "scaled_dot", "additive"}, default="additive"
        None: the decoder sees the input only through the encoder's last state.
    eta : float, default=0.01
        Adam's learning rate.
    batch_size : int, default=32
    max_epochs : int, default=20
    max_norm : float, default=1.0
        Gradient norm clipping threshold (every update).
    backend : {"auto", "numpy", "numba"}, default="auto"
        Who runs the GRUs' loops over time during training.
    progress : bool, default=False
    rng : None, int or Generator

    Attributes
    ----------
    n_symbols_ : int
        V: the symbols are 0..V-1 (the largest symbol seen in fit, plus one).
    params_ : dict of str -> ndarray
    loss_curve_ : list of float
        Mean cross-entropy per output symbol during each epoch.
    grad_norms_ : list of float
        Gradient norm before clipping, every update.
    """

    def __init__(self, n_hidden=32, embedding_dim=16, attention="additive", eta=0.01,
                 batch_size=32, max_epochs=20, max_norm=1.0, backend="auto",
                 progress=False, rng=None):
        self.n_hidden, self.embedding_dim, self.attention = n_hidden, embedding_dim, attention
        self.eta, self.batch_size, self.max_epochs = eta, batch_size, max_epochs
        self.max_norm, self.backend = max_norm, backend
        self.progress, self.rng = progress, rng

    def fit(self, X, Y):
        """Train on input sequences X (n, T) and target sequences Y (n, T'), integer symbols."""
        check_scalar(self.eta, "eta", low=0.0, include_low=False)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.max_epochs, "max_epochs", kind=numbers.Integral, low=1)
        check_scalar(self.max_norm, "max_norm", low=0.0, include_low=False)
        check_option(self.backend, "backend", BACKENDS)
        check_option(self.attention, "attention", _ATTENTION)
        X, Y = _check_symbols(X, None, "X"), _check_symbols(Y, None, "Y")
        if X.shape[0] != Y.shape[0]:
            raise ValueError(f"X and Y must hold the same number of sequences, got {X.shape[0]} "
                             f"and {Y.shape[0]}")
        rng = check_rng(self.rng)
        self.n_symbols_ = int(max(X.max(), Y.max())) + 1
        self.n_steps_ = Y.shape[1]
        self.params_ = init_seq2seq_params(self.n_symbols_, self.n_hidden, self.embedding_dim,
                                           self.attention, rng=rng)
        optimizer = Adam(eta=self.eta)
        self.loss_curve_, self.grad_norms_ = [], []
        epochs = range(self.max_epochs)
        if self.progress:
            epochs = progress_line(epochs, desc="epochs", metrics=lambda: (
                f"loss {self.loss_curve_[-1]:.3f}" if self.loss_curve_ else ""))
        n = X.shape[0]
        # one BLAS thread: a time step's products are small, and several threads' start-up
        # would cost more than the work
        with threadpool_limits(1):
            for _ in epochs:
                order = rng.permutation(n)
                total = 0.0
                for start in range(0, n, self.batch_size):
                    i = order[start:start + self.batch_size]
                    loss, grads = seq2seq_loss(self.params_, X[i], Y[i], self.attention,
                                               self.backend)
                    self.grad_norms_.append(clip_gradient_norm(grads, self.max_norm))
                    optimizer.step(self.params_, grads)
                    total += loss * len(i)
                self.loss_curve_.append(total / n)
        return self

    def _decode(self, X, n_steps):
        if not hasattr(self, "params_"):
            raise RuntimeError("this Seq2Seq is not fitted yet; call fit first")
        p, V = self.params_, self.n_symbols_
        X = _check_symbols(X, V, "X")
        n_steps = self.n_steps_ if n_steps is None else check_scalar(
            n_steps, "n_steps", kind=numbers.Integral, low=1)
        N = X.shape[0]
        x_enc, _ = embedding_forward(X, p["E_enc"])
        H_enc, _ = gru_forward(x_enc, np.zeros((N, p["enc_Wh"].shape[0])), p["enc_Wx"],
                               p["enc_Wh"], p["enc_b"], p["enc_b_hn"])
        h = H_enc[:, -1]
        symbol = np.full(N, V)                                   # the start symbol
        out = np.empty((N, n_steps), dtype=np.int64)
        alphas = np.zeros((N, n_steps, X.shape[1]))
        kw = _attention_params(p, self.attention)
        for s in range(n_steps):
            h, _ = gru_step_forward(p["E_dec"][symbol], h, p["dec_Wx"], p["dec_Wh"], p["dec_b"],
                                    p["dec_b_hn"])
            features = h
            if self.attention is not None:
                context, alphas[:, s], _ = attention_forward(h, H_enc, H_enc,
                                                             kind=self.attention, **kw)
                features = np.concatenate([h, context], axis=1)
            symbol = np.argmax(features @ p["W_out"] + p["b_out"], axis=1)   # greedy
            out[:, s] = symbol
        return out, alphas

    def predict(self, X, n_steps=None):
        """Greedy decoding: output symbols of shape (n, n_steps), n_steps = T' of fit by default."""
        return self._decode(X, n_steps)[0]

    def attention_weights(self, X, n_steps=None):
        """The weights alpha of every output step over the input steps during greedy decoding,
        shape (n, n_steps, T); rows sum to 1. Only for a model with attention."""
        if self.attention is None:
            raise ValueError("this Seq2Seq has attention=None, so it has no attention weights; "
                             "fit one with attention='additive', 'dot' or 'scaled_dot'")
        return self._decode(X, n_steps)[1]

    def score(self, X, Y):
        """Accuracy per symbol of greedy decoding: the fraction of output steps right."""
        Y = _check_symbols(Y, None, "Y")
        return float(np.mean(self.predict(X, Y.shape[1]) == Y))
