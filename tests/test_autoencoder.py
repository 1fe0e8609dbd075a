"""The Autoencoder estimator: gradients of every option against finite differences, the linear
autoencoder's subspace against PCA, scikit-learn's contract, messages."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA

from dlcourse.models import Autoencoder
from dlcourse.testing import relative_error
from dlcourse.testing.gradcheck import numerical_gradient


@pytest.mark.parametrize("options", [
    dict(tied=True),
    dict(tied=False, decoder="linear", encoder="tanh"),
    dict(tied=True, sparsity=0.5, rho=0.1),
    dict(tied=False, contraction=0.3, alpha=0.01),
])
def test_every_option_has_the_gradient_of_its_loss(options):
    rng = np.random.default_rng(0)
    X = rng.random((6, 5))
    model = Autoencoder(n_hidden=3, max_epochs=1, batch_size=6, rng=1, **options).fit(X)
    loss, grads = model._loss_and_grads(X, X)
    for key, p in model._params.items():
        numeric = numerical_gradient(lambda _: model._loss_and_grads(X, X)[0], p)
        assert relative_error(grads[key], numeric) < 1e-6, key


def principal_angles(A, B):
    """Cosines of the angles between the column spaces of A and B."""
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    return np.linalg.svd(qa.T @ qb, compute_uv=False)


def test_a_linear_autoencoder_finds_the_pca_subspace():
    rng = np.random.default_rng(2)
    # 6-d data that mostly lies in a 2-d subspace
    basis = np.linalg.qr(rng.standard_normal((6, 2)))[0]
    X = rng.standard_normal((400, 2)) * [3.0, 2.0] @ basis.T + 0.05 * rng.standard_normal((400, 6))
    model = Autoencoder(n_hidden=2, encoder="linear", decoder="linear", tied=False, eta=0.01,
                        max_epochs=150, rng=3).fit(X + 1.0)
    pca = PCA(2).fit(X)
    cosines = principal_angles(model.W_dec_.T, pca.components_.T)
    assert cosines.min() > 0.999


def test_estimator_contract_and_denoising_runs():
    X = np.random.default_rng(4).random((120, 16))
    model = Autoencoder(n_hidden=8, corruption="mask", noise=0.3, max_epochs=5, rng=5).fit(X)
    assert model.transform(X).shape == (120, 8)
    assert model.reconstruct(X).shape == X.shape and np.all((model.reconstruct(X) > 0) &
                                                            (model.reconstruct(X) < 1))
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    again = clone(model).fit(X)
    np.testing.assert_array_equal(again.W_, model.W_)
    assert isinstance(model.score(X), float)


def test_bad_options_say_what_to_do():
    X = np.random.default_rng(6).random((10, 4))
    with pytest.raises(ValueError, match="sigmoid"):
        Autoencoder(encoder="tanh", sparsity=1.0).fit(X)
    with pytest.raises(ValueError, match="corruption"):
        Autoencoder(corruption="salt").fit(X)
    with pytest.raises(ValueError, match="n_features|features"):
        Autoencoder(max_epochs=1).fit(X).transform(np.zeros((2, 3)))


def test_sparse_coding_learns_a_dictionary_that_codes_sparsely():
    from dlcourse.models import SparseCoding
    rng = np.random.default_rng(7)
    # data made of 2 of 6 hidden atoms each: a dictionary can explain it with sparse codes
    atoms = rng.standard_normal((6, 10))
    atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    codes = np.zeros((300, 6))
    for row in codes:
        row[rng.choice(6, 2, replace=False)] = rng.uniform(1, 2, 2)
    X = codes @ atoms
    model = SparseCoding(n_atoms=6, lam=0.5, n_iter=100, rng=8).fit(X)
    # (scaling the atoms back to unit length is not a descent step, so not every round lowers
    # the objective, but the run does)
    assert model.objective_[-1] < 0.8 * model.objective_[0]           # 366 from 511
    Z = model.transform(X)
    assert np.mean(np.abs(Z) > 1e-6) < 0.45          # 2 of 6 atoms per row: 1/3 non-zero
    # every hidden atom is found (up to sign): with this seed all cosines are above 0.96
    assert np.all(np.abs(model.components_ @ atoms.T).max(axis=0) > 0.95)
    np.testing.assert_allclose(np.linalg.norm(model.components_, axis=1), 1.0)


def test_a_stack_is_autoencoders_fitted_on_the_codes_below():
    from dlcourse.models.autoencoder import stacked_autoencoder
    X = np.random.default_rng(6).random((80, 12))
    W, b = stacked_autoencoder(X, (6, 3), rng=7, max_epochs=3, corruption="mask", noise=0.2)
    assert [w.shape for w in W] == [(12, 6), (6, 3)] and [v.shape for v in b] == [(6,), (3,)]
    g = np.random.default_rng(7)             # the same draws, by hand
    first = Autoencoder(n_hidden=6, rng=g, max_epochs=3, corruption="mask", noise=0.2).fit(X)
    second = Autoencoder(n_hidden=3, rng=g, max_epochs=3, corruption="mask",
                         noise=0.2).fit(first.transform(X))
    np.testing.assert_array_equal(W[0], first.W_)
    np.testing.assert_array_equal(W[1], second.W_)
    np.testing.assert_array_equal(b[1], second.b_)


def test_a_stack_starts_a_pretrained_mlp():
    from dlcourse.models.autoencoder import stacked_autoencoder
    from dlcourse.models.dbn import PretrainedMLPClassifier
    rng = np.random.default_rng(8)
    X, t = rng.random((60, 10)), rng.integers(0, 3, 60)
    W, b = stacked_autoencoder(X, (5, 4), rng=9, max_epochs=2)
    mlp = PretrainedMLPClassifier(hidden_layer_sizes=(5, 4), pretrained=(W, b), max_epochs=1,
                                  eta=1e-12, rng=0, backend="numpy").fit(X, t)
    np.testing.assert_allclose(mlp.W_[0], W[0], atol=1e-9)  # a negligible step keeps the start
    np.testing.assert_allclose(mlp.b_[1], b[1], atol=1e-9)


def test_a_stack_says_what_to_leave_out():
    from dlcourse.models.autoencoder import stacked_autoencoder
    X = np.random.default_rng(10).random((20, 4))
    with pytest.raises(ValueError, match="n_hidden is set by the stack"):
        stacked_autoencoder(X, (3,), n_hidden=2)
    with pytest.raises(ValueError, match="empty"):
        stacked_autoencoder(X, ())
