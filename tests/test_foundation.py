"""The package's foundation: rng handling, validation messages, the Numba switch."""

import os
import subprocess
import sys

import numpy as np
import pytest

from dlcourse._numba import HAVE_NUMBA, jit_enabled, njit, resolve_backend
from dlcourse._rng import check_rng
from dlcourse._validation import check_array, check_option, check_scalar, check_X_t


def test_check_rng_seed_gives_same_stream():
    assert check_rng(7).random() == check_rng(7).random()


def test_check_rng_passes_generator_through_so_the_stream_advances():
    g = np.random.default_rng(0)
    assert check_rng(g) is g


def test_check_rng_none_gives_a_generator():
    assert isinstance(check_rng(None), np.random.Generator)


@pytest.mark.parametrize("bad", [1.5, "3", True, np.random.RandomState(0), -1])
def test_check_rng_rejects_other_things_with_advice(bad):
    with pytest.raises((TypeError, ValueError), match="rng"):
        check_rng(bad)


def test_check_array_says_how_to_fix_a_1d_input():
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        check_array([1.0, 2.0], ndim=2)


def test_check_array_rejects_nan_and_strings_and_ragged_input():
    with pytest.raises(ValueError, match="NaN"):
        check_array([[np.nan]], ndim=2)
    with pytest.raises(TypeError, match="numeric"):
        check_array([["a"]], ndim=2)
    with pytest.raises(ValueError, match="ragged|rectangular"):
        check_array([[1.0], [1.0, 2.0]], ndim=2)


def test_check_X_t_reports_mismatched_lengths():
    with pytest.raises(ValueError, match="3 samples but t has 2 targets"):
        check_X_t(np.zeros((3, 2)), [0, 1])


def test_check_scalar_and_option_messages():
    with pytest.raises(ValueError, match="eta must be > 0"):
        check_scalar(0.0, "eta", low=0, include_low=False)
    with pytest.raises(TypeError, match="must be a number"):
        check_scalar("1", "eta")
    with pytest.raises(ValueError, match="choose one of 'a', 'b'"):
        check_option("c", "unit", ("a", "b"))


def test_resolve_backend():
    assert resolve_backend("numpy", numba_wins=True) == "numpy"
    assert resolve_backend("auto", numba_wins=False) == "numpy"
    if HAVE_NUMBA:
        assert resolve_backend("auto", numba_wins=True) == "numba"
    with pytest.raises(ValueError, match="choose 'auto', 'numpy' or 'numba'"):
        resolve_backend("cuda", numba_wins=True)


def test_njit_compiles_when_numba_is_enabled():
    def add(a, b):
        return a + b

    compiled = njit(add, cache=False)
    assert compiled(2, 3) == 5
    if jit_enabled():
        assert compiled is not add and hasattr(compiled, "py_func")


def test_disable_jit_runs_kernels_as_plain_python():
    code = ("import dlcourse.kernels.perceptron as k, types; "
            "print(isinstance(k.perceptron_epoch, types.FunctionType))")
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "True"
