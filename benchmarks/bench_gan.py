"""GAN training steps at the sizes the book uses, and the Parzen-window width search.

Book: 16_gans. Run: ``python benchmarks/bench_gan.py`` (``--quick`` for a smoke test).

Training: 200 generator steps of ``GAN`` with mini-batches of 64, for the three networks of the
chapter: the 1-D Gaussian (16 hidden units in G, 64-64 in D), the ring of eight Gaussians
(64-64 in both, with k = 1 and k = 2 discriminator steps) and the digits (128 in both, 64
pixels, unconditional and conditional). The time per generator step says what a page can
afford. Parzen: the width search of the evaluation page (300 validation digits, 10,000
samples, 13 widths), once as 13 calls of ``parzen_log_likelihood`` and once as one call of
``parzen_bandwidth``, which computes the distances once. Times are medians of repeats
interleaved round-robin in one process; 1-thread runs are timed by process CPU time, 2-thread
runs by wall time.

PyTorch side (when torch is installed): the same networks (ReLU hidden layers, the same output
units, one-hot labels appended to the inputs of both networks when conditional), the same
losses (cross-entropy from logits, the non-saturating generator loss), Adam(0.001, beta1=0.5)
for both, k discriminator steps of real and fake rows as one batch, then one generator step:
in float64, as dlcourse computes, and in float32, what a PyTorch user would run.
"""

import numpy as np
from threadpoolctl import threadpool_limits

from _report import finish, parser_for, row  # noqa: E402  (benchmarks/ is the script folder)
from _timing import race  # noqa: E402

try:
    import torch
except ImportError:           # the PyTorch rows then say "peer not installed"
    torch = None

from dlcourse.core.gan import parzen_bandwidth, parzen_log_likelihood
from dlcourse.data import gaussian_ring, load_digits
from dlcourse.models import GAN

BATCH = 64
SIGMAS = np.geomspace(0.05, 0.5, 13)


def workloads(n_steps):
    """name -> (function of no arguments, number of generator steps it runs)."""
    rng = np.random.default_rng(0)
    gauss = rng.normal(3.0, 0.5, (2000, 1))
    ring = gaussian_ring(2000, rng=1)[0]
    digits, labels = load_digits()

    def gan(X, y=None, **options):
        def run():
            GAN(batch_size=BATCH, n_steps=n_steps, rng=2, **options).fit(X, y)
        run.data = (X, y, options)
        return run

    return {
        "1-D Gaussian": gan(gauss, n_noise=4, generator_sizes=(16,),
                            discriminator_sizes=(64, 64)),
        "ring, k=1": gan(ring, n_noise=2, generator_sizes=(64, 64),
                         discriminator_sizes=(64, 64), k=1),
        "ring, k=2": gan(ring, n_noise=2, generator_sizes=(64, 64),
                         discriminator_sizes=(64, 64), k=2),
        "digits": gan(digits, n_noise=16, generator_sizes=(128,), discriminator_sizes=(128,),
                      output="sigmoid"),
        "digits, conditional": gan(digits, labels, n_noise=16, generator_sizes=(128,),
                                   discriminator_sizes=(128,), output="sigmoid",
                                   conditional=True),
    }


