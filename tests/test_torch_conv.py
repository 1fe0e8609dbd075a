"""Convolution and pooling against PyTorch autograd in float64, on many random shapes.

Runs when the optional ``torch`` extra is installed; CI installs it. Each case draws the
shapes, stride, padding and channel counts at random (seeded), so one run covers layers that
nobody picked by hand.
"""

import numpy as np
import pytest

from dlcourse.core.conv import border_padding, conv2d_backward, conv2d_forward
from dlcourse.core.pooling import (avgpool_backward, avgpool_forward, l2pool_backward,
                                   l2pool_forward, maxpool_backward, maxpool_forward)

torch = pytest.importorskip("torch")
F = torch.nn.functional
TOL = dict(rtol=1e-10, atol=1e-12)


def random_conv(seed):
    """A random layer whose stride fits: (x, W, b, stride, padding)."""
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, 6))
    stride = int(rng.integers(1, 4))
    options = ["valid", "full", 0, 1, 2] + (["same"] if K % 2 else [])
    padding = options[int(rng.integers(len(options)))]
    p = border_padding(padding, K)
    # input size so that (H + 2p - K) is a multiple of the stride (and the kernel fits)
    H = K - 2 * p + stride * int(rng.integers(max(0, -(K - 2 * p) // stride + 1), 6))
    W_ = K - 2 * p + stride * int(rng.integers(max(0, -(K - 2 * p) // stride + 1), 6))
    H, W_ = max(H, 1), max(W_, 1)
    if (H + 2 * p - K) % stride or (W_ + 2 * p - K) % stride or H + 2 * p < K or W_ + 2 * p < K:
        return None
    N, C, Fm = (int(v) for v in rng.integers(1, 4, size=3))
    return (rng.standard_normal((N, C, H, W_)), rng.standard_normal((Fm, C, K, K)),
            rng.standard_normal(Fm), stride, padding, p)


CASES = [case for case in (random_conv(seed) for seed in range(80)) if case is not None][:40]


def test_enough_random_layers():
    assert len(CASES) >= 30


@pytest.mark.parametrize("method", ["im2col", "direct"])
@pytest.mark.parametrize("index", range(len(CASES)))
def test_conv2d_matches_torch(index, method):
    x, W, b, stride, padding, p = CASES[index]
    y, cache = conv2d_forward(x, W, b, stride=stride, padding=padding, method=method)
    dout = np.random.default_rng(index).standard_normal(y.shape)
    dx, dW, db = conv2d_backward(dout, cache)
    xt, Wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
    yt = F.conv2d(xt, Wt, bt, stride=stride, padding=p)
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)
    np.testing.assert_allclose(dW, Wt.grad.numpy(), **TOL)
    np.testing.assert_allclose(db, bt.grad.numpy(), **TOL)


POOLS = {
    "max": (maxpool_forward, maxpool_backward, lambda t, k, s: F.max_pool2d(t, k, s)),
    "avg": (avgpool_forward, avgpool_backward, lambda t, k, s: F.avg_pool2d(t, k, s)),
    "l2": (l2pool_forward, l2pool_backward, lambda t, k, s: F.lp_pool2d(t, 2, k, s)),
}


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("seed", range(12))
def test_pooling_matches_torch(kind, seed):
    rng = np.random.default_rng(100 + seed)
    size, stride = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    H, W_ = (size + stride * int(n) for n in rng.integers(0, 5, size=2))
    x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 4)), H, W_))
    if seed % 3 == 0:
        x = np.round(x)                      # many ties: the first maximum takes the gradient
    forward, backward, torch_fn = POOLS[kind]
    y, cache = forward(x, size, stride)
    dout = rng.standard_normal(y.shape)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch_fn(xt, size, stride)
    yt.backward(torch.tensor(dout))
    np.testing.assert_allclose(y, yt.detach().numpy(), **TOL)
    if kind == "l2" and np.any(y == 0):
        pytest.skip("an all-zero window: the square root has no derivative there")
    np.testing.assert_allclose(backward(dout, cache), xt.grad.numpy(), **TOL)
