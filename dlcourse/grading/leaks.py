"""Find solution and hidden-test text where it must not appear: a release, feedback, the book.

Book: how_to_use, "Assignments".

A line of a source notebook is *secret* when it lies in a solution region, a whole-cell
model answer, a hidden-test region or a mark scheme, has at least 16 letters or digits, and
appears nowhere in the public part of the notebook. Finding such a line anywhere else can
only mean a leak. Text is compared by letters and digits only, so code, rendered HTML and
markdown are compared alike.
"""

import html
import re
from pathlib import Path

__all__ = ["secret_lines", "notebook_text", "html_text", "leaks"]


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def _norm(text):
    """Letters and digits only: compares code, rendered HTML and markdown alike."""
    return re.sub(r"[^0-9A-Za-z]", "", text)


_MESSAGE = re.compile(r"""^(?:[rf]{0,2})(["']).*\1[),\s\\]*$""")


def secret_lines(source, messages=True):
    """Distinctive lines of the solutions (regions, whole answer cells) and hidden tests.

    A line counts when it has at least 16 letters or digits and appears nowhere in the public
    part of the source, so finding it elsewhere can only mean a leak. With
    ``messages=False`` the lines of hidden tests that are only a string (the continuation of a
    failure message, which feedback shows on purpose) are left out.
    """
    public, solution, hidden = [], [], []
    for cell in source.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") and "BEGIN SOLUTION" not in cell.source:
            solution += cell.source.split("\n")                    # a whole-cell answer
            continue
        state = None
        for line in cell.source.split("\n"):
            if "BEGIN SOLUTION" in line:
                state = solution
            elif "BEGIN HIDDEN TESTS" in line or "BEGIN MARK SCHEME" in line:
                state = hidden
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line or "END MARK SCHEME" in line:
                state = None
            elif state is hidden and not messages and _MESSAGE.match(line.strip()):
                continue
            else:
                (state if state is not None else public).append(line)
    public_text = _norm("\n".join(public))

    def distinctive(lines):
        keys = {_norm(line) for line in lines}
        return sorted(k for k in keys if len(k) >= 16 and k not in public_text)

    return distinctive(solution), distinctive(hidden)


def notebook_text(nb):
    """All sources and outputs of a notebook as one text."""
    return "\n".join(c.source + "\n" + "\n".join(str(o) for o in c.get("outputs", []))
                     for c in nb.cells)


def html_text(path):
    """The visible text of an HTML page (scripts and styles removed)."""
    raw = Path(path).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def leaks(text, lines):
    """The secret ``lines`` (from :func:`secret_lines`) that occur in ``text``."""
    normed = _norm(text)
    return [line for line in lines if line in normed]
