"""Unit tests of the interactive-figure primitives in dlcourse.viz.interactive."""

import io
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.display import HTML
from matplotlib.animation import FuncAnimation

from dlcourse.viz.interactive import (
    FramePlayer,
    Slider,
    animation_html,
    decision_boundary_explorer,
    frame_player,
    html_explorer,
)

# A URL that makes the browser fetch something: http://, https:// or protocol-relative //.
EXTERNAL_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def make_figures(n):
    figs = []
    for k in range(n):
        fig, ax = plt.subplots(figsize=(2, 1.5))
        ax.plot([0, 1], [0, k])
        figs.append(fig)
    return figs


def png_bytes():
    fig, ax = plt.subplots(figsize=(1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=20)
    plt.close(fig)
    return buffer.getvalue()


def is_jslink(link, source, target):
    # LinkModel is the browser-side, two-way link that widgets.jslink creates
    return link._model_name == "LinkModel" and link.source == source and link.target == target


# ---- frame_player -------------------------------------------------------------------------


def test_frame_player_stacks_one_image_per_frame_and_closes_figures():
    plt.close("all")
    player = frame_player(make_figures(4))
    assert isinstance(player, FramePlayer)
    assert isinstance(player, widgets.VBox)
    assert isinstance(player.stack, widgets.Stack)
    assert len(player.stack.children) == 4
    assert all(isinstance(c, widgets.Image) for c in player.stack.children)
    assert all(bytes(c.value).startswith(b"\x89PNG") for c in player.stack.children)
    assert (player.slider.min, player.slider.max, player.slider.value) == (0, 3, 0)
    assert plt.get_fignums() == [], "frame_player must close the figures it rendered"


def test_frame_player_links_slider_to_stack_in_the_browser():
    player = frame_player(make_figures(3))
    # jslink, not link/observe: a front-end link keeps working in the static page.
    assert any(
        is_jslink(link, (player.slider, "value"), (player.stack, "selected_index"))
        for link in player.links
    )
    assert any(
        is_jslink(link, (player.play, "value"), (player.slider, "value"))
        for link in player.links
    )
    assert player.play.interval == 400
    assert player.play in player.children[0].children


def test_frame_player_links_captions_when_labels_given():
    player = frame_player(make_figures(2), labels=["first", "<b>second</b>"])
    assert [c.value for c in player.captions.children] == ["first", "&lt;b&gt;second&lt;/b&gt;"]
    assert any(
        is_jslink(link, (player.slider, "value"), (player.captions, "selected_index"))
        for link in player.links
    )
    assert player.children == (player.children[0], player.captions, player.stack)


def test_frame_player_without_play_or_labels_has_controls_and_stack_only():
    player = frame_player([png_bytes(), png_bytes()], play=False)
    assert player.play is None and player.captions is None
    assert len(player.children) == 2
    assert len(player.links) == 1


def test_frame_player_accepts_png_bytes_unchanged():
    data = png_bytes()
    player = frame_player([data])
    assert bytes(player.stack.children[0].value) == data


def test_frame_player_renders_at_the_requested_dpi():
    small = bytes(frame_player(make_figures(1), dpi=40).stack.children[0].value)
    large = bytes(frame_player(make_figures(1), dpi=80).stack.children[0].value)
    # PNG width is the big-endian int at bytes 16:20 of the IHDR chunk
    width = lambda png: int.from_bytes(png[16:20], "big")  # noqa: E731
    assert width(small) == 80 and width(large) == 160  # 2 inches wide


def test_frame_player_reads_out_the_value_each_frame_shows_not_its_index():
    # The bug this pins down: a slider labelled "sweeps" read "6" on the frame whose caption
    # said "20 sweeps"; the readout must be the quantity itself.
    sweeps = [0, 1, 2, 5, 10, 20, 50]
    player = frame_player(make_figures(7), [f"{n} sweeps at T = 1" for n in sweeps],
                          values=sweeps, description="sweeps")
    assert isinstance(player.slider, widgets.SelectionSlider)
    assert player.slider.readout and player.slider.description == "sweeps"
    assert list(player.slider.options) == [str(n) for n in sweeps]
    player.slider.index = 5
    assert player.slider.label == "20"
    position = (player.slider, "index")
    for target in [(player.stack, "selected_index"), (player.captions, "selected_index")]:
        assert any(is_jslink(link, position, target) for link in player.links)
    assert any(is_jslink(link, (player.play, "value"), position) for link in player.links)


def test_frame_player_formats_numbers_and_keeps_text_values():
    player = frame_player(make_figures(3), values=[0.1, 0.25, 1.0], description="eta")
    assert list(player.slider.options) == ["0.1", "0.25", "1"]
    player = frame_player(make_figures(2), values=["uniform", "Glorot"], description="init")
    assert list(player.slider.options) == ["uniform", "Glorot"]


@pytest.mark.parametrize(
    "frames, kwargs, message",
    [
        ([], {}, "frames is empty"),
        (["not a figure"], {}, r"frames\[0\] is a str"),
        ([b"GIF89a..."], {}, r"frames\[0\] is bytes but not a PNG"),
        (None, {"labels": ["only one"]}, "labels has 1 entries but there are 2 frames"),
        (None, {"interval_ms": 0}, "interval_ms must be a positive integer"),
        (None, {"dpi": 7.5}, "dpi must be a positive integer"),
        (None, {"values": [1, 2, 3]}, "values has 3 entries but there are 2 frames"),
        (None, {"values": [1, 1]}, "values must be distinct"),
        (None, {"description": "sweeps"}, r"frame index next to 'sweeps'; pass values="),
    ],
)
def test_frame_player_rejects_bad_input_with_a_clear_message(frames, kwargs, message):
    if frames is None:
        frames = [png_bytes(), png_bytes()]
    with pytest.raises(ValueError, match=message):
        frame_player(frames, **kwargs)


# ---- html_explorer and decision_boundary_explorer ----------------------------------------

OR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
OR_T = np.array([0, 1, 1, 1])


def test_decision_boundary_explorer_has_three_sliders_points_and_readout():
    page = decision_boundary_explorer(OR_X, OR_T, w=(1.0, 1.0), b=-0.5)
    assert isinstance(page, HTML)
    html = page.data
    sliders = re.findall(r'<input type="range"[^>]*data-name="(\w+)"', html)
    assert sliders == ["w1", "w2", "b"]
    assert re.search(r'data-name="b" min="-3.0" max="3.0" step="0.05" value="-0.5"', html)
    assert html.count('data-role="point"') == 4
    assert 'data-role="shade"' in html and 'data-role="line"' in html
    assert 'data-role="readout"' in html
    assert "<script>" in html and "classified correctly" in html


def test_explorer_loads_nothing_from_outside():
    html = decision_boundary_explorer(OR_X, OR_T).data
    assert "http" not in html
    assert not EXTERNAL_URL.search(html)
    assert "<script src" not in html and "<link" not in html


def test_explorer_ids_are_unique_per_instance():
    first = decision_boundary_explorer(OR_X, OR_T).data
    second = decision_boundary_explorer(OR_X, OR_T).data
    id_first = re.search(r'id="(dlc-explorer-[0-9a-f]+)"', first).group(1)
    id_second = re.search(r'id="(dlc-explorer-[0-9a-f]+)"', second).group(1)
    assert id_first != id_second
    # the script finds its own root, and the CSS is scoped to it
    assert f'document.getElementById("{id_first}")' in first
    assert f"#{id_first} " in first


def test_explorer_embeds_data_safely_inside_the_script():
    page = html_explorer(
        [("k", "gain", 0, 1, 0.1, 0.5)],
        "function (v, ui) { ui.readout.textContent = ui.data.note; }",
        data={"note": "</script><script>alert(1)</script>"},
        element_id="fixed-id",
    ).data
    assert "</script><script>alert(1)" not in page
    assert 'id="fixed-id"' in page


def test_html_explorer_accepts_slider_tuples_and_namedtuples():
    draw = "function (v, ui) {}"
    page = html_explorer([Slider("a", "a", 0, 1, 0.5, 0), ("b", "b", -1, 1, 0.5, 1)], draw)
    assert re.findall(r'data-name="(\w+)"', page.data) == ["a", "b"]


def test_html_explorer_reads_out_named_positions_and_numbers_at_the_step_precision():
    draw = "function (v, ui) {}"
    page = html_explorer(
        [("pattern", "letter", 0, 3, 1, 2, ("A", "C", "H", "T")),
         ("noise", "noise", 0, 2, 1, 1, ("0%", "10%", "20%")),
         ("k", "gain", 0, 10, 1, 3), ("w", "w", -3, 3, 0.05, 0.5)],
        draw,
    ).data
    # the readout at load time is the named position or the number, never "2.00" for "H"
    outputs = re.findall(r'<output data-for="(\w+)">([^<]*)</output>', page)
    assert outputs == [("pattern", "H"), ("noise", "10%"), ("k", "3"), ("w", "0.50")]
    assert "data-readout='[&quot;A&quot;, &quot;C&quot;, &quot;H&quot;, &quot;T&quot;]'" in page
    # and the script that updates it on every move uses the same names and precision
    assert 'getAttribute("data-readout")' in page and 'getAttribute("data-decimals")' in page


@pytest.mark.parametrize(
    "X, t, kwargs, message",
    [
        (np.zeros((3, 3)), np.zeros(3), {}, r"X must have shape \(n_samples, 2\)"),
        (np.zeros((0, 2)), np.zeros(0), {}, "X has 0 points"),
        (np.full((2, 2), np.nan), np.zeros(2), {}, "NaN or infinite"),
        (np.zeros((3, 2)), np.zeros(4), {}, r"t must have shape \(3,\)"),
        (np.zeros((2, 2)), np.array([-1, 1]), {}, r"t must contain only 0 and 1.*\(t > 0\)"),
        (np.zeros((2, 2)), np.zeros(2), {"w": (1, 2, 3)}, "w must be a pair"),
        (np.zeros((2, 2)), np.zeros(2), {"b": 5.0}, r"value 5.0 is outside \[-3.0, 3.0\]"),
        (np.zeros((2, 2)), np.zeros(2), {"w_range": (1, -1)}, "need min < max"),
        (np.zeros((2, 2)), np.zeros(2), {"b_range": (-1, 0, 1)}, "b_range must be a pair"),
        (np.zeros((2, 2)), np.zeros(2), {"width": 50}, "at least 120 pixels"),
    ],
)
def test_decision_boundary_explorer_rejects_bad_input(X, t, kwargs, message):
    with pytest.raises(ValueError, match=message):
        decision_boundary_explorer(X, t, **kwargs)


@pytest.mark.parametrize(
    "sliders, kwargs, message",
    [
        ([("a", "a", 0, 1, 0.1)], {}, r"\(name, label, min, max, step, value\)"),
        ([("not-js", "x", 0, 1, 0.1, 0)], {}, "must be a JavaScript identifier"),
        ([("a", "a", 0, 1, 0, 0)], {}, "step > 0"),
        ([("a", "a", 0, 1, 0.1, 0), ("a", "b", 0, 1, 0.1, 0)], {}, "must be unique"),
        ([("a", "a", 0, 1, 0.1, 0)], {"element_id": "1 bad id"}, "element_id"),
        ([("a", "a", 0, 1, 0.1, 0)], {"width": -5}, "width must be a positive integer"),
        ([("a", "a", 0, 3, 1, 0, ("A", "C"))], {}, "readout has 2 entries but the slider has 4"),
    ],
)
def test_html_explorer_rejects_bad_sliders(sliders, kwargs, message):
    with pytest.raises(ValueError, match=message):
        html_explorer(sliders, "function (v, ui) {}", **kwargs)


# ---- animation_html -----------------------------------------------------------------------


def make_animation(n_frames=3):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    (line,) = ax.plot([], [])
    ax.set(xlim=(0, 1), ylim=(0, n_frames))

    def update(i):
        line.set_data([0, 1], [0, i])
        return (line,)

    return fig, FuncAnimation(fig, update, frames=n_frames, interval=100)


def test_animation_html_embeds_every_frame_and_loads_nothing_remote():
    plt.close("all")
    fig, anim = make_animation(3)
    page = animation_html(anim)
    assert isinstance(page, HTML)
    html = page.data
    assert html.count("data:image/png;base64") == 3
    assert "<link" not in html, "the Font Awesome CDN stylesheet must be removed"
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert 'class="fa' not in html and html.count("<svg") >= 9  # icons are inline SVG
    assert plt.get_fignums() == [], "animation_html closes the animation's figure"


def test_animation_html_can_leave_the_figure_open():
    plt.close("all")
    fig, anim = make_animation(2)
    animation_html(anim, close=False, default_mode="once")
    assert plt.fignum_exists(fig.number)
    plt.close(fig)


def test_animation_html_rejects_non_animations_and_bad_modes():
    with pytest.raises(ValueError, match="matplotlib Animation"):
        animation_html(plt.figure())
    fig, anim = make_animation(2)
    with pytest.raises(ValueError, match="default_mode"):
        animation_html(anim, default_mode="bounce")
    animation_html(anim)  # render it, or matplotlib warns that it was never drawn
