"""Every assignment in solutions/ against the whole grading loop of nbgrader.

For each assignment the module fixture builds a temporary copy of the course (never touching
the repository), generates the student version, grades a set of submissions and writes their
feedback:

    solution   the source's answers filled into the student version: full marks
    stub       the student version as released: zero, without crashing the grader
    loop       a solution whose last function never returns: that test times out and scores 0
    toplevel   a failing extra import, and a cell that raises before defining its function
    tamper     the stub with every test cell replaced by `pass` and one test cell deleted
    delegate   a solution whose implementations only call dlcourse (where one is written)
    mistakes   a solution with bugs that only the hidden tests catch (where one is written)

The submissions are graded in two course copies: the slow one (the infinite loop, which
mostly waits out a short cell timeout, and the stub) in the background, four assignments at a
time from the start of the module, and the quick one (every other submission) when an
assignment's tests come, while nbgrader's Validator checks the student version in this process.
The module takes about half a minute per assignment on two cores.
"""

import copy
import importlib.util

import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.validator import Validator  # noqa: E402
from traitlets.config import Config  # noqa: E402

from dlcourse.grading.leaks import html_text, leaks, notebook_text, secret_lines  # noqa: E402
from dlcourse.grading.run import grading_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").glob("[0-9][0-9]_*")
                     if (p / f"{p.name}.ipynb").is_file())
COURSE_ID = "dlcourse"
# seconds per cell in the course that grades the infinite loop; a test cell's calls into the
# notebook (about 15 ms each) share it, so it leaves room for the longest hidden test
LOOP_TIMEOUT = 30
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")

# Per-assignment data (delegating submissions, plausible mistakes): tests/assignments/<id>.py.
DATA_DIR = Path(__file__).resolve().parent / "assignments"


