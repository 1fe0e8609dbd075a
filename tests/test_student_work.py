"""`make work A=<id>`: a student's copy of an assignment that no other command deletes."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_perceptron"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


@pytest.fixture
def course(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copytree(ROOT / "exercises" / ASSIGNMENT, tmp_path / "exercises" / ASSIGNMENT)
    return tmp_path


def make_work(course, *args):
    return subprocess.run(["make", "-s", "work", *args], cwd=course, capture_output=True,
                          text=True, timeout=60)


def test_work_copies_the_release_once_and_never_overwrites_it(course):
    done = make_work(course, f"A={ASSIGNMENT}")
    assert done.returncode == 0, done.stderr
    mine = course / "work" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    release = course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert mine.read_bytes() == release.read_bytes()

    mine.write_text("my answers")
    again = make_work(course, f"A={ASSIGNMENT}")
    assert again.returncode == 0
    assert "nothing copied" in again.stdout and "FRESH=1" in again.stdout
    assert mine.read_text() == "my answers"


def test_a_fresh_copy_keeps_the_old_one_beside_it(course):
    make_work(course, f"A={ASSIGNMENT}")
    (course / "work" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").write_text("my answers")
    fresh = make_work(course, f"A={ASSIGNMENT}", "FRESH=1")
    assert fresh.returncode == 0, fresh.stderr
    kept = [p for p in (course / "work").iterdir() if p.name.startswith(f"{ASSIGNMENT}.")]
    assert len(kept) == 1 and (kept[0] / f"{ASSIGNMENT}.ipynb").read_text() == "my answers"
    assert (course / "work" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes() == \
        (course / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()


def test_a_missing_or_unknown_assignment_says_which_exist(course):
    for args in ([], ["A=99_nothing"]):
        wrong = make_work(course, *args)
        assert wrong.returncode != 0
        assert ASSIGNMENT in wrong.stdout
    assert not (course / "work").exists()


def test_git_ignores_the_work_folder():
    assert "work/" in (ROOT / ".gitignore").read_text().split()
