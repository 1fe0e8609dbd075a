"""Chapter 04 (package layer): affine layer, losses table, init, BP1-BP4, the MLP and its
fused Numba form."""

import numpy as np
import pytest

from dlcourse._numba import HAVE_NUMBA
from dlcourse.core import backprop as B
from dlcourse.core import losses as Lo
from dlcourse.core.init import init_weights
from dlcourse.core.linear import affine_backward, affine_forward
from dlcourse.data import load_digits, logic_gate
from dlcourse.models import MLPClassifier, MLPRegressor
from dlcourse.testing import gradcheck, numerical_gradient, relative_error

needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")


def test_affine_backward():
    rng = np.random.default_rng(0)
    result = gradcheck(affine_forward, affine_backward,
                       [rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)],
                       names=["x", "W", "b"])
    assert result, str(result)
    with pytest.raises(ValueError, match="cannot be multiplied"):
        affine_forward(np.zeros((2, 3)), np.zeros((4, 5)), np.zeros(5))


@pytest.mark.parametrize("loss", ["hinge", "multiclass_hinge", "max_margin", "log_softmax_loss"])
def test_loss_table_gradients(loss):
    rng = np.random.default_rng(1)
    if loss == "hinge":
        T, a = rng.choice([-1.0, 1.0], 8), 2 * rng.standard_normal(8)
    else:
        T, a = np.eye(4)[rng.integers(0, 4, 8)], 2 * rng.standard_normal((8, 4))
    fwd, bwd = getattr(Lo, f"{loss}_forward"), getattr(Lo, f"{loss}_backward")
    assert gradcheck(lambda a: fwd(a, T), bwd, [a])


def test_loss_table_worked_values():
    # hinge: t = (1, -1), a = (0.5, 0.5): margins 0.5 and 1.5 -> mean 1.0
    assert Lo.hinge_forward(np.array([0.5, 0.5]), np.array([1.0, -1.0]))[0] == 1.0
    # multiclass hinge, correct class 0 scores (3, 1, 2.5): max(0, 1-3+1) + max(0, 2.5-3+1) = 0.5
    assert Lo.multiclass_hinge_forward(np.array([[3.0, 1.0, 2.5]]), np.array([[1.0, 0, 0]]))[0] == 0.5
    # two rivals violate the margin, scores (3, 2.5, 2.5): the multiclass hinge charges both
    # (0.5 + 0.5 = 1), the max-margin loss only the largest: max(0, 2.5 + 1 - 3) = 0.5
    a, T = np.array([[3.0, 2.5, 2.5]]), np.array([[1.0, 0, 0]])
    assert Lo.multiclass_hinge_forward(a, T)[0] == 1.0
    assert Lo.max_margin_forward(a, T)[0] == 0.5
    # its gradient: +1 to the first largest rival, -1 to the correct class, 0 elsewhere
    np.testing.assert_array_equal(Lo.max_margin_backward(1.0, Lo.max_margin_forward(a, T)[1]),
                                  [[-1.0, 1.0, 0.0]])
    # satisfied margins give zero loss and zero gradient
    E, cache = Lo.max_margin_forward(np.array([[3.0, 1.0, 1.5]]), np.array([[1.0, 0, 0]]))
    assert E == 0.0 and not Lo.max_margin_backward(1.0, cache).any()
    with pytest.raises(ValueError, match="one-hot"):
        Lo.max_margin_forward(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="2 \\* t - 1"):
        Lo.hinge_forward(np.zeros(2), np.array([0.0, 1.0]))


def test_worked_example_of_the_book():
    # x = (1, 0.5); one sigmoid hidden unit (w = 0.5, 0.5... see book/04_backprop), linear
    # output, squared error. Every number below is computed by hand in the chapter.
    X = np.array([[1.0, 0.5]])
    W = [np.array([[0.5], [-1.0]]), np.array([[2.0]])]
    b = [np.array([0.0]), np.array([0.5])]
    A, Y = B.network_forward(X, W, b, ["sigmoid", "linear"])
    assert A[0][0, 0] == 0.0 and Y[1][0, 0] == 0.5        # a1 = 0.5 - 0.5 = 0, y1 = 1/2
    assert Y[2][0, 0] == 1.5                              # a2 = 2 * 0.5 + 0.5
    E, delta = B.network_loss(A[1], Y[2], np.array([[1.0]]), "linear", "mse")
    assert E == 0.125 and delta[0, 0] == 0.5             # E = (1.5 - 1)^2 / 2, BP1: 0.5 * 1
    dW, db = B.network_backward(delta, A, Y, W, ["sigmoid", "linear"])
    assert dW[1][0, 0] == 0.25 and db[1][0] == 0.5        # BP4: y1 * delta2; BP3: delta2
    # BP2: delta1 = delta2 * w2 * sigmoid'(0) = 0.5 * 2 * 0.25 = 0.25
    np.testing.assert_array_equal(db[0], [0.25])
    np.testing.assert_array_equal(dW[0], [[0.25], [0.125]])   # BP4: x * delta1


