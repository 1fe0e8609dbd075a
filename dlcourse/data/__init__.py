"""Data for the book and the tests, all available offline."""

from .digits import load_digits
from .patterns import (bars_and_stripes, corrupt, encoder_connectivity, encoder_patterns,
                       parity_patterns, random_patterns, shifter)
from .toy import GATES, logic_gate, random_labelings, two_blobs

__all__ = ["GATES", "bars_and_stripes", "corrupt", "encoder_connectivity", "encoder_patterns",
           "load_digits", "logic_gate", "parity_patterns", "random_labelings", "random_patterns",
           "shifter", "two_blobs"]
