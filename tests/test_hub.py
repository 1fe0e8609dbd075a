"""Release and collection through JupyterHub, end to end, with the course's own hub settings.

A real JupyterHub starts on 127.0.0.1 (free ports) from ``hub/jupyterhub_config.py``, with two
test substitutions: logins by a shared password (JupyterHub's SharedPasswordAuthenticator)
and SimpleLocalProcessSpawner (every server runs as this process's user, each in its own home
in a temporary folder). The course folder is a temporary copy of the course with one
assignment. Then, over HTTP through the proxy, as people in a browser would:

1. the instructor logs in; in the formgrader of the instructor's server, generates and
   releases ``01_perceptron`` to the exchange, while alice and bob log in;
2. each student's server fetches the assignment through nbgrader's
   assignment list (``/user/<name>/assignments/fetch``); alice writes the solution into her
   copy (the contents API, as JupyterLab saves), bob leaves his as released; both submit
   (``/user/<name>/assignments/submit``); alice's kernel then runs code over its websocket
   through the proxy, as JupyterLab's would;
3. in the environment of the instructor's server (what its terminal has), the course folder
   collects (``nbgrader collect``), grades (``python -m dlcourse.grading autograde``) and
   exports (``nbgrader export``, as ``make grades``).

The grades must be alice: every autograded test in full, bob: zero. Every process the test
starts carries a marker in its environment, and teardown ends all of them even when a step
fails.
"""

import copy
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import requests
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "01_perceptron"
COURSE_ID = "dlcourse"                      # the repository's nbgrader_config.py
INSTRUCTOR = "instructor"                   # hub/jupyterhub_config.py's default
SOLVER, IDLE = "alice", "bob"               # alice hands in the solution, bob the release
START_TIMEOUT = 120     # seconds for the hub or one server to answer, on a loaded machine
MARKER = "DLCOURSE_HUB_TEST"                # environment variable naming this test's processes
MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
INSTALL = ("run `make install`, or pip install -c requirements/constraints-py311.txt "
           "-e '.[hub]' (the hub extra in pyproject.toml)")

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="spawns local servers and reads /proc (Linux)")


# --- the tools ---------------------------------------------------------------------------------

def tool(name):
    """An executable installed beside this Python (the course environment), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed, so the hub test cannot run: {INSTALL}")
    return found


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def marked_processes(token):
    """pid -> environment of every live process whose environment carries this test's marker."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "environ").read_bytes()
        except OSError:                     # gone, or a zombie
            continue
        env = dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0")
                   if "=" in item)
        if env.get(MARKER) == token:
            found[int(entry.name)] = env
    return found


# --- notebooks ---------------------------------------------------------------------------------

def nbg(cell):
    return cell.metadata.get("nbgrader", {})


def filled(release, source):
    """The student version with the source's answers in every solution cell."""
    answers = {nbg(c)["grade_id"]: c.source for c in source.cells if nbg(c).get("solution")}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if nbg(cell).get("solution"):
            cell.source = "\n".join(line for line in answers[nbg(cell)["grade_id"]].split("\n")
                                    if not any(marker in line for marker in MARKERS))
    return nb


def autograded_points(source):
    """Points of the test cells the grader scores by itself (written answers wait for a person)."""
    return sum(nbg(c)["points"] for c in source.cells
               if nbg(c).get("grade") and not nbg(c).get("solution") and c.cell_type == "code")


# --- the hub -----------------------------------------------------------------------------------

TEST_CONFIG = """\
# hub/jupyterhub_config.py with a test login and a test spawner, on free local ports
load_subconfig({hub_config!r})
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {student_password!r}
c.SharedPasswordAuthenticator.admin_password = {instructor_password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.args = ["--allow-root"]          # CI runs as root
c.Spawner.env_keep.append({marker!r})
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {state!r} + "/proxy.pid"
c.JupyterHub.db_url = "sqlite:///" + {state!r} + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {state!r} + "/cookie_secret"
"""


