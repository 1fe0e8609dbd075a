"""Which gradebook the course uses: SQLite under ``_grading/`` unless one setting says otherwise.

Book: how_to_use, "For instructors".

One instructor on one machine needs nothing: the gradebook is the SQLite file
``_grading/gradebook.db``. A large course keeps it on a database server (PostgreSQL), which
many grading processes can write at once. One setting chooses, read by ``nbgrader_config.py``
(so by every nbgrader command, the formgrader included), by ``make autograde`` and by
everything else in the package that opens the gradebook:

1. the environment variable ``DLCOURSE_DB_URL``, when it is set and not empty;
2. otherwise ``grading: db_url:`` in the course's ``course.yml``;
3. otherwise ``sqlite:///<course>/_grading/gradebook.db``.

A URL is SQLAlchemy's: ``postgresql://user:password@host:5432/dbname``, read with the
``psycopg`` (3) driver that the ``grading`` extra installs. Keep a password out of
``course.yml``, which is committed: put the URL in the environment, or leave the password out
of the URL and give it to libpq in ``~/.pgpass``.
"""

import os
from pathlib import Path

__all__ = ["ENV", "GradebookError", "gradebook_url", "is_sqlite", "redacted", "require_server"]

ENV = "DLCOURSE_DB_URL"


class GradebookError(ValueError):
    """The gradebook setting cannot be used for what was asked."""


def _from_manifest(root):
    manifest = Path(root) / "course.yml"
    if not manifest.is_file():
        return None
    text = manifest.read_text(encoding="utf-8")
    if "db_url" not in text:            # the common case needs no YAML parser
        return None
    import yaml
    grading = (yaml.safe_load(text) or {}).get("grading") or {}
    return grading.get("db_url") or None


def gradebook_url(root="."):
    """The gradebook's database URL for the course at ``root`` (see the module).

    Parameters
    ----------
    root : path
        The course folder (the one with ``nbgrader_config.py`` and ``course.yml``).

    Returns
    -------
    str
        A SQLAlchemy URL; the default is ``sqlite:///<root>/_grading/gradebook.db`` with
        ``root`` made absolute (the URL ``nbgrader_config.py`` always gave).
    """
    url = os.environ.get(ENV, "").strip() or _from_manifest(root)
    if not url:
        return "sqlite:///" + os.path.join(os.path.abspath(root), "_grading", "gradebook.db")
    _check(url, "the environment variable " + ENV if os.environ.get(ENV, "").strip()
           else "course.yml (grading: db_url)")
    if url.startswith("postgresql://"):
        # the driver the grading extra installs; SQLAlchemy before 2.1 would look for psycopg2
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _check(url, where):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        make_url(url)
    except ArgumentError:
        raise GradebookError(
            f"{where} gives the gradebook URL {url!r}, which is not a database URL; write it "
            "as postgresql://USER:PASSWORD@HOST:5432/DBNAME (or sqlite:///PATH for a file)"
        ) from None


def is_sqlite(url):
    """True when ``url`` names a SQLite database (a file on this machine)."""
    return url.split(":", 1)[0].split("+", 1)[0].lower() == "sqlite"


def redacted(url):
    """``url`` with its password replaced by ``***``, for messages and logs."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def require_server(url, why):
    """Raise :class:`GradebookError` saying how to set a server URL when ``url`` is SQLite.

    Parameters
    ----------
    url : str
        The gradebook URL in use.
    why : str
        What needs the server, e.g. ``"grading with --jobs 4"``.
    """
    if is_sqlite(url):
        raise GradebookError(
            f"{why} needs the gradebook on a database server: the SQLite gradebook "
            f"({redacted(url)}) is not safe with several processes writing at once. Create a "
            "PostgreSQL database (createdb dlcourse), point the course at it with "
            f"{ENV}=postgresql://USER:PASSWORD@HOST:5432/dlcourse (or `grading: db_url:` in "
            "course.yml), register the assignments in it once (make assignments), then grade "
            "again. Without it, grade one submission at a time (JOBS=1, the default).")
