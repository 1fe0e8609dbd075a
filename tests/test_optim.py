"""Optimizers and schedules: worked examples computed by hand, the stated properties of each
rule, and every bad input's message. The trajectories against torch.optim are in
tests/test_torch_optim.py."""

import numpy as np
import pytest

from dlcourse import optim


def run(opt, grads, theta0=1.0):
    """Feed a sequence of scalar gradients to ``opt``; return theta after each step."""
    params = {"w": np.array([theta0])}
    path = []
    for g in grads:
        opt.step(params, {"w": np.array([float(g)])})
        path.append(params["w"][0])
    return np.array(path)


# ---- worked examples, by hand -------------------------------------------------------------

def test_sgd_worked_example():
    # theta = 1 - 0.1*1 = 0.9;  0.9 - 0.1*2 = 0.7
    np.testing.assert_allclose(run(optim.SGD(0.1), [1, 2]), [0.9, 0.7], rtol=1e-15)


def test_momentum_worked_example():
    # v1 = 0.9*0 - 0.1*1 = -0.1,           theta = 1 - 0.1 = 0.9
    # v2 = 0.9*(-0.1) - 0.1*2 = -0.29,     theta = 0.9 - 0.29 = 0.61
    np.testing.assert_allclose(run(optim.Momentum(0.1, mu=0.9), [1, 2]), [0.9, 0.61],
                               rtol=1e-14)


def test_nesterov_worked_example():
    # v1 = -0.1,  phi = 1 + 0.9*(-0.1) - 0.1*1 = 0.81
    # v2 = 0.9*(-0.1) - 0.1*2 = -0.29,  phi = 0.81 + 0.9*(-0.29) - 0.1*2 = 0.349
    np.testing.assert_allclose(run(optim.Nesterov(0.1, mu=0.9), [1, 2]), [0.81, 0.349],
                               rtol=1e-14)


def test_adagrad_worked_example():
    # G = 9:  theta = 1 - 0.1*3/3 = 0.9;   G = 9 + 16 = 25:  theta = 0.9 - 0.1*4/5 = 0.82
    np.testing.assert_allclose(run(optim.Adagrad(0.1), [3, 4]), [0.9, 0.82], rtol=1e-9)


def test_rmsprop_worked_example():
    # MA = 0.1*4 = 0.4:              step = 0.1*2/sqrt(0.4) = sqrt(0.1) = 0.316228
    # MA = 0.9*0.4 + 0.1*4 = 0.76:   step = 0.2/sqrt(0.76) = sqrt(1/19) = 0.229416
    expected = [1 - np.sqrt(0.1), 1 - np.sqrt(0.1) - np.sqrt(1 / 19)]
    np.testing.assert_allclose(run(optim.RMSprop(0.1, rho=0.9), [2, 2]), expected, rtol=1e-7)


def test_rmsprop_with_momentum_feeds_a_velocity():
    # v1 = -sqrt(0.1) = -0.316228;  v2 = 0.5*v1 - sqrt(1/19) = -0.387530
    v1 = -np.sqrt(0.1)
    expected = [1 + v1, 1 + v1 + 0.5 * v1 - np.sqrt(1 / 19)]
    np.testing.assert_allclose(run(optim.RMSprop(0.1, rho=0.9, mu=0.5), [2, 2]), expected,
                               rtol=1e-7)


def test_adadelta_worked_example():
    # rho = 0.5, eps = 0.01, g = 1:  E[g^2] = 0.5,
    # dtheta = -sqrt(0 + 0.01) / sqrt(0.5 + 0.01) = -0.1 / 0.714143 = -0.140028
    # E[dtheta^2] = 0.5 * 0.140028^2 = 0.009804
    # g = 1 again: E[g^2] = 0.5*0.5 + 0.5*1 = 0.75,
    #   dtheta = -sqrt(0.009804 + 0.01) / sqrt(0.75 + 0.01) = -0.140726 / 0.871780 = -0.161424
    d1 = -0.1 / np.sqrt(0.51)
    d2 = -np.sqrt(0.5 * d1**2 + 0.01) / np.sqrt(0.76)
    path = run(optim.Adadelta(1.0, rho=0.5, eps=0.01), [1, 1])
    np.testing.assert_allclose(path, [1 + d1, 1 + d1 + d2], rtol=1e-14)
    np.testing.assert_allclose(path, [0.859972, 0.698548], atol=1e-6)


