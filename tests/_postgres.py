"""A real PostgreSQL server for the tests and benchmarks, in a temporary folder, on 127.0.0.1.

Book: how_to_use, "For instructors".

The server is Debian's ``postgresql`` (requirements/debian.txt): ``initdb`` makes a cluster in a
temporary folder and ``pg_ctl`` runs it on a free port of 127.0.0.1 (its socket goes into the
same folder, never into /var/run), with password authentication over TCP, as a course's
gradebook server would have. PostgreSQL refuses to run as root: as root the folder belongs to
the ``postgres`` system user and the commands run as that user (``runuser``).

``DLCOURSE_PG_BIN`` names the folder of ``initdb`` and ``pg_ctl`` when they are elsewhere than
``/usr/lib/postgresql/<version>/bin`` or on PATH.
"""

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

INSTALL = ("install Debian's `postgresql` package (`apt-get install postgresql`; it is listed in "
           "requirements/debian.txt, which `make install` installs when run as root), or set "
           "DLCOURSE_PG_BIN to the folder that holds initdb and pg_ctl")


class PostgresUnavailable(RuntimeError):
    """The server cannot be started here; the message says what to install."""


def pg_bindir():
    """The folder with ``initdb`` and ``pg_ctl``: DLCOURSE_PG_BIN, Debian's newest version, or
    PATH."""
    given = os.environ.get("DLCOURSE_PG_BIN")
    candidates = [given] if given else []

    def version(path):
        found = re.search(r"postgresql/(\d+)", path)
        return int(found.group(1)) if found else 0

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise PostgresUnavailable(f"no PostgreSQL server programs (initdb, pg_ctl) found: {INSTALL}")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster: ``start()``, ``create_database()`` for each test, ``stop()``.

    Parameters
    ----------
    user, password : str
        The superuser the tests connect as (over TCP, with the password).
    """

    def __init__(self, user="dlcourse", password=None):
        self.bindir = pg_bindir()
        self.user = user
        self.password = password or uuid.uuid4().hex
        self.port = None
        self.folder = Path(tempfile.mkdtemp(prefix="dlcourse-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.as_root = os.geteuid() == 0

    def _run(self, *args, timeout=120):
        cmd = [str(self.bindir / args[0]), *map(str, args[1:])]
        if self.as_root:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("PostgreSQL refuses to run as root and `runuser` "
                                          "(util-linux) is missing to run it as `postgres`")
            cmd = [runuser, "-u", "postgres", "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.is_file() else ""
            raise PostgresUnavailable(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n"
                                      f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}\n{log}")
        return proc

    def start(self, attempts=3):
        """initdb and start the server on a free port; returns self."""
        pwfile = self.folder / "password"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            try:
                import pwd
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(f"there is no `postgres` system user: {INSTALL}") \
                    from None
            for path in (self.folder, pwfile):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", self.data, "-U", self.user, f"--pwfile={pwfile}",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        pwfile.unlink()
        for attempt in range(attempts):
            # another process may take the port between the check and the start: try again
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                       f"-c unix_socket_directories={self.folder} -c max_connections=200 "
                       # a test server: durability is not the point, speed is
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w",
                          "-t", "60", "start")
                return self
            except PostgresUnavailable:
                if attempt == attempts - 1:
                    raise
                time.sleep(1)
        return self

    def url(self, database="postgres"):
        """SQLAlchemy URL of ``database`` on this server, as a course host writes it."""
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql):
        import sqlalchemy
        engine = sqlalchemy.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(sqlalchemy.text(sql))
        finally:
            engine.dispose()

    def create_database(self, name=None):
        """A new empty database; returns its URL."""
        name = name or f"gradebook_{uuid.uuid4().hex[:10]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url):
        name = url.rsplit("/", 1)[-1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self):
        """Stop the server and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server():
    """A started server; raises :class:`PostgresUnavailable` saying what to install."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise PostgresUnavailable("the PostgreSQL driver is missing: pip install -e "
                                  "'.[grading]' (psycopg)") from None
    server = PostgresServer()
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise
