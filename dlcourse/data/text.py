"""Text for the character-level models, kept in the package so that nothing is downloaded.

Book: 13_rnn, section "A character-level language model".

``"shakespeare"`` is about 1.1 million characters of dialogue from Shakespeare's plays (public
domain; where it comes from is in ``texts/README.md``): 65 distinct characters, speakers'
names on their own lines, verse and prose, enough structure for a small model to learn words,
line lengths and the shape of a play.
"""

import gzip
import numbers
from functools import lru_cache
from pathlib import Path

import numpy as np

from .._rng import check_rng
from .._validation import check_option, check_scalar

__all__ = ["TEXTS", "char_windows", "load_text"]

TEXTS = ("shakespeare",)
_FOLDER = Path(__file__).resolve().parent / "texts"


@lru_cache(maxsize=None)
def _read(name):
    with gzip.open(_FOLDER / f"{name}.txt.gz", "rt", encoding="utf-8") as f:
        return f.read()


def load_text(name="shakespeare", n_chars=None):
    """A text of the package as one string.

    Parameters
    ----------
    name : {"shakespeare"}
    n_chars : int, optional
        Only the first ``n_chars`` characters (the whole text by default).

    Returns
    -------
    str
    """
    check_option(name, "name", TEXTS)
    text = _read(name)
    if n_chars is None:
        return text
    n_chars = check_scalar(n_chars, "n_chars", kind=numbers.Integral, low=1)
    return text[:n_chars]


def char_windows(text, length, n_windows, rng=None, chars=None):
    """Windows of consecutive characters at random places of ``text``, as ids.

    Parameters
    ----------
    text : str
    length : int
        Characters per window (a model reads ``length - 1`` and predicts each next one).
    n_windows : int
    rng : None, int or Generator
    chars : sequence of str, optional
        The vocabulary (default: the sorted characters of ``text``).

    Returns
    -------
    ids : ndarray of int of shape (n_windows, length)
    chars : list of str
        ``chars[i]`` is the character of id i.
    """
    length = check_scalar(length, "length", kind=numbers.Integral, low=2)
    n_windows = check_scalar(n_windows, "n_windows", kind=numbers.Integral, low=1)
    if len(text) < length:
        raise ValueError(f"the text has {len(text)} characters, fewer than one window of "
                         f"{length}")
    chars = sorted(set(text)) if chars is None else list(chars)
    index = {c: i for i, c in enumerate(chars)}
    missing = sorted(set(text) - set(index))
    if missing:
        raise ValueError(f"the text has characters outside the vocabulary: {missing[:10]}")
    ids = np.array([index[c] for c in text], dtype=np.int64)
    starts = check_rng(rng).integers(0, len(text) - length + 1, size=n_windows)
    return ids[starts[:, None] + np.arange(length)], chars
