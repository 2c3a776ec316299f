"""nn.init: gains, fans, distributions, reproducibility, errors (PyTorch's values where it has them)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init

GAINS = [
    ("linear", None),
    ("conv1d", None),
    ("conv2d", None),
    ("conv3d", None),
    ("conv_transpose1d", None),
    ("conv_transpose2d", None),
    ("conv_transpose3d", None),
    ("sigmoid", None),
    ("tanh", None),
    ("relu", None),
    ("leaky_relu", None),
    ("leaky_relu", 0.2),
    ("leaky_relu", 3),
    ("selu", None),
]


@pytest.mark.parametrize("name,param", GAINS)
def test_calculate_gain_matches_pytorch(name, param):
    torch = pytest.importorskip("torch")
    assert init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param), rel=1e-12)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity gelu"):
        init.calculate_gain("gelu")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(30, 20), (16, 6, 5, 5), (8, 4, 3)])
def test_fans_match_pytorch(shape):
    torch = pytest.importorskip("torch")
    ours = init._calculate_fan_in_and_fan_out(ag.empty(*shape))
    assert ours == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ag.empty(5))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_normal_(ag.empty(3, 3), mode="fan_avg")


def _std(t):
    return float(np.std(t.data))


def test_distributions():
    ag.manual_seed(0)
    w = ag.empty(400, 300)
    b = math.sqrt(3) * math.sqrt(2) / math.sqrt(300)
    init.kaiming_uniform_(w, nonlinearity="relu")
    assert float(w.abs().max()) <= b and abs(_std(w) - b / math.sqrt(3)) < 0.002
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="leaky_relu", a=0.1)
    assert abs(_std(w) - math.sqrt(2 / (1 + 0.01)) / math.sqrt(400)) < 0.002
    init.xavier_uniform_(w, gain=2.0)
    assert float(w.abs().max()) <= 2 * math.sqrt(6 / 700)
    init.xavier_normal_(w)
    assert abs(_std(w) - math.sqrt(2 / 700)) < 0.002
    init.uniform_(w, -0.5, 0.25)
    assert -0.5 <= float(w.min()) and float(w.max()) <= 0.25
    init.normal_(w, 2.0, 0.1)
    assert abs(float(w.mean()) - 2) < 0.01 and abs(_std(w) - 0.1) < 0.005
    init.trunc_normal_(w, mean=1.0, std=2.0, a=0.0, b=1.5)
    assert 0 <= float(w.min()) and float(w.max()) <= 1.5
    assert init.constant_(w, 0.3) is w and np.all(w.data == np.float32(0.3))
    assert float(init.zeros_(w).abs().sum()) == 0 and float(init.ones_(w).mean()) == 1


def test_orthogonal_eye_dirac():
    for shape in [(6, 4), (4, 6), (3, 2, 2)]:
        w = init.orthogonal_(ag.empty(*shape, dtype=ag.float64), gain=2.0)
        m = w.data.reshape(shape[0], -1)
        small = m @ m.T if shape[0] <= m.shape[1] else m.T @ m
        np.testing.assert_allclose(small, 4 * np.eye(small.shape[0]), atol=1e-10)
    assert np.array_equal(init.eye_(ag.empty(2, 3)).data, np.eye(2, 3))
    x = ag.randn(1, 3, 5, 5)
    import nn.functional as F

    w = init.dirac_(ag.empty(3, 3, 3, 3))
    np.testing.assert_allclose(F.conv2d(x, w, padding=1).data, x.data, atol=1e-6)
    with pytest.raises(ValueError, match="only tensors with 2 dimensions"):
        init.eye_(ag.empty(2, 2, 2))


def test_reproducible_with_seed_and_generator():
    ag.manual_seed(11)
    a = init.normal_(ag.empty(10))
    ag.manual_seed(11)
    assert np.array_equal(a.data, init.normal_(ag.empty(10)).data)
    g1, g2 = ag.Generator().manual_seed(1), ag.Generator().manual_seed(1)
    assert np.array_equal(
        init.kaiming_uniform_(ag.empty(3, 3), generator=g1).data, init.kaiming_uniform_(ag.empty(3, 3), generator=g2).data
    )


def test_init_on_parameters_records_no_graph():
    p = nn.Parameter(ag.zeros(3, 3))
    v = p._version
    out = init.xavier_uniform_(p)
    assert out is p and p.grad_fn is None and p.requires_grad and p._version == v + 1
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(ag.empty(0, 3))
