"""The references each assignment's tests switch off, grouped by what a task asks for.

Book: how_to_use, "Assignments".

A hidden test runs the learner's function inside ``blocked(*GROUP)`` (:mod:`.blocking`); the
grading sandbox also removes every target of a test's ``blocked(...)`` for the whole notebook
(:func:`dlcourse.grading.trusted.assignment_references`), so a group names every form of the
algorithm a learner might reach for: the package's function, kernel, layer and estimator, and
what scikit-learn, SciPy or PyTorch offer for the same thing.
"""

__all__ = ["ACTIVATIONS", "ANNEALING", "ATTENTION", "AUTOENCODER", "BACKPROP", "BATCHNORM",
           "CLIPPING", "CONV", "CONV_SIZE", "DROPOUT", "EARLY_STOPPING", "EVOLUTION", "GAN_LOSSES",
           "GRADCHECK", "ISTA", "LSTM", "NTM_ADDRESSING", "OPTIMIZERS", "PENALTIES",
           "PERCEPTRON_STEP", "POOLING", "RNN", "SPARSITY", "TRAINING"]

#: the references of chapter 01's tasks, grouped by what a task asks for
ACTIVATIONS = (
    "dlcourse.core.activations.threshold",
    "dlcourse.core.activations.threshold_prime",
    "dlcourse.core.activations.sigmoid",
    "dlcourse.core.activations.sigmoid_prime",
    "dlcourse.core.activations.activation_forward",
    "dlcourse.core.activations.activation_backward",
    "dlcourse.core.perceptron.unit_output",
    "dlcourse.core.losses.binary_cross_entropy_backward",
    "scipy.special.expit",
)
TRAINING = (
    "dlcourse.core.perceptron.perceptron_epoch",
    "dlcourse.kernels.perceptron.perceptron_epoch",
    "dlcourse.models.Perceptron",
    "sklearn.linear_model.Perceptron",
    "sklearn.linear_model.SGDClassifier",
)
PERCEPTRON_STEP = (
    "dlcourse.core.perceptron.net_input",
    "dlcourse.core.perceptron.unit_output",
    "dlcourse.core.perceptron.perceptron_gradient",
    "dlcourse.core.perceptron.perceptron_step",
) + TRAINING

