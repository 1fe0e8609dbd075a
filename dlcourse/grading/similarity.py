"""Flag answers that look copied from the reference implementation, for a person to read.

Book: how_to_use, "How grading works".

The sandbox removes the references an assignment asks for, so calling them scores nothing.
What it cannot remove is a copy: an answer cell that pastes (or lightly renames) the package's
source, or a call to a compiled equivalent such as SciPy's ``expit`` that has no Python source
to remove. Neither is graded down automatically: the check names them so that the instructor
can look.

A copy is measured as the share of the reference's token 5-grams (identifiers and literals
kept, comments, docstrings and layout dropped) that occur in one answer cell; references of
fewer than 40 tokens are too short to tell a copy from the obvious way of writing them.
"""

import ast
import inspect
import io
import tokenize
from pathlib import Path

__all__ = ["copied_share", "flags_for_submission"]

N = 5
MIN_TOKENS = 40
THRESHOLD = 0.8


def _tokens(code):
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
                continue
            if tok.type == tokenize.STRING and tok.string.lstrip("rbuRBU").startswith(
                    ('"""', "'''")):
                continue                     # docstrings
            out.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out


def _grams(tokens):
    return {tuple(tokens[i:i + N]) for i in range(len(tokens) - N + 1)}


def copied_share(answer, reference):
    """Share of the reference's token 5-grams found in ``answer`` (0 when too short)."""
    ref = _tokens(reference)
    if len(ref) < MIN_TOKENS:
        return 0.0
    ref_grams = _grams(ref)
    return len(ref_grams & _grams(_tokens(answer))) / len(ref_grams)


def _reference_source(dotted):
    from .sandbox import _locate
    located = _locate(dotted)
    if located is None:
        return None
    import importlib
    module_path, qual = located
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
            for name in parts[cut:]:
                obj = getattr(obj, name)
            return inspect.getsource(getattr(obj, "py_func", obj))
        except (ImportError, AttributeError, OSError, TypeError):
            continue
    return None


def flags_for_submission(root, student, assignment):
    """Messages about one submission's answer cells (empty when nothing looks copied)."""
    import nbformat

    from .trusted import assignment_references

    root = Path(root)
    source = root / "solutions" / assignment / f"{assignment}.ipynb"
    submitted = root / "_grading" / "submitted" / student / assignment / f"{assignment}.ipynb"
    if not source.is_file() or not submitted.is_file():
        return []
    source_nb = nbformat.read(source, as_version=4)
    try:
        nb = nbformat.read(submitted, as_version=4)
    except Exception:  # noqa: BLE001 - a corrupt notebook is reported by the grader itself
        return []
    answers = [(c.metadata.get("nbgrader", {}).get("grade_id", "?"), c.source)
               for c in nb.cells if c.cell_type == "code"
               and (c.metadata.get("nbgrader") or {}).get("solution")]
    flags = []
    for dotted in assignment_references(root, assignment, source_nb):
        reference = _reference_source(dotted)
        name = dotted.rsplit(".", 1)[-1]
        if reference is None:
            # a compiled function: look for its name being used in an answer
            for grade_id, code in answers:
                try:
                    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
                    used |= {n.attr for n in ast.walk(ast.parse(code))
                             if isinstance(n, ast.Attribute)}
                except SyntaxError:
                    continue
                if name in used:
                    flags.append(f"answer cell {grade_id} uses {dotted}, which this assignment "
                                 "asks the student to write")
            continue
        for grade_id, code in answers:
            share = copied_share(code, reference)
            if share >= THRESHOLD:
                flags.append(f"answer cell {grade_id} contains {share:.0%} of the source of "
                             f"{dotted}")
    return flags
