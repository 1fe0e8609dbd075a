"""``make grades``: the gradebook as CSV, telling "not submitted" apart from "scored 0".

Book: how_to_use, "How grading works".

nbgrader's own CSV export writes a score of 0 for a student who handed nothing in and counts a
written answer that no one has graded yet as 0 points, so a perfect submission shows 25/36
until the marking is done. This exporter writes one row per (assignment, student) with a
``status`` column (``not submitted``, ``waiting for N manual grade(s)``, ``graded``), leaves
the score empty where nothing was submitted, and ends with a line that says how many answers
still wait for a person.
"""

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin

__all__ = ["GradesExport"]

COLUMNS = ["assignment", "student_id", "status", "timestamp", "raw_score",
           "late_submission_penalty", "score", "max_score", "needs_manual_grade"]


class GradesExport(ExportPlugin):
    """nbgrader export plugin (``c.ExportApp.plugin_class`` in ``nbgrader_config.py``)."""

    def export(self, gradebook):
        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        waiting = missing = 0
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, COLUMNS)
            writer.writeheader()
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {"assignment": assignment.name, "student_id": student.id,
                           "max_score": assignment.max_score}
                    try:
                        submission = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(status="not submitted", timestamp="", raw_score="",
                                   late_submission_penalty="", score="",
                                   needs_manual_grade=0)
                        missing += 1
                    else:
                        pending = sum(1 for nb in submission.notebooks for g in nb.grades
                                      if g.needs_manual_grade)
                        waiting += pending
                        penalty = submission.late_submission_penalty or 0.0
                        row.update(
                            status=(f"waiting for {pending} manual grade(s)" if pending
                                    else "graded"),
                            timestamp=submission.timestamp or "",
                            raw_score=submission.score,
                            late_submission_penalty=penalty,
                            score=max(0.0, submission.score - penalty),
                            needs_manual_grade=pending)
                    writer.writerow(row)
        message = (f"wrote {dest}: {waiting} answer(s) still wait for a manual grade, "
                   f"{missing} assignment(s) not submitted")
        self.log.info(message)
        print(message)
