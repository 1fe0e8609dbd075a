"""dlcourse.grading: the checks used in assignment test cells, the reference block, and the
feedback preprocessor that hides hidden tests."""

import warnings

import numpy as np
import pytest

import dlcourse
import dlcourse.core.activations as activations
import dlcourse.core.perceptron as core_perceptron
import dlcourse.kernels.perceptron as kernels_perceptron
from dlcourse.core.activations import sigmoid as sigmoid_bound_early
from dlcourse.grading import (ACTIVATIONS, PERCEPTRON_STEP, TRAINING, BlockedReferenceError,
                              blocked, check_close, check_directional_derivatives, check_finite,
                              check_gradient, check_shape, check_type, no_warnings)
from dlcourse.models import Perceptron

BLOCKED_MESSAGE = "this task asks for your own implementation"


def fails_with(fn, *fragments):
    """Run ``fn``; it must raise AssertionError whose message contains every fragment."""
    with pytest.raises(AssertionError) as info:
        fn()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --- check_shape ---------------------------------------------------------------------------

def test_check_shape_passes_and_returns_nothing():
    # a test cell whose last line displays a value would have it read as partial credit
    assert check_shape([[1, 2, 3], [4, 5, 6]], (2, 3), "X") is None
    assert check_shape(np.zeros((4, 7)), (None, 7), "X") is None


def test_check_shape_names_both_shapes_and_hints_at_a_column_vector():
    fails_with(lambda: check_shape(np.zeros((3, 1)), (3,), "w"),
               "`w` should have shape (3,) but has shape (3, 1)", "Hint:", "ravel")


def test_check_shape_hints_at_a_transpose():
    fails_with(lambda: check_shape(np.zeros((2, 3)), (3, 2), "W"), "(3, 2)", "transpose")


def test_check_shape_reports_none_and_non_numbers_without_a_numpy_traceback():
    fails_with(lambda: check_shape(None, (3,), "w"), "`w` is None", "return")
    fails_with(lambda: check_shape("abc", (3,), "w"), "should be numeric", "str")
    fails_with(lambda: check_shape({"a": 1}, (3,), "w"), "should be numeric", "dict")


# --- check_close ---------------------------------------------------------------------------

def test_check_close_passes_within_tolerance():
    assert check_close(np.array([1.0, 2.0 + 1e-12]), [1.0, 2.0], "y") is None
    check_close(0.5, 0.5, "scalar")
    check_close([np.nan, np.inf], [np.nan, np.inf], "specials")


def test_check_close_says_where_and_by_how_much():
    msg = fails_with(lambda: check_close(np.array([[1.0, 2.0], [3.0, 7.5]]),
                                         np.array([[1.0, 2.0], [3.0, 4.0]]), "y",
                                         hint="look at the last row"),
                     "`y` differs", "1 of 4 entries", "index (1, 1)", "got 7.5",
                     "expected 4", "difference 3.5", "Hint: look at the last row")
    assert "Traceback" not in msg


def test_check_close_scalar_message_and_wrong_shape():
    fails_with(lambda: check_close(1.0, 2.0, "b"), "`b` is 1 but should be 2")
    fails_with(lambda: check_close(np.zeros(3), np.zeros(4), "w"), "shape (4,)", "shape (3,)")


def test_check_close_reports_nan_where_a_number_was_expected():
    fails_with(lambda: check_close([1.0, np.nan], [1.0, 2.0], "y"), "index (1,)", "got nan")


# --- check_type / check_finite ---------------------------------------------------------------

def test_check_type():
    assert check_type([1], list, "errors") is None
    check_type(3, (int, float), "n")
    fails_with(lambda: check_type((1, 2), list, "errors"), "`errors` should be a list",
               "got tuple")
    fails_with(lambda: check_type("x", (int, float), "n"), "int or float")


def test_check_finite():
    assert check_finite([1.0, 2.0], "y") is None
    fails_with(lambda: check_finite([1.0, np.inf, np.nan], "y"), "2 non-finite",
               "index (1,)", "Hint:")


# --- check_gradient ------------------------------------------------------------------------

def test_check_gradient_accepts_a_correct_gradient_callable_or_array():
    x = np.array([0.3, -1.2, 2.0])
    assert check_gradient(lambda z: np.sum(np.sin(z)), np.cos, x, "cos") is None
    check_gradient(lambda z: np.sum(z**3), 3 * x**2, x, "3 x^2")
    assert np.array_equal(x, [0.3, -1.2, 2.0])          # the point is not changed


