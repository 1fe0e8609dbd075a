"""Grading in parallel on Dask into a PostgreSQL gradebook, with a worker killed mid-run.

Two copies of one small course (two generated assignments, tests/_synthetic_course.py) receive
the same ten submissions: complete, partial, empty, wrong, erroring, slow and broken ones. One
copy is graded the single-instructor way (serial, SQLite gradebook); the other with
``python -m dlcourse.grading autograde --jobs 2`` into a fresh database on a real PostgreSQL
server that the tests start (tests/_postgres.py). While the parallel run grades the slow
submission, the Dask worker grading it is killed. Then: every submission is reported once,
both runs end with the same summary, every submission has exactly one set of grade rows, and
every grade equals the serial SQLite run's. The two runs go side by side (two cores).
"""

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic_course as synthetic  # noqa: E402

from dlcourse.grading.gradebook import GradebookError  # noqa: E402
from dlcourse.grading.run import (GradingBusy, _lock_path, _unchanged, autograde,  # noqa: E402
                                  grade_submission, main)

pytestmark = pytest.mark.grading

# (student, assignment, kind): every kind on the first assignment, a few on the second; the
# slow one is graded early (students are graded in name order) and is the one whose worker dies
PLAN = [("s01_slow", "load_sums", "slow"), ("s02_complete", "load_sums", "complete"),
        ("s03_partial", "load_sums", "partial"), ("s04_empty", "load_sums", "empty"),
        ("s05_wrong", "load_sums", "wrong"), ("s06_erroring", "load_sums", "erroring"),
        ("s07_broken", "load_sums", "broken"), ("s02_complete", "load_stats", "complete"),
        ("s04_empty", "load_stats", "empty"), ("s06_erroring", "load_stats", "erroring")]
VICTIM = ("s01_slow", "load_sums")
SLOW_SECONDS = 8           # time to see the victim's grading under way and kill its worker
SUMMARY = re.compile(r"^graded \d+, failed \d+, skipped \d+ .*$", re.M)


