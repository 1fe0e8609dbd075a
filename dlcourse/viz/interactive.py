"""Interactive figures that move in a live kernel *and* in the static, published book.

A widget callback needs a running Python kernel, and the published book has none. The three
primitives here keep every interaction in the browser instead:

- :func:`frame_player` shows figures rendered in advance by Python and switches between them
  with a slider. The slider and the image stack are joined by ``widgets.jslink``, a link that
  lives in the browser, so it keeps working in the static page through the saved widget state.
- :func:`html_explorer` is for continuous parameters, where rendering every combination in
  advance would be far too big: a small HTML + SVG + JavaScript component that redraws itself.
  :func:`decision_boundary_explorer` is the one chapter 01 uses.
- :func:`animation_html` turns a matplotlib ``FuncAnimation`` into a self-contained player.

None of them loads anything from the network.

Book: how_to_use, section "Interactive figures"; 01_perceptron (decision_boundary_explorer).
"""

from __future__ import annotations

import html
import io
import json
import re
import uuid
from decimal import Decimal
from importlib import resources
from numbers import Real
from string import Template
from typing import NamedTuple, Sequence

import ipywidgets as widgets
import numpy as np

__all__ = [
    "FramePlayer",
    "Slider",
    "animation_html",
    "decision_boundary_explorer",
    "frame_player",
    "html_explorer",
]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ELEMENT_ID = re.compile(r"^[A-Za-z][-A-Za-z0-9_]*$")
_MAX_EXPLORER_POINTS = 2000


def _template(name: str) -> str:
    return resources.files("dlcourse.viz").joinpath("templates").joinpath(name).read_text("utf-8")


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


# --------------------------------------------------------------------------------------------
# 1. frame_player: pre-rendered frames switched in the browser
# --------------------------------------------------------------------------------------------


def _check_frame(frame, index: int) -> None:
    if isinstance(frame, (bytes, bytearray)):
        if bytes(frame[:8]) != _PNG_SIGNATURE:
            raise ValueError(
                f"frames[{index}] is bytes but not a PNG image; pass PNG bytes (for example "
                "from fig.savefig(buf, format='png')) or the matplotlib Figure itself"
            )
    elif not hasattr(frame, "savefig"):
        raise ValueError(
            f"frames[{index}] is a {type(frame).__name__}; pass matplotlib Figures or PNG bytes"
        )


def _readout_text(value) -> str:
    if isinstance(value, Real) and not isinstance(value, bool):
        return format(value, "g")
    return str(value)


def _png_bytes(frame, dpi: int) -> bytes:
    if isinstance(frame, (bytes, bytearray)):
        return bytes(frame)
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    frame.savefig(buffer, format="png", dpi=dpi)
    plt.close(frame)  # the frame now lives in the widget; free the figure's memory
    return buffer.getvalue()


class FramePlayer(widgets.VBox):
    """A VBox of controls, an optional caption and the frames, linked in the browser.

    Built by :func:`frame_player`. Attributes ``slider``, ``play`` (or None), ``captions``
    (or None), ``stack`` and ``links`` give access to the parts.
    """


