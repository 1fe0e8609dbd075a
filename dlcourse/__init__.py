"""dlcourse: the algorithms of the dlcourse book as readable NumPy, with Numba fast paths.

Every public function implements one equation of the book and names the chapter it comes
from in a ``Book:`` line of its docstring. Models follow scikit-learn's estimator contract.

The estimators below and the subpackages load when first used (``dlcourse.MLPClassifier``,
``from dlcourse import Perceptron``, ``dlcourse.core``): a grading process, which imports
``dlcourse.grading`` for every submission, then does not pay for compiling the models.
"""

import importlib

__version__ = "0.1.0"

__all__ = ["LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor",
           "Perceptron", "__version__"]

_SUBPACKAGES = ("core", "data", "grading", "kernels", "layers", "models", "optim", "testing",
                "viz")


def __getattr__(name):
    if name in __all__:
        return getattr(importlib.import_module(".models", __name__), name)
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'dlcourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_SUBPACKAGES))
