"""Run a learner's function with the reference implementation of the same algorithm blocked.

Book: how_to_use, "Assignments".

An assignment asks for an implementation that ``dlcourse`` already has. A hidden test runs
the learner's function inside ``blocked(...)``; if it reaches one of the blocked references,
the reference raises, the test fails, and the message says why::

    with blocked(*TRAINING):
        w, b, errors = train_perceptron(X, t, 1.0, 100, rng)

Renaming the module attribute would not be enough: a notebook may have bound the reference
under another name before the test ran (``from dlcourse.core.activations import sigmoid as s``)
or kept an instance (``model = Perceptron()``). So the block changes the objects themselves,
however they are reached, and puts them back afterwards:

* a Python function gets the code of a raiser in place of its own (``__code__``, with as many
  free variables as the original so closures can be swapped too);
* a class has the code of its constructor and public methods swapped; the ones it inherits
  from bases of the same package get a raising stand-in on the class itself (so
  ``SGDClassifier.fit``, inherited by scikit-learn's ``Perceptron``, is caught, but
  ``BaseEstimator.get_params`` is not, and blocking ``Dropout`` leaves every other subclass of
  ``Layer`` working);
* a Numba dispatcher is moved to a subclass whose ``__call__`` raises, and its ``py_func`` is
  swapped like a function (with ``NUMBA_DISABLE_JIT=1`` the kernel is a plain function);
* anything else (a NumPy ufunc such as ``scipy.special.expit``) can only be replaced as a
  module attribute, which catches ``module.name(...)`` calls but not a name bound earlier.

Everything is restored in a ``finally`` block, so an exception, a ``KeyboardInterrupt`` (the
grader's timeout interrupts the kernel) or a failing assertion leaves the package intact.

A learner's ``try: ... except Exception:`` around the call does not hide it either: every use
of a blocked reference is recorded and the block fails on exit.

Limits: a learner's own ``@njit`` function compiled against a Numba kernel calls the compiled
machine code directly, and C functions bound before the block cannot be intercepted. Neither
is how a learner delegates by accident, and a human reading the notebook still sees it.
"""

import contextlib
import importlib
import linecache
import sys
import threading
import types

from .._numba import dispatcher_type

__all__ = ["BlockedReferenceError", "blocked", "forwarded_to"]

# Importing PyTorch takes seconds and much memory, so its references are blocked only when
# the notebook has imported it already (a learner who never imported it cannot call it).
_BLOCKED_ONCE_IMPORTED = ("torch",)

_PACKAGE_NAMES = {"dlcourse": "dlcourse's", "sklearn": "scikit-learn's", "scipy": "SciPy's",
                  "numpy": "NumPy's"}

_lock = threading.RLock()
_hits = []          # messages of blocked references reached, appended by the raisers
_session = None     # while the grader runs a test: the learner's kernel, where blocks apply


class BlockedReferenceError(AssertionError):
    """Raised on exit from :func:`blocked` when the learner's code swallowed a blocked call."""


def _record(message):
    """Called by every raiser before it raises (so a swallowed call is still seen)."""
    _hits.append(message)


def _message(dotted):
    root = dotted.split(".", 1)[0]
    owner = _PACKAGE_NAMES.get(root, root + "'s")
    return (f"this task asks for your own implementation; calling {owner} "
            f"{dotted.rsplit('.', 1)[-1]} ({dotted}) scores no points here")


def _raiser_code(name, message, n_free):
    """Code of ``def name(*args, **kwargs): raise AssertionError(message)`` with ``n_free``
    free variables, so it can replace the code of a function that has a closure.

    The source is registered with :mod:`linecache`, so a traceback through the raiser shows
    the message line instead of "could not get source".
    """
    names = [f"_free{i}" for i in range(n_free)]
    lines = ["def _outer():"]
    lines += [f"    {v} = None" for v in names]
    lines += [f"    def {name}(*args, **kwargs):"]
    if names:
        lines += ["        if False:", f"            ({', '.join(names)},)"]
    lines += [f"        __import__('{__name__}', fromlist=['_record'])._record({message!r})",
              f"        raise AssertionError({message!r})",
              f"    return {name}"]
    source = "\n".join(lines) + "\n"
    filename = f"<blocked by dlcourse.grading: {name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)    # noqa: S102 - a constant raiser
    code = namespace["_outer"]().__code__
    if len(code.co_freevars) != n_free:   # swapping __code__ needs the same closure size
        raise RuntimeError(f"could not build a raiser for {name} with {n_free} free variables")
    return code


def _resolve(target):
    """Import the object named by a dotted path; returns (owner, attribute, object) or None
    when the package is not installed."""
    if not isinstance(target, str):
        return None, None, target
    parts = target.split(".")
    if parts[0] in _BLOCKED_ONCE_IMPORTED and parts[0] not in sys.modules:
        return None
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        owner = None
        try:
            for name in parts[cut:]:
                owner, obj = obj, getattr(obj, name)
        except AttributeError:
            raise ValueError(f"cannot block {target!r}: {'.'.join(parts[:cut])} has no "
                             f"attribute path {'.'.join(parts[cut:])!r}") from None
        return owner, parts[-1], obj
    return None


def _functions_of(value):
    """The plain functions behind a class attribute (methods, properties, sklearn's
    ``available_if`` descriptors, wrapped functions)."""
    found = []
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, property):
        candidates = [value.fget, value.fset, value.fdel]
    else:
        candidates = [value, getattr(value, "fn", None)]
    for f in candidates:
        while isinstance(f, types.FunctionType):
            found.append(f)
            f = getattr(f, "__wrapped__", None)
    return found