#: chapter 04: the backward pass, and the tools that would compute a gradient for the learner
BACKPROP = (
    "dlcourse.core.backprop.output_error",
    "dlcourse.core.backprop.hidden_error",
    "dlcourse.core.backprop.bias_gradient",
    "dlcourse.core.backprop.weight_gradient",
    "dlcourse.core.backprop.network_backward",
    "dlcourse.core.linear.affine_backward",
    "dlcourse.kernels.mlp.mlp_sgd_epoch",
    "dlcourse.models.MLPClassifier",
    "dlcourse.models.MLPRegressor",
    "sklearn.neural_network.MLPClassifier",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 04: finite-difference gradients and gradient checks
GRADCHECK = (
    "dlcourse.testing.gradcheck.numerical_gradient",
    "dlcourse.testing.gradcheck.relative_error",
    "dlcourse.testing.gradcheck.gradcheck",
    "dlcourse.grading.checks.check_gradient",
    "scipy.optimize.approx_fprime",
    "scipy.optimize.check_grad",
)
#: chapter 05: the update rules (each owns its state), and the fused training kernel
OPTIMIZERS = (
    "dlcourse.optim.SGD",
    "dlcourse.optim.Momentum",
    "dlcourse.optim.Nesterov",
    "dlcourse.optim.Adagrad",
    "dlcourse.optim.RMSprop",
    "dlcourse.optim.Adadelta",
    "dlcourse.optim.Adam",
    "dlcourse.optim.Rprop",
    "dlcourse.optim.DeltaBarDelta",
    "dlcourse.kernels.mlp_optim.mlp_optim_epoch",
    "torch.optim.SGD",
    "torch.optim.Adagrad",
    "torch.optim.RMSprop",
    "torch.optim.Adadelta",
    "torch.optim.Adam",
    "torch.optim.Rprop",
)
#: chapter 06: dropout, as a function pair and as a layer
DROPOUT = (
    "dlcourse.core.regularization.dropout_forward",
    "dlcourse.core.regularization.dropout_backward",
    "dlcourse.layers.Dropout",
    "torch.nn.functional.dropout",
    "torch.nn.Dropout",
)
#: chapter 06: batch normalization, (N, D) and spatial, as functions and as a layer
BATCHNORM = (
    "dlcourse.core.batchnorm.batchnorm_forward",
    "dlcourse.core.batchnorm.batchnorm_backward",
    "dlcourse.core.batchnorm.spatial_batchnorm_forward",
    "dlcourse.core.batchnorm.spatial_batchnorm_backward",
    "dlcourse.layers.BatchNorm",
    "torch.nn.functional.batch_norm",
    "torch.nn.BatchNorm1d",
)
#: chapter 06: weight penalties and the max-norm projection
PENALTIES = (
    "dlcourse.core.regularization.l2_penalty",
    "dlcourse.core.regularization.l1_penalty",
    "dlcourse.core.regularization.elastic_net_penalty",
    "dlcourse.core.regularization.max_norm_project",
)
#: chapter 06: early stopping as the estimators do it
EARLY_STOPPING = (
    "dlcourse.models._training.EarlyStopping",
    "dlcourse.models._training.validation_split",
)

#: chapter 12: the output size of a convolution or pooling along one axis
CONV_SIZE = (
    "dlcourse.core.conv.conv_output_size",
    "dlcourse.core.conv.border_padding",
)
#: chapter 12: a convolutional layer, forward and backward, in every form the package,
#: SciPy and PyTorch have
CONV = (
    "dlcourse.core.conv.conv2d_forward",
    "dlcourse.core.conv.conv2d_backward",
    "dlcourse.core.conv.im2col",
    "dlcourse.core.conv.col2im",
    "dlcourse.kernels.conv.im2col",
    "dlcourse.kernels.conv.col2im",
    "dlcourse.kernels.conv.col2im_samples",
    "dlcourse.kernels.conv.maps_plus_bias",
    "dlcourse.kernels.conv.conv2d_single",
    "dlcourse.layers.Conv2D",
    "dlcourse.models.ConvNetClassifier",
    "scipy.signal.correlate",
    "scipy.signal.correlate2d",
    "scipy.signal.convolve",
    "scipy.signal.convolve2d",
    "scipy.signal.fftconvolve",
    "scipy.ndimage.correlate",
    "scipy.ndimage.convolve",
    "torch.nn.functional.conv2d",
    "torch.nn.Conv2d",
)
#: chapter 12: pooling, as functions and as a layer
POOLING = (
    "dlcourse.core.pooling.maxpool_forward",
    "dlcourse.core.pooling.maxpool_backward",
    "dlcourse.core.pooling.avgpool_forward",
    "dlcourse.core.pooling.avgpool_backward",
    "dlcourse.core.pooling.l2pool_forward",
    "dlcourse.core.pooling.l2pool_backward",
    "dlcourse.kernels.conv.maxpool_forward",
    "dlcourse.kernels.conv.maxpool_backward",
    "dlcourse.layers.Pool2D",
    "torch.nn.functional.max_pool2d",
    "torch.nn.MaxPool2d",
)

#: chapter 13: one step of the vanilla RNN and backpropagation through time, in every form
RNN = (
    "dlcourse.core.rnn.rnn_step_forward",
    "dlcourse.core.rnn.rnn_step_backward",
    "dlcourse.core.rnn.rnn_forward",
    "dlcourse.core.rnn.rnn_backward",
    "dlcourse.kernels.recurrent.rnn_forward",
    "dlcourse.kernels.recurrent.rnn_backward",
    "dlcourse.layers.Recurrent",
    "dlcourse.models.CharRNN",
    "torch.nn.RNN",
    "torch.nn.RNNCell",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 14: the LSTM and the GRU, steps and whole sequences, in every form
LSTM = (
    "dlcourse.core.lstm.lstm_step_forward",
    "dlcourse.core.lstm.lstm_step_backward",
    "dlcourse.core.lstm.lstm_forward",
    "dlcourse.core.lstm.lstm_backward",
    "dlcourse.core.gru.gru_step_forward",
    "dlcourse.core.gru.gru_step_backward",
    "dlcourse.core.gru.gru_forward",
    "dlcourse.core.gru.gru_backward",
    "dlcourse.kernels.recurrent.lstm_forward",
    "dlcourse.kernels.recurrent.lstm_backward",
    "dlcourse.kernels.recurrent.gru_forward",
    "dlcourse.kernels.recurrent.gru_backward",
    "dlcourse.layers.Recurrent",
    "torch.nn.LSTM",
    "torch.nn.LSTMCell",
    "torch.nn.GRU",
    "torch.nn.GRUCell",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 14: attention
ATTENTION = (
    "dlcourse.core.attention.attention_forward",
    "dlcourse.core.attention.attention_backward",
    "torch.nn.functional.scaled_dot_product_attention",
    "torch.nn.MultiheadAttention",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 13: gradient clipping
CLIPPING = (
    "dlcourse.core.rnn.clip_gradient_norm",
    "dlcourse.core.rnn.clip_gradient_values",
    "torch.nn.utils.clip_grad_norm_",
    "torch.nn.utils.clip_grad_value_",
)
#: chapter 15: the autoencoder's loss and gradients, in every form
AUTOENCODER = (
    "dlcourse.core.autoencoder.autoencoder_forward",
    "dlcourse.core.autoencoder.autoencoder_backward",
    "dlcourse.models.Autoencoder",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 15: the KL sparsity penalty
SPARSITY = (
    "dlcourse.core.autoencoder.kl_sparsity_forward",
    "dlcourse.core.autoencoder.kl_sparsity_backward",
    "torch.nn.functional.kl_div",
)
#: chapter 15: sparse codes (ISTA and the lasso solvers that find the same minimiser)
ISTA = (
    "dlcourse.core.sparse_coding.ista",
    "dlcourse.models.SparseCoding",
    "sklearn.linear_model.Lasso",
    "sklearn.linear_model.lasso_path",
    "sklearn.linear_model.LassoLars",
    "sklearn.decomposition.sparse_encode",
    "sklearn.decomposition.SparseCoder",
    "sklearn.decomposition.DictionaryLearning",
    "sklearn.decomposition.MiniBatchDictionaryLearning",
)
#: chapter 16: the losses of a GAN, and every tool that would differentiate them for the learner
GAN_LOSSES = (
    "dlcourse.core.gan.discriminator_loss",
    "dlcourse.core.gan.generator_loss",
    "dlcourse.models.GAN",
    "torch.nn.functional.binary_cross_entropy_with_logits",
    "torch.nn.functional.logsigmoid",
    "torch.nn.BCEWithLogitsLoss",
    "torch.autograd.backward",
    "torch.autograd.grad",
    "torch.Tensor.backward",
)
#: chapter 07: the acceptance rule, the Cauchy step and the annealing loop, and the annealing
#: optimisers a learner might reach for
ANNEALING = (
    "dlcourse.core.annealing.accept",
    "dlcourse.core.annealing.cauchy_step",
    "dlcourse.core.annealing.anneal",
    "scipy.optimize.dual_annealing",
    "scipy.optimize.basinhopping",
)
#: chapter 17: the operators of a genetic algorithm and the algorithm itself
EVOLUTION = (
    "dlcourse.core.evolution.tournament_select",
    "dlcourse.core.evolution.uniform_crossover",
    "dlcourse.core.evolution.gaussian_mutation",
    "dlcourse.core.evolution.evolve",
)
#: chapter 17: a Neural Turing Machine's content addressing and circular shift
NTM_ADDRESSING = (
    "dlcourse.core.ntm.content_forward",
    "dlcourse.core.ntm.content_backward",
    "dlcourse.core.ntm.shift_forward",
    "dlcourse.core.ntm.shift_backward",
    "scipy.ndimage.convolve1d",
    "scipy.ndimage.correlate1d",
)