def test_adam_worked_example():
    # g = 2:   m = 0.2, v = 0.004, m_hat = 2, v_hat = 4:  step = 0.1*2/2 = 0.1 -> 0.9
    #          (Adam's first step is eta * sign(g), whatever the size of g)
    # g = -1:  m = 0.18 - 0.1 = 0.08,  m_hat = 0.08/0.19 = 0.421053
    #          v = 0.003996 + 0.001 = 0.004996,  v_hat = 0.004996/0.001999 = 2.499250
    #          step = 0.1 * 0.421053 / 1.580902 = 0.026634 -> 0.873366
    np.testing.assert_allclose(run(optim.Adam(0.1), [2, -1]), [0.9, 0.873366], atol=1e-6)


def test_adam_without_bias_correction_overshoots_the_first_step():
    # m = 0.2, v = 0.004: step = 0.1 * 0.2 / sqrt(0.004) = 0.316228, 3.16x the corrected 0.1
    first = 1 - run(optim.Adam(0.1, bias_correction=False), [2])[0]
    assert first == pytest.approx(0.1 * 0.2 / np.sqrt(0.004), rel=1e-6)   # eps: 1.6e-7
    assert first / 0.1 == pytest.approx((1 - 0.9) / np.sqrt(1 - 0.999), rel=1e-6)


def test_rprop_worked_example():
    # g:      1      1      -1          -1     1
    # Delta:  0.1    0.12   0.06        0.06   0.03
    # move:   -0.1   -0.12  0 (waits)   +0.06  0 (waits)
    path = run(optim.Rprop(delta0=0.1), [1, 1, -1, -1, 1])
    np.testing.assert_allclose(path, [0.9, 0.78, 0.78, 0.84, 0.84], rtol=1e-14)


def test_rprop_ignores_the_size_of_the_gradient_and_keeps_to_its_limits():
    big = run(optim.Rprop(delta0=0.1), [1e6, 1e6])
    small = run(optim.Rprop(delta0=0.1), [1e-6, 1e-6])
    np.testing.assert_array_equal(big, small)
    opt = optim.Rprop(delta0=0.1, delta_max=0.5, delta_min=0.01)
    run(opt, [1] * 50)
    assert opt.state["w"]["delta"][0] == 0.5
    run(opt, [1, -1] * 50)
    assert opt.state["w"]["delta"][0] == 0.01


def test_delta_bar_delta_worked_example():
    # gain 1 (no previous gradient):   theta = 1 - 0.1*1*1 = 0.9
    # signs agree, gain 1.05:          theta = 0.9 - 0.105 = 0.795
    # signs differ, gain 0.9975:       theta = 0.795 + 0.09975 = 0.89475
    np.testing.assert_allclose(run(optim.DeltaBarDelta(0.1), [1, 1, -1]),
                               [0.9, 0.795, 0.89475], rtol=1e-14)


def test_delta_bar_delta_gains_stay_in_their_range():
    opt = optim.DeltaBarDelta(0.001)
    run(opt, [1] * 300)                 # 1 + 0.05 * 299 would be 15.95
    assert opt.state["w"]["gain"][0] == 10.0
    run(opt, [1, -1] * 100)             # 10 * 0.95^200 would be 3.5e-4
    assert opt.state["w"]["gain"][0] == pytest.approx(0.1)


def test_delta_bar_delta_with_momentum_compares_with_the_velocity():
    # mu = 0.5: v1 = -0.1 (gain 1); the gradient 1 agrees with the motion -v1 = 0.1 > 0,
    # gain 1.05, v2 = 0.5*(-0.1) - 0.1*1.05 = -0.155
    np.testing.assert_allclose(run(optim.DeltaBarDelta(0.1, mu=0.5), [1, 1]),
                               [0.9, 0.745], rtol=1e-14)


# ---- properties ---------------------------------------------------------------------------

def test_momentum_and_torch_buffer_conventions_coincide_for_constant_eta():
    # the book's v and PyTorch's b = mu b + g are the same rule with v = -eta b
    rng = np.random.default_rng(0)
    gs = rng.standard_normal(50)
    eta, mu = 0.05, 0.8
    theta, b = 1.0, 0.0
    for g in gs:
        b = mu * b + g
        theta -= eta * b
    assert run(optim.Momentum(eta, mu), gs)[-1] == pytest.approx(theta, abs=1e-13)


def test_adagrad_steps_shrink_like_one_over_root_t():
    # constant gradient g: G_t = t g^2, the step eta g / sqrt(t g^2) = eta / sqrt(t)
    path = run(optim.Adagrad(0.1), [2.0] * 100, theta0=0.0)
    steps = -np.diff(np.concatenate([[0.0], path]))
    np.testing.assert_allclose(steps, 0.1 / np.sqrt(np.arange(1, 101)), rtol=1e-8)


def test_optimizers_keep_float32_and_update_in_place():
    for opt in [optim.SGD(0.1), optim.Momentum(), optim.Nesterov(), optim.Adagrad(),
                optim.RMSprop(mu=0.5), optim.Adadelta(), optim.Adam(), optim.Rprop(),
                optim.DeltaBarDelta(mu=0.5)]:
        w = np.ones((2, 3), dtype=np.float32)
        params = {"w": w}
        opt.step(params, {"w": np.full((2, 3), 0.5, dtype=np.float32)})
        assert params["w"] is w and w.dtype == np.float32, type(opt).__name__
        assert np.all(w < 1), type(opt).__name__
        assert all(s.dtype == np.float32 for s in opt.state["w"].values()
                   if isinstance(s, np.ndarray)), type(opt).__name__


def test_state_is_kept_per_parameter_name():
    opt = optim.Momentum(0.1, mu=0.9)
    params = {"a": np.zeros(1), "b": np.zeros(2)}
    opt.step(params, {"a": np.ones(1), "b": -np.ones(2)})
    np.testing.assert_allclose(opt.state["a"]["v"], [-0.1])
    np.testing.assert_allclose(opt.state["b"]["v"], [0.1, 0.1])


def test_schedules_drive_every_optimizer():
    opt = optim.Momentum(optim.step_decay(0.1, drop=0.5, every=1), mu=0.0)
    # eta = 0.1, 0.05: theta = 1 - 0.1 - 0.05
    assert run(opt, [1, 1])[-1] == pytest.approx(0.85)


def test_gradient_noise_same_seed_same_result_and_annealed_variance():
    def noisy_path(seed):
        opt = optim.GradientNoise(optim.SGD(1.0), eta_noise=0.3, gamma=0.55, rng=seed)
        params = {"w": np.zeros(20_000)}
        for _ in range(3):
            opt.step(params, {"w": np.zeros(20_000)})
        return params["w"]

    np.testing.assert_array_equal(noisy_path(1), noisy_path(1))
    assert not np.array_equal(noisy_path(1), noisy_path(2))
    # three independent draws: the variance of the sum is the sum of sigma_t^2, t = 0, 1, 2
    expected = sum(optim.noise_variance(t, 0.3, 0.55) for t in range(3))
    assert np.var(noisy_path(3)) == pytest.approx(expected, rel=0.05)
    assert optim.noise_variance(0, 0.3) == 0.3
    assert optim.noise_variance(3, 0.3, 0.5) == pytest.approx(0.15)   # 0.3 / 4^0.5


def test_gradient_noise_leaves_the_callers_gradients_alone():
    grads = {"w": np.ones(3)}
    optim.GradientNoise(optim.SGD(0.1), rng=0).step({"w": np.zeros(3)}, grads)
    np.testing.assert_array_equal(grads["w"], np.ones(3))