NETWORKS = [
    (["tanh", "sigmoid", "softmax"], "cross_entropy"),
    (["relu", "linear"], "mse"),
    (["sigmoid", "sigmoid"], "cross_entropy"),
    (["tanh", "linear"], "max_margin"),
    (["tanh", "linear"], "multiclass_hinge"),
    (["leaky_relu", "linear"], "log_softmax"),
    (["tanh", "softmax"], "mse"),
    (["sigmoid", "linear"], "hinge"),
]


@pytest.mark.parametrize("activations, loss", NETWORKS)
def test_network_gradients_match_finite_differences(activations, loss):
    rng = np.random.default_rng(2)
    n_out = 1 if loss == "hinge" else 4
    sizes = [3] + [5] * (len(activations) - 1) + [n_out]
    X = rng.standard_normal((6, 3))
    if loss == "hinge":
        T = rng.choice([-1.0, 1.0], (6, 1))
    elif loss == "mse" and activations[-1] == "linear":
        T = rng.standard_normal((6, n_out))
    else:
        T = np.eye(n_out)[rng.integers(0, n_out, 6)]
    W = [init_weights(i, o, "glorot", rng) for i, o in zip(sizes[:-1], sizes[1:])]
    b = [0.1 * rng.standard_normal(o) for o in sizes[1:]]

    def E(_):
        A, Y = B.network_forward(X, W, b, activations)
        return B.network_loss(A[-1], Y[-1], T, activations[-1], loss)[0]

    A, Y = B.network_forward(X, W, b, activations)
    _, delta = B.network_loss(A[-1], Y[-1], T, activations[-1], loss)
    dW, db = B.network_backward(delta, A, Y, W, activations)
    for l in range(len(W)):
        assert relative_error(dW[l], numerical_gradient(E, W[l])) < 1e-6
        assert relative_error(db[l], numerical_gradient(E, b[l])) < 1e-6


def test_each_equation_catches_its_own_planted_bug():
    # a wrong BP2 (missing the derivative) must show up in the first layer's gradients only
    rng = np.random.default_rng(3)
    X, T = rng.standard_normal((5, 2)), np.eye(3)[rng.integers(0, 3, 5)]
    W = [rng.standard_normal((2, 4)), rng.standard_normal((4, 3))]
    b = [np.zeros(4), np.zeros(3)]
    acts = ["sigmoid", "softmax"]
    A, Y = B.network_forward(X, W, b, acts)
    _, delta = B.network_loss(A[-1], Y[-1], T, "softmax", "cross_entropy")
    wrong_delta1 = delta @ W[1].T                                   # forgot f'(A^1)
    right_delta1 = B.hidden_error(delta, W[1], A[0], lambda a: Y[1] * (1 - Y[1]))
    assert not np.allclose(B.weight_gradient(X, wrong_delta1), B.weight_gradient(X, right_delta1))


@pytest.mark.parametrize("method", ["lecun", "he", "glorot", "sparse", "normal", "zeros"])
def test_initial_weights_have_the_stated_scale(method):
    W = init_weights(400, 300, method, rng=0)
    assert W.shape == (400, 300)
    expected = {"lecun": 1 / 400, "he": 2 / 400, "glorot": 2 / 700, "normal": 1e-4,
                "zeros": 0.0, "sparse": 15 / 400}[method]
    assert np.var(W) == pytest.approx(expected, rel=0.05, abs=1e-12)
    if method == "sparse":
        assert np.all((W != 0).sum(axis=0) == 15)


def test_equal_initial_weights_never_break_symmetry():
    X, t = load_digits((0, 1, 2))
    m = MLPClassifier((5,), init="zeros", eta=0.5, max_epochs=3, rng=0, backend="numpy").fit(X, t)
    W1 = m.W_[0]
    assert np.allclose(W1, W1[:, :1])           # every hidden unit has the same weights