def test_check_gradient_rejects_a_wrong_gradient_with_the_numbers():
    x = np.array([0.5, 1.5])
    fails_with(lambda: check_gradient(lambda z: np.sum(z**2), x, x, "dE/dx"),
               "`dE/dx` does not match the numerical derivative", "finite differences give",
               "relative error")


def test_check_gradient_rejects_wrong_shapes_and_nan():
    x = np.zeros(3)
    fails_with(lambda: check_gradient(lambda z: np.sum(z), np.ones(4), x, "g"), "shape (3,)")
    fails_with(lambda: check_gradient(lambda z: np.sum(z), np.full(3, np.nan), x, "g"),
               "non-finite")



def test_check_directional_derivatives_accepts_a_correct_gradient_in_few_calls():
    W = np.random.default_rng(0).normal(size=(6, 5))
    calls = []

    def f(z):
        calls.append(1)
        return np.sum(np.tanh(z @ W))

    x = np.random.default_rng(1).normal(size=(4, 6))
    grad = (1 - np.tanh(x @ W) ** 2) @ W.T
    check_directional_derivatives(f, grad, x, "dE/dx", np.random.default_rng(2))
    assert len(calls) == 6          # two calls per direction, not 2 * 24 for every entry


def test_check_directional_derivatives_catches_one_wrong_entry():
    x = np.random.default_rng(3).normal(size=(5, 5))
    grad = 2 * x
    grad[4, 1] += 0.05              # a single entry slightly off
    fails_with(lambda: check_directional_derivatives(lambda z: np.sum(z ** 2), grad, x, "dE/dx",
                                                     np.random.default_rng(4)),
               "`dE/dx` does not match the numerical derivative", "along a random direction")
    fails_with(lambda: check_directional_derivatives(lambda z: np.sum(z), np.ones(4), np.zeros(3),
                                                     "g", np.random.default_rng(5)),
               "shape (3,)")

# --- no_warnings ---------------------------------------------------------------------------

def test_no_warnings_catches_overflow_even_when_numpy_is_silenced():
    def naive(a):
        return 1.0 / (1.0 + np.exp(-a))

    old = np.seterr(all="ignore")
    try:
        def run():
            with no_warnings("sigmoid"):
                naive(np.array([-1000.0, 1000.0]))
        fails_with(run, "`sigmoid` raised a floating-point error", "overflow", "Hint:")
    finally:
        np.seterr(**old)


def test_no_warnings_catches_python_warnings_and_allows_underflow():
    def run():
        with no_warnings("f"):
            warnings.warn("careful", UserWarning)
    fails_with(run, "emitted 1 warning", "UserWarning: careful")
    with no_warnings("stable sigmoid"):
        activations.sigmoid(np.array([-1000.0, 1000.0]))     # exp underflows to 0: fine
        np.exp(-1000.0)


# --- blocked -------------------------------------------------------------------------------

def _raises_blocked(fn, name):
    with pytest.raises(AssertionError) as info:
        fn()
    assert BLOCKED_MESSAGE in str(info.value)
    assert name in str(info.value)
    assert "scores no points here" in str(info.value)


def test_blocked_catches_module_attribute_calls():
    with blocked("dlcourse.core.activations.sigmoid", strict=False):
        _raises_blocked(lambda: activations.sigmoid(0.0), "sigmoid")
    assert activations.sigmoid(0.0) == 0.5


def test_blocked_catches_names_bound_before_the_block():
    alias = activations.threshold
    with blocked(*ACTIVATIONS, strict=False):
        _raises_blocked(lambda: sigmoid_bound_early(1.0), "dlcourse.core.activations.sigmoid")
        _raises_blocked(lambda: alias(1.0), "threshold")
        _raises_blocked(lambda: activations.ACTIVATIONS["sigmoid"][1](0.0), "sigmoid_prime")
    assert sigmoid_bound_early(0.0) == 0.5 and alias(1.0) == 1.0