def frame_player(
    frames,
    labels: Sequence[str] | None = None,
    *,
    values: Sequence | None = None,
    description: str = "frame",
    interval_ms: int = 400,
    play: bool = True,
    dpi: int = 80,
):
    """Show pre-rendered figures one at a time, chosen by a slider (and a Play button).

    Parameters
    ----------
    frames : sequence of matplotlib.figure.Figure or bytes, length n_frames
        The figures to show, in order. Figures are rendered to PNG at ``dpi`` and closed;
        bytes must already be PNG images.
    labels : sequence of str of length n_frames, optional
        A caption for each frame (for example ``"epoch 3, E = 0.41"``), shown above the image.
    values : sequence of length n_frames, optional
        The quantity each frame shows (the epoch, the number of sweeps, a letter's name), read
        out beside the slider in place of the frame index. Numbers are shown with ``format(v,
        "g")``, anything else with ``str``; ``description`` names the quantity.
    description : str, default "frame"
        The slider's label. Without ``values`` the readout is the frame index, so only the
        default ``"frame"`` is accepted: a label such as ``"sweeps"`` next to an index would
        name the wrong quantity.
    interval_ms : int, default 400
        Milliseconds between frames while playing.
    play : bool, default True
        Add a Play button that steps through the frames.
    dpi : int, default 80
        Resolution used to render figures; keep it low so a page stays light.

    Returns
    -------
    FramePlayer
        An ``ipywidgets.VBox`` subclass. The slider's position (``slider.value`` of an
        ``IntSlider``, or ``slider.index`` of a ``SelectionSlider`` when ``values`` are given) is
        joined to ``stack.selected_index`` (and to the captions and Play button) with
        ``widgets.jslink``, so the frames change without a kernel, in the static book too.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("frames is empty; pass at least one matplotlib Figure or PNG image")
    n_frames = len(frames)
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != n_frames:
            raise ValueError(
                f"labels has {len(labels)} entries but there are {n_frames} frames; "
                "pass one label per frame or labels=None"
            )
    if values is not None:
        values = [_readout_text(v) for v in values]
        if len(values) != n_frames:
            raise ValueError(
                f"values has {len(values)} entries but there are {n_frames} frames; "
                "pass the quantity each frame shows, one value per frame"
            )
        if len(set(values)) != n_frames:
            raise ValueError(
                f"values must be distinct, since the slider shows them; got {values}"
            )
    elif description != "frame":
        raise ValueError(
            f"description={description!r} but no values: the slider would show the frame "
            f"index next to {description!r}; pass values= (the {description} of each frame)"
        )
    interval_ms = _check_positive_int(interval_ms, "interval_ms")
    dpi = _check_positive_int(dpi, "dpi")
    for i, frame in enumerate(frames):  # check all before closing any figure
        _check_frame(frame, i)

    images = [widgets.Image(value=_png_bytes(frame, dpi), format="png") for frame in frames]
    stack = widgets.Stack(images, selected_index=0)
    if values is None:
        slider = widgets.IntSlider(
            value=0, min=0, max=n_frames - 1, step=1, description=description,
            continuous_update=True, readout=True,
        )
        position = (slider, "value")
    else:
        # the readout shows the option's label; the frame number travels as its index
        slider = widgets.SelectionSlider(
            options=values, index=0, description=description, continuous_update=True,
            readout=True,
        )
        position = (slider, "index")
    links = [widgets.jslink(position, (stack, "selected_index"))]
    controls = [slider]
    player = None
    if play:
        player = widgets.Play(value=0, min=0, max=n_frames - 1, step=1, interval=interval_ms)
        links.append(widgets.jslink((player, "value"), position))
        controls.insert(0, player)
    rows = [widgets.HBox(controls)]
    captions = None
    if labels is not None:
        captions = widgets.Stack(
            [widgets.HTML(value=html.escape(label)) for label in labels], selected_index=0
        )
        links.append(widgets.jslink(position, (captions, "selected_index")))
        rows.append(captions)
    rows.append(stack)

    box = FramePlayer(rows)
    box.slider, box.play, box.stack, box.captions, box.links = (
        slider, player, stack, captions, tuple(links)
    )
    return box


# --------------------------------------------------------------------------------------------
# 2. html_explorer: continuous parameters, redrawn by JavaScript in the page
# --------------------------------------------------------------------------------------------


class Slider(NamedTuple):
    """One range slider of an :func:`html_explorer`: ``v[name]`` in the draw function.

    ``readout`` (optional) names what each position stands for, one text per position
    ``min, min + step, ..., max`` (for example ``("A", "C", "H", "T")`` or ``("0%", "10%")``);
    without it the readout is the number itself, with as many decimals as ``min`` and ``step``.
    """

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float
    readout: Sequence[str] | None = None


def _decimals(x: float) -> int:
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return min(max(0, -int(exponent)), 6)


def _slider_positions(s: Slider) -> int:
    return int(round((s.max - s.min) / s.step)) + 1


def _check_slider(spec) -> Slider:
    try:
        s = Slider(*spec)
    except TypeError:
        raise ValueError(
            f"each slider must be (name, label, min, max, step, value), optionally with a "
            f"readout; got {spec!r}"
        ) from None
    if not _NAME.match(str(s.name)):
        raise ValueError(f"slider name {s.name!r} must be a JavaScript identifier, e.g. 'w1'")
    nums = (s.min, s.max, s.step, s.value)
    if not all(isinstance(x, Real) and np.isfinite(x) for x in nums):
        raise ValueError(f"slider {s.name!r}: min, max, step and value must be finite numbers")
    if not s.min < s.max or s.step <= 0:
        raise ValueError(f"slider {s.name!r}: need min < max and step > 0; got {nums[:3]}")
    if not s.min <= s.value <= s.max:
        raise ValueError(
            f"slider {s.name!r}: value {s.value} is outside [{s.min}, {s.max}]; "
            "widen the range or change the starting value"
        )
    if s.readout is not None:
        readout = tuple(str(text) for text in s.readout)
        n_positions = _slider_positions(s)
        if len(readout) != n_positions:
            raise ValueError(
                f"slider {s.name!r}: readout has {len(readout)} entries but the slider has "
                f"{n_positions} positions ({s.min} to {s.max} in steps of {s.step}); "
                "pass one text per position"
            )
        s = s._replace(readout=readout)
    return s


def _readout_now(s: Slider) -> str:
    if s.readout is None:
        return f"{s.value:.{max(_decimals(s.min), _decimals(s.step))}f}"
    return s.readout[int(round((s.value - s.min) / s.step))]


def _slider_html(s: Slider, element_id: str) -> str:
    if s.readout is None:
        readout = f'data-decimals="{max(_decimals(s.min), _decimals(s.step))}"'
    else:
        readout = f"data-readout='{html.escape(json.dumps(list(s.readout)), quote=True)}'"
    return (
        f'<div class="dlc-row"><label for="{element_id}-{s.name}">{html.escape(s.label)}</label>'
        f'<input type="range" id="{element_id}-{s.name}" data-name="{s.name}" min="{s.min}" '
        f'max="{s.max}" step="{s.step}" value="{s.value}" {readout}>'
        f'<output data-for="{s.name}">{html.escape(_readout_now(s))}</output></div>'
    )


def html_explorer(
    sliders,
    draw_js: str,
    *,
    svg: str = "",
    data=None,
    title: str = "",
    width: int = 360,
    height: int = 300,
    element_id: str | None = None,
):
    """A self-contained figure whose range sliders redraw an SVG in the browser.

    Parameters
    ----------
    sliders : sequence of Slider or (name, label, min, max, step, value[, readout]) tuples
        One range input each. ``label`` is plain text. The number beside each slider is its
        value, or ``readout[k]`` at the k-th position when a readout is given: name the
        quantity a position stands for (a letter, a noise level) rather than its index.
    draw_js : str
        A JavaScript function expression ``function (v, ui) {...}``, called once at load and on
        every slider move with ``v`` (slider name -> number) and ``ui`` (``root``, ``svg``,
        ``readout`` elements and the ``data`` payload). It must not load anything.
    svg : str, optional
        Static SVG markup drawn once (points, axes); mark elements the draw function changes
        with ``data-role`` attributes and find them with ``ui.svg.querySelector``.
    data : JSON-serialisable, optional
        Passed to the draw function as ``ui.data``.
    title : str, optional
        Plain-text heading, also the figure's accessible name.
    width, height : int
        Size of the SVG viewBox in pixels.
    element_id : str, optional
        The root element's id; a fresh unique id by default, so several explorers can share
        a page.

    Returns
    -------
    IPython.display.HTML
        Works the same in JupyterLab and in the static book: the script runs in the browser.
    """
    from IPython.display import HTML

    specs = [_check_slider(spec) for spec in sliders]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError(f"slider names must be unique; got {names}")
    width = _check_positive_int(width, "width")
    height = _check_positive_int(height, "height")
    if element_id is None:
        element_id = f"dlc-explorer-{uuid.uuid4().hex[:12]}"
    elif not _ELEMENT_ID.match(element_id):
        raise ValueError(
            f"element_id {element_id!r} must start with a letter and contain only letters, "
            "digits, '-' and '_'"
        )
    controls = "".join(_slider_html(s, element_id) for s in specs)
    # "</" inside a <script> would end it early; JSON allows the escaped form.
    payload = json.dumps(data, allow_nan=False).replace("</", "<\\/")
    page = Template(_template("explorer.html")).substitute(
        uid=element_id, width=width, height=height, title=html.escape(title),
        svg=svg, controls=controls, data=payload, draw=draw_js.strip(),
    )
    return HTML(page)


def decision_boundary_explorer(
    X,
    t,
    w=(1.0, 1.0),
    b: float = -0.5,
    *,
    w_range=(-3.0, 3.0),
    b_range=(-3.0, 3.0),
    step: float = 0.05,
    title: str = "Decision boundary of a threshold unit",
    width: int = 360,
    height: int = 330,
    element_id: str | None = None,
):
    """Move the weights and bias of one threshold unit and watch its decision line.

    The unit computes ``a = w1*x1 + w2*x2 + b`` and outputs ``y = 1`` where ``a > 0`` and
    ``y = 0`` elsewhere. The line ``a = 0`` is drawn, the half-plane where ``y = 1`` is
    shaded, misclassified points are ringed, and a readout counts the correct points.

    Book: 01_perceptron (the neuron; linear separability).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points, one row each (at most 2000, since every point is an SVG element).
    t : array-like of shape (n_samples,)
        Targets in {0, 1}.
    w : pair of float, default (1.0, 1.0)
        Starting weights (w1, w2), inside ``w_range``.
    b : float, default -0.5
        Starting bias, inside ``b_range``.
    w_range, b_range : pair of float
        Slider ranges (low, high) for both weights and for the bias.
    step : float, default 0.05
        Slider step.
    title, width, height, element_id
        As in :func:`html_explorer`.

    Returns
    -------
    IPython.display.HTML
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"X must have shape (n_samples, 2), one row per point; got shape {X.shape}"
        )
    n_samples = X.shape[0]
    if not 1 <= n_samples <= _MAX_EXPLORER_POINTS:
        raise ValueError(
            f"X has {n_samples} points; pass between 1 and {_MAX_EXPLORER_POINTS} "
            "(draw a subset with rng.choice for larger data sets)"
        )
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values; drop or fix those rows")
    t = np.asarray(t)
    if t.shape != (n_samples,):
        raise ValueError(f"t must have shape ({n_samples},) to match X; got shape {t.shape}")
    if not np.all(np.isin(t, (0, 1))):
        raise ValueError(
            f"t must contain only 0 and 1; got values {np.unique(t)[:5].tolist()}. "
            "For targets in {-1, +1} pass (t > 0).astype(int)"
        )
    w = np.asarray(w, dtype=float)
    if w.shape != (2,):
        raise ValueError(f"w must be a pair (w1, w2); got shape {w.shape}")
    for name, bounds in [("w_range", w_range), ("b_range", b_range)]:
        if np.shape(bounds) != (2,):
            raise ValueError(f"{name} must be a pair (low, high); got {bounds!r}")
    if width < 120 or height < 120:
        raise ValueError(f"width and height must be at least 120 pixels; got {width}, {height}")
    sliders = [
        _check_slider((name, label, float(low), float(high), step, float(value)))
        for name, label, value, (low, high) in [
            ("w1", "w\u2081", w[0], w_range), ("w2", "w\u2082", w[1], w_range),
            ("b", "b", b, b_range),
        ]
    ]

    # Plotting box: the data range with a 10 % margin, so no point sits on the frame.
    low, high = X.min(axis=0), X.max(axis=0)
    margin = np.maximum(0.1 * (high - low), 0.5)
    box = [low[0] - margin[0], high[0] + margin[0], low[1] - margin[1], high[1] + margin[1]]
    left, top, right, bottom = 34, 10, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x1):
        return left + (x1 - box[0]) / (box[1] - box[0]) * plot_w

    def py(x2):
        return top + (box[3] - x2) / (box[3] - box[2]) * plot_h

    colours = {0: "#0072B2", 1: "#E69F00"}  # Okabe-Ito blue / orange, colour-blind safe
    markers = []
    for (x1, x2), target in zip(X, t):
        cx, cy = px(x1), py(x2)
        if target == 1:
            markers.append(
                f'<rect data-role="point" x="{cx - 4.5:.1f}" y="{cy - 4.5:.1f}" width="9" '
                f'height="9" fill="{colours[1]}"><title>t = 1</title></rect>'
            )
        else:
            markers.append(
                f'<circle data-role="point" cx="{cx:.1f}" cy="{cy:.1f}" r="5" '
                f'fill="{colours[0]}"><title>t = 0</title></circle>'
            )
    ticks = "".join(
        f'<text x="{px(v):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{v:.3g}</text>'
        for v in (box[0], box[1])
    ) + "".join(
        f'<text x="{left - 4}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.3g}</text>'
        for v in (box[2], box[3])
    )
    svg = (
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        'stroke="#888"/>'
        f'<polygon data-role="shade" points="" fill="{colours[1]}" fill-opacity="0.2"/>'
        '<line data-role="line" stroke="#333" stroke-width="2" visibility="hidden"/>'
        + "".join(markers)
        + f'<g font-size="11" fill="#444">{ticks}'
        f'<text x="{left + plot_w / 2}" y="{height - 4}" text-anchor="middle">x\u2081</text>'
        f'<text x="10" y="{top + plot_h / 2}" text-anchor="middle">x\u2082</text></g>'
    )
    data = {
        "x": np.round(X, 6).tolist(), "t": t.astype(int).tolist(),
        "box": [float(v) for v in box], "left": left, "top": top,
        "plot_width": plot_w, "plot_height": plot_h,
    }
    return html_explorer(
        sliders, _template("decision_boundary.js"), svg=svg, data=data, title=title,
        width=width, height=height, element_id=element_id,
    )


