"""Bad arguments: the exception type and message PyTorch gives, and nothing half-done."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd as ag
import optim

try:
    import torch
except ImportError:  # the messages are still checked against the expected text
    torch = None

BAD = [
    ("SGD", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("SGD", dict(momentum=-0.5), "Invalid momentum value: -0.5"),
    ("SGD", dict(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
    ("SGD", dict(nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(nesterov=True, momentum=0.9, dampening=0.1), "Nesterov momentum requires a momentum and zero dampening"),
    ("Adam", dict(lr=-1e-3), "Invalid learning rate: -0.001"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    ("Adam", dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    ("AdamW", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
    ("Adagrad", dict(lr_decay=-1.0), "Invalid lr_decay value: -1.0"),
    ("Adagrad", dict(initial_accumulator_value=-1.0), "Invalid initial_accumulator_value value: -1.0"),
    ("Adagrad", dict(eps=-1.0), "Invalid epsilon value: -1.0"),
    ("RMSprop", dict(alpha=-0.5), "Invalid alpha value: -0.5"),
    ("RMSprop", dict(momentum=-0.5), "Invalid momentum value: -0.5"),
    ("RMSprop", dict(eps=-0.5), "Invalid epsilon value: -0.5"),
    ("NAdam", dict(momentum_decay=-1.0), "Invalid momentum_decay value: -1.0"),
    ("NAdam", dict(betas=(-0.1, 0.9)), "Invalid beta parameter at index 0: -0.1"),
    ("Adadelta", dict(rho=1.5), "Invalid rho value: 1.5"),
    ("Adadelta", dict(lr=float("nan")), "Invalid learning rate: nan"),
    ("Lion", dict(lr=-1.0), "Invalid learning rate: -1.0"),
    ("Lion", dict(betas=(0.9, 1.0)), "Invalid beta parameter at index 1: 1.0"),
    ("Lion", dict(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
]


@pytest.mark.parametrize("name,options,message", BAD)
def test_invalid_options_raise_value_error_as_torch(name, options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(optim, name)([ag.zeros(2, requires_grad=True)], **options)
    if torch is not None and hasattr(torch.optim, name):
        with pytest.raises(ValueError, match=re.escape(message)):
            getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **options)


def test_invalid_option_in_a_param_group_is_caught_too():
    opt = optim.Adam([ag.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        opt.add_param_group({"params": [ag.zeros(1, requires_grad=True)], "lr": -1})
    with pytest.raises(ValueError, match="Invalid beta parameter at index 0"):
        optim.Adam([{"params": [ag.zeros(1, requires_grad=True)], "betas": (2.0, 0.9)}])
    assert len(opt.param_groups) == 1


def test_non_number_option_is_a_type_error():
    with pytest.raises(TypeError, match="SGD: lr must be a number, got str"):
        optim.SGD([ag.zeros(1, requires_grad=True)], lr="0.1")
    with pytest.raises(ValueError, match="betas must be a pair"):
        optim.Adam([ag.zeros(1, requires_grad=True)], betas=(0.9,))


def test_empty_parameter_list():
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD(p for p in [])


def test_parameter_given_twice():
    w = ag.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="a parameter appears more than once in the same parameter group"):
        optim.SGD([w, w], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    opt = optim.SGD([w], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [w]})
    assert len(opt.param_groups) == 1


def test_bad_params():
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts, but got Tensor"):
        optim.SGD(ag.zeros(2, requires_grad=True), lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is ndarray"):
        optim.SGD([np.zeros(2)], lr=0.1)
    x = ag.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([x * 2], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD({x}, lr=0.1)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        optim.SGD([x], lr=0.1).add_param_group([x])


def test_differentiable_is_refused():
    with pytest.raises(ValueError, match="differentiable=True is not supported"):
        optim.Adam([ag.zeros(1, requires_grad=True)], differentiable=True)


def test_bad_gradient_shape_changes_nothing():
    a, b = ag.ones(2, requires_grad=True), ag.ones(3, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad, b.grad = ag.ones(2), ag.ones(4)
    msg = r"Adam: the gradient of parameter 1 of group 0 has shape \(4,\), but the parameter has shape \(3,\)"
    with pytest.raises(RuntimeError, match=msg):
        opt.step()
    assert np.all(a.data == 1) and len(opt.state) == 0 and a._version == 0


def test_unsupported_dtype_is_a_clear_type_error():
    h = ag.ones(2, dtype=ag.float16, requires_grad=True)
    opt = optim.SGD([h], lr=0.1)
    h.grad = ag.ones(2, dtype=ag.float16)
    with pytest.raises(TypeError, match="SGD: parameter 0 of group 0 has dtype float16; optimizers update float32 and float64"):
        opt.step()
