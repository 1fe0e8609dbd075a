"""Grade test cells in the grader's process, with the learner's code in a sandboxed kernel.

Book: how_to_use, "How grading works".

nbgrader's autograder runs the whole notebook, test cells included, in the learner's kernel,
and a test scores when its cell raises nothing. Code the learner ran earlier in that kernel
can therefore replace the checks, read the expected values out of the test's variables, or
print the hidden test's source into the feedback. :class:`TrustedExecute` replaces nbgrader's
``Execute`` step:

* answer cells (and every cell that is not an autograded test) run in the learner's kernel,
  which :mod:`~dlcourse.grading.sandbox` starts in a sandbox;
* an autograded test cell never runs in the kernel. Its source is taken from the instructor's
  notebook in ``solutions/`` and executed here, in the grader. The imports of the notebook's
  read-only cells come from the grader's own packages; every other name the test uses is
  fetched from the kernel through :mod:`~dlcourse.grading.remote`: data as data, functions and
  objects as handles whose calls run in the kernel and return data. So the verdict, the
  reference results and the tolerances never exist where the learner's code can reach them;
* the cell's outputs are written by the grader: what the test printed, the warnings the
  learner's code raised (shown, not penalised), and on failure the error's type and message
  only (never a traceback through the hidden test).

:class:`DropDuplicateIds` replaces nbgrader's ``DeduplicateIds``, which blanks the metadata of
an earlier copy of a cell to ``{}`` so that the metadata check then fails the whole run; here
the earlier copy becomes an ordinary cell.
"""

import ast
import builtins
import contextlib
import io
import os
import time
import traceback
import warnings
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from nbclient.exceptions import DeadKernelError
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, Execute, NbGraderPreprocessor, OverwriteCells
from traitlets import Float, Integer

from . import blocking, references
from .remote import GraderError, RemoteError
from .session import KernelSession
from .sandbox import Sandbox, build_overlays, sandbox_mode

__all__ = ["DropDuplicateIds", "RestoreCells", "TrustedExecute", "assignment_references",
           "autograded_cells"]

_BUILTINS = set(dir(builtins))


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def autograded_cells(source_nb):
    """grade_id -> source of every autograded test cell of the instructor's notebook."""
    return {_nbgrader(c)["grade_id"]: c.source for c in source_nb.cells
            if c.cell_type == "code" and _nbgrader(c).get("grade")
            and not _nbgrader(c).get("solution")}


def _code(source):
    """Cell source without IPython magics and shell escapes (the grader runs plain Python)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def _imports(source):
    """The top-level import statements of a cell, as code."""
    try:
        tree = ast.parse(_code(source))
    except SyntaxError:
        return ""
    return "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))


def _bound_by_imports(tree):
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _loaded_names(tree):
    """Names the code reads, and identifiers it names in strings (``"G" in globals()``)."""
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    names |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
              and isinstance(n.value, str) and n.value.isidentifier()}
    return names


# --- which references an assignment removes ---------------------------------------------------

def _constant_strings(node, known):
    """The strings a simple expression stands for: literal tuples/lists of strings, names of
    known tuples, and sums of those; None if it is anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for elt in node.elts:
            part = _constant_strings(elt.value if isinstance(elt, ast.Starred) else elt, known)
            if part is None:
                return None
            out += part
        return out
    if isinstance(node, ast.Name):
        return list(known[node.id]) if node.id in known else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_strings(node.left, known), _constant_strings(node.right, known)
        return None if left is None or right is None else left + right
    return None


