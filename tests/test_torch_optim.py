"""Each optimizer's trajectory against torch.optim in float64: 150 steps on random parameters
and gradients, compared after every step.

The gradients are drawn in advance (they do not depend on the parameters), so both sides see
the same sequence and any difference is the update rule's. The mapping between the book's
conventions and PyTorch's is spelled out in each case: where PyTorch keeps a different
state (momentum's buffer b against the book's velocity v = -eta b), the test compares that
state too.
"""

import numpy as np
import pytest

from dlcourse import optim

torch = pytest.importorskip("torch")

SHAPES = {"W": (5, 4), "b": (4,), "K": (2, 3, 3)}
N_STEPS = 150


def trajectories(ours, make_torch, scale=1.0, seed=0):
    """Run both optimizers on the same gradients; return the largest difference per step."""
    rng = np.random.default_rng(seed)
    params = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    tparams = {k: torch.tensor(v.copy(), dtype=torch.float64, requires_grad=True)
               for k, v in params.items()}
    topt = make_torch(list(tparams.values()))
    diffs = []
    for t in range(N_STEPS):
        # gradients of varied size, and a few exact zeros (Rprop and Adagrad treat them apart)
        grads = {k: scale * rng.standard_normal(s) * rng.uniform(0.1, 3.0)
                 for k, s in SHAPES.items()}
        grads["b"][t % 4] = 0.0
        ours.step(params, grads)
        for k, p in tparams.items():
            p.grad = torch.tensor(grads[k], dtype=torch.float64)
        topt.step()
        diffs.append(max(float(np.max(np.abs(params[k] - tparams[k].detach().numpy())))
                         for k in params))
    moved = max(float(np.max(np.abs(params[k] - p0))) for k, p0 in
                zip(params, (np.random.default_rng(seed).standard_normal(s)
                             for s in SHAPES.values())))
    return np.array(diffs), moved, params, topt, tparams


CASES = {
    # name: (ours, torch, tolerance on the largest absolute difference)
    "momentum": (lambda: optim.Momentum(eta=0.05, mu=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9), 1e-12),
    "nesterov": (lambda: optim.Nesterov(eta=0.05, mu=0.9),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True), 1e-12),
    "adagrad": (lambda: optim.Adagrad(eta=0.1, eps=1e-10),
                lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-10), 1e-12),
    "rmsprop": (lambda: optim.RMSprop(eta=0.01, rho=0.9, eps=1e-8),
                lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8), 1e-12),
    "rmsprop_momentum": (lambda: optim.RMSprop(eta=0.01, rho=0.95, eps=1e-8, mu=0.8),
                         lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.95, eps=1e-8,
                                                       momentum=0.8), 1e-12),
    "adadelta": (lambda: optim.Adadelta(eta=1.0, rho=0.9, eps=1e-6),
                 lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6), 1e-12),
    "adadelta_eta": (lambda: optim.Adadelta(eta=0.5, rho=0.95, eps=1e-4),
                     lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.95, eps=1e-4), 1e-12),
    "adam": (lambda: optim.Adam(eta=0.01, beta1=0.9, beta2=0.999, eps=1e-8),
             lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8), 1e-12),
    "adam_betas": (lambda: optim.Adam(eta=0.05, beta1=0.5, beta2=0.9, eps=1e-6),
                   lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.5, 0.9), eps=1e-6), 1e-12),
    "rprop": (lambda: optim.Rprop(delta0=0.01, eta_plus=1.2, eta_minus=0.5, delta_min=1e-6,
                                  delta_max=50.0),
              lambda p: torch.optim.Rprop(p, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)),
              1e-12),
    "rprop_limits": (lambda: optim.Rprop(delta0=0.1, eta_plus=1.5, eta_minus=0.3,
                                         delta_min=0.01, delta_max=0.2),
                     lambda p: torch.optim.Rprop(p, lr=0.1, etas=(0.3, 1.5),
                                                 step_sizes=(0.01, 0.2)), 1e-12),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_trajectory_matches_torch_optim(name):
    ours, theirs, tol = CASES[name]
    diffs, moved, *_ = trajectories(ours(), theirs)
    assert moved > 0.1, "the parameters hardly moved: the comparison would prove nothing"
    assert diffs.max() < tol, f"{name}: largest difference {diffs.max():.2e} (step {diffs.argmax()})"


def test_momentum_velocity_is_minus_eta_times_torch_buffer():
    eta = 0.05
    ours = optim.Momentum(eta=eta, mu=0.9)
    _, _, _, topt, tparams = trajectories(ours, lambda p: torch.optim.SGD(p, lr=eta,
                                                                           momentum=0.9))
    for k, p in tparams.items():
        b = topt.state[p]["momentum_buffer"].numpy()
        np.testing.assert_allclose(ours.state[k]["v"], -eta * b, rtol=0, atol=1e-13)


def test_adam_step_count_and_moments_match_torch_state():
    ours = optim.Adam(eta=0.01)
    _, _, _, topt, tparams = trajectories(ours, lambda p: torch.optim.Adam(p, lr=0.01))
    for k, p in tparams.items():
        st = topt.state[p]
        assert ours.state[k]["t"] == int(st["step"]) == N_STEPS
        np.testing.assert_allclose(ours.state[k]["m"], st["exp_avg"].numpy(), rtol=1e-13)
        np.testing.assert_allclose(ours.state[k]["v"], st["exp_avg_sq"].numpy(), rtol=1e-13)


def test_a_wrong_mapping_would_be_caught():
    # the book's eps inside the root differs from PyTorch's, and the test sees it
    class EpsInside(optim.Adam):
        def _update(self, p, g, state, eta):
            m, v = state["m"], state["v"]
            state["t"] += 1
            t = state["t"]
            m[...] = self.beta1 * m + (1 - self.beta1) * g
            v[...] = self.beta2 * v + (1 - self.beta2) * g * g
            p -= eta * (m / (1 - self.beta1**t)) / np.sqrt(v / (1 - self.beta2**t) + self.eps)

    diffs, *_ = trajectories(EpsInside(eta=0.01, eps=1e-2),
                             lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-2))
    assert diffs.max() > 1e-6