class Hub:
    """A running JupyterHub and the folders around it."""

    def __init__(self, base, course):
        self.base, self.course = base, course
        self.token = secrets.token_hex(8)
        self.state, self.homes, self.exchange = base / "hub", base / "home", base / "exchange"
        for folder in (self.state, self.homes, self.exchange):
            folder.mkdir()
        self.exchange.chmod(0o1777)         # what a host does once (hub/README.md)
        self.passwords = {"student": secrets.token_urlsafe(12),
                          "instructor": secrets.token_urlsafe(32)}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = self.state / "jupyterhub_config.py"
        config.write_text(TEST_CONFIG.format(
            hub_config=str(ROOT / "hub" / "jupyterhub_config.py"),
            student_password=self.passwords["student"],
            instructor_password=self.passwords["instructor"],
            homes=str(self.homes), marker=MARKER, timeout=START_TIMEOUT, port=self.port,
            hub_port=free_port(), api_port=free_port(), proxy=tool("configurable-http-proxy"),
            state=str(self.state)))
        # the hub's settings come from this test alone, not from the caller's environment
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTERHUB_", "JUPYTER_CONFIG", "NBGRADER_", "DLCOURSE_"))}
        env.update({MARKER: self.token, "DLCOURSE_COURSE_ROOT": str(course),
                    "NBGRADER_EXCHANGE_ROOT": str(self.exchange), "JUPYTER_PLATFORM_DIRS": "1",
                    "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                             env.get("PATH", "")])})
        self.log = self.state / "jupyterhub.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen([tool("jupyterhub"), "-f", str(config)],
                                            cwd=self.state, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, chars=6000):
        return self.log.read_text(errors="replace")[-chars:]

    def wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"jupyterhub exited ({self.process.returncode}) while starting:\n"
                            f"{self.log_tail()}")
            try:
                if requests.get(self.url + "/hub/api", timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        pytest.fail(f"the hub did not answer on {self.url} within {START_TIMEOUT} s:\n"
                    f"{self.log_tail()}")

    def stop(self):
        """SIGTERM the hub (it stops the servers and the proxy), then kill what is left."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in marked_processes(self.token):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def environment_of(self, user):
        """The environment of a user's server, as a terminal in it would have."""
        for env in marked_processes(self.token).values():
            if env.get("JUPYTERHUB_USER") == user and "JUPYTERHUB_API_TOKEN" in env:
                return env
        pytest.fail(f"no server process of {user} found:\n{self.log_tail()}")


class Person:
    """One person with a browser: logged in to the hub, then to their own server."""

    def __init__(self, hub, name, password):
        self.hub, self.name, self.password = hub, name, password
        self.session = requests.Session()
        self.server = f"{hub.url}/user/{name}"

    def log_in_and_start(self):
        s, url = self.session, self.hub.url
        s.get(url + "/hub/login", timeout=60).raise_for_status()
        r = s.post(url + "/hub/login", allow_redirects=False, timeout=60,
                   data={"username": self.name, "password": self.password,
                         "_xsrf": s.cookies.get("_xsrf", path="/hub/")})
        assert r.status_code == 302, f"{self.name} could not log in ({r.status_code})"
        s.get(url + "/hub/spawn", timeout=60)        # what the browser opens after logging in
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            me = s.get(url + "/hub/api/user", timeout=60).json()
            server = me.get("servers", {}).get("")
            if server and server.get("ready"):
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"{self.name}'s server did not start within {START_TIMEOUT} s:\n"
                        f"{self.hub.log_tail()}")
        # opening the server logs in to it (OAuth with the hub) and sets its _xsrf cookie
        r = s.get(self.server + "/lab", timeout=60)
        assert r.ok and r.url.startswith(self.server), f"{self.name}: {r.status_code} {r.url}"
        s.headers["X-XSRFToken"] = s.cookies.get("_xsrf", path=f"/user/{self.name}/")
        return self

    def get(self, path, **kwargs):
        return self.session.get(self.server + path, timeout=120, **kwargs)

    def post(self, path, **kwargs):
        return self.session.post(self.server + path, timeout=300, **kwargs)

    def put(self, path, **kwargs):
        return self.session.put(self.server + path, timeout=120, **kwargs)

    def run_code(self, code):
        """Run code in a new kernel of this person's server, over the kernel's websocket
        through the proxy as JupyterLab does; returns what it printed."""
        import websocket                    # websocket-client, a dependency of jupyter_server

        r = self.post("/api/kernels", json={"name": "python3"})
        assert r.ok, f"{self.name} cannot start a kernel: {r.status_code} {r.text[:500]}"
        url = f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{r.json()['id']}"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        xsrf = self.session.headers["X-XSRFToken"]
        ws = websocket.create_connection(url + "/channels", cookie=cookies, timeout=START_TIMEOUT,
                                         header=[f"X-XSRFToken: {xsrf}"])
        msg_id, printed = uuid.uuid4().hex, []
        try:
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "version": "5.3",
                           "username": self.name, "session": uuid.uuid4().hex, "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": code, "silent": False, "store_history": False,
                            "user_expressions": {}, "allow_stdin": False,
                            "stop_on_error": True}}))
            # the reply comes on the shell channel and the output on iopub, in no set order
            # between them: the output is complete when iopub reports the kernel idle again
            replied = idle = False
            while not (replied and idle):
                message = json.loads(ws.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if message["msg_type"] in ("stream", "error"):
                    printed.append(message["content"].get("text")
                                   or "\n".join(message["content"]["traceback"]))
                replied = replied or message["msg_type"] == "execute_reply"
                idle = idle or (message["msg_type"] == "status"
                                and message["content"].get("execution_state") == "idle")
            return "".join(printed)
        finally:
            ws.close()

    def assignments(self, action=None):
        """nbgrader's assignment list: the list, or fetch/submit, as the JupyterLab panel does."""
        if action is None:
            r = self.get("/assignments", params={"course_id": COURSE_ID})
        else:
            r = self.post(f"/assignments/{action}",
                          data={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})
        assert r.ok, f"{self.name}: assignments {action or 'list'}: {r.status_code} {r.text[:500]}"
        answer = r.json()
        assert answer["success"], f"{self.name}: assignments {action or 'list'}: {answer}"
        return {a["status"]: a for a in answer["value"] if a["assignment_id"] == ASSIGNMENT}


def release(teacher):
    """The instructor's Generate and Release buttons in the formgrader."""
    teacher.log_in_and_start()
    for step in ("assign", "release"):
        r = teacher.post(f"/formgrader/api/assignment/{ASSIGNMENT}/{step}")
        assert r.ok and r.json()["success"], f"formgrader {step}: {r.status_code} {r.text}"


def run(command, course, env, timeout=600):
    proc = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True,
                          timeout=timeout)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, (f"{' '.join(map(str, command))} failed ({proc.returncode}):\n"
                                  f"{output[-5000:]}")
    return output


