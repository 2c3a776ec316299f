"""``autograd.gradcheck`` / ``gradgradcheck`` themselves (issue 2, part 5): PyTorch's arguments and
defaults, a clear report of the worst element, and no side effects on the inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from cubes import AlmostCube, ConstCube, Cube, WrongCube

import autograd as ag
from autograd.gradcheck import jacobian_errors


def _x(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.uniform(0.5, 1.5, shape), dtype=ag.float64, requires_grad=True)


def test_passes_on_correct_gradients_of_several_inputs():
    a, b = _x(3, 4), _x(4, 2, seed=1)
    c = ag.tensor([1.0, 2.0], dtype=ag.float64)  # no grad: not checked
    assert ag.gradcheck(lambda a, b, c: ((a @ b).tanh() * c).sum(0), (a, b, c))
    assert ag.gradcheck(Cube.apply, _x(2, 2))  # a single Tensor as inputs
    assert ag.autograd.gradcheck is ag.gradcheck


def test_reports_the_worst_element():
    x = _x(3)
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(WrongCube.apply, (x,))
    msg = str(info.value)
    assert "Jacobian mismatch for output 0 with respect to input 0" in msg
    assert "worst element (output element" in msg and "numerical" in msg and "analytical" in msg and "atol=1e-05" in msg
    assert isinstance(info.value, RuntimeError)  # GradcheckError is a RuntimeError, as PyTorch's


def test_raise_exception_false_returns_false():
    assert ag.gradcheck(WrongCube.apply, (_x(3),), raise_exception=False) is False


def test_tolerances_are_respected():
    x = _x(4)
    assert ag.gradcheck(AlmostCube.apply, (x,))  # default rtol=1e-3
    assert not ag.gradcheck(AlmostCube.apply, (x,), rtol=1e-6, atol=1e-9, raise_exception=False)
    assert ag.gradcheck(AlmostCube.apply, (x,), rtol=0, atol=1e-2)


def test_eps_changes_the_finite_difference():
    x = _x(3)
    # central differences of x**3 have error eps**2 per element: fine at 1e-6, visible at 1e-1 with tight tolerances
    assert ag.gradcheck(Cube.apply, (x,), eps=1e-6, rtol=1e-6, atol=1e-8)
    assert not ag.gradcheck(Cube.apply, (x,), eps=1e-1, rtol=1e-6, atol=1e-8, raise_exception=False)


def test_fast_mode():
    x = _x(3, 2)
    assert ag.gradcheck(Cube.apply, (x,), fast_mode=True)
    with pytest.raises(ag.GradcheckError, match="projected"):
        ag.gradcheck(WrongCube.apply, (x,), fast_mode=True)


def test_inputs_are_left_untouched():
    base = np.random.default_rng(0).uniform(0.5, 1.5, (4, 3))
    x = ag.from_numpy(base.T).requires_grad_()  # a non-contiguous view of the caller's memory
    before = base.copy()
    assert ag.gradcheck(lambda x: (x * x).sum(1), (x,))
    np.testing.assert_array_equal(base, before)
    assert x.data.base is base and x.grad is None


def test_read_only_inputs_work():
    arr = np.linspace(0.5, 1.5, 6)
    arr.setflags(write=False)
    assert ag.gradcheck(ag.exp, (ag.from_numpy(arr).requires_grad_(),))


def test_needs_an_input_requiring_grad_and_warns_on_float32():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        ag.gradcheck(ag.exp, (ag.ones(2, dtype=ag.float64),))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ag.gradcheck(ag.exp, (ag.ones(2, requires_grad=True),), atol=1e-2, rtol=1e-2)
    assert any("not float64" in str(x.message) for x in w)


def test_multiple_outputs_and_integer_outputs():
    x = _x(2, 3)
    assert ag.gradcheck(lambda x: x.max(dim=1), (x,))  # (values, int64 indices): indices are skipped
    assert ag.gradcheck(lambda x: x.split(1, dim=0), (x,))


def test_gradgradcheck_passes_and_catches_a_lost_second_derivative():
    x = _x(3)
    assert ag.gradgradcheck(Cube.apply, (x,))
    assert ag.gradgradcheck(lambda a, b: (a @ b).sigmoid(), (_x(2, 3), _x(3, 2, seed=1)))
    assert ag.gradcheck(ConstCube.apply, (x,))
    with pytest.raises(ag.GradcheckError, match="Jacobian mismatch"):
        ag.gradgradcheck(ConstCube.apply, (x,))
    assert ag.gradgradcheck(ConstCube.apply, (x,), raise_exception=False) is False


def test_gradgradcheck_with_given_grad_outputs():
    x = _x(3)
    go = ag.tensor([1.0, -2.0, 0.5], dtype=ag.float64, requires_grad=True)
    assert ag.gradgradcheck(Cube.apply, (x,), (go,))
    assert ag.gradgradcheck(Cube.apply, (x,), go.detach())  # fixed grad_outputs: only the inputs are varied


def test_jacobian_errors_gives_figures():
    r = jacobian_errors(ag.tanh, (_x(3),))
    assert r.passed and r.max_abs < 1e-8 and r.max_rel < 1e-7 and r.message == ""
    r = jacobian_errors(WrongCube.apply, (_x(3),))
    assert not r.passed and 0.2 < r.max_rel < 0.5 and "worst element" in r.message
