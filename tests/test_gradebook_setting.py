"""One setting picks the gradebook: DLCOURSE_DB_URL, then course.yml, then SQLite in _grading/.

nbgrader_config.py (so every nbgrader command) and ``make autograde`` read the same setting;
without it nothing changes for a single instructor.
"""

import os
from pathlib import Path

import pytest

from dlcourse.grading.gradebook import (ENV, GradebookError, gradebook_url, is_sqlite, redacted,
                                        require_server)

ROOT = Path(__file__).resolve().parents[1]
SERVER = "postgresql://grader:s3cret@db.example.org:5432/dlcourse"


@pytest.fixture(autouse=True)
def no_setting(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


def test_default_is_the_sqlite_file_nbgrader_config_always_used(tmp_path):
    assert gradebook_url(tmp_path) == "sqlite:///" + os.path.join(str(tmp_path), "_grading",
                                                                  "gradebook.db")
    assert is_sqlite(gradebook_url(tmp_path))
    # a course.yml without the setting (the repository's) changes nothing
    (tmp_path / "course.yml").write_text((ROOT / "course.yml").read_text())
    assert is_sqlite(gradebook_url(tmp_path))


def test_course_yml_then_the_environment_choose_a_server(tmp_path, monkeypatch):
    (tmp_path / "course.yml").write_text(
        "chapters: {}\ngrading:\n  db_url: postgresql://grader@db/dlcourse\n")
    # postgresql:// is read with the psycopg driver the grading extra installs
    assert gradebook_url(tmp_path) == "postgresql+psycopg://grader@db/dlcourse"
    monkeypatch.setenv(ENV, SERVER)
    assert gradebook_url(tmp_path) == SERVER.replace("postgresql://", "postgresql+psycopg://")
    monkeypatch.setenv(ENV, "postgresql+psycopg2://a@b/c")       # an explicit driver is kept
    assert gradebook_url(tmp_path) == "postgresql+psycopg2://a@b/c"
    monkeypatch.setenv(ENV, "  ")                                 # empty: not set
    assert gradebook_url(tmp_path) == "postgresql+psycopg://grader@db/dlcourse"


def test_a_malformed_url_says_where_it_came_from_and_how_to_write_it(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, "localhost:5432/dlcourse")
    with pytest.raises(GradebookError, match=f"the environment variable {ENV} .* not a "
                                             "database URL; write it as postgresql://"):
        gradebook_url(tmp_path)


def test_messages_never_show_the_password():
    assert "s3cret" not in redacted(SERVER) and "***" in redacted(SERVER)
    with pytest.raises(GradebookError) as info:
        require_server("sqlite:////course/_grading/gradebook.db", "grading with --jobs 4")
    assert "grading with --jobs 4 needs the gradebook on a database server" in str(info.value)
    require_server(SERVER, "anything")          # a server URL passes


def test_nbgrader_config_reads_the_setting(monkeypatch):
    from traitlets.config.loader import PyFileConfigLoader

    def load():
        return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()

    assert load().CourseDirectory.db_url == gradebook_url(ROOT)
    assert is_sqlite(load().CourseDirectory.db_url)
    monkeypatch.setenv(ENV, SERVER)
    assert load().CourseDirectory.db_url == gradebook_url(ROOT) != SERVER
    assert load().CourseDirectory.db_url.endswith("@db.example.org:5432/dlcourse")
