"""Every built page of the book, rendered in headless Chromium as a reader sees it.

Sphinx cannot see what happens in the page: MathJax errors (raw TeX on screen), JavaScript
errors, requests that leave the site, or equations wider than the text column that are cut off.
This check opens each page of the book that ``built_book`` (tests/conftest.py) built, served
from a local HTTP server, in one browser at a 1400 px window, and fails on any of them.

It drives Debian's ``chromium`` (requirements/debian.txt; ``make install`` installs it when run
as root) with ``playwright`` from PyPI, without downloading a browser.
"""

import functools
import http.server
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
WINDOW = {"width": 1400, "height": 900}
PAGE_TIMEOUT_MS = 30_000
INSTALL_HINT = (
    "the browser check needs Debian's chromium and playwright: run `make install` (as root it "
    "installs the packages in requirements/debian.txt), or `sudo apt-get install chromium` and "
    "`.venv/bin/pip install -e '.[test]'`"
)

# Collects, per equation shown in display mode, what a reader cannot see: content wider than
# the text column (or past its left edge) with no horizontal scroll box to reach it.
CLIPPED_MATH_JS = """
() => {
  const found = [];
  for (const box of document.querySelectorAll('mjx-container[display="true"]')) {
    const article = box.closest('article') || document.body;
    const column = article.getBoundingClientRect();
    const math = box.querySelector('mjx-math') || box;
    const content = math.getBoundingClientRect();
    let scroller = null;
    for (let el = box; el && el !== article; el = el.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) { scroller = el; break; }
    }
    const seen = scroller ? scroller.getBoundingClientRect() : column;
    const fits = content.left >= column.left - 1 && content.right <= column.right + 1;
    const reachable = scroller !== null && content.left >= seen.left - 1
        && seen.left >= column.left - 1 && seen.right <= column.right + 1;
    if (!fits && !reachable) {
      const label = box.querySelector('mjx-mlabeledtr mjx-mtd, mjx-labels');
      found.push({
        tag: label ? label.textContent.trim() : '',
        text: (box.querySelector('mjx-assistive-mml') || box).textContent.trim().slice(0, 70),
        width: Math.round(content.width), column: Math.round(column.width),
        left: Math.round(content.left - column.left),
      });
    }
  }
  return found;
}
"""


def chromium_path():
    for candidate in (os.environ.get("DLCOURSE_CHROMIUM"), shutil.which("chromium"),
                      "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def missing(message):
    """Fail on CI (where the check must run), skip elsewhere; say how to install."""
    if os.environ.get("CI"):
        pytest.fail(f"{message}; {INSTALL_HINT}")
    pytest.skip(f"{message}; {INSTALL_HINT}")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """Serve the built book from a local HTTP server; yield its base URL and html folder."""
    html_dir, _ = built_book
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html_dir
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        missing("chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


def is_redirect(page):
    return 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]


def site_pages(html_dir):
    """Every page of the site, except redirects (index.html sends readers to the intro)."""
    return sorted(p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts
                  and not is_redirect(p))


def check_page(context, base, path):
    """Open one page; return a list of problems (empty when the page is clean)."""
    problems, host = [], urlsplit(base).netloc
    page = context.new_page()

    def on_request(request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob", "about") and url.netloc != host:
            problems.append(f"request leaves the site: {request.url}")

    page.on("request", on_request)
    page.on("console", lambda msg: msg.type == "error" and problems.append(
        f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).netloc == host and problems.append(
        f"request failed: {r.url} ({r.failure})"))
    try:
        page.goto(f"{base}/{path}", wait_until="load", timeout=PAGE_TIMEOUT_MS)
        has_mathjax = page.evaluate("() => !!(window.MathJax && MathJax.startup)")
        if has_mathjax:
            settled = page.evaluate(
                "t => Promise.race([MathJax.startup.promise.then(() => 'typeset'),"
                " new Promise(done => setTimeout(() => done('timed out'), t))])",
                PAGE_TIMEOUT_MS)
            if settled != "typeset":
                problems.append(f"MathJax did not finish typesetting ({settled})")
            errors = page.evaluate(
                "() => [...document.querySelectorAll('mjx-merror')].map("
                "e => e.getAttribute('data-mjx-error') || e.textContent)")
            problems += [f"MathJax error: {e}" for e in errors]
            problems += [
                f"display equation {c['tag'] or repr(c['text'])} is {c['width']} px wide in a "
                f"{c['column']} px column (starts at {c['left']} px) with no scroll box"
                for c in page.evaluate(CLIPPED_MATH_JS)
            ]
        page.wait_for_timeout(100)  # let late console messages (widget managers) arrive
    finally:
        page.close()
    return problems


@pytest.mark.book
def test_every_page_renders_without_errors_in_a_real_browser(site, browser):
    base, html_dir = site
    pages = site_pages(html_dir)
    assert len(pages) > 40, f"only {len(pages)} pages in the built site"
    context = browser.new_context(viewport=WINDOW)
    # a request to another host must not wait for a network that is not there
    context.route(lambda url: urlsplit(url).netloc != urlsplit(base).netloc
                  and urlsplit(url).scheme in ("http", "https", "ws", "wss"),
                  lambda route: route.abort())
    start, report, slowest = time.perf_counter(), {}, (0.0, "")
    for path in pages:
        t0 = time.perf_counter()
        problems = check_page(context, base, path)
        slowest = max(slowest, (time.perf_counter() - t0, path))
        if problems:
            report[path] = problems
    context.close()
    seconds = time.perf_counter() - start
    print(f"\n{len(pages)} pages checked in Chromium in {seconds:.1f} s "
          f"(slowest {slowest[1]}: {slowest[0]:.1f} s); {len(report)} with problems")
    assert not report, "problems seen in the browser:\n" + "\n".join(
        f"{path}:\n  " + "\n  ".join(dict.fromkeys(problems)) for path, problems in report.items()
    )


@pytest.mark.book
def test_search_shows_results_with_snippets_when_served(site, browser):
    # Sphinx's search fetches each result page to cut a snippet from it; a browser blocks that
    # fetch for a site opened from disk (file://), which is why the README says to serve it.
    base, _ = site
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(f"{base}/search.html?q=perceptron", wait_until="load")
    page.wait_for_selector("#search-results li p.context", timeout=PAGE_TIMEOUT_MS)
    snippets = page.locator("#search-results li p.context").all_inner_texts()
    context.close()
    assert any("perceptron" in s.lower() for s in snippets), snippets[:3]


@pytest.mark.book
def test_frame_player_readout_names_the_frame_it_shows(site, browser):
    # The slider's readout once said "sweeps 6" beside a caption "20 sweeps at T = 1": the
    # readout must be the quantity of the frame shown, in the static page with no kernel.
    base, _ = site
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    page.goto(f"{base}/book/09_boltzmann/annealing.html", wait_until="load")
    handle = page.locator(".noUi-handle").first
    handle.wait_for(timeout=PAGE_TIMEOUT_MS)
    handle.scroll_into_view_if_needed()
    handle.focus()
    readouts = []
    for _ in range(6):  # to the last frame, "20 sweeps", whose index is 6
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
        readout = page.locator(".widget-readout").first.inner_text().strip()
        caption = page.evaluate(
            "() => [...document.querySelectorAll('.widget-html-content')]"
            ".filter(e => e.offsetParent !== null).map(e => e.textContent).join(' | ')")
        readouts.append(readout)
        assert caption.startswith(f"{readout} sweeps"), (readout, caption)
    context.close()
    assert len(set(readouts)) == 6, readouts