def test_blocked_catches_classes_instances_and_reexports():
    model = Perceptron(backend="numpy")                     # made before the block
    X, t = np.array([[0.0], [1.0]]), np.array([0.0, 1.0])
    with blocked("dlcourse.models.Perceptron", strict=False):
        _raises_blocked(lambda: Perceptron(), "Perceptron")
        _raises_blocked(lambda: dlcourse.Perceptron(), "Perceptron")
        _raises_blocked(lambda: model.fit(X, t), "Perceptron")
    assert model.fit(X, t).predict(X).tolist() == [0.0, 1.0]


def test_blocked_catches_properties_and_available_if_methods():
    model = Perceptron(unit="sigmoid", backend="numpy").fit(np.array([[0.0], [1.0]]),
                                                           np.array([0.0, 1.0]))
    with blocked("dlcourse.models.Perceptron", strict=False):
        _raises_blocked(lambda: model.predict_proba(np.array([[0.5]])), "Perceptron")
    assert model.predict_proba(np.array([[0.5]])).shape == (1, 2)


def test_blocked_catches_inherited_methods_of_scikit_learn_classifiers():
    from sklearn.linear_model import Perceptron as SkPerceptron
    from sklearn.linear_model import SGDClassifier

    X, t = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    early = SkPerceptron()
    with blocked(*TRAINING, strict=False):
        _raises_blocked(lambda: SkPerceptron(), "scikit-learn's Perceptron")
        _raises_blocked(lambda: early.fit(X, t), "Perceptron")      # fit comes from a base
        _raises_blocked(lambda: SGDClassifier().fit(X, t), "SGDClassifier")
    assert early.fit(X, t).predict(X).shape == (4,)
    assert early.get_params()["eta0"] == 1.0                 # generic estimator code untouched


def test_blocking_one_class_leaves_its_siblings_working():
    # Dropout and BatchNorm share Layer with every other layer: an MLP without them trains
    from dlcourse import layers
    from dlcourse.grading import BATCHNORM, DROPOUT
    from dlcourse.models import MLPClassifier

    X, t = np.random.default_rng(0).random((20, 3)), np.arange(20) % 2
    early = layers.Dropout(0.5)
    with blocked(*DROPOUT, *BATCHNORM, strict=False):
        MLPClassifier((4,), max_epochs=1, backend="numpy", rng=0).fit(X, t)
        layers.Affine(3, 2, rng=0).forward(X)
        _raises_blocked(lambda: layers.Dropout(0.5), "Dropout")
        _raises_blocked(lambda: early.forward(X), "Dropout")
        _raises_blocked(lambda: layers.BatchNorm(3), "BatchNorm")
    assert layers.Dropout(0.5).forward(X, train=False).shape == X.shape     # restored


def test_blocked_catches_numba_kernels_and_their_python_form():
    X, t = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.0, 1.0])
    args = (X, t, np.zeros(2), 0.0, np.arange(2), 1.0, 1, False, 0.0)
    kernel = kernels_perceptron.perceptron_epoch
    with blocked(*TRAINING, strict=False):
        _raises_blocked(lambda: kernel(*args), "perceptron_epoch")
        if hasattr(kernel, "py_func"):
            _raises_blocked(lambda: kernel.py_func(*args), "perceptron_epoch")
    b, n_errors, _ = kernel(*args)
    assert n_errors == 1 and type(kernel).__name__ in ("CPUDispatcher", "function")


def test_blocked_catches_ufuncs_reached_through_their_module():
    import scipy.special

    with blocked("scipy.special.expit", strict=False):
        _raises_blocked(lambda: scipy.special.expit(0.0), "SciPy's expit")
    assert scipy.special.expit(0.0) == 0.5


def test_blocked_functions_with_closures_and_restores_them():
    def make():
        offset = 2.0

        def shifted(a):
            return a + offset
        return shifted

    shifted = make()
    code = shifted.__code__
    with blocked(shifted, strict=False):
        _raises_blocked(lambda: shifted(1.0), "shifted")
    assert shifted.__code__ is code and shifted(1.0) == 3.0


