"""The pieces of trusted grading, without a kernel: the data codec, calls through a session,
callbacks, the removal of references from a module's source, and the notebook preprocessors."""

import base64
import io
import json
import os
import sys
import types
import warnings

import numpy as np
import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

from dlcourse.grading import references, remote  # noqa: E402
from dlcourse.grading.remote import GraderError, RemoteError, decode, encode  # noqa: E402
from dlcourse.grading.session import KernelSession  # noqa: E402
from dlcourse.grading.sandbox import remove_references  # noqa: E402
from dlcourse.grading.trusted import (DropDuplicateIds, _released_source,  # noqa: E402
                                      blocked_targets, autograded_cells)


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, "text", [1, 2.0, "a"], (1, (2, 3)), {0.0: [1], 0.01: (2,), "k": None},
    {1, 2}, frozenset({"a"}), np.float32(1.5), np.int64(7), 2 + 1j,
    np.arange(6.0).reshape(2, 3), np.array([[1, 2]], dtype=np.int8), np.zeros(0),
])
def test_data_crosses_unchanged(value):
    back = roundtrip(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    else:
        assert back == value and type(back) is type(value)


def test_non_finite_floats_and_generators_cross():
    assert np.isnan(roundtrip(float("nan"))) and roundtrip(float("-inf")) == float("-inf")
    rng = np.random.default_rng(5)
    back = roundtrip(rng)
    assert back.random() == rng.random()


def test_objects_and_pickles_are_refused():
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(TypeError):
        encode(np.array([object()], dtype=object))
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"x": 1}], dtype=object), allow_pickle=True)
    pickled = {"__ndarray__": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(GraderError):
        decode(pickled)                      # never unpickled in the grader
    for bad in ({"__nope__": 1}, {}, {"__float__": "1e999"},
                {"__generator__": {"bit_generator": "os.system", "state": {}}},
                {"__remote__": 1}):
        with pytest.raises(GraderError):
            decode(bad)


@pytest.fixture
def session(monkeypatch):
    """A session whose 'kernel' is this process: requests run through remote.serve."""
    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    published = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "publish_display_data",
                        lambda data: published.append(data))

    def run_code(code):
        published.clear()
        exec(code, {})
        return [{"output_type": "display_data", "data": d} for d in published]
    return KernelSession(run_code), vars(main)


def test_calls_copy_results_back_and_mirror_changes_to_arrays_and_generators(session):
    s, ns = session

    def scale_in_place(x, rng):
        x *= 2
        rng.random()
        return x.sum(), [x.shape]
    ns["scale_in_place"] = scale_in_place
    f = s.names({"scale_in_place", "missing"})["scale_in_place"]
    x, rng, twin = np.ones(3), np.random.default_rng(1), np.random.default_rng(1)
    total, shapes = f(x, rng)
    twin.random()
    assert total == 6.0 and shapes == [(3,)]
    assert np.array_equal(x, [2.0, 2.0, 2.0]), "the in-place change is visible to the test"
    assert rng.random() == twin.random(), "the generator's stream goes on where it stopped"


def test_arrays_of_a_dict_changed_in_place_come_back(session):
    s, ns = session

    def clip(grads, factor):
        for g in grads.values():
            g *= factor
        grads["new"] = np.zeros(1)          # a key the caller did not pass stays out
    ns["clip"] = clip
    f = s.names({"clip"})["clip"]
    grads = {"W": np.ones((2, 2)), "b": np.arange(3.0)}
    W = grads["W"]
    f(grads, 0.5)
    assert grads["W"] is W and np.array_equal(W, np.full((2, 2), 0.5))
    assert np.array_equal(grads["b"], [0.0, 0.5, 1.0]) and set(grads) == {"W", "b"}


def test_errors_warnings_and_errstate_come_back(session):
    s, ns = session

    def noisy(a):
        warnings.warn("careful", RuntimeWarning)
        return np.exp(a)

    def bad(a):
        raise ValueError("a must be positive")
    ns.update(noisy=noisy, bad=bad)
    f = s.names({"noisy", "bad"})
    with pytest.raises(ValueError, match="a must be positive") as info:
        f["bad"](1.0)
    assert isinstance(info.value, RemoteError)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f["noisy"](np.array([0.0]))
    assert [str(w.message) for w in caught] == ["careful"]
    with np.errstate(over="raise"), pytest.raises(FloatingPointError):
        f["noisy"](np.array([1000.0]))


