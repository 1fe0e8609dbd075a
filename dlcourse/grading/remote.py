"""Call a learner's code in its (sandboxed) kernel and get back data, never objects.

Book: how_to_use, "How grading works".

The grader never trusts anything that lives in the learner's kernel: a function there may
have been replaced, a check patched, a variable read by code that ran earlier. So a hidden
test runs in the grader's own process, and every name it needs from the notebook is fetched
from the kernel through this module:

* data (numbers, strings, NumPy arrays and scalars, lists, tuples, dicts, sets, random
  generators) is copied across, encoded as JSON with arrays in NumPy's ``.npy`` format read
  with ``allow_pickle=False``: nothing the kernel sends can run code in the grader;
* anything else (a function, an estimator) stays in the kernel and is represented in the
  grader by a :class:`Remote` handle: calling it or reading an attribute sends the arguments
  to the kernel, runs the call there and copies the result back the same way.

A call copies its array arguments back after it returns (so a test can still see that a
function changed its input in place) and brings a generator argument's state back (so the
same stream goes on in the grader). Warnings raised in the kernel during a call are raised
again in the grader, so ``no_warnings`` means what it says.

This module holds the data format, the errors and :class:`Remote`; the grader's connection to
a kernel is :class:`dlcourse.grading.session.KernelSession`, and what runs in the kernel is
:mod:`dlcourse.grading.kernel`.
"""

import base64
import builtins
import io
import json
import math

import numpy as np

__all__ = ["GraderError", "Remote", "RemoteError", "decode", "encode"]

MIME = "application/vnd.dlcourse.grading+json"
MAX_BYTES = 256 * 2**20          # the largest reply the grader reads (256 MiB)


class GraderError(RuntimeError):
    """The kernel's reply cannot be used (wrong format, too large, a type the grader refuses)."""


class RemoteError(Exception):
    """The learner's code raised an exception in the kernel; its type, message and traceback
    (learner's frames only) are kept for the feedback."""

    def __init__(self, ename, evalue, traceback=()):
        super().__init__(evalue)
        self.ename, self.evalue, self.traceback = ename, evalue, list(traceback)

    def __str__(self):
        # a learner's ValueError reads like a ValueError; anything else names its type
        if type(self).__name__ == self.ename:
            return self.evalue
        return f"{self.ename}: {self.evalue}" if self.evalue else self.ename


def _remote_error(ename, evalue, traceback):
    """A RemoteError that is also the built-in exception it reports (a ValueError raised by
    the learner's code is caught by ``except ValueError`` in a test, a FloatingPointError by
    ``no_warnings``)."""
    builtin = getattr(builtins, ename, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception) and \
            not issubclass(builtin, (RemoteError, StopIteration, StopAsyncIteration)):
        try:
            cls = type(ename, (RemoteError, builtin), {})
            return cls(ename, evalue, traceback)
        except TypeError:           # a built-in whose layout cannot be combined
            pass
    return RemoteError(ename, evalue, traceback)


# --- the codec (both sides) --------------------------------------------------------------------

def _array_bytes(a):
    buffer = io.BytesIO()
    np.save(buffer, a, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _array_from(text):
    try:
        raw = base64.b64decode(str(text).encode("ascii"), validate=True)
        return np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, TypeError, OSError, EOFError) as exc:
        raise GraderError(f"an unreadable array arrived ({exc})") from None


