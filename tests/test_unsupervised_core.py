"""Autoencoder pieces, sparse coding and GAN losses: gradients against finite differences,
ISTA against scikit-learn's Lasso, the Parzen estimate against an exact density, messages."""

import numpy as np
import pytest

from dlcourse.core.autoencoder import (autoencoder_backward, autoencoder_forward,
                                       contractive_penalty, gaussian_corruption,
                                       kl_sparsity_backward, kl_sparsity_forward,
                                       masking_corruption)
from dlcourse.core.gan import (discriminator_loss, generator_loss, mode_coverage,
                               parzen_bandwidth, parzen_log_likelihood)
from dlcourse.core.sparse_coding import (dictionary_update, ista, random_dictionary,
                                         sparse_coding_objective)
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient

rng = np.random.default_rng(0)


@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("encoder, decoder", [("sigmoid", "sigmoid"), ("tanh", "linear")])
def test_autoencoder_gradients_match_finite_differences(tied, encoder, decoder):
    X = rng.random((5, 6))
    W, b, c = 0.5 * rng.standard_normal((6, 3)), rng.standard_normal(3), rng.standard_normal(6)
    W_dec = None if tied else 0.5 * rng.standard_normal((3, 6))
    G, GH = rng.standard_normal((5, 6)), rng.standard_normal((5, 3))

    def loss(_):
        H, R, _c = autoencoder_forward(X, W, b, c, W_dec, encoder, decoder)
        return np.sum(R * G) + np.sum(H * GH)

    H, R, cache = autoencoder_forward(X, W, b, c, W_dec, encoder, decoder)
    dX, dW, db, dc, dW_dec = autoencoder_backward(G, cache, dH=GH)
    pairs = [(X, dX), (W, dW), (b, db), (c, dc)] + ([] if tied else [(W_dec, dW_dec)])
    for array, grad in pairs:
        assert relative_error(grad, numerical_gradient(loss, array)) < 1e-7
    assert (dW_dec is None) == tied


def test_kl_sparsity_penalty_value_and_gradient():
    H = rng.uniform(0.05, 0.95, (7, 4))
    penalty, cache = kl_sparsity_forward(H, rho=0.1, beta=3.0)
    numeric = numerical_gradient(lambda h: kl_sparsity_forward(h, 0.1, 3.0)[0], H.copy())
    assert relative_error(kl_sparsity_backward(cache), numeric) < 1e-7
    assert kl_sparsity_forward(np.full((3, 2), 0.1), rho=0.1)[0] == pytest.approx(0.0, abs=1e-15)
    assert np.isfinite(kl_sparsity_forward(np.zeros((3, 2)), rho=0.1)[0])


def test_contractive_penalty_is_the_jacobian_norm_and_its_gradient_checks():
    X, W, b = rng.random((4, 5)), rng.standard_normal((5, 3)), rng.standard_normal(3)
    penalty, dW, db = contractive_penalty(X, W, b, lam=0.7)
    # the definition: the mean squared Frobenius norm of dh/dx, from the Jacobian itself
    jac = []
    for x in X:
        h = 1 / (1 + np.exp(-(x @ W + b)))
        jac.append(np.sum((h * (1 - h))[None, :] ** 2 * W ** 2))
    assert penalty == pytest.approx(0.7 * np.mean(jac), rel=1e-12)
    assert relative_error(dW, numerical_gradient(lambda w: contractive_penalty(X, w, b, 0.7)[0],
                                                 W)) < 1e-7
    assert relative_error(db, numerical_gradient(lambda v: contractive_penalty(X, W, v, 0.7)[0],
                                                 b)) < 1e-7


def test_corruptions_use_the_rng_and_drop_the_stated_fraction():
    X = np.ones((200, 100))
    masked = masking_corruption(X, 0.3, rng=1)
    assert np.mean(masked == 0) == pytest.approx(0.3, abs=0.01)
    np.testing.assert_array_equal(masked, masking_corruption(X, 0.3, rng=1))
    noisy = gaussian_corruption(X, 0.5, rng=2)
    assert np.std(noisy - X) == pytest.approx(0.5, rel=0.02)
    with pytest.raises(ValueError, match="probability"):
        masking_corruption(X, 1.0)


def test_ista_reaches_the_lasso_solution():
    from sklearn.linear_model import Lasso
    D = random_dictionary(12, 8, rng=3)                     # overcomplete: 12 atoms in 8-d
    x = rng.standard_normal(8)
    lam = 0.2
    z = ista(x[None], D, lam, n_iter=20000, tol=1e-13)[0]
    # scikit-learn's Lasso minimises (1 / (2 n)) ||y - A w||^2 + alpha ||w||_1 over n rows
    lasso = Lasso(alpha=lam / 8, fit_intercept=False, tol=1e-12, max_iter=100000).fit(D.T, x)
    np.testing.assert_allclose(z, lasso.coef_, atol=1e-6)
    assert np.sum(z != 0) < 12                              # the L1 penalty zeroes some atoms