def test_objects_stay_behind_as_handles(session):
    s, ns = session

    class Model:
        coef_ = np.array([1.0, 2.0])

        def predict(self, X):
            return X @ self.coef_
    ns["models"] = [Model(), Model()]
    models = s.names({"models"})["models"]
    assert len(models) == 2 and isinstance(models[0], remote.Remote)
    assert np.array_equal(models[1].coef_, [1.0, 2.0])
    assert np.array_equal(models[0].predict(np.eye(2)), [1.0, 2.0])
    with pytest.raises(GraderError):
        models[0].coef_ = 3


def test_functions_of_the_test_are_called_back_in_the_grader(session, tmp_path):
    s, ns = session
    s._callback_dir = str(tmp_path)
    ns["numerical_gradient"] = lambda f, x, h=1e-5: np.array(
        [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])
    gradient = s.names({"numerical_gradient"})["numerical_gradient"]
    secret = np.array([3.0, -1.0])
    g = gradient(lambda x: float(secret @ x), np.zeros(2))
    assert np.allclose(g, secret)


def test_a_large_request_travels_as_a_file_that_no_planted_link_can_redirect(session, tmp_path):
    s, ns = session
    s._callback_dir = str(tmp_path)
    codes = []
    run = s._run_code
    s._run_code = lambda code: codes.append(code) or run(code)
    ns["total"] = lambda X: float(X.sum())
    total = s.names({"total"})["total"]
    X = np.random.default_rng(0).random((300, 400))          # about 1.3 MB once encoded
    # the learner's code plants links under every name it can think of
    victim = tmp_path.parent / f"{tmp_path.name}-victim.txt"
    victim.write_text("the grader's file")
    for i in range(20):
        os.symlink(victim, tmp_path / f"request-{i}.txt")
    assert total(X) == pytest.approx(X.sum())
    assert len(codes[-1]) < 300 and "serve_file" in codes[-1], \
        "a large request should not travel inside the line of code"
    assert victim.read_text() == "the grader's file"
    assert not [p for p in tmp_path.iterdir() if not p.is_symlink()], "the request file stays"
    assert total(np.ones(3)) == 3.0 and "serve_file" not in codes[-1], "small ones go inline"


def test_a_reply_without_the_answer_is_an_error():
    s = KernelSession(lambda code: [{"output_type": "stream", "text": "hello"}])
    with pytest.raises(GraderError, match="did not answer"):
        s.names({"x"})
    s = KernelSession(lambda code: [{"output_type": "error", "ename": "KeyboardInterrupt",
                                     "evalue": "", "traceback": []}])
    with pytest.raises(RemoteError, match="did not return in time"):
        s.names({"x"})


SOURCE = '''
from x import njit

def sigmoid(a):
    """Doc."""
    return 1 / (1 + np.exp(-a))

def kept(a):
    return a

class Model:
    def __init__(self, k):
        self.k = k

    def fit(self, X):
        return self

def _loop(x):
    return x + 1

loop = njit(_loop)
'''


def test_removed_references_raise_and_the_rest_is_untouched():
    new, found = remove_references(SOURCE, {"sigmoid": "pkg.m.sigmoid", "Model": "pkg.m.Model",
                                            "loop": "pkg.m.loop"})
    assert found == {"sigmoid", "Model", "loop"}
    ns = {"njit": lambda f: f, "__name__": "m"}
    exec(compile(new.replace("from x import njit", ""), "m", "exec"), ns)
    assert ns["kept"](2) == 2
    for call in (lambda: ns["sigmoid"](0.0), lambda: ns["Model"](1), lambda: ns["loop"](1)):
        with pytest.raises(AssertionError, match="scores no points here"):
            call()
    assert "np.exp" not in new and "self.k = k" not in new and "x + 1" not in new


def notebook(cells):
    nb = nbformat.v4.new_notebook()
    for kind, meta, source in cells:
        cell = (nbformat.v4.new_code_cell if kind == "code" else
                nbformat.v4.new_markdown_cell)(source)
        if meta:
            cell.metadata["nbgrader"] = dict(meta, schema_version=3)
        nb.cells.append(cell)
    return nb


