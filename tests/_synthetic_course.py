"""Small generated assignments and a realistic mix of submissions, for grading load tests.

Book: how_to_use, "For instructors".

The real assignments take 4-6 s each to grade; a load test needs hundreds of submissions, so
it grades small generated assignments through the same machinery (the repository's
``nbgrader_config.py``, the sandbox, test cells run in the grader). Each assignment asks for
two functions (autograded, with hidden tests) and one written answer (graded by a person).
The submissions are a mix of the kinds a real course receives:

    complete   every function right: full marks
    partial    the first function right, the second left as released
    empty      the release as handed out: zero, graded without a crash
    wrong      the first function wrong, the second right
    erroring   the second answer cell raises when it runs (debugging left in)
    slow       right, but an answer cell sleeps first (``slow_seconds``)
    broken     not a notebook at all (truncated JSON): nbgrader fails on it, reported as such
"""

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from dlcourse.grading import run

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("complete", "partial", "empty", "wrong", "erroring", "slow", "broken")

# assignment id -> [(function, solution body, visible test, hidden test, points, wrong body)]
ASSIGNMENTS = {
    "load_sums": [
        ("add", "return a + b", "assert add(2, 3) == 5, 'add(2, 3) should be 5'",
         "assert add(-1, 1) == 0\nassert add(0.5, 0.25) == 0.75", 2, "return a - b"),
        ("mean", "return float(np.sum(x)) / len(x)",
         "assert abs(mean([1.0, 2.0, 6.0]) - 3.0) < 1e-12, 'the mean of 1, 2, 6 is 3'",
         "assert abs(mean(np.arange(10.0)) - 4.5) < 1e-12", 3, "return float(np.max(x))"),
    ],
    "load_stats": [
        ("square", "return np.asarray(x, dtype=float) ** 2",
         "assert np.allclose(square([1, 2]), [1.0, 4.0])",
         "assert np.allclose(square(np.arange(4)), [0, 1, 4, 9])", 1, "return 2 * np.asarray(x)"),
        ("variance",
         "x = np.asarray(x, dtype=float)\n    return float(np.mean((x - x.mean()) ** 2))",
         "assert abs(variance([1.0, 3.0]) - 1.0) < 1e-12",
         "assert abs(variance(np.arange(5.0)) - 2.0) < 1e-12", 4, "return float(np.std(x))"),
    ],
}
FUNCTION_CELL = "def {name}({args}):\n    ### BEGIN SOLUTION\n    {body}\n    ### END SOLUTION\n"
ARGS = {"add": "a, b"}


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook(assignment):
    """The instructor's notebook of a generated assignment (solutions, hidden tests)."""
    cells = [nbformat.v4.new_markdown_cell(f"# {assignment}\n\nA generated assignment."),
             nbformat.v4.new_code_cell("import numpy as np",
                                       metadata=_meta("setup", locked=True))]
    for name, body, visible, hidden, points, _ in ASSIGNMENTS[assignment]:
        cells.append(nbformat.v4.new_code_cell(
            FUNCTION_CELL.format(name=name, args=ARGS.get(name, "x"), body=body),
            metadata=_meta(f"answer_{name}", solution=True)))
        cells.append(nbformat.v4.new_code_cell(
            f"{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS",
            metadata=_meta(f"test_{name}", grade=True, locked=True, points=points)))
    cells.append(nbformat.v4.new_markdown_cell(
        "Why does the mean need the number of values?",
        metadata=_meta("question", locked=True)))
    cells.append(nbformat.v4.new_markdown_cell(
        "### BEGIN SOLUTION\nTo turn the sum into an average.\n### END SOLUTION",
        metadata=_meta("written", grade=True, solution=True, points=1)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def grading_env(db_url=None):
    env = run.grading_env()    # this Python's folder first on PATH, for nbgrader's alembic
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    if db_url:
        env["DLCOURSE_DB_URL"] = db_url
    else:
        env.pop("DLCOURSE_DB_URL", None)
    return env


def nbgrader(course, *args, db_url=None):
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          env=grading_env(db_url), capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def make_course(path, assignments=tuple(ASSIGNMENTS), real=()):
    """A course folder with the generated ``assignments`` and the repository's ``real`` ones,
    and the repository's nbgrader_config.py and course.yml (released with nothing graded)."""
    path = Path(path)
    for assignment in assignments:
        folder = path / "solutions" / assignment
        folder.mkdir(parents=True)
        nbformat.write(source_notebook(assignment), folder / f"{assignment}.ipynb")
    for assignment in real:
        shutil.copytree(ROOT / "solutions" / assignment, path / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", path / "nbgrader_config.py")
    shutil.copy(ROOT / "course.yml", path / "course.yml")
    return path


def register(course, assignments, db_url=None):
    """``nbgrader generate_assignment`` for each assignment, into the gradebook ``db_url``
    (SQLite in the course when None)."""
    for assignment in assignments:
        nbgrader(course, "generate_assignment", assignment, "--force", db_url=db_url)


def _answers(source):
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def _strip_markers(text):
    return "\n".join(line for line in text.split("\n")
                     if "BEGIN SOLUTION" not in line and "END SOLUTION" not in line)


def submission(kind, release, source, slow_seconds=2.0):
    """The notebook (or, for ``broken``, the text) a student of this ``kind`` hands in."""
    if kind == "broken":
        return nbformat.writes(release)[:200]
    nb = copy.deepcopy(release)
    answers = _answers(source)
    code_answers = [c for c in nb.cells if c.cell_type == "code"
                    and c.metadata.get("nbgrader", {}).get("solution")]
    filled = {"complete": len(code_answers), "slow": len(code_answers), "partial": 1,
              "wrong": len(code_answers), "erroring": len(code_answers), "empty": 0}[kind]
    for i, cell in enumerate(code_answers[:filled]):
        cell.source = _strip_markers(answers[cell.metadata["nbgrader"]["grade_id"]])
    wrong = {f"answer_{name}": bad for spec in ASSIGNMENTS.values()
             for name, _, _, _, _, bad in spec}
    if kind == "wrong" and code_answers:
        first = code_answers[0]
        name = first.metadata["nbgrader"]["grade_id"]
        if name in wrong:
            header = first.source.split("\n", 1)[0]
            first.source = f"{header}\n    {wrong[name]}\n"
    if kind == "erroring" and len(code_answers) > 1:
        code_answers[1].source = 'raise RuntimeError("debugging left in")\n' + \
            code_answers[1].source
    if kind == "slow" and code_answers:
        code_answers[0].source = f"import time\ntime.sleep({slow_seconds})\n" + \
            code_answers[0].source
    if kind != "empty":
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = "So that the result does not grow with the number of values."
    return nb


def expected_score(kind, assignment):
    """Autograded points a submission of ``kind`` earns on a generated assignment."""
    points = [spec[4] for spec in ASSIGNMENTS[assignment]]
    return {"complete": sum(points), "slow": sum(points), "partial": points[0], "empty": 0,
            "wrong": points[1], "erroring": points[0], "broken": None}[kind]


def write_submissions(course, plan, slow_seconds=2.0):
    """Write ``plan`` (list of (student, assignment, kind)) into the course's submitted/."""
    course = Path(course)
    cache = {}
    for student, assignment, kind in plan:
        if assignment not in cache:
            cache[assignment] = (
                nbformat.read(course / "exercises" / assignment / f"{assignment}.ipynb", 4),
                nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", 4))
        release, source = cache[assignment]
        folder = course / "_grading" / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nb = submission(kind, release, source, slow_seconds)
        target = folder / f"{assignment}.ipynb"
        if isinstance(nb, str):
            target.write_text(nb)
        else:
            nbformat.write(nb, target)
        # nbgrader reads the hand-in time from here (a collected submission has one)
        (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC")


# --- reading a gradebook back ------------------------------------------------------------------

def read_grades(db_url, pairs):
    """``{(student, assignment, cell): (auto_score, max_score, needs_manual_grade)}`` for every
    (student, assignment) in ``pairs`` that has a submission in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry
    out = {}
    with Gradebook(db_url, "dlcourse") as gb:
        for student, assignment in pairs:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    out[(student, assignment, grade.name)] = (
                        grade.auto_score, grade.max_score, grade.needs_manual_grade)
    return out


ROW_COUNTS = """
SELECT a.name, sa.student_id, COUNT(DISTINCT sa.id), COUNT(DISTINCT sn.id), COUNT(g.id),
       (SELECT COUNT(*) FROM grade_cells gc JOIN base_cell bc ON bc.id = gc.id
         JOIN notebook n ON n.id = bc.notebook_id WHERE n.assignment_id = a.id)
FROM submitted_assignment sa
JOIN assignment a ON a.id = sa.assignment_id
LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id
LEFT JOIN grade g ON g.notebook_id = sn.id
GROUP BY a.id, a.name, sa.student_id
"""


def row_counts(db_url):
    """``{(student, assignment): (submission rows, notebook rows, grade rows, grade cells)}``,
    counted in SQL: a submission graded once has (1, 1, n, n)."""
    import sqlalchemy
    engine = sqlalchemy.create_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sqlalchemy.text(ROW_COUNTS)).all()
    finally:
        engine.dispose()
    return {(student, name): tuple(counts) for name, student, *counts in rows}
