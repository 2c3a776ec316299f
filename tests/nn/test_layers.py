"""Layers: behaviour beyond the registry's gradient/PyTorch checks (init, modes, running statistics,
dtypes, bad input with the module named and the model unchanged, the NumPy kernel path)."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn import kernels as K
from nn.kernels import numba_kernels, numpy_twins

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# ---- initialisation as PyTorch -----------------------------------------------------------------
def test_linear_and_conv_default_init_bounds():
    ag.manual_seed(0)
    fc = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    assert fc.weight.shape == (300, 400) and fc.weight.dtype == np.float32
    assert float(fc.weight.abs().max()) <= bound and float(fc.weight.abs().max()) > 0.98 * bound
    assert float(fc.bias.abs().max()) <= bound
    assert abs(float(fc.weight.std()) - bound / math.sqrt(3)) < 0.002
    conv = nn.Conv2d(6, 16, 5, groups=2)
    fan_in = 3 * 25
    assert float(conv.weight.abs().max()) <= 1 / math.sqrt(fan_in) and conv.weight.shape == (16, 3, 5, 5)
    assert float(conv.bias.abs().max()) <= 1 / math.sqrt(fan_in)


def test_init_is_reproducible_with_manual_seed():
    ag.manual_seed(3)
    a = nn.Linear(5, 4)
    ag.manual_seed(3)
    b = nn.Linear(5, 4)
    assert np.array_equal(a.weight.data, b.weight.data) and np.array_equal(a.bias.data, b.bias.data)


def test_layers_in_float64():
    x = ag.randn(2, 3, 8, 8, dtype=ag.float64)
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3, dtype=ag.float64),
        nn.BatchNorm2d(4, dtype=ag.float64),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(36, 2, dtype=ag.float64),
        nn.LayerNorm(2, dtype=ag.float64),
    )
    assert net(x).dtype == np.float64


# ---- Linear ---------------------------------------------------------------------------------------
def test_linear_uses_the_fused_op_and_handles_batches():
    fc = nn.Linear(3, 2)
    out = fc(ag.randn(4, 5, 3, requires_grad=True))
    assert out.shape == (4, 5, 2) and out.grad_fn.op_name() == "linear"
    out.sum().backward()
    assert fc.weight.grad.shape == (2, 3) and fc.bias.grad.shape == (2,)


def test_linear_wrong_feature_size_names_the_module():
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(RuntimeError) as ei:
        model(ag.randn(3, 5))
    msg = str(ei.value)
    assert "Linear(in_features=4, out_features=8, bias=True)" in msg and "module '0' of Sequential" in msg
    assert "last dimension 4" in msg and "(3, 5)" in msg
    assert all(np.array_equal(a, p.data) for a, p in zip(before, model.parameters()))
    with pytest.raises(RuntimeError, match="dtype float64 does not match the weight dtype float32"):
        nn.Linear(2, 2)(ag.ones(1, 2, dtype=ag.float64))
    with pytest.raises(TypeError, match="expected the input to be a Tensor"):
        nn.Linear(2, 2)(np.ones((1, 2)))
    with pytest.raises(ValueError, match="in_features must be a non-negative integer"):
        nn.Linear(-1, 2)


def test_flatten_unflatten_identity():
    x = ag.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60) and nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Unflatten(1, (3, -1))(ag.randn(2, 12)).shape == (2, 3, 4)
    with pytest.raises(RuntimeError, match="don't multiply up"):
        nn.Unflatten(1, (5, 5))(ag.randn(2, 12))
    assert nn.Identity(1, 2, a=3)(x) is x


# ---- Dropout -----------------------------------------------------------------------------------------
def test_dropout_train_eval_and_scaling():
    ag.manual_seed(0)
    drop = nn.Dropout(0.3)
    x = ag.ones(200, 100, requires_grad=True)
    y = drop(x)
    kept = y.data != 0
    assert abs(kept.mean() - 0.7) < 0.02 and np.allclose(y.data[kept], 1 / 0.7)
    y.sum().backward()
    assert np.array_equal(x.grad.data != 0, kept)
    assert drop.eval()(x) is x
    assert nn.Dropout(1.0)(x).abs().sum().item() == 0
    assert nn.Dropout(0.0)(x) is x
    ag.manual_seed(5)
    a = nn.Dropout(0.5)(ag.ones(50))
    ag.manual_seed(5)
    assert np.array_equal(a.data, nn.Dropout(0.5)(ag.ones(50)).data)


@pytest.mark.parametrize("p", [-0.1, 1.5, "a", None])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match=f"Dropout: dropout probability has to be between 0 and 1, but got {p}"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout(ag.ones(2), p)


def test_dropout2d_zeros_whole_channels():
    ag.manual_seed(1)
    y = nn.Dropout2d(0.5)(ag.ones(4, 32, 3, 3))
    per_channel = y.data.reshape(4, 32, 9)
    assert (per_channel.min(-1) == per_channel.max(-1)).all()


# ---- BatchNorm ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_running_stats_train_eval_match_pytorch(momentum):
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm2d(3, momentum=momentum), torch.nn.BatchNorm2d(3, momentum=momentum)
    rng = np.random.default_rng(0)
    for step in range(4):
        x = (rng.standard_normal((5, 3, 4, 4)) * (step + 1) + step).astype(np.float32)
        np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    for name in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(getattr(ours, name).data, getattr(theirs, name).numpy(), rtol=1e-5, err_msg=name)
    ours.eval(), theirs.eval()
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-4, atol=1e-5)
    assert int(ours.num_batches_tracked) == 4


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    bn = nn.BatchNorm1d(2, track_running_stats=False, affine=False).eval()
    y = bn(ag.tensor([[1.0, 10.0], [3.0, 30.0]]))
    assert np.allclose(y.data, [[-1, -1], [1, 1]], atol=1e-4)
    assert bn.running_mean is None and list(bn.state_dict()) == []


def test_batchnorm_bad_input_names_module_and_changes_nothing():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    with pytest.raises(RuntimeError, match=r"BatchNorm1d\(3, .*module '1' of Sequential.*expected input with 3 features"):
        nn.Sequential(nn.Identity(), net[1])(ag.randn(4, 5))
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input"):
        net[1](ag.randn(2, 3, 4, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        net(ag.randn(1, 2))
    assert int(net[1].num_batches_tracked) == 0 and float(net[1].running_mean.abs().sum()) == 0
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(ag.randn(2, 3))


# ---- LayerNorm -------------------------------------------------------------------------------------------
def test_layernorm_errors_and_repr():
    ln = nn.LayerNorm((4, 5))
    assert ln.weight.shape == (4, 5) and repr(ln) == "LayerNorm((4, 5), eps=1e-05, elementwise_affine=True, bias=True)"
    with pytest.raises(
        RuntimeError, match=r"LayerNorm\(\(4, 5\).*expected input with shape \[\*, 4, 5\], but got input of size \[2, 5, 4\]"
    ):
        ln(ag.randn(2, 5, 4))
    assert nn.LayerNorm(3, bias=False).bias is None


# ---- Embedding -------------------------------------------------------------------------------------------
def test_embedding_padding_and_errors():
    emb = nn.Embedding(5, 2, padding_idx=-1)
    assert emb.padding_idx == 4 and float(emb.weight[4].abs().sum()) == 0
    emb(ag.tensor([4, 1, 4])).sum().backward()
    assert emb.weight.grad[4].tolist() == [0.0, 0.0] and emb.weight.grad[1].tolist() == [1.0, 1.0]
    with pytest.raises(IndexError, match=r"Embedding\(5, 2, padding_idx=4\).*index 7 is out of range for 5 embeddings"):
        emb(ag.tensor([1, 7]))
    with pytest.raises(TypeError, match="integer indices"):
        emb(ag.tensor([1.0]))


def test_embedding_max_norm_matches_pytorch():
    torch = pytest.importorskip("torch")
    w = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32) * 3
    ours = nn.Embedding.from_pretrained(ag.tensor(w.copy()), freeze=False, max_norm=1.0)
    theirs = torch.nn.Embedding.from_pretrained(torch.from_numpy(w.copy()), freeze=False, max_norm=1.0)
    idx = np.array([[0, 2], [2, 5]])
    np.testing.assert_allclose(ours(ag.tensor(idx)).data, theirs(torch.from_numpy(idx)).detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(ours.weight.data, theirs.weight.detach().numpy(), rtol=1e-5)


# ---- Conv2d and pooling ------------------------------------------------------------------------------------
def test_conv_errors_name_the_module():
    net = nn.Sequential(nn.Conv2d(3, 8, 3))
    with pytest.raises(
        RuntimeError, match=r"Conv2d\(3, 8, kernel_size=\(3, 3\).*module '0' of Sequential.*has 1 channels.*expects 3"
    ):
        net(ag.randn(2, 1, 8, 8))
    with pytest.raises(RuntimeError, match="smaller than the dilated kernel"):
        net(ag.randn(2, 3, 2, 2))
    with pytest.raises(RuntimeError, match="expected a 3-d .* or 4-d"):
        net(ag.randn(3, 8))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided"):
        nn.Conv2d(3, 8, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        nn.MaxPool2d(2, padding=2)(ag.randn(1, 1, 4, 4))
    with pytest.raises(RuntimeError, match="too small"):
        F.avg_pool2d(ag.randn(1, 1, 2, 2), 3)


def test_conv_and_pool_match_pytorch_on_larger_inputs():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 8, 33, 30)).astype(np.float32)
    w = rng.standard_normal((16, 4, 3, 3)).astype(np.float32)
    for kw in (dict(stride=2, padding=1, groups=2), dict(dilation=2, padding=2, groups=2)):
        xa, wa = ag.tensor(x, requires_grad=True), ag.tensor(w, requires_grad=True)
        xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        y, yt = F.conv2d(xa, wa, **kw), torch.nn.functional.conv2d(xt, wt, **kw)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-4, atol=1e-4)
        g = rng.standard_normal(y.shape).astype(np.float32)
        y.backward(ag.tensor(g)), yt.backward(torch.from_numpy(g))
        np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(wa.grad.data, wt.grad.numpy(), rtol=1e-4, atol=1e-3)
    for fn, kw in (
        (F.max_pool2d, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
        (F.avg_pool2d, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ):
        xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, yt = fn(xa, **kw), getattr(torch.nn.functional, fn.__name__)(xt, **kw)
        np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-5, atol=1e-6)
        y.sum().backward(), yt.sum().backward()
        np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_pool_modules_and_adaptive():
    x = ag.randn(2, 3, 8, 8)
    out, idx = nn.MaxPool2d(2, return_indices=True)(x)
    assert out.shape == (2, 3, 4, 4) and idx.dtype == np.int64
    assert np.allclose(nn.AdaptiveAvgPool2d((1, 1))(x).data[..., 0, 0], x.data.mean((2, 3)), atol=1e-6)
    with pytest.raises(NotImplementedError, match="multiple of output_size"):
        nn.AdaptiveAvgPool2d(3)(x)


# ---- kernels: Numba against the NumPy twins -------------------------------------------------------------
@pytest.mark.parametrize("shape,k,s,p,d", [((2, 3, 9, 11), 3, 2, 1, 2), ((3, 2, 7, 7), 2, 1, 1, 1), ((1, 1, 5, 6), 3, 3, 0, 1)])
def test_numba_kernels_match_twins(shape, k, s, p, d):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    H, W = shape[2:]
    Ho, Wo = (H + 2 * p - d * (k - 1) - 1) // s + 1, (W + 2 * p - d * (k - 1) - 1) // s + 1
    args = (k, k, s, s, p, p, d, d, Ho, Wo)
    cols = numpy_twins.im2col(x, *args)
    np.testing.assert_array_equal(numba_kernels.im2col(x, *args), cols)
    np.testing.assert_allclose(numba_kernels.col2im(cols, shape[1], H, W, *args), numpy_twins.col2im(cols, shape[1], H, W, *args))
    pp = min(p, k // 2)
    pargs = (k, k, s, s, pp, pp, d, d, (H + 2 * pp - d * (k - 1) - 1) // s + 1, (W + 2 * pp - d * (k - 1) - 1) // s + 1)
    (o1, i1), (o2, i2) = numba_kernels.max_pool2d(x, *pargs), numpy_twins.max_pool2d(x, *pargs)
    np.testing.assert_array_equal(o1, o2), np.testing.assert_array_equal(i1, i2)
    g = rng.standard_normal(o1.shape)
    np.testing.assert_allclose(numba_kernels.max_pool2d_backward(g, i1, H, W), numpy_twins.max_pool2d_backward(g, i1, H, W))
    np.testing.assert_array_equal(numba_kernels.pool_gather(x, i1), numpy_twins.pool_gather(x, i1))
    div = np.full(o1.shape[2:], float(k * k))
    aargs = (k, k, s, s, pp, pp, o1.shape[2], o1.shape[3], div)
    np.testing.assert_allclose(numba_kernels.avg_pool2d(x, *aargs), numpy_twins.avg_pool2d(x, *aargs))
    np.testing.assert_allclose(
        numba_kernels.avg_pool2d_backward(g, H, W, *aargs), numpy_twins.avg_pool2d_backward(g, H, W, *aargs)
    )
    idx = rng.integers(0, 4, 10)
    g2 = rng.standard_normal((10, 3))
    np.testing.assert_allclose(numba_kernels.embedding_backward(g2, idx, 4), numpy_twins.embedding_backward(g2, idx, 4))


def test_kernel_dispatch_follows_the_backend():
    if K.BACKEND == "numba":
        assert K.max_pool2d is numba_kernels.max_pool2d
    else:
        assert K.max_pool2d is numpy_twins.max_pool2d


def test_numpy_backend_gives_the_same_training_step():
    code = (
        "import numpy as np, autograd as ag, nn\n"
        "ag.manual_seed(0)\n"
        "m = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.MaxPool2d(2), nn.AvgPool2d(2), nn.Flatten(),\n"
        "                  nn.Linear(4 * 4 * 4, 3))\n"
        "x = ag.tensor(np.linspace(-1, 1, 2 * 16 * 16).reshape(2, 1, 16, 16).astype(np.float32))\n"
        "m(x).sum().backward()\n"
        "print(repr(np.concatenate([p.grad.data.ravel() for p in m.parameters()]).tolist()))\n"
    )
    outs = []
    for backend in ("numba", "numpy"):
        env = dict(os.environ, AUTOGRAD_KERNELS=backend, PYTHONPATH=ROOT)
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert res.returncode == 0, res.stderr
        outs.append(np.array(eval(res.stdout)))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-5, atol=1e-6)
