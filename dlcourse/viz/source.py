"""Show the package's own source code on a page of the book, so that code is never pasted.

Book: 01_perceptron, section "The perceptron learning rule" (the math form beside the loop
form).

A page that explains an algorithm calls :func:`show_source` on the function that implements
it; the book then always shows the code that the tests check, never a copy that drifts away
from it. :func:`show_side_by_side` puts two such listings in columns, for example the
vectorised NumPy form of an epoch next to its compiled loop form.

The listings are HTML with inline colours (Pygments), so they look the same in JupyterLab, in
a notebook exported with nbconvert and in the static book, and they load nothing.
"""

from __future__ import annotations

import ast
import html
import inspect
import sys
import textwrap
from pathlib import Path

__all__ = ["SourceCode", "show_source", "show_side_by_side"]

_BOX_STYLE = ("border: 1px solid #ddd; border-radius: 4px; background: #f8f8f8; "
              "margin: 0.4em 0; overflow-x: auto;")
_TITLE_STYLE = ("font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; "
                "font-size: 0.8em; color: #555; padding: 0.3em 0.7em; "
                "border-bottom: 1px solid #ddd; background: #f0f0f0;")
_PRE_STYLE = ("margin: 0; padding: 0.5em 0.7em; font-size: 0.82em; line-height: 1.35; "
              "background: transparent; border: none; color: #222;")


class SourceCode:
    """The source of one Python object, displayed as a highlighted listing.

    Built by :func:`show_source`. Jupyter (and the book) display it through ``_repr_html_``;
    ``str()`` gives the plain code.

    Attributes
    ----------
    code : str
        The code shown (possibly a slice of the object's source, without its docstring).
    path : str
        File of the object relative to its top-level package's folder, e.g.
        ``"dlcourse/core/perceptron.py"``.
    first_line : int
        Line of ``path`` on which the object's source starts.
    name : str
        Qualified name of the object.
    note : str
        What was left out, if anything (shown in the title bar).
    """

    def __init__(self, code, path, first_line, name, note=""):
        self.code = code
        self.path = path
        self.first_line = first_line
        self.name = name
        self.note = note

    def __str__(self):
        return self.code

    def __repr__(self):
        return f"SourceCode({self.name!r}, {self.path}:{self.first_line})"

    @property
    def title(self):
        """One line naming the file, the starting line and the object."""
        text = f"{self.path}, line {self.first_line}: {self.name}"
        return f"{text} ({self.note})" if self.note else text

    def _highlighted(self):
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
        except ImportError:  # plain text is still correct, only uncoloured
            return f'<pre style="{_PRE_STYLE}">{html.escape(self.code)}</pre>'
        formatter = HtmlFormatter(noclasses=True, nobackground=True, style="default",
                                  cssclass="dlc-source-code", prestyles=_PRE_STYLE)
        return highlight(self.code, PythonLexer(), formatter)

    def _repr_html_(self):
        return (f'<div class="dlc-source" style="{_BOX_STYLE}">'
                f'<div style="{_TITLE_STYLE}">{html.escape(self.title)}</div>'
                f"{self._highlighted()}</div>")


def _relative_path(filename, module_name):
    """The file's path from the folder that holds its top-level package."""
    top = (module_name or "").split(".")[0]
    package = sys.modules.get(top)
    package_file = getattr(package, "__file__", None)
    if package_file:
        root = Path(package_file).resolve().parent.parent
        try:
            return Path(filename).resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return Path(filename).name


def _docstring_span(source):
    """1-based (first, last) lines of the docstring of the object defined in ``source``."""
    tree = ast.parse(textwrap.dedent(source))
    node = tree
    if tree.body and isinstance(tree.body[0], (ast.FunctionDef, ast.AsyncFunctionDef,
                                               ast.ClassDef)):
        node = tree.body[0]
    body = getattr(node, "body", [])
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        return body[0].lineno, body[0].end_lineno
    return None


