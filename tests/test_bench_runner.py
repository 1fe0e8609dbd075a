"""The benchmark runner collects every script's rows into one table and one JSON file.

No timing is measured here: the benchmarks are fake scripts that report fixed numbers.
"""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

FAKE = '''
"""A fake benchmark with fixed numbers."""
from _report import finish, parser_for, row
args = parser_for(__doc__).parse_args()
scale = 2.0 if args.quick else 1.0
finish([row("fake", "tiny workload", "numba", 0.5 * scale, "scikit-learn", {peer} * scale,
            dtype="float64", at_least=1.5, aim=3),
        row("fake", "no peer here", "numpy", 0.002, "pytorch cpu", None, dtype="float32")],
       args)
'''


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


@pytest.fixture
def fake(tmp_path):
    def make(peer_seconds, name="bench_fake.py"):
        path = tmp_path / name
        path.write_text(FAKE.format(peer=peer_seconds))
        return str(path)
    return make


def test_runner_writes_one_table_and_a_json_with_the_machine(fake, tmp_path, capsys):
    run = load("run")
    out = tmp_path / "results"
    assert run.main([fake(1.0), "--out", str(out)]) == 0
    data = json.loads((out / "latest.json").read_text())
    assert {"cpu", "cores", "numpy", "numba", "sklearn", "torch", "blas", "date"} <= set(
        data["machine"])
    first, second = data["rows"]
    assert first["ratio"] == pytest.approx(2.0)           # peer 1.0 s / dlcourse 0.5 s
    assert first["at_least"] == 1.5 and first["aim"] == 3
    assert second["ratio"] is None and second["note"] == "peer not installed"
    table = (out / "latest.md").read_text()
    lines = [line for line in table.splitlines() if line.startswith("|")]
    assert len(lines) == 4                                 # heading, rule, two rows
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    assert "| 2.00x ok |" in table and "peer not installed" in table
    assert "2.00x ok" in capsys.readouterr().out           # printed as well


def test_runner_prints_how_each_ratio_moved_since_the_previous_run(fake, tmp_path, capsys):
    run = load("run")
    out = tmp_path / "results"
    assert run.main([fake(1.0), "--out", str(out)]) == 0
    assert run.main([fake(0.6), "--out", str(out)]) == 0   # compares with latest.json
    printed = capsys.readouterr().out
    assert "2.00x -> 1.20x  <-- slower" in printed
    assert "| 1.20x BELOW |" in (out / "latest.md").read_text()


def test_quick_mode_is_passed_to_every_script(fake, tmp_path):
    run = load("run")
    out = tmp_path / "results"
    assert run.main([fake(1.0), "--quick", "--out", str(out)]) == 0
    rows = json.loads((out / "latest.json").read_text())["rows"]
    assert rows[0]["seconds"] == 1.0                       # the fake doubles its times
    assert "Quick mode" in (out / "latest.md").read_text()


def test_a_failing_script_is_reported_and_the_others_still_run(fake, tmp_path, capsys):
    run = load("run")
    broken = tmp_path / "bench_broken.py"
    broken.write_text("raise SystemExit('cannot run here')\n")
    out = tmp_path / "results"
    assert run.main([str(broken), fake(1.0), "--out", str(out)]) == 1
    table = (out / "latest.md").read_text()
    assert "FAILED: bench_broken.py" in table and "| 2.00x ok |" in table
    assert "cannot run here" in capsys.readouterr().err


def test_a_row_needs_a_positive_time():
    report = load("_report")
    with pytest.raises(ValueError, match="positive number of seconds"):
        report.row("fake", "w", "numba", 0.0)
