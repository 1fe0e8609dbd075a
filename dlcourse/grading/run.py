"""Grade every submission, one at a time, so that one broken submission stops nobody else.

Book: how_to_use, "For instructors".

``nbgrader autograde "*"`` grades all students in one process, and an exception raised for one
notebook (a corrupt file, a metadata error) can end the run for everyone after it. Here each
(student, assignment) is its own ``nbgrader autograde`` process with a time limit; a failure is
reported for that submission and the run goes on. The run ends with a summary: graded, failed
(and why), skipped because unchanged since the last grading (``--force`` regrades them),
written answers still waiting for a person, and answers flagged by the similarity check.

With ``--jobs N`` (N > 1) or ``--scheduler ADDRESS`` the same per-submission processes run as
tasks on a Dask cluster (:mod:`dlcourse.grading.parallel`), which needs the gradebook on a
database server (:mod:`dlcourse.grading.gradebook`).

A grading that starts and never finishes (its process killed, timed out, the machine stopped)
must not count as graded: while a submission is graded its lock file
``_grading/locks/<student>/<assignment>.lock`` says so and is held by the grading processes;
it is emptied when the grading ends. A submission whose lock still says "grading" was cut
short: its partial ``_grading/autograded/`` copy is removed and it is graded again.

Usage (from the course root; ``make autograde`` runs it)::

    python -m dlcourse.grading autograde [ASSIGNMENT ...] [--student ID] [--force]
                                         [--jobs N] [--scheduler ADDRESS]
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .gradebook import GradebookError, gradebook_url, is_sqlite, require_server

try:
    import fcntl
except ImportError:             # Windows has no fcntl: grading there takes no lock
    fcntl = None

__all__ = ["SetupError", "autograde", "grade_submission", "main"]

LOCK_WAIT = 120     # seconds to wait for an earlier grading of the same submission to end


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


def _lock_path(root, student, assignment):
    return Path(root) / "_grading" / "locks" / student / f"{assignment}.lock"


def _unfinished(root, student, assignment):
    """A grading of this submission started and did not end (see the module)."""
    try:
        return _lock_path(root, student, assignment).stat().st_size > 0
    except FileNotFoundError:
        return False


def _unchanged(root, student, assignment):
    """Graded before, and the submission's timestamp has not changed since (nbgrader's rule)."""
    graded = Path(root) / "_grading" / "autograded" / student / assignment
    if not graded.is_dir() or _unfinished(root, student, assignment):
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


def grading_env():
    """The environment of an ``nbgrader`` process: this one's, with this Python's folder first
    on PATH (nbgrader runs the ``alembic`` installed beside it)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _prctl():
    # looked up once here: the child calls it between fork and exec, where loading a library
    # could deadlock on a lock another thread held
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()


def _die_with_parent():
    """In the nbgrader child: die when the process that started it dies (a killed Dask
    worker), instead of grading on beside the retry of the same submission."""
    _PRCTL(1, int(signal.SIGKILL))          # PR_SET_PDEATHSIG


class SetupError(RuntimeError):
    """Grading cannot start (no cluster, no gradebook); the message says what to do."""


class GradingBusy(RuntimeError):
    """Another grading of the same submission is still running."""


def _take_lock(lock, student, assignment, wait):
    if fcntl is None:
        return
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                lock.seek(0)
                raise GradingBusy(
                    f"another grading of {student} / {assignment} is still running "
                    f"({lock.read().strip() or 'no details'}) after {wait:.0f} s of waiting; "
                    "let it finish or stop it, then grade again") from None
            time.sleep(0.5)


def grade_submission(root, student, assignment, *, force=False, timeout=3600, env=None,
                     lock_wait=LOCK_WAIT):
    """Grade one submission in its own ``nbgrader autograde`` process.

    Parameters
    ----------
    root : path
        The course folder.
    student, assignment : str
        The submission, in ``_grading/submitted/<student>/<assignment>/``.
    force : bool
        Pass ``--force`` to nbgrader (regrade although unchanged; manual grades are kept).
    timeout : float
        Seconds the whole grading may take; then it is stopped and reported as failed.
    env : dict or None
        The process environment (default :func:`grading_env`).
    lock_wait : float
        Seconds to wait for another grading of the same submission to end.

    Returns
    -------
    dict
        ``student``, ``assignment``, ``ok`` (graded), ``seconds`` (nbgrader's run),
        ``reason`` (why it failed, or ``""``), ``output`` (nbgrader's output) and ``flags``
        (the similarity check's messages).
    """
    root = Path(root)
    env = grading_env() if env is None else env
    graded = root / "_grading" / "autograded" / student / assignment
    lock_path = _lock_path(root, student, assignment)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+", encoding="utf-8") as lock:
        _take_lock(lock, student, assignment, lock_wait)
        lock.seek(0)
        if lock.read().strip():
            # an earlier grading was cut short: its partial copy must not pass for a grade
            shutil.rmtree(graded, ignore_errors=True)
        lock.seek(0)
        lock.truncate()
        lock.write(f"grading since {time.strftime('%Y-%m-%d %H:%M:%S')} by process "
                   f"{os.getpid()} on {socket.gethostname()}\n")
        lock.flush()
        start = time.monotonic()
        cmd = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", student]
        if force:
            cmd.append("--force")
        try:
            # nbgrader holds the lock too (pass_fds): it is free only once both are gone
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                                  timeout=timeout, pass_fds=(lock.fileno(),),
                                  preexec_fn=_die_with_parent if _PRCTL else None)
            output, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode(errors="replace") if isinstance(
                exc.stdout, bytes) else (exc.stdout or "")
            output += f"\ngrading took longer than {timeout} s and was stopped"
            code = -1
        seconds = time.monotonic() - start
        ok = code == 0 and graded.is_dir() and "There was an error processing" not in output
        if not ok:
            # nbgrader removes a failed copy itself, but not one it was stopped in the middle of
            shutil.rmtree(graded, ignore_errors=True)
        lock.seek(0)
        lock.truncate()
    return {"student": student, "assignment": assignment, "ok": ok, "seconds": seconds,
            "reason": "" if ok else _reason(output), "output": output,
            "flags": _similarity(root, student, assignment) if ok else []}


