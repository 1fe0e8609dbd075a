"""Fixtures shared by several test modules.

``built_book`` builds the book once per test run (session scope): the strict-build checks in
test_book_build.py and the browser check in test_book_browser.py look at the same site.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 1200


def jupyter_book_command():
    beside_python = Path(sys.executable).parent / "jupyter-book"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed; run `make install` or "
                    "pip install -e '.[book]'")
    return found


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """Build the book strictly, once per session; return (html folder, seconds taken).

    The build executes every page (a cold cache), treats every Sphinx warning as an error and
    writes nothing into the repository: ``--path-output`` sends the HTML, the doctrees and the
    execution cache to a temporary directory.

    Set ``DLCOURSE_BOOK_HTML`` to the ``_build/html`` folder of a build you made yourself to
    check it without building again (for example while working on the browser check).
    """
    given = os.environ.get("DLCOURSE_BOOK_HTML")
    if given:
        html_dir = Path(given).resolve()
        assert (html_dir / "index.html").is_file(), (
            f"DLCOURSE_BOOK_HTML={given} has no index.html; point it at a built _build/html"
        )
        return html_dir, 0.0
    out = tmp_path_factory.mktemp("book")
    command = [jupyter_book_command(), "build", "-W", "-n", "--keep-going",
               "--path-output", str(out), str(ROOT)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
                            cwd=ROOT)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    assert result.returncode == 0, (
        f"strict book build failed (exit {result.returncode}) after {seconds:.0f} s; "
        f"last lines of its output:\n{log[-6000:]}"
    )
    print(f"\nbook built in {seconds:.1f} s")
    return out / "_build" / "html", seconds
