"""Per-parameter learning rates from running statistics of the gradient: Adagrad, Adadelta,
RMSprop and Adam.

Book: 05_optimizers, sections "Adagrad", "RMSprop", "Adadelta" and "Adam".

Each rule divides the step of a parameter by the root of an average of its squared
gradients, so parameters with large gradients take smaller steps and rare ones larger steps.
Where they differ from each other is which average: the whole sum (Adagrad), an exponential
moving average (RMSprop, Adadelta, Adam).

A small eps keeps the division finite. The seed notes put it inside the root,
sqrt(G + eps); PyTorch, Keras and the original papers of Adagrad, RMSprop and Adam put it
outside, sqrt(G) + eps, and so do these classes (Adadelta puts it inside, as Zeiler did).
The two forms differ only while sqrt(G) is comparable to eps.
"""

import math

import numpy as np

from .._validation import check_scalar
from ._base import Optimizer, check_beta

__all__ = ["Adagrad", "RMSprop", "Adadelta", "Adam"]


def _check_eps(eps):
    return check_scalar(eps, "eps", low=0, include_low=False)


class Adagrad(Optimizer):
    """Adagrad: divide by the root of the sum of all past squared gradients.

        (AG1)  G <- G + g^2
        (AG2)  theta <- theta - eta g / (sqrt(G) + eps)

    G only grows, so every parameter's step shrinks like 1 / sqrt(t) under steady gradients:
    the reason Adagrad stalls on long runs (and what RMSprop changes).

    Parameters
    ----------
    eta : float or callable, default=0.01
    eps : float, default=1e-10

    Notes
    -----
    Maps to ``torch.optim.Adagrad(lr=eta, eps=eps)`` (lr_decay=0, initial_accumulator_value=0).
    """

    def __init__(self, eta=0.01, eps=1e-10):
        super().__init__(eta)
        self.eps = _check_eps(eps)

    def _new_state(self, p):
        return {"G": np.zeros_like(p)}

    def _update(self, p, g, state, eta):
        G = state["G"]
        G += g * g                                          # (AG1)
        p -= eta * g / (np.sqrt(G) + self.eps)              # (AG2)


class RMSprop(Optimizer):
    """RMSprop: Adagrad with the sum replaced by an exponential moving average.

        (RP1)  MA <- rho MA + (1 - rho) g^2
        (RP2)  theta <- theta - eta g / (sqrt(MA) + eps)

    With momentum mu > 0 the normalised gradient drives a velocity, as in (M1)-(M2):
    v <- mu v - eta g / (sqrt(MA) + eps), theta <- theta + v.

    Parameters
    ----------
    eta : float or callable, default=0.001
    rho : float, default=0.9
        Decay of the moving average, in [0, 1) (gamma in the seed notes, ``alpha`` in
        ``torch.optim.RMSprop``).
    eps : float, default=1e-8
    mu : float, default=0.0
        Momentum coefficient in [0, 1).

    Notes
    -----
    Maps to ``torch.optim.RMSprop(lr=eta, alpha=rho, eps=eps, momentum=mu)``; with momentum,
    v = -eta * momentum_buffer (the book's velocity against PyTorch's buffer, as for
    :class:`dlcourse.optim.Momentum`).
    """

    def __init__(self, eta=0.001, rho=0.9, eps=1e-8, mu=0.0):
        super().__init__(eta)
        self.rho = check_beta(rho, "rho")
        self.eps = _check_eps(eps)
        self.mu = check_beta(mu, "mu")

    def _new_state(self, p):
        state = {"MA": np.zeros_like(p)}
        if self.mu:
            state["v"] = np.zeros_like(p)
        return state

    def _update(self, p, g, state, eta):
        MA = state["MA"]
        MA[...] = self.rho * MA + (1 - self.rho) * g * g    # (RP1)
        step = eta * g / (np.sqrt(MA) + self.eps)
        if self.mu:
            v = state["v"]
            v[...] = self.mu * v - step
            p += v
        else:
            p -= step                                       # (RP2)


