"""nbgrader settings every single-user server of the course hub reads: the exchange and who
submits.

Book: how_to_use, "For instructors".

The hub puts this folder on each server's ``JUPYTER_CONFIG_PATH`` (``hub/jupyterhub_config.py``),
so nbgrader's assignment list (students: fetch, submit) and the instructor's ``nbgrader
release_assignment`` / ``nbgrader collect`` meet in one exchange. A host may instead copy this
file to ``/etc/jupyter/nbgrader_config.py``. The course itself (its id, ``solutions/`` ->
``exercises/``, ``_grading/``) is the repository's own ``nbgrader_config.py``: it is read only
where the course is, by the instructor.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

# The exchange: one folder every server can reach (on a cluster, a shared file system).
# nbgrader creates <root>/<course_id>/outbound (released, readable by all) and inbound
# (submissions: students may write but not list it) on the first release; the root itself
# must exist and be writable by everyone, with the sticky bit:
#     mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")

# Who submits. nbgrader names a submission after the Unix account of the server that sends it,
# which is right when each student's server runs as that student (LocalProcessSpawner,
# SystemdSpawner) and meaningless when all run as one account (a container image's user, or
# the tests' SimpleLocalProcessSpawner). The hub passes each student's hub name here; the
# instructor's servers get none, so that `nbgrader collect` there still means every student.
if os.environ.get("NBGRADER_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["NBGRADER_STUDENT_ID"]
