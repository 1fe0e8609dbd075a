"""Feedback that does not give the hidden tests away.

Book: how_to_use, "Assignments".

nbgrader's autograde puts the hidden tests back into each test cell so they can run, and
``generate_feedback`` (0.9.6) renders that notebook as it is: the hidden test source is shown,
and a failing hidden assertion's traceback quotes it again. nbgrader has no option to hide
them, so ``nbgrader_config.py`` adds this preprocessor to ``GenerateFeedback.preprocessors``.

In every cell it

* removes the hidden-test regions from the source (``### BEGIN HIDDEN TESTS`` ...
  ``### END HIDDEN TESTS``), and mark-scheme regions likewise;
* removes from the outputs of such a cell every line that quotes hidden-test source: the
  traceback of a failing hidden check keeps the frames in the learner's own code and the
  exception's message (the checks in :mod:`dlcourse.grading.checks` write messages meant for
  learners), but loses the numbered listing lines that show the test; a warning that prints
  the line that triggered it is cleaned the same way.

The learner sees the score of every test cell, the visible tests in full, and why a hidden
test failed, but not how it is written.
"""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

__all__ = ["HideHiddenTests", "split_hidden"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_LISTING = re.compile(r"^\s*(-*>)?\s*\d+\s")      # "---> 12 code" or "     13 code"


def split_hidden(source, begin, end):
    """Split a cell's source into the public part and the lines inside begin/end regions.

    Returns
    -------
    public : str
        The source with every region (markers included) removed.
    hidden : list of str
        The lines that were inside a region.
    """
    public, hidden, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            hidden.append(line)
        else:
            public.append(line)
    return "\n".join(public), hidden


class HideHiddenTests(Preprocessor):
    """Strip hidden tests (and mark schemes) from an autograded notebook before it is shown."""

    # nbconvert runs a registered preprocessor only when it is enabled (its default is off)
    enabled = Bool(True).tag(config=True)

    begin_hidden = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_hidden = Unicode("END HIDDEN TESTS").tag(config=True)
    begin_mark_scheme = Unicode("BEGIN MARK SCHEME").tag(config=True)
    end_mark_scheme = Unicode("END MARK SCHEME").tag(config=True)
    note = Unicode("(Parts of this test are hidden; lines that would show them are left out.)"
                   ).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        source, hidden = split_hidden(cell.source, self.begin_hidden, self.end_hidden)
        source, scheme = split_hidden(source, self.begin_mark_scheme, self.end_mark_scheme)
        cell.source = source
        secret = [line.strip() for line in hidden + scheme if len(line.strip()) >= 6]
        secret += [self.begin_hidden, self.end_hidden, self.begin_mark_scheme,
                   self.end_mark_scheme]
        if cell.cell_type != "code" or not (hidden or scheme):
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                # frames in the learner's own code stay; lines of hidden source go
                output["traceback"] = [_scrub(entry, secret, listings_only=True)
                                       for entry in output.get("traceback", [])] + [self.note]
            elif output.get("output_type") == "stream":
                output["text"] = _scrub(output.get("text", ""), secret)
            elif "data" in output:
                for mime, value in list(output["data"].items()):
                    if mime.startswith("text/") and isinstance(value, str):
                        output["data"][mime] = _scrub(value, secret)
        return cell, resources


def _scrub(text, secret, listings_only=False):
    """Drop every line of ``text`` that contains a line of hidden source.

    With ``listings_only``, only the numbered source lines of a traceback are candidates, so
    the message of the exception survives even when it repeats text of the test.
    """
    kept = []
    for line in text.split("\n"):
        plain = _ANSI.sub("", line)
        if (not listings_only or _LISTING.match(plain)) and any(s in plain for s in secret):
            continue
        kept.append(line)
    return "\n".join(kept)
