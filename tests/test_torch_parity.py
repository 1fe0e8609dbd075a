"""Values and gradients against PyTorch autograd in float64, one line per op.

Runs when the optional ``torch`` extra is installed (``pip install -e .[torch]``); CI installs
it. Each case gives our forward/backward pair and the same function written in torch.
"""

import numpy as np
import pytest

from dlcourse.core import activations as A
from dlcourse.core import losses as L
from dlcourse.core.losses import binary_cross_entropy_backward, binary_cross_entropy_forward

torch = pytest.importorskip("torch")
F = torch.nn.functional


def assert_matches_torch(forward, backward, torch_fn, inputs, kwargs=None, seed=0):
    """Compare our forward value and every input gradient with torch autograd."""
    kwargs = kwargs or {}
    out, cache = forward(*inputs, **kwargs)
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)

    tins = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    tout = torch_fn(*tins)
    tout.backward(torch.tensor(dout, dtype=torch.float64))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-12, atol=1e-14)
    for g, t in zip(grads, tins):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-10, atol=1e-13)


rng = np.random.default_rng(42)
a = rng.uniform(-4, 4, (5, 6))
a[np.abs(a) < 1e-3] = 0.5                      # keep away from kinks
a[np.abs(np.abs(a) - 1) < 1e-3] = 0.5

ELEMENTWISE = {
    "linear": lambda x: x * 1.0,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "hard_tanh": F.hardtanh,
    "ramp": lambda x: torch.clamp(x, 0.0, 1.0),
    "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
    "gaussian": lambda r: torch.exp(-r * r),
    "ricker": lambda r: (1 - r * r) * torch.exp(-r * r / 2),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_activation(name):
    assert_matches_torch(lambda x: A.activation_forward(x, name), A.activation_backward,
                         ELEMENTWISE[name], [a])


def test_softmax():
    assert_matches_torch(A.softmax_forward, A.softmax_backward, lambda x: F.softmax(x, dim=-1), [a])


def test_prelu():
    alpha = rng.uniform(0.05, 0.5, 6)
    assert_matches_torch(A.prelu_forward, A.prelu_backward,
                         lambda x, al: torch.where(x > 0, x, al * x), [a, alpha])


def test_maxout():
    x, W, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 4, 2)), rng.standard_normal((4, 2))
    assert_matches_torch(A.maxout_forward, A.maxout_backward,
                         lambda x, W, b: (torch.einsum("ni,ijk->njk", x, W) + b).amax(dim=2),
                         [x, W, b])


@pytest.mark.parametrize("phi", ["gaussian", "ricker"])
def test_rbf(phi):
    x, c, beta = rng.standard_normal((5, 3)), rng.standard_normal((4, 3)), rng.uniform(0.5, 1.5, 4)

    def rbf(x, c, beta):
        s = beta**2 * ((x[:, None, :] - c[None, :, :]) ** 2).sum(dim=2)
        return torch.exp(-s) if phi == "gaussian" else (1 - s) * torch.exp(-s / 2)

    assert_matches_torch(A.rbf_forward, A.rbf_backward, rbf, [x, c, beta], kwargs={"phi": phi})


def test_binary_cross_entropy_from_logits():
    t = rng.integers(0, 2, 7).astype(float)
    logits = rng.standard_normal(7) * 5
    assert_matches_torch(lambda z: binary_cross_entropy_forward(z, t), binary_cross_entropy_backward,
                         lambda z: F.binary_cross_entropy_with_logits(z, torch.tensor(t)), [logits])


