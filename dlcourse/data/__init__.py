"""Data for the book and the tests, all available offline."""

from .digits import load_digits
from .patterns import (bars_and_stripes, corrupt, encoder_connectivity, encoder_patterns,
                       parity_patterns, random_patterns, shifter)
from .regression import linear_data, polynomial_features, sine_data, train_val_test_split
from .sequences import adding_problem, copy_task, sine_sequences
from .surfaces import Surface, beale, ill_conditioned_quadratic, rosenbrock
from .text import TEXTS, char_windows, load_text
from .toy import GATES, gaussian_ring, logic_gate, random_labelings, two_blobs

__all__ = ["adding_problem", "bars_and_stripes", "beale", "char_windows", "copy_task", "corrupt",
           "encoder_connectivity", "encoder_patterns", "gaussian_ring", "GATES", "ill_conditioned_quadratic",
           "linear_data", "load_digits", "load_text", "logic_gate", "parity_patterns",
           "polynomial_features", "random_labelings", "random_patterns", "rosenbrock", "shifter",
           "sine_data", "sine_sequences", "Surface", "TEXTS", "train_val_test_split",
           "two_blobs"]
