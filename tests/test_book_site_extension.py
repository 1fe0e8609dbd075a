"""The book's Sphinx extension (book/_site/dlcourse_site.py), on a one-page Sphinx project.

The repository address is one setting: with a real address the {repo} role links files and the
theme shows its repository button; with the placeholder neither appears. Each page keeps each
script once, and no thebe script while live code is off.
"""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "book" / "_site"

pytest.importorskip("sphinx_book_theme")
pytest.importorskip("sphinx_thebe")


def load_site_module():
    spec = importlib.util.spec_from_file_location("dlcourse_site", SITE / "dlcourse_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(tmp_path, repository_url):
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(SITE)!r})\n"
        "extensions = ['sphinx_togglebutton', 'sphinx_thebe', 'sphinx_book_theme',"
        " 'dlcourse_site']\n"
        "html_theme = 'sphinx_book_theme'\n"
        "html_theme_options = {\n"
        f"    'repository_url': {repository_url!r}, 'repository_branch': 'fall',\n"
        "    'use_repository_button': True,\n"
        "    'launch_buttons': {'binderhub_url': 'https://mybinder.org', 'thebe': False},\n"
        "}\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text(
        "Title\n=====\n\nThe model is in :repo:`dlcourse/models/rbm.py`.\n", encoding="utf-8"
    )
    out = tmp_path / "html"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html",
                 status=None, warning=None, freshenv=True)
    app.build()
    return (out / "index.html").read_text(encoding="utf-8")


def test_placeholder_address_is_recognised():
    site = load_site_module()
    assert not site.repository_is_set(site.PLACEHOLDER_REPOSITORY)
    assert not site.repository_is_set("")
    assert site.repository_is_set("https://github.com/acme/dlcourse")
    assert (site.repository_file_url("https://github.com/acme/dlcourse/", "fall", "a/b.py")
            == "https://github.com/acme/dlcourse/blob/fall/a/b.py")


def test_a_set_address_links_files_and_shows_the_repository_button(tmp_path):
    page = build(tmp_path, "https://github.com/acme/dlcourse")
    assert 'href="https://github.com/acme/dlcourse/blob/fall/dlcourse/models/rbm.py"' in page
    assert 'href="https://github.com/acme/dlcourse"' in page  # the repository button


def test_the_placeholder_shows_paths_without_links_and_no_repository_button(tmp_path):
    site = load_site_module()
    page = build(tmp_path, site.PLACEHOLDER_REPOSITORY)
    assert "dlcourse/models/rbm.py" in page
    assert "YOUR-ORG" not in page
    assert "mybinder" not in page


def test_pages_declare_each_script_once_and_no_thebe_when_live_code_is_off(tmp_path):
    page = build(tmp_path, "https://github.com/acme/dlcourse")
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(inline) == len(set(inline)), "an inline script appears twice"
    assert "THEBE_JS_URL" not in page and "sphinx-thebe.js" not in page
    assert "dlcourse.css" in page