class Adadelta(Optimizer):
    """Adadelta: RMSprop whose step has the units of the parameter.

        (AD1)  E[g^2]  <- rho E[g^2] + (1 - rho) g^2
        (AD2)  dtheta  = - sqrt(E[dtheta^2] + eps) / sqrt(E[g^2] + eps) * g
        (AD3)  E[dtheta^2] <- rho E[dtheta^2] + (1 - rho) dtheta^2
        (AD4)  theta <- theta + eta dtheta

    The numerator is the RMS of the *previous* updates (E[dtheta^2] from step t - 1): the
    current update is not known yet when it is needed. The seed notes write RMS[dtheta]_t; the
    paper (Zeiler, 2012) and PyTorch use t - 1, as here. Zeiler's rule has no learning rate
    (eta = 1); PyTorch multiplies the update by ``lr`` without feeding it into E[dtheta^2],
    and so does eta here.

    Parameters
    ----------
    eta : float or callable, default=1.0
    rho : float, default=0.9
        Decay of both moving averages, in [0, 1).
    eps : float, default=1e-6
        Inside both roots; it also sets the size of the first steps (E[dtheta^2] starts at 0).

    Notes
    -----
    Maps to ``torch.optim.Adadelta(lr=eta, rho=rho, eps=eps)``.
    """

    def __init__(self, eta=1.0, rho=0.9, eps=1e-6):
        super().__init__(eta)
        self.rho = check_beta(rho, "rho")
        self.eps = _check_eps(eps)

    def _new_state(self, p):
        return {"Eg2": np.zeros_like(p), "Edx2": np.zeros_like(p)}

    def _update(self, p, g, state, eta):
        Eg2, Edx2 = state["Eg2"], state["Edx2"]
        rho = self.rho
        Eg2[...] = rho * Eg2 + (1 - rho) * g * g                      # (AD1)
        dtheta = -np.sqrt(Edx2 + self.eps) / np.sqrt(Eg2 + self.eps) * g  # (AD2)
        Edx2[...] = rho * Edx2 + (1 - rho) * dtheta * dtheta          # (AD3)
        p += eta * dtheta                                             # (AD4)


class Adam(Optimizer):
    """Adam: moving averages of the gradient and of its square, with bias correction.

        (A1)  m <- beta1 m + (1 - beta1) g
        (A2)  v <- beta2 v + (1 - beta2) g^2
        (A3)  m_hat = m / (1 - beta1^t),   v_hat = v / (1 - beta2^t)      t = 1, 2, ...
        (A4)  theta <- theta - eta m_hat / (sqrt(v_hat) + eps)

    m and v start at zero, so in the first steps they are too small by the factors
    1 - beta^t; (A3) undoes that. Without it (``bias_correction=False``) the first step is
    (1 - beta1) / sqrt(1 - beta2) ~ 3.2 times the corrected one for the defaults, and m_hat
    and v_hat lag behind the gradients for about 1 / (1 - beta2) = 1000 steps.

    Parameters
    ----------
    eta : float or callable, default=0.001
    beta1, beta2 : float, default=0.9, 0.999
        Decay rates of the two averages, in [0, 1).
    eps : float, default=1e-8
        Outside the root, as in the paper and PyTorch (the seed notes write sqrt(v_hat + eps)).
    bias_correction : bool, default=True

    Notes
    -----
    Maps to ``torch.optim.Adam(lr=eta, betas=(beta1, beta2), eps=eps)`` when
    ``bias_correction=True``; PyTorch has no switch to turn it off. The step count t is kept
    per parameter, as PyTorch does, so a parameter added later starts its own correction.
    """

    def __init__(self, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        super().__init__(eta)
        self.beta1 = check_beta(beta1, "beta1")
        self.beta2 = check_beta(beta2, "beta2")
        self.eps = _check_eps(eps)
        self.bias_correction = bool(bias_correction)

    def _new_state(self, p):
        return {"m": np.zeros_like(p), "v": np.zeros_like(p), "t": 0}

    def _update(self, p, g, state, eta):
        m, v = state["m"], state["v"]
        state["t"] += 1
        t = state["t"]
        m[...] = self.beta1 * m + (1 - self.beta1) * g              # (A1)
        v[...] = self.beta2 * v + (1 - self.beta2) * g * g          # (A2)
        step, root_d2 = eta, 1.0
        if self.bias_correction:                                     # (A3)
            # folded into two scalars, as PyTorch does: eta m_hat / (sqrt(v_hat) + eps) with
            # m_hat, v_hat written out costs two more passes over every weight array
            step = eta / (1 - self.beta1**t)
            root_d2 = math.sqrt(1 - self.beta2**t)
        p -= step * (m / (np.sqrt(v) / root_d2 + self.eps))          # (A4)
