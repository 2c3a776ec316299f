"""Losses of ``nn`` / ``nn.functional``: gradients (registry cases), PyTorch parity, kernels vs twins, errors."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.testing import cases, check_gradcheck, check_gradgradcheck, check_torch
from nn import loss_kernels as LK
from nn.functional import loss_cases

LOSSES = ["mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
          "cross_entropy", "nll_loss", "kl_div", "sigmoid_focal_loss", "focal_loss", "ctc_loss", "triplet_margin_loss",
          "pairwise_distance", "margin_ranking_loss", "cosine_embedding_loss"]
CASES = [c for c in cases(lambda c: c.name.startswith(loss_cases.PREFIX)) if c.name[len(loss_cases.PREFIX):] in LOSSES]
R64 = np.random.default_rng(0)


def _t(a, grad=False, dtype=None):
    return ag.tensor(np.asarray(a), dtype=dtype, requires_grad=grad)


def test_every_loss_has_cases():
    assert {c.name[len(loss_cases.PREFIX):] for c in CASES} == set(LOSSES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_gradcheck(case):
    r = check_gradcheck(case)
    assert r.passed, r.message
    r = check_gradgradcheck(case)
    assert r.passed, r.message


@pytest.mark.filterwarnings("ignore:reduction")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_torch_parity(case, dtype):
    torch = pytest.importorskip("torch")
    r = check_torch(case, torch, dtype=dtype)
    assert r.passed, r.message


# ---------------------------------------------------------------- cross-entropy specifics
@pytest.mark.parametrize("dtype", [ag.float32, ag.float64])
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2}, {"weight": [1.0, 2.0, 0.5]}, {"reduction": "none"}])
def test_cross_entropy_finite_for_huge_logits(dtype, kw):
    if "weight" in kw:
        kw = {**kw, "weight": ag.tensor(kw["weight"], dtype=dtype)}
    x = ag.tensor([[1e4, 0.0, -1e4], [-1e4, 1e4, 1e4]], dtype=dtype, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([2, 0]), **kw)
    loss.sum().backward()
    assert np.isfinite(loss.data).all() and np.isfinite(x.grad.data).all()
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x.data, requires_grad=True)
    tkw = {k: (torch.tensor(v.data) if isinstance(v, ag.Tensor) else v) for k, v in kw.items()}
    tl = torch.nn.functional.cross_entropy(tx, torch.tensor([2, 0]), **tkw)
    tl.sum().backward()
    np.testing.assert_allclose(loss.data, tl.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_cross_entropy_probability_targets_large_logits():
    x = ag.tensor([[1e4, -1e4]], dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([[0.25, 0.75]], dtype=ag.float64))
    loss.backward()
    assert loss.item() == pytest.approx(0.75 * 2e4) and np.isfinite(x.grad.data).all()


def test_cross_entropy_all_ignored_is_nan_with_zero_grad():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    loss = F.cross_entropy(x, ag.tensor([-100, -100, -100]))
    assert np.isnan(loss.item())
    loss.backward()
    assert (x.grad.data == 0).all()


@pytest.mark.parametrize("kw", [{}, {"weight": True, "ignore_index": 1, "label_smoothing": 0.3}, {"reduction": "sum"},
                                {"reduction": "none", "label_smoothing": 0.1}, {"probs": True, "label_smoothing": 0.2}])
def test_cross_entropy_hessian_vector_product_matches_torch(kw):
    torch = pytest.importorskip("torch")
    kw = dict(kw)
    x0 = R64.standard_normal((4, 5, 2))
    t0 = np.array([[0, 1], [4, 2], [1, 1], [3, 0]])
    if kw.pop("probs", False):
        t0 = np.exp(R64.standard_normal((4, 5, 2)))
        t0 /= t0.sum(1, keepdims=True)
    v0 = R64.standard_normal(x0.shape)
    res = []
    for lib in (ag, torch):
        x = lib.tensor(x0, requires_grad=True)
        f = torch.nn.functional if lib is torch else F
        kk = dict(kw)
        if kk.pop("weight", False):
            kk["weight"] = lib.tensor([1.0, 2.0, 0.5, 1.5, 0.7], dtype=lib.float64)
        out = f.cross_entropy(x, lib.tensor(t0), **kk)
        seed = lib.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
        (g,) = lib.autograd.grad(out, [x], seed, create_graph=True)
        (h,) = lib.autograd.grad((g * lib.tensor(v0)).sum(), [x])
        res.append((out.detach().numpy() if lib is torch else out.data, g.detach().numpy() if lib is torch else g.data,
                    h.numpy() if lib is torch else h.data))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_cross_entropy_third_order():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    t = ag.tensor([0, 3, 1])
    (g,) = ag.grad(F.cross_entropy(x, t), [x], create_graph=True)
    (h,) = ag.grad((g * g).sum(), [x], create_graph=True)
    (k,) = ag.grad(h.sum(), [x])
    lp = x.log_softmax(1)
    (g2,) = ag.grad(-(lp.gather(1, t.unsqueeze(1))).mean(), [x], create_graph=True)
    (h2,) = ag.grad((g2 * g2).sum(), [x], create_graph=True)
    (k2,) = ag.grad(h2.sum(), [x])
    np.testing.assert_allclose(k.data, k2.data, rtol=1e-10, atol=1e-12)


def test_cross_entropy_non_contiguous_and_float32():
    base = R64.standard_normal((6, 8)).astype(np.float32)
    x = ag.tensor(base, requires_grad=True)
    xt = x.t()  # (8, 6), non-contiguous
    loss = F.cross_entropy(xt, ag.tensor([0, 5, 2, 3, 1, 0, 4, 5]))
    loss.backward()
    assert loss.dtype == np.float32 and x.grad.dtype == np.float32
    ref = -np.log(np.exp(base.T) / np.exp(base.T).sum(1, keepdims=True))[np.arange(8), [0, 5, 2, 3, 1, 0, 4, 5]].mean()
    assert loss.item() == pytest.approx(ref, rel=1e-5)


def test_cross_entropy_under_no_grad_and_module():
    x = _t(R64.standard_normal((5, 3)))
    crit = nn.CrossEntropyLoss(weight=ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64), ignore_index=2, label_smoothing=0.1)
    with ag.no_grad():
        a = crit(x, ag.tensor([0, 1, 2, 2, 1]))
    b = F.cross_entropy(x, ag.tensor([0, 1, 2, 2, 1]), crit.weight, ignore_index=2, label_smoothing=0.1)
    assert a.item() == b.item() and a.grad_fn is None
    assert list(crit.state_dict()) == ["weight"]
    assert repr(crit) == "CrossEntropyLoss()"


def test_large_class_count_uses_twin_forward_consistently():
    x = _t(R64.standard_normal((20, LK.CE_FORWARD_NUMBA_MAX // 10)), grad=True)  # above the size limit
    t = ag.tensor(R64.integers(0, x.shape[1], 20))
    loss = F.cross_entropy(x, t, label_smoothing=0.1)
    loss.backward()
    lp = x.data - np.log(np.exp(x.data).sum(1, keepdims=True))
    ref = -(0.9 * lp[np.arange(20), t.data] + 0.1 * lp.mean(1)).mean()
    assert loss.item() == pytest.approx(ref, rel=1e-10)


# ---------------------------------------------------------------- kernels against their NumPy twins
needs_numba = pytest.mark.skipif(LK.BACKEND != "numba",
                                 reason="Numba kernels are not active (AUTOGRAD_KERNELS=numpy or no Numba)")


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("eps", [0.0, 0.25])
def test_ce_index_kernels_match_twins(dtype, weighted, eps):
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((9, 6)) * 3).astype(dtype)
    x[0, 1] = -np.inf
    t = rng.integers(0, 6, 9)
    t[[2, 5]] = -1
    w = rng.random(6) + 0.1 if weighted else np.empty(0)
    res = []
    for impl in (LK.NUMBA, LK.NUMPY):
        loss, p = np.empty(9, dtype), np.empty((9, 6), dtype)
        head = impl["ce_index_forward"](x, t, w, -1, eps, loss, p)
        g1, g2 = np.empty_like(x), np.empty_like(x)
        impl["ce_index_backward"](p, t, w, -1, eps, np.array([0.7]), g1)
        impl["ce_index_backward"](p, t, w, -1, eps, np.linspace(-1, 1, 9), g2)
        loss0 = np.empty(9, dtype)
        head0 = impl["ce_index_forward"](x, t, w, -1, eps, loss0, np.empty((0, 6), dtype))
        res.append((np.array(head[1:]), np.array(head0[1:]), loss, loss0, p, g1, g2))
        assert head[0] == head0[0] == -1
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    t[4] = 6
    bad = [impl["ce_index_forward"](x, t, w, -1, eps, loss, p)[0] for impl in (LK.NUMBA, LK.NUMPY)]
    assert bad == [4, 4]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ce_dense_kernels_match_twins(dtype):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 7)).astype(dtype)
    b = rng.random((5, 7))
    b[1, 2] = 0.0
    x[1, 2] = -np.inf
    res = []
    for impl in (LK.NUMBA, LK.NUMPY):
        loss, p, g = np.empty(5, dtype), np.empty((5, 7), dtype), np.empty((5, 7), dtype)
        total = impl["ce_dense_forward"](x, b, loss, p)
        impl["ce_dense_backward"](p, b, np.linspace(0, 2, 5), g)
        res.append((np.array(total), loss, p, g))
    for a, c in zip(*res):
        np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)
    assert np.isfinite(res[0][1]).all()


@needs_numba
def test_ctc_kernels_match_twins():
    rng = np.random.default_rng(5)
    T, N, C = 9, 4, 5
    lp = rng.standard_normal((T, N, C))
    lp -= np.log(np.exp(lp).sum(2, keepdims=True))
    tg = np.array([1, 2, 2, 3, 3, 4, 1, 1, 1, 1], dtype=np.int64)
    tl = np.array([3, 2, 0, 5])
    offs = np.array([0, 3, 5, 5])
    il = np.array([9, 7, 3, 4])  # the last is infeasible (5 labels with a repeat need >= 6 frames)
    res = []
    for impl in (LK.NUMBA, LK.NUMPY):
        la = np.empty((N, T, 11))
        nll = impl["ctc_alpha"](lp, tg, offs, tl, il, 0, la)
        g = np.empty_like(lp)
        impl["ctc_grad"](lp, tg, offs, tl, il, 0, nll, la, np.array([1.0, 2.0, 0.5, 1.0]), True, g)
        res.append((nll, g))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-12)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10, atol=1e-12)
    assert np.isinf(res[0][0][3]) and (res[0][1][:, 3] == 0).all()


def test_numpy_backend_env_var():
    code = ("import nn.functional as F, autograd as ag; from nn import loss_kernels as LK; "
            "x = ag.tensor([[2.0, 0.0, -1.0]], requires_grad=True); l = F.cross_entropy(x, ag.tensor([0])); l.backward(); "
            "print(LK.BACKEND, LK.ce_index_forward is LK.numpy_ce_index_forward, round(l.item(), 6))")
    env = {**os.environ, "AUTOGRAD_KERNELS": "numpy", "PYTHONPATH": os.getcwd()}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    out = run.stdout.split()
    assert out[:2] == ["numpy", "True"]
    x = ag.tensor([[2.0, 0.0, -1.0]], requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor([0]))
    loss.backward()
    assert float(out[2]) == pytest.approx(loss.item(), abs=1e-6)


# ---------------------------------------------------------------- CTC specifics
def test_ctc_zero_infinity_and_mean_match_torch():
    torch = pytest.importorskip("torch")
    z0 = R64.standard_normal((4, 3, 5))
    targets, il, tl = np.array([[1, 1, 2], [3, 4, 0], [2, 0, 0]]), [4, 4, 2], [3, 2, 1]  # sample 0 is infeasible
    for zi in (False, True):
        for red in ("mean", "sum", "none"):
            z = ag.tensor(z0, requires_grad=True)
            ours = F.ctc_loss(z.log_softmax(2), ag.tensor(targets), ag.tensor(il), ag.tensor(tl), reduction=red, zero_infinity=zi)
            tz = torch.tensor(z0, requires_grad=True)
            theirs = torch.nn.functional.ctc_loss(tz.log_softmax(2), torch.tensor(targets), torch.tensor(il), torch.tensor(tl),
                                                  reduction=red, zero_infinity=zi)
            np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-10)
            if zi:
                ours.sum().backward()
                theirs.sum().backward()
                np.testing.assert_allclose(z.grad.data, tz.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_ctc_module_and_double_backward_error():
    lp = ag.randn(6, 2, 4, dtype=ag.float64, requires_grad=True)
    loss = nn.CTCLoss(blank=3)(lp.log_softmax(2), ag.tensor([0, 1, 2]), (6, 5), (2, 1))
    (g,) = ag.grad(loss, [lp], create_graph=True)
    with pytest.raises(RuntimeError, match="double backward"):
        g.sum().backward()


def test_ctc_bad_input():
    lp = ag.zeros(5, 2, 4).log_softmax(2)
    with pytest.raises(RuntimeError, match="at most 5, but got value 6"):
        F.ctc_loss(lp, ag.tensor([[1, 2], [1, 1]]), [6, 5], [2, 2])
    with pytest.raises(RuntimeError, match="size at least 3"):
        F.ctc_loss(lp, ag.tensor([[1, 2], [1, 1]]), [5, 5], [3, 2])
    with pytest.raises(IndexError, match="label 7 is out of bounds for 4 classes"):
        F.ctc_loss(lp, ag.tensor([[1, 7], [1, 1]]), [5, 5], [2, 2])
    with pytest.raises(RuntimeError, match=r"\(T, N, C\)"):
        F.ctc_loss(ag.zeros(5), ag.tensor([1]), [5], [1])


# ---------------------------------------------------------------- other losses
def test_focal_losses():
    x = _t(R64.standard_normal((6, 4)), grad=True)
    t = ag.tensor([0, 3, 1, 2, -100, 0])
    assert F.focal_loss(x, t, gamma=0.0).item() == pytest.approx(F.cross_entropy(x, t).item(), rel=1e-12)
    crit = nn.FocalLoss(alpha=[1.0, 2.0, 3.0, 4.0], gamma=2.0, reduction="sum")
    assert list(crit.state_dict()) == ["alpha"] and repr(crit) == "FocalLoss(gamma=2.0)"
    crit(x, t).backward()
    assert x.grad.shape == x.shape and (x.grad.data[4] == 0).all()
    s = nn.SigmoidFocalLoss(alpha=-1, gamma=0.0, reduction="mean")
    y = _t(R64.random((6, 4)))
    assert s(x, y).item() == pytest.approx(F.binary_cross_entropy_with_logits(x, y).item(), rel=1e-12)


def test_kl_div_reductions_and_mean_warning():
    x = _t(np.log([[0.2, 0.8], [0.5, 0.5]]))
    t = _t([[0.0, 1.0], [0.5, 0.5]])
    total = F.kl_div(x, t, reduction="sum").item()
    assert F.kl_div(x, t, reduction="batchmean").item() == pytest.approx(total / 2)
    assert total == pytest.approx(np.log(1 / 0.8))
    with pytest.warns(UserWarning, match="batchmean"):
        assert F.kl_div(x, t).item() == pytest.approx(total / 4)


def test_legacy_size_average_reduce():
    a, b = _t([1.0, 2.0]), _t([0.0, 0.0])
    with pytest.warns(UserWarning, match="deprecated"):
        assert F.mse_loss(a, b, size_average=False).item() == 5.0
    with pytest.warns(UserWarning):
        assert nn.L1Loss(reduce=False)(a, b).tolist() == [1.0, 2.0]


LOSS_MODULES = [
    ("MSELoss", {}, 2), ("L1Loss", {"reduction": "sum"}, 2), ("HuberLoss", {"delta": 0.5}, 2), ("SmoothL1Loss", {"beta": 0.5}, 2),
    ("BCELoss", {}, "prob"), ("BCEWithLogitsLoss", {"pos_weight": [2.0, 1.0, 0.5]}, "logit"),
    ("CrossEntropyLoss", {"weight": [1.0, 2.0, 3.0], "label_smoothing": 0.1}, "index"), ("NLLLoss", {"ignore_index": 1}, "index"),
    ("KLDivLoss", {"reduction": "batchmean", "log_target": True}, 2), ("TripletMarginLoss", {"swap": True}, 3),
    ("MarginRankingLoss", {"margin": 0.2}, "rank"), ("CosineEmbeddingLoss", {"margin": 0.1}, "cos"),
]


@pytest.mark.parametrize("name,kwargs,kind", LOSS_MODULES, ids=[m[0] for m in LOSS_MODULES])
def test_loss_modules_match_torch(name, kwargs, kind):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4, 3))
    if kind == "prob":
        args = [1 / (1 + np.exp(-x)), rng.random((4, 3))]
    elif kind == "logit":
        args = [x, rng.random((4, 3))]
    elif kind == "index":
        args = [x, np.array([0, 2, 1, 1])]
    elif kind == "rank":
        args = [x[:, 0], x[:, 1], np.array([1.0, -1.0, 1.0, -1.0])]
    elif kind == "cos":
        args = [x, rng.standard_normal((4, 3)), np.array([1.0, -1.0, 1.0, -1.0])]
    else:
        args = [rng.standard_normal((4, 3)) for _ in range(kind)]
    ours_args = [ag.tensor(a, requires_grad=a.dtype.kind == "f") for a in args]
    theirs_args = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in args]
    ours_kw = {k: (ag.tensor(v, dtype=ag.float64) if isinstance(v, list) else v) for k, v in kwargs.items()}
    theirs_kw = {k: (torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v) for k, v in kwargs.items()}
    ours_m, theirs_m = getattr(nn, name)(**ours_kw), getattr(torch.nn, name)(**theirs_kw)
    assert repr(ours_m) == repr(theirs_m)
    assert list(ours_m.state_dict()) == list(theirs_m.state_dict())
    lo, lt = ours_m(*ours_args), theirs_m(*theirs_args)
    np.testing.assert_allclose(lo.data, lt.detach().numpy(), rtol=1e-10, atol=1e-12)
    lo.backward()
    lt.backward()
    for a, b in zip(ours_args, theirs_args):
        if b.grad is not None:
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- bad input
def _no_side_effects(x):
    assert x.grad is None


def test_class_index_out_of_range_names_index_and_classes():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    for f in (F.cross_entropy, F.nll_loss, F.focal_loss, nn.CrossEntropyLoss()):
        with pytest.raises(IndexError, match=r"Target 7 is out of bounds.*4 classes"):
            f(x, ag.tensor([0, 7, 1]))
        with pytest.raises(IndexError, match=r"Target -2 is out of bounds.*4 classes"):
            f(x, ag.tensor([0, -2, 1]))
    _no_side_effects(x)


def test_target_shape_mismatch_names_both_shapes():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    with pytest.raises(ValueError, match=r"input batch_size \(3\).*target batch_size \(2\)"):
        F.cross_entropy(x, ag.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 5\], got \[2, 4\]"):
        F.cross_entropy(ag.zeros(2, 3, 5), ag.zeros(2, 4, dtype=ag.int64))
    with pytest.raises(RuntimeError, match=r"target size \(3,\).*input size \(2,\)"):
        F.mse_loss(ag.zeros(2), ag.zeros(3))
    with pytest.raises(ValueError, match=r"target size \(Size\(\[3\]\)\).*input size \(Size\(\[2\]\)\)"):
        F.binary_cross_entropy(ag.zeros(2), ag.zeros(3))
    with pytest.raises(ValueError, match=r"Target size \(Size\(\[3\]\)\) must be the same as input size \(Size\(\[2\]\)\)"):
        F.binary_cross_entropy_with_logits(ag.zeros(2), ag.zeros(3))
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(ag.zeros(2, 1), ag.zeros(2))
    _no_side_effects(x)


def test_wrong_target_dtype_for_cross_entropy():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    with pytest.raises(RuntimeError, match=r"cross_entropy: expected target dtype.*got float32 target of shape \[3"):
        F.cross_entropy(x, ag.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(RuntimeError, match="nll_loss: expected target dtype to be Long or Byte"):
        F.nll_loss(x, ag.tensor([0.0, 1.0, 2.0]))
    with pytest.raises(TypeError, match="argument 'target' .* must be Tensor, not list"):
        F.cross_entropy(x, [0, 1, 2])
    _no_side_effects(x)


def test_bce_probabilities_outside_unit_interval():
    p = _t([0.5, 1.2], grad=True)
    with pytest.raises(RuntimeError, match=r"all elements of input should be between 0 and 1 \(found 1.2"):
        F.binary_cross_entropy(p, _t([0.0, 1.0]))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        nn.BCELoss()(_t([np.nan]), _t([1.0]))
    _no_side_effects(p)


def test_bce_log_clamp_like_torch():
    p = _t([0.0, 1.0, 0.0], grad=True)
    loss = F.binary_cross_entropy(p, _t([1.0, 0.0, 0.0]), reduction="none")
    assert loss.tolist() == [100.0, 100.0, 0.0]
    loss.sum().backward()
    assert np.isfinite(p.grad.data).all()


def test_other_bad_arguments():
    x = _t(R64.standard_normal((3, 4)), grad=True)
    t = ag.tensor([0, 1, 2])
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.cross_entropy(x, t, reduction="avg")
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(RuntimeError, match=r"weight tensor should be defined either for all 4 classes.*\[3\]"):
        F.cross_entropy(x, t, weight=ag.ones(3))
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, t, label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="margin to be greater than 0"):
        nn.TripletMarginLoss(margin=0.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.triplet_margin_loss(ag.zeros(2, 3), ag.zeros(3), ag.zeros(2, 3))
    with pytest.raises(RuntimeError, match=r"alpha should have one value per class \(4\)"):
        F.focal_loss(x, t, alpha=[1.0, 2.0])
    _no_side_effects(x)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_zero_class_weights_match_torch(reduction):
    torch = pytest.importorskip("torch")
    x0, t0, w0 = R64.standard_normal((4, 3)), np.array([0, 1, 1, 2]), np.array([0.0, 0.0, 2.0])
    x = ag.tensor(x0, requires_grad=True)
    loss = F.cross_entropy(x, ag.tensor(t0), ag.tensor(w0), reduction=reduction, label_smoothing=0.1)
    loss.sum().backward()
    tx = torch.tensor(x0, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(tx, torch.tensor(t0), torch.tensor(w0), reduction=reduction, label_smoothing=0.1)
    tl.sum().backward()
    np.testing.assert_allclose(loss.data, tl.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-15)
