"""JupyterHub for a dlcourse course: students fetch and submit through nbgrader's exchange, the
instructor releases, collects and grades in the course folder (this repository).

Book: how_to_use, "For instructors".

Start it on the course host as root (LocalProcessSpawner starts each user's server as that
user's Unix account), with the course environment on PATH::

    PATH=/srv/dlcourse/.venv/bin:$PATH jupyterhub -f /srv/dlcourse/hub/jupyterhub_config.py

What a host sets, by environment variable or by editing the defaults below:

``DLCOURSE_COURSE_ROOT``   the course folder, a clone of this repository owned by the instructor
                           and readable by nobody else (``solutions/`` holds the hidden tests);
                           default: the repository this file is in
``DLCOURSE_INSTRUCTORS``   comma-separated hub user names who grade (default ``instructor``)
``DLCOURSE_GROUP``         the Unix group whose members may log in (PAM; default ``dlcourse``)
``DLCOURSE_SERVER_CONFIG`` the Jupyter config folder every server reads: this folder's
                           ``jupyter/`` (the exchange; copy it outside the course folder when
                           students must not read that)
``NBGRADER_EXCHANGE_ROOT`` the exchange folder (``hub/jupyter/nbgrader_config.py``), passed on
                           to every server

Everything else is JupyterHub's defaults: PAM login, a ``configurable-http-proxy`` found on
PATH, the hub database in the working directory. ``hub/README.md`` explains the pieces and
what to change for OAuth logins and container or systemd spawners.
"""

import os
import sys

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HERE = os.path.dirname(os.path.abspath(__file__))
COURSE_ROOT = os.path.abspath(os.environ.get("DLCOURSE_COURSE_ROOT", os.path.dirname(HERE)))
INSTRUCTORS = {name.strip() for name in os.environ.get("DLCOURSE_INSTRUCTORS",
                                                        "instructor").split(",") if name.strip()}
if not os.path.isfile(os.path.join(COURSE_ROOT, "nbgrader_config.py")):
    raise SystemExit(f"{COURSE_ROOT} is not a course folder (it has no nbgrader_config.py): set "
                     "DLCOURSE_COURSE_ROOT to the instructor's clone of the course")
SERVER_CONFIG = os.environ.get("DLCOURSE_SERVER_CONFIG", os.path.join(HERE, "jupyter"))
# switches the formgrader and the assignment-authoring tools off for students
STUDENT_CONFIG = os.path.join(HERE, "jupyter-student")

# Who may log in: the host's accounts in the course's Unix group (swap the authenticator for
# an OAuth one, e.g. oauthenticator's GitHubOAuthenticator, and allow by organisation or list).
c.JupyterHub.authenticator_class = "pam"
c.LocalAuthenticator.allowed_groups = {os.environ.get("DLCOURSE_GROUP", "dlcourse")}
# instructors may log in even when not in the group, and are the hub's admins
c.Authenticator.allowed_users = set(INSTRUCTORS)
c.Authenticator.admin_users = set(INSTRUCTORS)

# The proxy installed beside the hub (`make install`: the Python configurable-http-proxy from
# PyPI) rather than whichever comes first on PATH; hub/README.md says when to use another.
_PROXY = os.path.join(os.path.dirname(sys.executable), "configurable-http-proxy")
if os.path.exists(_PROXY):
    c.ConfigurableHTTPProxy.command = [_PROXY]

# Each user's server runs as that user's Unix account (JupyterHub's default spawner), so the
# exchange's permissions keep one student's submission from another.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.default_url = "/lab"
# The exchange folder reaches every server, and through them every nbgrader command.
c.Spawner.env_keep.append("NBGRADER_EXCHANGE_ROOT")   # added to JupyterHub's list


def is_instructor(spawner):
    return spawner.user.name in INSTRUCTORS


def jupyter_config_path(spawner):
    """Where each server's Jupyter and nbgrader look for configuration, first found first.

    Everyone reads the exchange settings. The instructor also reads the course's own
    ``nbgrader_config.py`` from wherever a command runs (nbgrader otherwise reads it only
    when started inside the course folder, and a server starts in the user's home); students
    read the settings that keep the grading tools out of their servers."""
    if is_instructor(spawner):
        return os.pathsep.join([COURSE_ROOT, SERVER_CONFIG])
    return os.pathsep.join([STUDENT_CONFIG, SERVER_CONFIG])


def student_id(spawner):
    """The hub's name for a student, the name their submissions carry (none for instructors)."""
    return "" if is_instructor(spawner) else spawner.user.name


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
    "NBGRADER_STUDENT_ID": student_id,
}


def open_the_course_folder(spawner):
    """The instructor's server opens the course folder (the formgrader needs the course
    inside the server's root)."""
    if is_instructor(spawner):
        spawner.notebook_dir = COURSE_ROOT


c.Spawner.pre_spawn_hook = open_the_course_folder
