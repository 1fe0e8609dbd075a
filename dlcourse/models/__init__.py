"""Estimators with scikit-learn's contract: fit / partial_fit / predict / transform / score."""

from .perceptron import Perceptron

__all__ = ["Perceptron"]
