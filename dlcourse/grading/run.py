"""Grade every submission, one at a time, so that one broken submission stops nobody else.

Book: how_to_use, "For instructors".

``nbgrader autograde "*"`` grades all students in one process, and an exception raised for one
notebook (a corrupt file, a metadata error) can end the run for everyone after it. Here each
(student, assignment) is its own ``nbgrader autograde`` process with a time limit; a failure is
reported for that submission and the run goes on. The run ends with a summary: graded, failed
(and why), skipped because unchanged since the last grading (``--force`` regrades them),
written answers still waiting for a person, and answers flagged by the similarity check.

Usage (from the course root; ``make autograde`` runs it)::

    python -m dlcourse.grading autograde [ASSIGNMENT ...] [--student ID] [--force]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["autograde", "main"]


def _timestamp(folder):
    path = Path(folder) / "timestamp.txt"
    return path.read_text(encoding="utf-8", errors="replace").strip() if path.is_file() else None


def submissions(root, assignments=(), students=()):
    """(student, assignment) pairs found under ``_grading/submitted/``, sorted."""
    submitted = Path(root) / "_grading" / "submitted"
    found = []
    for folder in sorted(submitted.glob("*/*")):
        if not folder.is_dir():
            continue
        student, assignment = folder.parent.name, folder.name
        if assignments and assignment not in assignments:
            continue
        if students and student not in students:
            continue
        found.append((student, assignment))
    return found


def _unchanged(root, student, assignment):
    """Graded before, and the submission's timestamp has not changed since (nbgrader's rule)."""
    graded = Path(root) / "_grading" / "autograded" / student / assignment
    if not graded.is_dir():
        return False
    old, new = _timestamp(graded), _timestamp(Path(root) / "_grading" / "submitted" / student /
                                                assignment)
    return old == new


def _reason(output):
    """The most useful line of a failed nbgrader run."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for key in ("ValidationError", "Error:", "error", "Error"):
        for line in reversed(lines):
            if key in line and "Please see the" not in line:
                return line[-300:]
    return lines[-1][-300:] if lines else "no output"


def autograde(root=".", assignments=(), students=(), force=False, timeout=3600, echo=print):
    """Grade each submission in its own nbgrader process; returns the summary dict."""
    root = Path(root).resolve()
    summary = {"graded": [], "failed": [], "skipped": [], "flagged": []}
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    todo = submissions(root, assignments, students)
    if not todo:
        echo("nothing to grade: put submissions in _grading/submitted/<student>/<assignment>/")
        return summary
    for n, (student, assignment) in enumerate(todo, 1):
        label = f"[{n}/{len(todo)}] {student} / {assignment}"
        if not force and _unchanged(root, student, assignment):
            summary["skipped"].append((student, assignment))
            echo(f"{label}: skipped (unchanged since it was graded; --force or FORCE=1 "
                 "regrades it)")
            continue
        start = time.monotonic()
        cmd = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student]
        if force:
            cmd.append("--force")
        try:
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                                  timeout=timeout)
            output, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if isinstance(
                exc.stdout, bytes) else (exc.stdout or "")
            output += f"\ngrading took longer than {timeout} s and was stopped"
            code = -1
        seconds = time.monotonic() - start
        graded = (root / "_grading" / "autograded" / student / assignment).is_dir()
        if code == 0 and graded and "There was an error processing" not in output:
            summary["graded"].append((student, assignment))
            echo(f"{label}: graded in {seconds:.0f} s")
            flags = _similarity(root, student, assignment)
            for flag in flags:
                summary["flagged"].append((student, assignment, flag))
                echo(f"    flagged for a person: {flag}")
        else:
            reason = _reason(output)
            summary["failed"].append((student, assignment, reason))
            echo(f"{label}: FAILED after {seconds:.0f} s: {reason}")
            log = root / "_grading" / "logs" / f"{student}-{assignment}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(output, encoding="utf-8")
            echo(f"    full log: {log.relative_to(root)}")
    summary["manual"] = _needing_manual_grades(root, todo)
    _print_summary(summary, echo)
    return summary


def _similarity(root, student, assignment):
    from .similarity import flags_for_submission
    try:
        return flags_for_submission(root, student, assignment)
    except Exception as exc:  # noqa: BLE001 - the check advises; it never stops grading
        return [f"the similarity check could not run ({type(exc).__name__}: {exc})"]


def _needing_manual_grades(root, todo):
    from nbgrader.api import Gradebook, MissingEntry
    db = root / "_grading" / "gradebook.db"
    if not db.is_file():
        return 0
    count = 0
    with Gradebook(f"sqlite:///{db}", "dlcourse") as gb:
        for student, assignment in todo:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            count += sum(1 for nb in submission.notebooks for g in nb.grades
                         if g.needs_manual_grade)
    return count


def _print_summary(summary, echo):
    echo("")
    echo(f"graded {len(summary['graded'])}, failed {len(summary['failed'])}, "
         f"skipped {len(summary['skipped'])} (unchanged), "
         f"{summary.get('manual', 0)} answer(s) waiting for a manual grade, "
         f"{len(summary['flagged'])} flag(s) for a person")
    for student, assignment, reason in summary["failed"]:
        echo(f"  failed: {student} / {assignment}: {reason}")
    if summary.get("manual"):
        echo("  grade the written answers before `make feedback` and `make grades` "
             "(formgrader: .venv/bin/jupyter lab, then the Nbgrader menu)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dlcourse.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("autograde", help="grade every submission, one at a time")
    grade.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    grade.add_argument("--student", action="append", default=[], help="only this student")
    grade.add_argument("--force", action="store_true", help="regrade unchanged submissions")
    grade.add_argument("--timeout", type=float, default=3600,
                       help="seconds one submission may take in all (default 3600)")
    marking = sub.add_parser("marking", help="write the marking sheets of the written answers")
    marking.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    args = parser.parse_args(argv)
    if args.command == "marking":
        from .marking import write_marking_sheets
        for path in write_marking_sheets(".", args.assignments):
            print(f"wrote {path}")
        return 0
    summary = autograde(".", args.assignments, args.student, args.force, args.timeout)
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
