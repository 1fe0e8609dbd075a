"""Neural Turing Machine addressing (dlcourse.core.ntm): every step against finite differences
and PyTorch autograd in float64, the shift against np.roll, weightings stay normalised."""

import numpy as np
import pytest

from dlcourse.core import ntm
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient

rng = np.random.default_rng(0)
N, W = 7, 4


# 1e-6: a centred difference with h = 1e-5 is off by about 1e-12 here, which an entry of size
# 5e-6 turns into a relative 1e-7 (the last digits depend on the BLAS kernel this CPU gets);
# a wrong gradient is off by order 1
def grads_match(loss, arrays, grads, tol=1e-6):
    for array, grad in zip(arrays, grads):
        if np.ndim(array) == 0:
            continue
        assert relative_error(grad, numerical_gradient(loss, array)) < tol


def test_content_addressing_gradients():
    M, k, beta = rng.standard_normal((N, W)), rng.standard_normal(W), 2.5
    G = rng.standard_normal(N)
    w, cache = ntm.content_forward(M, k, beta)
    dM, dk, dbeta = ntm.content_backward(G, cache)
    loss = lambda _: np.dot(ntm.content_forward(M, k, beta)[0], G)  # noqa: E731
    grads_match(loss, [M, k], [dM, dk])
    h = 1e-6
    numeric = (np.dot(ntm.content_forward(M, k, beta + h)[0], G)
               - np.dot(ntm.content_forward(M, k, beta - h)[0], G)) / (2 * h)
    assert dbeta == pytest.approx(numeric, rel=1e-7)
    assert w.sum() == pytest.approx(1.0) and w.argmax() == np.argmax(M @ k / np.linalg.norm(M, axis=1))


def test_content_addressing_with_an_empty_row_stays_finite():
    M = rng.standard_normal((N, W))
    M[2] = 0.0
    w, cache = ntm.content_forward(M, rng.standard_normal(W), 1.0)
    assert np.all(np.isfinite(w)) and all(np.all(np.isfinite(g)) for g in
                                          ntm.content_backward(rng.standard_normal(N), cache)[:2])


def test_interpolation_shift_and_sharpening_gradients():
    w_c, w_prev = rng.dirichlet(np.ones(N)), rng.dirichlet(np.ones(N))
    G = rng.standard_normal(N)
    out, cache = ntm.interpolate_forward(w_c, w_prev, 0.3)
    dwc, dwp, dg = ntm.interpolate_backward(G, cache)
    grads_match(lambda _: np.dot(ntm.interpolate_forward(w_c, w_prev, 0.3)[0], G), [w_c, w_prev],
                [dwc, dwp])
    assert dg == pytest.approx(np.dot(G, w_c - w_prev))
    s = rng.dirichlet(np.ones(3))
    out, cache = ntm.shift_forward(w_c, s)
    dw, ds = ntm.shift_backward(G, cache)
    grads_match(lambda _: np.dot(ntm.shift_forward(w_c, s)[0], G), [w_c, s], [dw, ds])
    out, cache = ntm.sharpen_forward(w_c, 2.7)
    dw, dgamma = ntm.sharpen_backward(G, cache)
    grads_match(lambda _: np.dot(ntm.sharpen_forward(w_c, 2.7)[0], G), [w_c], [dw], tol=1e-6)
    h = 1e-6
    numeric = (np.dot(ntm.sharpen_forward(w_c, 2.7 + h)[0], G)
               - np.dot(ntm.sharpen_forward(w_c, 2.7 - h)[0], G)) / (2 * h)
    assert dgamma == pytest.approx(numeric, rel=1e-6)


def test_read_and_write_gradients():
    M, w = rng.standard_normal((N, W)), rng.dirichlet(np.ones(N))
    e, a = rng.random(W), rng.standard_normal(W)
    G = rng.standard_normal(W)
    r, cache = ntm.read_forward(M, w)
    grads_match(lambda _: np.dot(ntm.read_forward(M, w)[0], G), [M, w], ntm.read_backward(G, cache))
    GM = rng.standard_normal((N, W))
    M2, cache = ntm.write_forward(M, w, e, a)
    grads_match(lambda _: np.sum(ntm.write_forward(M, w, e, a)[0] * GM), [M, w, e, a],
                ntm.write_backward(GM, cache))


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_shift_is_a_circular_convolution(offset):
    w = rng.dirichlet(np.ones(N))
    s = np.zeros(3)
    s[offset + 1] = 1.0
    np.testing.assert_allclose(ntm.shift_forward(w, s)[0], np.roll(w, offset))
    blur = ntm.shift_forward(w, np.array([0.25, 0.5, 0.25]))[0]
    np.testing.assert_allclose(blur, 0.25 * np.roll(w, -1) + 0.5 * w + 0.25 * np.roll(w, 1))


def test_weightings_stay_normalised_through_the_four_steps():
    M, w_prev = rng.standard_normal((N, W)), rng.dirichlet(np.ones(N))
    w = ntm.content_forward(M, rng.standard_normal(W), 3.0)[0]
    w = ntm.interpolate_forward(w, w_prev, 0.6)[0]
    w = ntm.shift_forward(w, rng.dirichlet(np.ones(3)))[0]
    sharp = ntm.sharpen_forward(w, 4.0)[0]
    assert sharp.sum() == pytest.approx(1.0) and np.all(sharp >= 0)
    assert sharp.max() > w.max()                                      # sharper


