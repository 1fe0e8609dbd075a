"""Checks on the book's markdown sources that need no build.

The browser check (tests/test_book_browser.py) sees what a reader sees; these catch the same
mistakes earlier, at the line that causes them.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book").rglob("*.md"))
PAGES = [p for p in PAGES if "_vendor" not in p.parts and p.name != "README.md"]

# "chapter 05", "Chapters 10 and 11", "chapter 1", "ch. 4", "chapters 08 to 10"
CHAPTER_NUMBER = re.compile(r"\b(?:chapters?|ch\.)\s+\(?\d+", re.IGNORECASE)
DISPLAY_MATH = re.compile(r"^\$\$\s*$(.*?)^\$\$", re.MULTILINE | re.DOTALL)


def line_of(text, index):
    return text.count("\n", 0, index) + 1


def test_there_are_pages_to_check():
    assert len(PAGES) > 40


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_pages_refer_to_chapters_by_title_not_number(page):
    # The sidebar numbers chapters in the order they appear, and only published chapters
    # appear, so "chapter 05" names whatever happens to be fifth. Link the chapter with {doc}
    # (its title is the link text) or, for a chapter not yet written, name it by title.
    text = page.read_text(encoding="utf-8")
    found = [f"line {line_of(text, m.start())}: {text[m.start():m.end() + 20]!r}"
             for m in CHAPTER_NUMBER.finditer(text)]
    assert not found, (
        f"{page.relative_to(ROOT)} refers to chapters by number; use {{doc}}`../<id>/index` "
        "or the title of a planned chapter:\n" + "\n".join(found)
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_tagged_display_math_has_no_line_break_that_sphinx_would_wrap_in_split(page):
    # Sphinx wraps a $$ block that contains \\ in \begin{split}...\end{split}, and MathJax
    # refuses \tag inside split: the reader sees raw TeX. Write such an equation as a bare
    # amsmath environment (\begin{equation*} ... \tag{..} \end{equation*}), which is passed on
    # unwrapped (the star keeps Sphinx from adding a number of its own beside the tag).
    text = page.read_text(encoding="utf-8")
    found = [f"line {line_of(text, m.start())}" for m in DISPLAY_MATH.finditer(text)
             if r"\tag" in m.group(1) and "\\\\" in m.group(1)]
    # an unstarred amsmath environment is numbered by Sphinx too: "(5.1)" beside "(H3)"
    found += [f"line {line_of(text, m.start())} (unstarred)" for m in re.finditer(
        r"^\\begin\{(equation|align|gather|multline)\}(.*?)^\\end\{\1\}", text,
        re.MULTILINE | re.DOTALL) if r"\tag" in m.group(2)]
    assert not found, (
        f"{page.relative_to(ROOT)}: $$ blocks with both \\tag and a line break "
        f"(write them as \\begin{{equation*}}...\\end{{equation*}}): {found}"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_pages_do_not_write_the_repository_address(page):
    # The address is set once, in _config.yml (repository: url); pages link repository files
    # with {repo}`path`, which follows that setting.
    text = page.read_text(encoding="utf-8")
    found = re.findall(r"https?://(?:www\.)?(?:github|gitlab)\.com/[^\s)>`]*", text)
    assert not found, f"{page.relative_to(ROOT)} writes repository addresses: {found[:3]}"


# words from how the course was commissioned, which mean nothing to a reader
INTERNAL_JARGON = re.compile(r"\bseed[ -]notes?\b|\bthe seeds\b|\bseed text", re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "book")))
def test_pages_do_not_cite_the_course_commission(page):
    text = page.read_text(encoding="utf-8")
    found = [f"line {line_of(text, m.start())}: {text[max(0, m.start() - 30):m.end() + 30]!r}"
             for m in INTERNAL_JARGON.finditer(text)]
    assert not found, (
        f"{page.relative_to(ROOT)} cites the notes the course was commissioned from, which "
        "readers do not have; cite the paper, or say 'a common rule', 'the usual choice':\n"
        + "\n".join(found))