def _scores_and_targets(n=7, K=5, margin=1.0):
    """Scores kept away from the hinges' kinks (every margin at least 0.05 from zero)."""
    r = np.random.default_rng(3)
    while True:
        s, c = 2 * r.standard_normal((n, K)), r.integers(0, K, n)
        m = s - s[np.arange(n), c][:, None] + margin
        m[np.arange(n), c] = 1.0
        if np.min(np.abs(m)) > 0.05:
            return s, c


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_multiclass_hinge_is_K_times_torch_multi_margin_loss(margin):
    # torch's multi_margin_loss sums the same hinges over the wrong classes but divides by
    # the number of classes K as well as by n: ours (Weston-Watkins) = K * theirs
    s, c = _scores_and_targets(margin=margin)
    T, K = np.eye(s.shape[1])[c], s.shape[1]
    assert_matches_torch(
        lambda x: L.multiclass_hinge_forward(x, T, margin=margin), L.multiclass_hinge_backward,
        lambda x: K * F.multi_margin_loss(x, torch.tensor(c), margin=margin), [s])


@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_max_margin_matches_its_torch_composition(margin):
    # torch has no Crammer-Singer loss: written out, max(0, max_{k != c} s_k + m - s_c)
    s, c = _scores_and_targets(margin=margin)
    T = np.eye(s.shape[1])[c]

    def crammer_singer(x):
        correct = x.gather(1, torch.tensor(c)[:, None])[:, 0]
        rivals = x.masked_fill(torch.tensor(T, dtype=torch.bool), float("-inf"))
        return torch.clamp(rivals.amax(dim=1) + margin - correct, min=0).mean()

    assert_matches_torch(lambda x: L.max_margin_forward(x, T, margin=margin),
                         L.max_margin_backward, crammer_singer, [s])


# ---- dropout and batch norm (06_regularization) -------------------------------------------

from dlcourse.core import batchnorm as BN  # noqa: E402
from dlcourse.core.regularization import dropout_backward, dropout_forward  # noqa: E402


@pytest.mark.parametrize("shape", [(5, 6), (2, 3, 4, 4)])
def test_inverted_dropout(shape):
    x = rng.standard_normal(shape)
    keep = rng.random(shape) >= 0.3
    # torch draws its own mask; the same mask written out is what F.dropout computes
    assert_matches_torch(lambda x: dropout_forward(x, 0.3, mask=keep), dropout_backward,
                         lambda x: x * torch.tensor(keep, dtype=torch.float64) / 0.7, [x])


def test_torch_dropout_has_our_scaling_and_drop_probability():
    torch.manual_seed(0)
    x = torch.ones(100_000, dtype=torch.float64)
    y = F.dropout(x, p=0.3, training=True)
    kept = y != 0
    assert abs(float(kept.double().mean()) - 0.7) < 0.005     # p is the drop probability
    assert torch.allclose(y[kept], torch.full_like(y[kept], 1 / 0.7))


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (9, 5), (2, 3, 4, 5), (1, 2, 3, 3)])
def test_batchnorm(shape, train):
    spatial = len(shape) == 4
    C = shape[1]
    x = rng.standard_normal(shape) * 3 + 1
    gamma, beta = rng.uniform(0.5, 2, C), rng.standard_normal(C)
    rm0, rv0 = rng.standard_normal(C), rng.uniform(0.5, 2, C)
    ours_rm, ours_rv = rm0.copy(), rv0.copy()
    theirs_rm, theirs_rv = torch.tensor(rm0), torch.tensor(rv0)
    forward = BN.spatial_batchnorm_forward if spatial else BN.batchnorm_forward
    backward = BN.spatial_batchnorm_backward if spatial else BN.batchnorm_backward
    assert_matches_torch(
        lambda x, g, b: forward(x, g, b, train, ours_rm, ours_rv, momentum=0.2, eps=1e-3),
        backward,
        lambda x, g, b: F.batch_norm(x, theirs_rm, theirs_rv, g, b, training=train,
                                     momentum=0.2, eps=1e-3),
        [x, gamma, beta])
    np.testing.assert_allclose(ours_rm, theirs_rm.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours_rv, theirs_rv.numpy(), rtol=1e-12, atol=1e-15)
    if train:
        assert not np.allclose(ours_rm, rm0)       # the running statistics did move
