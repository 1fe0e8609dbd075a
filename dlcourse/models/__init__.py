"""Estimators with scikit-learn's contract: fit / partial_fit / predict / transform / score."""

from ._gd import DivergenceWarning
from .autoencoder import Autoencoder
from .boltzmann import BoltzmannMachine
from .char_rnn import CharRNN
from .convnet import ConvNetClassifier
from .dbn import DBN
from .gan import GAN
from .hopfield import HopfieldNetwork
from .linear_regression import LinearRegression
from .logistic_regression import LogisticRegression
from .mlp import MLPClassifier, MLPRegressor
from .perceptron import Perceptron
from .rbm import BernoulliRBM
from .seq2seq import Seq2Seq
from .sequence import RecurrentClassifier, RecurrentRegressor
from .sparse_coding import SparseCoding

__all__ = ["Autoencoder", "BernoulliRBM", "BoltzmannMachine", "CharRNN", "ConvNetClassifier",
           "DBN", "DivergenceWarning", "GAN", "HopfieldNetwork", "LinearRegression",
           "LogisticRegression", "MLPClassifier", "MLPRegressor", "Perceptron",
           "RecurrentClassifier", "RecurrentRegressor", "Seq2Seq", "SparseCoding"]