def test_schedule_values():
    cos = optim.cosine_decay(1.0, n_steps=10, eta_min=0.1)
    assert cos(0) == 1.0 and cos(10) == 0.1 and cos(50) == 0.1
    assert cos(5) == pytest.approx(0.55)               # halfway: the mean of the ends
    warm = optim.linear_warmup(0.5, n_warmup=4)
    assert [warm(t) for t in range(6)] == [0.125, 0.25, 0.375, 0.5, 0.5, 0.5]
    warm_cos = optim.linear_warmup(cos, n_warmup=2)
    assert warm_cos(0) == 0.5 and warm_cos(5) == cos(5)
    rng_ = optim.exponential_range(1e-4, 1.0, n_steps=5)
    np.testing.assert_allclose([rng_(t) for t in range(5)], [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    assert optim.inverse_time(1.0, tau=10)(10) == 0.5


def test_lr_range_test_finds_the_falling_region_and_leaves_params_alone():
    # E = 0.5 * sum(h_i w_i^2) with curvatures h up to 10: plain GD diverges above eta = 2/10
    h = np.array([1.0, 10.0])
    w0 = {"w": np.array([1.0, 1.0])}

    def loss_and_grads(p):
        return 0.5 * np.sum(h * p["w"] ** 2), {"w": h * p["w"]}

    result = optim.lr_range_test(loss_and_grads, w0, eta_min=1e-4, eta_max=10.0, n_steps=100)
    np.testing.assert_array_equal(w0["w"], [1.0, 1.0])
    assert len(result.etas) < 100                       # stopped once the loss blew up
    assert result.smoothed[-1] > 4 * result.smoothed.min()
    assert 1e-3 < result.eta_steepest < 0.3
    assert result.losses.min() < 0.1 * result.losses[0]



def test_lr_range_test_ignores_a_fall_after_the_lowest_loss():
    # a loss that falls gently, then jumps up and falls steeply again (a diverging, noisy
    # run): the steepest fall before the lowest point is the one that counts
    script = list(np.linspace(1.0, 0.5, 40)) + [1.9, 1.9, 1.9, 1.2, 0.9, 0.8] + [5.0] * 20
    calls = iter(script)

    def loss_and_grads(p):
        return next(calls), {"w": np.zeros(1)}

    result = optim.lr_range_test(loss_and_grads, {"w": np.zeros(1)}, eta_min=1e-3,
                                 eta_max=1.0, n_steps=len(script), smoothing=0.0)
    lowest = result.etas[np.argmin(result.smoothed)]
    assert result.eta_steepest <= lowest

# ---- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("make, match", [
    (lambda: optim.SGD(-0.1), "eta must be > 0"),
    (lambda: optim.Momentum(eta=0.0), "eta must be > 0"),
    (lambda: optim.Momentum(mu=1.0), "mu must be < 1"),
    (lambda: optim.Nesterov(mu=-0.5), "mu must be >= 0"),
    (lambda: optim.Adam(beta1=1.0), "beta1 must be < 1"),
    (lambda: optim.Adam(beta2=-0.1), "beta2 must be >= 0"),
    (lambda: optim.Adam(eps=0), "eps must be > 0"),
    (lambda: optim.RMSprop(rho=1.5), "rho must be < 1"),
    (lambda: optim.Adadelta(rho=1.0), "rho must be < 1"),
    (lambda: optim.Adagrad(eta=-1), "eta must be > 0"),
    (lambda: optim.Rprop(eta_plus=0.9), "eta_plus must be > 1"),
    (lambda: optim.Rprop(eta_minus=1.0), "eta_minus must be < 1"),
    (lambda: optim.Rprop(delta0=100.0), r"must lie in \[delta_min, delta_max\]"),
    (lambda: optim.DeltaBarDelta(phi=1.2), "phi must be < 1"),
    (lambda: optim.DeltaBarDelta(gain_range=(2, 10)), "must contain the starting gain 1"),
    (lambda: optim.GradientNoise(optim.SGD(), gamma=-1), "gamma must be >= 0"),
    (lambda: optim.cosine_decay(0.1, n_steps=0), "n_steps must be >= 1"),
])
def test_bad_hyper_parameters_say_what_is_wrong(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_non_number_hyper_parameter_is_a_type_error():
    with pytest.raises(TypeError, match="eta must be a number"):
        optim.Adam(eta="fast")


@pytest.mark.parametrize("opt", [optim.SGD(0.1), optim.Adam(), optim.Rprop()])
def test_mismatched_params_and_grads_say_what_to_do(opt):
    with pytest.raises(KeyError, match=r"same keys; differ in \['b'\].*one gradient per"):
        opt.step({"a": np.zeros(2), "b": np.zeros(2)}, {"a": np.zeros(2)})
    with pytest.raises(ValueError, match=r"gradient for 'a' has shape \(3,\), the parameter "
                                         r"\(2,\); a gradient must have its parameter's shape"):
        opt.step({"a": np.zeros(2)}, {"a": np.zeros(3)})
    with pytest.raises(TypeError, match="must be dicts"):
        opt.step([np.zeros(2)], [np.zeros(2)])


def test_reusing_an_optimizer_on_a_new_shape_says_reset():
    opt = optim.Adam()
    opt.step({"w": np.zeros(2)}, {"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"call reset\(\)"):
        opt.step({"w": np.zeros(3)}, {"w": np.ones(3)})
    opt.reset()
    opt.step({"w": np.zeros(3)}, {"w": np.ones(3)})
    assert opt.t == 1
