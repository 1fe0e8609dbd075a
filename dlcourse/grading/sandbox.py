"""The sandbox a submission's kernel runs in while it is graded (Bubblewrap).

Book: how_to_use, "How grading works".

nbgrader runs a submission with the grader's own permissions. Here every submission's kernel is
started by ``bwrap`` (Debian's ``bubblewrap``, the sandbox Flatpak uses) and sees:

* read-only: the system (``/usr``, ``/etc``), the Python environment, and a copy of the
  ``dlcourse`` package in which the assignment's reference implementations are replaced by
  functions that raise (so calling them scores nothing, and no trick in the kernel can bring
  them back: their code is not there); pure-Python equivalents in SciPy or scikit-learn named
  by the assignment are replaced the same way;
* writable: a throw-away copy of its own folder (the notebook and the files released with it,
  nothing else the student handed in), a small ``/tmp``, and the kernel's connection folder;
* nothing else: no ``solutions/``, no gradebook, no other submission, no course source, no home
  folder, no network (the kernel talks to the grader over Unix sockets), its own process
  namespace (every process it starts dies with it), and limits on memory, file size and, when
  the grader runs as root, the number of processes (the kernel then runs under a user id of its own).

Without ``bwrap`` grading stops with a message that says how to install it. Setting
``DLCOURSE_SANDBOX=off`` grades without a sandbox, which is only safe for trusted work: the
grader then says so on every run.
"""

import ast
import os
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["SandboxUnavailable", "Sandbox", "sandbox_mode", "remove_references"]

GIB = 2**30


class SandboxUnavailable(RuntimeError):
    """Grading needs the sandbox and it cannot run here."""


def sandbox_mode():
    """``"bwrap"`` (the default) or ``"off"`` (``DLCOURSE_SANDBOX=off``)."""
    mode = os.environ.get("DLCOURSE_SANDBOX", "bwrap").strip().lower()
    if mode in ("off", "none", "0", "false", "no"):
        return "off"
    if mode not in ("bwrap", "on", "1", "true", "yes", ""):
        raise SandboxUnavailable(f"DLCOURSE_SANDBOX={mode!r} is not understood; use 'bwrap' "
                                 "(the default) or 'off' (only for work you trust)")
    return "bwrap"


def find_bwrap():
    path = shutil.which("bwrap")
    if path is None:
        raise SandboxUnavailable(
            "grading runs every submission in a Bubblewrap sandbox, and `bwrap` is not "
            "installed: install it (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: "
            "`sudo dnf install bubblewrap`), or set DLCOURSE_SANDBOX=off to grade without a "
            "sandbox (only for work you trust: a submission could then change grades)")
    return path


# --- removing reference implementations from a copy of their module ----------------------------

def _raiser_body(message, node):
    stmt = ast.parse(f"raise AssertionError({message!r})").body[0]
    return [ast.copy_location(stmt, node.body[0] if node.body else node)]


def _message(dotted):
    root = dotted.split(".", 1)[0]
    owner = {"dlcourse": "dlcourse's", "sklearn": "scikit-learn's", "scipy": "SciPy's"}.get(
        root, root + "'s")
    return (f"this assignment asks for your own implementation; {owner} "
            f"{dotted.rsplit('.', 1)[-1]} ({dotted}) is not available while it is graded "
            "and calling it scores no points here")


