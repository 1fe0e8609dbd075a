"""Marking sheets: every written question of an assignment with its model answer and scheme.

Book: how_to_use, "How grading works".

nbgrader's formgrader shows a student's written answer and a score box, but not the model
answer or the mark scheme, which live in the instructor's notebook in ``solutions/``. ``make
marking`` writes one page per assignment, ``_grading/marking/<id>.md``, to keep open beside
the formgrader: for each hand-graded cell, its grade id (the formgrader's label), its points,
the question as the student read it, and the model answer with its mark scheme.

Usage: ``python -m dlcourse.grading marking [ASSIGNMENT ...]``.
"""

from pathlib import Path

__all__ = ["marking_sheet", "write_marking_sheets"]


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def marking_sheet(source_nb, assignment):
    """The marking sheet of one source notebook, as Markdown."""
    lines = [f"# Marking sheet: {assignment}", "",
             "Written answers graded by hand. Keep this page open beside the formgrader; "
             "each heading is the cell's grade id as the formgrader shows it.", ""]
    question, total, count = [], 0.0, 0
    for cell in source_nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "markdown" and not meta.get("solution"):
            question = [cell.source] if cell.source.lstrip().startswith("#") else \
                question + [cell.source]
            continue
        if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution"):
            points = float(meta.get("points", 0))
            total += points
            count += 1
            lines += [f"## {meta['grade_id']} ({points:g} point{'s' if points != 1 else ''})",
                      "", "**Question**", "", *question, "", "**Model answer and mark scheme**",
                      "", cell.source, "", "---", ""]
        elif cell.cell_type == "code":
            question = []
    lines.insert(4, f"{count} answer(s), {total:g} point(s) in all.\n")
    return "\n".join(lines)


def write_marking_sheets(root=".", assignments=()):
    """Write ``_grading/marking/<id>.md`` for each assignment; returns the paths."""
    import nbformat
    root = Path(root)
    out = []
    for folder in sorted((root / "solutions").glob("[0-9][0-9]_*")):
        if assignments and folder.name not in assignments:
            continue
        source = folder / f"{folder.name}.ipynb"
        if not source.is_file():
            continue
        target = root / "_grading" / "marking" / f"{folder.name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(marking_sheet(nbformat.read(source, as_version=4), folder.name),
                          encoding="utf-8")
        out.append(target)
    return out