def test_alternating_lowers_the_objective_and_keeps_atoms_unit_length():
    X = rng.standard_normal((60, 8))
    D = random_dictionary(10, 8, rng=4)
    Z = ista(X, D, 0.3)
    before = sparse_coding_objective(X, Z, D, 0.3)
    D = dictionary_update(X, Z)
    Z = ista(X, D, 0.3, Z0=Z)
    assert sparse_coding_objective(X, Z, D, 0.3) < before
    np.testing.assert_allclose(np.linalg.norm(D, axis=1), 1.0)


def test_gan_losses_gradients_and_their_values_at_extreme_logits():
    lr, lf = rng.standard_normal(6), rng.standard_normal(5)
    loss, d_r, d_f = discriminator_loss(lr, lf)
    assert relative_error(d_r, numerical_gradient(lambda v: discriminator_loss(v, lf)[0],
                                                  lr.copy())) < 1e-8
    assert relative_error(d_f, numerical_gradient(lambda v: discriminator_loss(lr, v)[0],
                                                  lf.copy())) < 1e-8
    for saturating in (True, False):
        g = generator_loss(lf, saturating)[1]
        assert relative_error(g, numerical_gradient(lambda v: generator_loss(v, saturating)[0],
                                                    lf.copy())) < 1e-8
    # a confident discriminator: the saturating loss gives almost no gradient, the other ~1/n
    sure = np.full(4, -20.0)
    assert abs(generator_loss(sure, saturating=True)[1][0]) < 1e-8
    assert generator_loss(sure)[1][0] == pytest.approx(-0.25, rel=1e-6)
    assert np.isfinite(discriminator_loss(np.array([1000.0]), np.array([-1000.0]))[0])


def test_parzen_estimate_of_one_sample_is_its_gaussian():
    from scipy.stats import multivariate_normal
    X, s = rng.standard_normal((5, 3)), rng.standard_normal((1, 3))
    exact = np.mean(multivariate_normal(s[0], 0.49 * np.eye(3)).logpdf(X))
    assert parzen_log_likelihood(X, s, 0.7) == pytest.approx(exact, rel=1e-12)
    samples = rng.standard_normal((400, 2))
    best, scores = parzen_bandwidth(rng.standard_normal((200, 2)), samples, [0.01, 0.3, 10.0])
    assert best == 0.3 and len(scores) == 3


def test_mode_coverage_counts_good_samples_per_mode_by_hand():
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    samples = np.array([[0.1, 0.0],     # mode 0, distance 0.1: good
                        [9.5, 0.0],     # mode 1, distance 0.5: good
                        [10.0, 0.2],    # mode 1, distance 0.2: good
                        [5.0, 5.0]])    # 7.07 from every centre: not good
    counts, covered, good = mode_coverage(samples, centres, max_distance=1.0)
    np.testing.assert_array_equal(counts, [1, 2, 0])
    assert covered == 2 and good == pytest.approx(0.75)
    assert mode_coverage(samples, centres, 1.0, min_count=2)[1] == 1
    with pytest.raises(ValueError, match="agree on d"):
        mode_coverage(samples, centres[:, :1], 1.0)


def test_gaussian_ring_puts_each_point_near_its_centre():
    from dlcourse.data import gaussian_ring
    X, modes, centres = gaussian_ring(4000, n_modes=8, radius=2.0, std=0.05, rng=3)
    assert X.shape == (4000, 2) and centres.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centres, axis=1), 2.0)
    assert np.bincount(modes, minlength=8).min() > 400
    np.testing.assert_allclose((X - centres[modes]).std(axis=0), 0.05, rtol=0.1)
    counts, covered, good = mode_coverage(X, centres, max_distance=3 * 0.05)
    assert covered == 8 and good > 0.95


def test_parzen_bandwidth_scores_equal_the_log_likelihood_at_each_width():
    X, S = rng.standard_normal((30, 4)), rng.standard_normal((50, 4))
    sigmas = [0.2, 0.7, 2.0]
    _, scores = parzen_bandwidth(X, S, sigmas)
    expected = [parzen_log_likelihood(X, S, s, batch=7) for s in sigmas]
    np.testing.assert_allclose(scores, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="widths > 0"):
        parzen_bandwidth(X, S, [0.5, 0.0])
    with pytest.raises(ValueError, match="agree on d"):
        parzen_bandwidth(X, S[:, :3], sigmas)
