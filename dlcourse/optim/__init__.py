"""Optimizers (they own their state and update parameter dicts in place) and schedules."""

from .schedules import constant, exponential_decay, inverse_time, step_decay
from .sgd import SGD

__all__ = ["SGD", "constant", "exponential_decay", "inverse_time", "step_decay"]
