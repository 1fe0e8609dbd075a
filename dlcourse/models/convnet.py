"""A convolutional network classifier with scikit-learn's contract.

Book: 12_cnn, section "A small ConvNet on the digits".

The network is conv -> [batch norm] -> activation -> pool, once per entry of
``conv_layers``, then fully connected hidden layers and the output layer, as one
:class:`dlcourse.layers.Sequential`. Training is the NumPy form of :class:`MLPClassifier`
(every optimizer, penalty, dropout and early-stopping option is the same); the windows of the
convolutions are copied by compiled loops when Numba is there.

Images come as rows of pixels, the way scikit-learn passes data (the 8 x 8 digits are 64
columns); ``image_shape`` says how to fold a row back into (channels, height, width).
"""

import numbers

import numpy as np

from .._validation import check_option, check_scalar
from ..core.conv import BORDER_MODES, border_padding, conv_output_size
from ..layers import Activation, BatchNorm, Conv2D, Flatten, Pool2D, Unflatten
from ._gd import init_training_state
from .mlp import _DOC_PARAMS, MLPClassifier

__all__ = ["ConvNetClassifier"]


class ConvNetClassifier(MLPClassifier):
    """A small convolutional network for image classification.

    Book: 12_cnn.

    Parameters
    ----------
    image_shape : tuple (C, H, W), default=(1, 8, 8)
        How each row of X folds into an image.
    conv_layers : sequence of (n_filters, kernel_size), default=((8, 3),)
        One convolution block per entry: conv, [batch norm], activation, pooling.
    padding : int or {"valid", "same", "full"}, default="same"
    pool : {"max", "avg", "l2"}, default="max"
    pool_size : int, default=2
        1 switches pooling off.
    hidden_layer_sizes : tuple of int, default=()
        Fully connected hidden layers after the convolution blocks.
    activation : str, default="relu"
    init : str, default="he"
    optimizer, eta : default "adam", None (0.001)
    batch_size : int, default=32
    max_epochs : int, default=10
    backend : {"auto", "numpy", "numba"}, default="auto"
        Who copies the convolutions' windows (the training loop is always the layer stack).
    """ + _DOC_PARAMS.split("Parameters\n    ----------\n", 1)[1].split("    Attributes")[0].join(
        ["\n    The remaining parameters are :class:`MLPClassifier`'s:\n", ""]) + """
    Attributes
    ----------
    net_ : dlcourse.layers.Sequential
    kernels_ : list of ndarray
        The convolution kernels (F, C, K, K), the same arrays as in ``net_``.
    W_, b_ : lists of ndarray
        Weights and biases of the fully connected layers.
    loss_curve_, validation_scores_, n_iter_ : as in :class:`MLPClassifier`
    """

    _fused_form = False
    _sgd_eta = 0.1

    def __init__(self, image_shape=(1, 8, 8), conv_layers=((8, 3),), padding="same", pool="max",
                 pool_size=2, hidden_layer_sizes=(), activation="relu", output="softmax",
                 loss="cross_entropy", init="he", optimizer="adam", eta=None, momentum=0.0,
                 nesterovs_momentum=True, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 batch_size=32, max_epochs=10, tol=0.0, penalty="l2", alpha=0.0, l1_ratio=0.15,
                 max_norm=None, p_drop=0.0, batch_norm=False, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, dtype=np.float64, rng=None,
                 backend="auto", progress=False):
        self.image_shape = image_shape
        self.conv_layers = conv_layers
        self.padding = padding
        self.pool = pool
        self.pool_size = pool_size
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes, activation=activation, output=output,
            loss=loss, init=init, optimizer=optimizer, eta=eta, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, beta_1=beta_1, beta_2=beta_2,
            epsilon=epsilon, batch_size=batch_size, max_epochs=max_epochs, tol=tol,
            penalty=penalty, alpha=alpha, l1_ratio=l1_ratio, max_norm=max_norm, p_drop=p_drop,
            batch_norm=batch_norm, early_stopping=early_stopping,
            validation_fraction=validation_fraction, n_iter_no_change=n_iter_no_change,
            dtype=dtype, rng=rng, backend=backend, progress=progress)

    def _fused_rule_name(self):
        return None

    def _check_params(self):
        super()._check_params()
        shape = tuple(self.image_shape)
        if len(shape) != 3:
            raise ValueError(f"image_shape must be (channels, height, width), got {shape}")
        for v in shape:
            check_scalar(v, "each entry of image_shape", kind=numbers.Integral, low=1)
        if not isinstance(self.padding, (int, np.integer)):
            check_option(self.padding, "padding", BORDER_MODES)
        check_option(self.pool, "pool", ("max", "avg", "l2"))
        check_scalar(self.pool_size, "pool_size", kind=numbers.Integral, low=1)
        for block in self.conv_layers:
            if len(block) != 2:
                raise ValueError("each entry of conv_layers is (n_filters, kernel_size), "
                                 f"got {block!r}")
        self._blocks()          # the sizes fit, or a message says which block does not

    def _blocks(self):
        """[(C_in, F, K, H_out, W_out)] of each block, after its pooling; checks the sizes."""
        C, H, W = (int(v) for v in self.image_shape)
        blocks = []
        for i, (F, K) in enumerate(self.conv_layers):
            try:
                p = border_padding(self.padding, K)
                H1, W1 = conv_output_size(H, K, 1, p), conv_output_size(W, K, 1, p)
                if self.pool_size > 1:
                    H1 = conv_output_size(H1, self.pool_size, self.pool_size)
                    W1 = conv_output_size(W1, self.pool_size, self.pool_size)
            except ValueError as exc:
                raise ValueError(f"convolution block {i} ({F} filters of {K}x{K} on {C}x{H}x{W} "
                                 f"images, pooling {self.pool_size}): {exc}") from None
            blocks.append((C, int(F), int(K), H1, W1))
            C, H, W = int(F), H1, W1
        return blocks

    def _start(self, n_features, n_out):
        if n_features != int(np.prod(self.image_shape)):
            raise ValueError(f"image_shape {tuple(self.image_shape)} has "
                             f"{int(np.prod(self.image_shape))} pixels but X has {n_features} "
                             "columns; set image_shape to the images' (channels, height, width)")
        init_training_state(self, self.rng)
        rng, dtype = self._rng, np.dtype(self.dtype)
        stack, kernels = [Unflatten(self.image_shape)], []
        C = H = W = None
        for C, F, K, H, W in self._blocks():
            # the first block's dE/dx would be a gradient for the data: not computed
            first = not kernels
            kernels.append(len(stack))
            stack.append(Conv2D(C, F, K, padding=self.padding, init=self.init,
                                bias=not self.batch_norm, input_grad=not first,
                                backend=self.backend, rng=rng, dtype=dtype))
            if self.batch_norm:
                stack.append(BatchNorm(F, spatial=True, dtype=dtype))
            stack.append(Activation(self.activation))
            if self.pool_size > 1:
                stack.append(Pool2D(self.pool, self.pool_size, backend=self.backend))
        stack.append(Flatten())
        n_in = F * H * W if kernels else n_features
        # the penalty covers the kernels too; max-norm only the fully connected weights
        self._finish_stack(stack, (n_in,) + self._sizes + (n_out,), n_features, kernels=kernels)
        self.kernels_ = [self.net_[i].params["W"] for i in kernels]

    def _penalised(self):
        return self.kernels_ + self.W_
