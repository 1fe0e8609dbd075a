"""Pre-trained DBN against random initialisation with few labels, at full size.

Book: 11_dbn. Run: ``python benchmarks/bench_dbn.py`` (``--quick`` for a smoke test).

The semi-supervised comparison of the book's "Fine-tuning with few labels", larger: the 8x8
digits split into 1297 training and 500 held-out images; a DBN 64-100-50 pre-trained on all
training images without labels (CD-1, eta = 0.05, reconstructions with probabilities, 40
epochs); then the same sigmoid network 64-100-50-10 fine-tuned on a few labelled training
images, started once from the stack and once from Glorot's random weights, with the same
output-layer start, learning rate, mini-batches and epochs. Reported: mean and standard
deviation of the held-out accuracy over the seeds, for each number of labels, and the
wall-clock time of pre-training and fine-tuning. Pass ``--plot out.png`` for a figure.
"""

import time

import numpy as np

from dlcourse.data import load_digits
from dlcourse.models.dbn import DBN
from dlcourse.models.mlp import MLPClassifier

from _report import compared, finish, parser_for, row  # noqa: E402,F401  (benchmarks/ is the script folder)

SIZES = (100, 50)


def run(label_counts, n_seeds, pretrain_epochs, fine_tune_epochs):
    X, digit = load_digits()
    accuracy = {name: np.zeros((n_seeds, len(label_counts)))
                for name in ("pre-trained", "random init")}
    times = {"pre-training": 0.0, "fine-tuning": 0.0}
    fit = dict(eta=0.5, batch_size=10, max_epochs=fine_tune_epochs)
    for s in range(n_seeds):
        rng = np.random.default_rng(s)
        split = rng.permutation(len(X))
        train, test = split[:1297], split[1297:]
        start = time.perf_counter()
        dbn = DBN(hidden_layer_sizes=SIZES, eta=0.05, max_epochs=pretrain_epochs,
                  sample_visible=False, rng=rng).fit(X[train])
        times["pre-training"] += time.perf_counter() - start
        for j, n_labels in enumerate(label_counts):
            labelled = rng.choice(train, n_labels, replace=False)
            seed = int(rng.integers(2**31))
            start = time.perf_counter()
            nets = {"pre-trained": dbn.to_mlp(rng=seed, **fit),
                    "random init": MLPClassifier(hidden_layer_sizes=SIZES,
                                                 activation="sigmoid", rng=seed, **fit)}
            for name, net in nets.items():
                net.fit(X[labelled], digit[labelled])
                accuracy[name][s, j] = net.score(X[test], digit[test])
            times["fine-tuning"] += time.perf_counter() - start
    return accuracy, times


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--plot", help="save a figure of the accuracies to this file")
    args = parser.parse_args()
    if args.quick:
        label_counts, n_seeds, pretrain_epochs = (20, 50, 100), 2, 10
    else:
        label_counts, n_seeds, pretrain_epochs = (10, 20, 50, 100, 200, 500, 1297), 10, 40
    accuracy, times = run(label_counts, n_seeds, pretrain_epochs, fine_tune_epochs=30)
    print(f"{n_seeds} seeds, DBN 64-{SIZES[0]}-{SIZES[1]} pre-trained {pretrain_epochs} "
          "epochs, fine-tuned 30 epochs")
    print("labels   pre-trained       random init       gain")
    for j, n_labels in enumerate(label_counts):
        p, r = accuracy["pre-trained"][:, j], accuracy["random init"][:, j]
        print(f"{n_labels:6d}   {p.mean():.3f} ± {p.std(ddof=1):.3f}    "
              f"{r.mean():.3f} ± {r.std(ddof=1):.3f}    {np.mean(p - r):+.3f}")
    print("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
    gains = ", ".join(f"{n}: {np.mean(accuracy['pre-trained'][:, j] - accuracy['random init'][:, j]):+.3f}"
                      for j, n in enumerate(label_counts))
    finish([row("dbn", f"DBN 64-{SIZES[0]}-{SIZES[1]}: {name}, {n_seeds} seeds", "numpy",
                seconds, note=f"accuracy gain of pre-training by labels: {gains}")
            for name, seconds in times.items()], args)
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6, 4))
        for name, acc in accuracy.items():
            ax.errorbar(label_counts, acc.mean(axis=0), yerr=acc.std(axis=0, ddof=1),
                        marker="o", capsize=3, label=name)
        ax.set(xscale="log", xlabel="labelled training digits", ylabel="held-out accuracy",
               ylim=(0, 1))
        ax.legend(frameon=False)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)


if __name__ == "__main__":
    main()
