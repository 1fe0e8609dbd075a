"""Checks used inside assignment test cells, with messages written for learners.

Book: how_to_use, "Assignments".

- :mod:`~dlcourse.grading.checks`: ``check_shape``, ``check_close``, ``check_gradient``,
  ``check_type``, ``check_finite`` and ``no_warnings``; each fails with an ``AssertionError``
  (what nbgrader counts as a failed test) that says what differs, where, and what to look at.
- :mod:`~dlcourse.grading.blocking`: ``blocked(...)`` runs a learner's function with the
  reference implementation of the same algorithm switched off, so delegating scores nothing;
  :mod:`~dlcourse.grading.references` holds the groups it is given (``RNN``, ``GAN_LOSSES``,
  ...), which the grading sandbox also removes for the whole notebook.
- :mod:`~dlcourse.grading.feedback`: the nbgrader preprocessor that keeps hidden tests out of
  the feedback (imported by ``nbgrader_config.py`` only; it needs nbconvert).
- :mod:`~dlcourse.grading.leaks`: finds solution and hidden-test lines in a release, in
  feedback or in the built book.
"""

from .blocking import BlockedReferenceError, blocked
from .checks import (check_close, check_directional_derivatives, check_finite, check_gradient,
                     check_shape, check_type, no_warnings)
from .references import *  # noqa: F401,F403  (the groups of references, all public)
from .references import __all__ as _groups

__all__ = _groups + [
    "BlockedReferenceError", "blocked",
    "check_close", "check_directional_derivatives", "check_finite", "check_gradient",
    "check_shape", "check_type", "no_warnings",
]
