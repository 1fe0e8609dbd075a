"""The course manifest ties each chapter id to its pages, assignment, modules and tests."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "course.yml").read_text())
CHAPTERS = MANIFEST["chapters"]
ID = re.compile(r"^\d\d_[a-z_]+$")


def book_paragraphs(text):
    """The "Book:" paragraphs of a module: each such line and the lines that continue it, up
    to a blank line."""
    return " ".join(m.group(0) for m in re.finditer(r"Book:[^\n]*(?:\n[ \t]*\S[^\n]*)*", text))


def toc_files():
    """Every file listed in _toc.yml, as a repo-relative path without suffix."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return {str(Path(f).with_suffix("")) for f in found}


@pytest.mark.parametrize("cid", sorted(CHAPTERS))
def test_every_listed_path_exists(cid):
    entry = CHAPTERS[cid]
    paths = entry["book"] + entry["modules"] + entry["tests"] + entry.get("benchmarks", [])
    paths += [entry["assignment"]["source"], entry["assignment"]["release"]]
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"{cid}: course.yml lists paths that do not exist: {missing}"


@pytest.mark.parametrize("cid", sorted(CHAPTERS))
def test_pages_are_in_the_toc_and_named_by_the_chapter_id(cid):
    toc = toc_files()
    for page in CHAPTERS[cid]["book"]:
        assert page.startswith(f"book/{cid}/"), f"{page} is not under book/{cid}/"
        assert str(Path(page).with_suffix("")) in toc, f"{page} is not listed in _toc.yml"


@pytest.mark.parametrize("cid", sorted(CHAPTERS))
def test_modules_name_their_chapter(cid):
    for module in CHAPTERS[cid]["modules"]:
        book = book_paragraphs((ROOT / module).read_text())
        assert re.search(rf"\b{cid}\b", book), f"{module} has no 'Book: {cid}' line"


@pytest.mark.parametrize("cid", sorted(CHAPTERS))
def test_assignment_paths_follow_the_chapter_id(cid):
    a = CHAPTERS[cid]["assignment"]
    assert a["source"] == f"solutions/{cid}/{cid}.ipynb"
    assert a["release"] == f"exercises/{cid}/{cid}.ipynb"


def test_every_chapter_folder_solution_and_exercise_is_in_the_manifest():
    known = set(CHAPTERS)
    for folder in ("book", "solutions", "exercises"):
        for d in (ROOT / folder).iterdir():
            if d.is_dir() and ID.match(d.name):
                assert d.name in known, f"{folder}/{d.name} is not in course.yml"
    for d in (ROOT / "solutions").iterdir():
        if d.is_dir() and ID.match(d.name):
            assert (ROOT / "exercises" / d.name).is_dir(), f"solutions/{d.name} has no exercises/{d.name}"


def test_ids_are_well_formed_and_not_duplicated():
    ids = list(CHAPTERS) + MANIFEST["planned"]
    assert all(ID.match(i) for i in ids)
    assert len(set(ids)) == len(ids) and len({i[:2] for i in ids}) == len(ids)


AHEAD = MANIFEST.get("package_ahead", {})


def test_package_built_ahead_belongs_to_a_planned_chapter_and_exists():
    # one test over every entry (none once every chapter is written), not one per entry
    for cid, entry in sorted(AHEAD.items()):
        assert cid in MANIFEST["planned"], (f"package_ahead lists {cid}, which is not planned; "
                                            "move its lists into its `chapters` entry")
        paths = entry["modules"] + entry["tests"] + entry.get("benchmarks", [])
        missing = [p for p in paths if not (ROOT / p).exists()]
        assert not missing, f"{cid}: course.yml lists paths that do not exist: {missing}"
        for module in entry["modules"]:
            book = book_paragraphs((ROOT / module).read_text())
            assert re.search(rf"\b{cid}\b", book), f"{module} has no 'Book: {cid}' line"


def test_the_toc_orders_chapters_by_id_so_sidebar_numbers_match():
    # Jupyter Book numbers chapters in toc order: chapter n of the sidebar must be id n
    order = re.findall(r"file: book/(\d\d_\w+)/index", (ROOT / "_toc.yml").read_text())
    assert order == sorted(order), f"the toc lists the chapters as {order}"
    numbers = [int(cid[:2]) for cid in order]
    assert numbers == list(range(1, len(order) + 1)), \
        f"chapter numbers in the toc skip or repeat: {numbers}"


def test_every_section_a_module_cites_is_a_heading_of_its_chapter():
    # a "Book:" line that names a section sends the reader to it; renamed sections must follow
    headings = {}
    for page in (ROOT / "book").glob("*/*.md"):
        headings.setdefault(page.parent.name, set()).update(
            line.lstrip("#").strip() for line in page.read_text().splitlines()
            if line.startswith("#"))
    stale = []
    for module in sorted((ROOT / "dlcourse").rglob("*.py")):
        book = book_paragraphs(module.read_text())
        for cid, quoted in re.findall(r'(\d\d_\w+),? (?:\(|)sections? ((?:"[^"]+"[,;]?(?: and| or)?\s*)+)',
                                      book):
            titles = (" ".join(t.split()) for t in re.findall(r'"([^"]+)"', quoted))
            stale += [f"{module.relative_to(ROOT)}: {cid} has no section {title!r}"
                      for title in titles if title not in headings.get(cid, set())]
    assert not stale, "\n".join(stale)
