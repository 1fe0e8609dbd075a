"""Autograding at scale: submissions per minute on Dask into PostgreSQL, with a worker killed.

Book: how_to_use, "For instructors".
Run: ``python benchmarks/bench_grading_scale.py --n 1000 --workers 1,2`` (needs Debian's
``postgresql``; the benchmark starts its own server in a temporary folder on 127.0.0.1).

It generates ``--n`` submissions across two generated assignments (tests/_synthetic_course.py:
two autograded functions with hidden tests and one written answer each), in a course's mix:
complete, partial, empty, wrong, erroring, slow (``--slow-seconds`` of sleep in an answer) and
broken (not JSON) ones; ``--real K`` adds K submissions of the real 01_perceptron assignment
(complete and empty, alternately). Then, each in a fresh copy of the course:

* for each worker count W in ``--workers``: a local Dask cluster of W worker processes, and
  ``python -m dlcourse.grading autograde --scheduler ADDRESS`` (the production command) into a
  fresh PostgreSQL database; in the run with the most workers, the worker grading a submission
  is SIGKILLed a third of the way through (``--no-kill`` to skip);
* the reference: the single-instructor serial run into SQLite, without Dask.

Checks: every run reports every submission exactly once; every PostgreSQL gradebook holds
exactly one set of grade rows per submission; every grade equals the reference's; generated
submissions score what their kind should. Reports submissions per minute per run (wall
clock; the machine is shared, so compare runs made in the same session) and the projected
time for a 17,000-submission course (1,000 students, 17 assignments) at other worker counts.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import _synthetic_course as synthetic  # noqa: E402
from _postgres import start_server  # noqa: E402

from dlcourse.grading.run import _lock_path  # noqa: E402

WEIGHTS = {"complete": 0.40, "partial": 0.15, "empty": 0.10, "wrong": 0.15, "erroring": 0.10,
           "slow": 0.07, "broken": 0.03}
REAL = "01_perceptron"
COURSE_SIZE = 17_000
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (\S+) / (\S+): (graded|FAILED)", re.M)


def plan(n, n_real, rng):
    """[(student, assignment, kind)]: students hand in each generated assignment in turn."""
    kinds = list(WEIGHTS)
    drawn = rng.choice(len(kinds), size=n, p=[WEIGHTS[k] for k in kinds])
    assignments = list(synthetic.ASSIGNMENTS)
    out = [(f"s{i // len(assignments):05d}", assignments[i % len(assignments)], kinds[k])
           for i, k in enumerate(drawn)]
    out += [(f"r{i:05d}", REAL, "complete" if i % 2 == 0 else "empty") for i in range(n_real)]
    return out


def build(base, submissions, real):
    """The course with its submissions, released once (SQLite); copies are registered again
    in their own gradebook."""
    assignments = sorted({a for _, a, _ in submissions} - {REAL})
    course = synthetic.make_course(base / "template", assignments, real=[REAL] if real else [])
    synthetic.register(course, assignments + ([REAL] if real else []))
    if real:
        _fill_real(course, [(s, a) for s, a, _ in submissions if a == REAL])
    synthetic.write_submissions(course, [p for p in submissions if p[1] != REAL])
    shutil.rmtree(course / "_grading" / "autograded", ignore_errors=True)
    (course / "_grading" / "gradebook.db").unlink()
    return course


def _fill_real(course, pairs):
    """Real-assignment submissions: the source's answers filled in, or the release as is."""
    import nbformat
    sys.path.insert(0, str(ROOT / "tests"))
    from test_assignments import filled
    release = nbformat.read(course / "exercises" / REAL / f"{REAL}.ipynb", as_version=4)
    source = nbformat.read(course / "solutions" / REAL / f"{REAL}.ipynb", as_version=4)
    solved = filled(release, source)
    for i, (student, assignment) in enumerate(pairs):
        folder = course / "_grading" / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(solved if i % 2 == 0 else release, folder / f"{assignment}.ipynb")
        (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC")


def _kill_busy_worker(course, proc_lines, after, record):
    """When ``after`` submissions are reported, SIGKILL the worker named in a lock that says
    it is grading."""
    while len(proc_lines) < after:
        if record.get("stop"):
            return
        time.sleep(0.2)
    while not record.get("stop"):
        for lock in sorted((course / "_grading" / "locks").glob("*/*.lock")):
            found = re.search(r"by process (\d+)", lock.read_text())
            if found:
                pid = int(found.group(1))
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                record.update(pid=pid, submission=f"{lock.parent.name} / {lock.stem}",
                              after=len(proc_lines))
                return
        time.sleep(0.2)


def grade(course, db_url=None, scheduler=None, kill_after=None):
    """Run the production command; returns (seconds, stdout, kill record)."""
    args = [sys.executable, "-m", "dlcourse.grading", "autograde"]
    if scheduler:
        args += ["--scheduler", scheduler]
    proc = subprocess.Popen(args, cwd=course, env=synthetic.grading_env(db_url), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, record = [], {}
    killer = None
    if kill_after is not None:
        killer = threading.Thread(target=_kill_busy_worker,
                                  args=(course, lines, kill_after, record), daemon=True)
        killer.start()
    start = time.perf_counter()
    out = []
    for line in proc.stdout:
        out.append(line)
        if PROGRESS.match(line):
            lines.append(line)
            print(f"    {line.rstrip()[:110]}", flush=True)
    proc.wait()
    seconds = time.perf_counter() - start
    record["stop"] = True
    if killer is not None:
        killer.join(timeout=5)
    return seconds, "".join(out), record


def check(name, text, submissions, grades, reference, rows=None):
    """Problems found in one run (an empty list when it is right)."""
    problems = []
    reported = sorted((s, a) for *_, s, a, _ in PROGRESS.findall(text))
    if reported != sorted((s, a) for s, a, _ in submissions):
        problems.append(f"{name}: {len(reported)} submissions reported, "
                        f"{len(set(reported))} distinct, {len(submissions)} expected")
    if rows is not None:
        bad = {k: v for k, v in rows.items() if v[:3] != (1, 1, v[3])}
        missing = {(s, a) for s, a, _ in submissions} - set(rows)
        if bad or missing:
            problems.append(f"{name}: grade rows wrong for {sorted(bad)[:5]}, missing for "
                            f"{sorted(missing)[:5]}")
    if reference is not None and grades != reference:
        differ = sorted(k for k in set(grades) | set(reference)
                        if grades.get(k) != reference.get(k))
        problems.append(f"{name}: {len(differ)} grades differ from the serial SQLite run, "
                        f"e.g. {differ[:3]}")
    for student, assignment, kind in submissions:
        if assignment == REAL:
            continue
        scores = [v[0] for (s, a, cell), v in grades.items()
                  if (s, a) == (student, assignment) and cell.startswith("test_")]
        expected = synthetic.expected_score(kind, assignment)
        got = None if not scores or any(x is None for x in scores) else sum(scores)
        if got != expected:
            problems.append(f"{name}: {student} / {assignment} ({kind}) scored {got}, "
                            f"expected {expected}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated submissions")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma separated")
    parser.add_argument("--real", type=int, default=0,
                        help=f"also this many submissions of the real {REAL}")
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the serial SQLite run (and the comparison with it)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    workers = sorted({int(w) for w in args.workers.split(",")})

    from distributed import Client, LocalCluster

    submissions = plan(args.n, args.real, np.random.default_rng(args.seed))
    counts = {k: sum(1 for *_, kind in submissions if kind == k) for k in WEIGHTS}
    print(f"{len(submissions)} submissions: {args.n} of the generated assignments "
          f"{', '.join(synthetic.ASSIGNMENTS)} ({counts}), {args.real} of the real {REAL}",
          flush=True)
    base = Path(tempfile.mkdtemp(prefix="dlcourse-bench-grading-"))
    server = start_server()
    results, problems, reference = [], [], None
    try:
        template = build(base, submissions, args.real)
        pairs = [(s, a) for s, a, _ in submissions]
        assignments = sorted({a for _, a, _ in submissions})
        if not args.no_reference:
            course = base / "serial-sqlite"
            shutil.copytree(template, course)
            synthetic.register(course, assignments)
            print("serial run into SQLite (today's single-instructor path):", flush=True)
            seconds, text, _ = grade(course)
            reference = synthetic.read_grades(
                "sqlite:///" + str(course / "_grading" / "gradebook.db"), pairs)
            problems += check("serial SQLite", text, submissions, reference, None)
            results.append({"run": "serial, SQLite", "workers": 1, "seconds": seconds,
                            "per_minute": 60 * len(submissions) / seconds})
        for w in workers:
            course = base / f"dask-{w}"
            shutil.copytree(template, course)
            db_url = server.create_database()
            synthetic.register(course, assignments, db_url)
            kill = not args.no_kill and w == workers[-1]
            cluster = LocalCluster(n_workers=w, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            client = Client(cluster)
            print(f"Dask, {w} worker(s), PostgreSQL"
                  + (" (one worker killed a third of the way)" if kill else "") + ":",
                  flush=True)
            try:
                seconds, text, record = grade(
                    course, db_url, cluster.scheduler_address,
                    kill_after=len(submissions) // 3 if kill else None)
            finally:
                client.close()
                cluster.close()
            grades = synthetic.read_grades(db_url, pairs)
            rows = synthetic.row_counts(db_url)
            run_problems = check(f"Dask {w}", text, submissions, grades, reference, rows)
            if kill and "pid" not in record:
                run_problems.append(f"Dask {w}: no worker was seen grading, none was killed")
            problems += run_problems
            results.append({"run": "Dask, PostgreSQL" + (", worker killed" if kill else ""),
                            "workers": w, "seconds": seconds,
                            "per_minute": 60 * len(submissions) / seconds,
                            "killed": {k: v for k, v in record.items() if k != "stop"},
                            "problems": len(run_problems)})
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)

    print(f"\n{'run':38s} {'workers':>7s} {'wall s':>8s} {'per min':>8s}")
    for r in results:
        print(f"{r['run']:38s} {r['workers']:7d} {r['seconds']:8.0f} {r['per_minute']:8.1f}")
        if r.get("killed"):
            k = r["killed"]
            print(f"    killed worker {k['pid']} while it graded {k['submission']} "
                  f"(after {k['after']} reported); nothing lost: every check below passed"
                  if not problems else f"    killed worker {k['pid']}")
    dask_rates = {r["workers"]: r["per_minute"] for r in results if r["run"].startswith("Dask")}
    if 1 in dask_rates:
        one = dask_rates[1]
        top = max(dask_rates)
        efficiency = dask_rates[top] / (top * one) if top > 1 else 1.0
        print(f"\nprojection for {COURSE_SIZE:,} submissions, from {one:.1f}/min per worker and "
              f"{efficiency:.0%} efficiency at {top} workers here (assumes one core per worker "
              "and a gradebook server that keeps up):")
        for n in (1, 2, 8, 32, 64):
            rate = one * (1 if n == 1 else n * efficiency)
            print(f"  {n:3d} workers: {COURSE_SIZE / rate / 60:7.1f} h")
    print("\nchecks:", "all passed" if not problems else f"{len(problems)} FAILED")
    for p in problems[:20]:
        print("  -", p)
    if args.json:
        Path(args.json).write_text(json.dumps({"submissions": len(submissions),
                                               "kinds": counts, "real": args.real,
                                               "results": results, "problems": problems},
                                              indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