def test_xor_is_always_learned_for_a_fixed_seed():
    # 8 tanh units at eta = 1 learned XOR for all 40 seeds tried; 4 units at eta = 0.5 for
    # only 20 of 40 (plateaus): the book shows both
    X, t = logic_gate("xor")
    for seed in range(10):
        m = MLPClassifier((8,), activation="tanh", eta=1.0, batch_size=1, max_epochs=500,
                          rng=seed).fit(X, t)
        assert m.score(X, t) == 1.0, f"seed {seed}"


def test_digits_accuracy():
    X, t = load_digits()
    idx = np.random.default_rng(0).permutation(len(t))
    train, test = idx[:1400], idx[1400:]
    m = MLPClassifier((30,), eta=0.5, batch_size=10, max_epochs=15, rng=0).fit(X[train], t[train])
    assert m.score(X[test], t[test]) >= 0.95
    assert m.loss_curve_[-1] < 0.2 * m.loss_curve_[0]


def test_regressor_fits_a_curve():
    x = np.linspace(-3, 3, 200)[:, None]
    t = np.sin(x[:, 0])
    m = MLPRegressor((20,), eta=0.05, batch_size=10, max_epochs=300, rng=0).fit(x, t)
    assert np.mean((m.predict(x) - t) ** 2) < 0.01


@needs_numba
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("batch_size", [1, 7, 64])
@pytest.mark.parametrize("output, loss", [("softmax", "cross_entropy"),
                                          ("sigmoid", "cross_entropy")])
def test_fused_loops_and_numpy_agree(activation, batch_size, output, loss):
    # one epoch over 200 samples: the forms sum in different orders (BLAS vs loops), so
    # rounding differences of 1e-16 per operation accumulate over the updates
    X, t = load_digits((0, 1, 2, 3))
    X, t = X[:200], t[:200]
    kw = dict(hidden_layer_sizes=(12, 8), activation=activation, output=output, loss=loss,
              eta=0.2, batch_size=batch_size, max_epochs=1, alpha=1e-3, rng=4)
    a = MLPClassifier(backend="numba", **kw).fit(X, t)
    b = MLPClassifier(backend="numpy", **kw).fit(X, t)
    assert a.backend_ == "numba" and b.backend_ == "numpy"
    # NumPy's SIMD tanh and libm's tanh (used by the compiled loop) differ in the last bit
    # for about 31% of inputs, which grows to a few 1e-12 over 200 updates
    atol = 1e-10 if activation == "tanh" else 1e-12
    for Wa, Wb in zip(a.W_ + a.b_, b.W_ + b.b_):
        np.testing.assert_allclose(Wa, Wb, rtol=0, atol=atol)


@needs_numba
def test_fused_regressor_and_float32_agree():
    x = np.linspace(-2, 2, 64)[:, None]
    kw = dict(hidden_layer_sizes=(6,), eta=0.05, batch_size=1, max_epochs=3, rng=1)
    a = MLPRegressor(backend="numba", **kw).fit(x, np.sin(x[:, 0]))
    b = MLPRegressor(backend="numpy", **kw).fit(x, np.sin(x[:, 0]))
    np.testing.assert_allclose(a.W_[0], b.W_[0], atol=1e-12)
    c = MLPRegressor(backend="numba", dtype=np.float32, **kw).fit(x, np.sin(x[:, 0]))
    assert c.W_[0].dtype == np.float32
    np.testing.assert_allclose(c.W_[0], a.W_[0], atol=1e-4)


def test_unsupported_numba_combination_says_what_to_do():
    X, t = logic_gate("xor")
    with pytest.raises(ValueError, match="use backend='numpy'"):
        MLPClassifier(activation="ricker", backend="numba").fit(X, t)
    auto = MLPClassifier(activation="ricker", max_epochs=1).fit(X, t)
    assert auto.backend_ == "numpy"


@pytest.mark.parametrize("params, match", [
    (dict(hidden_layer_sizes=(0,)), "hidden layer size must be >= 1"),
    (dict(activation="swish"), "choose one of"),
    (dict(output="linear", loss="cross_entropy"), "needs output in"),
    (dict(dtype=np.int32), "float32 or float64"),
])
def test_bad_hyper_parameters_say_what_to_do(params, match):
    X, t = logic_gate("xor")
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**params).fit(X, t)
