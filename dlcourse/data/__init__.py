"""Data for the book and the tests, all available offline."""

from .digits import load_digits
from .patterns import (bars_and_stripes, corrupt, encoder_connectivity, encoder_patterns,
                       parity_patterns, random_patterns, shifter)
from .regression import linear_data, polynomial_features, sine_data, train_val_test_split
from .surfaces import Surface, beale, ill_conditioned_quadratic, rosenbrock
from .toy import GATES, logic_gate, random_labelings, two_blobs

__all__ = ["GATES", "Surface", "beale", "ill_conditioned_quadratic", "rosenbrock", "bars_and_stripes", "corrupt", "encoder_connectivity", "encoder_patterns",
           "linear_data", "load_digits", "logic_gate", "parity_patterns", "polynomial_features",
           "random_labelings", "random_patterns", "shifter", "sine_data", "train_val_test_split",
           "two_blobs"]