# --- the configuration files on their own (fast) ----------------------------------------------

def load(path):
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def spawner(name):
    return SimpleNamespace(user=SimpleNamespace(name=name), notebook_dir="")


def test_the_hub_gives_students_their_name_and_the_instructor_the_course(monkeypatch):
    monkeypatch.delenv("DLCOURSE_COURSE_ROOT", raising=False)
    monkeypatch.delenv("DLCOURSE_INSTRUCTORS", raising=False)
    monkeypatch.delenv("DLCOURSE_SERVER_CONFIG", raising=False)
    c = load(ROOT / "hub" / "jupyterhub_config.py")
    env, hook = c.Spawner.environment, c.Spawner.pre_spawn_hook
    alice, teacher = spawner("alice"), spawner(INSTRUCTOR)
    assert env["NBGRADER_STUDENT_ID"](alice) == "alice"
    assert env["NBGRADER_STUDENT_ID"](teacher) == ""       # collect must mean every student
    exchange = str(ROOT / "hub" / "jupyter")
    assert env["JUPYTER_CONFIG_PATH"](alice).split(os.pathsep) == [
        str(ROOT / "hub" / "jupyter-student"), exchange]
    assert env["JUPYTER_CONFIG_PATH"](teacher).split(os.pathsep) == [str(ROOT), exchange]
    hook(alice), hook(teacher)
    assert (alice.notebook_dir, teacher.notebook_dir) == ("", str(ROOT))
    assert "NBGRADER_EXCHANGE_ROOT" in c.Spawner.env_keep.get_value([])
    assert c.Authenticator.admin_users == {INSTRUCTOR}


