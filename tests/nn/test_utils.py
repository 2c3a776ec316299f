"""nn.utils: gradient clipping and parameter/vector conversion, against PyTorch when installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn


def _pair(grads):
    torch = pytest.importorskip("torch")
    ours, theirs = [], []
    for g in grads:
        p = nn.Parameter(ag.zeros(*g.shape))
        p.grad = ag.tensor(g.copy())
        t = torch.nn.Parameter(torch.zeros(*g.shape))
        t.grad = torch.from_numpy(g.copy())
        ours.append(p), theirs.append(t)
    return torch, ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf, "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_pytorch(norm_type, max_norm):
    rng = np.random.default_rng(0)
    torch, ours, theirs = _pair([rng.standard_normal(s).astype(np.float32) for s in [(3, 4), (4,), (2, 2, 2)]])
    n1 = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    n2 = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert isinstance(n1, ag.Tensor) and n1.dtype == np.float32
    assert float(n1) == pytest.approx(float(n2), rel=1e-5)
    for p, t in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-5)


def test_clip_grad_norm_edge_cases():
    p = nn.Parameter(ag.zeros(2))
    assert float(nn.utils.clip_grad_norm_([p], 1.0)) == 0.0  # no grads
    p.grad = ag.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
    assert np.isnan(p.grad.data[0]) and p.grad.data[1] == 1.0  # unchanged after the error
    assert math.isnan(float(nn.utils.clip_grad_norm_(p, 1.0)))
    q = nn.Parameter(ag.zeros(1))
    q.grad = ag.tensor([0.5])
    assert float(nn.utils.clip_grad_norm_([q], 1.0)) == 0.5 and float(q.grad) == pytest.approx(0.5)


def test_clip_grad_value_matches_pytorch():
    rng = np.random.default_rng(1)
    torch, ours, theirs = _pair([rng.standard_normal((5, 5)).astype(np.float32) * 3])
    assert nn.utils.clip_grad_value_(ours, 1.5) is None
    torch.nn.utils.clip_grad_value_(theirs, 1.5)
    np.testing.assert_array_equal(ours[0].grad.data, theirs[0].grad.numpy())


def test_clip_on_a_model_after_backward():
    model = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 1))
    (model(ag.randn(8, 3)) * 1000).sum().backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    assert float(total) > 0.1
    assert float(nn.utils.get_total_norm([p.grad for p in model.parameters()])) == pytest.approx(0.1, rel=1e-4)


def test_parameters_vector_roundtrip_matches_pytorch():
    torch = pytest.importorskip("torch")
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    tmodel = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 2))
    tmodel.load_state_dict({k: torch.from_numpy(v.data.copy()) for k, v in model.state_dict().items()})
    v = nn.utils.parameters_to_vector(model.parameters())
    tv = torch.nn.utils.parameters_to_vector(tmodel.parameters())
    np.testing.assert_array_equal(v.data, tv.detach().numpy())
    assert v.requires_grad
    v.sum().backward()
    assert all(float(p.grad.sum()) == p.numel() for p in model.parameters())
    new = ag.arange(float(v.numel()))
    nn.utils.vector_to_parameters(new, model.parameters())
    torch.nn.utils.vector_to_parameters(torch.arange(float(v.numel())), tmodel.parameters())
    for p, t in zip(model.parameters(), tmodel.parameters()):
        np.testing.assert_array_equal(p.data, t.detach().numpy())
    with pytest.raises(TypeError, match="expected Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], model.parameters())
    with pytest.raises(RuntimeError, match="expected a 1-d vector of 26 elements"):
        nn.utils.vector_to_parameters(ag.zeros(3), model.parameters())
