"""Grade many submissions at once on a Dask cluster, into a gradebook on a database server.

Book: how_to_use, "For instructors".

``make autograde JOBS=4`` (``--jobs 4``) starts a local Dask cluster of 4 worker processes
with one thread each; ``SCHEDULER=tcp://host:8786`` (``--scheduler``) uses a running cluster
instead, however it was started (``dask scheduler`` and ``dask worker``, dask-jobqueue on a
batch system, dask-kubernetes). Each (student, assignment) is one task, and the task is what a
serial run does for that submission: :func:`dlcourse.grading.run.grade_submission`, its own
sandboxed ``nbgrader autograde`` process. So every worker needs the course folder at the same
path as the command, and the package installed.

What keeps the grades right:

* every grading process writes into the server gradebook (``run.autograde`` refuses SQLite);
* the gradebook's tables, the course and every student are created here, once, before any task
  starts: nbgrader creates a missing row when it first needs it, and two processes doing that
  at once collide on a unique key. The assignments must be registered already
  (``make assignments`` with the same gradebook setting);
* a worker that dies in the middle of a task (killed, out of memory) takes its nbgrader process
  with it, and Dask runs the task again on a worker that lives (up to the scheduler's
  ``distributed.scheduler.allowed-failures``, 3 by default). The new attempt waits for the lock
  of the old one, finds it still saying "grading", removes the partial ``autograded`` copy and
  grades from the start. nbgrader keeps one row per submission, notebook and cell (unique
  keys), so a second attempt overwrites what the first wrote and cannot add a grade;
* an exception in the task (the gradebook server unreachable for a moment) is retried
  ``RETRIES`` times; a submission that nbgrader fails on or that runs out of time is reported
  as in a serial run (a second try would fail the same way);
* each submission is reported once, when its task ends (``[k/n] student / assignment: graded
  in 5 s``), and the run ends with the serial run's summary.
"""

import os
import socket
import uuid
from pathlib import Path

from .gradebook import ENV, redacted
from .run import SetupError, failure, grade_submission, grading_env, report

__all__ = ["RETRIES", "grade_in_parallel", "grade_task", "prepare_gradebook"]

RETRIES = 2
# nbgrader's output when the gradebook server could not be used: worth another try
_TRANSIENT = ("sqlalchemy.exc.OperationalError", "could not connect to server",
              "Connection refused", "server closed the connection unexpectedly",
              "terminating connection")
# settings a grading process reads from the environment, forwarded to workers that may have
# been started elsewhere without them
_FORWARDED = ("DLCOURSE_SANDBOX",)


class TransientGradingError(RuntimeError):
    """The grading failed for a reason outside the submission; Dask tries it again."""


def grade_task(root, student, assignment, force, timeout, env):
    """One Dask task: grade one submission (see the module); returns its result dict.

    Parameters
    ----------
    root : str
        The course folder, at the same path on every worker.
    student, assignment : str
        The submission.
    force : bool
        Regrade although unchanged (``--force``).
    timeout : float
        Seconds the grading may take.
    env : dict
        Variables set in the grading process (the gradebook URL, the sandbox setting).
    """
    root = Path(root)
    if not (root / "nbgrader_config.py").is_file():
        raise FileNotFoundError(
            f"the course folder {root} is not on the Dask worker at {socket.gethostname()}: "
            "every worker needs the course at the same path as the command that grades, and "
            "dlcourse installed (pip install -e '.[grading]')")
    process_env = grading_env()
    process_env.update(env)
    result = grade_submission(root, student, assignment, force=force, timeout=timeout,
                              env=process_env)
    if not result["ok"] and any(marker in result["output"] for marker in _TRANSIENT):
        raise TransientGradingError(f"the gradebook server could not be used: {result['reason']}")
    if result["ok"]:
        result["output"] = ""           # only a failure's log is kept; spare the scheduler
    return result


