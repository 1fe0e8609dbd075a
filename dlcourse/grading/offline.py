"""Feedback that reads well offline: math as MathML, links to the book that lead somewhere.

Book: how_to_use, "How grading works".

nbgrader's feedback page loads MathJax from a CDN, so a student who opens it without a network
sees raw TeX; and the assignment's links to its chapter (``../../book/<id>/index.md``) are
relative to ``exercises/<id>/``, which is not where the feedback file lives. This
preprocessor, run by ``generate_feedback`` (``nbgrader_config.py``), changes the markdown cells
before they are rendered:

* every ``$...$`` and ``$$...$$`` becomes MathML (``latex2mathml``), which browsers draw
  themselves: the page needs no script and no network. TeX that does not convert stays as it
  was, so nothing is lost;
* a link into the book points at the published book when ``_config.yml`` says where it is
  (``html: baseurl``), and otherwise becomes plain text that names the page.

Code (fenced blocks and inline spans) is left alone.
"""

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

__all__ = ["OfflineFeedback", "book_links", "tex_to_mathml"]

_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
_MATH = re.compile(r"(?<!\\)\$\$(.+?)(?<!\\)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<![\\\s])\$(?!\$)",
                   re.S)
_BOOK_LINK = re.compile(r"\[([^\]]+)\]\((?:\.\./)+(book/[^)#\s]+?)\.(?:md|ipynb)(#[^)\s]*)?\)")
# characters that markdown would read as emphasis or escapes inside the MathML's text
_MARKDOWN_SPECIAL = {"*": "&#x2A;", "_": "&#x5F;", "\\": "&#x5C;", "`": "&#x60;"}


def tex_to_mathml(tex, display=False):
    """MathML for one TeX formula, or None when latex2mathml cannot read it."""
    from latex2mathml.converter import convert
    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX it cannot read stays TeX
        return None
    # only the text between tags needs protecting; the tags themselves have none of these
    return re.sub(r">([^<]+)<", lambda m: ">" + "".join(_MARKDOWN_SPECIAL.get(ch, ch)
                                                       for ch in m.group(1)) + "<", mathml)


def _math(text):
    def replace(match):
        display = match.group(1) is not None
        mathml = tex_to_mathml(match.group(1) if display else match.group(2), display)
        return match.group(0) if mathml is None else mathml
    return _MATH.sub(replace, text)


def book_links(text, book_url=""):
    """Links into ``book/`` made absolute on ``book_url``, or plain text without it."""
    def replace(match):
        label, page, anchor = match.group(1), match.group(2), match.group(3) or ""
        if book_url:
            return f"[{label}]({book_url.rstrip('/')}/{page}.html{anchor})"
        return f"{label} (in the book: `{page}`)"
    return _BOOK_LINK.sub(replace, text)


class OfflineFeedback(Preprocessor):
    """Markdown cells with MathML for their math and book links that resolve."""

    enabled = Bool(True).tag(config=True)
    book_url = Unicode("", help="Where the book is published (_config.yml: html.baseurl); "
                                "empty: name the page without a link").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "markdown":
            return cell, resources
        parts = _CODE.split(cell.source)
        # split() with one group: even indices are prose, odd ones are the code it matched
        cell.source = "".join(part if i % 2 else _math(book_links(part, self.book_url))
                              for i, part in enumerate(parts))
        return cell, resources
