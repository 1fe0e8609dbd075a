"""Forward + backpropagation through time of the RNN, LSTM and GRU, side by side with PyTorch;
and one pass over a text of the character model.

Book: 13_rnn, 14_lstm_gru. Run: ``python benchmarks/bench_recurrent.py`` (``--quick`` for a
smoke test).

Sequences of T = 50 steps, batch 16, 32 inputs, 64 hidden units, float32 and float64:
dlcourse's compiled time loop (``backend="numba"``), its NumPy form, and PyTorch's ``nn.RNN``,
``nn.LSTM`` and ``nn.GRU`` with autograd (weights of the same shapes, a random gradient at
every hidden state). The character model: 64 updates of CharRNN (embedding 32, LSTM 128,
chunks of 50 characters, batch 32, Adam, gradient clipping, float32) on the package's
Shakespeare, against the same model and loop in PyTorch. Times are medians of repeats interleaved
round-robin in one process; 1-thread runs are timed by process CPU time, 2-thread runs by
wall time.
"""


import numpy as np
from threadpoolctl import threadpool_limits

from _timing import race  # noqa: E402  (benchmarks/ is the script folder)

from dlcourse.core.gru import gru_backward, gru_forward
from dlcourse.core.lstm import lstm_backward, lstm_forward
from dlcourse.core.rnn import rnn_backward, rnn_forward
from dlcourse.data import load_text
from dlcourse.models import CharRNN

from _report import compared, finish, parser_for, row  # noqa: E402,F401  (benchmarks/ is the script folder)

try:
    import torch
except ImportError:
    torch = None

N, T, D, H = 16, 50, 32, 64
GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def dlcourse_cell(cell, backend):
    def run(x, h0, Wx, Wh, b, G):
        if cell == "rnn":
            rnn_backward(G, rnn_forward(x, h0, Wx, Wh, b, backend=backend)[1])
        elif cell == "lstm":
            lstm_backward(G, lstm_forward(x, h0, Wx, Wh, b, backend=backend)[1])
        else:
            gru_backward(G, gru_forward(x, h0, Wx, Wh, b, np.zeros_like(h0[0]),
                                        backend=backend)[1])
    return run


def torch_cell(cell, dtype):
    module = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    net = module(D, H, batch_first=True).to(torch.float32 if dtype == np.float32
                                             else torch.float64)

    def run(x, h0, Wx, Wh, b, G):
        xt = torch.from_numpy(x).requires_grad_()
        out, _ = net(xt)
        out.backward(torch.from_numpy(G))
    return run


def torch_char_model(text, n_updates):
    torch.manual_seed(0)
    chars = sorted(set(text))
    ids = torch.tensor([chars.index(c) for c in text])
    B, L = 32, 50
    n = len(ids) // B
    streams = ids[:n * B].reshape(B, n)
    emb, lstm = torch.nn.Embedding(len(chars), 32), torch.nn.LSTM(32, 128, batch_first=True)
    out = torch.nn.Linear(128, len(chars))
    params = [*emb.parameters(), *lstm.parameters(), *out.parameters()]
    opt = torch.optim.Adam(params, lr=2e-3)
    state, start = None, 0
    for _ in range(n_updates):
        x, y = streams[:, start:start + L], streams[:, start + 1:start + L + 1]
        start += L
        h, state = lstm(emb(x), state)
        state = tuple(s.detach() for s in state)
        loss = torch.nn.functional.cross_entropy(out(h).reshape(-1, len(chars)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()



def measure(threads, repeats, quick):
    rows = []
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for cell, g in GATES.items():
            args = [rng.standard_normal((N, T, D)), np.zeros((N, H)),
                    rng.standard_normal((D, g * H)) / np.sqrt(D),
                    rng.standard_normal((H, g * H)) / np.sqrt(H), np.zeros(g * H),
                    rng.standard_normal((N, T, H))]
            args = [a.astype(dtype) for a in args]
            methods = {"dlcourse numba": dlcourse_cell(cell, "numba"),
                       "dlcourse numpy": dlcourse_cell(cell, "numpy")}
            if torch is not None:
                methods["pytorch cpu"] = torch_cell(cell, dtype)
            med = race(methods, args, repeats, threads)
            rows += compared("recurrent", f"{cell} forward + BPTT, T={T} N={N} H={H}", med,
                             "dlcourse numba", ["pytorch cpu", "dlcourse numpy"],
                             dtype=np.dtype(dtype).name, threads=threads)
    text = load_text(n_chars=120_000)
    n_updates = 8 if quick else 64

    def ours(text, n):
        CharRNN(n_hidden=128, cell="lstm", embedding_dim=32, seq_length=50, batch_size=32,
                eta=2e-3, rng=0, dtype=np.float32).fit(text, n, progress=False)

    methods = {"dlcourse numba": ours}
    if torch is not None:
        methods["pytorch cpu"] = torch_char_model
    med = race(methods, (text, n_updates), max(1, repeats // 3), threads)
    rows += compared("recurrent", f"CharRNN LSTM, {n_updates} updates", med, "dlcourse numba",
                     ["pytorch cpu"], dtype="float32", threads=threads)
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    args = parser.parse_args()
    repeats = 2 if args.quick else args.repeats
    thread_counts = (1,) if args.quick else tuple(args.threads)
    rows = []
    for threads in thread_counts:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(threads):
            rows += measure(threads, repeats, args.quick)
    finish(rows, args)


if __name__ == "__main__":
    main()
