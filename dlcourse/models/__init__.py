"""Estimators with scikit-learn's contract: fit / partial_fit / predict / transform / score.

Each estimator's module loads when the estimator is first used (``from dlcourse.models import
Perceptron`` imports the perceptron alone): a notebook that needs one model, and every grading
kernel that runs it, does not pay for importing scikit-learn and the other models' kernels.
"""

import importlib

#: estimator -> the module of this package that defines it
_WHERE = {
    "Autoencoder": "autoencoder",
    "BernoulliRBM": "rbm",
    "BoltzmannMachine": "boltzmann",
    "CharRNN": "char_rnn",
    "ConvNetClassifier": "convnet",
    "DBN": "dbn",
    "DivergenceWarning": "_gd",
    "GAN": "gan",
    "HopfieldNetwork": "hopfield",
    "LinearRegression": "linear_regression",
    "LogisticRegression": "logistic_regression",
    "MLPClassifier": "mlp",
    "MLPRegressor": "mlp",
    "Perceptron": "perceptron",
    "RecurrentClassifier": "sequence",
    "RecurrentRegressor": "sequence",
    "Seq2Seq": "seq2seq",
    "SparseCoding": "sparse_coding",
}

__all__ = sorted(_WHERE)


def __getattr__(name):
    if name in _WHERE:
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value          # the next lookup is an ordinary attribute
        return value
    raise AttributeError(f"module 'dlcourse.models' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
