"""Hostile and broken submissions, graded through the instructor's real commands.

One temporary course (assignment 01_perceptron) receives an honest student first and last and,
between them, submissions that try to raise their own grade, lower another's, read the
solutions, stop the run, or pass by reaching the reference implementation. The run goes
through ``python -m dlcourse.grading autograde`` (what ``make autograde`` runs) and nbgrader's
``generate_feedback``; then every submission must have the grade it deserves, the honest
students' grades must be untouched, the run must have finished with one failure (the corrupt
notebook), no course file may have changed, no process may survive, and no feedback may show a
hidden test or a solution.

The submissions are graded in two course copies side by side (two cores).
"""

import copy
import json
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402

from dlcourse.grading.leaks import _norm, html_text, leaks, secret_lines  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_assignments import ROOT, _env, config_text, filled, nbg, nbgrader  # noqa: E402

pytestmark = pytest.mark.grading

ASSIGNMENT = "01_perceptron"
TASK_TESTS = ["test_activations_visible", "test_activations_hidden", "test_step_visible",
              "test_step_hidden", "test_train_visible", "test_train_hidden"]
MARK = f"dlcourse-attack-{uuid.uuid4().hex[:8]}"
SLEEP = 600 + int(MARK[-4:], 16) % 300            # a process we can look for afterwards

WRONG_STEP = '''
def perceptron_step(X, t, w, b, eta, unit, alpha=0.0):
    return np.zeros_like(w), 0.0
'''
WRONG_TRAIN = '''
def train_perceptron(X, t, eta, max_epochs, rng):
    return np.zeros(X.shape[1]), 0.0, [0]
'''


def attacks(course):
    """Student id -> (base, cells to insert after the setup cell, answer replacements)."""
    db = course / "_grading" / "gradebook.db"
    package = Path(__import__("dlcourse").__file__).resolve().parent
    hostile = [
        # rewrite the gradebook: its own scores up, every other student's too
        f'''
import glob, os, sqlite3
for path in [{str(db)!r}, "../../../gradebook.db", "../../../../_grading/gradebook.db",
             *glob.glob("/tmp/**/gradebook.db", recursive=True)[:5],
             *glob.glob("/work/*/_grading/gradebook.db")[:5]]:
    try:
        con = sqlite3.connect(path)
        con.execute("UPDATE grade SET auto_score = 99")
        con.commit()
        print("WROTE", path)
    except Exception as exc:
        print("no gradebook at", path, type(exc).__name__)
''',
        # change course files: the package the grader imports, the nbgrader config
        f'''
for path, text in [({str(package / (MARK + ".py"))!r}, "x = 1"),
                   ({str(course / "nbgrader_config.py")!r}, "c = get_config()"),
                   ("../../../../nbgrader_config.py", "c = get_config()")]:
    try:
        with open(path, "a") as f:
            f.write(text)
        print("WROTE", path)
    except Exception as exc:
        print("cannot write", path, type(exc).__name__)
''',
        # leave processes behind that would hold a lock and outlive the notebook
        f'''
import subprocess, os
subprocess.Popen(["sleep", "{SLEEP}"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time
    time.sleep({SLEEP})
    os._exit(0)
''',
        # resource abuse: memory, processes, network, disk
        '''
import os, socket, subprocess
try:
    hog = bytearray(32 * 2**30)
except MemoryError:
    print("no memory for that")
children = []
try:
    for i in range(1000):
        children.append(subprocess.Popen(["sleep", "30"]))
except Exception as exc:
    print("process limit after", len(children), type(exc).__name__)
for child in children:
    child.kill()
    child.wait()
try:
    socket.create_connection(("pypi.org", 443), timeout=3)
    print("NETWORK")
except Exception as exc:
    print("no network", type(exc).__name__)
try:
    with open("big.bin", "wb") as f:
        f.write(b"0" * 2 * 2**30)
except Exception as exc:
    print("file too large", type(exc).__name__)
''']
    snoop = f'''
import glob
for pattern in ["../../../../solutions/*/*.ipynb", {str(course / "solutions" / "*" / "*")!r},
                "/tmp/**/solutions/*/*.ipynb", "../../../submitted/*/*/*.ipynb",
                "../../*/*/*.ipynb"]:
    for path in glob.glob(pattern, recursive=True)[:3]:
        try:
            print(open(path).read()[:100000])
        except Exception as exc:
            print("cannot read", path, type(exc).__name__)
ip = get_ipython()
ip.events.register("pre_run_cell", lambda info: print("CELL:", info.raw_cell))
ip.events.register("post_run_cell", lambda result: print("RAN:", result.info.raw_cell))
'''
    patch = '''
import sys, builtins, numpy as np, numpy.testing
import dlcourse.grading, dlcourse.grading.checks as checks
for module in (dlcourse.grading, checks):
    for name in ("check_close", "check_shape", "check_gradient", "check_type", "check_finite"):
        setattr(module, name, lambda *args, **kwargs: None)
numpy.testing.assert_allclose = lambda *args, **kwargs: None
np.allclose = lambda *args, **kwargs: True
np.array_equal = lambda *args, **kwargs: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
ip = get_ipython()
ip.input_transformers_post.append(
    lambda lines: ["pass\\n"] if any("check" in line for line in lines) else lines)
'''
    return {
        # correct answers, and every attack on the machine, the gradebook and other students
        "b_hostile": ("solution", hostile, {}),
        # no answers, wrong answers that read the tests' expected values, patched checks,
        # input transformers, and snooping for solutions and hidden tests
        "f_snoop": ("stub", [snoop, patch], {"activations": READ_EXPECTED,
                                              "perceptron_step": WRONG_STEP,
                                              "train_perceptron": WRONG_TRAIN}),
        # every way around the reference block that was seen, in one notebook
        "h_delegate": ("solution", [DELEGATE_SETUP], DELEGATE),
        # correct, more accurate than the reference, warning as it works, and a copied cell
        "e_accurate": ("solution", [], {"activations": ACCURATE,
                                        "__duplicate__": "perceptron_step"}),
        # not a notebook at all
        "k_corrupt": ("raw", "{ this is not json", {}),
    }


