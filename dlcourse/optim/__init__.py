"""Optimizers (they own their state and update parameter dicts in place) and schedules.

Book: 05_optimizers (03_gradient_descent for SGD and the first schedules).

Every optimizer has ``step(params, grads)``: ``params`` and ``grads`` are dicts with the same
keys, each gradient dE/dparam of the loss being minimised, and the parameters change in place.
"""

from ._base import Optimizer
from .adaptive import Adadelta, Adagrad, Adam, RMSprop
from .gains import DeltaBarDelta
from .lr_range import LRRangeResult, lr_range_test
from .momentum import Momentum, Nesterov
from .noise import GradientNoise, noise_variance
from .rprop import Rprop
from .schedules import (constant, cosine_decay, exponential_decay, exponential_range,
                        inverse_time, linear_warmup, step_decay)
from .sgd import SGD

__all__ = ["Adadelta", "Adagrad", "Adam", "DeltaBarDelta", "GradientNoise", "LRRangeResult",
           "Momentum", "Nesterov", "Optimizer", "RMSprop", "Rprop", "SGD", "constant",
           "cosine_decay", "exponential_decay", "exponential_range", "inverse_time",
           "linear_warmup", "lr_range_test", "noise_variance", "step_decay"]
