"""The progress line: yields every item, reports counts and metrics, ends with a newline."""

import io

from dlcourse._progress import progress


def test_progress_yields_everything_and_reports_the_end_state():
    out = io.StringIO()
    seen = list(progress(range(5), desc="epoch", metrics=lambda: "loss 0.5", stream=out))
    assert seen == [0, 1, 2, 3, 4]
    text = out.getvalue()
    assert text.endswith("\n") and "epoch" in text and "5/5" in text and "loss 0.5" in text


def test_progress_throttles_updates():
    out = io.StringIO()
    list(progress(range(1000), stream=out, min_interval=60))
    assert out.getvalue().count("\r") == 1        # only the final line


def test_progress_without_length():
    out = io.StringIO()
    assert list(progress(iter("abc"), desc="x", stream=out)) == ["a", "b", "c"]
    assert "x" in out.getvalue()
