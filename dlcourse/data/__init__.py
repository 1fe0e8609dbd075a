"""Data for the book and the tests, all available offline."""

from .digits import load_digits
from .toy import GATES, logic_gate, random_labelings, two_blobs

__all__ = ["GATES", "load_digits", "logic_gate", "random_labelings", "two_blobs"]