READ_EXPECTED = '''
import sys, numpy as np
def _expected(a, names):
    frame = sys._getframe(2)        # read the expected values out of the test's variables
    for name in names:
        for scope in (frame.f_locals, frame.f_globals):
            if name in scope:
                return scope[name]
    return np.full(np.shape(a), 0.3)
def threshold(a):
    return _expected(a, ("th",))
def sigmoid(a):
    return _expected(a, ("sg",))
def sigmoid_prime(a):
    return _expected(a, ("sp",))
'''
DELEGATE_SETUP = '''
import gc, importlib, types, sys
import dlcourse.core.activations as act
import dlcourse.core.perceptron as per
saved = {"sigmoid": act.sigmoid.__code__, "step": per.perceptron_step.__code__}
importlib.reload(act)
namespace = {"__name__": "copy_of_activations"}
try:
    exec(compile(open(act.__file__).read(), "copy", "exec"), namespace)
except Exception as exc:
    print("exec failed", type(exc).__name__)
'''
DELEGATE = {"activations": '''
import types, numpy as np
def threshold(a):
    return namespace.get("threshold", act.threshold)(a)
def sigmoid(a):
    return types.FunctionType(saved["sigmoid"], act.__dict__)(a)
def sigmoid_prime(a):
    return namespace.get("sigmoid_prime", act.sigmoid_prime)(a)
''', "perceptron_step": '''
def perceptron_step(X, t, w, b, eta, unit, alpha=0.0):
    w, b, _, _ = types.FunctionType(saved["step"], per.__dict__)(X, t, w, b, eta, unit, alpha)
    return w, b
''', "train_perceptron": '''
from dlcourse.kernels.perceptron import perceptron_epoch as _kernel
from sklearn.linear_model import Perceptron as _SkPerceptron
def train_perceptron(X, t, eta, max_epochs, rng):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(max_epochs):
        b, n_errors, _ = _kernel.py_func(X, t, w, b, rng.permutation(len(t)), eta, 1, False, 0.0)
        errors.append(n_errors)
        if n_errors == 0:
            break
    return w, b, errors
'''}
ACCURATE = '''
import warnings
def threshold(a):
    warnings.warn("a harmless note from my threshold")
    return (np.asarray(a, dtype=float) > 0).astype(float)

def sigmoid(a):
    a = np.asarray(a, dtype=float)
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    e = np.exp(a[~pos])
    out[~pos] = e / (1.0 + e)
    return out

def sigmoid_prime(a):
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))                  # y (1 - y) without cancellation
    return e / (1.0 + e) ** 2
'''