def show_source(obj, lines=None, *, docstring=True):
    """The source of a function, class or module of the package, ready to display.

    Parameters
    ----------
    obj : function, class, method or module
        Decorated functions are unwrapped first (a Numba-compiled kernel shows the Python
        function it compiles).
    lines : (int, int), optional
        Show only lines ``first`` to ``last`` (1-based, inclusive) of the object's source,
        counted from its first line (the decorator or ``def``).
    docstring : bool, default True
        Keep the docstring. With False it is left out, which keeps a side-by-side comparison
        short; applied before ``lines``.

    Returns
    -------
    SourceCode
        Displays as a highlighted listing headed by the file, line and name; ``str()`` of it is
        the code.

    Raises
    ------
    TypeError
        If ``obj`` has no Python source (a built-in, or an object defined interactively).
    ValueError
        If ``lines`` is not a pair of line numbers inside the source.
    """
    target = inspect.unwrap(obj)
    target = getattr(target, "py_func", target)      # a Numba dispatcher -> its Python function
    try:
        src_lines, first_line = inspect.getsourcelines(target)
        filename = inspect.getsourcefile(target)
    except (TypeError, OSError) as exc:
        raise TypeError(f"no Python source is available for {obj!r} ({exc}); pass a function, "
                        "class or module defined in a .py file") from None
    first_line = max(first_line, 1)                  # a module starts on line 0
    name = getattr(target, "__qualname__", getattr(target, "__name__", repr(target)))
    module = getattr(target, "__module__", None) or getattr(target, "__name__", "")
    notes = []

    source = "".join(src_lines)
    if not docstring:
        span = _docstring_span(source)
        if span is not None:
            first, last = span
            src_lines = src_lines[:first - 1] + src_lines[last:]
            notes.append("docstring omitted")

    if lines is not None:
        try:
            start, stop = (int(v) for v in lines)
        except (TypeError, ValueError):
            raise ValueError(f"lines must be a pair (first, last) of line numbers; got {lines!r}"
                             ) from None
        if not 1 <= start <= stop <= len(src_lines):
            raise ValueError(f"lines={lines!r} is outside the source of {name}, which has "
                             f"{len(src_lines)} lines; pick 1 <= first <= last <= "
                             f"{len(src_lines)}")
        src_lines = src_lines[start - 1:stop]
        notes.append(f"lines {start}-{stop} of the listing")

    code = textwrap.dedent("".join(src_lines)).rstrip("\n") + "\n"
    return SourceCode(code, _relative_path(filename, module), first_line, name,
                      note=", ".join(notes))


class _SideBySide:
    def __init__(self, sources):
        self.sources = sources

    def _repr_html_(self):
        # Each column asks for about 80 characters of code; where two do not fit side by side
        # they wrap onto rows, each as wide as the page, rather than hiding half of every line.
        columns = "".join(
            f'<div style="flex: 1 1 38em; min-width: 0; max-width: 100%;">'
            f"{s._repr_html_()}</div>"
            for s in self.sources)
        return ('<div class="dlc-side-by-side" style="display: flex; flex-wrap: wrap; '
                f'gap: 0.8em; font-size: 0.88em;">{columns}</div>')

    def __str__(self):
        return "\n\n".join(str(s) for s in self.sources)


def show_side_by_side(*sources):
    """Display several listings in columns (they wrap onto rows on a narrow screen).

    Parameters
    ----------
    *sources : SourceCode
        Listings from :func:`show_source`, left to right.

    Returns
    -------
    object with ``_repr_html_``
    """
    if not sources:
        raise ValueError("pass at least one listing from show_source")
    for i, s in enumerate(sources):
        if not isinstance(s, SourceCode):
            raise ValueError(f"argument {i} is a {type(s).__name__}; pass the results of "
                             "show_source(...)")
    return _SideBySide(sources)