def test_a_copied_cell_keeps_its_last_copy_and_the_earlier_one_becomes_plain():
    answer = {"grade": False, "solution": True, "locked": False, "grade_id": "f"}
    nb = notebook([("code", answer, "def f(): return 1"), ("code", answer, "def f(): return 2"),
                   ("code", {}, "x = 1")])
    nb.cells[2].metadata["nbgrader"] = {}
    nb, _ = DropDuplicateIds().preprocess(nb, {})
    assert "nbgrader" not in nb.cells[0].metadata and "nbgrader" not in nb.cells[2].metadata
    assert nb.cells[1].metadata["nbgrader"]["grade_id"] == "f"


def test_the_released_form_of_a_test_drops_its_hidden_part():
    source = "a = 1\n### BEGIN HIDDEN TESTS\nb = 2\n### END HIDDEN TESTS\n"
    assert "b = 2" not in _released_source(source, None) and "a = 1" in _released_source(
        source, None)


def test_blocked_targets_are_read_from_the_tests():
    test = {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1}
    nb = notebook([("code", test, 'REFS = ("pkg.a", "pkg.b")\nwith blocked(*REFS, "pkg.c"):'
                                  '\n    pass\nwith blocked(*(REFS + ("pkg.d",))):\n    pass'),
                   ("code", None, 'with blocked("not.a.test"):\n    pass')])
    assert blocked_targets(nb) == ["pkg.a", "pkg.b", "pkg.c", "pkg.d"]
    assert list(autograded_cells(nb)) == ["t"]


@pytest.mark.parametrize("group", references.__all__)
def test_every_group_of_references_is_removed_from_the_sandbox(group):
    # chapters add groups; a group the reader does not know would leave its references in the
    # grading sandbox (blocked inside the tests only), as happened to the groups of 12-14
    test = {"grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1}
    nb = notebook([("code", test, f"with blocked(*{group}):\n    pass")])
    assert blocked_targets(nb) == sorted(set(getattr(references, group)))


def test_without_bwrap_grading_stops_with_a_message_that_says_what_to_do(monkeypatch):
    from dlcourse.grading import sandbox
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.find_bwrap()
    monkeypatch.setenv("DLCOURSE_SANDBOX", "off")
    assert sandbox.sandbox_mode() == "off"
    monkeypatch.setenv("DLCOURSE_SANDBOX", "maybe")
    with pytest.raises(sandbox.SandboxUnavailable, match="not understood"):
        sandbox.sandbox_mode()


def test_marking_sheet_lists_each_written_answer_with_its_question_and_scheme():
    from dlcourse.grading.marking import marking_sheet
    answer = {"grade": True, "solution": True, "locked": False, "grade_id": "q1_answer",
              "points": 2}
    nb = notebook([("markdown", None, "### Question 1\n\nWhy?"),
                   ("markdown", answer, "**Model answer.** Because.\n\n**Mark scheme.** 2 points.")])
    sheet = marking_sheet(nb, "99_demo")
    assert "## q1_answer (2 points)" in sheet and "Why?" in sheet and "Because." in sheet
    assert "1 answer(s), 2 point(s) in all." in sheet


def test_an_answer_pasted_from_the_package_is_flagged_and_an_own_one_is_not(tmp_path):
    import inspect
    import shutil
    from pathlib import Path

    from dlcourse.core import perceptron
    from dlcourse.grading.similarity import copied_share, flags_for_submission

    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "solutions" / "01_perceptron", tmp_path / "solutions" / "01_perceptron")
    release = nbformat.read(root / "exercises" / "01_perceptron" / "01_perceptron.ipynb",
                            as_version=4)
    pasted = inspect.getsource(perceptron.perceptron_step)
    for student, code in (("copier", pasted), ("own", "def perceptron_step(X, t, w, b, eta, "
                                                       "unit, alpha=0.0):\n    return w, b\n")):
        nb = nbformat.from_dict(release)
        for cell in nb.cells:
            if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "perceptron_step":
                cell.source = code
        folder = tmp_path / "_grading" / "submitted" / student / "01_perceptron"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "01_perceptron.ipynb")
    flags = flags_for_submission(tmp_path, "copier", "01_perceptron")
    assert any("perceptron_step" in f and "100%" in f for f in flags), flags
    assert not any("perceptron_step" in f for f in flags_for_submission(tmp_path, "own",
                                                                        "01_perceptron"))
    assert copied_share("x = 1", pasted) == 0.0
