"""GAN losses, the KL sparsity penalty and the contractive penalty against PyTorch autograd
in float64 (runs when the optional torch extra is installed)."""

import numpy as np
import pytest

from dlcourse.core.autoencoder import contractive_penalty, kl_sparsity_backward, kl_sparsity_forward
from dlcourse.core.gan import discriminator_loss, generator_loss

torch = pytest.importorskip("torch")
F = torch.nn.functional
TOL = dict(rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_gan_losses_match_binary_cross_entropy_with_logits(seed):
    rng = np.random.default_rng(seed)
    lr, lf = 3 * rng.standard_normal(7), 3 * rng.standard_normal(9)
    tr, tf = (torch.tensor(v, requires_grad=True) for v in (lr, lf))
    loss_t = F.binary_cross_entropy_with_logits(tr, torch.ones(7, dtype=torch.float64)) + \
        F.binary_cross_entropy_with_logits(tf, torch.zeros(9, dtype=torch.float64))
    loss_t.backward()
    loss, d_r, d_f = discriminator_loss(lr, lf)
    np.testing.assert_allclose(loss, loss_t.item(), **TOL)
    np.testing.assert_allclose(d_r, tr.grad.numpy(), **TOL)
    np.testing.assert_allclose(d_f, tf.grad.numpy(), **TOL)
    for saturating in (False, True):
        t = torch.tensor(lf, requires_grad=True)
        target = torch.zeros(9, dtype=torch.float64) if saturating else torch.ones(9, dtype=torch.float64)
        g = F.binary_cross_entropy_with_logits(t, target)
        (-g if saturating else g).backward()
        loss, grad = generator_loss(lf, saturating)
        np.testing.assert_allclose(loss, (-g if saturating else g).item(), **TOL)
        np.testing.assert_allclose(grad, t.grad.numpy(), **TOL)


def test_kl_sparsity_matches_autograd():
    rng = np.random.default_rng(7)
    H = rng.uniform(0.05, 0.95, (6, 4))
    Ht = torch.tensor(H, requires_grad=True)
    rho_hat = Ht.mean(0)
    rho, beta = 0.1, 2.0
    (beta * torch.sum(rho * torch.log(rho / rho_hat)
                      + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat)))).backward()
    penalty, cache = kl_sparsity_forward(H, rho, beta)
    np.testing.assert_allclose(kl_sparsity_backward(cache), Ht.grad.numpy(), **TOL)


def test_contractive_penalty_matches_the_autograd_jacobian():
    rng = np.random.default_rng(8)
    X, W, b = rng.random((4, 5)), rng.standard_normal((5, 3)), rng.standard_normal(3)
    Wt, bt = torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)
    total = 0
    for x in torch.tensor(X):
        J = torch.autograd.functional.jacobian(lambda v: torch.sigmoid(v @ Wt + bt), x,
                                               create_graph=True)
        total = total + torch.sum(J ** 2)
    (0.7 * total / len(X)).backward()
    penalty, dW, db = contractive_penalty(X, W, b, 0.7)
    np.testing.assert_allclose(penalty, (0.7 * total / len(X)).item(), **TOL)
    np.testing.assert_allclose(dW, Wt.grad.numpy(), **TOL)
    np.testing.assert_allclose(db, bt.grad.numpy(), **TOL)
