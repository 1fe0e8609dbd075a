"""Layers: thin objects over the ``core`` forward/backward pairs, and a Sequential to chain
them. Later chapters (convolution, recurrence, autoencoders, GANs) add their layers here.

Book: 06_regularization (the package behind the chapter; used from 12_cnn on).
"""

from .base import Layer
from .conv import Conv2D, Flatten, Pool2D, Unflatten
from .dense import Activation, Affine
from .recurrent import Embedding, LastStep, Recurrent, TemporalAffine
from .regularization import BatchNorm, Dropout
from .sequential import Sequential

__all__ = ["Activation", "Affine", "BatchNorm", "Conv2D", "Dropout", "Embedding", "Flatten",
           "LastStep", "Layer", "Pool2D", "Recurrent", "Sequential", "TemporalAffine",
           "Unflatten"]