# --------------------------------------------------------------------------------------------
# 3. animation_html: a matplotlib animation that plays without a kernel
# --------------------------------------------------------------------------------------------

# matplotlib's player draws its buttons with Font Awesome 4 from a CDN; these inline SVG paths
# (12 x 12 box) replace the icons so the page loads nothing from outside.
_ICONS = {
    "minus": "M2 5h8v2H2z",
    "plus": "M2 5h8v2H2zM5 2h2v8H5z",
    "fast-backward": "M0 2h2v8H0zM7 2 2 6l5 4zM12 2 7 6l5 4z",
    "step-backward": "M2 2h2v8H2zM10 2 4 6l6 4z",
    "play fa-flip-horizontal": "M9 2 3 6l6 4z",
    "pause": "M3 2h2v8H3zM7 2h2v8H7z",
    "play": "M3 2l6 4-6 4z",
    "step-forward": "M2 2l6 4-6 4zM8 2h2v8H8z",
    "fast-forward": "M0 2l5 4-5 4zM5 2l5 4-5 4zM10 2h2v8h-2z",
}


def _inline_icon(match: re.Match) -> str:
    path = _ICONS.get(match.group(1))
    if path is None:
        return ""
    return (
        '<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
        f'<path d="{path}" fill="currentColor"/></svg>'
    )