def assignment_data(assignment):
    """DELEGATIONS, MISTAKES and DELEGATED_TESTS of one assignment, from its data module."""
    path = DATA_DIR / f"{assignment}.py"
    if not path.is_file():
        pytest.fail(f"{path} is missing: every assignment needs submissions that delegate to "
                    "the reference (DELEGATIONS) and plausible mistakes (MISTAKES)")
    spec = importlib.util.spec_from_file_location(f"assignment_data_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- notebooks ---------------------------------------------------------------------------------

def nbg(cell):
    return cell.metadata.get("nbgrader", {})


def is_test(cell):
    return nbg(cell).get("grade") and not nbg(cell).get("solution") and cell.cell_type == "code"


def without_markers(source):
    return "\n".join(line for line in source.split("\n")
                     if not any(marker in line for marker in MARKERS[:2]))


def filled(release, source):
    """The student version with the source's answers in every solution cell."""
    answers = {nbg(c)["grade_id"]: c.source for c in source.cells if nbg(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if nbg(cell).get("solution"):
            cell.source = without_markers(answers[nbg(cell)["grade_id"]])
    return nb


def last_function_cell(source):
    """grade_id of the last solution cell that defines a function with a solution region."""
    ids = [nbg(c)["grade_id"] for c in source.cells
           if nbg(c).get("solution") and c.cell_type == "code" and "def " in c.source
           and "BEGIN SOLUTION" in c.source]
    assert ids, "the assignment has no function to implement"
    return ids[-1]


def with_infinite_loop(source_text):
    """The cell with its last solution region replaced by a loop that never ends."""
    lines = source_text.split("\n")
    begin = max(i for i, line in enumerate(lines) if "BEGIN SOLUTION" in line)
    end = next(i for i in range(begin, len(lines)) if "END SOLUTION" in lines[i])
    indent = re.match(r"\s*", lines[begin]).group(0)
    # it waits rather than spins: the grader interrupts both alike (a timeout, then SIGINT), and
    # eighteen assignments' loops spinning for LOOP_TIMEOUT each took minutes of CPU from the
    # rest of the test run
    loop = [f"{indent}import time", f"{indent}while True:  # waits for a condition that never comes",
            f"{indent}    time.sleep(0.05)"]
    return without_markers("\n".join(lines[:begin] + loop + lines[end + 1:]))


def submissions(data, source, release):
    """Every submission to grade: student id -> notebook."""
    solved = filled(release, source)
    target = last_function_cell(source)
    by_id = {nbg(c)["grade_id"]: c for c in source.cells if nbg(c)}

    loop = copy.deepcopy(solved)
    for cell in loop.cells:
        if nbg(cell).get("grade_id") == target:
            cell.source = with_infinite_loop(by_id[target].source)

    toplevel = copy.deepcopy(solved)
    toplevel.cells.insert(1, nbformat.v4.new_code_cell("import a_module_that_does_not_exist"))
    for cell in toplevel.cells:
        if nbg(cell).get("grade_id") == target:
            cell.source = 'raise RuntimeError("debugging left in")\n' + cell.source

    tamper = copy.deepcopy(release)
    tests = [c for c in tamper.cells if is_test(c)]
    for cell in tests:
        cell.source = "pass"
    for cell in tamper.cells:
        if nbg(cell).get("locked") and not nbg(cell).get("grade") and cell.cell_type == "code":
            cell.source = "pass"                                 # a read-only cell, edited
    tamper.cells.remove(tests[-1])

    subs = {"solution": solved, "stub": copy.deepcopy(release), "loop": loop,
            "toplevel": toplevel, "tamper": tamper}
    for name, replacements in (("delegate", data.DELEGATIONS),
                               ("mistakes", data.MISTAKES.get("cells"))):
        if replacements:
            subs[name] = copy.deepcopy(solved)
            for cell in subs[name].cells:
                code = replacements.get(nbg(cell).get("grade_id"))
                if code is not None:
                    cell.source = code.strip("\n")
    return subs


# --- running nbgrader --------------------------------------------------------------------------

def _env():
    # nbgrader runs the `alembic` executable installed beside this Python: the package's
    # grading environment puts that folder on PATH even when the environment is not activated
    env = grading_env()
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


def nbgrader(course, *args):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(),
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


def make_course(path, assignment, timeout=None):
    """A course directory with this assignment's source and the repository's config."""
    shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    (path / "nbgrader_config.py").write_text(config_text(timeout))
    shutil.copy(ROOT / "course.yml", path / "course.yml")    # the grading settings
    return path


def config_text(timeout=None):
    """The repository's config (its paths follow the file), with another cell timeout."""
    config = (ROOT / "nbgrader_config.py").read_text()
    if timeout is not None:
        config += f"\nc.Execute.timeout = {timeout}\n"
    return config


def read_grades(course, assignment, students):
    db_url = "sqlite:///" + str(course / "_grading" / "gradebook.db")
    grades = {}
    with Gradebook(db_url, COURSE_ID) as gb:
        for student in students:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            grades[student] = {g.name: {"auto": g.auto_score, "max": g.max_score,
                                        "type": g.cell_type, "manual": g.needs_manual_grade}
                               for g in nb.grades}
    return grades


class Graded:
    """Everything the tests look at, for one assignment."""


class Prepared:
    """One assignment's course copies with their submissions, ready to grade."""

    def __init__(self, assignment, base):
        self.assignment, self.data = assignment, assignment_data(assignment)
        self.timings = {}
        start = time.perf_counter()
        main = make_course(base / "main", assignment)
        nbgrader(main, "generate_assignment", assignment)
        self.timings["generate_assignment"] = time.perf_counter() - start
        self.source_path = main / "solutions" / assignment / f"{assignment}.ipynb"
        self.release_dir = main / "exercises" / assignment
        self.source = nbformat.read(self.source_path, as_version=4)
        self.release = nbformat.read(self.release_dir / f"{assignment}.ipynb", as_version=4)
        self.subs = submissions(self.data, self.source, self.release)
        self.groups = {"quick": [s for s in self.subs if s not in ("loop", "stub")],
                       "slow": ["loop", "stub"]}
        self.courses = {}
        for name, students in self.groups.items():
            course = base / name
            shutil.copytree(main, course)
            if name == "slow":
                (course / "nbgrader_config.py").write_text(config_text(LOOP_TIMEOUT))
            for student in students:
                target = course / "_grading" / "submitted" / student / assignment
                target.mkdir(parents=True)
                nbformat.write(self.subs[student], target / f"{assignment}.ipynb")
            self.courses[name] = course

    def grade(self, name):
        """Autograde and write feedback in one course copy: (autograde s, feedback s)."""
        t0 = time.perf_counter()
        nbgrader(self.courses[name], "autograde", self.assignment)
        t1 = time.perf_counter()
        nbgrader(self.courses[name], "generate_feedback", self.assignment)
        return t1 - t0, time.perf_counter() - t1


def _prepare_and_grade_slow(assignment, base, ready):
    try:
        prepared = Prepared(assignment, base)
    except BaseException as exc:
        ready.set_exception(exc)
        raise
    ready.set_result(prepared)
    return prepared.grade("slow")


class _SlowGroups:
    """The slow course copy of every selected assignment (the infinite loop, which mostly waits
    out LOOP_TIMEOUT, and the stub), graded in the background four at a time from the first
    assignment on: the tests of one assignment then wait for its quick copy alone, and the
    cores do not sit idle through the loops' timeouts."""

    def __init__(self, assignments, tmp_path_factory):
        self.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="slow-grading")
        self.ready = {a: Future() for a in assignments}         # set once a's copies exist
        self.graded = {a: self.pool.submit(_prepare_and_grade_slow, a,
                                           tmp_path_factory.mktemp(a), self.ready[a])
                       for a in assignments}


_slow_groups = None


def _selected_assignments(session):
    """The assignments whose `graded` fixture the selected tests need, in run order."""
    out = []
    for item in session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "graded" in item.fixturenames:
            assignment = callspec.params.get("graded")
            if assignment is not None and assignment not in out:
                out.append(assignment)
    return out


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    global _slow_groups
    assignment = request.param
    if _slow_groups is None:
        _slow_groups = _SlowGroups(_selected_assignments(request.session) or [assignment],
                                   tmp_path_factory)
        request.session.config.add_cleanup(
            lambda: _slow_groups.pool.shutdown(wait=True, cancel_futures=True))
    out = Graded()
    start = time.perf_counter()
    # the course copies exist (generated, submissions written) before the slow one is graded
    prep = _slow_groups.ready[assignment].result()
    timings = dict(prep.timings)
    with ThreadPoolExecutor(max_workers=1) as pool:
        quick = pool.submit(prep.grade, "quick")
        # meanwhile, nbgrader's own validator on the student version, as a student's Validate
        # button runs it (the source's own validation is the solution's grading with its
        # hidden tests, in the sandbox: test_solution_scores_full_marks...)
        config = Config()
        config.Execute.timeout = 120
        t0 = time.perf_counter()
        out.validate_stub = Validator(config=config, invert=True).validate(
            str(prep.release_dir / f"{assignment}.ipynb"))
        timings["validator (stub)"] = time.perf_counter() - t0
        timings["autograde quick"], timings["feedback quick"] = quick.result()
    timings["autograde slow"], timings["feedback slow"] = \
        _slow_groups.graded[assignment].result()
    timings["waited for grading"] = time.perf_counter() - start

    out.assignment, out.base, out.source, out.release, out.release_dir, out.data = \
        assignment, prep.courses["quick"].parent, prep.source, prep.release, \
        prep.release_dir, prep.data
    out.students = list(prep.subs)
    out.submissions = prep.subs
    out.grades, out.autograded, out.feedback = {}, {}, {}
    for name, course in prep.courses.items():
        out.grades.update(read_grades(course, assignment, prep.groups[name]))
        for student in prep.groups[name]:
            out.autograded[student] = nbformat.read(
                course / "_grading" / "autograded" / student / assignment / f"{assignment}.ipynb",
                as_version=4)
            out.feedback[student] = \
                course / "_grading" / "feedback" / student / assignment / f"{assignment}.html"
    out.timings = timings
    out.loop_target = last_function_cell(prep.source)
    print(f"\n{assignment} grading timings (s):",
          ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return out


def code_tests(graded):
    """grade_ids of the autograded test cells, in notebook order."""
    return [nbg(c)["grade_id"] for c in graded.source.cells if is_test(c)]


def split_tests_at(graded, grade_id):
    ids = [nbg(c).get("grade_id") for c in graded.source.cells]
    position = ids.index(grade_id)
    before = [g for g in code_tests(graded) if ids.index(g) < position]
    after = [g for g in code_tests(graded) if ids.index(g) > position]
    return before, after


def full(grade):
    return grade["auto"] is not None and grade["auto"] == grade["max"]


# --- the tests ---------------------------------------------------------------------------------

def test_committed_exercises_are_exactly_what_nbgrader_generates(graded):
    committed = ROOT / "exercises" / graded.assignment
    assert committed.is_dir(), f"exercises/{graded.assignment} is missing: run `make assignments`"
    files = sorted(p.relative_to(graded.release_dir) for p in graded.release_dir.rglob("*")
                   if p.is_file())
    in_repo = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert in_repo == files, "exercises/ holds other files than nbgrader generates"
    for name in files:
        assert (committed / name).read_bytes() == (graded.release_dir / name).read_bytes(), (
            f"exercises/{graded.assignment}/{name} differs from a fresh generate_assignment: "
            "run `make assignments` and commit the result")


def test_solution_scores_full_marks_and_written_answers_wait_for_a_person(graded):
    grades = graded.grades["solution"]
    tests = code_tests(graded)
    assert tests, "the assignment has no autograded tests"
    assert set(tests) <= set(grades)
    not_full = {g: grades[g] for g in tests if not full(grades[g])}
    assert not not_full, f"the solution loses points in {not_full}"
    for name, grade in grades.items():
        if grade["type"] == "markdown":
            assert grade["auto"] is None and grade["manual"], f"{name} should await manual grading"
    # a student who answered everything reads no error in their graded notebook (a cell of the
    # assignment that needs a reference the sandbox removed would show one)
    errors = [f"{nbg(c).get('grade_id') or i}: {o.ename}: {o.evalue[:200]}"
              for i, c in enumerate(graded.autograded["solution"].cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, "the solution's graded notebook shows errors:\n" + "\n".join(errors)
    # nbgrader reads a value displayed by a test cell as partial credit: tests display none
    for cell in graded.autograded["solution"].cells:
        if is_test(cell):
            shown = [o for o in cell.outputs if o.output_type == "execute_result"]
            assert not shown, f"{nbg(cell)['grade_id']} displays {shown[0].data}"


def test_stub_scores_zero_without_crashing_the_grader(graded):
    grades = graded.grades["stub"]
    for name in code_tests(graded):
        assert grades[name]["auto"] == 0, f"the unanswered exercise scores in {name}"
    for name, grade in grades.items():
        if grade["type"] == "markdown":
            assert grade["auto"] == 0, f"an unanswered written question {name} scores"
    assert graded.feedback["stub"].is_file()


def test_an_infinite_loop_is_interrupted_and_only_its_test_scores_zero(graded):
    grades = graded.grades["loop"]
    before, after = split_tests_at(graded, graded.loop_target)
    assert after, "no test follows the looping function"
    assert grades[after[0]]["auto"] == 0
    for name in before:
        assert full(grades[name]), f"{name} lost points although it does not call the loop"
    cells = {nbg(c).get("grade_id"): c for c in graded.autograded["loop"].cells}
    outputs = [o for o in cells[after[0]].outputs if o.output_type == "error"]
    assert outputs and outputs[0].ename in ("KeyboardInterrupt", "CellTimeoutError",
                                            "TimeoutError"), \
        f"expected the test to be interrupted, got {[o.get('ename') for o in outputs]}"
    assert all(grades[name]["auto"] is not None for name in code_tests(graded))


def test_errors_at_top_level_cost_only_what_they_break(graded):
    grades = graded.grades["toplevel"]
    before, after = split_tests_at(graded, graded.loop_target)
    for name in before:
        assert full(grades[name]), f"{name} lost points because of an unrelated failing cell"
    assert grades[after[0]]["auto"] == 0, "a function that was never defined cannot pass"
    errors = [o.ename for c in graded.autograded["toplevel"].cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert "ModuleNotFoundError" in errors and "RuntimeError" in errors


def test_edited_and_deleted_test_cells_do_not_help(graded):
    grades = graded.grades["tamper"]
    tests = code_tests(graded)
    for name in tests[:-1]:
        assert grades[name]["auto"] == 0, f"replacing {name} by `pass` earned points"
    deleted = grades[tests[-1]]
    assert not deleted["auto"] and deleted["manual"], \
        "a deleted test cell should score nothing and be flagged for the instructor"
    # every surviving locked cell is back to its source version, hidden tests included
    original = {nbg(c)["grade_id"]: c.source for c in graded.source.cells
                if nbg(c).get("locked") and c.cell_type == "code"}
    for cell in graded.autograded["tamper"].cells:
        grade_id = nbg(cell).get("grade_id")
        if grade_id in original:
            assert cell.source == original[grade_id], f"{grade_id} was not restored"


def test_calling_the_reference_scores_nothing(graded):
    assert graded.data.DELEGATIONS, f"no delegating submission written for {graded.assignment}"
    grades = graded.grades["delegate"]
    for name in graded.data.DELEGATED_TESTS or code_tests(graded):
        assert grades[name]["auto"] == 0, f"delegating to dlcourse scored in {name}"
    messages = [o.evalue for c in graded.autograded["delegate"].cells if c.cell_type == "code"
                for o in c.outputs if o.output_type == "error"]
    assert any("scores no points here" in m for m in messages)


def test_hidden_tests_catch_mistakes_the_visible_ones_miss(graded):
    assert graded.data.MISTAKES, f"no submission with mistakes written for {graded.assignment}"
    expected, grades = graded.data.MISTAKES, graded.grades["mistakes"]
    for name in expected["full"]:
        assert full(grades[name]), f"{name} should pass despite the mistakes"
    for name in expected["zero"]:
        assert grades[name]["auto"] == 0, f"{name} should catch the mistake"
    feedback = html_text(graded.feedback["mistakes"])
    for message in expected["messages"]:
        assert message in feedback, f"the feedback does not explain the failure: {message!r}"


def test_exercises_contain_no_solution_and_no_hidden_test(graded):
    solution, hidden = secret_lines(graded.source)
    assert solution and hidden, "found no solution or hidden-test lines to look for"
    for path in (ROOT / "exercises" / graded.assignment).rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in raw, f"{path.name} contains the marker {marker!r}"
        text = notebook_text(nbformat.reads(raw, as_version=4)) if path.suffix == ".ipynb" \
            else raw
        leaked = leaks(text, solution + hidden)
        assert not leaked, f"{path.name} reveals {len(leaked)} secret line(s), e.g. {leaked[:3]}"


def test_feedback_shows_scores_but_no_hidden_test_and_no_solution(graded):
    # a failing hidden check's message is meant to be read, even where it repeats the test
    solution, hidden = secret_lines(graded.source, messages=False)
    for student, path in graded.feedback.items():
        text = html_text(path)
        assert "Score" in text or "score" in text
        if student not in ("stub", "tamper"):
            # these students' own answers are the solutions: look for the hidden lines that
            # do not also occur in a solution (a hidden test may recompute an answer)
            secrets = [h for h in hidden if h not in "".join(solution)]
        else:
            secrets = hidden + solution
        leaked = leaks(text, secrets)
        assert not leaked, f"feedback for {student} reveals {leaked[:3]}"
        for marker in MARKERS[2:]:
            assert marker not in text, f"feedback for {student} contains {marker!r}"


def test_feedback_draws_math_without_a_network_and_has_no_broken_book_link(graded):
    html = Path(graded.feedback["stub"]).read_text(encoding="utf-8")
    markdown = "".join(c.source for c in graded.source.cells if c.cell_type == "markdown")
    if "$" in markdown:
        assert "<math" in html, "feedback should draw the notebook's math as MathML"
    assert "../book/" not in html, "a relative link to the book does not resolve from feedback"


def test_validator_fails_every_test_of_the_stub(graded):
    assert "changed" not in graded.validate_stub and "type_changed" not in graded.validate_stub
    assert "passed" not in graded.validate_stub, \
        f"test cells pass on the stub: {graded.validate_stub.get('passed')}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_visible_assert_says_what_it_expected(assignment):
    """A student sees the visible part of a test cell; a bare `assert` fails with an empty
    `AssertionError:` (the check_* helpers and an assert's message say what was expected)."""
    import ast
    source = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    bare = []
    for cell in source.cells:
        if not is_test(cell):
            continue
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        visible = "\n".join(line for line in visible.split("\n")
                            if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(visible)):
            if isinstance(node, ast.Assert) and node.msg is None:
                bare.append(f"{nbg(cell)['grade_id']}: {ast.unparse(node)[:80]}")
    assert not bare, "visible asserts without a message:\n" + "\n".join(bare)
