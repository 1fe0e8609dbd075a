"""Feedback pages that read well offline: MathML for math, book links that resolve."""

import pytest

pytest.importorskip("latex2mathml")
nbformat = pytest.importorskip("nbformat")

from dlcourse.grading.offline import OfflineFeedback, book_links, tex_to_mathml  # noqa: E402


def run(source, book_url=""):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(source)])
    pre = OfflineFeedback(book_url=book_url)
    nb, _ = pre.preprocess(nb, {})
    return nb.cells[0].source


def test_inline_and_display_math_become_mathml():
    out = run("The error $\\delta^L = \\nabla_Y E \\odot f'(A^L)$ and\n\n$$E = \\tfrac12 (y - t)^2$$")
    assert "$" not in out
    assert out.count("<math") == 2 and 'display="block"' in out and 'display="inline"' in out


def test_code_and_prices_stay_as_they_are():
    source = "Run `x = $HOME` and\n```\ncost = $5 + $6\n```\nit costs $5 and $ 6 here"
    assert run(source) == source


def test_tex_that_does_not_convert_stays_tex(monkeypatch):
    import latex2mathml.converter

    def cannot(*args, **kwargs):
        raise ValueError("unknown command")
    monkeypatch.setattr(latex2mathml.converter, "convert", cannot)
    assert tex_to_mathml("\\weird{x}") is None
    assert run("a $\\weird{x}$ b") == "a $\\weird{x}$ b"


def test_markdown_cannot_turn_mathml_into_emphasis():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    html = markdown2html_mistune(run("$a_1 * b_2 * c$ and $x_i$"))
    assert "<em>" not in html and html.count("<math") == 2


def test_book_links_point_at_the_published_book_or_name_the_page():
    link = "See [04_backprop](../../book/04_backprop/index.md) first."
    assert book_links(link, "https://example.org/dlcourse/") == \
        "See [04_backprop](https://example.org/dlcourse/book/04_backprop/index.html) first."
    assert book_links(link) == "See 04_backprop (in the book: `book/04_backprop/index`) first."
    assert "](" not in run(link)


def test_the_course_configures_it_for_feedback():
    from pathlib import Path
    config = (Path(__file__).resolve().parents[1] / "nbgrader_config.py").read_text()
    assert "OfflineFeedback" in config.split("GenerateFeedback.preprocessors")[1]


def test_the_formgrader_exporter_draws_math_too():
    """nbgrader's formgrader renders submissions with HTMLExporter(config=<nbgrader config>)."""
    from pathlib import Path

    from nbconvert import HTMLExporter
    from traitlets.config.loader import PyFileConfigLoader
    root = Path(__file__).resolve().parents[1]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("A rule $y = f(a)$.")])
    html, _ = HTMLExporter(config=config).from_notebook_node(nb)
    assert "<math" in html and "$y = f(a)$" not in html
