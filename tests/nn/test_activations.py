"""Activations of ``nn`` / ``nn.functional``: gradients (registry cases), PyTorch parity, modules, in-place, errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.testing import cases, check_gradcheck, check_gradgradcheck, check_torch
from nn.functional import loss_cases

ACTIVATIONS = ["relu", "relu6", "hardtanh", "leaky_relu", "elu", "gelu", "silu", "sigmoid", "tanh", "softplus", "logsigmoid",
               "softmax", "log_softmax"]
CASES = [c for c in cases(lambda c: c.name.startswith(loss_cases.PREFIX)) if c.name[len(loss_cases.PREFIX):] in ACTIVATIONS]


def test_every_activation_has_cases():
    assert {c.name[len(loss_cases.PREFIX):] for c in CASES} == set(ACTIVATIONS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradcheck(case):
    r = check_gradcheck(case)
    assert r.passed, r.message
    r = check_gradgradcheck(case)
    assert r.passed, r.message


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_torch_parity(case, dtype):
    torch = pytest.importorskip("torch")
    r = check_torch(case, torch, dtype=dtype)
    assert r.passed, r.message


MODULES = [
    ("ReLU", {}, "ReLU()"), ("ReLU", {"inplace": True}, "ReLU(inplace=True)"), ("ReLU6", {}, "ReLU6()"),
    ("Hardtanh", {"min_val": -2.0, "max_val": 0.5}, "Hardtanh(min_val=-2.0, max_val=0.5)"),
    ("LeakyReLU", {"negative_slope": 0.2}, "LeakyReLU(negative_slope=0.2)"), ("ELU", {"alpha": 0.5}, "ELU(alpha=0.5)"),
    ("GELU", {}, "GELU(approximate='none')"), ("GELU", {"approximate": "tanh"}, "GELU(approximate='tanh')"),
    ("SiLU", {}, "SiLU()"), ("Sigmoid", {}, "Sigmoid()"), ("Tanh", {}, "Tanh()"), ("LogSigmoid", {}, "LogSigmoid()"),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}, "Softplus(beta=2.0, threshold=5.0)"),
    ("Softmax", {"dim": 1}, "Softmax(dim=1)"), ("LogSoftmax", {"dim": -1}, "LogSoftmax(dim=-1)"),
]


@pytest.mark.parametrize("name,kwargs,text", MODULES, ids=[m[2] for m in MODULES])
def test_module_repr_value_and_grad(name, kwargs, text):
    m = getattr(nn, name)(**kwargs)
    assert repr(m) == text
    x = ag.tensor(np.random.default_rng(0).uniform(-3, 3, (3, 4)), requires_grad=True)
    y = m(x * 1.0)
    y.sum().backward()
    torch = pytest.importorskip("torch")
    assert repr(getattr(torch.nn, name)(**kwargs)) == text
    tx = torch.tensor(x.data, requires_grad=True)
    ty = getattr(torch.nn, name)(**kwargs)(tx * 1.0)
    ty.sum().backward()
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_module_no_parameters_and_sequential():
    model = nn.Sequential(nn.Linear(3, 4), nn.GELU(), nn.Linear(4, 2), nn.LogSoftmax(dim=1))
    assert len(list(nn.ReLU().parameters())) == 0
    out = model(ag.randn(5, 3))
    np.testing.assert_allclose(np.exp(out.data).sum(1), 1.0, rtol=1e-5)


def test_inplace_writes_into_the_input():
    x = ag.tensor([-1.0, 2.0, -3.0])
    y = F.relu(x, inplace=True)
    assert y is x and x.tolist() == [0.0, 2.0, 0.0] and x._version == 1
    v = ag.tensor([-4.0, 1.0])
    nn.ReLU(inplace=True)(v)
    assert v.tolist() == [0.0, 1.0]
    h = ag.tensor([-4.0, 9.0])
    F.hardtanh_(h)
    assert h.tolist() == [-1.0, 1.0]


def test_inplace_in_a_graph_rebinds_and_differentiates():
    w = ag.tensor([-1.0, 2.0, 3.0], requires_grad=True)
    h = w * 2.0
    out = F.leaky_relu(h, 0.1, inplace=True)
    assert out is h and h.grad_fn is not None
    h.sum().backward()
    np.testing.assert_allclose(w.grad.data, [0.2, 2.0, 2.0])


def test_inplace_on_leaf_requiring_grad_raises():
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        F.relu(w, inplace=True)
    assert w.grad_fn is None and w._version == 0


def test_inplace_after_save_is_detected():
    x = ag.tensor([-1.0, 2.0], requires_grad=True)
    h = x * 1.0
    s = h.sigmoid()  # saves h
    F.relu(h, inplace=True)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        s.sum().backward()


def test_softmax_implicit_dim_warns_like_pytorch():
    x = ag.zeros(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = F.softmax(x)
    np.testing.assert_allclose(y.data, 1 / 3)
    with pytest.warns(UserWarning, match="log_softmax"):
        nn.LogSoftmax()(x)


def test_large_inputs_finite():
    x = ag.tensor([-1e4, 0.0, 1e4], dtype=ag.float64, requires_grad=True)
    for f in (F.logsigmoid, F.softplus, F.sigmoid, F.silu, F.gelu, F.elu, lambda t: F.log_softmax(t, 0)):
        y = f(x)
        (g,) = ag.grad(y.sum(), [x])
        assert np.isfinite(y.data).all() and np.isfinite(g.data).all()


def test_bad_arguments():
    with pytest.raises(TypeError, match="relu.*must be Tensor, not list"):
        F.relu([1.0], inplace=True)
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU(approximate="fast")
    with pytest.raises(ValueError, match="min_val"):
        nn.Hardtanh(1.0, -1.0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.softmax(ag.zeros(2, 3), dim=2)


@pytest.mark.parametrize("name", ["relu", "elu"])
def test_relu_and_elu_pass_the_gradient_at_nan_as_pytorch(name):
    # PyTorch takes the zero / negative branch only where input <= 0, so a NaN input passes the gradient
    torch = pytest.importorskip("torch")
    vals = [float("nan"), 1.0, -1.0, 0.0]
    x = ag.tensor(vals, requires_grad=True)
    getattr(F, name)(x).sum().backward()
    xt = torch.tensor(vals, requires_grad=True)
    getattr(torch.nn.functional, name)(xt).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-6)
    (g,) = ag.grad(getattr(F, name)(x).sum(), [x], create_graph=True)  # the Tensor-level backward too
    np.testing.assert_allclose(g.data, xt.grad.numpy(), rtol=1e-6)
    if name == "elu":
        return
    # the ReLU fused into Linear's epilogue
    w = ag.eye(4, requires_grad=True)
    ag.linear_relu(x.detach()[None], w).sum().backward()
    wt = torch.eye(4, requires_grad=True)
    torch.relu(torch.nn.functional.linear(xt.detach()[None], wt)).sum().backward()
    np.testing.assert_array_equal(w.grad.data, wt.grad.numpy())