def _run(course, *args, db_url=None):
    return subprocess.Popen([sys.executable, "-m", "dlcourse.grading", "autograde", *args],
                            cwd=course, env=synthetic.grading_env(db_url),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_victims_worker(course, record, deadline):
    """Once the victim's grading has written its partial copy, SIGKILL the Dask worker process
    that runs it (its pid is in the submission's lock file) and note its nbgrader child."""
    student, assignment = VICTIM
    lock = _lock_path(course, student, assignment)
    partial = course / "_grading" / "autograded" / student / assignment
    while time.monotonic() < deadline:
        text = lock.read_text() if lock.is_file() else ""
        found = re.search(r"by process (\d+)", text)
        if found and partial.is_dir():
            worker = psutil.Process(int(found.group(1)))
            record["children"] = [p.pid for p in worker.children(recursive=True)]
            record["worker"] = worker.pid
            record["cmdline"] = " ".join(worker.cmdline())
            os.kill(worker.pid, signal.SIGKILL)
            record["killed_at"] = time.monotonic()
            return
        time.sleep(0.2)


class Runs:
    """What the tests look at."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory, postgres_server):
    base = tmp_path_factory.mktemp("parallel")
    assignments = sorted({a for _, a, _ in PLAN})
    sqlite_course = synthetic.make_course(base / "sqlite", assignments)
    pg_course = synthetic.make_course(base / "postgres", assignments)
    db_url = postgres_server.create_database()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda args: synthetic.register(*args),
                      [(sqlite_course, assignments), (pg_course, assignments, db_url)]))
    for course in (sqlite_course, pg_course):
        synthetic.write_submissions(course, PLAN, slow_seconds=SLOW_SECONDS)

    out = Runs()
    out.kill = {}
    start = time.monotonic()
    parallel = _run(pg_course, "--jobs", "2", db_url=db_url)
    serial = _run(sqlite_course)
    killer = threading.Thread(target=_kill_victims_worker,
                              args=(pg_course, out.kill, start + 300), daemon=True)
    killer.start()
    out.parallel_out, out.parallel_err = parallel.communicate(timeout=900)
    out.parallel_seconds = time.monotonic() - start
    out.serial_out, out.serial_err = serial.communicate(timeout=900)
    killer.join(timeout=1)
    out.parallel_code, out.serial_code = parallel.returncode, serial.returncode
    out.client_pid = parallel.pid
    pairs = [(s, a) for s, a, _ in PLAN]
    out.pairs = pairs
    out.sqlite_url = "sqlite:///" + str(sqlite_course / "_grading" / "gradebook.db")
    out.db_url, out.pg_course, out.sqlite_course = db_url, pg_course, sqlite_course
    out.serial_grades = synthetic.read_grades(out.sqlite_url, pairs)
    out.parallel_grades = synthetic.read_grades(db_url, pairs)
    out.rows = synthetic.row_counts(db_url)
    print(f"\nparallel run (2 workers, one killed) {out.parallel_seconds:.0f} s; "
          f"killed {out.kill.get('worker')}")
    return out


def test_both_runs_report_every_submission_once_and_end_with_the_same_summary(runs):
    for name, text in (("parallel", runs.parallel_out), ("serial", runs.serial_out)):
        progress = re.findall(r"^\[(\d+)/(\d+)\] (\S+) / (\S+): (graded|FAILED)", text, re.M)
        assert sorted(int(k) for k, *_ in progress) == list(range(1, len(PLAN) + 1)), (
            f"{name} run:\n{text[-3000:]}")
        assert sorted((s, a) for _, _, s, a, _ in progress) == sorted(runs.pairs)
        failed = sorted((s, a) for _, _, s, a, verdict in progress if verdict == "FAILED")
        assert failed == [("s07_broken", "load_sums")], f"{name} run:\n{text[-3000:]}"
    parallel, serial = SUMMARY.findall(runs.parallel_out), SUMMARY.findall(runs.serial_out)
    assert parallel and parallel == serial, (parallel, serial)
    assert parallel[0].startswith(f"graded {len(PLAN) - 1}, failed 1, skipped 0")
    # one failure: the command says so with its exit code, as a serial run does
    assert runs.parallel_code == runs.serial_code == 1, runs.parallel_err[-3000:]
    assert "a local Dask cluster of 2 processes" in runs.parallel_out


def test_a_worker_killed_mid_grading_loses_nothing(runs):
    assert runs.kill.get("worker"), "the victim's worker was never seen grading it"
    assert runs.kill["worker"] != runs.client_pid and "spawn" in runs.kill["cmdline"], \
        runs.kill["cmdline"]
    # the killed attempt's nbgrader process died with its worker instead of grading on beside
    # the retry
    assert runs.kill["children"], "the worker had no grading process to kill"
    alive = [pid for pid in runs.kill["children"] if psutil.pid_exists(pid)
             and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"processes of the killed attempt survive: {alive}"
    # the retry graded it from the start: full marks, one row set, its lock released
    student, assignment = VICTIM
    score = sum(v[0] for (s, a, cell), v in runs.parallel_grades.items()
                if (s, a) == VICTIM and cell.startswith("test_"))
    assert score == synthetic.expected_score("slow", assignment)
    assert _lock_path(runs.pg_course, student, assignment).read_text() == ""


def test_every_submission_has_exactly_one_set_of_grade_rows(runs):
    assert sorted(runs.rows) == sorted(runs.pairs)
    for pair, (submissions, notebooks, grades, cells) in runs.rows.items():
        assert (submissions, notebooks, grades) == (1, 1, cells), (pair, runs.rows[pair])
    for student, assignment in runs.pairs:
        lock = _lock_path(runs.pg_course, student, assignment)
        assert lock.read_text() == "", f"{student} / {assignment} still says: {lock.read_text()}"


def test_parallel_grades_equal_the_serial_sqlite_grades(runs):
    assert runs.parallel_grades == runs.serial_grades
    kinds = {(s, a): k for s, a, k in PLAN}
    for (student, assignment), kind in kinds.items():
        tests = [v[0] for (s, a, cell), v in runs.parallel_grades.items()
                 if (s, a) == (student, assignment) and cell.startswith("test_")]
        expected = synthetic.expected_score(kind, assignment)
        if expected is None:                   # the broken file: never graded
            assert all(score is None for score in tests)
        else:
            assert sum(tests) == expected, (student, assignment, tests)


def test_other_nbgrader_commands_use_the_same_gradebook_setting(runs):
    # `make grades` is `nbgrader export`: it reads the server gradebook through the setting
    synthetic.nbgrader(runs.pg_course, "export", "--to", "grades.csv", db_url=runs.db_url)
    text = (runs.pg_course / "grades.csv").read_text()
    for student, _ in runs.pairs:
        assert student in text
    assert not (runs.pg_course / "_grading" / "gradebook.db").exists(), \
        "an SQLite gradebook was created beside the server one"


# --- refusals and locks, without grading anything ---------------------------------------------

def test_jobs_with_the_sqlite_gradebook_is_refused_with_what_to_do(tmp_path, monkeypatch,
                                                                   capsys):
    monkeypatch.delenv("DLCOURSE_DB_URL", raising=False)
    folder = tmp_path / "_grading" / "submitted" / "alice" / "a1"
    folder.mkdir(parents=True)
    with pytest.raises(GradebookError) as info:
        autograde(tmp_path, jobs=2, echo=lambda line: None)
    message = str(info.value)
    for fragment in ("--jobs 2", "SQLite", "not safe", "DLCOURSE_DB_URL=postgresql://",
                     "make assignments", "JOBS=1"):
        assert fragment in message, message
    with pytest.raises(GradebookError):
        autograde(tmp_path, scheduler="tcp://127.0.0.1:1", echo=lambda line: None)
    # the command line: exit code 2 and the message, nothing graded
    monkeypatch.chdir(tmp_path)
    assert main(["autograde", "--jobs", "2"]) == 2
    assert "not safe with several processes writing at once" in capsys.readouterr().err
    assert not (tmp_path / "_grading" / "autograded").exists()
    with pytest.raises(SystemExit):
        main(["autograde", "--jobs", "0"])


def test_a_grading_cut_short_is_never_taken_for_unchanged(tmp_path):
    student, assignment = "alice", "a1"
    for folder in ("submitted", "autograded"):
        path = tmp_path / "_grading" / folder / student / assignment
        path.mkdir(parents=True)
        (path / "timestamp.txt").write_text("2030-01-01 12:00:00")
    assert _unchanged(tmp_path, student, assignment)
    lock = _lock_path(tmp_path, student, assignment)
    lock.parent.mkdir(parents=True)
    lock.write_text("grading since 2030-01-01 12:00:01 by process 1 on host\n")
    assert not _unchanged(tmp_path, student, assignment)


def test_a_second_grading_of_the_same_submission_waits_for_the_first(tmp_path):
    lock = _lock_path(tmp_path, "alice", "a1")
    lock.parent.mkdir(parents=True)
    with open(lock, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("grading since 2030-01-01 by process 1 on elsewhere\n")
        held.flush()
        with pytest.raises(GradingBusy, match="still running .*process 1 on elsewhere"):
            grade_submission(tmp_path, "alice", "a1", lock_wait=0.5)
    shutil.rmtree(tmp_path / "_grading")