def test_the_hub_refuses_a_course_folder_that_is_not_one(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_COURSE_ROOT", str(tmp_path))
    with pytest.raises(SystemExit, match="DLCOURSE_COURSE_ROOT"):
        load(ROOT / "hub" / "jupyterhub_config.py")


def test_every_server_reads_the_exchange_and_the_student_the_hub_names(monkeypatch):
    path = ROOT / "hub" / "jupyter" / "nbgrader_config.py"
    monkeypatch.setenv("NBGRADER_EXCHANGE_ROOT", "/data/exchange")
    monkeypatch.setenv("NBGRADER_STUDENT_ID", "alice")
    c = load(path)
    assert (c.Exchange.root, c.CourseDirectory.student_id) == ("/data/exchange", "alice")
    monkeypatch.delenv("NBGRADER_EXCHANGE_ROOT")
    monkeypatch.delenv("NBGRADER_STUDENT_ID")
    c = load(path)
    assert c.Exchange.root == "/srv/nbgrader/exchange"
    assert "student_id" not in c.CourseDirectory     # nbgrader's default, "*": every student


def test_students_servers_load_the_assignment_list_and_not_the_formgrader():
    settings = json.loads((ROOT / "hub" / "jupyter-student" / "jupyter_server_config.json")
                          .read_text())["ServerApp"]["jpserver_extensions"]
    assert settings["nbgrader.server_extensions.assignment_list"] is True
    assert settings["nbgrader.server_extensions.formgrader"] is False
    hidden = json.loads((ROOT / "hub" / "jupyter-student" / "labconfig" / "page_config.json")
                        .read_text())["disabledExtensions"]
    assert hidden["@jupyter/nbgrader:formgrader"] and hidden["@jupyter/nbgrader:create-assignment"]


def test_a_missing_hub_or_proxy_fails_and_says_what_to_install():
    with pytest.raises(pytest.fail.Exception, match="make install"):
        tool("a-tool-that-is-not-installed")


# --- the run -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    """Everything above, once; returns what the tests look at."""
    base = tmp_path_factory.mktemp("hub")
    course = base / "course"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copy(ROOT / "course.yml", course / "course.yml")       # the grading settings
    source = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)

    out, timings = {"source": source, "course": course}, {}
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now

    hub = Hub(base, course)
    try:
        hub.wait_until_up()
        lap("hub up")
        teacher = Person(hub, INSTRUCTOR, hub.passwords["instructor"])
        alice, bob = (Person(hub, name, hub.passwords["student"]) for name in (SOLVER, IDLE))
        # the students log in and their servers start while the instructor releases
        with ThreadPoolExecutor(3) as pool:
            releasing = pool.submit(release, teacher)
            starting = [pool.submit(student.log_in_and_start) for student in (alice, bob)]
            releasing.result()
            for future in starting:
                future.result()
        out["released"] = sorted(p.name for p in (hub.exchange / COURSE_ID / "outbound" /
                                                  ASSIGNMENT).iterdir())
        out["formgrader"] = {who.name: who.get("/formgrader/api/status").status_code
                             for who in (teacher, alice)}
        lap("log-ins and servers, generate and release")

        out["listed"], out["fetched"], out["submitted"] = {}, {}, {}
        for student in (alice, bob):
            out["listed"][student.name] = student.assignments()
            out["fetched"][student.name] = student.assignments("fetch")
            path = f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
            r = student.get(path)
            assert r.ok, f"{student.name} cannot open the fetched notebook: {r.status_code}"
            if student is alice:
                fetched = nbformat.from_dict(r.json()["content"])
                r = student.put(path, json={"type": "notebook", "format": "json",
                                            "content": filled(fetched, source)})
                assert r.ok, f"alice could not save her notebook: {r.status_code} {r.text}"
            out["submitted"][student.name] = student.assignments("submit")
        out["inbound"] = sorted(p.name.split("+")[0] for p in
                                (hub.exchange / COURSE_ID / "inbound").iterdir())
        lap("fetch, work, submit")

        env = hub.environment_of(INSTRUCTOR)
        with ThreadPoolExecutor(1) as pool:         # a student works on while grading starts
            working = pool.submit(alice.run_code, "import os, dlcourse\n"
                                  "print(os.environ['JUPYTERHUB_USER'], dlcourse.__name__)")
            run([tool("nbgrader"), "collect", ASSIGNMENT], course, env)
            out["kernel"] = working.result()
        out["collected"] = sorted(p.parent.name for p in
                                  (course / "_grading" / "submitted").glob(f"*/{ASSIGNMENT}"))
        lap("collect")
        out["autograde"] = run([sys.executable, "-m", "dlcourse.grading", "autograde"],
                               course, env)
        lap("autograde")
        print("\n" + out["autograde"].strip())
        run([tool("nbgrader"), "export", "--to", str(course / "_grading" / "grades.csv")],
            course, env)
        with open(course / "_grading" / "grades.csv", newline="") as fh:
            out["grades"] = {row["student_id"]: row for row in csv.DictReader(fh)
                             if row.get("assignment") == ASSIGNMENT}
        lap("export")
    finally:
        hub.stop()
        out["left running"] = marked_processes(hub.token)
    print("\nhub run timings (s):", ", ".join(f"{k} {v:.1f}" for k, v in timings.items()),
          f"; total {sum(timings.values()):.1f}")
    out["timings"] = timings
    return out


