"""Sequence tasks in dlcourse.data: shapes, the stated baselines, one rng for everything."""

import numpy as np
import pytest

from dlcourse.data import adding_problem, copy_task, sine_sequences


def test_adding_problem_marks_one_value_in_each_half_and_sums_them():
    X, y = adding_problem(2000, 20, rng=0)
    assert X.shape == (2000, 20, 2) and y.shape == (2000,)
    markers = X[:, :, 1]
    assert np.all(markers.sum(axis=1) == 2)
    assert np.all(markers[:, :10].sum(axis=1) == 1)
    np.testing.assert_allclose(y, np.sum(X[:, :, 0] * markers, axis=1))
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=0.02)     # the baseline


def test_copy_task_repeats_the_symbols_after_the_delay():
    X, Y = copy_task(50, n_symbols=8, length=5, delay=10, rng=1)
    assert X.shape == Y.shape == (50, 20)
    np.testing.assert_array_equal(Y[:, -5:], X[:, :5])
    assert np.all(X[:, 15] == 9) and np.all(Y[:, :15] == 0)
    assert X[:, :5].min() >= 1 and X[:, :5].max() <= 8


def test_sine_target_is_the_next_value_and_same_seed_same_data():
    X, y = sine_sequences(5, 30, rng=2)
    np.testing.assert_allclose(X[:, 1:], y[:, :-1])
    np.testing.assert_array_equal(sine_sequences(5, 30, rng=2)[0], X)


def test_bad_sizes_say_what_is_wrong():
    with pytest.raises(ValueError, match="T"):
        adding_problem(10, 1)
    with pytest.raises(ValueError, match="n_symbols"):
        copy_task(10, n_symbols=1)


# --- the package's text ---------------------------------------------------------------------

def test_the_shakespeare_text_is_in_the_package_whole():
    from dlcourse.data import load_text
    text = load_text()
    assert len(text) == 1_115_394 and text.startswith("First Citizen:\nBefore we proceed")
    assert len(set(text)) == 65
    assert load_text(n_chars=13) == "First Citizen"
    with pytest.raises(ValueError, match="choose one of 'shakespeare'"):
        load_text("hamlet")


def test_char_windows_are_reproducible_slices_of_the_text():
    from dlcourse.data import char_windows
    text = "abcdefghij" * 5
    ids, chars = char_windows(text, 4, 6, rng=0)
    assert ids.shape == (6, 4) and chars == list("abcdefghij")
    for row in ids:
        assert "".join(chars[i] for i in row) in text
    np.testing.assert_array_equal(ids, char_windows(text, 4, 6, rng=0)[0])
    with pytest.raises(ValueError, match="outside the vocabulary"):
        char_windows(text, 4, 2, chars="abc")
    with pytest.raises(ValueError, match="fewer than one window"):
        char_windows("ab", 4, 2)