def test_blocked_restores_everything_after_an_exception_or_interrupt():
    codes = {name: getattr(core_perceptron, name).__code__ for name in
             ("perceptron_step", "perceptron_epoch", "net_input")}
    fit_code = Perceptron.fit.__code__
    kernel_class = type(kernels_perceptron.perceptron_epoch)
    for error in (ValueError("student bug"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            with blocked(*PERCEPTRON_STEP):
                raise error
    for name, code in codes.items():
        assert getattr(core_perceptron, name).__code__ is code
    assert Perceptron.fit.__code__ is fit_code
    assert type(kernels_perceptron.perceptron_epoch) is kernel_class
    w, b, _, _ = core_perceptron.perceptron_step(np.eye(2), np.array([0.0, 1.0]), np.zeros(2),
                                                 0.0, 1.0, "threshold")
    assert w.tolist() == [0.0, 0.5] and b == 0.5


def test_blocked_fails_even_when_the_learner_swallows_the_error():
    def sneaky(a):
        try:
            return activations.sigmoid(a)
        except Exception:
            return 0.5

    with pytest.raises(BlockedReferenceError, match=BLOCKED_MESSAGE):
        with blocked(*ACTIVATIONS):
            sneaky(0.0)


def test_blocked_lets_own_implementations_and_other_helpers_run():
    from dlcourse.data import two_blobs

    def own_sigmoid(a):
        e = np.exp(-np.abs(a))
        return np.where(a >= 0, 1.0, e) / (1.0 + e)

    ref = activations.sigmoid(np.linspace(-5, 5, 11))
    with blocked(*ACTIVATIONS, *PERCEPTRON_STEP):
        X, t = two_blobs(10, rng=0)                           # data helpers are not blocked
        assert X.shape == (10, 2)
        np.testing.assert_allclose(own_sigmoid(np.linspace(-5, 5, 11)), ref)


def test_blocked_nests_and_skips_packages_that_are_not_installed():
    with blocked("dlcourse.core.activations.sigmoid", "no_such_package.module.function",
                 strict=False):
        with blocked("dlcourse.core.activations.sigmoid", strict=False):
            _raises_blocked(lambda: activations.sigmoid(0.0), "sigmoid")
        _raises_blocked(lambda: activations.sigmoid(0.0), "sigmoid")
    assert activations.sigmoid(0.0) == 0.5


def test_blocked_rejects_a_misspelled_attribute():
    with pytest.raises(ValueError, match="no attribute path"):
        with blocked("dlcourse.core.activations.sigmoidd"):
            pass


# --- feedback preprocessor ------------------------------------------------------------------

def test_feedback_preprocessor_removes_hidden_tests_and_their_tracebacks():
    nbformat = pytest.importorskip("nbformat")
    from dlcourse.grading.feedback import HideHiddenTests

    source = ("# visible part\ncheck(1)\n### BEGIN HIDDEN TESTS\n"
              "assert secret_value(42) == 17, 'the answer'\n"
              "assert other(), (\"wrong; \"\n    \"draw one permutation per epoch\")\n"
              "### END HIDDEN TESTS\n")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = {"nbgrader": {"grade": True, "grade_id": "t", "points": 1}}
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr",
                               text="warning at\n    assert secret_value(42) == 17, 'the answer'\n"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="the answer",
                               traceback=["\x1b[0;31mAssertionError\x1b[0m Traceback",
                                          "----> 4 assert secret_value(42) == 17, 'the answer'",
                                          "AssertionError: the answer"]),
    ]
    second = nbformat.v4.new_code_cell(source)
    second.metadata = cell.metadata
    second.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="wrong; draw one permutation per epoch",
        traceback=["      5 assert other(), (\"wrong; \"", "----> 6     \"draw one permutation per epoch\")",
                   "AssertionError: wrong; draw one permutation per epoch"])]
    plain = nbformat.v4.new_code_cell("print(1)")
    plain.outputs = [nbformat.v4.new_output("error", ename="NameError", evalue="x",
                                            traceback=["line 1", "NameError: x"])]
    nb = nbformat.v4.new_notebook(cells=[cell, second, plain])
    nb, _ = HideHiddenTests()(nb, {})             # called the way nbconvert's exporter calls it
    text = str(nb.cells[0])
    assert "secret_value" not in text and "HIDDEN TESTS" not in text
    assert nb.cells[0].source.startswith("# visible part\ncheck(1)")
    traceback = "\n".join(nb.cells[0].outputs[1].traceback)
    assert "AssertionError: the answer" in traceback and "are hidden" in traceback
    # the message survives although it repeats a line of the test; the listing does not
    assert nb.cells[1].outputs[0].traceback[:-1] == ["", "",
                                                     "AssertionError: wrong; draw one permutation per epoch"]
    assert nb.cells[2].outputs[0].traceback == ["line 1", "NameError: x"]   # visible: untouched