# --- the tests ---------------------------------------------------------------------------------

def test_the_instructor_releases_through_the_formgrader_and_students_have_none(semester):
    assert semester["released"] == [f"{ASSIGNMENT}.ipynb"]
    assert semester["formgrader"] == {INSTRUCTOR: 200, SOLVER: 404}, (
        "the formgrader runs in the instructor's server only (hub/jupyter-student switches it "
        "off for students)")


def test_each_student_fetches_and_submits_under_their_own_hub_name(semester):
    for name in (SOLVER, IDLE):
        assert "released" in semester["listed"][name], semester["listed"][name]
        assert "fetched" in semester["fetched"][name], semester["fetched"][name]
        assert "submitted" in semester["submitted"][name], semester["submitted"][name]
    # every server runs as one Unix user here: the names come from the hub, not the account
    assert semester["inbound"] == [SOLVER, IDLE]
    assert semester["collected"] == [SOLVER, IDLE]


def test_collect_autograde_export_give_the_solver_full_marks_and_the_other_zero(semester):
    assert "graded 2, failed 0" in semester["autograde"], semester["autograde"][-3000:]
    grades, full = semester["grades"], autograded_points(semester["source"])
    assert set(grades) == {SOLVER, IDLE}, grades
    # alice: every autograded test in full; her written answers wait for a person
    assert float(grades[SOLVER]["raw_score"]) == full, grades[SOLVER]
    assert grades[SOLVER]["status"].startswith("waiting for"), grades[SOLVER]
    # bob handed in the release: nothing scores, and unchanged answers need no person
    assert float(grades[IDLE]["raw_score"]) == 0, grades[IDLE]


def test_a_students_kernel_runs_through_the_proxy(semester):
    # JupyterLab talks to kernels over websockets: the proxy must carry them
    assert semester["kernel"].split() == [SOLVER, "dlcourse"], semester["kernel"]


def test_every_process_the_hub_started_is_gone(semester):
    assert not semester["left running"], semester["left running"].keys()
