"""Fixtures shared by several test modules.

``built_book`` builds the book once per test run (session scope): the strict-build checks in
test_book_build.py and the browser check in test_book_browser.py look at the same site. The
build runs in the background from the moment the tests are collected.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The strict build runs beside the assignment tests on the same 2 cores, so its wall time
# depends on their load: 25 minutes were measured with other jobs on the machine. The limit
# catches a runaway build; the budget that counts is the whole run's 40 minutes.
BUILD_TIMEOUT_S = 1800


def jupyter_book_command():
    beside_python = Path(sys.executable).parent / "jupyter-book"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("jupyter-book")
    if found is None:
        pytest.fail("jupyter-book is not installed; run `make install` or "
                    "pip install -e '.[book]'")
    return found


class _BookBuild:
    """The strict book build, started in the background as soon as collection shows that a
    selected test needs it: it executes every page on one core while the other tests run on
    the other, instead of holding the whole run up when the first book test asks for it."""

    def __init__(self):
        self.out = Path(tempfile.mkdtemp(prefix="dlcourse-book-"))
        self.log = self.out / "build.log"
        command = [jupyter_book_command(), "build", "-W", "-n", "--keep-going",
                   "--path-output", str(self.out), str(ROOT)]
        self.start = time.perf_counter()
        self.end = None
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=ROOT)
        # note when it ends, which may be long before a test asks for it
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def _watch(self):
        self.process.wait()
        self.end = time.perf_counter()

    def wait(self):
        self.watcher.join(timeout=max(1.0, BUILD_TIMEOUT_S - (time.perf_counter() - self.start)))
        if self.end is None:
            self.process.kill()
            pytest.fail(f"the book build took more than {BUILD_TIMEOUT_S} s")
        seconds = self.end - self.start
        log = self.log.read_text(errors="replace")
        assert self.process.returncode == 0, (
            f"strict book build failed (exit {self.process.returncode}) after {seconds:.0f} s; "
            f"last lines of its output:\n{log[-6000:]}"
        )
        return self.out / "_build" / "html", seconds

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.out, ignore_errors=True)


_build = None


def pytest_collection_finish(session):
    """Start the build once the selection is final (after -k and -m), if a test needs it."""
    global _build
    if os.environ.get("DLCOURSE_BOOK_HTML") or session.config.option.collectonly:
        return
    if any("built_book" in getattr(item, "fixturenames", ()) for item in session.items):
        _build = _BookBuild()


def pytest_sessionfinish(session, exitstatus):
    if _build is not None:
        _build.stop()


@pytest.fixture(scope="session")
def built_book():
    """The strict build of the book, once per session: (html folder, seconds it took).

    The build executes every page (a cold cache), treats every Sphinx warning as an error and
    writes nothing into the repository: ``--path-output`` sends the HTML, the doctrees and the
    execution cache to a temporary directory. It starts in the background when the tests are
    collected (see ``_BookBuild``).

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
    assert _build is not None, "the book build should have started when the tests were collected"
    html_dir, seconds = _build.wait()
    print(f"\nbook built in {seconds:.1f} s")
    return html_dir, seconds


# --- a real PostgreSQL server (tests/_postgres.py) ---------------------------------------------

@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server started for this test run on 127.0.0.1 and stopped after it.

    A test that asks for it FAILS when the server cannot start (the message says what to
    install): the server gradebook is part of what the course ships, not an optional extra.
    """
    from _postgres import PostgresUnavailable, start_server
    try:
        server = start_server()
    except PostgresUnavailable as exc:
        pytest.fail(f"cannot start a PostgreSQL server for the gradebook tests: {exc}",
                    pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the test server (dropped after the test): its URL."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
