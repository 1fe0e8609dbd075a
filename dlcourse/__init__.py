"""dlcourse: the algorithms of the dlcourse book as readable NumPy, with Numba fast paths.

Every public function implements one equation of the book and names the chapter it comes
from in a ``Book:`` line of its docstring. Models follow scikit-learn's estimator contract.
"""

__version__ = "0.1.0"

from .models import (LinearRegression, LogisticRegression, MLPClassifier,  # noqa: E402
                     MLPRegressor, Perceptron)

__all__ = ["LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor",
           "Perceptron", "__version__"]
