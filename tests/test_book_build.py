"""Build the whole book strictly, into a temporary folder, and check that it works offline.

The build itself is the session fixture ``built_book`` (tests/conftest.py), shared with the
browser check in test_book_browser.py so that one test run builds the book once.
"""

import json
import re
from pathlib import Path

import pytest
import yaml  # installed with jupyter-book

from conftest import BUILD_TIMEOUT_S


ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))

# Tags that make a browser fetch a resource, and the attribute that names it.
RESOURCE_TAG = re.compile(
    r"<(script|link|img|iframe|embed|source|audio|video)\b[^>]*?"
    r"\b(src|href)\s*=\s*[\"']([^\"']*)[\"']",
    re.IGNORECASE,
)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def toc_pages(toc):
    """Every file named in _toc.yml, root first."""
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def html_pages(html_dir):
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def script_srcs(page):
    return [m.group(3) for m in RESOURCE_TAG.finditer(page.read_text(encoding="utf-8"))
            if m.group(1).lower() == "script"]


def vendored_scripts():
    """The local paths that _config.yml gives for MathJax and the widget JavaScript."""
    sphinx = CONFIG["sphinx"]["config"]
    return sphinx["mathjax_path"], list(sphinx["nb_ipywidgets_js"])


@pytest.mark.book
def test_book_builds_strictly_with_every_toc_page(built_book):
    html_dir, seconds = built_book
    missing = [p for p in toc_pages(TOC) if not (html_dir / f"{p}.html").exists()]
    assert not missing, f"pages listed in _toc.yml were not built: {missing}"
    assert (html_dir / "index.html").exists()
    # The build is part of the default test run: keep it to a few minutes.
    assert seconds < BUILD_TIMEOUT_S


@pytest.mark.book
def test_no_page_loads_anything_from_another_site(built_book):
    html_dir, _ = built_book
    offenders = []
    for page in html_pages(html_dir):
        for match in RESOURCE_TAG.finditer(page.read_text(encoding="utf-8")):
            tag, _, url = match.groups()
            if EXTERNAL.match(url.strip()):
                offenders.append(f"{page.relative_to(html_dir)}: <{tag} ... {url}>")
    assert not offenders, "external resources in built pages:\n" + "\n".join(offenders)


@pytest.mark.book
def test_config_points_math_and_widget_javascript_at_the_site():
    mathjax, widget_js = vendored_scripts()
    for path in [mathjax, *widget_js]:
        assert not EXTERNAL.match(path), f"{path} must be a file served by the site"
    assert any(p.endswith("require.js") for p in widget_js)
    assert any(p.endswith("embed-amd.js") for p in widget_js)
    assert CONFIG["sphinx"]["config"]["html_static_path"] == ["book/_vendor"]
    assert not (ROOT / "_static").exists(), "JB1 injects every .js under _static/ into every page"


@pytest.mark.book
def test_vendored_javascript_is_in_the_site_and_used_by_pages(built_book):
    html_dir, _ = built_book
    mathjax, widget_js = vendored_scripts()
    static = html_dir / "_static"
    for path in [mathjax, *widget_js]:
        assert (static / path).is_file(), f"_static/{path} missing from the built site"
    assert len(list((static / "mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))) >= 20
    assert list((static / "html-manager").glob("*.woff2")), "widget icon fonts missing"

    srcs = [src.split("?")[0] for page in html_pages(html_dir) for src in script_srcs(page)]
    for path in [mathjax, *widget_js]:
        assert any(src.endswith(f"_static/{path}") for src in srcs), f"no page loads {path}"


@pytest.mark.book
def test_math_page_loads_mathjax_from_the_site(built_book):
    html_dir, _ = built_book
    mathjax, _ = vendored_scripts()
    page = html_dir / "book" / "notation.html"
    text = page.read_text(encoding="utf-8")
    assert 'class="math' in text, "the notation page should contain math"
    srcs = [src.split("?")[0] for src in script_srcs(page)]
    assert f"../_static/{mathjax}" in srcs


@pytest.mark.book
def test_interactive_figures_page_keeps_widget_state_and_explorer(built_book):
    html_dir, _ = built_book
    mathjax, widget_js = vendored_scripts()
    page = html_dir / "book" / "how_to_use.html"
    text = page.read_text(encoding="utf-8")

    state_json = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S
    )
    assert state_json, "no saved widget state: frame_player would not move in the static page"
    states = json.loads(state_json.group(1))["state"].values()
    models = [m["model_name"] for m in states]
    assert "StackModel" in models and "SelectionSliderModel" in models
    # the slider reads out the gain of the frame shown, not the frame's index
    sliders = [m["state"] for m in states if m["model_name"] == "SelectionSliderModel"]
    assert sliders[0]["_options_labels"] == ["0.5", "1", "2", "4", "8", "16"]
    assert sliders[0]["description"] == "gain k"
    assert "LinkModel" in models, "the slider -> stack jslink must be saved with the page"
    assert "application/vnd.jupyter.widget-view+json" in text

    # the widget scripts come after the state, in the configured order
    srcs = [src.split("?")[0] for src in script_srcs(page)]
    positions = [next(i for i, s in enumerate(srcs) if s.endswith(path)) for path in widget_js]
    assert positions == sorted(positions)

    assert re.search(r'<div class="dlc-explorer" id="dlc-explorer-[0-9a-f]+">', text)
    assert text.count('type="range"') >= 3
    assert "_anim_img" in text, "the animation_html player is missing"


def test_built_book_reveals_no_solution_and_no_hidden_test(built_book):
    """No line of any assignment's solutions, model answers or hidden tests is in the site."""
    nbformat = pytest.importorskip("nbformat")
    from dlcourse.grading.leaks import html_text, leaks, secret_lines

    html_dir, _ = built_book
    secrets = []
    for source in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        solution, hidden = secret_lines(nbformat.read(source, as_version=4))
        # every solution line long enough to be someone's own code (28 letters and digits: a
        # short line like "w, b = np.zeros(X.shape[1]), 0.0" is written alike by anyone, and a
        # copied solution shows up through its longer lines); of the hidden tests, the checks:
        # their set-up lines ("separable = is_linearly_separable(X, t)") are the package's
        # public vocabulary and the book rightly uses them too
        secrets += [s for s in solution if len(s) >= 28]
        secrets += [h for h in hidden if "assert" in h or "check" in h]
    # lines of the dlcourse package are public (students have it installed, and the book
    # renders its source on purpose): a solution that reuses one reveals nothing new
    package = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "dlcourse").rglob("*.py"))
    secrets = [line for line in secrets if not leaks(package, [line])]
    assert secrets, "found no solution text to look for"
    pages = sorted(html_dir.rglob("*.html"))
    assert pages
    for page in pages:
        leaked = leaks(html_text(page), secrets)
        assert not leaked, f"{page.relative_to(html_dir)} reveals {leaked[:3]}"


@pytest.mark.book
def test_no_repository_or_launch_button_while_the_address_is_the_placeholder(built_book):
    # The repository address is one setting in _config.yml; until a course host sets it, a
    # repository, Binder or JupyterHub button would lead to a repository that may not exist.
    url = CONFIG["repository"]["url"]
    if "YOUR-ORG" not in url:
        pytest.skip(f"the repository address is set ({url})")
    html_dir, _ = built_book
    for page in html_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        for sign in ("YOUR-ORG", "mybinder.org", "launch-buttons", "repository-button"):
            assert sign not in text, f"{page.relative_to(html_dir)} shows {sign!r}"