def torch_gan(X, y, n_steps, tdtype, n_noise, generator_sizes, discriminator_sizes,
              output="linear", k=1, conditional=False):
    """A function of no arguments that trains the same GAN with PyTorch (see the module)."""
    nn = torch.nn
    labels = None
    if conditional:
        codes = np.unique(y, return_inverse=True)[1]
        labels = torch.as_tensor(np.eye(codes.max() + 1)[codes], dtype=tdtype)
    n_labels = 0 if labels is None else labels.shape[1]
    data = torch.as_tensor(X, dtype=tdtype)
    d = data.shape[1]

    def mlp(sizes, out):
        layers = []
        for a, b in zip(sizes[:-2], sizes[1:-1]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.append(nn.Linear(sizes[-2], sizes[-1]))
        if out == "sigmoid":
            layers.append(nn.Sigmoid())
        return nn.Sequential(*layers).to(tdtype)

    def with_label(rows, Y):
        return rows if Y is None else torch.cat([rows, Y], dim=1)

    def run():
        torch.manual_seed(2)
        G = mlp((n_noise + n_labels,) + tuple(generator_sizes) + (d,), output)
        D = mlp((d + n_labels,) + tuple(discriminator_sizes) + (1,), "linear")
        opt_g = torch.optim.Adam(G.parameters(), lr=0.001, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(D.parameters(), lr=0.001, betas=(0.5, 0.999))
        bce = nn.BCEWithLogitsLoss()
        ones = torch.ones(BATCH, 1, dtype=tdtype)
        targets = torch.cat([ones, torch.zeros(BATCH, 1, dtype=tdtype)])
        for _ in range(n_steps):
            for _ in range(k):
                idx = torch.randint(len(data), (BATCH,))
                Y = None if labels is None else labels[idx]
                z = with_label(torch.randn(BATCH, n_noise, dtype=tdtype), Y)
                with torch.no_grad():
                    fake = G(z)
                logits = D(torch.cat([with_label(data[idx], Y), with_label(fake, Y)]))
                # the mean over each half, summed, as dlcourse's discriminator_loss
                loss_d = 2 * bce(logits, targets)
                opt_d.zero_grad()
                loss_d.backward()
                opt_d.step()
            Y = None if labels is None else labels[torch.randint(len(labels), (BATCH,))]
            fake = G(with_label(torch.randn(BATCH, n_noise, dtype=tdtype), Y))
            loss_g = bce(D(with_label(fake, Y)), ones)           # non-saturating
            opt_g.zero_grad()
            loss_g.backward()
            opt_g.step()
    return run


def measure(threads, repeats, quick):
    rows = []
    n_steps = 20 if quick else 200
    for name, run in workloads(n_steps).items():
        methods = {"dlcourse": run}
        if torch is not None:
            X, y, options = run.data
            methods["torch64"] = torch_gan(X, y, n_steps, torch.float64, **options)
            methods["torch32"] = torch_gan(X, y, n_steps, torch.float32, **options)
        med = race(methods, (), repeats, threads)
        workload = f"GAN {name}, {n_steps} generator steps, batch {BATCH}"
        note = f"{med['dlcourse'] / n_steps * 1e3:.2f} ms per generator step"
        for dtype, key in (("float64", "torch64"), ("float32", "torch32")):
            rows.append(row("gan", workload, "numpy", med["dlcourse"], "PyTorch CPU "
                            f"{dtype}", med.get(key), dtype="float64", threads=threads,
                            note=note))
    rng = np.random.default_rng(3)
    digits = load_digits()[0]
    val = digits[:300]
    samples = np.clip(digits[rng.integers(0, len(digits), 1000 if quick else 10_000)]
                      + 0.1 * rng.standard_normal((1000 if quick else 10_000, 64)), 0, 1)

    def one_call_per_width(val, samples):
        return [parzen_log_likelihood(val, samples, s) for s in SIGMAS]

    def shared_distances(val, samples):
        return parzen_bandwidth(val, samples, SIGMAS)[1]

    np.testing.assert_allclose(one_call_per_width(val, samples),
                               shared_distances(val, samples), rtol=1e-10)
    med = race({"per width": one_call_per_width, "parzen_bandwidth": shared_distances},
               (val, samples), repeats, threads)
    rows.append(row("gan", f"Parzen width search, {len(samples)} samples, {len(SIGMAS)} widths",
                    "parzen_bandwidth", med["parzen_bandwidth"], "one call per width",
                    med["per width"], dtype="float64", threads=threads))
    return rows


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--repeats", type=int, default=5)
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