def build_submission(kind, cells, replacements, source, release, solved):
    if kind == "raw":
        return cells
    nb = copy.deepcopy(solved if kind == "solution" else release)
    for cell in nb.cells:
        code = replacements.get(nbg(cell).get("grade_id"))
        if code is not None:
            cell.source = code.strip("\n")
    duplicate = replacements.get("__duplicate__")
    if duplicate:
        position = next(i for i, c in enumerate(nb.cells) if nbg(c).get("grade_id") == duplicate)
        nb.cells.insert(position, copy.deepcopy(nb.cells[position]))
    setup = next(i for i, c in enumerate(nb.cells) if nbg(c).get("grade_id") == "setup")
    for offset, code in enumerate(cells, 1):
        nb.cells.insert(setup + offset, nbformat.v4.new_code_cell(code.strip("\n")))
    return nb


def write_submission(course, student, nb):
    folder = course / "_grading" / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    path = folder / f"{ASSIGNMENT}.ipynb"
    if isinstance(nb, str):
        path.write_text(nb)
    else:
        nbformat.write(nb, path)
    return folder


def grade(course):
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "dlcourse.grading", "autograde", ASSIGNMENT],
                          cwd=course, env=_env(), capture_output=True, text=True, timeout=1800)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    return proc, time.perf_counter() - start


def read_grades(course, students):
    out = {}
    with Gradebook("sqlite:///" + str(course / "_grading" / "gradebook.db"), "dlcourse") as gb:
        for student in students:
            try:
                nb = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
            except Exception:  # noqa: BLE001 - not graded
                continue
            out[student] = {g.name: (g.auto_score, g.max_score) for g in nb.grades}
    return out