def animation_html(anim, *, fps: float | None = None, default_mode: str | None = None,
                   dpi: int = 80, close: bool = True):
    """Embed a matplotlib animation as a JavaScript player that needs no kernel.

    Parameters
    ----------
    anim : matplotlib.animation.Animation
        For example a ``FuncAnimation``. Every frame is rendered now and embedded as PNG.
    fps : float, optional
        Playback rate; by default the animation's own interval.
    default_mode : {"once", "loop", "reflect"}, optional
        What the player does at the last frame; by default "loop" if the animation repeats.
    dpi : int, default 80
        Resolution of the embedded frames; keep it low so a page stays light.
    close : bool, default True
        Close the animation's figure afterwards, so the notebook does not also show it as a
        static image.

    Returns
    -------
    IPython.display.HTML
        matplotlib's ``to_jshtml`` player with the Font Awesome stylesheet (a CDN link)
        removed and its icons drawn as inline SVG.
    """
    import matplotlib as mpl
    from IPython.display import HTML
    from matplotlib.animation import Animation

    if not isinstance(anim, Animation):
        raise ValueError(
            f"anim must be a matplotlib Animation (e.g. FuncAnimation); got {type(anim).__name__}"
        )
    if default_mode not in (None, "once", "loop", "reflect"):
        raise ValueError(f"default_mode must be 'once', 'loop' or 'reflect'; got {default_mode!r}")
    dpi = _check_positive_int(dpi, "dpi")
    with mpl.rc_context({"savefig.dpi": dpi}):
        page = anim.to_jshtml(fps=fps, embed_frames=True, default_mode=default_mode)
    page = re.sub(r"<link\b[^>]*>", "", page)
    page = re.sub(r'<i class="fa fa-([a-z -]+)"></i>', _inline_icon, page)
    if close:
        import matplotlib.pyplot as plt

        # Animation keeps its figure only in a private attribute; matplotlib has no accessor.
        plt.close(anim._fig)
    return HTML(page)
