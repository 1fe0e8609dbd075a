"""The grader's connection to one learner's kernel: requests, calls and callbacks.

Book: how_to_use, "How grading works".

A :class:`KernelSession` sends requests (encoded by :mod:`dlcourse.grading.remote`) to the
kernel as lines of code that :mod:`dlcourse.grading.kernel` answers, decodes the replies, and
runs the test functions that the learner's code calls back (``numerical_gradient(f, x)`` with
a test's ``f``) on a Unix socket of the grader's.
"""

import base64
import json
import os
import secrets
import warnings

import numpy as np

from .remote import (MAX_BYTES, MIME, GraderError, Remote, RemoteError, _receive,
                     _remote_error, decode, encode)

__all__ = ["KernelSession"]

INLINE_BYTES = 64 * 2**10        # larger requests go to the kernel as a file
_BUILTIN_WARNINGS = {w.__name__: w for w in (
    UserWarning, RuntimeWarning, DeprecationWarning, FutureWarning, SyntaxWarning,
    ImportWarning, UnicodeWarning, BytesWarning, ResourceWarning, PendingDeprecationWarning)}


def _copy_back(original, changed):
    """Make the grader's argument what the call left it as in the kernel (arrays of the same
    shape and generators only; nothing else is ever replaced)."""
    if isinstance(original, np.ndarray) and isinstance(changed, np.ndarray) and \
            changed.shape == original.shape and original.flags.writeable:
        if not np.array_equal(original, changed, equal_nan=original.dtype.kind in "fc"):
            original[...] = changed
    elif isinstance(original, np.random.Generator) and isinstance(changed, np.random.Generator):
        original.bit_generator.state = changed.bit_generator.state


class KernelSession:
    """The grader's connection to one learner's kernel.

    Parameters
    ----------
    run_code : callable
        ``run_code(code) -> list of outputs`` executes one line of code in the kernel (with
        the grader's timeout) and returns the outputs it produced (nbformat output dicts).
    """

    def __init__(self, run_code, callback_dir=None, give=None):
        self._run_code = run_code
        self._nonce = 0
        self._callback_dir = callback_dir
        self._give = give            # makes the socket usable by the kernel's user
        self._blocks = []            # targets of blocked(...) not yet sent to the kernel

    def _callbacks_for(self, values):
        """Replace grader functions among ``values`` by callback references."""
        table = {}

        def hook(value):
            state = _estimator_state(value)
            if state is not None:
                return state
            if callable(value) and not isinstance(value, (Remote, type)):
                cid = len(table) + 1
                table[cid] = value
                return {"__callback__": cid}
            raise TypeError(f"a {type(value).__name__} cannot be sent to the kernel")
        return table, hook

    def request(self, request, decode_value=True):
        self._nonce += 1
        request = dict(request, nonce=self._nonce)
        if self._blocks:
            # blocks first, outermost first; once sent, the kernel holds them until unblock
            request["block_first"], self._blocks = self._blocks, []
        text = base64.b64encode(json.dumps(request, allow_nan=False).encode()).decode("ascii")
        code, path = self._request_code(text)
        try:
            try:
                outputs = self._run_code(code)
            except ValueError:
                # a message that failed its signature check (seen once under heavy load): the
                # request carries its arguments, so asking again is safe
                outputs = self._run_code(code)
        finally:
            if path is not None and os.path.lexists(path):
                os.unlink(path)
        reply = None
        for output in outputs:
            if output.get("output_type") == "error" and reply is None:
                ename = output.get("ename", "Error")
                if ename in ("CellTimeoutError", "KeyboardInterrupt", "DeadKernelError"):
                    raise RemoteError("TimeoutError", "your code did not return in time (it "
                                      "was stopped); look for a loop that never ends")
                raise RemoteError(ename, output.get("evalue", ""), output.get("traceback", ()))
            data = output.get("data", {}) if output.get("output_type") == "display_data" else {}
            if MIME in data and isinstance(data[MIME], dict) and \
                    data[MIME].get("nonce") == self._nonce:
                reply = data[MIME].get("reply")
        if not isinstance(reply, str):
            raise GraderError("the kernel did not answer the grader (was the notebook's "
                              "machinery changed?)")
        if len(reply) > MAX_BYTES:
            raise GraderError(f"the kernel's answer is larger than {MAX_BYTES // 2**20} MiB")
        try:
            reply = json.loads(reply)
        except ValueError:
            raise GraderError("the kernel's answer is not valid JSON") from None
        if not isinstance(reply, dict):
            raise GraderError("the kernel's answer has the wrong format")
        if not reply.get("ok"):
            raise _remote_error(str(reply.get("ename", "Error"))[:200],
                                str(reply.get("evalue", ""))[:4000],
                                [str(x) for x in reply.get("traceback", [])][:20])
        if decode_value and "value" in reply:
            reply["value"] = decode(reply["value"], self._remote)
        return reply

    def _request_code(self, text):
        """The line that runs a request in the kernel, and the file that carries it (or None).

        A request travels inside the line of code, unless it is large: IPython parses, echoes
        and stores every line it runs, which costs about half a second per megabyte (a test
        that trains on the digits sends several). A large request is written to a file in
        the sandbox's runtime folder, under a name the kernel cannot guess, created only if
        nothing (a link the learner's code planted) is there already.
        """
        serve = "__import__('dlcourse.grading.kernel', fromlist=['serve'])"
        if self._callback_dir is None or len(text) <= INLINE_BYTES:
            return f"{serve}.serve('{text}')", None
        path = os.path.join(self._callback_dir, f"request-{secrets.token_hex(16)}.txt")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        if self._give is not None:
            self._give(path)
        return f"{serve}.serve_file('{path}')", path

    def _remote(self, info):
        return Remote(self, info)

    def names(self, names):
        """The learner's values of ``names`` that exist in the kernel: data, or Remote."""
        reply = self.request({"op": "names", "names": sorted(names)}, decode_value=False)
        values = reply.get("values", {})
        if not isinstance(values, dict):
            raise GraderError("the kernel's answer has the wrong format")
        return {name: decode(value, self._remote) for name, value in values.items()
                if name in names}

    def call(self, target, args, kwargs):
        table, hook = self._callbacks_for(args)
        request = {"op": "call", "target": {"__remote__": target._rid},
                   "errstate": np.geterr(),      # the grader's np.errstate applies there too
                   "args": encode(list(args), hook),
                   "kwargs": {str(k): encode(v, hook) for k, v in kwargs.items()}}
        if table:
            with _CallbackServer(table, self._callback_dir, self._give) as server:
                request["callbacks"] = server.path
                reply = self.request(request, decode_value=True)
        else:
            reply = self.request(request, decode_value=True)
        # changes the call made to its array and generator arguments, as if it ran here
        after = reply.get("args_after") or []
        pairs = list(zip(args, after)) + [(kwargs[k], v) for k, v in
                                          (reply.get("kwargs_after") or {}).items() if k in kwargs]
        for original, changed in pairs:
            if changed is None:
                continue
            if isinstance(changed, dict) and isinstance(changed.get("__dict_after__"), dict):
                if isinstance(original, dict):          # a dict's arrays, changed in place
                    for key, value in changed["__dict_after__"].items():
                        if key in original:
                            _copy_back(original[key], decode(value))
                continue
            _copy_back(original, decode(changed))
        for category, message in reply.get("warnings") or []:
            warnings.warn(str(message), _BUILTIN_WARNINGS.get(category, UserWarning),
                          stacklevel=3)
        return reply["value"]

    def block(self, targets):
        """Switch ``targets`` off in the kernel from the next request on.

        The targets travel with the next request rather than in one of their own: each request
        is a round trip to the kernel (about 7 ms), and most ``blocked(...)`` bodies make one
        call, so this saves a third of a test's requests.
        """
        self._blocks.append([str(t) for t in targets])

    def unblock(self):
        """Undo the innermost :meth:`block`; the blocked references the kernel reached."""
        if self._blocks:
            # never sent: no request ran in the kernel since, so nothing was reached
            self._blocks.pop()
            return []
        value = self.request({"op": "unblock"}, decode_value=False).get("value")
        return [str(v) for v in value] if isinstance(value, list) else []