def blocked_targets(source_nb):
    """Every dotted name that a test cell of ``source_nb`` passes to ``blocked(...)``."""
    # every group of references.py, whatever chapter added it
    known = {name: getattr(references, name) for name in references.__all__}
    found = []
    for source in autograded_cells(source_nb).values():
        try:
            tree = ast.parse(_code(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                value = _constant_strings(node.value, known)
                if value is not None:
                    known[node.targets[0].id] = value
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "blocked":
                for arg in node.args:
                    value = _constant_strings(arg.value if isinstance(arg, ast.Starred) else arg,
                                              known)
                    if value:
                        found += value
    return sorted(set(found))


def assignment_references(course_root, assignment, source_nb):
    """The references removed from the sandbox while ``assignment`` is graded: every target of
    a ``blocked(...)`` in its tests, except those ``course.yml`` lists under the assignment's
    ``grading: keep:`` (tools the notebook itself needs, blocked only inside one test)."""
    keep = set()
    manifest = Path(course_root) / "course.yml"
    if manifest.is_file():
        import yaml
        chapters = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("chapters", {})
        grading = ((chapters.get(assignment) or {}).get("assignment") or {}).get("grading") or {}
        keep = set(grading.get("keep", []))
    # PyTorch stays whole: rewriting its modules could break it, and importing it to find them
    # costs seconds; a test's blocked(...) still switches it off once the notebook imported it
    return [t for t in blocked_targets(source_nb) if t not in keep
            and t.split(".")[0] not in blocking._BLOCKED_ONCE_IMPORTED]


# --- nbgrader preprocessors -------------------------------------------------------------------

class DropDuplicateIds(NbGraderPreprocessor):
    """Keep the last cell of each grade id; earlier copies become ordinary cells."""

    def preprocess(self, nb, resources):
        seen = set()
        for cell in reversed(nb.cells):
            meta = cell.get("metadata", {})
            nbg = meta.get("nbgrader")
            if not isinstance(nbg, dict) or not nbg:
                if "nbgrader" in meta:
                    del meta["nbgrader"]
                continue
            grade_id = nbg.get("grade_id")
            if grade_id is None:
                continue
            if grade_id in seen:
                self.log.warning("Cell with id '%s' exists more than once; grading the last "
                                 "copy and running the others as ordinary cells", grade_id)
                del meta["nbgrader"]
            else:
                seen.add(grade_id)
        return nb, resources


class RestoreCells(OverwriteCells):
    """nbgrader's ``OverwriteCells`` without its false alarms.

    The gradebook keeps the checksum of each read-only cell as it is in ``solutions/``, hidden
    tests included, but the student received the cell without them; nbgrader therefore
    reported every test cell with hidden tests as changed, on every untouched submission. A
    cell that is exactly its released form is restored quietly; only a cell that really differs
    from what was released is reported (and restored, as before).
    """

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id")
        if grade_id is not None:
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id,
                                                              self.assignment_id)
            except Exception:  # noqa: BLE001 - the parent reports a missing cell
                source_cell = None
            if source_cell is not None and source_cell.locked and \
                    cell.source == _released_source(source_cell.source, self.config):
                cell.source = source_cell.source
        return super().preprocess_cell(cell, resources, cell_index)


def _released_source(source, config):
    """A cell's source as the student received it (hidden tests removed)."""
    cell = nbformat.v4.new_code_cell(source)
    ClearHiddenTests(config=config)._remove_hidden_test_region(cell)
    return cell.source


class _SandboxKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel command is the sandbox's."""

    sandbox = None

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        self.sandbox.give(self.connection_file)

    @property
    def kernel_spec(self):
        return KernelSpec(argv=self.sandbox.argv(self.sandbox.kernel_argv()), display_name="Python 3 (graded, sandboxed)",
                          language="python", interrupt_mode="message")


class TrustedExecute(Execute):
    """nbgrader's ``Execute``, with test cells graded in the grader (see the module)."""

    memory_gib = Float(6.0, help="Memory limit of a submission's kernel (GiB).").tag(config=True)
    max_processes = Integer(256, help="Process limit of a submission's kernel (as root).").tag(
        config=True)

    def preprocess(self, nb, resources=None, km=None):
        info = (resources or {}).get("nbgrader", {})
        assignment, notebook = info.get("assignment"), info.get("notebook")
        coursedir = CourseDirectory(config=self.config)
        source_dir = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
        source_nb = nbformat.read(source_dir / f"{notebook}.ipynb", as_version=4)
        self._tests = autograded_cells(source_nb)
        self._trusted_imports = "\n".join(
            _imports(c.source) for c in source_nb.cells
            if c.cell_type == "code" and _nbgrader(c).get("locked")
            and not _nbgrader(c).get("grade") and not _nbgrader(c).get("solution"))
        self._namespace = None
        workdir = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
        sandbox = None
        if sandbox_mode() == "bwrap":
            references = assignment_references(coursedir.root, assignment, source_nb)
            # the files released with the notebook, where the submission's folder has them
            released = [workdir / p.relative_to(source_dir) for p in source_dir.rglob("*")
                        if p.is_file() and p.suffix != ".ipynb"
                        and ".ipynb_checkpoints" not in p.parts]
            sandbox = Sandbox(workdir, released_files=[p for p in released if p.exists()],
                              memory_gib=self.memory_gib, max_processes=self.max_processes)
            overlays, not_removed = build_overlays(references, sandbox.root)
            if not_removed:
                self.log.info("compiled or missing, so not removed (the similarity check "
                              "looks for their use): %s", ", ".join(not_removed))
            sandbox.overlays = overlays
            km = _SandboxKernelManager(transport="ipc", connection_file=sandbox.connection_file)
            km.sandbox = sandbox
            self._session = KernelSession(self._run_code, str(sandbox.runtime), sandbox.give)
        else:
            self.log.warning("DLCOURSE_SANDBOX=off: grading %s for %s WITHOUT a sandbox; "
                             "only do this for work you trust", assignment, info.get("student"))
            self._session = KernelSession(self._run_code)
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            if sandbox is not None:
                sandbox.cleanup()

    # -- the kernel, for the remote session --

    def _run_code(self, code):
        cell = nbformat.v4.new_code_cell(code)
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise RemoteError("TimeoutError", f"this test used up its {self._cell_timeout} s; "
                              "look for a loop that never ends or a very slow function")
        saved, test_cell = self.timeout, self.nb.cells[self._index]
        self.timeout = max(1, int(remaining))
        try:
            self.execute_cell(cell, self._index, store_history=False)
        except DeadKernelError:
            raise RemoteError("DeadKernelError", "the kernel running your notebook died "
                              "(it ran out of memory or exited)") from None
        finally:
            self.timeout = saved
            self.nb.cells[self._index] = test_cell     # nbclient stores the cell it ran
        return cell.outputs

    # -- test cells --

    def preprocess_cell(self, cell, resources, index):
        grade_id = _nbgrader(cell).get("grade_id")
        if cell.cell_type == "code" and grade_id in self._tests:
            self._grade_here(cell, self._tests[grade_id], index)
            return cell, self.resources
        return super().preprocess_cell(cell, resources, index)

    def _grade_here(self, cell, source, index):
        self._index = index
        self._cell_timeout = self.timeout or 60
        self._deadline = time.monotonic() + self._cell_timeout
        stdout, caught, error = io.StringIO(), [], None
        try:
            if self._namespace is None:
                self._namespace = {"__name__": "__grader__"}
                exec(compile(self._trusted_imports, "<imports>", "exec"), self._namespace)
            code = _code(source)
            tree = ast.parse(code)
            wanted = (_loaded_names(tree) - _BUILTINS - _bound_by_imports(tree)
                      - _bound_by_imports(ast.parse(self._trusted_imports)))
            self._namespace.update(self._session.names(wanted) if wanted else {})
            with contextlib.redirect_stdout(stdout), warnings.catch_warnings(record=True) as w, \
                    blocking.forwarded_to(self._session):
                warnings.simplefilter("always")
                try:
                    exec(compile(code, f"<test {cell.metadata.nbgrader['grade_id']}>", "exec"),
                         self._namespace)
                finally:
                    caught = list(w)
        except RemoteError as exc:
            error = (exc.ename, exc.evalue, exc.traceback)
        except GraderError as exc:
            error = ("GraderError", str(exc), [])
            self.log.warning("grader error in %s: %s", cell.metadata.nbgrader.get("grade_id"),
                             "".join(traceback.format_exception(exc)))
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - the verdict of a failed check
            # the message only: a traceback would quote the hidden test
            error = (type(exc).__name__, str(exc), [])
            self.log.debug("test %s: %s", cell.metadata.nbgrader.get("grade_id"),
                           "".join(traceback.format_exception_only(type(exc), exc)))
        outputs = []
        text = stdout.getvalue()
        if text:
            outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text[-20000:]))
        if caught:
            lines = sorted({f"{w.category.__name__}: {w.message}" for w in caught})[:5]
            outputs.append(nbformat.v4.new_output(
                "stream", name="stdout",
                text="Your code raised warnings here (shown, not counted against you):\n  "
                     + "\n  ".join(lines) + "\n"))
        if error is not None:
            ename, evalue, frames = error
            trace = [f"{ename}: {evalue}"]
            if frames:
                trace = ["Traceback in your code:"] + list(frames) + trace
            outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                  traceback=trace))
        cell.outputs = outputs
        self.code_cells_executed += 1
        cell.execution_count = self.code_cells_executed
