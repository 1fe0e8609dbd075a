"""Progress for training loops: one line that updates in place, in a notebook or a terminal.

Book: every chapter whose training takes more than a few seconds. Public as
:func:`dlcourse.viz.progress`; it lives here so that models can use it without depending on viz.

In a notebook the line is a display that is updated (so the built book keeps only its final
state, not hundreds of lines); in a terminal it is rewritten with a carriage return. Updates
are throttled so that printing never costs more than the loop it reports on.
"""

import sys
import time

__all__ = ["progress"]


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


class _Line:
    """Where the progress line goes: an updatable notebook display or a terminal stream."""

    def __init__(self, stream):
        self.stream = stream
        self.handle = None
        if stream is None and _in_notebook():
            from IPython.display import display
            self.handle = display({"text/plain": ""}, raw=True, display_id=True)
        elif stream is None:
            self.stream = sys.stderr

    def write(self, text, final=False):
        if self.handle is not None:
            self.handle.update({"text/plain": text}, raw=True)
        else:
            self.stream.write("\r" + text + ("\n" if final else ""))
            self.stream.flush()


def _bar(done, total, width=24):
    if not total:
        return ""
    filled = int(width * done / total)
    return "[" + "#" * filled + "." * (width - filled) + f"] {done}/{total}"


def progress(iterable, total=None, desc="", metrics=None, min_interval=0.25, stream=None):
    """Iterate over ``iterable`` while showing how far the loop is and how long it will take.

    Parameters
    ----------
    iterable : iterable
    total : int, optional
        Number of items (taken from ``len(iterable)`` when available).
    desc : str
        Label at the start of the line, e.g. ``"epoch"``.
    metrics : callable, optional
        Called with no arguments at each display; returns a short string such as
        ``"loss 0.213"`` to show at the end of the line.
    min_interval : float
        Seconds between two updates of the line.
    stream : file-like, optional
        Where to write in a terminal (default ``sys.stderr``); in a notebook the line is a
        display that updates in place.

    Yields
    ------
    The items of ``iterable``.

    Examples
    --------
    >>> import io
    >>> for epoch in progress(range(3), desc="epoch", stream=io.StringIO()):
    ...     pass
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)
    line = _Line(stream)
    start = last = time.perf_counter()
    done = 0

    def render():
        elapsed = time.perf_counter() - start
        eta = f", ~{elapsed / done * (total - done):.0f}s left" if total and done else ""
        extra = f"  {metrics()}" if metrics is not None else ""
        return f"{desc} {_bar(done, total)} {elapsed:.1f}s{eta}{extra}".strip()

    for item in iterable:
        yield item
        done += 1
        now = time.perf_counter()
        if now - last >= min_interval:
            line.write(render())
            last = now
    line.write(render(), final=True)