def remove_references(source, qualnames):
    """``source`` of a module with the functions and classes named in ``qualnames`` (mapping
    qualified name -> dotted path for the message) turned into raisers.

    A function keeps its signature and decorators (a Numba kernel still compiles) and loses
    its body; a class keeps its name and bases and every method it defines raises. Returns the
    new source and the set of names that were found.
    """
    tree = ast.parse(source)
    found = set()

    def visit(body, prefix):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = prefix + node.name
                if qual in qualnames:
                    node.body = _raiser_body(_message(qualnames[qual]), node)
                    found.add(qual)
            elif isinstance(node, ast.ClassDef):
                qual = prefix + node.name
                if qual in qualnames:
                    message = _message(qualnames[qual])
                    methods = [n for n in node.body
                               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                    for method in methods:
                        method.body = _raiser_body(message, method)
                    if not any(m.name == "__init__" for m in methods):
                        init = ast.parse("def __init__(self, *args, **kwargs):\n"
                                         f"    raise AssertionError({message!r})").body[0]
                        node.body.append(init)
                    found.add(qual)
                else:
                    visit(node.body, qual + ".")

    visit(tree.body, "")
    # a name bound as `name = njit(function)` is removed through the function it wraps
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in qualnames and node.value.args and \
                isinstance(node.value.args[0], ast.Name):
            inner = node.value.args[0].id
            for fn in tree.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == inner:
                    fn.body = _raiser_body(_message(qualnames[node.targets[0].id]), fn)
                    found.add(node.targets[0].id)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n", found


def _locate(dotted):
    """(source file, qualified name) of a pure-Python function or class; None for C objects
    and packages that are not installed."""
    import importlib
    import inspect
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                obj = getattr(obj, name)
        except AttributeError:
            return None
        obj = getattr(obj, "py_func", obj)          # a Numba dispatcher: its Python function
        try:
            path = inspect.getsourcefile(obj)
        except TypeError:
            return None                              # a ufunc or builtin: no source to remove
        qual = getattr(obj, "__qualname__", None)
        if path is None or qual is None or "<" in qual:
            return None
        return Path(path).resolve(), qual
    return None


def build_overlays(targets, dest):
    """Write the modules that define ``targets`` with those targets removed into ``dest``.

    Returns ``(overlays, not_removed)``: a list of (original file, rewritten file) to mount
    over the original in the sandbox, and the targets that have no Python source (C
    functions such as NumPy ufuncs) or were not found, which the similarity check reports.
    """
    by_file, not_removed = {}, []
    for dotted in targets:
        located = _locate(dotted)
        if located is None:
            not_removed.append(dotted)
            continue
        path, qual = located
        by_file.setdefault(path, {})[qual] = dotted
    overlays = []
    for i, (path, qualnames) in enumerate(sorted(by_file.items())):
        source, found = remove_references(path.read_text(encoding="utf-8"), qualnames)
        not_removed += [qualnames[q] for q in qualnames if q not in found]
        out = Path(dest) / f"{i:03d}_{path.name}"
        out.write_text(source, encoding="utf-8")
        out.chmod(0o644)
        overlays.append((path, out))
    return overlays, sorted(set(not_removed))


# --- the sandbox -------------------------------------------------------------------------------

class Sandbox:
    """The ``bwrap`` command line that starts one kernel in its sandbox.

    Parameters
    ----------
    workdir : path
        The notebook's folder as the grader sees it; the kernel sees a throw-away copy of the
        notebook and of ``released_files`` at the same path.
    overlays : list of (path, path)
        Files mounted read-only over others (the modules with references removed).
    memory_gib, max_processes, max_file_gib, tmp_mib : resource limits.
    """

    def __init__(self, workdir, *, released_files=(), overlays=(), memory_gib=6.0,
                 max_processes=256, max_file_gib=1.0, tmp_mib=1024):
        self.bwrap = find_bwrap()
        self.workdir = Path(workdir).resolve()
        self.released_files = [Path(p) for p in released_files]
        self.overlays = list(overlays)
        self.memory_gib, self.max_processes = memory_gib, max_processes
        self.max_file_gib, self.tmp_mib = max_file_gib, tmp_mib
        self.root = Path(tempfile.mkdtemp(prefix="dlcourse-sandbox-"))
        self.copy = self.root / "work"
        self.runtime = self.root / "runtime"
        self.copy.mkdir()
        self.runtime.mkdir()
        for path in self.released_files:
            target = self.copy / path.relative_to(self.workdir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        # as root the kernel runs as a user id of its own (no account, no files but its own
        # folders), so the process limit counts its processes only, not another sandbox's
        self.own_uid = os.geteuid() == 0
        self.uid = 20000 + os.getpid() % 40000
        self.root.chmod(0o755 if self.own_uid else 0o700)
        for path in [self.copy, self.runtime, *self.copy.rglob("*")]:
            self.give(path)

    def give(self, path):
        """Make ``path`` the kernel's (owned by its own user id when grading as root)."""
        if self.own_uid:
            os.chown(path, self.uid, self.uid)

    @property
    def connection_file(self):
        return str(self.runtime / "kernel.json")

    def _readable(self):
        """Folders the kernel reads: the interpreter and the environment, the package."""
        folders = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
                   Path(sys.executable).resolve().parent.parent}
        import dlcourse
        folders.add(Path(dlcourse.__file__).resolve().parent)
        return sorted(f for f in folders if not str(f).startswith(("/usr/", "/etc/")))

    def argv(self, kernel_argv):
        limits = [f"--as={int(self.memory_gib * GIB)}", f"--fsize={int(self.max_file_gib * GIB)}",
                  "--core=0"]
        if self.own_uid:
            limits.append(f"--nproc={self.max_processes}")
        cmd = [shutil.which("prlimit") or "prlimit", *limits, "--", self.bwrap,
               "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            link = Path("/" + name)
            if link.is_symlink():
                cmd += ["--symlink", os.readlink(link), str(link)]
            elif link.is_dir():
                cmd += ["--ro-bind", str(link), str(link)]
        cmd += ["--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm", "--proc", "/proc",
                "--perms", "1777", "--size", str(self.tmp_mib * 2**20), "--tmpfs", "/tmp"]
        made = {Path("/"), Path("/tmp"), Path("/usr"), Path("/etc"), Path("/dev"), Path("/proc"),
                Path("/dev/shm")}

        def parents(path):
            nonlocal cmd
            for parent in reversed(path.parents):
                if parent not in made:
                    cmd += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)

        for folder in self._readable():
            parents(folder)
            cmd += ["--ro-bind", str(folder), str(folder)]
            made.add(folder)
        for original, rewritten in self.overlays:
            cmd += ["--ro-bind", str(rewritten), str(original)]
        for target, source in ((self.workdir, self.copy), (self.runtime, self.runtime)):
            parents(target)
            cmd += ["--bind", str(source), str(target)]
            made.add(target)
        env = {"HOME": "/tmp", "USER": "student", "LOGNAME": "student",
               "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
               "MPLCONFIGDIR": "/tmp/matplotlib", "NUMBA_CACHE_DIR": "/tmp/numba",
               "PYTHONDONTWRITEBYTECODE": "1", "JUPYTER_PLATFORM_DIRS": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMBA_NUM_THREADS", "NUMBA_DISABLE_JIT", "TZ"):
            if name in os.environ:
                env[name] = os.environ[name]
        cmd += ["--chdir", str(self.workdir), "--clearenv"]
        for name, value in env.items():
            cmd += ["--setenv", name, value]
        cmd += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--die-with-parent", "--new-session"]
        if self.own_uid:
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                    shutil.which("setpriv") or "setpriv", f"--reuid={self.uid}", f"--regid={self.uid}",
                    "--clear-groups", "--no-new-privs", "--"]
        else:
            cmd += ["--"]
        return cmd + list(kernel_argv)

    def kernel_argv(self):
        """The kernel: the environment's Python, without the working folder on ``sys.path``
        (``-P``), so a module handed in beside the notebook cannot shadow a real one."""
        return [sys.executable, "-P", "-m", "ipykernel_launcher", "-f", "{connection_file}",
                "--IPKernelApp.ignore_cwd=True"]

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
