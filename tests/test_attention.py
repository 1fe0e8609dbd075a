"""Attention (dot, scaled dot, additive): weights, masks, gradients by finite differences in
float64 and against PyTorch autograd, and clear errors for bad input."""

import numpy as np
import pytest

from dlcourse.core.attention import ATTENTION_KINDS, attention_backward, attention_forward
from dlcourse.testing import numerical_gradient, relative_error


def case(seed, kind, Hv=None, masked=False):
    rng = np.random.default_rng(seed)
    N, T, H, A = 3, 5, 4, 6
    Hq = 3 if kind == "additive" else H
    q, K = rng.normal(size=(N, Hq)), rng.normal(size=(N, T, H))
    V = rng.normal(size=(N, T, Hv or H))
    params = {}
    if kind == "additive":
        params = dict(Wq=rng.normal(size=(Hq, A)), Wk=rng.normal(size=(H, A)),
                      b=rng.normal(size=A), w=rng.normal(size=A))
    mask = None
    if masked:
        mask = np.ones((N, T), dtype=bool)
        mask[0, 3:] = False            # a shorter sequence, padded
        mask[2, 1] = False
    return rng, q, K, V, mask, params


@pytest.mark.parametrize("kind", ATTENTION_KINDS)
@pytest.mark.parametrize("masked", [False, True])
def test_weights_sum_to_one_and_masked_steps_get_none(kind, masked):
    _, q, K, V, mask, params = case(0, kind, masked=masked)
    c, alpha, _ = attention_forward(q, K, V, mask=mask, kind=kind, **params)
    np.testing.assert_allclose(alpha.sum(axis=1), 1.0, rtol=1e-12)
    assert np.all(alpha >= 0)
    if masked:
        assert np.all(alpha[~mask] == 0.0)
    np.testing.assert_allclose(c, np.einsum("nt,ntv->nv", alpha, V), rtol=1e-12)


def test_the_matching_key_gets_the_weight():
    # a query equal to one of several orthogonal keys, with a large scale, reads its value
    K = 10.0 * np.eye(4)[None]                     # (1, 4, 4): four orthogonal keys
    V = np.arange(4.0)[None, :, None] * np.ones((1, 4, 2))
    c, alpha, _ = attention_forward(K[:, 2], K, V, kind="dot")
    assert alpha[0].argmax() == 2 and alpha[0, 2] > 0.999
    np.testing.assert_allclose(c[0], [2.0, 2.0], atol=1e-3)


def test_scaling_divides_the_scores_by_the_root_of_the_key_size():
    _, q, K, V, _, _ = case(1, "dot")
    _, a_dot, _ = attention_forward(q, K, V, kind="dot")
    _, a_scaled, _ = attention_forward(q * np.sqrt(K.shape[2]), K, V, kind="scaled_dot")
    np.testing.assert_allclose(a_scaled, a_dot, rtol=1e-12)


def test_extreme_scores_stay_finite():
    _, q, K, V, _, _ = case(2, "dot")
    c, alpha, cache = attention_forward(1e6 * q, K, V, kind="dot")
    grads = attention_backward(np.ones_like(c), cache)
    assert np.all(np.isfinite(alpha)) and all(np.all(np.isfinite(g)) for g in grads)


@pytest.mark.parametrize("kind", ATTENTION_KINDS)
@pytest.mark.parametrize("masked", [False, True])
def test_gradients_match_finite_differences(kind, masked):
    rng, q, K, V, mask, params = case(3, kind, Hv=2, masked=masked)
    c, alpha, cache = attention_forward(q, K, V, mask=mask, kind=kind, **params)
    G, Ga = rng.normal(size=c.shape), rng.normal(size=alpha.shape)
    grads = attention_backward(G, cache, dalpha=Ga)
    names = ["q", "K", "V"] + (["Wq", "Wk", "b", "w"] if kind == "additive" else [])
    values = dict(q=q, K=K, V=V, **params)

    def loss(name, x):
        args = dict(values, **{name: x})
        c_, a_, _ = attention_forward(args.pop("q"), args.pop("K"), args.pop("V"), mask=mask,
                                      kind=kind, **args)
        return np.sum(G * c_) + np.sum(Ga * a_)

    assert len(grads) == len(names)
    for name, g in zip(names, grads):
        numeric = numerical_gradient(lambda x: loss(name, x), values[name].copy())
        # relative to the largest entry: entries near 0 carry the differences' rounding
        assert relative_error(g, numeric) < 1e-5, f"d{name} of {kind} attention"
        np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8 * np.abs(numeric).max(),
                                   err_msg=f"d{name} of {kind} attention")
    if masked:
        assert np.all(grads[1][~mask] == 0) and np.all(grads[2][~mask] == 0)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("kind", ATTENTION_KINDS)
def test_matches_pytorch_autograd(kind, seed):
    torch = pytest.importorskip("torch")
    rng, q, K, V, mask, params = case(10 + seed, kind, Hv=3, masked=bool(seed % 2))
    c, alpha, cache = attention_forward(q, K, V, mask=mask, kind=kind, **params)
    G = rng.normal(size=c.shape)
    ours = attention_backward(G, cache)
    t = {name: torch.tensor(v, requires_grad=True) for name, v in dict(q=q, K=K, V=V,
                                                                       **params).items()}
    if kind == "additive":
        e = torch.tanh((t["q"] @ t["Wq"])[:, None] + t["K"] @ t["Wk"] + t["b"]) @ t["w"]
    else:
        e = torch.einsum("nd,ntd->nt", t["q"], t["K"])
        if kind == "scaled_dot":
            e = e / np.sqrt(K.shape[2])
    if mask is not None:
        e = e.masked_fill(~torch.tensor(mask), float("-inf"))
    a = torch.softmax(e, dim=1)
    ct = torch.einsum("nt,ntv->nv", a, t["V"])
    ct.backward(torch.tensor(G))
    np.testing.assert_allclose(c, ct.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(alpha, a.detach().numpy(), rtol=1e-12, atol=1e-14)
    for g, name in zip(ours, t):
        np.testing.assert_allclose(g, t[name].grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=f"d{name}")


@pytest.mark.parametrize("args, message", [
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 5)), V=np.ones((2, 4, 5))), "same size"),
    (dict(q=np.ones((2, 3)), K=np.ones((3, 4, 3)), V=np.ones((3, 4, 3))), "same number"),
    (dict(q=np.ones(3), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3))), "q of shape"),
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3)),
          mask=np.zeros((2, 4), dtype=bool)), "at least one True"),
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3)),
          mask=np.ones((2, 4))), "booleans"),
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3)), kind="cosine"),
     "kind must be"),
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3)), kind="additive"),
     "needs its parameters"),
    (dict(q=np.ones((2, 3)), K=np.ones((2, 4, 3)), V=np.ones((2, 4, 3)), kind="additive",
          Wq=np.ones((3, 5)), Wk=np.ones((3, 4)), b=np.ones(5), w=np.ones(5)), "one A"),
])
def test_bad_input_gets_a_clear_error(args, message):
    with pytest.raises(ValueError, match=message):
        attention_forward(**args)
