"""nbgrader configuration of the dlcourse assignments (nbgrader 0.9.6).

Run every nbgrader command from the repository root (the Makefile does):

    solutions/<id>/<id>.ipynb             the instructor's source (solutions, hidden tests)
    exercises/<id>/                       the student version, generated and committed
    _grading/submitted/<student>/<id>/    what students hand in
    _grading/autograded/, _grading/feedback/, _grading/gradebook.db, _grading/grades.csv

The gradebook is _grading/gradebook.db (SQLite) unless DLCOURSE_DB_URL or `grading: db_url:`
in course.yml names a database server (dlcourse.grading.gradebook).

Paths are absolute, computed from this file, so a copy of the course elsewhere (the tests
grade in a temporary copy) is a complete course of its own.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput,
                                    GetGrades, IgnorePattern, LimitOutput, OverwriteKernelspec,
                                    SaveAutoGrades)

from dlcourse.grading.feedback import HideHiddenTests
from dlcourse.grading.gradebook import gradebook_url
from dlcourse.grading.offline import OfflineFeedback
from dlcourse.grading.trusted import DropDuplicateIds, RestoreCells, TrustedExecute

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
c.CourseDirectory.db_url = gradebook_url(ROOT)

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

# Autograding (dlcourse.grading.trusted): answer cells run in the submission's kernel, started
# in a Bubblewrap sandbox (dlcourse.grading.sandbox); test cells run here, in the grader, from
# the source in solutions/, and reach the learner's code only through data. A copied cell
# (a duplicated grade id) keeps its last copy instead of failing the whole run.
# RestoreCells is OverwriteCells without its false "checksum changed" warnings (it compared
# the released test cells with their source, hidden tests included).
c.Autograde.sanitize_preprocessors = [ClearOutput, DropDuplicateIds, OverwriteKernelspec,
                                      RestoreCells, CheckCellMetadata]
c.Autograde.autograde_preprocessors = [TrustedExecute, IgnorePattern, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, AssignLatePenalties,
                                       CheckCellMetadata]
# (TrustedExecute is an Execute: the timeouts above apply to it)

# `nbgrader validate` cuts each message at this many characters (90 by default, which hid
# the useful end: "got -0.65, expected -0.35").
c.Validator.width = 1000

# `make grades`: "not submitted" and "waiting for a manual grade" are told apart from a 0.
c.ExportApp.plugin_class = "dlcourse.grading.export.GradesExport"

# Feedback shows scores and visible tests, never the hidden tests (nbgrader would show them).
# It is read offline: math is drawn as MathML (no CDN), and links to the book go to the
# published book (`html: baseurl` in _config.yml) or name the page when there is none.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, OfflineFeedback,
                                    CSSHTMLHeaderPreprocessor]


def _book_url():
    try:
        import yaml
        with open(os.path.join(ROOT, "_config.yml"), encoding="utf-8") as f:
            return ((yaml.safe_load(f) or {}).get("html") or {}).get("baseurl") or ""
    except (OSError, ImportError):
        return ""


c.OfflineFeedback.book_url = _book_url()
# The formgrader renders each submission with an HTMLExporter built from this configuration:
# the same MathML there, so an instructor grading offline reads the math too.
c.HTMLExporter.preprocessors = [OfflineFeedback]