def _numba_dispatcher_type():
    return dispatcher_type()


class _Blocker:
    """Swaps objects for raisers and remembers how to put every one of them back."""

    def __init__(self):
        self._undo = []      # callables, run in reverse order
        self._seen = set()

    def block(self, target):
        resolved = _resolve(target)
        if resolved is None:
            return
        owner, attr, obj = resolved
        dotted = target if isinstance(target, str) else \
            f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"
        message = _message(dotted)
        if isinstance(obj, type):
            self._block_class(obj, message)
        elif isinstance(obj, types.FunctionType):
            self._swap_code(obj, message)
        elif (dispatcher := _numba_dispatcher_type()) is not None and isinstance(obj, dispatcher):
            self._block_dispatcher(obj, message)
        elif callable(obj) and owner is not None:
            self._replace_attribute(owner, attr, obj, message)
        else:
            raise TypeError(f"cannot block {dotted}: it is neither a function, a class nor a "
                            "Numba kernel")

    def _swap_code(self, func, message):
        if id(func) in self._seen:
            return
        self._seen.add(id(func))
        original = func.__code__
        name = func.__name__ if func.__name__.isidentifier() else "blocked_reference"
        func.__code__ = _raiser_code(name, message, len(original.co_freevars))
        self._undo.append(lambda: setattr(func, "__code__", original))

    def _block_class(self, cls, message):
        root = cls.__module__.split(".")[:2]
        for klass in cls.__mro__:
            if klass is object or klass.__module__.split(".")[:2] != root:
                continue
            for name, value in vars(klass).items():
                # public methods and the constructor; private helpers (an ``available_if``
                # check, ``__repr__``) stay, so errors and introspection keep working
                if name.startswith("_") and name not in ("__init__", "__call__"):
                    continue
                if not _functions_of(value):
                    continue
                if klass is cls:
                    for func in _functions_of(value):
                        self._swap_code(func, message)
                elif name not in vars(cls):
                    # inherited: a stand-in on the blocked class only. Swapping the base's
                    # code would block every sibling too (all layers share Layer.__init__)
                    self._shadow(cls, name, message)

    def _shadow(self, cls, name, message):
        if (id(cls), name) in self._seen:
            return
        self._seen.add((id(cls), name))

        def stand_in(*args, **kwargs):
            _record(message)
            raise AssertionError(message)

        setattr(cls, name, stand_in)
        self._undo.append(lambda: delattr(cls, name))

    def _block_dispatcher(self, disp, message):
        if id(disp) in self._seen:
            return
        self._seen.add(id(disp))
        original_class = disp.__class__

        def __call__(self, *args, **kwargs):
            _record(message)
            raise AssertionError(message)

        blocked_class = type(original_class.__name__, (original_class,), {"__call__": __call__})
        disp.__class__ = blocked_class
        self._undo.append(lambda: setattr(disp, "__class__", original_class))
        if isinstance(getattr(disp, "py_func", None), types.FunctionType):
            self._swap_code(disp.py_func, message)

    def _replace_attribute(self, owner, attr, obj, message):
        def stand_in(*args, **kwargs):
            _record(message)
            raise AssertionError(message)

        setattr(owner, attr, stand_in)
        self._undo.append(lambda: setattr(owner, attr, obj))

    def restore(self):
        while self._undo:
            self._undo.pop()()


@contextlib.contextmanager
def blocked(*targets, strict=True):
    """Block reference implementations while the body runs; restore them afterwards.

    Parameters
    ----------
    *targets : str or object
        Dotted paths (``"dlcourse.core.perceptron.perceptron_step"``,
        ``"sklearn.linear_model.Perceptron"``) or the objects themselves: functions, classes,
        Numba kernels. Paths into packages that are not installed are skipped.
    strict : bool, default=True
        Also fail on exit when the body reached a blocked reference but caught the error
        itself (a ``try``/``except`` in the learner's code cannot hide the call).

    Raises
    ------
    AssertionError
        From inside the body, when it calls a blocked reference: "this task asks for your own
        implementation; calling dlcourse's X scores no points here".
    BlockedReferenceError
        On exit, when ``strict`` and the body called a blocked reference but caught the error.
    """
    if _session is not None:
        yield from _blocked_in_kernel(_session, targets, strict)
        return
    with _lock:
        blocker = _Blocker()
        start = len(_hits)
        try:
            for target in targets:
                blocker.block(target)
            yield
        finally:
            blocker.restore()
            reached = _hits[start:]
            del _hits[start:]
        if reached and strict:
            raise BlockedReferenceError(reached[0])


@contextlib.contextmanager
def forwarded_to(session):
    """While the grader runs a test, ``blocked(...)`` applies in the learner's kernel.

    The grader (:mod:`dlcourse.grading.trusted`) calls the learner's functions in their
    kernel; a reference must be switched off there, not in the grader. The references an
    assignment asks for are removed from the sandbox altogether; this second layer catches a
    tool that the notebook may use elsewhere but not inside one task.
    """
    global _session
    previous, _session = _session, session
    try:
        yield
    finally:
        _session = previous


def _blocked_in_kernel(session, targets, strict):
    names = [t for t in targets if isinstance(t, str)]
    session.block(names)
    try:
        yield
    finally:
        try:
            reached = session.unblock()
        except Exception:  # noqa: BLE001 - a kernel that stopped answering fails the test anyway
            reached = []
    if reached and strict:
        raise BlockedReferenceError(reached[0])