def encode(value, handle=None):
    """``value`` as JSON-ready data; objects that are not data go through ``handle`` (which
    returns a reference: in the kernel, to an object kept there; in the grader, to a function
    the kernel may call back) or raise ``TypeError``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            if handle is None:
                raise TypeError("an array of Python objects cannot be sent")
            return handle(value)
        return {"__ndarray__": _array_bytes(value)}
    if isinstance(value, np.generic):
        if isinstance(value, np.object_):
            raise TypeError("a NumPy object scalar cannot be sent")
        return {"__npscalar__": _array_bytes(np.asarray(value))}
    if isinstance(value, np.random.Generator):
        return {"__generator__": value.bit_generator.state}
    if isinstance(value, np.dtype) and not value.hasobject:
        return {"__dtype__": value.str, "as": "dtype"}
    if isinstance(value, type) and (issubclass(value, np.generic) or value in (float, int, bool,
                                                                             complex)):
        if np.dtype(value).hasobject:
            raise TypeError("an object dtype cannot be sent")
        return {"__dtype__": np.dtype(value).str, "as": "type",
                "builtin": value.__name__ if value in (float, int, bool, complex) else None}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return {"__tuple__": [encode(v, handle) for v in value]}
    if isinstance(value, list):
        return [encode(v, handle) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, handle), encode(v, handle)] for k, v in value.items()]}
    if isinstance(value, (set, frozenset)):
        return {"__set__": [encode(v, handle) for v in value], "frozen": isinstance(value, frozenset)}
    if isinstance(value, complex):
        return {"__complex__": [encode(value.real), encode(value.imag)]}
    if isinstance(value, Remote):
        return {"__remote__": value._rid}
    if isinstance(value, _Callback):
        return {"__callback__": value.cid}
    if handle is not None:
        return handle(value)
    raise TypeError(f"a {type(value).__name__} cannot be sent to the kernel; pass data "
                    "(numbers, arrays, lists, tuples, dicts) or a value that came from it")


def _generator(state):
    if not isinstance(state, dict) or not isinstance(state.get("bit_generator"), str):
        raise GraderError("a random generator arrived without a valid state")
    name = state["bit_generator"]
    if name not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
        raise GraderError(f"unknown bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def decode(data, resolve=None):
    """The value that :func:`encode` turned into ``data``. ``resolve`` turns a reference
    into an object (in the kernel: the object itself; in the grader: a :class:`Remote`)."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(v, resolve) for v in data]
    if not isinstance(data, dict) or len(data) == 0:
        raise GraderError(f"unreadable value of type {type(data).__name__}")
    if "__ndarray__" in data:
        return _array_from(data["__ndarray__"])
    if "__npscalar__" in data:
        return _array_from(data["__npscalar__"])[()]
    if "__complex__" in data:
        re, im = (decode(v) for v in data["__complex__"])
        if not isinstance(re, float) or not isinstance(im, float):
            raise GraderError("an unreadable complex number arrived")
        return complex(re, im)
    if "__float__" in data:
        text = data["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise GraderError(f"unreadable float {text!r}")
        return float(text)
    if "__tuple__" in data:
        return tuple(decode(v, resolve) for v in data["__tuple__"])
    if "__dict__" in data:
        out = {}
        for pair in data["__dict__"]:
            key = decode(pair[0], resolve)
            try:
                out[key] = decode(pair[1], resolve)
            except TypeError:
                raise GraderError("a dict key that cannot be hashed arrived") from None
        return out
    if "__set__" in data:
        items = [decode(v, resolve) for v in data["__set__"]]
        try:
            return frozenset(items) if data.get("frozen") else set(items)
        except TypeError:
            raise GraderError("a set of unhashable values arrived") from None
    if "__generator__" in data:
        return _generator(data["__generator__"])
    if "__dtype__" in data:
        builtin = {"float": float, "int": int, "bool": bool, "complex": complex}
        if data.get("builtin") in builtin:
            return builtin[data["builtin"]]
        try:
            dtype = np.dtype(str(data["__dtype__"]))
        except TypeError:
            raise GraderError("an unreadable dtype arrived") from None
        if dtype.hasobject:
            raise GraderError("an object dtype arrived")
        return dtype if data.get("as") == "dtype" else dtype.type
    if "__remote__" in data or "__callback__" in data or "__estimator__" in data:
        if resolve is None:
            raise GraderError("a reference arrived where only data is accepted")
        return resolve(data)
    raise GraderError(f"unreadable value with keys {sorted(data)[:5]}")


# --- callbacks (both sides) ---

class _Callback:
    """In the kernel: a function of the grader (a test's ``f`` handed to the learner's
    ``numerical_gradient(f, x)``). Calling it sends the arguments, as data, to the grader,
    which runs the function and sends the result back."""

    def __init__(self, cid):
        self.cid = cid

    def __call__(self, *args, **kwargs):
        import socket
        request = json.dumps({"id": self.cid, "args": encode(list(args)),
                              "kwargs": {str(k): encode(v) for k, v in kwargs.items()}},
                             allow_nan=False).encode()
        from . import kernel
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(kernel.callback_socket)
            sock.sendall(len(request).to_bytes(8, "big") + request)
            reply = json.loads(_receive(sock))
        if not reply.get("ok"):
            raise RuntimeError(f"the test's function {reply.get('name', '')} failed: "
                               f"{reply.get('error', '')}")
        return decode(reply["value"])

    def __repr__(self):
        return "<a function of the test>"


def _receive(sock, limit=MAX_BYTES):
    header = b""
    while len(header) < 8:
        chunk = sock.recv(8 - len(header))
        if not chunk:
            raise ConnectionError("the connection closed early")
        header += chunk
    size = int.from_bytes(header, "big")
    if size > limit:
        raise ValueError("message too large")
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(min(1 << 20, size - len(data)))
        if not chunk:
            raise ConnectionError("the connection closed early")
        data += chunk
    return bytes(data)


# --- the grader side ---------------------------------------------------------------------------

class Remote:
    """A function or object that lives in the learner's kernel.

    Calling it, reading an attribute, indexing it or taking its length runs in the kernel; the
    result comes back as data (or as another :class:`Remote`).
    """

    __slots__ = ("_session", "_rid", "_kind", "_type", "_name", "_class")

    def __init__(self, session, info):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_rid", info["__remote__"])
        object.__setattr__(self, "_kind", info.get("kind", "object"))
        object.__setattr__(self, "_type", str(info.get("type", "object")))
        object.__setattr__(self, "_name", info.get("name"))
        object.__setattr__(self, "_class", _package_class(info.get("module"), self._type))

    @property
    def __class__(self):
        # an estimator of the package answers isinstance(x, BernoulliRBM) as the real one
        # would; its attributes and methods are still read from the kernel
        return self._class or Remote

    def __call__(self, *args, **kwargs):
        return self._session.call(self, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request({"op": "getattr", "target": {"__remote__": self._rid},
                                      "attr": name})["value"]

    def __getitem__(self, key):
        return self._session.request({"op": "getitem", "target": {"__remote__": self._rid},
                                      "key": encode(key)})["value"]

    def __len__(self):
        value = self._session.request({"op": "len", "target": {"__remote__": self._rid}},
                                      decode_value=False)["value"]
        if not isinstance(value, int) or value < 0:
            raise GraderError("len() of a kernel object did not return a count")
        return value

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __setattr__(self, name, value):
        raise GraderError("the grader does not change objects in the learner's kernel")

    def __repr__(self):
        what = self._name or self._type
        return f"<{what} in the learner's kernel>"


def _package_class(module, name):
    """The grader's own class of that name, for the package's classes only."""
    if not isinstance(module, str) or not module.startswith("dlcourse."):
        return None
    import importlib
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return cls if isinstance(cls, type) else None