class Run:
    """What the tests look at."""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("integrity")
    main = base / "main"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, main / "solutions" / ASSIGNMENT)
    (main / "nbgrader_config.py").write_text(config_text())
    shutil.copy(ROOT / "course.yml", main / "course.yml")
    nbgrader(main, "generate_assignment", ASSIGNMENT)
    source = nbformat.read(main / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    release = nbformat.read(main / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solved = filled(release, source)

    courses = {name: base / name for name in ("one", "two")}
    for course in courses.values():
        shutil.copytree(main, course)
    students = {}
    for student, (kind, cells, replacements) in sorted(attacks(main).items()):
        course = courses["one" if student in ("b_hostile", "f_snoop") else "two"]
        students[student] = course
        write_submission(course, student, build_submission(kind, cells, replacements, source,
                                                           release, solved))
    # the honest students, graded before and after the attacks, with a module handed in
    # beside the notebook that would shadow the package if it were imported
    course = courses["one"]
    for student in ("a_honest", "z_honest"):
        folder = write_submission(course, student, copy.deepcopy(solved))
        students[student] = course
    (folder / "dlcourse.py").write_text("raise SystemExit('a module handed in beside')\n")
    config_before = {name: (c / "nbgrader_config.py").read_text() for name, c in courses.items()}

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(courses, pool.map(grade, courses.values())))

    out = Run()
    out.source, out.courses, out.results = source, courses, results
    out.grades = {}
    for name, course in courses.items():
        out.grades.update(read_grades(course, [s for s, c in students.items() if c == course]))
    # the instructor's last step: a student who handed nothing in is told apart from a 0
    with Gradebook("sqlite:///" + str(courses["one"] / "_grading" / "gradebook.db"),
                   "dlcourse") as gb:
        gb.add_student("n_absent")
    export = nbgrader(courses["one"], "export", "--to", "grades.csv")
    out.export_output = export.stdout + export.stderr
    out.grades_csv = (courses["one"] / "grades.csv").read_text()
    out.config_before = config_before
    out.package = Path(__import__("dlcourse").__file__).resolve().parent
    out.students = students
    print("\nintegrity run:", {k: f"{t:.0f} s" for k, (_, t) in results.items()})
    return out


def autograded(run, student):
    course = run.students[student]
    return nbformat.read(course / "_grading" / "autograded" / student / ASSIGNMENT /
                         f"{ASSIGNMENT}.ipynb", as_version=4)


def test_the_run_finishes_with_one_failure_reported(run):
    failed = []
    for name, (proc, _) in run.results.items():
        assert "graded" in proc.stdout and "failed" in proc.stdout, proc.stdout[-3000:]
        failed += [line for line in proc.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "k_corrupt" in failed[0], failed
    graded = set(run.grades)
    for student in run.students:
        if student != "k_corrupt":
            assert student in graded, f"{student} was not graded"


def test_honest_students_keep_full_marks_graded_before_and_after_attacks(run):
    honest = {k: v for k, v in run.grades.items() if "honest" in k}
    assert len(honest) == 2
    for who, grades in honest.items():
        for name, (score, top) in grades.items():
            if name.startswith("test"):
                assert score == top, f"{who} lost points in {name}: {score}/{top}"


def test_no_score_exceeds_its_maximum(run):
    for who, grades in run.grades.items():
        for name, (score, top) in grades.items():
            assert score is None or 0 <= score <= top, f"{who} has {score}/{top} in {name}"


def test_course_files_and_package_are_unchanged(run):
    assert not list(run.package.glob(f"{MARK}*")), "a submission wrote into the package"
    for name, course in run.courses.items():
        assert (course / "nbgrader_config.py").read_text() == run.config_before[name]


def test_no_process_outlives_its_notebook(run):
    found = subprocess.run(["pgrep", "-f", f"sleep {SLEEP}"], capture_output=True, text=True)
    assert found.stdout.strip() == "", f"processes left behind: {found.stdout}"


def test_attacks_on_files_and_gradebook_fail_inside_the_sandbox(run):
    text = json.dumps([o for c in autograded(run, "b_hostile").cells if c.cell_type == "code"
                       for o in c.outputs])
    assert "WROTE" not in text, f"a submission wrote a course file: {text[:2000]}"
    assert "no gradebook at" in text and "cannot write" in text
    # correct answers keep their marks, whatever else the notebook did; a more accurate
    # answer that warns as it works loses nothing
    for student in ("b_hostile", "e_accurate"):
        for name, (score, top) in run.grades[student].items():
            if name.startswith("test"):
                assert score == top, f"{student} should keep full marks in {name}"


def test_resource_abuse_is_limited(run):
    text = json.dumps([o for c in autograded(run, "b_hostile").cells if c.cell_type == "code"
                       for o in c.outputs])
    assert "NETWORK" not in text and "no network" in text
    assert "process limit after" in text and "no memory for that" in text
    assert "file too large" in text


def test_patched_checks_and_read_expectations_do_not_pass_wrong_answers(run):
    for name in TASK_TESTS:
        assert run.grades["f_snoop"][name][0] == 0, f"wrong answers scored in {name}"


def test_no_way_around_the_removed_references(run):
    grades = run.grades["h_delegate"]
    for name in TASK_TESTS:
        assert grades[name][0] == 0, f"reaching the reference scored in {name}"
    messages = " ".join(o.get("evalue", "") for c in autograded(run, "h_delegate").cells
                        if c.cell_type == "code" for o in c.outputs if o.output_type == "error")
    assert "scores no points here" in messages


def test_snooping_finds_nothing_and_feedback_shows_no_hidden_test(run):
    solution, hidden = secret_lines(run.source, messages=False)
    for student, course in run.students.items():
        if student == "k_corrupt":
            continue
        feedback = course / "_grading" / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert feedback.is_file(), f"no feedback for {student}"
        text = html_text(feedback)
        # a line the student wrote themselves is not a leak, even where a hidden test has it
        submitted = course / "_grading" / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        own = _norm("".join(c.source for c in nbformat.read(submitted, as_version=4).cells))
        secrets = hidden + (solution if student == "f_snoop" else [])
        if student != "f_snoop":
            secrets = [h for h in hidden if h not in "".join(solution)]
        secrets = [h for h in secrets if h not in own]
        leaked = leaks(text, secrets)
        assert not leaked, f"feedback for {student} reveals {leaked[:3]}"
    assert all(run.grades["f_snoop"][n][0] == 0 for n in TASK_TESTS)


def test_duplicated_cell_is_graded_once(run):
    nb = autograded(run, "e_accurate")
    ids = [nbg(c).get("grade_id") for c in nb.cells if nbg(c).get("grade_id")]
    assert ids.count("perceptron_step") == 1


def test_grades_export_tells_not_submitted_and_unmarked_answers_apart(run):
    import csv
    rows = {r["student_id"]: r for r in csv.DictReader(run.grades_csv.splitlines())}
    assert rows["n_absent"]["status"] == "not submitted" and rows["n_absent"]["score"] == ""
    # every written answer of the assignment waits for a person (the source's markdown
    # answer cells with points)
    written = sum(1 for c in run.source.cells if nbg(c).get("grade") and nbg(c).get("solution")
                  and c.cell_type == "markdown")
    assert written >= 7
    assert rows["a_honest"]["status"].startswith(f"waiting for {written} manual grade")
    assert "answer(s) still wait for a manual grade" in run.export_output
