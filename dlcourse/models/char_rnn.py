"""A character-level language model: read a text one character at a time and predict the next.

Book: 13_rnn, section "A character-level language model"; 14_lstm_gru compares the cells.

The network is embedding -> recurrent layer -> the same affine map at every step -> softmax
over the vocabulary. Training cuts the text into ``batch_size`` long streams side by side and
walks along them in chunks of ``seq_length`` characters: the recurrent layer is stateful, so
each chunk starts from the state where the previous one ended (the model sees the text as
one long sequence), while the gradient stops at the chunk's start (truncated BPTT). Every
update clips the gradient's norm, which keeps a step off a "cliff" of the loss from throwing
the weights far away.
"""

import numbers

import numpy as np
from threadpoolctl import threadpool_limits

from .._progress import progress as progress_line
from .._rng import check_rng
from .._validation import check_option, check_scalar
from ..core.activations import softmax
from ..core.rnn import clip_gradient_norm, temporal_softmax_loss
from ..layers import Embedding, Recurrent, Sequential, TemporalAffine
from ..layers.recurrent import CELLS
from ..optim import Adam

__all__ = ["CharRNN"]


class CharRNN:
    """A character-level recurrent language model.

    Parameters
    ----------
    n_hidden : int, default=128
        Hidden units H of the recurrent layer.
    cell : {"rnn", "lstm", "gru"}, default="lstm"
    embedding_dim : int, default=32
        Size of each character's vector.
    seq_length : int, default=50
        Characters per chunk: the span of truncated BPTT.
    batch_size : int, default=32
        Streams of text trained side by side.
    eta : float, default=2e-3
        Adam's learning rate.
    max_norm : float, default=5.0
        Gradient norm clipping threshold.
    rng : None, int or Generator
        Initial weights (sampling takes its own ``rng``).
    dtype : {numpy.float64, numpy.float32}, default=float64
        Of the weights and all arithmetic; float32 runs about twice as fast.

    Attributes
    ----------
    chars_ : list of str
        The vocabulary, sorted.
    loss_curve_ : list of float
        Training loss per character (nats) of every update.
    grad_norms_ : list of float
        Gradient norm before clipping, every update.
    net_ : Sequential
    """

    def __init__(self, n_hidden=128, cell="lstm", embedding_dim=32, seq_length=50,
                 batch_size=32, eta=2e-3, max_norm=5.0, rng=None, dtype=np.float64):
        self.n_hidden, self.cell, self.embedding_dim = n_hidden, cell, embedding_dim
        self.seq_length, self.batch_size = seq_length, batch_size
        self.eta, self.max_norm, self.rng, self.dtype = eta, max_norm, rng, dtype

    # --- text <-> ids ------------------------------------------------------------------------

    def encode(self, text):
        """The character ids of ``text`` (int array); unknown characters raise."""
        self._check_fitted()
        missing = sorted(set(text) - set(self.index_))
        if missing:
            raise ValueError(f"the text has characters the model never saw: {missing[:10]}; "
                             "a character model can only read its training vocabulary")
        return np.array([self.index_[c] for c in text], dtype=np.int64)

    def decode(self, ids):
        """The text of character ids."""
        self._check_fitted()
        return "".join(self.chars_[int(i)] for i in ids)

    # --- training ----------------------------------------------------------------------------

    def _check_params(self):
        check_scalar(self.n_hidden, "n_hidden", kind=numbers.Integral, low=1)
        check_option(self.cell, "cell", CELLS)
        check_scalar(self.embedding_dim, "embedding_dim", kind=numbers.Integral, low=1)
        check_scalar(self.seq_length, "seq_length", kind=numbers.Integral, low=1)
        check_scalar(self.batch_size, "batch_size", kind=numbers.Integral, low=1)
        check_scalar(self.eta, "eta", low=0.0, include_low=False)
        check_scalar(self.max_norm, "max_norm", low=0.0, include_low=False)
        if np.dtype(self.dtype) not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")

    def fit(self, text, n_steps=1000, progress=True, callback=None):
        """Train on ``text`` for ``n_steps`` updates (a new model each call).

        Parameters
        ----------
        text : str
            At least ``batch_size * (seq_length + 1)`` characters.
        n_steps : int
        progress : bool
            A progress line with the recent loss.
        callback : callable, optional
            ``callback(model, step)`` after every update (for samples during training).
        """
        self._check_params()
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        B, T = self.batch_size, self.seq_length
        if len(text) < B * (T + 1):
            raise ValueError(f"a text of {len(text)} characters is too short for {B} streams "
                             f"of chunks of {T} + 1 characters; use a longer text or smaller "
                             "batch_size or seq_length")
        n_steps = check_scalar(n_steps, "n_steps", kind=numbers.Integral, low=1)
        rng = check_rng(self.rng)
        self.chars_ = sorted(set(text))
        self.index_ = {c: i for i, c in enumerate(self.chars_)}
        V = len(self.chars_)
        dtype = np.dtype(self.dtype).type
        self.net_ = Sequential([
            Embedding(V, self.embedding_dim, rng=rng, dtype=dtype),
            Recurrent(self.embedding_dim, self.n_hidden, cell=self.cell, stateful=True, rng=rng,
                      dtype=dtype),
            TemporalAffine(self.n_hidden, V, rng=rng, dtype=dtype)])
        self.optimizer_ = Adam(eta=self.eta)
        self.loss_curve_, self.grad_norms_ = [], []
        ids = self.encode(text)
        L = len(ids) // B
        streams = ids[:L * B].reshape(B, L)        # B contiguous pieces of the text
        steps = range(n_steps)
        if progress:
            steps = progress_line(steps, desc="updates", metrics=lambda: (
                f"loss {np.mean(self.loss_curve_[-20:]):.3f} nats/char"
                if self.loss_curve_ else ""))
        # The products of one time step are small ((B, H) by (H, 4H)): on one BLAS thread they
        # run many times faster than on several, whose start-up outweighs the work.
        with threadpool_limits(1):
            self._train(streams, steps, callback)
        self.net_[1].reset_state()
        return self

    def _train(self, streams, steps, callback):
        B, L = streams.shape
        T = self.seq_length
        start = 0
        for step in steps:
            if start + T + 1 > L:                  # the end of the streams: start again
                start = 0
                self.net_[1].reset_state()
            x, y = streams[:, start:start + T], streams[:, start + 1:start + T + 1]
            start += T
            loss, grads = self._loss_and_gradients(x, y)
            self.grad_norms_.append(clip_gradient_norm(grads, self.max_norm))
            self.optimizer_.step(self.net_.params, grads)
            self.loss_curve_.append(loss)
            if callback is not None:
                callback(self, step)

    def _loss_and_gradients(self, x, y):
        # the loss and its gradient per character (the sequence loss divided by T), so that
        # max_norm is on the scale of the reported loss whatever the chunk length
        scores = self.net_.forward(x)
        loss, dscores = temporal_softmax_loss(scores, y)
        T = x.shape[1]
        self.net_.backward(dscores / T)
        return loss / T, {k: g for k, g in self.net_.grads.items()}

    # --- using the model ---------------------------------------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "chars_"):
            raise RuntimeError("this CharRNN is not fitted yet; call fit(text) first")

    def loss(self, text):
        """Mean cross-entropy per character (nats) of predicting each next character of text,
        reading it from the start with zero state (no training)."""
        ids = self.encode(text)
        if len(ids) < 2:
            raise ValueError("loss needs a text of at least 2 characters")
        recurrent = self.net_[1]
        saved, recurrent.stateful = recurrent.stateful, False
        recurrent.reset_state()
        try:
            scores = self.net_.forward(ids[None, :-1], train=False)
        finally:
            recurrent.stateful = saved
        total, _ = temporal_softmax_loss(scores, ids[None, 1:])
        return total / (len(ids) - 1)

    def sample(self, n_chars, temperature=1.0, prime=None, rng=None):
        """Generate ``n_chars`` characters, each drawn from the model's prediction.

        Parameters
        ----------
        n_chars : int
        temperature : float > 0
            Scores are divided by it before the softmax: below 1 the likeliest characters
            win more often (safer, repetitive text), above 1 the distribution flattens
            (more varied, more mistakes).
        prime : str, optional
            Text read first to set the state (default: one random character of the
            vocabulary).
        rng : None, int or Generator

        Returns
        -------
        str
            The prime followed by the generated characters.
        """
        self._check_fitted()
        n_chars = check_scalar(n_chars, "n_chars", kind=numbers.Integral, low=0)
        temperature = check_scalar(temperature, "temperature", low=0.0, include_low=False)
        rng = check_rng(rng)
        if prime is None or prime == "":
            prime = self.chars_[int(rng.integers(len(self.chars_)))]
        ids = list(self.encode(prime))
        recurrent = self.net_[1]
        saved, recurrent.stateful = recurrent.stateful, True
        recurrent.reset_state()
        try:
            # read the prime (all but its last character) to set the state, then feed one
            # character at a time, each step starting where the last one ended
            if len(ids) > 1:
                self.net_.forward(np.array([ids[:-1]]), train=False)
            current = ids[-1]
            for _ in range(n_chars):
                scores = self.net_.forward(np.array([[current]]), train=False)[0, -1]
                p = softmax((scores / temperature)[None])[0]
                current = int(rng.choice(len(p), p=p))
                ids.append(current)
        finally:
            recurrent.stateful = saved
            recurrent.reset_state()
        return self.decode(ids)