def prepare_gradebook(db_url, pending, course_id="dlcourse"):
    """Create what tasks would otherwise race to create, and check the assignments are there.

    Parameters
    ----------
    db_url : str
        The server gradebook.
    pending : list of (student, assignment)
        The submissions about to be graded.
    course_id : str
        nbgrader's course id (``nbgrader_config.py`` sets ``dlcourse``).
    """
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import OperationalError
    path = os.environ.get("PATH", "")
    # a new gradebook asks the `alembic` beside this Python for its schema version
    os.environ["PATH"] = grading_env()["PATH"]
    try:
        gb = Gradebook(db_url, course_id)       # creates the tables and the course row
    except OperationalError as exc:
        raise SetupError(
            f"cannot open the gradebook {redacted(db_url)}: {str(exc.orig).strip()}. Check that "
            "the server runs, that the database exists (createdb), and the URL's user and "
            f"password ({ENV})") from None
    finally:
        os.environ["PATH"] = path
    with gb:
        missing = []
        for assignment in sorted({a for _, a in pending}):
            try:
                registered = gb.find_assignment(assignment).notebooks
            except MissingEntry:
                registered = []
            if not registered:
                missing.append(assignment)
        if missing:
            raise SetupError(
                f"the gradebook {redacted(db_url)} does not know the assignment(s) "
                f"{', '.join(missing)}: register them once with `make assignments` (nbgrader "
                f"generate_assignment) while {ENV} names this gradebook, then grade again")
        for student in sorted({s for s, _ in pending}):
            gb.update_or_create_student(student)


def _start(jobs, scheduler, echo):
    """(client, cluster or None)."""
    from distributed import Client, LocalCluster
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise SetupError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); check the address, or "
                "start a cluster (`dask scheduler`, then `dask worker ADDRESS` where the course "
                "folder is)") from None
        workers = len(client.nthreads())
        echo(f"grading on the Dask cluster at {scheduler} ({workers} worker(s) now"
             + ("; the tasks wait until workers join)" if not workers else ")"))
        return client, None
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    echo(f"grading {jobs} submissions at a time (a local Dask cluster of {jobs} processes)")
    return Client(cluster), cluster


def grade_in_parallel(root, pending, summary, *, db_url, force=False, timeout=3600, jobs=2,
                      scheduler=None, echo=print, done=0, total=None):
    """Grade ``pending`` submissions as Dask tasks and add each result to ``summary``.

    Parameters
    ----------
    root : Path
        The course folder (absolute).
    pending : list of (student, assignment)
        The submissions to grade (the unchanged ones already taken out).
    summary : dict
        The run's summary (``graded``, ``failed``, ``skipped``, ``flagged`` lists), added to.
    db_url : str
        The server gradebook every grading process writes into.
    force, timeout : as :func:`dlcourse.grading.run.grade_submission`.
    jobs : int
        Worker processes of the local cluster (ignored with ``scheduler``).
    scheduler : str or None
        Address of a running cluster's scheduler.
    echo : callable
        Prints one line.
    done, total : int
        Submissions already reported in this run, and all of them (for ``[k/n]``).
    """
    import dask
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    total = len(pending) if total is None else total
    prepare_gradebook(db_url, pending)
    env = {ENV: db_url, **{k: os.environ[k] for k in _FORWARDED if k in os.environ}}
    client, cluster = _start(jobs, scheduler, echo)
    run_id = uuid.uuid4().hex[:8]
    try:
        futures = {}
        for student, assignment in pending:
            future = client.submit(grade_task, str(root), student, assignment, force, timeout,
                                   env, key=f"autograde-{student}-{assignment}-{run_id}",
                                   pure=False, retries=RETRIES)
            futures[future] = (student, assignment)
        for k, future in enumerate(as_completed(futures), done + 1):
            student, assignment = futures.pop(future)
            label = f"[{k}/{total}] {student} / {assignment}"
            try:
                result = future.result()
            except KilledWorker:
                allowed = dask.config.get("distributed.scheduler.allowed-failures")
                result = failure(student, assignment,
                                 f"the workers grading it died {allowed + 1} times (killed, or "
                                 "out of memory?); the next run grades it again")
            except Exception as exc:  # noqa: BLE001 - reported for this submission only
                result = failure(student, assignment, f"{type(exc).__name__}: {exc}")
            report(summary, label, result, root, echo)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