def failure(student, assignment, reason):
    """The result of a submission that could not be graded at all, for :func:`report`."""
    return {"student": student, "assignment": assignment, "ok": False, "seconds": 0.0,
            "reason": reason, "output": reason, "flags": []}


def report(summary, label, result, root, echo=print):
    """Add one submission's result to ``summary`` and say it (and write a failure's log)."""
    student, assignment = result["student"], result["assignment"]
    if result["ok"]:
        summary["graded"].append((student, assignment))
        echo(f"{label}: graded in {result['seconds']:.0f} s")
        for flag in result["flags"]:
            summary["flagged"].append((student, assignment, flag))
            echo(f"    flagged for a person: {flag}")
        return
    summary["failed"].append((student, assignment, result["reason"]))
    echo(f"{label}: FAILED after {result['seconds']:.0f} s: {result['reason']}")
    log = Path(root) / "_grading" / "logs" / f"{student}-{assignment}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result["output"], encoding="utf-8")
    echo(f"    full log: {log.relative_to(root)}")


def autograde(root=".", assignments=(), students=(), force=False, timeout=3600, echo=print,
              jobs=1, scheduler=None):
    """Grade each submission in its own nbgrader process; returns the summary dict.

    ``jobs`` > 1 or a ``scheduler`` address grades on a Dask cluster
    (:func:`dlcourse.grading.parallel.grade_in_parallel`); that needs a server gradebook and
    raises :class:`~dlcourse.grading.gradebook.GradebookError` with the SQLite one.
    """
    root = Path(root).resolve()
    summary = {"graded": [], "failed": [], "skipped": [], "flagged": []}
    db_url = gradebook_url(root)
    if jobs < 1:
        raise ValueError(f"jobs={jobs}: give the number of submissions to grade at once, "
                         "1 or more")
    parallel = jobs > 1 or bool(scheduler)
    if parallel:
        require_server(db_url, f"grading on a Dask cluster (--scheduler {scheduler})" if scheduler
                       else f"grading {jobs} submissions at once (--jobs {jobs})")
    env = grading_env()
    todo = submissions(root, assignments, students)
    if not todo:
        echo("nothing to grade: put submissions in _grading/submitted/<student>/<assignment>/")
        return summary
    pending = []
    for n, (student, assignment) in enumerate(todo, 1):
        label = f"[{n}/{len(todo)}] {student} / {assignment}"
        if not force and _unchanged(root, student, assignment):
            summary["skipped"].append((student, assignment))
            echo(f"{label}: skipped (unchanged since it was graded; --force or FORCE=1 "
                 "regrades it)")
            continue
        if parallel:
            pending.append((student, assignment))
            continue
        try:
            result = grade_submission(root, student, assignment, force=force, timeout=timeout,
                                      env=env)
        except GradingBusy as exc:
            result = failure(student, assignment, str(exc))
        report(summary, label, result, root, echo)
    if pending:
        from .parallel import grade_in_parallel
        grade_in_parallel(root, pending, summary, db_url=db_url, force=force, timeout=timeout,
                          jobs=jobs, scheduler=scheduler, echo=echo, done=len(todo) - len(pending),
                          total=len(todo))
    summary["manual"] = _needing_manual_grades(db_url, todo)
    _print_summary(summary, echo)
    return summary


def _similarity(root, student, assignment):
    from .similarity import flags_for_submission
    try:
        return flags_for_submission(root, student, assignment)
    except Exception as exc:  # noqa: BLE001 - the check advises; it never stops grading
        return [f"the similarity check could not run ({type(exc).__name__}: {exc})"]


def _needing_manual_grades(db_url, todo):
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.engine import make_url
    if is_sqlite(db_url) and not Path(make_url(db_url).database or "").is_file():
        return 0
    count = 0
    with Gradebook(db_url, "dlcourse") as gb:
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


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number of 1 or more")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m dlcourse.grading")
    sub = parser.add_subparsers(dest="command", required=True)
    grade = sub.add_parser("autograde", help="grade every submission, each in its own process")
    grade.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    grade.add_argument("--student", action="append", default=[], help="only this student")
    grade.add_argument("--force", action="store_true", help="regrade unchanged submissions")
    grade.add_argument("--timeout", type=float, default=3600,
                       help="seconds one submission may take in all (default 3600)")
    grade.add_argument("--jobs", type=_positive, default=1,
                       help="grade this many submissions at once on a local Dask cluster "
                            "(default 1: one at a time, no Dask); needs a server gradebook")
    grade.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on the running Dask cluster at this scheduler address "
                            "(tcp://host:8786) instead of a local one")
    marking = sub.add_parser("marking", help="write the marking sheets of the written answers")
    marking.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    args = parser.parse_args(argv)
    if args.command == "marking":
        from .marking import write_marking_sheets
        for path in write_marking_sheets(".", args.assignments):
            print(f"wrote {path}")
        return 0
    try:
        summary = autograde(".", args.assignments, args.student, args.force, args.timeout,
                            jobs=args.jobs, scheduler=args.scheduler)
    except (GradebookError, SetupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
