"""One table for every benchmark: rows, the markdown writer, the JSON file and the comparison.

Book: how_to_use, "For instructors".

A benchmark script builds its results with :func:`row` and hands them to :func:`finish`,
which prints them as a markdown table and, with ``--json PATH``, writes them for
``benchmarks/run.py`` to collect. ``run.py`` runs every script, puts all rows into one table
(``benchmarks/results/latest.md`` and ``latest.json``, with the machine it ran on) and, given
an earlier JSON file, prints how each ratio moved, so that a slowdown shows.

A row compares one dlcourse method with one peer on one workload. ``ratio`` is the peer's
time divided by dlcourse's: above 1, dlcourse is faster. A row with no peer installed keeps
dlcourse's time and says so instead of failing.
"""

import argparse
import datetime
import json
import math
import os
import platform
import sys

__all__ = ["row", "add_arguments", "finish", "markdown", "machine", "compare", "write"]

#: columns of the markdown table: (heading, key)
COLUMNS = (("benchmark", "benchmark"), ("workload", "workload"), ("dtype", "dtype"),
           ("threads", "threads"), ("dlcourse", "method"), ("time", "time"),
           ("peer", "peer"), ("peer time", "peer_time"), ("peer / dlcourse", "ratio"),
           ("at least", "at_least"), ("aim", "aim"), ("note", "note"))
NOT_INSTALLED = "peer not installed"


def row(benchmark, workload, method, seconds, peer=None, peer_seconds=None, *, dtype="",
        threads=1, at_least=None, aim=None, note=""):
    """One comparison.

    Parameters
    ----------
    benchmark : str
        The script's short name, e.g. ``"rbm"``.
    workload : str
        What was timed, with its size.
    method : str
        The dlcourse form timed, e.g. ``"numba"``.
    seconds : float
        dlcourse's time (median), in seconds.
    peer : str or None
        The other library or form; None when nothing is compared.
    peer_seconds : float or None
        The peer's time; None with ``peer`` set means the peer is not installed.
    at_least, aim : float or None
        Targets for the ratio, where an issue sets them.
    """
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"{benchmark}/{workload}: time must be a positive number of seconds, "
                         f"got {seconds!r}")
    ratio = None
    if peer is not None and peer_seconds is not None:
        ratio = peer_seconds / seconds
    elif peer is not None and not note:
        note = NOT_INSTALLED
    return dict(benchmark=benchmark, workload=workload, dtype=dtype, threads=int(threads),
                method=method, seconds=float(seconds), peer=peer,
                peer_seconds=None if peer_seconds is None else float(peer_seconds),
                ratio=ratio, at_least=at_least, aim=aim, note=note)


def _time(seconds):
    if seconds is None:
        return ""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} us"


def _cell(r, key):
    if key == "time":
        return _time(r["seconds"])
    if key == "peer_time":
        return _time(r["peer_seconds"])
    if key == "ratio":
        if r["ratio"] is None:
            return ""
        mark = ""
        if r["at_least"] is not None:
            mark = " ok" if r["ratio"] >= r["at_least"] else " BELOW"
        return f"{r['ratio']:.2f}x{mark}"
    if key in ("at_least", "aim"):
        return "" if r[key] is None else f"{r[key]:g}x"
    value = r[key]
    return "" if value is None else str(value).replace("|", "/")


def markdown(rows):
    """The rows as one markdown table (a string ending in a newline)."""
    lines = ["| " + " | ".join(h for h, _ in COLUMNS) + " |",
             "|" + "|".join("---:" if k in ("threads", "time", "peer_time", "ratio")
                            else "---" for _, k in COLUMNS) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_cell(r, k) for _, k in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def machine():
    """Where the numbers come from: CPU, cores, library versions, BLAS, date."""
    info = dict(date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                python=platform.python_version(), platform=platform.platform(),
                cores=os.cpu_count(), cpu=platform.processor() or "")
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    for name in ("numpy", "numba", "scipy", "sklearn", "torch"):
        try:
            module = __import__(name)
            info[name] = module.__version__
        except ImportError:
            info[name] = None
    try:
        from threadpoolctl import threadpool_info
        info["blas"] = [f"{p.get('internal_api')} {p.get('version')} ({p.get('architecture')})"
                        for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        info["blas"] = []
    return info


def write(rows, md_path, json_path, info=None, notes=""):
    """Write the markdown table and the JSON file (rows and machine) side by side."""
    info = machine() if info is None else info
    os.makedirs(os.path.dirname(os.path.abspath(md_path)), exist_ok=True)
    head = (f"Measured {info['date']} on {info['cpu']} ({info['cores']} cores), "
            f"numpy {info['numpy']}, numba {info['numba']}, scikit-learn {info['sklearn']}, "
            f"torch {info['torch'] or 'not installed'}; BLAS: {', '.join(info['blas'])}.\n")
    with open(md_path, "w") as f:
        f.write(head + ("\n" + notes.strip() + "\n" if notes else "") + "\n" + markdown(rows))
    with open(json_path, "w") as f:
        json.dump(dict(machine=info, rows=rows), f, indent=1)


def _key(r):
    return (r["benchmark"], r["workload"], r["dtype"], r["threads"], r["method"], r["peer"])


def compare(rows, previous):
    """How each ratio moved since ``previous`` (the rows of an earlier JSON file).

    Returns
    -------
    list of (row, old_ratio, change) for rows with a ratio in both; change = new / old.
    """
    before = {_key(r): r for r in previous}
    out = []
    for r in rows:
        old = before.get(_key(r))
        if old is not None and old.get("ratio") and r["ratio"]:
            out.append((r, old["ratio"], r["ratio"] / old["ratio"]))
    return out


def add_arguments(parser):
    """The options every benchmark script takes: ``--quick`` and ``--json PATH``."""
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes and fewer repeats (a few seconds to a minute)")
    parser.add_argument("--json", metavar="PATH",
                        help="also write the rows to PATH (benchmarks/run.py reads them)")
    return parser


def finish(rows, args):
    """Print the rows as a table; with ``--json`` write them for the runner too."""
    sys.stdout.write("\n" + markdown(rows))
    if getattr(args, "json", None):
        with open(args.json, "w") as f:
            json.dump(rows, f)


def parser_for(doc):
    """An argument parser with the script's first docstring line and the common options."""
    return add_arguments(argparse.ArgumentParser(description=doc.splitlines()[0]))


def compared(benchmark, workload, med, ours, peers, *, dtype="", threads=1, note=""):
    """Rows for one round-robin race: ``ours`` against each of ``peers``.

    ``med`` maps method names to median seconds (as ``_timing.race`` returns); a peer missing
    from it (PyTorch not installed) gives a row that says so.
    """
    method = ours.replace("dlcourse ", "")
    return [row(benchmark, workload, method, med[ours], peer.replace("pytorch cpu", "PyTorch CPU"),
                med.get(peer), dtype=dtype, threads=threads, note=note) for peer in peers]
