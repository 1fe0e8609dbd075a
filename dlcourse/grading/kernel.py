"""The kernel side of trusted grading: what runs in the learner's (sandboxed) kernel.

Book: how_to_use, "How grading works".

The grader sends one line of code that calls :func:`serve` with a request; the reply goes out
as display data. Nothing here is trusted by the grader: learner code may replace any of it,
and can then only change the data that comes back, which the grader checks as it checks any
answer (:mod:`dlcourse.grading.remote`).
"""

import base64
import json
import warnings

import numpy as np

from .remote import MIME, _Callback, decode, encode

__all__ = ["serve", "serve_file"]


_objects = {}          # reference id -> object kept in the kernel for the grader
_blocks = []           # open `blocked(...)` contexts forwarded by the grader
_last_nonce = None      # the last request served (a repeated one does not block twice)



def _mutable_data(a):
    return isinstance(a, np.random.Generator) or isinstance(a, np.ndarray) and not a.dtype.hasobject


def _after(a):
    """What a call may have changed in place, to copy back to the grader: an array, a
    generator, or the arrays of a dict (a dict of gradients scaled in place)."""
    if _mutable_data(a):
        return encode(a)
    if isinstance(a, dict) and a and all(isinstance(k, str) and isinstance(v, np.ndarray)
                                         and not v.dtype.hasobject for k, v in a.items()):
        return {"__dict_after__": {k: encode(v) for k, v in a.items()}}
    return None


def _keep(obj):
    rid = len(_objects) + 1
    _objects[rid] = obj
    kind = ("function" if callable(obj) and not isinstance(obj, type) else
            "class" if isinstance(obj, type) else "object")
    return {"__remote__": rid, "kind": kind, "type": type(obj).__name__,
            "module": type(obj).__module__,
            "name": getattr(obj, "__name__", None) if kind != "object" else None}


callback_socket = None   # the grader's socket for the current call's callbacks


def _estimator(data):
    """In the kernel: an estimator of the package that a test built, rebuilt from its state."""
    import importlib
    module, name = data["__estimator__"]
    if not (isinstance(module, str) and module.startswith("dlcourse.")):
        raise LookupError("only the package's own estimators can be sent")
    cls = getattr(importlib.import_module(module), name)
    obj = cls.__new__(cls)
    obj.__dict__.update({str(k): decode(v) for k, v in data["state"].items()})
    return obj


def _lookup(data):
    if "__estimator__" in data:
        return _estimator(data)
    if "__callback__" in data:
        return _Callback(data["__callback__"])
    try:
        return _objects[data["__remote__"]]
    except (KeyError, TypeError):
        raise LookupError("the grader referred to an object this kernel does not have") from None


def _learner_traceback(exc):
    import traceback as tb
    frames = [f for f in tb.extract_tb(exc.__traceback__)
              if "dlcourse/grading/" not in f.filename.replace("\\", "/")]
    lines = tb.format_list(frames[-8:])
    return [line.rstrip("\n") for line in lines]


def _block(targets):
    from .blocking import _Blocker, _hits
    blocker = _Blocker()
    _blocks.append((blocker, len(_hits)))
    for target in targets:
        blocker.block(target)


def _serve(request):
    global _last_nonce
    # blocked(...) entered since the grader's previous request, unless this request is the
    # same one asked again (the grader repeats a request whose reply it could not read)
    if request.get("nonce") != _last_nonce:
        _last_nonce = request.get("nonce")
        for targets in request.get("block_first") or []:
            _block(targets)
    op = request["op"]
    if op == "names":
        import __main__
        namespace = vars(__main__)
        found = {}
        for name in request["names"]:
            if name in namespace and not name.startswith("__"):
                found[name] = encode(namespace[name], _keep)
        return {"values": found}
    if op == "call":
        global callback_socket
        callback_socket = request.get("callbacks")
        target = _lookup(request["target"])
        args = decode(request["args"], _lookup)
        kwargs = {str(k): decode(v, _lookup) for k, v in request["kwargs"].items()}
        errstate = {k: v for k, v in (request.get("errstate") or {}).items()
                    if k in ("over", "under", "divide", "invalid")
                    and v in ("ignore", "warn", "raise", "call", "print", "log")}
        with warnings.catch_warnings(record=True) as caught, np.errstate(**errstate):
            warnings.simplefilter("always")
            result = target(*args, **kwargs)
        after = [_after(a) for a in args]
        after_kw = {k: _after(v) for k, v in kwargs.items() if _after(v) is not None}
        return {"value": encode(result, _keep), "args_after": after, "kwargs_after": after_kw,
                "warnings": [[w.category.__name__, str(w.message)] for w in caught[:20]]}
    if op == "getattr":
        return {"value": encode(getattr(_lookup(request["target"]), request["attr"]), _keep)}
    if op == "getitem":
        target = _lookup(request["target"])
        return {"value": encode(target[decode(request["key"], _lookup)], _keep)}
    if op == "len":
        return {"value": len(_lookup(request["target"]))}
    if op == "block":
        _block(request["targets"])
        return {"value": None}
    if op == "unblock":
        from .blocking import _hits
        if not _blocks:
            return {"value": []}
        blocker, start = _blocks.pop()
        blocker.restore()
        reached = _hits[start:]
        del _hits[start:]
        return {"value": list(reached)}
    raise ValueError(f"unknown request {op!r}")


def serve(request_text):
    """Run one request of the grader in this kernel and publish the reply as display data.

    Called by the line of code the grader executes; its reply goes out with :data:`MIME`.
    """
    from IPython.display import publish_display_data
    request = json.loads(base64.b64decode(request_text))
    try:
        reply = {"ok": True, **_serve(request)}
    except BaseException as exc:  # noqa: BLE001 - every failure of learner code is reported
        if isinstance(exc, KeyboardInterrupt):
            raise
        try:
            evalue = str(exc)[:4000]
        except Exception:  # noqa: BLE001 - a __str__ that raises
            evalue = "(the exception's message could not be shown)"
        reply = {"ok": False, "ename": type(exc).__name__[:200], "evalue": evalue,
                 "traceback": _learner_traceback(exc)}
    try:
        payload = json.dumps(reply, allow_nan=False)
    except (TypeError, ValueError) as exc:
        payload = json.dumps({"ok": False, "ename": "TypeError",
                              "evalue": f"the result cannot be sent to the grader: {exc}"})
    publish_display_data({MIME: {"nonce": request.get("nonce"), "reply": payload}})




def serve_file(path):
    """:func:`serve` for a request the grader wrote to a file (a large one); the file is
    removed once read."""
    import os
    with open(path, encoding="ascii") as f:
        text = f.read()
    os.unlink(path)
    serve(text)