def _estimator_state(value):
    """A test's estimator of the package (``BernoulliRBM`` with weights set by hand), sent to
    the kernel by value: its class name and its attributes, which must all be data."""
    cls = type(value)
    if not cls.__module__.startswith("dlcourse.") or not hasattr(value, "get_params"):
        return None
    try:
        state = {str(k): encode(v) for k, v in vars(value).items()}
    except TypeError:
        return None
    return {"__estimator__": [cls.__module__, cls.__name__], "state": state}


class _CallbackServer:
    """A Unix socket on which the grader answers the kernel's calls of test functions."""

    def __init__(self, table, folder, give):
        import socket
        import tempfile
        import threading
        self.table = table
        folder = folder or tempfile.mkdtemp(prefix="dlcourse-callbacks-")
        self.path = os.path.join(folder, f"callbacks-{os.getpid()}-{id(self)}.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        if give is not None:
            give(self.path)
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        import socket
        self.stop.set()
        # wake the accept() at once: waiting out its timeout cost up to 0.2 s per call, most
        # of the grading time of an assignment whose tests pass functions (05_optimizers: 8 s)
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as wake:
                wake.settimeout(1)
                wake.connect(self.path)
        except OSError:
            pass
        self.thread.join(5)
        self.sock.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _serve(self):
        import socket
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            if self.stop.is_set():               # the wake-up connection of __exit__
                conn.close()
                return
            with conn:
                conn.settimeout(30)
                try:
                    self._answer(conn)
                except Exception:  # noqa: BLE001 - a broken request only fails that call
                    continue

    def _answer(self, conn):
        request = json.loads(_receive(conn, limit=64 * 2**20))
        function = self.table.get(request.get("id"))
        try:
            if function is None:
                raise LookupError("unknown function")
            args = decode(request.get("args", []))          # data only: no references
            kwargs = {str(k): decode(v) for k, v in (request.get("kwargs") or {}).items()}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                value = function(*args, **kwargs)
            reply = {"ok": True, "value": encode(value)}
        except Exception as exc:  # noqa: BLE001 - reported to the learner's call
            reply = {"ok": False, "name": getattr(function, "__name__", ""),
                     "error": f"{type(exc).__name__}: {exc}"[:500]}
        payload = json.dumps(reply, allow_nan=False).encode()
        conn.sendall(len(payload).to_bytes(8, "big") + payload)
