"""nbgrader configuration of the dlcourse assignments (nbgrader 0.9.6).

Run every nbgrader command from the repository root (the Makefile does):

    solutions/<id>/<id>.ipynb             the instructor's source (solutions, hidden tests)
    exercises/<id>/                       the student version, generated and committed
    _grading/submitted/<student>/<id>/    what students hand in
    _grading/autograded/, _grading/feedback/, _grading/gradebook.db, _grading/grades.csv

Paths are absolute, computed from this file, so a copy of the course elsewhere (the tests
grade in a temporary copy) is a complete course of its own.
"""

import os

from nbgrader.preprocessors import GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

from dlcourse.grading.feedback import HideHiddenTests

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

ROOT = os.path.dirname(os.path.abspath(__file__))
GRADING = os.path.join(ROOT, "_grading")
os.makedirs(GRADING, exist_ok=True)      # SQLite creates the database, not its folder

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = "dlcourse"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = os.path.join("_grading", "submitted")
c.CourseDirectory.autograded_directory = os.path.join("_grading", "autograded")
c.CourseDirectory.feedback_directory = os.path.join("_grading", "feedback")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(GRADING, "gradebook.db")

# Only the notebook and the data it reads go into exercises/: no editor, cache or build files.
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store", "*.nbi", "*.nbc",
    ".jupyter_cache", "*.bak", "*~",
]

# Each cell gets this long; a student's infinite loop is interrupted and scores 0 for its
# test, and grading goes on with the next cell. Every cell of a solution runs in seconds.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# after a cell finishes, wait this long for its last output; nbclient's 4 s default was seen to
# fail a correct setup cell on a loaded 2-core machine
c.Execute.iopub_timeout = 30

# Feedback shows scores and visible tests, never the hidden tests (nbgrader would show them).
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