def test_bad_parameters_say_what_is_wrong():
    with pytest.raises(ValueError, match="width"):
        ntm.content_forward(np.zeros((3, 4)), np.zeros(5), 1.0)
    with pytest.raises(ValueError, match="gate g"):
        ntm.interpolate_forward(np.ones(3) / 3, np.ones(3) / 3, 1.5)
    with pytest.raises(ValueError, match="odd length"):
        ntm.shift_forward(np.ones(3) / 3, np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="gamma"):
        ntm.sharpen_forward(np.ones(3) / 3, 0.5)
    with pytest.raises(ValueError, match="erase"):
        ntm.write_forward(np.zeros((3, 2)), np.ones(3) / 3, np.array([2.0, 0.0]), np.zeros(2))


def test_the_whole_head_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    M, k, w_prev = rng.standard_normal((N, W)), rng.standard_normal(W), rng.dirichlet(np.ones(N))
    s, e, a = rng.dirichlet(np.ones(3)), rng.random(W), rng.standard_normal(W)
    beta, g, gamma = 1.7, 0.4, 2.2
    GM, Gr = rng.standard_normal((N, W)), rng.standard_normal(W)
    # ours, step by step
    wc, c1 = ntm.content_forward(M, k, beta)
    wg, c2 = ntm.interpolate_forward(wc, w_prev, g)
    ws, c3 = ntm.shift_forward(wg, s)
    w, c4 = ntm.sharpen_forward(ws, gamma)
    r, c5 = ntm.read_forward(M, w)
    M2, c6 = ntm.write_forward(M, w, e, a)
    dM_w, dw_w, de, da = ntm.write_backward(GM, c6)
    dM_r, dw_r = ntm.read_backward(Gr, c5)
    dws, dgamma = ntm.sharpen_backward(dw_w + dw_r, c4)
    dwg, ds = ntm.shift_backward(dws, c3)
    dwc, dwp, dg = ntm.interpolate_backward(dwg, c2)
    dM_c, dk, dbeta = ntm.content_backward(dwc, c1)
    # torch, written from the equations
    T = {n: torch.tensor(v, dtype=torch.float64, requires_grad=True) for n, v in dict(
        M=M, k=k, w_prev=w_prev, s=s, e=e, a=a, beta=beta, g=g, gamma=gamma).items()}
    K = (T["M"] @ T["k"]) / ((T["M"].norm(dim=1) + 1e-8) * (T["k"].norm() + 1e-8))
    t_w = torch.softmax(T["beta"] * K, 0)
    t_w = T["g"] * t_w + (1 - T["g"]) * T["w_prev"]
    t_w = sum(T["s"][j] * torch.roll(t_w, o) for j, o in enumerate((-1, 0, 1)))
    t_w = t_w ** T["gamma"]
    t_w = t_w / t_w.sum()
    M_new = T["M"] * (1 - torch.outer(t_w, T["e"])) + torch.outer(t_w, T["a"])
    (torch.sum(M_new * torch.tensor(GM)) + torch.dot(t_w @ T["M"], torch.tensor(Gr))).backward()
    tol = dict(rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dM_w + dM_r + dM_c, T["M"].grad.numpy(), **tol)
    for ours, name in ((dk, "k"), (dwp, "w_prev"), (ds, "s"), (de, "e"), (da, "a"),
                       (dbeta, "beta"), (dg, "g"), (dgamma, "gamma")):
        np.testing.assert_allclose(ours, T[name].grad.numpy(), **tol, err_msg=name)


def test_composed_head_gradients_against_finite_differences():
    M, k = rng.standard_normal((N, W)), rng.standard_normal(W)
    w_prev = rng.random(N)
    w_prev /= w_prev.sum()
    s = np.array([0.2, 0.5, 0.3])
    beta, g, gamma = 3.0, 0.7, 1.8
    G = rng.standard_normal(N)

    def loss_of(M=M, w_prev=w_prev, k=k, beta=beta, g=g, s=s, gamma=gamma):
        return float(np.dot(ntm.address_forward(M, w_prev, k, beta, g, s, gamma)[0], G))

    w, cache = ntm.address_forward(M, w_prev, k, beta, g, s, gamma)
    dM, dw_prev, dk, dbeta, dg, ds, dgamma = ntm.address_backward(G, cache)
    assert w.sum() == pytest.approx(1.0)
    for name, array, grad in [("M", M, dM), ("w_prev", w_prev, dw_prev), ("k", k, dk),
                              ("s", s, ds)]:
        numeric = numerical_gradient(lambda x, name=name: loss_of(**{name: x}), array.copy())
        assert relative_error(grad, numeric) < 1e-7, name
    h = 1e-6
    for name, value, grad in [("beta", beta, dbeta), ("g", g, dg), ("gamma", gamma, dgamma)]:
        numeric = (loss_of(**{name: value + h}) - loss_of(**{name: value - h})) / (2 * h)
        assert grad == pytest.approx(numeric, rel=1e-6), name


def test_composed_head_gradient_check_fails_on_a_wrong_step():
    M, k = rng.standard_normal((N, W)), rng.standard_normal(W)
    w_prev = np.full(N, 1.0 / N)
    s = np.array([0.1, 0.6, 0.3])
    G = rng.standard_normal(N)
    _, cache = ntm.address_forward(M, w_prev, k, 2.0, 0.8, s, 2.0)
    good = ntm.address_backward(G, cache)[2]
    c1, c2, c3, c4 = cache
    wrong_c3 = (c3[0], c3[1][::-1].copy())          # shift backward with the kernel reversed
    dw_s, _ = ntm.sharpen_backward(G, c4)
    dw_g, _ = ntm.shift_backward(dw_s, wrong_c3)
    dw_c, _, _ = ntm.interpolate_backward(dw_g, c2)
    _, bad, _ = ntm.content_backward(dw_c, c1)
    assert relative_error(bad, good) > 1e-3
